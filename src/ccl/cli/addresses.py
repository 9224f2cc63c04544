"""``ccl addresses``: bulk CIP-1852 address generation, streamed.

Order of work, so that a refused run leaves nothing behind: parse and cross-check every flag
(usage errors, exit 2) -> plan the output from ``os.stat`` (refuse what would harm it) -> open
it (a temp file next to the target, or the device/FIFO/socket itself) -> read the key or create
a new wallet -> stream rows in chunks that start small and grow while each takes < 40 ms (first
lines within milliseconds; a Ctrl-C lands between two chunks, so within ~0.1 s) -> commit.
"""

import argparse
import json
import os
import sys
import time

from ccl.cli import common, distributed
from ccl.cli.common import MAX_INDEX, NETWORKS, ROLES, CliError, UsageError
from ccl.cli.output import COLUMNS, FORMATS, HashingFile, RowSource, make_writer, plan_output, rows
from ccl.cli.paths import check_distinct

DEFAULT_PHRASE_OUT = "ccl-wallet-phrase.txt"
FIRST_CHUNK = 64
MAX_CHUNK = 65536
CHUNK_FAST = 0.04  # grow the chunk while one takes less than this (s)
CHUNK_SLOW = 0.10  # shrink it when one takes more: bounds the Ctrl-C latency

EXAMPLES = """\
examples:
  # first run: create a wallet (phrase saved to ./ccl-wallet-phrase.txt, mode 0600)
  ccl addresses --network preprod --count 1000 --out addresses.txt

  # 1,000,000 mainnet base addresses of account 0 from a phrase file, as CSV
  ccl addresses --mnemonic-file phrase.txt --network mainnet --count 1000000 \\
      --format csv --out addrs.csv

  # watch-only: deposit addresses from an account public key (no secret on the server)
  ccl addresses --account-key acct_xvk1... --network mainnet --start 5000 --count 100

  # the phrase from stdin, JSON lines, derived by libccl itself (slow: spot checks)
  cat phrase.txt | ccl addresses --mnemonic-stdin --network preview \\
      --format jsonl --engine libccl --count 20

  # change addresses, Parquet, in 4 resumable shards with a manifest each
  ccl addresses --mnemonic-file phrase.txt --network mainnet --role internal \\
      --count 4000000 --shard 1/4 --format parquet --out part1.parquet --manifest

engines:
  native  (default) ccl.hd, a libsodium engine: tens of thousands of addresses per second,
          verified against libccl in the test suite; the only engine for --account-key.
  libccl  the reference implementation itself, ~30 addresses/s per core (it re-derives from
          the mnemonic for every address): for spot checks; external chain only.
"""


def shard(text):
    k, sep, n = text.partition("/")
    try:
        k, n = int(k), int(n)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected K/N (e.g. 1/4), got {text!r}") from None
    if not sep or n < 1 or not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N, got {text!r}")
    return (k, n)


def add_generation_args(p, *, kinds=("base", "enterprise", "stake")):
    """--network/--account/--role/--start/--count/--kind: shared with `ccl verify`."""
    common.add_network(p)
    p.add_argument("--account", type=common.index, default=None, help="account index (default 0)")
    p.add_argument(
        "--role",
        choices=sorted(ROLES),
        default=None,
        help="external (receive) or internal (change) chain (default external)",
    )
    p.add_argument("--start", type=common.index, default=None, help="first index (default 0)")
    p.add_argument(
        "--count", type=common.positive, default=None, help="how many addresses (default 20)"
    )
    p.add_argument(
        "--kind",
        choices=list(kinds),
        default="base",
        help="base (payment key + the account's stake key), enterprise (payment key only) or "
        "stake (the account's one reward address) (default base)",
    )


