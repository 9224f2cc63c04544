"""``ccl verify``'s row checks: every row's labels and index sequence, every row re-derived by
the engine (streamed, in batches: memory stays bounded whatever the file's size), and a sample
re-derived by libccl, the reference.

A row is a dict from the readers in :mod:`ccl.cli.verify` ('where' plus the columns found);
:func:`normalise` fills in what a txt row lacks from the job's flags.
"""

import re

from ccl.cli.common import NETWORKS, ROLES, STAKE_ROLE, CliError

PATH_RE = re.compile(r"^m/1852'/1815'/(\d+)'/([0-2])/(\d+)$")
ADDRESS_PREFIX = {"mainnet": ("addr1", "stake1")}  # the other networks: addr_test1 / stake_test1
KINDS = ("base", "enterprise", "stake")
BATCH = 1024  # rows re-derived by the engine per call: bounds the memory held (row dicts)


def pick(n, sample):
    """Row positions of a sample of ``sample`` rows spread evenly, plus the first and the last
    (every row when the file is not larger)."""
    if n <= sample + 2:
        return list(range(n))
    step = n / sample
    picked = {0, n - 1}
    picked.update(int(k * step) for k in range(sample))
    return sorted(picked)


def normalise(r, i, job, network, source):
    """Fill (index, account, role, kind, network) of row i from its columns or (txt, or a
    column missing) from the flags. A row whose path and index disagree, whose network is not
    ``network`` (stated by ``source``), or whose address is of another network, is an error."""
    r["pos"] = i
    where = f"{job.file}: {r['where']}"
    path = r.get("path")
    if path:
        m = PATH_RE.match(str(path))
        if not m:
            raise CliError(f"{where}: path {path!r} is not m/1852'/1815'/a'/r/i")
        r["account"], r["role"], pidx = int(m[1]), int(m[2]), int(m[3])
        if r.get("index") not in (None, "") and int(r["index"]) != pidx:
            raise CliError(f"{where}: index {r['index']} but path {path}")
        r["index"] = pidx
    else:
        r["account"] = job.account or 0
        r["role"] = STAKE_ROLE if job.kind == "stake" else ROLES[job.role or "external"]
        if r.get("index") in (None, ""):
            r["index"] = (job.start or 0) + i
        else:
            try:
                r["index"] = int(r["index"])
            except ValueError:
                raise CliError(f"{where}: index {r['index']!r} is not a number") from None
    r["kind"] = r.get("kind") or job.kind
    r["network"] = r.get("network") or network
    if r["network"] not in NETWORKS:
        raise CliError(f"{where}: unknown network {r['network']!r}")
    if r["network"] != network:
        raise CliError(f"{where}: network {r['network']}, but {source}")
    mainnet = str(r["address"]).startswith(ADDRESS_PREFIX["mainnet"])
    if mainnet != (network == "mainnet"):
        raise CliError(
            f"{where}: a {'mainnet' if mainnet else 'test network'} address, but {source}"
        )
    if r["kind"] not in KINDS:
        raise CliError(f"{where}: unknown kind {r['kind']!r}")
    return r


class Sequence:
    """The index sequence: start, +1 per row (gaps, duplicates and disorder named by line)."""

    def __init__(self, job):
        self.file, self.start, self.prev = job.file, job.start, None

    def check(self, r):
        idx = r["index"]
        if self.prev is None:
            if self.start is not None and idx != self.start and r["role"] != STAKE_ROLE:
                raise CliError(
                    f"{self.file}: {r['where']}: first index {idx}, --start {self.start}"
                )
        elif r["role"] != STAKE_ROLE and idx != self.prev + 1:
            prev = self.prev
            what = (
                f"a gap ({idx - prev - 1} missing)" if idx > prev + 1
                else "a duplicate" if idx == prev else "out of order"
            )  # fmt: skip
            raise CliError(f"{self.file}: {r['where']}: index {idx} after {prev}: {what}")
        self.prev = idx


