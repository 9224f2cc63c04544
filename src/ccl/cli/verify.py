"""``ccl verify FILE``: re-derive the rows of an existing ``ccl addresses`` output and check them.

What is checked: every row's labels (path, index, network, kind: they must agree with each other
and with the address) and the index sequence (start, +1 per row); every row re-derived by the
engine (fast: the whole file by default); and, with a mnemonic, a sample of ``--sample`` rows
(1,000, spread evenly, plus the first and the last) re-derived by libccl itself, the reference:
the external chain's and stake rows, and for the internal chain its index 0 (libccl's change
address), which pins the chain. With only an account public key libccl cannot derive anything,
so the check is the engine's alone; the summary says which checks ran on how many rows.

csv/jsonl/parquet rows carry their index, path, network and kind; a txt file carries only
addresses, so its rows are taken as ``--start``, ``--start``+1, ... of the chain given by the
generation flags (``--role``, ``--kind``, ``--account``, ``--network``). ``--network`` may be
left out when the file states its network (a ``network`` column, or FILE.manifest.json); given,
it must agree (a usage error, exit 2, names both).

Exit status 0 when every checked row matches; 1 at a difference, naming the first line (or
row, for parquet) that differs and what differed; 2 a usage error.
"""

import argparse
import json
import os
import sys

from ccl.cli import check, distributed, jobs, options
from ccl.cli.common import NETWORKS, CliError, ExitStatus, UsageError
from ccl.cli.formats import (
    CSV_HEADER,
    count_rows,
    csv_header,
    decode_line,
    parse_line,
    scan_rows,
    text_blocks,
)
from ccl.cli.sources import Mnemonic, open_account_key

EXAMPLES = """\
examples:
  # every row checked by the engine, 1,000 of them (plus first and last) also by libccl
  ccl verify addrs.csv --mnemonic-file phrase.txt

  # a watch-only txt output (no network in the file), taken as indices 5000.. of the external chain
  ccl verify deposit.txt --account-key acct_xvk1... --network mainnet --start 5000
"""


def register(sub):
    p = sub.add_parser(
        "verify",
        help="re-derive the rows of an existing output and check them",
        description="Check a txt/csv/jsonl/parquet output of `ccl addresses`: every row "
        "re-derived by the engine, a sample of them by libccl (with a mnemonic).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="the output to check")
    options.add_key_source(p, required=False)
    options.add_generation_args(
        p,
        network_help="network; may be left out when FILE states it (a network column, or "
        "FILE.manifest.json), and must agree with it when given",
    )
    p.add_argument(
        "--format",
        choices=["auto", "txt", "csv", "jsonl", "parquet"],
        default="auto",
        help="format of FILE (default: from its extension)",
    )
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--all",
        action="store_true",
        help="every row re-derived by libccl too, not a sample (with --scheduler; on one "
        "machine the engine checks every row anyway and libccl, ~30 rows/s, the --sample)",
    )
    how.add_argument(
        "--sample",
        type=options.positive,
        default=1000,
        help="rows re-derived by libccl (the reference), spread over the file, plus first and "
        "last (default 1000); the engine checks every row whatever this says",
    )
    options.add_threads(p)
    distributed.add_args(p, verify=True)
    p.set_defaults(run=run)
    return p


# -- what the file says of itself: its manifest, its network (cli/formats.py reads the rows) -----


def _read_manifest(job, n, sha, size):
    """(path, document) of FILE.manifest.json, or (path, None) when there is none. The file's
    SHA-256, byte and row counts must be what it says."""
    mpath = job.file + ".manifest.json"
    try:
        with open(mpath, "rb") as f:
            doc = json.loads(f.read(1 << 20))
    except FileNotFoundError:
        return mpath, None
    except (OSError, ValueError) as e:
        raise CliError(f"{mpath}: not a readable manifest: {e}") from None
    if not isinstance(doc, dict):
        raise CliError(f"{mpath}: not a ccl manifest")
    if doc.get("sha256") != sha or doc.get("bytes") != size:
        raise CliError(
            f"{job.file}: SHA-256 {sha} ({size} bytes) differs from its manifest {mpath} "
            f"({doc.get('sha256')}, {doc.get('bytes')} bytes): the file was changed"
        )
    if doc.get("rows") != n:
        raise CliError(f"{job.file}: {n} rows, its manifest {mpath} says {doc.get('rows')}")
    return mpath, doc


def network_of(job, fmt, manifest):
    """(network, what states it): the network the file states (its manifest's, else its first
    row's network column), which --network must agree with, or --network alone."""
    stated = where = None
    mpath, doc = manifest
    if doc is not None and doc.get("network") is not None:
        stated, where = doc["network"], f"its manifest {mpath}"
    elif fmt != "txt":
        rows = scan_rows(job.file, fmt)
        first = next(rows, None)
        rows.close()
        if first is not None and first.get("network"):
            stated, where = first["network"], f"{job.file}: {first['where']}"
    if stated is not None and stated not in NETWORKS:
        raise CliError(f"{where}: unknown network {stated!r}")
    if job.network is None:
        if stated is None:
            raise UsageError(
                f"--network is required: {job.file} does not state its network (no network "
                f"column, no manifest)"
            )
        return stated, f"the network {stated} of {where}"
    if stated is not None and stated != job.network:
        raise UsageError(f"--network {job.network} contradicts {where}: network {stated}")
    return job.network, f"--network {job.network}"


