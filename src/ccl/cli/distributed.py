"""``--scheduler`` for ``ccl addresses`` and ``ccl verify``: the same jobs fanned out over a Dask
cluster through :mod:`ccl.dask` (the optional ``ccl[dask]`` extra).

Why a separate module: the single-machine commands stream rows into one file; a cluster writes a
partitioned Parquet dataset (one file per index range, written by the workers, plus manifest.json)
and verifies it in the workers against libccl. Only an account *public* key enters the task
graph: with a mnemonic the key is derived here, on the client, and the secret stays here too
(``ccl verify`` hands workers the phrase file's path, never its contents). The key goes to
:mod:`ccl.dask` as the ``AccountPublicKey`` object itself (no bech32 round trip).
"""

import os
import sys

from ccl.cli.common import NETWORKS, ROLES, CliError, ExitStatus, UsageError


def add_args(p, *, verify=False):
    p.add_argument(
        "--scheduler",
        metavar="ADDR",
        default=None,
        help="run on a Dask cluster: tcp://host:8786, or 'local' for a LocalCluster of processes "
        "(needs ccl[dask]); "
        + ("FILE is then a dataset directory written with --scheduler" if verify else
           "writes --format parquet to --out DIR/, one file per partition plus manifest.json"),
    )  # fmt: skip
    if not verify:
        p.add_argument(
            "--partition-size",
            type=int,
            default=1_000_000,
            metavar="N",
            help="addresses per partition (and Parquet file) with --scheduler (default 1000000)",
        )


def _dask():
    try:
        import ccl.dask
    except ImportError as e:
        raise UsageError(
            f"--scheduler needs Dask: pip install 'ccl[dask]' ({e.name} missing)"
        ) from None
    return ccl.dask


def check_dataset_dir(job):
    """The dataset directory --out DIR of ``addresses --scheduler``: a directory, empty unless
    --force (the flags themselves are cross-checked in ccl.cli.jobs)."""
    out = job.out
    if os.path.lexists(out):
        if not os.path.isdir(out):
            raise UsageError(
                f"--out {out} exists and is not a directory (a dataset is a directory)"
            )
        if os.listdir(out) and not job.force:
            raise UsageError(f"--out {out} is not empty; --force replaces an earlier ccl dataset")
    _dask()


def check_scheduler(addr):
    """'local' or an address with a scheme (tcp://host:port): a usage error naming --scheduler
    otherwise, before anything is created."""
    if addr != "local" and "://" not in addr:
        raise UsageError(
            f"--scheduler {addr}: expected 'local' or a scheduler address such as tcp://host:8786"
        )


def _connect(addr):
    """A distributed.Client for a remote scheduler, connected now (before any wallet or
    directory is created), or 'local'. A failure names --scheduler."""
    if addr == "local":
        return addr
    from distributed import Client

    try:
        return Client(addr, timeout=CONNECT_TIMEOUT)
    except Exception as e:  # OSError, TimeoutError, ValueError of an unknown scheme
        raise CliError(
            f"--scheduler {addr}: cannot connect within {CONNECT_TIMEOUT}: "
            f"{type(e).__name__}: {e}; nothing written"
        ) from None


CONNECT_TIMEOUT = "10s"


def run_addresses(job):
    from ccl.cli.paths import check_distinct
    from ccl.cli.sources import account_public_key, drop_new_wallet, new_wallet, new_wallet_path

    check_dataset_dir(job)
    check_scheduler(job.scheduler)
    phrase_path = new_wallet_path(job)
    check_distinct([("--out DIR", job.out), ("--phrase-out", phrase_path)], job.keys.input_paths())
    dask = _dask()
    sched = _connect(job.scheduler)
    existed = os.path.lexists(job.out)
    manifest = None
    try:
        mnemonic = new_wallet(phrase_path) if phrase_path is not None else None
        manifest = dask.write_parquet_dataset(
            account_public_key(job.keys, job.account, mnemonic),
            NETWORKS[job.network],
            job.start,
            job.count,
            job.out,
            scheduler=sched,
            force=job.force,
            role=ROLES[job.role],
            kind=job.kind,
            account=job.account,
            partition_size=job.partition_size,
            threads=job.threads,
        )
    except BaseException as e:
        if not existed:
            try:
                os.rmdir(job.out)  # only when empty: what this run created and left unused
            except OSError:
                pass
        if phrase_path is not None and manifest is None and os.path.lexists(phrase_path):
            drop_new_wallet(phrase_path)
        if isinstance(e, RuntimeError) and str(e).startswith("ccl.dask"):
            raise CliError(f"--out {job.out}: {e}") from None
        if isinstance(e, OSError) and e.filename:
            raise
        if isinstance(e, (OSError, ValueError)):
            raise CliError(f"--out {job.out}: {e}") from None
        if isinstance(e, Exception) and not isinstance(e, (UsageError, CliError)):
            raise CliError(
                f"--scheduler {job.scheduler}: {type(e).__name__}: {e}; no dataset written"
            ) from None
        raise
    finally:
        if sched != "local":
            sched.close()
    files = len(manifest.get("files", ()))
    print(
        f"ccl: wrote {job.count} rows to {job.out} ({files} Parquet files and manifest.json)",
        file=sys.stderr,
    )
    return ExitStatus.OK


def _check_files(out_dir, manifest):
    """Every file the manifest lists exists and has its SHA-256 (streamed, bounded memory)."""
    from ccl._files import sha256_file

    for part in manifest.get("files", ()):
        path = os.path.join(out_dir, part["file"])
        try:
            digest = sha256_file(path)
        except FileNotFoundError:
            raise CliError(f"{path}: missing (listed in the dataset's manifest.json)") from None
        except OSError as e:
            raise CliError(f"cannot read {path}: {e.strerror}") from None
        if digest != part.get("sha256"):
            raise CliError(
                f"{path}: SHA-256 differs from the dataset's manifest.json: the file was changed"
            )


def run_verify(job):
    """``verify --scheduler``: the flags were checked in ccl.cli.jobs.verify_job."""
    dask = _dask()
    try:
        manifest = dask.read_manifest(job.file)
    except (OSError, ValueError) as e:
        raise CliError(f"{job.file}: {e}") from None
    if job.network is not None and NETWORKS[job.network] != manifest["network"]:
        raise UsageError(
            f"--network {job.network} contradicts the dataset's manifest (network "
            f"{manifest['network']}): verify checks the dataset as it was written"
        )
    _check_files(job.file, manifest)
    secret = dask.WorkerSecret(path=os.path.abspath(job.keys.mnemonic_file))
    try:
        report = dask.verify_parquet_dataset(
            job.file, secret, scheduler=job.scheduler, sample=None if job.all else job.sample
        )
    except (OSError, ValueError) as e:
        raise CliError(f"{job.file}: {e}") from None
    bad = report["mismatches"]
    if bad:
        first = bad[0]
        raise CliError(
            f"{job.file}: index {first['index']} differs from libccl "
            f"({len(bad)} of {report['checked']} checked rows differ)"
        )
    print(f"ccl verify: {report['checked']} rows match libccl ({job.file})", file=sys.stderr)
    return ExitStatus.OK
