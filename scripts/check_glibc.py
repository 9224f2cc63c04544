"""Fails when a repaired wheel references a glibc symbol newer than its manylinux tag allows.

auditwheel already refuses to *tag* a wheel above what its symbols need, but it trusts what it
excludes (libccl.so here) and a mis-tagged wheel installs fine and then fails to load on an older
distribution. This reads every ELF object in the wheel with ``objdump -T`` and compares each
GLIBC_x.y version it needs with the tag's floor, the way libccl's own CI checks its library.
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


def needed_versions(path):
    out = subprocess.run(["objdump", "-T", path], capture_output=True, text=True, check=True).stdout
    return {(int(a), int(b)) for a, b in VERSION.findall(out)}


def check(wheel):
    m = TAG.search(os.path.basename(wheel))
    if not m:
        print(f"{wheel}: not a manylinux wheel, skipped")
        return True
    floor = (int(m.group(1)), int(m.group(2)))
    ok = True
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            if not (name.endswith(".so") or ".so." in name):
                continue
            path = zf.extract(name, tmp)
            too_new = sorted(v for v in needed_versions(path) if v > floor)
            if too_new:
                ok = False
                print(
                    f"{wheel}: {name} needs GLIBC_{too_new[-1][0]}.{too_new[-1][1]} > "
                    f"{floor[0]}.{floor[1]}"
                )
    print(
        f"{os.path.basename(wheel)}: glibc floor {floor[0]}.{floor[1]} {'ok' if ok else 'VIOLATED'}"
    )
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
