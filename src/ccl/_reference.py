"""libccl's own addresses for a list of indices: the reference that ccl.dask's verification,
``ccl addresses --engine libccl`` and ``ccl verify`` compare the engine with (one helper, so the
choice of libccl call is made in one place).

libccl derives from the mnemonic only, and on the external chain (role 0) only. For account 0
base addresses ``wallet.get_addresses`` covers the rows (~31 ms per address, about 3x cheaper
than ``account.from_mnemonic_many``, ~90 ms, which returns every address kind of a path); the
other accounts and kinds take the field of ``account.from_mnemonic_many``.
"""

_FIELDS = {"base": "base_address", "enterprise": "enterprise_address"}


def libccl_addresses(lib, mnemonic, network, account, indices, kind="base", *, threads=None):
    """libccl's ``kind`` addresses (``"base"`` or ``"enterprise"``) of ``account``'s external
    chain at ``indices``, in that order, through ``lib`` (a CclLib) on ``threads`` native
    threads (None: libccl's default)."""
    if kind == "base" and account == 0:
        return lib.wallet.get_addresses(mnemonic, network, indices, threads=threads)
    field = _FIELDS[kind]
    dicts = lib.account.from_mnemonic_many(mnemonic, network, account, indices, threads=threads)
    return [d[field] for d in dicts]
