"""The developer tasks of ccl, in one list: ``nox -l`` shows them, ``nox -s NAME [-- ARGS]`` runs
one (ARGS go to the script), bare ``nox`` runs the quick gates (tests, lint). ``.ci/run`` runs its
steps through these sessions.

Each session calls the script under ``scripts/`` (or the benchmark harness) that does the work, so
a task is written once and runs the same from nox, from ``.ci/run`` or by hand. The sessions
build no virtual environment of their own (``python=False``): the scripts use the project's
``.venv``, which ``nox -s setup`` (scripts/setup.sh) creates with the test and lint extras and
nox itself (it is in the ``lint`` extra).
"""

import nox

nox.needs_version = ">=2024.3"
nox.options.sessions = ["tests", "lint"]

PY = ".venv/bin/python"


def _script(session, name, *args):
    session.run("bash", f"scripts/{name}.sh", *args, *session.posargs)


@nox.session(python=False)
def setup(session):
    """System packages, .venv, libsodium, ccl with its test and lint extras (scripts/setup.sh)."""
    _script(session, "setup")


@nox.session(python=False)
def tests(session):
    """The test suite against the ccl in .venv (pytest arguments after --)."""
    _script(session, "test")


@nox.session(python=False)
def lint(session):
    """ruff, ruff format, cython-lint, clang-format, stubtest (``-- --fix`` rewrites)."""
    _script(session, "lint")


@nox.session(python=False)
def lint_workflows(session):
    """actionlint (+ ShellCheck) on .github/workflows."""
    _script(session, "lint_workflows")


@nox.session(python=False)
def sanitize(session):
    """ASan + UBSan build in a throwaway venv and the tests that exercise native code."""
    _script(session, "sanitize")


@nox.session(python=False)
def fuzz(session):
    """libFuzzer targets of the native code (hd, cbor, curve; 60 s by default)."""
    _script(session, "fuzz_native")


@nox.session(python=False)
def ct(session):
    """Constant-time check of the curve code under valgrind (with its negative control)."""
    _script(session, "ct_check")


@nox.session(python=False)
def wheel(session):
    """A manylinux2014 release wheel built by zig, with the release workflow's checks."""
    _script(session, "build_wheel")


@nox.session(python=False)
def portability(session):
    """The x86_64 wheel in a bullseye chroot and under old CPU models (qemu64, Nehalem)."""
    _script(session, "portability")


@nox.session(python=False)
def portability_arm64(session):
    """The aarch64 wheel in an arm64 bullseye chroot under qemu-user; ct on aarch64."""
    _script(session, "portability_arm64")


@nox.session(python=False)
def portability_musl(session):
    """The musllinux wheel on a musl CPython built here."""
    _script(session, "portability_musl")


@nox.session(python=False)
def sdist(session):
    """The sdist built from nothing in a bullseye chroot with only a compiler added."""
    _script(session, "sdist_chroot")


@nox.session(python=False)
def sid_pythons(session):
    """Wheels for CPython 3.14/3.15 from Debian sid in a chroot (not in .ci/run)."""
    _script(session, "sid_pythons")


@nox.session(python=False)
def freethreaded(session):
    """CPython 3.13t built once (cached), ccl on it, the GIL stays off, the suite."""
    _script(session, "freethreaded")


@nox.session(python=False)
def sanitize_freethreaded(session):
    """The ASan + UBSan build on the cached 3.13t: the 8-thread stress test, the thread tests and
    the leak workload with the GIL off (after ``freethreaded``; ~5 min, the build included)."""
    _script(session, "sanitize", "--freethreaded")


@nox.session(python=False)
def docs(session):
    """The Sphinx site (-W, nitpicky), its internal links, API coverage, every example."""
    _script(session, "docs")


@nox.session(python=False)
def docs_screenshots(session):
    """PNGs of three built pages by headless Chromium (after the docs session)."""
    _script(session, "docs_screenshots")


@nox.session(python=False)
def bench(session):
    """The benchmark set (default: --quick --out bench-out; arguments after -- replace them)."""
    session.run(PY, "benchmarks/run.py", *(session.posargs or ["--quick", "--out", "bench-out"]))


@nox.session(python=False)
def bench_gate(session):
    """The ratio gate of a benchmark run against benchmarks/baseline.json."""
    session.run(PY, "benchmarks/check.py", *(session.posargs or ["bench-out/results.json"]))


@nox.session(python=False)
def percall(session):
    """Per-call instruction counts under callgrind (repeatable on a noisy machine)."""
    session.run(PY, "scripts/percall_instructions.py", *(session.posargs or ["--python", PY]))


@nox.session(python=False)
def gate_bites(session):
    """Proof that the gate bites: HD engine 1 forced in place of engine 2 must fail check.py."""
    _script(session, "gate_bites")
