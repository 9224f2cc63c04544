"""The second libsodium source of scripts/build_libsodium.sh (the PyNaCl sdist from the package
index, #25): its sha256 pin is enforced like the first one's, the source switch is validated, and
a cached sdist is what a cold build falls back to. No network: the files are put in the cache."""

import os
import re
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "build_libsodium.sh"


def _pin(name):
    return re.search(rf"^{name}=(\S+)", SCRIPT.read_text(), re.M).group(1)


def _run(tmp_path, source, *args):
    env = {**os.environ, "CCL_CACHE_DIR": str(tmp_path), "CCL_SODIUM_SOURCE": source}
    env.pop("CCL_SODIUM_TARBALL", None)
    return subprocess.run(
        ["bash", str(SCRIPT), "--fetch-only", *args], capture_output=True, text=True, env=env
    )


def test_pypi_sdist_pin_is_enforced(tmp_path):
    name = f"{_pin('PYPI_PROJECT')}-{_pin('PYPI_VERSION')}.tar.gz"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / name).write_bytes(b"not the sdist")
    r = _run(tmp_path, "pypi")
    assert r.returncode == 1, r.stderr
    assert f"expected {_pin('PYPI_SHA256')}" in r.stderr and r.stdout == ""


def test_cached_pypi_sdist_is_taken_when_forced(tmp_path):
    real = Path(os.environ.get("CCL_CACHE_DIR") or Path.home() / ".cache" / "ccl")
    name = f"{_pin('PYPI_PROJECT')}-{_pin('PYPI_VERSION')}.tar.gz"
    if not (real / "src" / name).is_file():
        pytest.skip(f"{name} is not in the cache (a build with CCL_SODIUM_SOURCE=pypi fetches it)")
    (tmp_path / "src").mkdir()
    os.symlink(real / "src" / name, tmp_path / "src" / name)
    r = _run(tmp_path, "pypi")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(tmp_path / "src" / name)


def test_unknown_source_is_refused(tmp_path):
    r = _run(tmp_path, "ftp")
    assert r.returncode == 2 and "CCL_SODIUM_SOURCE=ftp" in r.stderr