def register(sub):
    p = sub.add_parser(
        "addresses",
        help="write CIP-1852 addresses in bulk",
        description="Write CIP-1852 addresses in bulk (m/1852'/1815'/account'/role/index). "
        "With no key option a new wallet is created.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common.add_key_source(p)
    add_generation_args(p)
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="txt",
        help="txt: one address per line; csv/jsonl/parquet: columns " + ",".join(COLUMNS),
    )
    p.add_argument(
        "--out",
        metavar="PATH",
        help="output (default or '-': stdout); a file is written to a temp file and renamed",
    )
    p.add_argument("--force", action="store_true", help="replace an existing --out file")
    p.add_argument(
        "--threads", type=common.threads, default=None, help="worker threads (default: all cores)"
    )
    p.add_argument(
        "--engine",
        choices=["native", "libccl"],
        default="native",
        help="derivation engine (default native; see below)",
    )
    p.add_argument(
        "--phrase-out",
        metavar="PATH",
        default=None,
        help=f"where a new wallet's phrase is written when no key is given "
        f"(default ./{DEFAULT_PHRASE_OUT}; never overwritten)",
    )
    p.add_argument(
        "--shard",
        type=shard,
        default=None,
        metavar="K/N",
        help="write only the K-th of N equal contiguous parts of --start/--count (1 <= K <= N)",
    )
    p.add_argument(
        "--manifest",
        nargs="?",
        const=True,
        default=None,
        metavar="PATH",
        help="write a JSON manifest (parameters, row count, SHA-256 of the output) to PATH "
        "(default: OUT.manifest.json)",
    )
    distributed.add_args(p)
    p.set_defaults(run=run)
    return p


# -- cross-checks --------------------------------------------------------------------------------


def resolve(args):
    """Flag cross-checks (UsageError) and defaults; returns the index range (start, count)."""
    common.check_key_source(args, allow_new_wallet=True)
    has_key = bool(args.account_key or args.account_key_file)
    has_mnemonic = bool(args.mnemonic_file or args.mnemonic_stdin)
    if has_key and args.account is not None:
        raise UsageError(
            f"--account {args.account} contradicts --account-key: an account key is already "
            f"one account's key (its addresses would be mislabelled); drop --account"
        )
    if args.phrase_out is not None and (has_key or has_mnemonic):
        raise UsageError("--phrase-out is for a new wallet; it contradicts the key given")
    if args.kind == "stake":
        given = [f for f, v in (("--role", args.role), ("--start", args.start)) if v is not None]
        if args.count is not None:
            given.append("--count")
        if args.shard is not None:
            given.append("--shard")
        if given:
            raise UsageError(
                f"--kind stake writes the account's one reward address (m/.../2/0): "
                f"{', '.join(given)} do not apply"
            )
    if args.engine == "libccl":
        if has_key:
            raise UsageError("--engine libccl cannot derive from a public key: use --engine native")
        if args.role == "internal":
            raise UsageError(
                "--engine libccl derives the external chain only (libccl's change address is "
                "always index 0): use --engine native for --role internal"
            )
        if args.passphrase_file or args.passphrase_stdin or args.passphrase_hex_file:
            raise UsageError("--engine libccl takes no passphrase: use --engine native")
        if args.derivation != "icarus":
            raise UsageError(
                f"--engine libccl derives Icarus keys only, not --derivation {args.derivation}: "
                "use --engine native"
            )
    if args.force and (args.out is None or args.out == "-"):
        raise UsageError("--force applies to --out PATH only")
    if args.manifest is not None and (args.out is None or args.out == "-"):
        raise UsageError("--manifest needs --out PATH (it records the output's SHA-256)")
    if args.manifest is True:
        args.manifest = args.out + ".manifest.json"
    args.account = 0 if args.account is None else args.account
    args.role = args.role or "external"
    start = 0 if args.start is None else args.start
    count = 20 if args.count is None else args.count
    if args.kind == "stake":
        start, count = 0, 1
    if start + count - 1 > MAX_INDEX:
        raise UsageError(
            f"--start {start} + --count {count} runs past index 2**31-1 "
            f"(last index would be {start + count - 1}; indices above are hardened)"
        )
    if args.shard is not None:
        k, n = args.shard
        lo = start + count * (k - 1) // n
        hi = start + count * k // n
        if hi == lo:
            raise UsageError(f"--shard {k}/{n} of {count} indices is empty")
        start, count = lo, hi - lo
    return start, count


