"""Extension definitions for ccl.

Why this file exists next to pyproject.toml: the extensions need build-time logic that static
metadata cannot express:

* libccl is not a system library. It ships inside the ``cardano-client-lib==0.1.0rc6`` wheel, which
  pyproject.toml lists as a *build* requirement. We find ``ccl/_libs/libccl.so`` through that
  distribution's file list (never by importing it: both projects import as ``ccl``), copy it into
  ``src/ccl/_libs/`` so it is bundled in our wheel, and link ``ccl._core`` to it with an
  ``$ORIGIN``-relative rpath. ``CCL_LIB_PATH`` (a directory holding libccl.so) overrides that, for
  builds against a locally built libccl.
* The HD engine links libsodium. A missing libsodium must fail the build with a message that names
  the package to install, not with a compiler error about ``sodium.h`` fifty lines down.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup

HERE = Path(__file__).resolve().parent
PKG = HERE / "src" / "ccl"
LIBS = PKG / "_libs"
NATIVE = HERE / "native"
LIB_NAME = {"darwin": "libccl.dylib", "win32": "libccl.dll"}.get(sys.platform, "libccl.so")
REFERENCE_DIST = "cardano-client-lib"


def _find_libccl() -> Path:
    override = os.environ.get("CCL_LIB_PATH")
    if override:
        candidate = Path(override) / LIB_NAME
        if not candidate.is_file():
            raise SystemExit(f"CCL_LIB_PATH={override!r} does not contain {LIB_NAME}")
        return candidate
    try:
        from importlib.metadata import PackageNotFoundError, distribution
    except ImportError:  # pragma: no cover - Python < 3.8 is not supported anyway
        raise SystemExit("ccl needs Python 3.9 or newer to build") from None
    try:
        dist = distribution(REFERENCE_DIST)
    except PackageNotFoundError as e:
        if (LIBS / LIB_NAME).is_file():  # an sdist or a previous build already bundled it
            return LIBS / LIB_NAME
        raise SystemExit(
            f"libccl not found: the build requirement {REFERENCE_DIST}==0.1.0rc6 is not installed "
            "in the build environment. Build with build isolation (plain `pip install .`), or set "
            f"CCL_LIB_PATH to a directory containing {LIB_NAME}."
        ) from e
    for f in dist.files or ():
        if f.name == LIB_NAME and f.parent.name == "_libs":
            return Path(dist.locate_file(f)).resolve()
    raise SystemExit(f"{REFERENCE_DIST} is installed but ships no {LIB_NAME} for this platform")


def _bundle_libccl() -> None:
    src = _find_libccl()
    dst = LIBS / LIB_NAME
    LIBS.mkdir(exist_ok=True)
    if dst.resolve() != src and (
        not dst.exists()
        or dst.stat().st_size != src.stat().st_size
        or dst.stat().st_mtime < src.stat().st_mtime
    ):
        shutil.copy2(src, dst)


def _sodium_flags():
    """Compiler and linker flags for libsodium, preferring pkg-config."""
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
            "libsodium development files not found (sodium.h). Install them first: "
            "`apt-get install libsodium-dev` on Debian/Ubuntu, `dnf install libsodium-devel` on "
            "Fedora/RHEL, `apk add libsodium-dev` on Alpine, `brew install libsodium` on macOS."
        )
    return (
        [f[2:] for f in cflags if f.startswith("-I")],
        [f[2:] for f in libs if f.startswith("-L")],
        [f[2:] for f in libs if f.startswith("-l")] or ["sodium"],
    )


def _extensions():
    from Cython.Build import cythonize

    _bundle_libccl()
    sodium_inc, sodium_libdirs, sodium_libs = _sodium_flags()
    common_c = ["-O2", "-fvisibility=hidden", "-Wall", "-Wno-unused-function"]
    sanitize = os.environ.get("CCL_SANITIZE")  # e.g. "address,undefined" (see README)
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
            "native/ccl_cbor.c",
        ],
        include_dirs=include,
        library_dirs=[str(LIBS)],
        libraries=["ccl", "pthread", "dl"],  # dladdr lives in libdl before glibc 2.34
        runtime_library_dirs=["$ORIGIN/_libs"],
        extra_compile_args=common_c,
        extra_link_args=extra_link,
    )
    hd_sources = ["src/ccl/_hd.pyx"] + sorted(
        str(p.relative_to(HERE)) for p in (NATIVE / "hd").rglob("*.c") if "fuzz_" not in p.name
    )
    hd = Extension(
        "ccl._hd",
        sources=hd_sources,
        include_dirs=include + sodium_inc,
        library_dirs=sodium_libdirs,
        libraries=sodium_libs + ["pthread"],
        extra_compile_args=common_c,
        extra_link_args=extra_link,
    )
    return cythonize(
        [core, hd],
        compiler_directives={
            "language_level": "3",
            "boundscheck": False,
            "wraparound": False,
            "embedsignature": True,
            "freethreading_compatible": True,
        },
        include_path=[str(PKG)],
    )


setup(ext_modules=_extensions())
