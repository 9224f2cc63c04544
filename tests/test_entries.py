"""The entry-point table is checked by the C compiler: an entry whose arguments do not match
libccl.h's prototype (a wrong field type, a missing or extra argument) does not compile. Each case
edits one line of a copy of native/ccl_entries.h and compiles native/ccl_runtime.c against it."""

import os
import re
import shutil
import subprocess
import sysconfig

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NATIVE = os.path.join(ROOT, "native")
CC = sysconfig.get_config_var("CC") or "cc"


def compile_with(tmp_path, edit):
    work = tmp_path / "native"
    shutil.copytree(NATIVE, work)
    entries = work / "ccl_entries.h"
    text = entries.read_text()
    changed = edit(text)
    assert changed != text, "the edit did not apply"
    entries.write_text(changed)
    cmd = CC.split() + ["-c", "-O0", "-I", str(work / "include"), "-I", str(work)]
    cmd += [str(work / "ccl_runtime.c"), "-o", str(tmp_path / "rt.o")]
    return subprocess.run(cmd, capture_output=True, text=True)


def test_the_table_as_checked_in_compiles(tmp_path):
    proc = compile_with(tmp_path, lambda t: t + "\n")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    "what, pattern, replacement, error",
    [
        (
            "an int where a string goes",
            r"X\(address_info,\s+A\(input\)\)",
            "X(address_info, A(network))",
            "int-conversion",
        ),
        (
            "a string where an int goes",
            r"X\(wallet_create,\s+A\(network\)\)",
            "X(wallet_create, A(mnemonic))",
            "int-conversion",
        ),
        (
            "a missing argument",
            r"(?m)^(\s+X\(wallet_get_address,\s+)A\(mnemonic\), A\(network\), A\(index\)\)",
            r"\1A(mnemonic), A(network))",
            "too few arguments",
        ),
        (
            "an extra argument",
            r"X\(tx_hash,\s+A\(input\)\)",
            "X(tx_hash, A(input), A(key))",
            "too many arguments",
        ),
    ],
)
def test_a_mismatched_entry_does_not_compile(tmp_path, what, pattern, replacement, error):
    proc = compile_with(tmp_path, lambda t: re.sub(pattern, replacement, t, count=1))
    assert proc.returncode != 0, f"{what} compiled"
    assert error in proc.stderr, proc.stderr[-2000:]


def test_every_entry_has_a_cython_id():
    """The Cython enum (includes/runtime.pxd) lists the same entries in the same order."""
    with open(os.path.join(NATIVE, "ccl_entries.h")) as f:
        c_names = re.findall(r"^\s+X\((\w+)", f.read(), re.M)
    pxd = os.path.join(ROOT, "src", "ccl", "includes", "runtime.pxd")
    with open(pxd) as f:
        cy_names = re.findall(r"^\s+CCL_E_(\w+)$", f.read(), re.M)
    assert c_names and c_names == cy_names
