"""Type stubs for ccl._core, the compiled binding (public API re-exported by ``ccl``)."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from threading import Event
from types import TracebackType
from typing import Any, Literal, Optional, Union, final

from typing_extensions import disjoint_base

from ccl.network import Network
from ccl.providers import ChainDataProvider, TransactionEvaluator

__all__ = [
    "CclLib",
    "CclError",
    "CclClosedError",
    "Account",
    "Address",
    "Crypto",
    "Transaction",
    "Plutus",
    "Script",
    "Governance",
    "Wallet",
    "QuickTx",
    "configure",
    "EXPECTED_LIB_VERSION",
]

EXPECTED_LIB_VERSION: str

_Str = Union[str, bytes]
_Net = Union[Network, int]
_Errors = Literal["raise", "return"]
_Progress = Optional[Callable[[int, int], Any]]

class CclError(Exception):
    code: int
    message: str
    index: Optional[int]
    def __init__(self, code: int, message: str, index: Optional[int] = ...) -> None: ...

class CclClosedError(RuntimeError): ...

def configure(
    *,
    max_heap: Union[int, str, None] = ...,
    options: Sequence[str] = ...,
    max_input: Optional[int] = ...,
    isolates: Optional[int] = ...,
) -> None: ...

@disjoint_base
class _Namespace:
    # bridge=None builds a namespace with no library (a native call then raises RuntimeError)
    def __init__(self, bridge: Optional[CclLib]) -> None: ...
    @property
    def _bridge(self) -> Optional[CclLib]: ...

@disjoint_base
class Account(_Namespace):
    def create(self, network: _Net) -> dict[str, Any]: ...
    def from_mnemonic(
        self, mnemonic: _Str, network: _Net, account_index: int = ..., address_index: int = ...
    ) -> dict[str, Any]: ...
    def from_mnemonic_many(
        self,
        mnemonic: _Str,
        network: _Net,
        account_index: int,
        address_indices: Iterable[int],
        *,
        threads: Optional[int] = ...,
        errors: _Errors = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> list[Any]: ...
    def get_private_key(
        self, mnemonic: _Str, network: _Net, account_index: int = ..., address_index: int = ...
    ) -> str: ...
    def get_public_key(
        self, mnemonic: _Str, network: _Net, account_index: int = ..., address_index: int = ...
    ) -> str: ...
    def sign_tx(
        self,
        mnemonic: _Str,
        tx_cbor_hex: _Str,
        network: _Net,
        account_index: int = ...,
        address_index: int = ...,
    ) -> str: ...
    def sign_tx_with_keys(
        self,
        mnemonic: _Str,
        tx_cbor_hex: _Str,
        keys: Union[_Str, Sequence[str]],
        network: _Net,
        account_index: int = ...,
        address_index: int = ...,
    ) -> str: ...
    def get_drep_id(self, mnemonic: _Str, network: _Net, account_index: int = ...) -> str: ...

@disjoint_base
class Address(_Namespace):
    def info(self, bech32_address: _Str) -> dict[str, Any]: ...
    def to_bytes(self, bech32_address: _Str) -> str: ...
    def from_bytes(self, hex_bytes: _Str) -> str: ...
    def validate(self, bech32_address: _Str) -> bool: ...
    def validate_many(
        self,
        addresses: Iterable[_Str],
        *,
        threads: Optional[int] = ...,
        errors: _Errors = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> list[bool]: ...
    def info_many(
        self,
        addresses: Iterable[_Str],
        *,
        threads: Optional[int] = ...,
        errors: _Errors = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> list[Any]: ...
    def to_bytes_many(
        self,
        addresses: Iterable[_Str],
        *,
        threads: Optional[int] = ...,
        errors: _Errors = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> list[Any]: ...

@disjoint_base
class Crypto(_Namespace):
    def blake2b_256(self, data_hex: _Str) -> str: ...
    def blake2b_224(self, data_hex: _Str) -> str: ...
    def blake2b_256_many(
        self,
        items: Iterable[_Str],
        *,
        threads: Optional[int] = ...,
        errors: _Errors = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> list[Any]: ...
    def blake2b_224_many(
        self,
        items: Iterable[_Str],
        *,
        threads: Optional[int] = ...,
        errors: _Errors = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> list[Any]: ...
    def iter_blake2b_256(
        self,
        items: Iterable[_Str],
        *,
        chunk: int = ...,
        threads: Optional[int] = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> Iterator[str]: ...
    def generate_mnemonic(self, word_count: int = ...) -> str: ...
    def validate_mnemonic(self, mnemonic: _Str) -> bool: ...
    def sign(self, message_hex: _Str, sk_hex: _Str) -> str: ...
    def sign_many(
        self,
        messages: Iterable[_Str],
        sk_hex: _Str,
        *,
        threads: Optional[int] = ...,
        errors: _Errors = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> list[Any]: ...
    def verify(self, signature_hex: _Str, message_hex: _Str, pk_hex: _Str) -> bool: ...
    def verify_many(
        self,
        triples: Iterable[tuple[_Str, _Str, _Str]],
        *,
        threads: Optional[int] = ...,
        errors: _Errors = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> list[bool]: ...

@disjoint_base
class Transaction(_Namespace):
    def hash(self, tx_cbor_hex: _Str) -> str: ...
    def hash_many(
        self,
        txs: Iterable[_Str],
        *,
        threads: Optional[int] = ...,
        errors: _Errors = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> list[Any]: ...
    def sign_with_secret_key(self, tx_cbor_hex: _Str, sk_cbor_hex: _Str) -> str: ...
    def to_json(self, tx_cbor_hex: _Str) -> dict[str, Any]: ...
    def from_json(self, tx_json: Union[_Str, dict[str, Any]]) -> str: ...
    def deserialize(self, tx_cbor_hex: _Str) -> dict[str, Any]: ...

@disjoint_base
class Plutus(_Namespace):
    def data_hash(self, datum_cbor_hex: _Str) -> str: ...
    def data_to_json(self, cbor_hex: _Str) -> str: ...
    def data_from_json(self, json_str: Union[_Str, dict[str, Any]]) -> str: ...

class Script(_Namespace):
    def native_from_json(self, json_str: Union[_Str, dict[str, Any]]) -> str: ...
    def hash(self, script_cbor_hex: _Str, script_type: int = ...) -> str: ...

@disjoint_base
class Governance(_Namespace):
    def drep_key_from_mnemonic(
        self, mnemonic: _Str, network: _Net, account_index: int = ...
    ) -> dict[str, Any]: ...
    def committee_cold_key_from_mnemonic(
        self, mnemonic: _Str, network: _Net, account_index: int = ...
    ) -> dict[str, Any]: ...
    def committee_hot_key_from_mnemonic(
        self, mnemonic: _Str, network: _Net, account_index: int = ...
    ) -> dict[str, Any]: ...

@disjoint_base
class Wallet(_Namespace):
    def create(self, network: _Net) -> dict[str, Any]: ...
    def from_mnemonic(self, mnemonic: _Str, network: _Net) -> dict[str, Any]: ...
    def get_address(self, mnemonic: _Str, network: _Net, index: int = ...) -> str: ...
    def get_addresses(
        self,
        mnemonic: _Str,
        network: _Net,
        indices: Iterable[int],
        *,
        threads: Optional[int] = ...,
        errors: _Errors = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> list[Any]: ...
    def iter_addresses(
        self,
        mnemonic: _Str,
        network: _Net,
        start: int = ...,
        count: Optional[int] = ...,
        *,
        chunk: int = ...,
        threads: Optional[int] = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> Iterator[str]: ...

@disjoint_base
class QuickTx(_Namespace):
    def build(
        self,
        txplan_yaml: Union[_Str, dict[str, Any]],
        utxos: Any,
        protocol_params: Any,
        exec_units: Optional[Sequence[dict[str, int]]] = ...,
    ) -> dict[str, Any]: ...
    def build_many(
        self,
        plans: Iterable[Union[_Str, dict[str, Any]]],
        utxos: Any,
        protocol_params: Any,
        exec_units: Optional[Sequence[dict[str, int]]] = ...,
        *,
        threads: Optional[int] = ...,
        errors: _Errors = ...,
        progress: _Progress = ...,
        cancel: Optional[Event] = ...,
    ) -> list[Any]: ...
    def build_with(
        self,
        txplan_yaml: Union[_Str, dict[str, Any]],
        provider: ChainDataProvider,
        sender: str,
        evaluator: Optional[TransactionEvaluator] = ...,
    ) -> dict[str, Any]: ...

@final
class CclLib:
    CCL_SUCCESS: int
    CCL_ERROR_GENERAL: int
    CCL_ERROR_INVALID_ARGUMENT: int
    CCL_ERROR_SERIALIZATION: int
    CCL_ERROR_CRYPTO: int
    CCL_ERROR_INVALID_NETWORK: int
    CCL_ERROR_INVALID_MNEMONIC: int
    CCL_ERROR_INVALID_ADDRESS: int
    CCL_ERROR_INSUFFICIENT_FUNDS: int
    CCL_ERROR_INVALID_TRANSACTION: int
    CCL_ERROR_TX_BUILD: int
    MAINNET: Network
    TESTNET: Network
    PREPROD: Network
    PREVIEW: Network
    account: Account
    address: Address
    crypto: Crypto
    tx: Transaction
    plutus: Plutus
    script: Script
    gov: Governance
    wallet: Wallet
    quicktx: QuickTx
    def __init__(self, lib_path: Optional[str] = ...) -> None: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def version(self) -> str: ...
    def __enter__(self) -> CclLib: ...
    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None: ...

def _base_version(v: str) -> str: ...
def _runtime_info() -> dict[str, Any]: ...
def _cbor_verdict(hexed: _Str) -> tuple[str, int, bool]: ...
def _yaml_result_for_tests(s: str) -> Any: ...

# ccl.aio's glue (core/aio.pyx); the public face is ccl.aio.AsyncCclLib.
AIO_FULL: object

@final
class _AioChannel:
    @property
    def loop(self) -> Any: ...
    @property
    def in_flight(self) -> int: ...
    @property
    def max_in_flight(self) -> int: ...
    @property
    def workers(self) -> int: ...
    @property
    def slow_workers(self) -> int: ...
    @property
    def stale(self) -> bool: ...
    @property
    def full(self) -> bool: ...
    @property
    def submits(self) -> int: ...
    @property
    def refusals(self) -> int: ...
    @property
    def reserved(self) -> int: ...
    def __new__(
        cls, loop: Any, workers: int, slow_workers: int, max_in_flight: int
    ) -> _AioChannel: ...
    def submit_fn(self, fn: int, fn_free: int, ctx: int, convert: Any) -> Any: ...
    def hold(self) -> None: ...
    def release(self) -> None: ...
    def drop_waiter(self, w: Any) -> None: ...
    def cancel_future(self, fut: Any) -> None: ...
    def wait_slot(self) -> Any: ...
    def cancel_queued(self) -> None: ...
    def wait_idle(self) -> Any: ...
    def close(self) -> None: ...

@final
class _AioRouter:
    @property
    def workers(self) -> int: ...
    @property
    def slow_workers(self) -> int: ...
    @property
    def max_in_flight(self) -> int: ...
    def __new__(
        cls, workers: int, slow_workers: int, max_in_flight: int, offload: str
    ) -> _AioRouter: ...
    def offloads(self, entry: int) -> bool: ...
    def slow_lane(self, entry: int) -> bool: ...
    def channel(self, loop: Any = ...) -> _AioChannel: ...
    def take_channels(self) -> list[_AioChannel]: ...

def _aio_attach(lib: CclLib, router: _AioRouter) -> None: ...
