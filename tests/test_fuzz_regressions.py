"""Regression tests for the bugs the fuzz found (all fixed): validation of cancel= and of huge
heap sizes (the provider ones are in test_fuzz_providers.py), and CBOR nested deep enough to
overflow libccl's decoder stack, now refused by native/ccl_cbor.c before the call. The slow run
also found that a tag on null/true/false/undefined/break corrupts libccl's later encodings until
its encoder overflows and the process aborts: tests/test_cbor_guard.py has those.
"""

import pytest
from support.children import FATAL_MARKERS, assert_ok, child_program, describe

import ccl

DEEP_CBOR_CALLS = [
    "account.sign_tx",
    "plutus.data_hash",
    "plutus.data_to_json",
    "tx.deserialize",
    "tx.hash",
    "tx.hash_many",
    "tx.sign_with_secret_key",
    "tx.to_json",
]
# the reference wrapper has no batches (tx.hash_many is ccl's)
REFERENCE_CALLS = [c for c in DEEP_CBOR_CALLS if not c.endswith("_many")]


def test_bug_cancel_must_be_an_event(lib):
    with pytest.raises(TypeError):
        lib.crypto.blake2b_256_many(["00"], cancel=5)


def test_bug_configure_huge_heap_is_value_error():
    with pytest.raises(ValueError):
        ccl.configure(max_heap=2**64)


@pytest.mark.parametrize("call", DEEP_CBOR_CALLS)
def test_bug_deeply_nested_cbor_is_refused_before_libccl(call):
    # In a child: should the guard let it through, libccl's decoder aborts the process (below).
    out = assert_ok(child_program("deep_cbor.py", timeout=120, call=call))
    assert out.startswith("error ValueError ") and "nests CBOR deeper than 1024 levels" in out, out


@pytest.mark.parametrize("call", REFERENCE_CALLS)
def test_libccl_itself_aborts_on_deeply_nested_cbor(reference_python, call):
    # Why the guard exists, shown on the reference ctypes wrapper (no guard): the same call
    # overflows libccl's recursive decoder, a fatal StackOverflowError (GraalVM exit 99). When a
    # libccl release decodes it (or fails cleanly), this fails: keep the guard, but say so.
    proc = child_program("deep_cbor.py", timeout=120, python=reference_python, cwd="/", call=call)
    assert proc.returncode == 99, describe(proc)
    assert "java.lang.StackOverflowError" in proc.stderr, describe(proc)
    assert any(m in proc.stderr for m in FATAL_MARKERS), describe(proc)
    assert "returned" not in proc.stdout and "error" not in proc.stdout, describe(proc)
