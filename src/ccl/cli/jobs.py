"""Each subcommand's command line, parsed and cross-checked ONCE into an immutable job.

argparse checks each flag alone (:mod:`ccl.cli.options`); the functions here check the flags
against each other (contradicting options are usage errors, exit 2, before any work) and fill in
the defaults, and return a frozen dataclass. Nothing after them reads argparse's ``Namespace``:
the rest of a command reads its job, so a flag's meaning is decided in one place.
"""

import os
from dataclasses import dataclass

from ccl.cli.common import MAX_INDEX, UsageError

FORMAT_OF_EXTENSION = {"csv": "csv", "jsonl": "jsonl", "json": "jsonl", "parquet": "parquet"}
PASSPHRASE_FLAGS = "--passphrase-file/--passphrase-stdin/--passphrase-hex-file"


@dataclass(frozen=True)
class KeySource:
    """Where the key comes from (at most one of the four) and how a mnemonic becomes a key."""

    mnemonic_file: "str | None" = None
    mnemonic_stdin: bool = False
    account_key: "str | None" = None
    account_key_file: "str | None" = None
    passphrase_file: "str | None" = None
    passphrase_stdin: bool = False
    passphrase_hex_file: "str | None" = None
    derivation: str = "icarus"

    @property
    def has_key(self):
        """An account key (public, or a private one from a file) rather than a mnemonic."""
        return bool(self.account_key or self.account_key_file)

    @property
    def has_mnemonic(self):
        return bool(self.mnemonic_file or self.mnemonic_stdin)

    @property
    def has_passphrase(self):
        return bool(self.passphrase_file or self.passphrase_stdin or self.passphrase_hex_file)

    def input_paths(self):
        """[(flag, path)] of the files the run reads: no output of the run may be one of them
        (ccl.cli.paths.check_distinct). A new file flag goes here too."""
        return [
            ("--mnemonic-file", self.mnemonic_file),
            ("--passphrase-file", self.passphrase_file),
            ("--passphrase-hex-file", self.passphrase_hex_file),
            ("--account-key-file", self.account_key_file),
        ]


def key_source(args, *, allow_new_wallet=False):
    """The key-source flags as a KeySource, after the checks argparse groups cannot express."""
    ks = KeySource(
        mnemonic_file=args.mnemonic_file,
        mnemonic_stdin=args.mnemonic_stdin,
        account_key=getattr(args, "account_key", None),
        account_key_file=getattr(args, "account_key_file", None),
        passphrase_file=args.passphrase_file,
        passphrase_stdin=args.passphrase_stdin,
        passphrase_hex_file=args.passphrase_hex_file,
        derivation=args.derivation,
    )
    uses_stdin = [
        f
        for f, on in (
            ("--mnemonic-stdin", ks.mnemonic_stdin),
            ("--passphrase-stdin", ks.passphrase_stdin),
            ("--account-key-file -", ks.account_key_file == "-"),
        )
        if on
    ]
    if len(uses_stdin) > 1:
        raise UsageError(f"{' and '.join(uses_stdin)} both read stdin: put one in a file")
    if ks.has_key and ks.has_passphrase:
        raise UsageError(f"{PASSPHRASE_FLAGS} apply to a mnemonic, not to --account-key")
    if ks.has_key and ks.derivation != "icarus":
        raise UsageError(
            f"--derivation {ks.derivation} applies to a mnemonic, not to --account-key"
        )
    if ks.account_key and ks.account_key.strip().lower().startswith("acct_xsk"):
        raise UsageError(
            "--account-key got a private key (acct_xsk): a secret never goes on the command "
            "line (ps, shell history); use --account-key-file PATH or --account-key-file -"
        )
    if not (ks.has_key or ks.has_mnemonic) and not allow_new_wallet:
        raise UsageError(
            "one of --mnemonic-file, --mnemonic-stdin, --account-key, --account-key-file is "
            "required"
        )
    if ks.has_passphrase and not ks.has_mnemonic:
        raise UsageError("a passphrase needs --mnemonic-file or --mnemonic-stdin")
    return ks


