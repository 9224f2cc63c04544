"""Test support shared by the test modules (fixtures built from these live in conftest.py):

    data       the fixed inputs (BIP-39 and RFC 8032 vector phrases and keys, protocol
               parameters, plan and UTXO shapes): standard library only, shared with the
               benchmarks (benchmarks/contenders/_common.py loads it from its file)
    vectors/   published test vectors (JSON, each naming its source), for test_hd_vectors.py
    cli        the one runner of the ``ccl`` command (``run_ccl``, ``ccl``) and file snapshots
    children   child interpreters (inline code or a program in tests/children/) and how to judge
               how they ended: a native crash, a hang, a JSON report line
    forking    fork-and-wait with a deadline, for the fork scenarios (inside child programs)
    http       one local HTTP server (routes, or one answer for every request) on 127.0.0.1
    secrets    a known phrase, every secret derived from it, and the scanners that look for them
    reference  the reference ctypes wrapper (cardano-client-lib 0.1.0rc6) in its own venv
    fuzz       budget, trace, seeds and hypothesis strategies of the test_fuzz_* modules

Nothing here mocks libccl: the helpers start real processes, servers and libccl handles.
"""
