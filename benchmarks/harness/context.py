"""What a group sees: the run's settings, the contender workers, the results so far, and the
registry of measured lines (for the confirmation step)."""

from dataclasses import dataclass, field

# Sizes: (quick, full). Rounds are what gives a gated ratio enough samples for its run-to-run
# spread (benchmarks/baseline.json: "spread") to stay well inside its tolerance.
SIZES = {
    "percall_rounds": (15, 21),
    "percall_target_s": (0.04, 0.15),
    "derive_rounds": (5, 9),
    "derive_single_n": (4, 8),
    "derive_batch_n": (16, 48),
    "batch_rounds": (5, 9),
    "batch_n": (300_000, 300_000),
    "hd_rounds": (5, 9),
    "hd_n": (25_000, 200_000),
    "peer_pycardano_n": (1_500, 8_000),
    "peer_cometa_n": (3_000, 15_000),
    "first_rounds": (3, 7),
    "first_n": (5, 10),
    "mem_cheap_n": (1_000_000, 10_000_000),
    "mem_hd_n": (300_000, 1_000_000),
}


@dataclass
class Settings:
    quick: bool
    rng: object
    logdir: str
    cache: str
    ours_env: dict
    groups: object = None  # set of group names to run, None: all

    @property
    def sizes(self):
        q = 0 if self.quick else 1
        return {k: v[q] for k, v in SIZES.items()}

    def enabled(self, name):
        return self.groups is None or name in self.groups


@dataclass
class Context:
    settings: Settings
    workers: object  # workers.Workers
    results: dict
    specs: dict = field(default_factory=dict)  # line path (tuple) -> Spec
    rounds: dict = field(default_factory=dict)  # group name -> rounds its lines ran
    reruns: dict = field(default_factory=dict)  # group name -> callable(ctx) -> group result

    @property
    def rng(self):
        return self.settings.rng

    @property
    def sizes(self):
        return self.settings.sizes

    def ok(self, name):
        """The contender exists and passed the correctness gate."""
        status = self.results["gate"]["status"]
        return self.workers.get(name) is not None and status.get(name, "ok") == "ok"

    def worker(self, name):
        return self.workers.get(name) if self.ok(name) else None

    def hd_ok(self):
        return bool(
            self.workers.get("ours") is not None
            and self.results["contenders"].get("ours", {}).get("hd_available")
            and self.results["gate"]["status"].get("hd") == "ok"
        )

    def register(self, path, specs):
        """Keeps the specs of one table (path: its place in results["groups"])."""
        for s in specs:
            if s is not None:
                self.specs[tuple(path) + (s.key,)] = s
