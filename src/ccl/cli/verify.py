"""``ccl verify FILE``: re-derive rows of an existing ``ccl addresses`` output and check them.

Which rows: by default a sample of ``--sample`` rows (1,000) spread evenly over the file, plus
the first and the last; ``--all`` checks every row. Every checked row is re-derived by the
engine (fast); with a mnemonic, the sampled rows of the external chain (and the change address,
role 1 index 0, which pins the whole internal chain) are also derived by libccl itself, the
reference. With only an account public key libccl cannot derive anything, so the check is the
engine's alone, and the report says so.

csv/jsonl/parquet rows carry their index, path, network and kind; a txt file carries only
addresses, so its rows are taken as ``--start``, ``--start``+1, ... of the chain given by the
generation flags (``--role``, ``--kind``, ``--account``, ``--network``).

Exit status 0 when every checked row matches; 1 at the first difference, naming its line (or
row, for parquet) and what differed.
"""

import argparse
import json
import os
import re
import sys

from ccl.cli import common
from ccl.cli.common import NETWORKS, ROLES, CliError, UsageError
from ccl.cli.formats import count_rows, scan_rows

EXAMPLES = """\
examples:
  # check 1,000 rows (plus first and last) of a csv against libccl and the engine
  ccl verify addrs.csv --mnemonic-file phrase.txt --network mainnet

  # every row of a watch-only txt output, taken as indices 5000.. of the external chain
  ccl verify deposit.txt --account-key acct_xvk1... --network mainnet --start 5000 --all
"""

PATH_RE = re.compile(r"^m/1852'/1815'/(\d+)'/([0-2])/(\d+)$")


def register(sub):
    p = sub.add_parser(
        "verify",
        help="re-derive rows of an existing output and check them",
        description="Re-derive a sample (or --all) of the rows of a txt/csv/jsonl/parquet "
        "output of `ccl addresses` and check each one.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", metavar="FILE", help="the output to check")
    common.add_key_source(p, required=False)
    from ccl.cli.addresses import add_generation_args

    add_generation_args(p)
    p.add_argument(
        "--format",
        choices=["auto", "txt", "csv", "jsonl", "parquet"],
        default="auto",
        help="format of FILE (default: from its extension)",
    )
    how = p.add_mutually_exclusive_group()
    how.add_argument("--all", action="store_true", help="check every row")
    how.add_argument(
        "--sample",
        type=common.positive,
        default=1000,
        help="rows to check, spread over the file, plus first and last (default 1000)",
    )
    p.add_argument(
        "--threads", type=common.threads, default=None, help="worker threads (default: all cores)"
    )
    from ccl.cli import distributed

    distributed.add_args(p, verify=True)
    p.set_defaults(run=run)
    return p


def _format(args):
    if args.format != "auto":
        return args.format
    ext = os.path.splitext(args.file)[1].lower().lstrip(".")
    return {"csv": "csv", "jsonl": "jsonl", "json": "jsonl", "parquet": "parquet"}.get(ext, "txt")


# -- reading the file, streamed: (where, index, account, role, kind, network, address) ----------

ADDRESS_PREFIX = {"mainnet": ("addr1", "stake1")}  # the other networks: addr_test1 / stake_test1


def _normalise_row(r, i, args, start, role):
    """Fill (index, account, role, kind, network) of row i from its columns or (txt, or a
    column missing) from the flags. A row whose path and index disagree, whose network is not
    --network, or whose address is of another network, is an error."""
    r["pos"] = i
    where = r["where"]
    path = r.get("path")
    if path:
        m = PATH_RE.match(str(path))
        if not m:
            raise CliError(f"{args.file}: {where}: path {path!r} is not m/1852'/1815'/a'/r/i")
        r["account"], r["role"], pidx = int(m[1]), int(m[2]), int(m[3])
        if r.get("index") not in (None, "") and int(r["index"]) != pidx:
            raise CliError(f"{args.file}: {where}: index {r['index']} but path {path}")
        r["index"] = pidx
    else:
        r["account"] = args.account or 0
        r["role"] = 2 if args.kind == "stake" else role
        if r.get("index") in (None, ""):
            r["index"] = start + i
        else:
            try:
                r["index"] = int(r["index"])
            except ValueError:
                raise CliError(
                    f"{args.file}: {where}: index {r['index']!r} is not a number"
                ) from None
    r["kind"] = r.get("kind") or args.kind
    r["network"] = r.get("network") or args.network
    if r["network"] not in NETWORKS:
        raise CliError(f"{args.file}: {where}: unknown network {r['network']!r}")
    if r["network"] != args.network:
        raise CliError(
            f"{args.file}: {where}: network {r['network']}, but --network {args.network}"
        )
    mainnet = str(r["address"]).startswith(ADDRESS_PREFIX["mainnet"])
    if mainnet != (args.network == "mainnet"):
        raise CliError(
            f"{args.file}: {where}: a {'mainnet' if mainnet else 'test network'} address, but "
            f"--network {args.network}"
        )
    if r["kind"] not in ("base", "enterprise", "stake"):
        raise CliError(f"{args.file}: {where}: unknown kind {r['kind']!r}")
    return r


