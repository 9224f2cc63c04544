"""Type stubs for ccl._hd, the compiled CIP-1852 HD address engine (public API: ccl.hd)."""

from collections.abc import Iterator
from types import TracebackType
from typing import Any, Literal, SupportsIndex, final

from typing_extensions import Self

from ccl.network import Network

_NetworkArg = Network | int
_Kind = Literal["base", "enterprise"]
_Role = Literal[0, 1]

MAX_INDEX: int
DEFAULT_CHUNK: int

class VerificationError(RuntimeError):
    """The engine and libccl derived different addresses for the same mnemonic and path."""

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

@final
class AccountKey:
    """Account-level extended private key m/1852'/1815'/account' (kept in wiped C memory)."""

    @property
    def account_index(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...  # raises TypeError
    @classmethod
    def from_mnemonic(
        cls,
        mnemonic: str,
        account_index: SupportsIndex = 0,
        passphrase: str = "",
        *,
        keep_mnemonic_for_verify: bool = False,
    ) -> AccountKey: ...
    def public_key(self) -> AccountPublicKey: ...
    def stake_address(self, network: _NetworkArg) -> str: ...
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
