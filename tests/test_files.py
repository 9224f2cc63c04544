"""ccl._files (atomic writes, file hashing) and ccl._reference (libccl's reference addresses),
the helpers ccl.dask, the CLI and the core share. Oracles: coreutils' sha256sum, the file system
itself, libccl's single-address call and the ccl.hd engine."""

import hashlib
import os
import re
import shutil
import subprocess

import pytest
from support.data import MNEMONIC_24

from ccl import Network
from ccl._files import atomic_path, partial_path, sha256_file, write_atomic
from ccl._reference import libccl_addresses

PARTIAL = re.compile(r"^\.out\.bin\.[0-9a-f]{32}\.partial$")


def test_partial_path_is_hidden_random_and_beside_the_target(tmp_path):
    a, b = partial_path(tmp_path / "out.bin"), partial_path(str(tmp_path / "out.bin"))
    assert a != b
    for p in (a, b):
        assert os.path.dirname(p) == str(tmp_path) and PARTIAL.match(os.path.basename(p))


def test_atomic_path_renames_only_a_whole_file(tmp_path):
    final = tmp_path / "out.bin"
    final.write_bytes(b"old")
    with atomic_path(final) as tmp:
        with open(tmp, "wb") as f:
            f.write(b"new")
        assert final.read_bytes() == b"old"  # not visible before the block ends
    assert final.read_bytes() == b"new" and os.listdir(tmp_path) == ["out.bin"]


def test_atomic_path_leaves_the_target_on_error(tmp_path):
    final = tmp_path / "out.bin"
    final.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="half way"):
        with atomic_path(final) as tmp:
            with open(tmp, "wb") as f:
                f.write(b"ne")
            raise RuntimeError("half way")
    assert final.read_bytes() == b"old" and os.listdir(tmp_path) == ["out.bin"]


def test_write_atomic_text(tmp_path):
    final = tmp_path / "m.json"
    write_atomic(final, "{}\n")
    write_atomic(final, '{"a": "\u00e9"}\n')
    assert final.read_bytes() == '{"a": "\u00e9"}\n'.encode() and os.listdir(tmp_path) == ["m.json"]


@pytest.mark.parametrize("size", [0, 1, (1 << 20) + 7])  # empty, short, more than one block
def test_sha256_file_equals_sha256sum(tmp_path, size):
    path = tmp_path / "f"
    path.write_bytes(os.urandom(size))
    if shutil.which("sha256sum"):
        out = subprocess.run(["sha256sum", path], capture_output=True, text=True, check=True)
        want = out.stdout.split()[0]
    else:  # pragma: no cover - coreutils is on every CI image
        want = hashlib.sha256(path.read_bytes()).hexdigest()
    assert sha256_file(path) == want


@pytest.mark.parametrize(
    "account,kind,field",
    [
        (0, "base", "base_address"),
        (1, "base", "base_address"),
        (0, "enterprise", "enterprise_address"),
    ],
)
def test_libccl_addresses_equal_libccl_one_by_one_and_the_engine(lib, account, kind, field):
    from ccl.hd import AccountKey

    indices = [0, 3, 7]
    got = libccl_addresses(lib, MNEMONIC_24, Network.PREPROD, account, indices, kind)
    one = [
        lib.account.from_mnemonic(MNEMONIC_24, Network.PREPROD, account, i)[field] for i in indices
    ]
    with AccountKey.from_mnemonic(MNEMONIC_24, account) as key:
        engine = [key.addresses(Network.PREPROD, i, 1, kind=kind)[0] for i in indices]
    assert got == one == engine