# -- sources -------------------------------------------------------------------------------------


def new_wallet_path(args):
    """The phrase file a new wallet would be written to, or None when a key is given. Refused
    now (before anything is written) if it exists: a phrase file is never replaced."""
    if args.account_key or args.account_key_file or args.mnemonic_file or args.mnemonic_stdin:
        return None
    path = args.phrase_out or DEFAULT_PHRASE_OUT
    if os.path.lexists(path):
        raise UsageError(
            f"{path} already exists; pass --mnemonic-file {path} to use it, or "
            f"--phrase-out NEW_PATH for another new wallet"
        )
    return path


def _new_wallet(path):
    """A 24-word phrase from libccl, written to path (mode 0600, O_EXCL|O_NOFOLLOW: never
    overwriting, never through a link)."""
    from ccl import CclLib

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise UsageError(
            f"{path} already exists; pass --mnemonic-file {path} to use it, or "
            f"--phrase-out NEW_PATH for another new wallet"
        ) from None
    except OSError as e:
        raise UsageError(f"--phrase-out {path}: cannot create: {e.strerror}") from None
    try:
        phrase = CclLib().crypto.generate_mnemonic(24)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(phrase + "\n")
            f.flush()
            os.fsync(f.fileno())
    except BaseException as e:
        os.unlink(path)
        if isinstance(e, OSError) and e.filename is None:
            e.filename = path
        raise
    print(
        f"ccl: created a new wallet; its recovery phrase is in {os.path.abspath(path)} "
        f"(mode 0600). Keep it safe: it controls the funds.",
        file=sys.stderr,
    )
    return phrase


def drop_new_wallet(path, command="addresses"):
    """A run that created a wallet failed before any address was written: the phrase file goes
    (a corrected re-run may then use the same --phrase-out), and the message says so."""
    try:
        os.unlink(path)
    except OSError:
        return
    print(
        f"ccl {command}: the new wallet's phrase file {path} was removed: the run failed "
        f"before any address was written",
        file=sys.stderr,
    )


def open_source(args, closers, phrase_path=None):
    """RowSource for the resolved args; keys to close are appended to closers. With
    ``phrase_path`` (:func:`new_wallet_path`) a new wallet is created there first."""
    from ccl.hd import address_key_hashes

    network = NETWORKS[args.network]
    role = ROLES[args.role]
    mnemonic = None
    if phrase_path is not None:
        mnemonic = _new_wallet(phrase_path)
    if args.engine == "libccl":
        return _libccl_source(args, network, role, mnemonic)
    pub = common.open_account_key(args)
    if pub is not None:
        key = pub
    else:
        # The private key derives ~2x faster (one scalar multiplication per address instead of
        # two point operations); it lives in wiped C memory and is closed at the end.
        key = common.open_private_key(args, args.account, mnemonic)
        closers.append(key.close)
    stake = key.stake_address(network)
    stake_hash = address_key_hashes([stake])[1][0]
    if args.kind == "stake":

        def fetch(start, count):
            return [stake]

        role = 2
    else:

        def fetch(start, count):
            return key.addresses(
                network, start, count, role=role, kind=args.kind, threads=args.threads
            )

    src = RowSource(
        fetch,
        network=args.network,
        account=args.account,
        role=role,
        kind=args.kind,
        stake_key_hash=stake_hash,
    )
    src.account_xvk = key.public_key().to_bech32() if hasattr(key, "public_key") else None
    if src.account_xvk is None:
        src.account_xvk = key.to_bech32()
    if args.kind != "stake":
        src.native = native_rows(key, network, args, role)
    return src


