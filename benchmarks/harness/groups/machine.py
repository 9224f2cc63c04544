"""Context lines for every group with a 2-thread line: pure C integer work (no libccl) on 1 and
2 threads, measured interleaved with the lines it explains: how many cores the shared machine
gave at that moment."""

from ..measure import Spec
from ..ratios import Ratio


def spin_specs(floor):
    if floor is None:
        return []
    return [
        Spec("spin_t1", floor, "spin", n0=2000, target_s=0.1),
        Spec("spin_t2", floor, "spin", {"threads": 2}, n0=2000, target_s=0.1),
    ]


def machine_ratio(group, table):
    return Ratio(
        f"{group}.machine.spin_t2_over_t1",
        "higher",
        "context: pure C work 2 threads over 1 (cores the machine gave)",
        (group, table, "spin_t1"),
        (group, table, "spin_t2"),
        gate=False,
        clock="wall",
    )