def _read_picked(args, fmt, n):
    """The picked rows (dict position -> row), every row checked on the way: its labels, and
    the index sequence (start, +1 per row: gaps, duplicates and disorder reported by line)."""
    start = args.start
    role = ROLES[args.role or "external"]
    picked = set(_pick(n, args))
    kept, prev, seen = {}, None, 0
    for i, r in enumerate(scan_rows(args.file, fmt)):
        _normalise_row(r, i, args, 0 if start is None else start, role)
        seen += 1
        idx = r["index"]
        if prev is None:
            if start is not None and idx != start and r["role"] != 2:
                raise CliError(f"{args.file}: {r['where']}: first index {idx}, --start {start}")
        elif r["role"] != 2 and idx != prev + 1:
            what = (
                f"a gap ({idx - prev - 1} missing)" if idx > prev + 1
                else "a duplicate" if idx == prev else "out of order"
            )  # fmt: skip
            raise CliError(f"{args.file}: {r['where']}: index {idx} after {prev}: {what}")
        prev = idx
        if i in picked:
            kept[i] = r
    if seen != n:  # pragma: no cover - the file changed between the two passes
        raise CliError(f"{args.file}: changed while being read ({n} then {seen} rows)")
    return kept, sorted(picked)


def _check_manifest(args, fmt, n, sha, size):
    """FILE.manifest.json, when there: the file's SHA-256, byte and row counts, network and
    range must be what it says."""
    mpath = args.file + ".manifest.json"
    try:
        with open(mpath, "rb") as f:
            doc = json.loads(f.read(1 << 20))
    except FileNotFoundError:
        return False
    except (OSError, ValueError) as e:
        raise CliError(f"{mpath}: not a readable manifest: {e}") from None
    if not isinstance(doc, dict):
        raise CliError(f"{mpath}: not a ccl manifest")
    if doc.get("sha256") != sha or doc.get("bytes") != size:
        raise CliError(
            f"{args.file}: SHA-256 {sha} ({size} bytes) differs from its manifest {mpath} "
            f"({doc.get('sha256')}, {doc.get('bytes')} bytes): the file was changed"
        )
    if doc.get("network") != args.network:
        raise CliError(f"{mpath}: network {doc.get('network')}, but --network {args.network}")
    if doc.get("rows") != n:
        raise CliError(f"{args.file}: {n} rows, its manifest {mpath} says {doc.get('rows')}")
    return True


def _pick(n, args):
    if args.all or n <= args.sample + 2:
        return list(range(n))
    step = n / args.sample
    picked = {0, n - 1}
    picked.update(int(k * step) for k in range(args.sample))
    return sorted(picked)


# -- checking -------------------------------------------------------------------------------------


def run(args, parser):
    if args.scheduler:
        from ccl.cli import distributed

        return distributed.run_verify(args)
    common.check_key_source(args)
    has_key = bool(args.account_key or args.account_key_file)
    if has_key and args.account is not None:
        raise UsageError(f"--account {args.account} contradicts --account-key (one account's key)")
    fmt = _format(args)
    n, sha, size = count_rows(args.file, fmt)
    if n <= 0:
        raise CliError(f"{args.file}: no rows" + (" (header only)" if fmt == "csv" else ""))
    if args.count is not None and n != args.count:
        raise CliError(
            f"{args.file}: {n} rows, --count {args.count}: "
            + ("truncated" if n < args.count else "more rows than asked")
        )
    has_manifest = _check_manifest(args, fmt, n, sha, size)
    rows_, picked = _read_picked(args, fmt, n)
    from ccl.hd import address_key_hashes

    closers = []
    keys = {}
    pub = common.open_account_key(args)
    mnemonic = None
    if pub is None:
        mnemonic, where = common.read_mnemonic(args)
        passphrase = common.read_passphrase(args)
    try:

        def key_for(account):
            if pub is not None:
                return pub
            if account not in keys:
                from ccl.hd import AccountKey, MnemonicError

                try:
                    k = AccountKey.from_mnemonic(
                        mnemonic, account, passphrase, derivation=args.derivation
                    )
                except MnemonicError as e:
                    raise CliError(f"{e} (from {where})") from None
                closers.append(k.close)
                keys[account] = k
            return keys[account]

        if pub is not None:
            accounts = {rows_[i]["account"] for i in picked}
            if len(accounts) > 1:
                raise CliError(
                    f"{args.file}: rows of several accounts {sorted(accounts)}; an "
                    f"account key is one account's"
                )
        # Engine check of every picked row, grouped by chain and cut into contiguous runs.
        groups = {}
        for i in picked:
            r = rows_[i]
            groups.setdefault((r["network"], r["account"], r["role"], r["kind"]), []).append(i)
        checked = 0
        bad = []  # (position in the file, error): the first one by position is reported
        for (net_name, account, role, kind), idxs in groups.items():
            key = key_for(account)
            net = NETWORKS[net_name]
            idxs.sort(key=lambda i: rows_[i]["index"])
            runs = []
            for i in idxs:
                last = runs[-1] if runs else None
                if last and rows_[i]["index"] == rows_[last[-1]]["index"] + 1 and len(last) < 8192:
                    last.append(i)
                else:
                    runs.append([i])
            for run_ in runs:
                lo = rows_[run_[0]]["index"]
                if kind == "stake":
                    got = [key.stake_address(net)] * len(run_)
                else:
                    got = key.addresses(
                        net, lo, len(run_), role=role, kind=kind, threads=args.threads
                    )
                for j, g in zip(run_, got):
                    try:
                        _compare(args, rows_[j], g, "the engine", address_key_hashes)
                    except CliError as e:
                        bad.append((rows_[j]["pos"], e))
                checked += len(run_)
        if bad:
            pos, err = min(bad, key=lambda b: b[0])
            more = f" ({len(bad) - 1} more rows differ)" if len(bad) > 1 else ""
            raise CliError(f"{err}{more}")
        oracle = "engine only: libccl cannot derive from a public key"
        lib_checked = 0
        if mnemonic is not None:
            if passphrase:
                oracle = "engine only: libccl takes no passphrase"
            elif args.derivation != "icarus":
                oracle = f"engine only: libccl derives no {args.derivation} keys"
            else:
                lib_checked = _libccl_check(args, rows_, picked, mnemonic)
                oracle = f"libccl on {lib_checked} rows, the engine on all {checked}"
        print(
            f"ccl verify: {args.file}: {checked} of {n} rows match ({oracle})"
            + ("; SHA-256 matches its manifest" if has_manifest else ""),
            file=sys.stderr,
        )
        return 0
    finally:
        for c in closers:
            c()


