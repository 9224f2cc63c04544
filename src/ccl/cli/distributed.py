"""``--scheduler`` for ``ccl addresses`` and ``ccl verify``: the same jobs fanned out over a Dask
cluster through :mod:`ccl.dask` (the optional ``ccl[dask]`` extra).

Why a separate module: the single-machine commands stream rows into one file; a cluster writes a
partitioned Parquet dataset (one file per index range, written by the workers, plus manifest.json)
and verifies it in the workers against libccl. Only an account *public* key enters the task
graph: with a mnemonic the key is derived here, on the client, and the secret stays here too
(``ccl verify`` hands workers the phrase file's path, never its contents).
"""

import os
import sys

from ccl.cli.common import NETWORKS, ROLES, CliError, UsageError


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


def check_addresses(args):
    """Cross-checks for ``addresses --scheduler``, before any work or new wallet."""
    if args.format != "parquet":
        raise UsageError("--scheduler writes a partitioned Parquet dataset: add --format parquet")
    if args.engine != "native":
        raise UsageError("--scheduler derives with the native engine only (not --engine libccl)")
    if args.kind not in ("base", "enterprise"):
        raise UsageError(f"--scheduler writes base or enterprise addresses, not --kind {args.kind}")
    if not args.out or args.out == "-":
        raise UsageError("--scheduler needs --out DIR (a dataset directory, not stdout)")
    if args.manifest not in (None, True):
        raise UsageError(
            f"--manifest {args.manifest} contradicts --scheduler, which writes its manifest "
            "as DIR/manifest.json"
        )
    if not 1 <= args.partition_size <= 2**31:
        raise UsageError(f"--partition-size must be in 1..2**31, got {args.partition_size}")
    out = args.out
    if os.path.lexists(out):
        if not os.path.isdir(out):
            raise UsageError(
                f"--out {out} exists and is not a directory (a dataset is a directory)"
            )
        if os.listdir(out) and not args.force:
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


def run_addresses(args, start, count, open_source):
    from ccl.cli.addresses import drop_new_wallet, new_wallet_path
    from ccl.cli.common import input_paths
    from ccl.cli.paths import check_distinct

    check_scheduler(args.scheduler)
    phrase_path = new_wallet_path(args)
    check_distinct([("--out DIR", args.out), ("--phrase-out", phrase_path)], input_paths(args))
    dask = _dask()
    from ccl.hd import AccountPublicKey

    sched = _connect(args.scheduler)
    existed = os.path.lexists(args.out)
    closers = []
    manifest = None
    try:
        try:
            src = open_source(args, closers, phrase_path)
            key = AccountPublicKey.from_bech32(src.account_xvk)
        finally:
            for close in closers:
                close()
        manifest = dask.write_parquet_dataset(
            key,
            NETWORKS[args.network],
            start,
            count,
            args.out,
            scheduler=sched,
            force=args.force,
            role=ROLES[args.role],
            kind=args.kind,
            account=args.account or 0,
            partition_size=args.partition_size,
            threads=args.threads,
        )
    except BaseException as e:
        if not existed:
            try:
                os.rmdir(args.out)  # only when empty: what this run created and left unused
            except OSError:
                pass
        if phrase_path is not None and manifest is None and os.path.lexists(phrase_path):
            drop_new_wallet(phrase_path)
        if isinstance(e, RuntimeError) and str(e).startswith("ccl.dask"):
            raise CliError(f"--out {args.out}: {e}") from None
        if isinstance(e, OSError) and e.filename:
            raise
        if isinstance(e, (OSError, ValueError)):
            raise CliError(f"--out {args.out}: {e}") from None
        if isinstance(e, Exception) and not isinstance(e, (UsageError, CliError)):
            raise CliError(
                f"--scheduler {args.scheduler}: {type(e).__name__}: {e}; no dataset written"
            ) from None
        raise
    finally:
        if sched != "local":
            sched.close()
    files = len(manifest.get("files", ()))
    print(
        f"ccl: wrote {count} rows to {args.out} ({files} Parquet files and manifest.json)",
        file=sys.stderr,
    )
    return 0


def _check_files(out_dir, manifest):
    """Every file the manifest lists exists and has its SHA-256 (streamed, bounded memory)."""
    import hashlib

    for part in manifest.get("files", ()):
        path = os.path.join(out_dir, part["file"])
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
        except FileNotFoundError:
            raise CliError(f"{path}: missing (listed in the dataset's manifest.json)") from None
        except OSError as e:
            raise CliError(f"cannot read {path}: {e.strerror}") from None
        if digest.hexdigest() != part.get("sha256"):
            raise CliError(
                f"{path}: SHA-256 differs from the dataset's manifest.json: the file was changed"
            )


def run_verify(args):
    if not os.path.isdir(args.file):
        raise UsageError(f"with --scheduler, FILE must be a dataset directory: {args.file}")
    if args.account_key or getattr(args, "account_key_file", None) or args.mnemonic_stdin:
        raise UsageError(
            "verify --scheduler checks against libccl, which derives from the mnemonic: give "
            "--mnemonic-file (its path is sent to the workers, never its contents)"
        )
    if not args.mnemonic_file:
        raise UsageError("verify --scheduler needs --mnemonic-file")
    if args.passphrase_file or args.passphrase_stdin or args.passphrase_hex_file:
        raise UsageError("verify --scheduler re-derives through libccl, which takes no passphrase")
    if args.derivation != "icarus":
        raise UsageError(f"verify --scheduler re-derives through libccl: no {args.derivation} keys")
    dask = _dask()
    try:
        manifest = dask.read_manifest(args.file)
    except (OSError, ValueError) as e:
        raise CliError(f"{args.file}: {e}") from None
    if NETWORKS[args.network] != manifest["network"]:
        raise UsageError(
            f"--network {args.network} contradicts the dataset's manifest (network "
            f"{manifest['network']}): verify checks the dataset as it was written"
        )
    _check_files(args.file, manifest)
    secret = dask.WorkerSecret(path=os.path.abspath(args.mnemonic_file))
    try:
        report = dask.verify_parquet_dataset(
            args.file, secret, scheduler=args.scheduler, sample=None if args.all else args.sample
        )
    except (OSError, ValueError) as e:
        raise CliError(f"{args.file}: {e}") from None
    bad = report["mismatches"]
    if bad:
        first = bad[0]
        raise CliError(
            f"{args.file}: index {first['index']} differs from libccl "
            f"({len(bad)} of {report['checked']} checked rows differ)"
        )
    print(f"ccl verify: {report['checked']} rows match libccl ({args.file})", file=sys.stderr)
    return 0
