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
EXTERNAL = []


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