def _compare(args, row, expected, who, key_hashes):
    where = row["where"]
    if row["address"] != expected:
        raise CliError(
            f"{args.file}: {where}: address differs from {who} for "
            f"m/1852'/1815'/{row['account']}'/{row['role']}/{row['index']} ({row['network']}, "
            f"{row['kind']}): file {row['address']!r}, {who} {expected}"
        )
    pay, stake = key_hashes([expected])
    for col, want in (("payment_key_hash", pay[0]), ("stake_key_hash", stake[0])):
        if col in row:
            have = row[col] if row[col] not in ("",) else None
            if have != want:
                raise CliError(
                    f"{args.file}: {where}: {col} {have!r} does not match the address ({want})"
                )


def _libccl_check(args, rows_, picked, mnemonic):
    """The reference: libccl's account.from_mnemonic_many for the picked external-chain rows (at
    most --sample of them, spread), and change_address for role 1 (index 0 pins the chain)."""
    from ccl import CclLib

    lib = CclLib()
    fields = {"base": "base_address", "enterprise": "enterprise_address", "stake": "stake_address"}
    want = picked
    if len(want) > args.sample + 2:
        step = len(want) / args.sample
        want = sorted({want[0], want[-1], *(want[int(k * step)] for k in range(args.sample))})
    groups = {}
    for i in want:
        r = rows_[i]
        if r["role"] in (0, 2):
            groups.setdefault((r["network"], r["account"]), []).append(i)
    n = 0
    for (net_name, account), idxs in groups.items():
        net = NETWORKS[net_name]
        from ccl.hd import address_key_hashes

        # wallet.get_addresses (account 0 base addresses, ~31 ms each) is 3x cheaper than
        # account.from_mnemonic (~90 ms): use it where it covers the row.
        fast = [
            i for i in idxs if account == 0 and rows_[i]["kind"] == "base" and rows_[i]["role"] == 0
        ]
        if fast:
            refs = lib.wallet.get_addresses(
                mnemonic, net, [rows_[i]["index"] for i in fast], threads=args.threads
            )
            for i, ref in zip(fast, refs):
                _compare(args, rows_[i], ref, "libccl", address_key_hashes)
                n += 1
        fast_set = set(fast)
        slow = [i for i in idxs if i not in fast_set]
        if slow:
            indices = [rows_[i]["index"] if rows_[i]["role"] == 0 else 0 for i in slow]
            refs = lib.account.from_mnemonic_many(
                mnemonic, net, account, indices, threads=args.threads
            )
            for i, ref in zip(slow, refs):
                key = fields[rows_[i]["kind"]]
                _compare(args, rows_[i], ref[key], "libccl", address_key_hashes)
                n += 1
    # Role 1: libccl's change address is role 1 index 0, one per (network, account).
    seen = set()
    for i in want:
        r = rows_[i]
        if r["role"] == 1 and (r["network"], r["account"]) not in seen:
            seen.add((r["network"], r["account"]))
            ref = lib.account.from_mnemonic(mnemonic, NETWORKS[r["network"]], r["account"], 0)
            from ccl.hd import AccountKey

            with AccountKey.from_mnemonic(mnemonic, r["account"]) as k:
                mine = k.addresses(NETWORKS[r["network"]], 0, 1, role=1)[0]
            if mine != ref["change_address"]:
                raise CliError(
                    f"the engine's change address (role 1, index 0) differs from "
                    f"libccl's for account {r['account']}: the internal chain of "
                    f"{args.file} cannot be trusted"
                )
            n += 1
    return n
