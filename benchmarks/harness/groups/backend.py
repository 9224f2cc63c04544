"""The `backend` group (#20): ccl.aio against the sync API and asyncio.to_thread, and the
reference service (examples/deposit_service) in three variants under wrk. Measured by
benchmarks/bench_backend.py, side by side in one run; its ratios are context (not gated) until
their spread on this machine is known."""

from .external import External

GROUP = External(
    "backend",
    "bench_backend.py",
    quick_args=["--quick"],
    full_args=[],
    timeout=900,
)