def _build(job_class, args, **computed):
    """A ``job_class`` of the ``computed`` fields, the others as argparse parsed them."""
    names = job_class.__dataclass_fields__
    return job_class(**{f: computed[f] if f in computed else getattr(args, f) for f in names})


def _no_account_with_key(args, ks, flag="--account", why=None):
    value = getattr(args, flag.lstrip("-"), None)
    if ks.has_key and value is not None:
        raise UsageError(
            why or f"{flag} contradicts --account-key: an account key is one account's"
        )


# -- ccl addresses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressesJob:
    keys: KeySource
    network: str
    account: int
    role: str
    kind: str
    start: int  # the range this run writes (its shard's, with --shard)
    count: int
    shard: "tuple[int, int] | None"
    format: str
    out: "str | None"
    force: bool
    threads: "int | None"
    engine: str
    phrase_out: "str | None"  # None: the default file, when a new wallet is made
    manifest: "str | None"  # its path (a bare --manifest resolved to OUT.manifest.json)
    scheduler: "str | None"
    partition_size: int

    @property
    def to_stdout(self):
        return self.out is None or self.out == "-"

    @property
    def new_wallet(self):
        """No key given: the run creates a wallet."""
        return not (self.keys.has_key or self.keys.has_mnemonic)


def addresses_job(args):
    """``ccl addresses``' flags, cross-checked (UsageError), with their defaults filled in."""
    to_stdout = args.out is None or args.out == "-"
    if args.scheduler:
        _check_scheduler_flags(args, to_stdout)
    ks = key_source(args, allow_new_wallet=True)
    _no_account_with_key(
        args,
        ks,
        why=f"--account {args.account} contradicts --account-key: an account key is already "
        f"one account's key (its addresses would be mislabelled); drop --account",
    )
    if args.phrase_out is not None and (ks.has_key or ks.has_mnemonic):
        raise UsageError("--phrase-out is for a new wallet; it contradicts the key given")
    if args.kind == "stake":
        given = [f for f, v in (("--role", args.role), ("--start", args.start)) if v is not None]
        given += [f for f, v in (("--count", args.count), ("--shard", args.shard)) if v is not None]
        if given:
            raise UsageError(
                f"--kind stake writes the account's one reward address (m/.../2/0): "
                f"{', '.join(given)} do not apply"
            )
    if args.engine == "libccl":
        _check_libccl_engine(args, ks)
    if args.force and to_stdout:
        raise UsageError("--force applies to --out PATH only")
    manifest = None if args.scheduler else args.manifest
    if manifest is not None and to_stdout:
        raise UsageError("--manifest needs --out PATH (it records the output's SHA-256)")
    if manifest is True:
        manifest = args.out + ".manifest.json"
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
    return _build(
        AddressesJob,
        args,
        keys=ks,
        account=0 if args.account is None else args.account,
        role=args.role or "external",
        start=start,
        count=count,
        manifest=manifest,
    )


def _check_libccl_engine(args, ks):
    if ks.has_key:
        raise UsageError("--engine libccl cannot derive from a public key: use --engine native")
    if args.role == "internal":
        raise UsageError(
            "--engine libccl derives the external chain only (libccl's change address is "
            "always index 0): use --engine native for --role internal"
        )
    if ks.has_passphrase:
        raise UsageError("--engine libccl takes no passphrase: use --engine native")
    if ks.derivation != "icarus":
        raise UsageError(
            f"--engine libccl derives Icarus keys only, not --derivation {ks.derivation}: "
            "use --engine native"
        )


