"""Schedulers: where a ccl.dask job computes."""

from __future__ import annotations

import os

import dask


class _Scheduler:
    """``scheduler``: None (Dask's current default: a ``distributed.Client`` if one is active,
    else local threads), ``"local"`` (a ``LocalCluster`` of one single-threaded worker process per
    core, closed afterwards), a ``tcp://host:port`` address, or a ``distributed.Client``."""

    def __init__(self, scheduler, n_workers=None):
        self.client = None
        self._own = []
        if scheduler is None:
            return
        from distributed import Client, LocalCluster

        if isinstance(scheduler, Client):
            self.client = scheduler
        elif scheduler == "local":
            cluster = LocalCluster(
                n_workers=n_workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            self._own.append(cluster)
            self.client = Client(cluster)
            self._own.insert(0, self.client)
        elif isinstance(scheduler, str) and "://" in scheduler:
            self.client = Client(scheduler)
            self._own.append(self.client)
        else:
            raise ValueError(
                f"scheduler must be None, 'local', a 'tcp://host:port' address or a "
                f"distributed.Client, got {scheduler!r}"
            )

    def compute(self, *collections):
        if self.client is not None:
            return dask.compute(*collections, scheduler=self.client)
        return dask.compute(*collections)

    def close(self):
        for obj in self._own:
            obj.close()
        self._own = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
