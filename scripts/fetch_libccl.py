"""libccl.so by file: from the sha256-pinned cardano-client-lib==0.1.0rc6 wheel, not installed.

Why: libccl is only published inside the cardano-client-lib wheels, which are tagged manylinux_2_28
(although the library itself needs only GLIBC_2.17). As a pip *build requirement* such a wheel
cannot be installed in a manylinux2014 image, on CentOS 7 or Amazon Linux 2, so the build would stop
there. Instead this picks the wheel file of the platform being built for, checks its sha256 against
the pins below, and extracts ``ccl/_libs/libccl.so`` from it (a wheel is a zip file).

Where the wheel comes from, in order:
  1. ``CCL_LIBCCL_WHEEL`` (a path to the wheel file, e.g. a copy kept offline);
  2. the cache, ``$CCL_CACHE_DIR`` or ``${XDG_CACHE_HOME:-~/.cache}/ccl``, under ``wheels/``;
  3. ``pip download --no-deps --only-binary=:all: --platform TAG cardano-client-lib==0.1.0rc6``
     into the cache (pip's own index configuration applies).
The extracted library is cached too (``libccl/<sha256[:16]>/libccl.so``), so later builds need
neither the network nor the 26 MB wheel.

Used by setup.py (``libccl_path()``) and as a script:
  python scripts/fetch_libccl.py [--platform TAG] [--print]   # prints the path of libccl.so
"""

import argparse
import hashlib
import os
import platform
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

VERSION = "0.1.0rc6"
MEMBER = "ccl/_libs/libccl.so"
# Wheel tag -> sha256 of cardano_client_lib-0.1.0rc6-py3-none-<tag>.whl (measured 2026-12-02 from
# the package index; the release is yanked, so the files can no longer change or be added to).
WHEELS = {
    "manylinux_2_28_x86_64": "f6abd175bbc4275374d299a2740bb8c8ae88670ddb00426babc351bd92f1370f",
    "manylinux_2_28_aarch64": "61694cc4777345d2a05cd5d735884514d4a2f926ac135de2f651356c64e9d604",
    "musllinux_1_2_x86_64": "cee5e18763587925100429f737dffe5ce76db020b4c7b0174afbf29fcb33a777",
}


class FetchError(RuntimeError):
    pass


def cache_dir() -> Path:
    explicit = os.environ.get("CCL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ccl"


def wheel_name(tag: str) -> str:
    return f"cardano_client_lib-{VERSION}-py3-none-{tag}.whl"


def host_tag() -> str:
    """The wheel tag of the machine this runs on (the build target: no cross builds here)."""
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    libc, _ = platform.libc_ver()
    if sys.platform != "linux":
        raise FetchError(
            f"cardano-client-lib {VERSION} ships libccl for Linux only (this is {sys.platform}); "
            "set CCL_LIB_PATH to a directory with a libccl built for it"
        )
    tag = f"manylinux_2_28_{machine}" if libc == "glibc" else f"musllinux_1_2_{machine}"
    if tag not in WHEELS:
        raise FetchError(
            f"cardano-client-lib {VERSION} has no libccl for {machine} ({libc or 'musl'}); "
            f"it ships {', '.join(sorted(WHEELS))}. Set CCL_LIB_PATH to a directory with libccl.so"
        )
    return tag


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _checked(path: Path, tag: str) -> bool:
    if not path.is_file():
        return False
    got = sha256(path)
    if got != WHEELS[tag]:
        raise FetchError(
            f"{path} has sha256 {got}, expected {WHEELS[tag]} for {wheel_name(tag)}: "
            "not the pinned wheel (delete it to download it again)"
        )
    return True


def _download(tag: str, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--disable-pip-version-check",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--platform",
            tag,
            "--dest",
            tmp,
            f"cardano-client-lib=={VERSION}",
        ]
        print(f"fetch_libccl: pip download cardano-client-lib=={VERSION} ({tag})", file=sys.stderr)
        r = subprocess.run(cmd, stdout=sys.stderr, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise FetchError(
                f"pip download of cardano-client-lib=={VERSION} for {tag} failed "
                f"({r.stderr.strip().splitlines()[-1:] or 'no output'}); put the wheel at "
                f"{dest / wheel_name(tag)} or set CCL_LIBCCL_WHEEL or CCL_LIB_PATH"
            )
        got = Path(tmp) / wheel_name(tag)
        _checked(got, tag)
        final = dest / wheel_name(tag)
        os.replace(got, final)
        return final


def libccl_path(tag: str = "") -> Path:
    """Cached libccl.so extracted from the pinned wheel for ``tag`` (default: this host's)."""
    tag = tag or host_tag()
    if tag not in WHEELS:
        raise FetchError(f"no pinned cardano-client-lib wheel for {tag!r} ({', '.join(WHEELS)})")
    root = cache_dir()
    out = root / "libccl" / WHEELS[tag][:16] / "libccl.so"
    if out.is_file():
        return out
    explicit = os.environ.get("CCL_LIBCCL_WHEEL")
    if explicit:
        wheel = Path(explicit)
        if not _checked(wheel, tag):
            raise FetchError(f"CCL_LIBCCL_WHEEL={explicit!r} is not a file")
    else:
        wheel = root / "wheels" / wheel_name(tag)
        if not _checked(wheel, tag):
            wheel = _download(tag, root / "wheels")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.NamedTemporaryFile(dir=out.parent, delete=False)
    with zipfile.ZipFile(wheel) as zf, tmp as f:
        try:
            with zf.open(MEMBER) as src:
                for block in iter(lambda: src.read(1 << 20), b""):
                    f.write(block)
        except KeyError:
            os.unlink(f.name)
            raise FetchError(f"{wheel} has no {MEMBER}") from None
    os.chmod(f.name, 0o755)
    os.replace(f.name, out)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--platform", default="", help=f"wheel tag ({', '.join(WHEELS)})")
    args = ap.parse_args(argv)
    try:
        print(libccl_path(args.platform))
    except FetchError as e:
        print(f"fetch_libccl: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
