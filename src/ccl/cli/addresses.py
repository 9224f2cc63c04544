"""``ccl addresses``: bulk CIP-1852 address generation, streamed.

Data flows one way, so that a refused run leaves nothing behind: parse and cross-check every
flag into an :class:`~ccl.cli.jobs.AddressesJob` (usage errors, exit 2) -> plan the targets from
``os.stat`` (refuse what would harm them) -> open them (a temp file next to the target, or the
device/FIFO/socket itself) -> open the source (read the key, reduced to the account public key,
or create a new wallet) -> stream rows in chunks that start small and grow while each takes
< 40 ms (first lines within milliseconds; a Ctrl-C lands between two chunks, so within ~0.1 s)
-> commit -> summary.
"""

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass

from ccl.cli import distributed, jobs, options
from ccl.cli.common import ExitStatus, OutputRefused
from ccl.cli.formats import COLUMNS, FORMATS, make_writer, rows
from ccl.cli.paths import check_distinct
from ccl.cli.sources import DEFAULT_PHRASE_OUT, drop_new_wallet, new_wallet_path, open_source
from ccl.cli.targets import HashingFile, WriteBehind, plan_output

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


def register(sub):
    p = sub.add_parser(
        "addresses",
        help="write CIP-1852 addresses in bulk",
        description="Write CIP-1852 addresses in bulk (m/1852'/1815'/account'/role/index). "
        "With no key option a new wallet is created.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.add_key_source(p)
    options.add_generation_args(p)
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
    options.add_threads(p)
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
        type=options.shard,
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
    behind=False,
    columns=COLUMNS,
    first_chunk=FIRST_CHUNK,
    max_chunk=MAX_CHUNK,
):
    """Write rows start .. start+count-1 through writer, in growing chunks (see module doc).
    With ``behind`` (a regular file), the engine's chunks are written by a
    :class:`~ccl.cli.targets.WriteBehind` thread while the next one is derived."""
    pos, end = start, start + count
    chunk = first_chunk
    # The native engine formats the rows itself (one bytes object or Arrow batch per chunk).
    native = getattr(src, "native", None) if columns == COLUMNS else None
    fmt = getattr(writer, "native_format", None) if native is not None else None
    wb = WriteBehind(_synced(writer, f)) if fmt is not None and behind else None
    try:
        while pos < end:
            n = min(chunk, end - pos)
            t0 = time.monotonic()
            if wb is not None:
                wb.put(native(fmt, pos, n))
            elif fmt is not None:
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
        if wb is not None:
            wb, w = None, wb
            w.close()
    finally:
        if wb is not None:
            wb.abandon()


SYNC_BYTES = 32 << 20  # the write-behind thread syncs every this many bytes


def _synced(writer, f):
    """writer.write_native, then f.sync_data() (a HashingFile over the target's DirectFile)
    every SYNC_BYTES: where the file could not be written with O_DIRECT, an fdatasync, so that
    the disk writes overlap the derivation instead of all waiting for the commit's fsync."""
    synced = 0

    def write(chunk):
        nonlocal synced
        writer.write_native(chunk)
        if f.size - synced >= SYNC_BYTES:
            f.sync_data()
            synced = f.size

    return write


@dataclass(frozen=True)
class Targets:
    """Where the run writes: the output and, with --manifest, its manifest (planned, not open)."""

    out: object
    manifest: object = None


def plan_targets(job):
    """Refuse (OutputRefused, exit 2) what would harm a target, before anything is written."""
    if job.format == "parquet":
        from ccl.cli.formats import require_pyarrow

        require_pyarrow()
    target = plan_output(job.out, force=job.force)
    mtarget = None
    if job.manifest is not None:
        mtarget = plan_output(job.manifest, force=job.force, flag="--manifest")
        if mtarget.is_stdout:
            raise OutputRefused(f"--manifest {job.manifest}: is stdout, where no manifest goes")
    return Targets(target, mtarget)


def run(args, parser):
    job = jobs.addresses_job(args)
    if job.scheduler:
        return distributed.run_addresses(job)
    targets = plan_targets(job)
    phrase_path = new_wallet_path(job)
    check_distinct(
        [("--out", job.out), ("--manifest", job.manifest), ("--phrase-out", phrase_path)],
        job.keys.input_paths(),
    )
    return write(job, targets, phrase_path)


def write(job, targets, phrase_path):
    """Open the targets, then the source; stream; commit both targets; the summary."""
    target, mtarget = targets.out, targets.manifest
    bar = writer = hf = None
    raw = target.open()
    try:
        mraw = mtarget.open() if mtarget is not None else None
    except BaseException:
        target.abort()
        raise
    try:
        src, xvk = open_source(job, phrase_path)
        hf = HashingFile(raw, hashing=mtarget is not None)
        writer = make_writer(job.format, hf)
        bar = make_progress(job.count, target)
        native = job.engine == "native"
        stream(
            src,
            job.start,
            job.count,
            writer,
            hf,
            bar=bar,
            flush_each=target.is_stdout or target.kind == "direct",
            behind=target.kind == "atomic",
            first_chunk=FIRST_CHUNK if native else 2 * (job.threads or os.cpu_count() or 1),
            max_chunk=MAX_CHUNK if native else 256,
        )
        writer.close()
        writer = None
        target.commit()
        if mtarget is not None:
            # Committed under both targets' locks: no other run commits either in between.
            mraw.write(_manifest_bytes(job, src.role, xvk, hf))
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
        target.release()
        if mtarget is not None:
            mtarget.release()
    if bar is not None:
        bar.close()
    if not target.is_stdout:
        print(
            f"ccl: wrote {job.count} {'row' if job.count == 1 else 'rows'} to {target.name}",
            file=sys.stderr,
        )
    return ExitStatus.OK


def _manifest_bytes(job, role, xvk, hf):
    from ccl import __version__

    doc = {
        "tool": f"ccl {__version__}",
        "command": "addresses",
        "output": os.path.abspath(job.out),
        "format": job.format,
        "network": job.network,
        "account": job.account,
        "role": role,
        "kind": job.kind,
        "start": job.start,
        "count": job.count,
        "shard": None if job.shard is None else {"k": job.shard[0], "n": job.shard[1]},
        "columns": ["address"] if job.format == "txt" else list(COLUMNS),
        "engine": job.engine,
        "account_xvk": xvk,
        "rows": job.count,
        "bytes": hf.size,
        "sha256": hf.sha256.hexdigest(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")
