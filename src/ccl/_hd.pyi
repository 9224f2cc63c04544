"""Type stubs for ccl._hd, the compiled CIP-1852 HD address engine (public API: ccl.hd)."""

from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, Literal, Optional, SupportsIndex, TypedDict, final

from typing_extensions import Self

from ccl.network import Network

_NetworkArg = Network | int
_Kind = Literal["base", "enterprise"]
_Role = Literal[0, 1]

MAX_INDEX: int
MAX_THREADS: int
ROLES: dict[str, int]
STAKE_ROLE: int
KINDS: tuple[str, ...]
DEFAULT_CHUNK: int
WORD_COUNTS: tuple[int, ...]
DERIVATIONS: dict[str, int]
_Derivation = Literal["icarus", "ledger", "icarus-trezor"]

class HdError(Exception):
    """Base class of the errors ccl.hd raises about inputs and checks."""

class VerificationError(HdError, RuntimeError):
    """The engine and libccl derived different addresses for the same mnemonic and path."""

class MnemonicError(HdError, ValueError):
    """Why a mnemonic was rejected; the message never contains a word."""

    reason: str  # "unknown_word" | "word_count" | "checksum"
    position: int | None  # 1-based position of the first unknown word
    word_count: int | None
    def __init__(
        self,
        message: str,
        reason: str,
        position: int | None = None,
        word_count: int | None = None,
    ) -> None: ...

_Text = str | bytes | bytearray | memoryview
_GovKey = dict[str, str]
_Found = tuple[int, int]

def normalize_mnemonic(mnemonic: _Text) -> str: ...

class _Pointer(TypedDict):
    slot: int
    tx_index: int
    cert_index: int

class _Credentials(TypedDict):
    type: int
    network_id: int
    payment: tuple[str, str] | None  # ("key" | "script", hash hex)
    stake: tuple[str, str] | None
    pointer: _Pointer | None

def address_credentials(addresses: Iterable[str]) -> list[_Credentials]: ...
def address_key_hashes(
    addresses: Iterable[str],
) -> tuple[list[str | None], list[str | None]]: ...
def public_key_from_xsk(key: str | bytes | bytearray | memoryview) -> AccountPublicKey: ...

@final
class AccountPublicKey:
    """Account-level extended public key (32-byte key || 32-byte chain code)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None: ...  # raises TypeError
    @classmethod
    def from_bech32(cls, text: str) -> AccountPublicKey: ...
    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> AccountPublicKey: ...
    def to_bytes(self) -> bytes: ...
    def to_bech32(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def addresses(
        self,
        network: _NetworkArg,
        start: SupportsIndex = 0,
        count: SupportsIndex = 1,
        *,
        role: _Role = 0,
        kind: _Kind = "base",
        threads: SupportsIndex | None = None,
        verify: None = None,
    ) -> list[str]: ...
    def iter_addresses(
        self,
        network: _NetworkArg,
        start: SupportsIndex = 0,
        count: SupportsIndex | None = None,
        *,
        role: _Role = 0,
        kind: _Kind = "base",
        threads: SupportsIndex | None = None,
        chunk: SupportsIndex = 65536,
    ) -> Iterator[str]: ...
    def stake_address(self, network: _NetworkArg) -> str: ...
    def find(
        self,
        address: str,
        *,
        roles: Iterable[int] = (0, 1),
        start: SupportsIndex = 0,
        limit: SupportsIndex = 10000,
        threads: SupportsIndex | None = None,
    ) -> _Found | None: ...
    def find_many(
        self,
        addresses: Iterable[str],
        *,
        roles: Iterable[int] = (0, 1),
        start: SupportsIndex = 0,
        limit: SupportsIndex = 10000,
        threads: SupportsIndex | None = None,
        chunk: SupportsIndex = 8192,
    ) -> dict[str, _Found]: ...
    def drep_key(self) -> _GovKey: ...
    def committee_cold_key(self) -> _GovKey: ...
    def committee_hot_key(self) -> _GovKey: ...

@final
class AccountKey:
    """Account-level extended private key m/1852'/1815'/account' (kept in wiped C memory)."""

    @property
    def account_index(self) -> Optional[int]: ...  # None for an imported key with no label
    @property
    def derivation(self) -> Optional[str]: ...  # None for an imported acct_xsk
    @property
    def closed(self) -> bool: ...
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...  # raises TypeError
    @classmethod
    def from_mnemonic(
        cls,
        mnemonic: _Text,
        account_index: SupportsIndex = 0,
        passphrase: _Text = "",
        *,
        derivation: _Derivation = "icarus",
        keep_mnemonic_for_verify: bool = False,
    ) -> AccountKey: ...
    @classmethod
    def from_bech32(cls, acct_xsk: str, account_index: Optional[int] = None) -> AccountKey: ...
    @classmethod
    def from_bytes(cls, xprv: bytes, account_index: Optional[int] = None) -> AccountKey: ...
    def public_key(self) -> AccountPublicKey: ...
    def stake_address(self, network: _NetworkArg) -> str: ...
    def find(
        self,
        address: str,
        *,
        roles: Iterable[int] = (0, 1),
        start: SupportsIndex = 0,
        limit: SupportsIndex = 10000,
        threads: SupportsIndex | None = None,
    ) -> _Found | None: ...
    def find_many(
        self,
        addresses: Iterable[str],
        *,
        roles: Iterable[int] = (0, 1),
        start: SupportsIndex = 0,
        limit: SupportsIndex = 10000,
        threads: SupportsIndex | None = None,
        chunk: SupportsIndex = 8192,
    ) -> dict[str, _Found]: ...
    def drep_key(self) -> _GovKey: ...
    def committee_cold_key(self) -> _GovKey: ...
    def committee_hot_key(self) -> _GovKey: ...
    def addresses(
        self,
        network: _NetworkArg,
        start: SupportsIndex = 0,
        count: SupportsIndex = 1,
        *,
        role: _Role = 0,
        kind: _Kind = "base",
        threads: SupportsIndex | None = None,
        verify: Any | None = None,  # a ccl.CclLib
    ) -> list[str]: ...
    def iter_addresses(
        self,
        network: _NetworkArg,
        start: SupportsIndex = 0,
        count: SupportsIndex | None = None,
        *,
        role: _Role = 0,
        kind: _Kind = "base",
        threads: SupportsIndex | None = None,
        chunk: SupportsIndex = 65536,
    ) -> Iterator[str]: ...
    def close(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]: ...

# -- rows formatted by the engine (src/ccl/hd/rows.pyx) ----------------------------------------

#: Formats format_rows() writes.
ROW_FORMATS: dict[str, int]

def format_rows(
    key: AccountPublicKey,
    network: Network | int,
    start: int,
    count: int,
    *,
    fmt: Literal["txt", "csv", "jsonl"],
    network_name: str,
    role: int = 0,
    kind: Literal["base", "enterprise"] = "base",
    account: int = 0,
    threads: Optional[int] = None,
) -> bytes: ...
def arrow_rows(
    key: AccountPublicKey,
    network: Network | int,
    start: int,
    count: int,
    *,
    network_name: str,
    role: int = 0,
    kind: Literal["base", "enterprise"] = "base",
    account: int = 0,
    threads: Optional[int] = None,
) -> Any: ...