def _check_scheduler_flags(args, to_stdout):
    """``addresses --scheduler``: what a partitioned Parquet dataset on a cluster allows."""
    if args.format != "parquet":
        raise UsageError("--scheduler writes a partitioned Parquet dataset: add --format parquet")
    if args.engine != "native":
        raise UsageError("--scheduler derives with the native engine only (not --engine libccl)")
    if args.kind not in ("base", "enterprise"):
        raise UsageError(f"--scheduler writes base or enterprise addresses, not --kind {args.kind}")
    if to_stdout:
        raise UsageError("--scheduler needs --out DIR (a dataset directory, not stdout)")
    if args.manifest not in (None, True):
        raise UsageError(
            f"--manifest {args.manifest} contradicts --scheduler, which writes its manifest "
            "as DIR/manifest.json"
        )
    if not 1 <= args.partition_size <= 2**31:
        raise UsageError(f"--partition-size must be in 1..2**31, got {args.partition_size}")


# -- ccl verify ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyJob:
    file: str
    keys: KeySource
    network: "str | None"  # None: the file (a network column, or its manifest) states it
    account: "int | None"
    role: "str | None"
    kind: str
    start: "int | None"
    count: "int | None"
    format: str  # txt/csv/jsonl/parquet (auto resolved from the extension)
    sample: int  # rows libccl re-derives, spread over the file, plus the first and the last
    threads: "int | None"
    scheduler: "str | None"
    all: bool


def verify_job(args):
    if args.scheduler:
        ks = KeySource(**{f: getattr(args, f) for f in KeySource.__dataclass_fields__})
        _check_verify_scheduler(args, ks)
    else:
        ks = key_source(args)
        _no_account_with_key(
            args, ks, why=f"--account {args.account} contradicts --account-key (one account's key)"
        )
    fmt = args.format
    if fmt == "auto":
        ext = os.path.splitext(args.file)[1].lower().lstrip(".")
        fmt = FORMAT_OF_EXTENSION.get(ext, "txt")
    return _build(VerifyJob, args, keys=ks, format=fmt)


def _check_verify_scheduler(args, ks):
    if not os.path.isdir(args.file):
        raise UsageError(f"with --scheduler, FILE must be a dataset directory: {args.file}")
    if ks.has_key or ks.mnemonic_stdin:
        raise UsageError(
            "verify --scheduler checks against libccl, which derives from the mnemonic: give "
            "--mnemonic-file (its path is sent to the workers, never its contents)"
        )
    if not ks.mnemonic_file:
        raise UsageError("verify --scheduler needs --mnemonic-file")
    if ks.has_passphrase:
        raise UsageError("verify --scheduler re-derives through libccl, which takes no passphrase")
    if ks.derivation != "icarus":
        raise UsageError(f"verify --scheduler re-derives through libccl: no {ks.derivation} keys")


# -- ccl find / ccl keys -------------------------------------------------------------------------


@dataclass(frozen=True)
class FindJob:
    addresses: "tuple[str, ...]"
    keys: KeySource
    accounts: range
    roles: "tuple[int, ...]"
    gap: int
    threads: "int | None"


def find_job(args):
    ks = key_source(args)
    _no_account_with_key(args, ks, "--accounts")
    if args.gap - 1 > MAX_INDEX:
        raise UsageError(f"--gap {args.gap} runs past index 2**31-1")
    roles = {"external": (0,), "internal": (1,), "both": (0, 1)}[args.role]
    from ccl.hd import address_key_hashes

    for a in args.addresses:  # each one an address (the error names its defect)
        try:
            address_key_hashes([a])
        except ValueError as e:
            raise UsageError(str(e)) from None
    return FindJob(
        addresses=tuple(args.addresses),
        keys=ks,
        accounts=args.accounts or range(1),
        roles=roles,
        gap=args.gap,
        threads=args.threads,
    )


@dataclass(frozen=True)
class KeysJob:
    keys: KeySource
    network: str
    account: int
    json: bool


def keys_job(args):
    return KeysJob(key_source(args), args.network, args.account, args.json)
