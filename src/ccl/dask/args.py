"""Arguments, checked on the client before any graph is built."""

from __future__ import annotations

import numpy as np

from ccl.hd import KINDS as _KINDS
from ccl.hd import MAX_INDEX, MAX_THREADS, ROLES
from ccl.network import Network


def _check_int(value, name, lo, hi):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    value = int(value)
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be in {lo}..{hi}, got {value}")
    return value


def network_ordinal(network) -> int:
    """A ccl.Network or int 0-3 (CCL ordinals), checked on the client, as an int."""
    if isinstance(network, bool) or not isinstance(network, (int, np.integer)):
        raise TypeError(f"network must be a ccl.Network or int 0-3, not {type(network).__name__}")
    if not 0 <= network <= 3:
        raise ValueError(f"network must be a ccl.Network (0-3), got {network!r}")
    return int(Network(int(network)))


def _check_derivation(network, start, count, role, kind, account, partition_size, threads):
    net = network_ordinal(network)
    start = _check_int(start, "start", 0, MAX_INDEX)
    count = _check_int(count, "count", 1, MAX_INDEX + 1)
    if start + count - 1 > MAX_INDEX:
        raise ValueError("start + count runs past index 2**31-1 (hardened indices)")
    if role not in ROLES.values() or isinstance(role, bool):
        raise ValueError(f"role must be 0 (external) or 1 (internal), got {role!r}")
    if kind not in _KINDS:
        raise ValueError(f"kind must be 'base' or 'enterprise', got {kind!r}")
    account = _check_int(account, "account", 0, MAX_INDEX)
    partition_size = _check_int(partition_size, "partition_size", 1, MAX_INDEX + 1)
    if threads is not None:
        threads = _check_int(threads, "threads", 1, MAX_THREADS)
    return net, start, count, int(role), kind, account, partition_size, threads


def _ranges(start, count, partition_size):
    end = start + count
    return [(lo, min(lo + partition_size, end)) for lo in range(start, end, partition_size)]
