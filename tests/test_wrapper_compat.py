"""Drop-in fidelity beyond the public API: the wrapper-style suite (tests/wrapper_suite/) passes
under ccl and under the reference ctypes wrapper alike, test by test; plus what only ccl can be
asked (its own load-failure path, the instance-dict cost, the namespaces' None bridge)."""

import os
import re
import shutil
import subprocess
import sys

import pytest
from test_dropin import reference_python

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.join(HERE, "wrapper_suite")


def run_suite(python):
    """{test id: outcome} of the wrapper-style suite under ``python``."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CCL_LIB_PATH")}
    proc = subprocess.run(
        [python, "-m", "pytest", "-rA", "-q", "-p", "no:randomly", "wrapper_suite.py"],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        cwd=SUITE,
    )
    outcomes = dict(
        (m.group(2), m.group(1))
        for m in re.finditer(r"^(PASSED|FAILED|ERROR|SKIPPED) (\S+)", proc.stdout, re.M)
    )
    assert outcomes, proc.stdout[-3000:] + proc.stderr[-3000:]
    return outcomes, proc.stdout


def test_the_wrapper_style_suite_passes_under_ccl():
    outcomes, out = run_suite(sys.executable)
    failed = {k: v for k, v in outcomes.items() if v != "PASSED"}
    assert not failed, out[-6000:]
    assert len(outcomes) >= 12


def test_the_same_suite_gives_the_same_outcomes_under_the_reference_wrapper():
    ours, _ = run_suite(sys.executable)
    theirs, out = run_suite(reference_python(("pytest", "pyyaml")))
    assert theirs == ours, out[-6000:]


def test_a_missing_libccl_raises_oserror_at_import(tmp_path):
    """The library deleted from an installed ccl: the dynamic loader fails, and ``import ccl``
    raises OSError with the wrapper's sentence, not a bare ImportError."""
    import ccl

    pkg = os.path.dirname(ccl.__file__)
    copy = tmp_path / "ccl"
    shutil.copytree(pkg, copy, ignore=shutil.ignore_patterns("libccl*", "__pycache__"))
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    code = "import ccl"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("OSError: Failed to load the CCL native library"), proc.stderr[-2000:]
    assert "libccl" in last and "reinstall" in last


def test_a_byte_identical_copy_of_libccl_is_accepted_as_lib_path(tmp_path):
    """CCL_LIB_PATH often stays set after a build that copied libccl into ccl/_libs."""
    import ccl

    loaded = ccl._core._runtime_info()["library"]
    shutil.copy(loaded, tmp_path / os.path.basename(loaded))
    ccl.CclLib(lib_path=str(tmp_path))
    other = tmp_path / "other"
    other.mkdir()
    (other / os.path.basename(loaded)).write_bytes(b"\x7fELF not this one")
    with pytest.raises(OSError, match="Failed to load the CCL native library .*different library"):
        ccl.CclLib(lib_path=str(other))


def test_a_namespace_without_a_library_fails_only_when_called(lib):
    from ccl import (
        Account,
        Address,
        Crypto,
        Governance,
        Plutus,
        QuickTx,
        Script,
        Transaction,
        Wallet,
    )

    calls = {
        Account: lambda ns: ns.create(0),
        Address: lambda ns: ns.validate_many(["x"]),
        Crypto: lambda ns: ns.blake2b_256("00"),
        Governance: lambda ns: ns.drep_key_from_mnemonic("a b c", 0),
        Plutus: lambda ns: ns.data_hash("00"),
        QuickTx: lambda ns: ns.build("plan", [], {}),
        Script: lambda ns: ns.hash("00"),
        Transaction: lambda ns: ns.hash_many(["00"]),
        Wallet: lambda ns: ns.get_addresses("a b c", 0, [0]),
    }
    for cls, call in calls.items():
        ns = cls(None)
        assert ns._bridge is None and ns._b is None
        with pytest.raises(RuntimeError, match="without a library"):
            call(ns)
        with pytest.raises(TypeError, match="bridge must be a ccl.CclLib or None"):
            cls("not a library")
        assert cls(lib)._bridge is lib


def test_instance_attributes_shadow_methods_and_stay_per_instance(lib):
    from ccl import Address

    a, b = Address(lib), Address(lib)
    a.validate = lambda addr: "patched"
    assert a.validate("x") == "patched"
    assert b.validate("x") is False  # the class method, on libccl
    del a.validate
    assert a.validate("x") is False
    fresh = type(lib)()
    fresh.quicktx.note = "users may hang state on a namespace, as on the wrapper's"
    assert fresh.quicktx.note.startswith("users")
