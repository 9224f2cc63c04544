"""Extension definitions for ccl.

Why this file exists next to pyproject.toml: the extensions need build-time logic that static
metadata cannot express:

* libccl is not a system library. It ships only inside the ``cardano-client-lib==0.1.0rc6`` wheels,
  which are tagged manylinux_2_28 and so cannot be *installed* where ccl's manylinux2014 wheels are
  built (or on CentOS 7 / Amazon Linux 2). ``scripts/fetch_libccl.py`` takes the pinned wheel *file*
  (sha256 checked; cached, or fetched with ``pip download``) and extracts ``ccl/_libs/libccl.so``;
  this file copies it into ``src/ccl/_libs/`` so it is bundled in our wheel, and links ``ccl._core``
  to it with an ``$ORIGIN``-relative rpath. ``CCL_LIB_PATH`` (a directory holding libccl.so)
  overrides that, for builds against a locally built libccl.
* The HD engine links libsodium statically by default: ``scripts/build_libsodium.sh`` builds the
  pinned release from its sha256-checked source tarball with the compiler of this build (``CC``)
  into a cached, PIC, hidden-visibility archive, so the extension exports no ``sodium_*`` symbol
  and needs no libsodium.so at run time. ``CCL_SODIUM=system`` links the system libsodium instead
  (pkg-config; the PyNaCl convention), ``CCL_SODIUM_PREFIX`` names an already built static prefix.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup

HERE = Path(__file__).resolve().parent
PKG = HERE / "src" / "ccl"
LIBS = PKG / "_libs"
NATIVE = HERE / "native"
SCRIPTS = HERE / "scripts"
# Raise the bound when orjson publishes wheels for the next CPython (its sdist needs Rust).
ORJSON_REQUIREMENT = 'orjson>=3.9; python_version < "3.15"'
LIB_NAME = {"darwin": "libccl.dylib", "win32": "libccl.dll"}.get(sys.platform, "libccl.so")


def _find_libccl() -> Path:
    override = os.environ.get("CCL_LIB_PATH")
    if override:
        candidate = Path(override) / LIB_NAME
        if not candidate.is_file():
            raise SystemExit(f"CCL_LIB_PATH={override!r} does not contain {LIB_NAME}")
        return candidate
    sys.path.insert(0, str(SCRIPTS))
    try:
        import fetch_libccl
    finally:
        sys.path.pop(0)
    try:
        return fetch_libccl.libccl_path()
    except fetch_libccl.FetchError as e:
        if (LIBS / LIB_NAME).is_file():  # a previous build (or a source tree copy) bundled it
            print(f"setup.py: {e}; using the bundled {LIBS / LIB_NAME}", file=sys.stderr)
            return LIBS / LIB_NAME
        raise SystemExit(f"libccl not found: {e}") from e


def _bundle_libccl() -> None:
    src = _find_libccl()
    dst = LIBS / LIB_NAME
    LIBS.mkdir(exist_ok=True)
    if dst.resolve() != src.resolve() and (
        not dst.exists()
        or dst.stat().st_size != src.stat().st_size
        or dst.stat().st_mtime < src.stat().st_mtime
    ):
        shutil.copy2(src, dst)


def _system_sodium_flags():
    """CCL_SODIUM=system: compiler and linker flags for the system libsodium, via pkg-config."""
    try:
        cflags = subprocess.run(
            ["pkg-config", "--cflags", "libsodium"], check=True, capture_output=True, text=True
        ).stdout.split()
        libs = subprocess.run(
            ["pkg-config", "--libs", "libsodium"], check=True, capture_output=True, text=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        cflags, libs = [], ["-lsodium"]
    include_dirs = [f[2:] for f in cflags if f.startswith("-I")] + [
        "/usr/include",
        "/usr/local/include",
    ]
    if not any(Path(d, "sodium.h").is_file() for d in include_dirs):
        raise SystemExit(
            "CCL_SODIUM=system but the libsodium development files were not found (sodium.h). "
            "Install them (`apt-get install libsodium-dev`, `dnf install libsodium-devel`, "
            "`apk add libsodium-dev`, `brew install libsodium`), or unset CCL_SODIUM to build the "
            "pinned libsodium from source."
        )
    return {
        "include_dirs": [f[2:] for f in cflags if f.startswith("-I")],
        "library_dirs": [f[2:] for f in libs if f.startswith("-L")],
        "libraries": [f[2:] for f in libs if f.startswith("-l")] or ["sodium"],
        "extra_objects": [],
        "define_macros": [],
        "extra_link_args": [],
    }


def _static_sodium_prefix() -> Path:
    prefix = os.environ.get("CCL_SODIUM_PREFIX")
    if prefix:
        if not Path(prefix, "lib", "libsodium.a").is_file():
            raise SystemExit(f"CCL_SODIUM_PREFIX={prefix!r} has no lib/libsodium.a")
        return Path(prefix)
    env = dict(os.environ)
    # The archive must come from the compiler that links the extension (setuptools uses $CC,
    # else the interpreter's own CC).
    env.setdefault("CC", os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    try:
        out = subprocess.run(
            ["bash", str(SCRIPTS / "build_libsodium.sh")],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit(
            "building the pinned libsodium failed (see build_libsodium's messages above); "
            "CCL_SODIUM=system links the system libsodium instead"
        ) from e
    return Path(out.strip().splitlines()[-1])


def _sodium_flags():
    """How ccl._hd gets libsodium: the pinned static archive (default) or CCL_SODIUM=system."""
    mode = os.environ.get("CCL_SODIUM", "static")
    if mode == "system":
        return _system_sodium_flags()
    if mode != "static":
        raise SystemExit(f"CCL_SODIUM={mode!r}: expected 'system' or 'static' (the default)")
    prefix = _static_sodium_prefix()
    return {
        "include_dirs": [str(prefix / "include")],
        "library_dirs": [],
        "libraries": [],
        "extra_objects": [str(prefix / "lib" / "libsodium.a")],
        # (native/hd/curve/curve.h prefixes the curve layer's names: libsodium's static archive
        # has internal ref10 functions of the same names. A new clash fails the link loudly.)
        "define_macros": [("SODIUM_STATIC", "1")],
        # No -Wl,--exclude-libs (zig's linker refuses it): the archive's hidden visibility is what
        # keeps sodium_* unexported, checked by tests/test_build.py and scripts/check_glibc.py.
        "extra_link_args": [],
    }


#: C files of native/hd that ccl._hd leaves out: the curve layer's tests (ccl._hd_testing's).
HD_TEST_SOURCES = ["native/hd/curve/curve_test.c"]


def _hd_sources():
    """The HD engine's C sources: every native/hd/**/*.c except the fuzz harnesses (fuzz_*.c) and
    the tests of HD_TEST_SOURCES."""
    found = sorted(
        str(p.relative_to(HERE)) for p in (NATIVE / "hd").rglob("*.c") if "fuzz_" not in p.name
    )
    return ["src/ccl/_hd.pyx"] + [f for f in found if f not in HD_TEST_SOURCES]


def _dependencies():
    """Requires-Dist of the wheel being built: orjson only where it installs without a compiler.

    A free-threaded CPython (3.13t, 3.14t, 3.15t) gets no orjson (no wheels; its sdist refuses
    free-threaded builds), and ccl._core falls back to the stdlib json there. No PEP 508 marker
    tells a free-threaded interpreter apart, hence this per-build choice. orjson has no cp315
    wheels yet either (its sdist needs Rust): the marker keeps 3.15 on the stdlib json until it
    has. PyYAML has cp314t/cp315t wheels; on 3.13t its sdist installs its pure-Python loader, which
    ccl uses when CSafeLoader is absent.
    """
    deps = ["pyyaml>=6.0", "mnemonic>=0.20", "tqdm>=4.66"]
    if not sysconfig.get_config_var("Py_GIL_DISABLED"):
        deps.insert(1, ORJSON_REQUIREMENT)
    return deps


def _extensions():
    from Cython.Build import cythonize

    _bundle_libccl()
    sodium = _sodium_flags()
    common_c = ["-O2", "-fvisibility=hidden", "-Wall", "-Wno-unused-function"]
    sanitize = os.environ.get("CCL_SANITIZE")  # e.g. "address,undefined" (docs/SANITIZERS.md)
    extra_link = []
    if sanitize:
        common_c += [f"-fsanitize={sanitize}", "-fno-omit-frame-pointer", "-O1", "-g"]
        extra_link += [f"-fsanitize={sanitize}"]
    include = [str(NATIVE / "include"), str(NATIVE)]
    core = Extension(
        "ccl._core",
        sources=[
            "src/ccl/_core.pyx",
            "native/ccl_runtime.c",
            "native/ccl_batch.c",
            "native/ccl_aio.c",
            "native/ccl_cbor.c",
        ],
        include_dirs=include,
        library_dirs=[str(LIBS)],
        libraries=["ccl", "pthread", "dl"],  # dladdr lives in libdl before glibc 2.34
        runtime_library_dirs=["$ORIGIN/_libs"],
        extra_compile_args=common_c,
        extra_link_args=extra_link,
    )

    def with_sodium(name, sources):
        return Extension(
            name,
            sources=sources,
            include_dirs=include + sodium["include_dirs"],
            library_dirs=sodium["library_dirs"],
            libraries=sodium["libraries"] + ["pthread"],
            define_macros=sodium["define_macros"],
            extra_objects=sodium["extra_objects"],
            extra_compile_args=common_c,
            extra_link_args=extra_link + sodium["extra_link_args"],
        )

    hd = with_sodium("ccl._hd", _hd_sources())
    # The HD engine's test and benchmark hooks (pyarrow's _pyarrow_cpp_tests pattern): its own
    # copy of the curve layer for the differential tests; everything else it cimports from ccl._hd.
    hd_testing = with_sodium(
        "ccl._hd_testing",
        ["src/ccl/_hd_testing.pyx", "native/hd/curve/curve.c", *HD_TEST_SOURCES],
    )
    return cythonize(
        [core, hd, hd_testing],
        compiler_directives={
            "language_level": "3",
            "boundscheck": False,
            "wraparound": False,
            "embedsignature": True,
            "freethreading_compatible": True,
        },
        include_path=[str(PKG)],
    )


setup(ext_modules=_extensions(), install_requires=_dependencies())
