"""Fails when a repaired wheel references a glibc symbol newer than its manylinux tag allows, or
when its extension modules link or export more than they should.

auditwheel already refuses to *tag* a wheel above what its symbols need, but it trusts what it
excludes (libccl.so here) and a mis-tagged wheel installs fine and then fails to load on an older
distribution. This reads every ELF object in the wheel with ``objdump -T`` and compares each
GLIBC_x.y version it needs with the tag's floor, the way libccl's own CI checks its library.

For the extension modules (``ccl/_*.so``) it also checks, on every wheel (musllinux too):
* exported symbols: only ``PyInit_*`` (libsodium is linked in statically with hidden visibility; an
  exported ``sodium_*`` would interpose with, or be interposed by, another copy in the process);
* NEEDED: only the C library's own objects, plus ``libccl.so`` for ``ccl._core``;
* no grafted libraries (``ccl.libs/``): the wheel needs nothing auditwheel had to copy in.
Usage: python scripts/check_glibc.py WHEEL_OR_DIR [...]
"""

import os
import re
import subprocess
import sys
import tempfile
import zipfile

TAG = re.compile(r"manylinux_(\d+)_(\d+)_")
VERSION = re.compile(r"GLIBC_(\d+)\.(\d+)")
EXTENSION = re.compile(r"^ccl/_[a-z_]+\..*\.so$")
# The C library's own shared objects (glibc and musl); anything else must not be NEEDED.
LIBC = re.compile(
    r"^(libc\.so\.6|libc\.musl-[a-z0-9_]+\.so\.1|libc\.so|libpthread\.so\.0|"
    r"libdl\.so\.2|libm\.so\.6|librt\.so\.1|ld-linux[-a-z0-9_.]*\.so\.[12]|"
    r"ld-musl-[a-z0-9_]+\.so\.1)$"
)


def needed_versions(path):
    out = subprocess.run(["objdump", "-T", path], capture_output=True, text=True, check=True).stdout
    return {(int(a), int(b)) for a, b in VERSION.findall(out)}


def needed_libraries(path):
    out = subprocess.run(["objdump", "-p", path], capture_output=True, text=True, check=True).stdout
    return re.findall(r"^\s*NEEDED\s+(\S+)", out, re.M)


def exported_symbols(path):
    """Defined dynamic symbols (objdump -T lines whose section is not *UND*)."""
    out = subprocess.run(["objdump", "-T", path], capture_output=True, text=True, check=True).stdout
    names = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 6 and parts[-1] and "*UND*" not in line and " g " in f" {line} ":
            names.append(parts[-1])
    return names


def extension_problems(name, path):
    """What is wrong with one extension module of the wheel (empty when nothing is)."""
    problems = []
    extra = [s for s in exported_symbols(path) if not s.startswith("PyInit_")]
    if extra:
        problems.append(f"exports {len(extra)} symbols besides PyInit_*: {', '.join(extra[:8])}")
    allowed = {"libccl.so"} if os.path.basename(name).startswith("_core.") else set()
    bad = [n for n in needed_libraries(path) if not LIBC.match(n) and n not in allowed]
    if bad:
        problems.append(f"NEEDED {', '.join(bad)}")
    return problems


def check(wheel):
    m = TAG.search(os.path.basename(wheel))
    floor = (int(m.group(1)), int(m.group(2))) if m else None
    ok = True
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            if name.startswith("ccl.libs/"):
                ok = False
                print(f"{wheel}: grafted library {name}")
            if not (name.endswith(".so") or ".so." in name):
                continue
            path = zf.extract(name, tmp)
            if EXTENSION.match(name):
                for problem in extension_problems(name, path):
                    ok = False
                    print(f"{wheel}: {name} {problem}")
            if floor is None:
                continue
            too_new = sorted(v for v in needed_versions(path) if v > floor)
            if too_new:
                ok = False
                print(
                    f"{wheel}: {name} needs GLIBC_{too_new[-1][0]}.{too_new[-1][1]} > "
                    f"{floor[0]}.{floor[1]}"
                )
    what = f"glibc floor {floor[0]}.{floor[1]}" if floor else "not manylinux: no glibc floor"
    print(f"{os.path.basename(wheel)}: {what}, exports/NEEDED {'ok' if ok else 'VIOLATED'}")
    return ok


def main(args):
    wheels = []
    for arg in args:
        if os.path.isdir(arg):
            wheels += [os.path.join(arg, f) for f in sorted(os.listdir(arg)) if f.endswith(".whl")]
        else:
            wheels.append(arg)
    if not wheels:
        print("no wheels given", file=sys.stderr)
        return 2
    return 0 if all([check(w) for w in wheels]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