def native_rows(key, network, args, role):
    """The engine's own row formatter for this chain: native(fmt, start, count) gives the bytes
    of a txt/csv/jsonl chunk or (fmt "arrow") a pyarrow.RecordBatch, the same rows as rows() and
    the Python writers give (tests/test_main_job.py). Derived from the public key: engine 2 uses
    the public formula on either key, so the addresses are the same."""
    from ccl._hd import arrow_rows, format_rows

    pub = key.public_key() if hasattr(key, "public_key") else key
    kw = dict(
        network_name=args.network, role=role, kind=args.kind, account=args.account,
        threads=args.threads,
    )  # fmt: skip

    def native(fmt, start, count):
        if fmt == "arrow":
            return arrow_rows(pub, network, start, count, **kw)
        return format_rows(pub, network, start, count, fmt=fmt, **kw)

    return native


def _libccl_source(args, network, role, mnemonic):
    from ccl import CclLib

    lib = CclLib()
    where = "new wallet"
    if mnemonic is None:
        mnemonic, where = common.read_mnemonic(args)
    if not lib.crypto.validate_mnemonic(mnemonic):
        # libccl says only "invalid"; the engine's parser says why (never which word).
        from ccl.hd import AccountKey, MnemonicError

        try:
            AccountKey.from_mnemonic(mnemonic).close()
            why = "invalid mnemonic (libccl rejects it)"
        except MnemonicError as e:
            why = str(e)
        raise CliError(f"{why} (from {where})")
    field = {"base": "base_address", "enterprise": "enterprise_address"}.get(args.kind)

    def fetch(start, count):
        indices = range(start, start + count)
        if args.kind == "base" and args.account == 0:
            return lib.wallet.get_addresses(mnemonic, network, indices, threads=args.threads)
        if args.kind == "stake":
            return [lib.account.from_mnemonic(mnemonic, network, args.account, 0)["stake_address"]]
        dicts = lib.account.from_mnemonic_many(
            mnemonic, network, args.account, indices, threads=args.threads
        )
        return [d[field] for d in dicts]

    first = lib.account.from_mnemonic(mnemonic, network, args.account, 0)
    from ccl.hd import address_key_hashes

    src = RowSource(
        fetch,
        network=args.network,
        account=args.account,
        role=2 if args.kind == "stake" else role,
        kind=args.kind,
        stake_key_hash=address_key_hashes([first["stake_address"]])[1][0],
    )
    src.account_xvk = None
    return src


# -- streaming -------------------------------------------------------------------------------------


def want_progress(target):
    """A bar only on a terminal stderr, and never on the terminal the rows themselves go to."""
    try:
        if not sys.stderr.isatty():
            return False
        if target.is_stdout and sys.stdout.isatty():
            return not os.path.samestat(
                os.fstat(sys.stdout.fileno()), os.fstat(sys.stderr.fileno())
            )
    except (OSError, ValueError, AttributeError):
        return False
    return True


def make_progress(total, target):
    if not want_progress(target):
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="addr", unit_scale=True, file=sys.stderr, dynamic_ncols=True)


def stream(
    src,
    start,
    count,
    writer,
    f,
    *,
    bar=None,
    flush_each=False,
    columns=COLUMNS,
    first_chunk=FIRST_CHUNK,
    max_chunk=MAX_CHUNK,
):
    """Write rows start .. start+count-1 through writer, in growing chunks (see module doc)."""
    pos, end = start, start + count
    chunk = first_chunk
    # The native engine formats the rows itself (one bytes object or Arrow batch per chunk).
    native = getattr(src, "native", None) if columns == COLUMNS else None
    fmt = getattr(writer, "native_format", None) if native is not None else None
    while pos < end:
        n = min(chunk, end - pos)
        t0 = time.monotonic()
        if fmt is not None:
            writer.write_native(native(fmt, pos, n))
        else:
            writer.write(rows(src, pos, n, columns=columns))
        if flush_each:
            f.flush()
        dt = time.monotonic() - t0
        pos += n
        if bar is not None:
            bar.update(n)
        if dt < CHUNK_FAST and chunk < max_chunk:
            chunk *= 2
        elif dt > CHUNK_SLOW and chunk > first_chunk:
            chunk //= 2


