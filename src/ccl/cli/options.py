"""The option groups and argument types the ``ccl`` subcommands share (argparse only).

One place per flag: ``ccl addresses`` and ``ccl verify`` take the same generation flags, every
command that reads a key takes the same key-source group. What the flags *mean* together (their
cross-checks) is :mod:`ccl.cli.jobs`; this module only declares them and checks each value alone
(argparse turns an ``ArgumentTypeError`` into a usage error, exit 2).
"""

import argparse

from ccl.cli.common import MAX_INDEX, MAX_THREADS, NETWORKS, ROLES

# -- argument types ------------------------------------------------------------------------------


def _int(text):
    try:
        return int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


def non_negative(text):
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def positive(text):
    value = _int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return value


def index(text):
    value = non_negative(text)
    if value > MAX_INDEX:
        raise argparse.ArgumentTypeError(f"must be below 2**31 (soft index), got {value}")
    return value


def threads(text):
    value = _int(text)
    if not 1 <= value <= MAX_THREADS:
        raise argparse.ArgumentTypeError(f"must be in 1..{MAX_THREADS}, got {value}")
    return value


def account_range(text):
    """``N`` or ``A-B`` (inclusive) -> range."""
    a, sep, b = text.partition("-")
    lo = index(a)
    hi = index(b) if sep else lo
    if hi < lo:
        raise argparse.ArgumentTypeError(f"empty range {text!r}")
    if hi - lo >= 1000:
        raise argparse.ArgumentTypeError(f"at most 1000 accounts per run, got {hi - lo + 1}")
    return range(lo, hi + 1)


def shard(text):
    """``K/N`` -> (k, n) with 1 <= K <= N."""
    k, sep, n = text.partition("/")
    try:
        k, n = int(k), int(n)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected K/N (e.g. 1/4), got {text!r}") from None
    if not sep or n < 1 or not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N, got {text!r}")
    return (k, n)


# -- option groups -------------------------------------------------------------------------------


def add_key_source(p, *, account_key=True, required=False):
    src = p.add_mutually_exclusive_group(required=required)
    src.add_argument("--mnemonic-file", metavar="PATH", help="read the mnemonic from PATH")
    src.add_argument(
        "--mnemonic-stdin",
        action="store_true",
        help="read the mnemonic from stdin (a no-echo prompt when stdin is a terminal)",
    )
    if account_key:
        src.add_argument(
            "--account-key",
            metavar="ACCT_XVK",
            help="account public key (acct_xvk1...) for watch-only work",
        )
        src.add_argument(
            "--account-key-file",
            metavar="PATH",
            help="account key from PATH: an acct_xvk1..., or an acct_xsk1... private key "
            "(secret: file or stdin only, never an argument); '-' reads stdin",
        )
    pp = p.add_mutually_exclusive_group()
    pp.add_argument(
        "--passphrase-file",
        metavar="PATH",
        help="BIP-39 passphrase ('25th word') from PATH (one trailing newline is dropped)",
    )
    pp.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="read the passphrase from stdin (a no-echo prompt when stdin is a terminal)",
    )
    pp.add_argument(
        "--passphrase-hex-file",
        metavar="PATH",
        help="the passphrase as hex digits from PATH (any bytes, CIP-0003; whitespace ignored)",
    )
    from ccl.hd import DERIVATIONS

    p.add_argument(
        "--derivation",
        choices=list(DERIVATIONS),
        default="icarus",
        help="master-key algorithm of the mnemonic (CIP-0003): icarus (default: software "
        "wallets, libccl), ledger (Ledger, BitBox02) or icarus-trezor (Trezor)",
    )
    if not account_key:
        p.set_defaults(account_key=None, account_key_file=None)


def add_network(p, required=True, help="network (required: never guessed)"):
    p.add_argument("--network", required=required, choices=sorted(NETWORKS), help=help)


def add_generation_args(p, *, network_help=None, kinds=("base", "enterprise", "stake")):
    """--network/--account/--role/--start/--count/--kind: shared by `ccl addresses` and
    `ccl verify` (``network_help``: verify's --network is optional, the file may state it)."""
    if network_help is None:
        add_network(p)
    else:
        add_network(p, required=False, help=network_help)
    p.add_argument("--account", type=index, default=None, help="account index (default 0)")
    p.add_argument(
        "--role",
        choices=sorted(ROLES),
        default=None,
        help="external (receive) or internal (change) chain (default external)",
    )
    p.add_argument("--start", type=index, default=None, help="first index (default 0)")
    p.add_argument("--count", type=positive, default=None, help="how many addresses (default 20)")
    p.add_argument(
        "--kind",
        choices=list(kinds),
        default="base",
        help="base (payment key + the account's stake key), enterprise (payment key only) or "
        "stake (the account's one reward address) (default base)",
    )


def add_threads(p):
    p.add_argument(
        "--threads", type=threads, default=None, help="worker threads (default: all cores)"
    )