class EngineCheck:
    """Every row re-derived by the engine from ``key_for(account)`` (an AccountPublicKey), in
    batches grouped by chain and cut into contiguous runs. A difference does not stop the
    check: the first one by position is reported with the number of others."""

    def __init__(self, job, key_for):
        self.job, self.key_for = job, key_for
        self.batch, self.checked, self.bad, self.first_bad = [], 0, 0, None

    def add(self, r):
        self.batch.append(r)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self):
        groups = {}
        for r in self.batch:
            groups.setdefault((r["network"], r["account"], r["role"], r["kind"]), []).append(r)
        self.batch = []
        for (net_name, account, role, kind), rs in groups.items():
            key, net = self.key_for(account), NETWORKS[net_name]
            rs.sort(key=lambda r: r["index"])
            runs = []
            for r in rs:
                if runs and r["index"] == runs[-1][-1]["index"] + 1:
                    runs[-1].append(r)
                else:
                    runs.append([r])
            for run_ in runs:
                if kind == "stake":
                    got = [key.stake_address(net)] * len(run_)
                else:
                    got = key.addresses(
                        net, run_[0]["index"], len(run_), role=role, kind=kind,
                        threads=self.job.threads,
                    )  # fmt: skip
                for r, g in zip(run_, got):
                    try:
                        compare(self.job.file, r, g, "the engine")
                    except CliError as e:
                        self.bad += 1
                        if self.first_bad is None or r["pos"] < self.first_bad[0]:
                            self.first_bad = (r["pos"], e)
                self.checked += len(run_)

    def native(self, first, fmt, block, k):
        """Whether ``block`` (k whole lines) is byte for byte what ``ccl addresses --format fmt``
        writes for the k rows from ``first`` (a normalised row) on: then every column of every
        row is right (the engine's row formatter, ccl._hd.format_rows, writes them from the
        addresses it derives). False when it cannot say (the stake kind, a last line without
        LF, an index range the engine refuses) or the bytes differ: check row by row."""
        if first["kind"] == "stake" or not block.endswith(b"\n"):
            return False
        from ccl._hd import format_rows

        key, net = self.key_for(first["account"]), NETWORKS[first["network"]]
        try:
            want = format_rows(
                key, net, first["index"], k, fmt=fmt, network_name=first["network"],
                role=first["role"], kind=first["kind"], account=first["account"],
                threads=self.job.threads,
            )  # fmt: skip
        except (ValueError, OverflowError):
            return False
        if want != block:
            return False
        self.checked += k
        return True

    def result(self):
        """The number of rows checked; the first difference (CliError) if any."""
        self.flush()
        if self.first_bad is not None:
            more = f" ({self.bad - 1} more rows differ)" if self.bad > 1 else ""
            raise CliError(f"{self.first_bad[1]}{more}")
        return self.checked


def compare(file, row, expected, who):
    from ccl.hd import address_key_hashes

    where = row["where"]
    if row["address"] != expected:
        raise CliError(
            f"{file}: {where}: address differs from {who} for "
            f"m/1852'/1815'/{row['account']}'/{row['role']}/{row['index']} ({row['network']}, "
            f"{row['kind']}): file {row['address']!r}, {who} {expected}"
        )
    pay, stake = address_key_hashes([expected])
    for col, want in (("payment_key_hash", pay[0]), ("stake_key_hash", stake[0])):
        if col in row:
            have = row[col] if row[col] not in ("",) else None
            if have != want:
                raise CliError(
                    f"{file}: {where}: {col} {have!r} does not match the address ({want})"
                )


def libccl_check(job, rows, mnemonic):
    """The reference, on the sampled rows (dict position -> row): libccl's addresses for the
    external-chain and stake rows, and its change address for role 1 (index 0 pins the chain).
    Returns (rows re-derived, internal chains pinned)."""
    from ccl import CclLib
    from ccl._reference import libccl_addresses

    lib = CclLib()
    want = sorted(rows)
    groups = {}
    for i in want:
        r = rows[i]
        if r["role"] in (0, STAKE_ROLE):
            groups.setdefault((r["network"], r["account"], r["kind"]), []).append(i)
    n = 0
    for (net_name, account, kind), idxs in groups.items():
        net = NETWORKS[net_name]
        if kind == "stake":
            # One stake address per account: libccl gives it with any index's address.
            ref = lib.account.from_mnemonic(mnemonic, net, account, 0)["stake_address"]
            refs = [ref] * len(idxs)
        else:
            indices = [rows[i]["index"] for i in idxs]
            refs = libccl_addresses(lib, mnemonic, net, account, indices, kind, threads=job.threads)
        for i, ref in zip(idxs, refs):
            compare(job.file, rows[i], ref, "libccl")
            n += 1
    # Role 1: libccl's change address is role 1 index 0, one per (network, account).
    seen = set()
    for i in want:
        r = rows[i]
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
                    f"{job.file} cannot be trusted"
                )
    return n, len(seen)
