"""ccl.dask's error: one failing partition."""

from __future__ import annotations


class PartitionError(RuntimeError):
    """A partition failed in a worker. The message names the partition and its index range."""
