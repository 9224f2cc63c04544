"""Type stubs for ccl._hd_testing: the HD engine's test and benchmark hooks (not API)."""

from ccl._hd import AccountKey, AccountPublicKey

def _curve_diff(kind: int, n: int, seed: int) -> int: ...
def _curve_one(kind: int, p: bytes, q: bytes | None = None) -> bytes | None: ...
def _addresses_engine(
    key: AccountKey | AccountPublicKey,
    engine: int,
    network: int,
    role: int,
    kind: str,
    start: int,
    count: int,
    threads: int | None = 1,
) -> list[str]: ...
def _sodium_child(n: int) -> int: ...