def run(args, parser):
    job = jobs.verify_job(args)
    if job.scheduler:
        return distributed.run_verify(job)
    fmt = job.format
    # The SHA-256 only matters against a manifest (a 10M-row csv is 2.5 GB).
    n, sha, size = count_rows(job.file, fmt, hashing=os.path.exists(job.file + ".manifest.json"))
    if n <= 0:
        raise CliError(f"{job.file}: no rows" + (" (header only)" if fmt == "csv" else ""))
    if job.count is not None and n != job.count:
        raise CliError(
            f"{job.file}: {n} rows, --count {job.count}: "
            + ("truncated" if n < job.count else "more rows than asked")
        )
    manifest = _read_manifest(job, n, sha, size)
    network, source = network_of(job, fmt, manifest)
    checked, sampled, mnemonic = _check_rows(job, fmt, n, network, source)
    reference = _libccl(job, sampled, mnemonic)
    print(f"ccl verify: {job.file}: {_summary(n, checked, reference)}"
          + ("; SHA-256 matches its manifest" if manifest[1] is not None else ""),
          file=sys.stderr)  # fmt: skip
    return ExitStatus.OK


def _check_rows(job, fmt, n, network, source):
    """One streaming pass: every row normalised, sequenced and re-derived by the engine; the
    sample kept for libccl. Returns (rows checked by the engine, sample rows, Mnemonic or None).
    The key is read at the first engine batch (after the first rows' own checks)."""
    pub = mnemonic = None
    keys = {}

    def key_for(account):
        nonlocal pub, mnemonic
        if not keys and pub is None and mnemonic is None:
            pub = open_account_key(job.keys)
            if pub is None:
                mnemonic = Mnemonic(job.keys)
        if pub is not None:
            first = keys.setdefault("account", account)
            if account != first:
                raise CliError(
                    f"{job.file}: rows of several accounts {sorted({first, account})}; an "
                    f"account key is one account's"
                )
            return pub
        if account not in keys:
            with mnemonic.key(account) as key:  # reduced to its public key at once
                keys[account] = key.public_key()
        return keys[account]

    sampled = set(check.pick(n, job.sample))
    kept = {}
    seq = check.Sequence(job)
    engine = check.EngineCheck(job, key_for)

    def one(i, r):
        check.normalise(r, i, job, network, source)
        seq.check(r)
        engine.add(r)
        if i in sampled:
            kept[i] = r

    seen = 0
    if fmt == "parquet":
        for seen, r in enumerate(scan_rows(job.file, fmt), 1):
            one(seen - 1, r)
    else:
        seen = _check_text(job, fmt, network, source, one, seq, engine, sampled, kept)
    if seen != n:  # pragma: no cover - the file changed between the two passes
        raise CliError(f"{job.file}: changed while being read ({n} then {seen} rows)")
    checked = engine.result()
    return checked, kept, mnemonic


def _check_text(job, fmt, network, source, one, seq, engine, sampled, kept):
    """The rows of a txt/csv/jsonl file, a block of whole lines at a time: a block whose bytes
    are exactly what the engine's row formatter writes for the chain and index range its first
    row names (check.EngineCheck.native) is checked whole; any other block (rows of another
    column set, CR LF, an error...) row by row, which names the first line that differs.
    Returns the number of rows."""
    header, blocks = text_blocks(job.file, fmt)
    names = None
    if header is not None:
        names = csv_header(job.file, decode_line(job.file, 1, header))
    ours = header is None or header == CSV_HEADER  # columns as ccl writes them
    pos = 0
    for lineno, block in blocks:
        k = block.count(b"\n") + (not block.endswith(b"\n"))
        line = block[: block.find(b"\n") + 1] or block
        first = parse_line(job.file, fmt, lineno, decode_line(job.file, lineno, line), names)
        check.normalise(first, pos, job, network, source)
        if ours and engine.native(first, fmt, block, k):
            seq.check(first)
            seq.prev = first["index"] + k - 1
            want = sorted(j for j in sampled if pos <= j < pos + k)
            lines = block.split(b"\n") if want else ()
            for i in want:
                n = lineno + i - pos
                r = parse_line(job.file, fmt, n, decode_line(job.file, n, lines[i - pos]), names)
                kept[i] = check.normalise(r, i, job, network, source)
        else:
            lines = block.split(b"\n")
            if block.endswith(b"\n"):
                lines.pop()
            for j, raw in enumerate(lines):
                n = lineno + j
                one(pos + j, parse_line(job.file, fmt, n, decode_line(job.file, n, raw), names))
        pos += k
    return pos


def _libccl(job, sampled, mnemonic):
    """libccl's check of the sample: (rows re-derived, internal chains pinned), or the reason
    it cannot check (a str)."""
    if mnemonic is None:
        return "libccl cannot derive from a public key"
    if mnemonic.passphrase:
        return "libccl takes no passphrase"
    if mnemonic.derivation != "icarus":
        return f"libccl derives no {mnemonic.derivation} keys"
    return check.libccl_check(job, sampled, mnemonic.phrase)


def _summary(n, checked, reference):
    """What was checked, e.g. "2,000 rows: all checked by the engine, 1,001 re-derived by
    libccl: all match"."""
    engine = "all checked by the engine" if checked == n else f"{checked:,} checked by the engine"
    parts = [f"{n:,} {'row' if n == 1 else 'rows'}: {engine}"]
    if isinstance(reference, str):
        parts.append(f"none by libccl ({reference})")
    else:
        rows, chains = reference
        if rows:
            parts.append(f"{rows:,} re-derived by libccl")
        if chains:
            parts.append(
                "the internal chain's index 0 re-derived by libccl" if chains == 1
                else f"{chains} internal chains' index 0 re-derived by libccl"
            )  # fmt: skip
    return ", ".join(parts) + ": all match"