def run(args, parser):
    if args.scheduler:
        distributed.check_addresses(args)  # before resolve() turns a bare --manifest into a path
        args.manifest = None
        start, count = resolve(args)
        return distributed.run_addresses(args, start, count, open_source)
    start, count = resolve(args)
    if args.format == "parquet":
        from ccl.cli.output import require_pyarrow

        require_pyarrow()
    target = plan_output(args.out, force=args.force)
    mtarget = None
    if args.manifest is not None:
        mtarget = plan_output(args.manifest, force=args.force, flag="--manifest")
        if mtarget.is_stdout:
            raise common.OutputRefused(
                f"--manifest {args.manifest}: is stdout, where no manifest goes"
            )
    phrase_path = new_wallet_path(args)
    check_distinct(
        [("--out", args.out), ("--manifest", args.manifest), ("--phrase-out", phrase_path)],
        common.input_paths(args),
    )
    closers = []
    bar = writer = hf = None
    raw = target.open()
    try:
        mraw = mtarget.open() if mtarget is not None else None
    except BaseException:
        target.abort()
        raise
    try:
        src = open_source(args, closers, phrase_path)
        hf = HashingFile(raw)
        writer = make_writer(args.format, hf)
        bar = make_progress(count, target)
        first = (
            2 * (args.threads or os.cpu_count() or 1) if args.engine == "libccl" else FIRST_CHUNK
        )
        stream(
            src,
            start,
            count,
            writer,
            hf,
            bar=bar,
            flush_each=target.is_stdout or target.kind == "direct",
            first_chunk=first,
            max_chunk=MAX_CHUNK if args.engine == "native" else 256,
        )
        writer.close()
        writer = None
        target.commit()
        if mtarget is not None:
            # Committed under both targets' locks: no other run commits either in between.
            mraw.write(_manifest_bytes(args, src, start, count, hf))
            mtarget.commit()
    except BaseException as e:
        if bar is not None:
            bar.leave = False
            bar.close()
            bar = None
        if writer is not None:
            writer.abort()
        target.abort()
        if mtarget is not None:
            mtarget.abort()
        wrote = target.committed or (not target.kind == "atomic" and hf is not None and hf.size)
        if phrase_path is not None and os.path.lexists(phrase_path) and not wrote:
            drop_new_wallet(phrase_path)
        if isinstance(e, OSError) and e.filename is None:
            e.filename = target.name  # e.g. ENOSPC: which file
        raise
    finally:
        for close in closers:
            close()
        target.release()
        if mtarget is not None:
            mtarget.release()
    if bar is not None:
        bar.close()
    if not target.is_stdout:
        print(
            f"ccl: wrote {count} {'row' if count == 1 else 'rows'} to {target.name}",
            file=sys.stderr,
        )
    return 0


def _manifest_bytes(args, src, start, count, hf):
    from ccl import __version__

    doc = {
        "tool": f"ccl {__version__}",
        "command": "addresses",
        "output": os.path.abspath(args.out),
        "format": args.format,
        "network": args.network,
        "account": args.account,
        "role": src.role,
        "kind": args.kind,
        "start": start,
        "count": count,
        "shard": None if args.shard is None else {"k": args.shard[0], "n": args.shard[1]},
        "columns": ["address"] if args.format == "txt" else list(COLUMNS),
        "engine": args.engine,
        "account_xvk": src.account_xvk,
        "rows": count,
        "bytes": hf.size,
        "sha256": hf.sha256.hexdigest(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")
