"""The benchmark groups, in run order. Each module has ``NAME``, ``RATIOS`` (``Ratio`` list),
``run(ctx) -> dict`` (stored as ``results["groups"][NAME]``) and ``report(results) -> [lines]``
(its markdown section); it may register ``ctx.reruns[NAME]`` to be measured again by the
confirmation step (lines measured by ``Spec`` are re-measured without it).

A group that runs an external script printing JSON is one line in ``EXTERNAL`` (see
``external.py`` and benchmarks/README.md, "Adding a group").
"""

from . import batch, derive, hd, memory, percall
from .external import External as External

BUILTIN = [percall, derive, batch, hd, memory]

# External scripts, each a group: External(name, script relative to benchmarks/, quick_args,
# full_args, timeout, ratios). Example (for the integrator to wire in; then spread.py):
#   External("hd_v2", "hd_v2.py", quick_args=["--count", "5000", "--rounds", "3"],
#            ratios={"v2_watch_1t_over_sodium": ("ratio_v2_watch_1t", "lower",
#                                                 "HD v2 per address / libsodium child")}),
EXTERNAL = [
    # HD engine v2 (#13): its per-address cost against one libsodium public-API child, measured
    # side by side by the script; 2-thread speedups need a machine that gives two cores.
    External(
        "hd_v2",
        "hd_v2.py",
        quick_args=["--count", "5000", "--rounds", "3"],
        full_args=["--count", "20000", "--rounds", "7"],
        timeout=900,
        ratios={
            "v2_watch_1t_over_sodium": ("ratio_v2_watch_1t", "lower",
                                        "v2 watch-only address / libsodium child, 1 thread"),
            "v2_private_1t_over_sodium": ("ratio_v2_private_1t", "lower",
                                          "v2 private-path address / libsodium child, 1 thread"),
            "v1_watch_1t_over_sodium": ("ratio_v1_watch_1t", "lower",
                                        "v1 watch-only address / libsodium child (context)",
                                        {"gate": False}),
            "v2_watch_t2_speedup": ("speedup_2t_v2_watch", "higher",
                                    "v2 watch-only, 2 threads / 1", {"gate": False}),
        },
    ),
    # ccl.dask (#16) on a 2-worker LocalCluster against one process on 2 threads; its ratios are
    # nested (addresses.ratio, map_batch.scaling) and shown as the group's data.
    External(
        "dask",
        "bench_dask.py",
        quick_args=["--count", "1000000", "--indices", "40"],
        full_args=["--count", "10000000"],
        timeout=1800,
    ),
    # The main job end to end (#24): `ccl addresses` wall (process start included) / the engine
    # alone, per format, 1,000,000 rows on 2 threads; and the ccl.dask frame path / the engine.
    External("main_job", "main_job.py", quick_args=["--count", "1000000", "--rounds", "3"],
             full_args=["--count", "1000000", "--rounds", "5"], timeout=1800),
    # Free-threaded CPython (#21): 1 vs 2 Python threads per call on the 3.13t (and GIL 3.13)
    # interpreters scripts/freethreaded.sh caches, beside a pure-Python control; context only.
    External(
        "free_threaded",
        "free_threaded.py",
        quick_args=["--python", "cached", "--rounds", "3", "--seconds", "0.3"],
        full_args=["--python", "cached", "--rounds", "7", "--seconds", "0.5"],
        timeout=900,
    ),
    # The same with ccl.configure(isolates=2): one isolate, and one stop-the-world collector, per
    # busy thread (docs/FREE_THREADING.md, "libccl's collector"); ratio names end in _iso2.
    External(
        "free_threaded_iso2",
        "free_threaded.py",
        quick_args=["--python", "cached", "--rounds", "3", "--seconds", "0.3", "--isolates", "2"],
        full_args=["--python", "cached", "--rounds", "7", "--seconds", "0.5", "--isolates", "2"],
        timeout=900,
    ),
]  # fmt: skip
from .backend import GROUP as BACKEND  # noqa: E402 - ccl.aio and the reference service (#20)

EXTERNAL.append(BACKEND)


def all_groups():
    return BUILTIN + EXTERNAL


def names():
    return [g.NAME for g in all_groups()]


def all_ratios(results=None):
    """Every ratio definition; an external group's ratios come from its own JSON output."""
    out = []
    for g in all_groups():
        ratios = g.RATIOS
        if callable(ratios):
            ratios = ratios(results)
        out.extend(ratios)
    return out
