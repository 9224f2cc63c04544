"""A 9-word phrase as a ccl.dask worker secret: the dataset the engine writes from its account
key is re-derived by libccl in 2 worker processes (a real LocalCluster started here)."""

import pytest

pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

from distributed import Client, LocalCluster
from support.hd_reference import phrase

import ccl.dask as cd
from ccl import Network
from ccl.hd import AccountKey


def test_nine_word_worker_secret(tmp_path):
    words = phrase(bytes(range(40, 52)))
    assert len(words.split()) == 9
    with AccountKey.from_mnemonic(words) as key:
        pub = key.public_key()
    secret = tmp_path / "phrase"
    secret.write_text(words + "\n")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:  # fmt: skip
        d = tmp_path / "ds"
        cd.write_parquet_dataset(pub, Network.PREPROD, 0, 12, d, scheduler=client,
                                 partition_size=6)  # fmt: skip
        got = cd.verify_parquet_dataset(d, cd.WorkerSecret(path=secret), scheduler=client)
    assert got == {"checked": 12, "mismatches": []}
