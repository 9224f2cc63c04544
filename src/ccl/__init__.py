"""ccl: a fast, GIL-free Cython binding to libccl (Cardano Client Lib's native library).

Drop-in compatible with the ``cardano-client-lib`` ctypes wrapper: the same ``CclLib`` with the
namespaces ``account, address, crypto, tx, plutus, script, gov, wallet, quicktx``, the same
``Network`` ordinals and the same ``CclError`` codes, plus batch methods (``*_many``,
``wallet.get_addresses``) that loop natively across cores, and ``ccl.hd``, a libsodium engine for
bulk address generation checked against libccl.
"""

try:
    from ccl import _core as _core_probe  # noqa: F401  (fails here when libccl cannot be loaded)
except ImportError as _e:
    if "libccl" not in str(_e):
        raise
    # The dynamic loader could not load libccl (deleted, or a foreign-platform copy). The reference
    # wrapper raised OSError with this sentence when loading failed; its users' code matches on it.
    raise OSError(
        f"Failed to load the CCL native library: {_e}. ccl links libccl at build time and ships it "
        "in ccl/_libs; reinstall ccl (or rebuild it with CCL_LIB_PATH naming a libccl directory)."
    ) from None

from ccl._core import (
    EXPECTED_LIB_VERSION,
    Account,
    Address,
    CclClosedError,
    CclError,
    CclLib,
    Crypto,
    Governance,
    Plutus,
    QuickTx,
    Script,
    Transaction,
    Wallet,
    configure,
)
from ccl.network import Network

__version__ = "0.1.0"

# ccl.providers (urllib, http.client, ssl, email: ~20 ms) is imported on first use of one of its
# names, not by ``import ccl``: the ``ccl`` command and bulk jobs never need it. ``ccl.X`` and
# ``from ccl import X`` work as before (PEP 562 module __getattr__).
_LAZY = {
    "ChainDataProvider": "ccl.providers",
    "YaciProvider": "ccl.providers",
    "BlockfrostProvider": "ccl.providers",
    "TransactionEvaluator": "ccl.providers",
    "BlockfrostEvaluator": "ccl.providers",
    "ProviderError": "ccl.providers",
}

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing; type checkers see True
if TYPE_CHECKING:
    from ccl.providers import (
        BlockfrostEvaluator,
        BlockfrostProvider,
        ChainDataProvider,
        ProviderError,
        TransactionEvaluator,
        YaciProvider,
    )
del TYPE_CHECKING


def __getattr__(name):
    import importlib

    if name == "providers":
        return importlib.import_module("ccl.providers")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ccl' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_LAZY, "providers"})


__all__ = [
    "CclLib",
    "CclError",
    "CclClosedError",
    "Network",
    "Account",
    "Address",
    "Crypto",
    "Transaction",
    "Plutus",
    "Script",
    "Governance",
    "Wallet",
    "QuickTx",
    "ChainDataProvider",
    "YaciProvider",
    "BlockfrostProvider",
    "TransactionEvaluator",
    "BlockfrostEvaluator",
    "ProviderError",
    "configure",
    "EXPECTED_LIB_VERSION",
    "__version__",
]
