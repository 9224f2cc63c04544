"""Build facts of the installed extensions: what they export, what they load, where libccl and
libsodium came from, and that the pinned inputs are really checked.

The wheel check (scripts/check_glibc.py) applies the same export/NEEDED rules to release wheels;
here they run on the build this test suite imports, so a source build that starts exporting
libsodium (or linking it dynamically by accident) fails the suite, not only the release.
"""

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import ccl._core
import ccl._hd
import ccl._hd_testing

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))
import check_glibc  # noqa: E402
import fetch_libccl  # noqa: E402

sys.path.pop(0)

pytestmark = pytest.mark.skipif(shutil.which("objdump") is None, reason="needs binutils (objdump)")
EXTENSIONS = {
    "_core": ccl._core.__file__,
    "_hd": ccl._hd.__file__,
    "_hd_testing": ccl._hd_testing.__file__,  # the HD test hooks: built and shipped the same way
}
SYSTEM_SODIUM = os.environ.get("CCL_SODIUM") == "system"


@pytest.mark.parametrize("name", sorted(EXTENSIONS))
def test_only_pyinit_exported(name):
    exported = check_glibc.exported_symbols(EXTENSIONS[name])
    assert exported == [f"PyInit_{name}"], exported


def test_no_sodium_symbol_exported_and_libsodium_inside():
    hd = EXTENSIONS["_hd"]
    assert not [s for s in check_glibc.exported_symbols(hd) if "sodium" in s]
    needed = check_glibc.needed_libraries(hd)
    if SYSTEM_SODIUM:
        assert any(n.startswith("libsodium.so") for n in needed), needed
    else:
        # Static: no libsodium.so is loaded, yet its code is there (a local sodium_init symbol).
        assert not [n for n in needed if "sodium" in n], needed
        syms = subprocess.run(["nm", hd], capture_output=True, text=True).stdout.splitlines()
        if not syms:
            pytest.skip("_hd is stripped: cannot see its local symbols")
        local = {line.split()[-1] for line in syms if line.split()[-2:-1] == ["t"]}
        assert {"sodium_init", "crypto_scalarmult_ed25519_base_noclamp"} <= local


@pytest.mark.parametrize("name", sorted(EXTENSIONS))
def test_needed_list(name):
    so = EXTENSIONS[name]
    needed = check_glibc.needed_libraries(so)
    problems = check_glibc.extension_problems(f"ccl/{os.path.basename(so)}", so)
    if SYSTEM_SODIUM and name in ("_hd", "_hd_testing"):
        problems = [p for p in problems if "libsodium" not in p]
    assert problems == [], (needed, problems)
    assert ("libccl.so" in needed) == (name == "_core"), needed


def test_core_runpath_is_origin_relative():
    out = subprocess.run(["objdump", "-p", EXTENSIONS["_core"]], capture_output=True, text=True)
    assert "$ORIGIN/_libs" in out.stdout


def test_check_rejects_what_it_should():
    """The rules can fail: libccl itself exports ccl_* and needs libz."""
    lib = Path(ccl._core.__file__).parent / "_libs" / "libccl.so"
    problems = check_glibc.extension_problems("ccl/_core.x.so", str(lib))
    assert any(p.startswith("exports ") and "ccl_" in p for p in problems), problems
    assert any("libz.so.1" in p for p in problems), problems


def test_orjson_dependency_follows_the_interpreter():
    requires = importlib.metadata.requires("ccl") or []
    plain = [r for r in requires if "extra ==" not in r]
    has_orjson = any(r.startswith("orjson") for r in plain)
    assert has_orjson == (not sysconfig.get_config_var("Py_GIL_DISABLED")), requires
    # Where orjson has no wheels for this CPython, the requirement must not apply (its marker).
    orjson_reqs = [r for r in plain if r.startswith("orjson")]
    if orjson_reqs and sys.version_info >= (3, 15):
        assert 'python_version < "3.15"' in orjson_reqs[0].replace("'", '"'), orjson_reqs
    assert any(r.startswith("orjson") and 'extra == "fast"' in r for r in requires), requires
    for dep in ("pyyaml", "mnemonic", "tqdm"):
        assert any(r.lower().startswith(dep) for r in plain), requires


def test_libccl_wheel_pin_is_enforced(tmp_path, monkeypatch):
    junk = tmp_path / fetch_libccl.wheel_name(fetch_libccl.host_tag())
    junk.write_bytes(b"not the wheel")
    monkeypatch.setenv("CCL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CCL_LIBCCL_WHEEL", str(junk))
    with pytest.raises(fetch_libccl.FetchError, match="sha256"):
        fetch_libccl.libccl_path()
    assert not (tmp_path / "cache" / "libccl").exists() or not any(
        (tmp_path / "cache" / "libccl").rglob("libccl.so")
    )


def test_bundled_libccl_is_the_pinned_wheels(tmp_path, monkeypatch):
    """The libccl in the installed package is byte for byte the member of the pinned wheel."""
    tag = fetch_libccl.host_tag()
    wheel = fetch_libccl.cache_dir() / "wheels" / fetch_libccl.wheel_name(tag)
    if os.environ.get("CCL_LIB_PATH"):
        pytest.skip("built against CCL_LIB_PATH, not the pinned wheel")
    if not wheel.is_file():
        pytest.skip(f"pinned wheel not in the cache ({wheel}); the build extracted it elsewhere")
    assert fetch_libccl.sha256(wheel) == fetch_libccl.WHEELS[tag]
    monkeypatch.setenv("CCL_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("CCL_LIBCCL_WHEEL", str(wheel))
    extracted = fetch_libccl.libccl_path(tag)
    assert extracted.parent.parent == tmp_path / "libccl"
    bundled = Path(ccl._core.__file__).parent / "_libs" / "libccl.so"

    def digest(p):
        return hashlib.sha256(p.read_bytes()).hexdigest()

    assert digest(extracted) == digest(bundled)
    with zipfile.ZipFile(wheel) as zf:
        assert zf.getinfo(fetch_libccl.MEMBER).file_size == bundled.stat().st_size


def test_libsodium_tarball_pin_is_enforced(tmp_path):
    junk = tmp_path / "libsodium_1.0.22.orig.tar.gz"
    junk.write_bytes(b"not libsodium")
    r = subprocess.run(
        ["bash", str(SCRIPTS / "build_libsodium.sh"), "--fetch-only", "--tarball", str(junk)],
        capture_output=True,
        text=True,
        env={**os.environ, "CCL_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert r.returncode == 1
    assert "expected 5838bb0c3da6148c" in r.stderr and r.stdout == ""
