"""``ccl find ADDRESS...``: which account, role and index produced an address.

Scans the external and internal chains (and matches the reward address) of each account in
``--accounts`` up to ``--gap`` indices at engine speed (``AccountKey/AccountPublicKey.find_many``).
Prints one line per address: ``ADDRESS m/1852'/1815'/a'/r/i`` or ``ADDRESS not-found``; exit 1
when any address was not found.
"""

import argparse
import sys

from ccl.cli import common
from ccl.cli.common import CliError, UsageError

EXAMPLES = """\
examples:
  # which index of account 0 (either chain, first 10,000 indices) is this deposit address?
  ccl find addr1q... --account-key acct_xvk1...

  # search accounts 0-9 of a wallet, 50,000 indices deep
  ccl find addr1q... addr1v... --mnemonic-file phrase.txt --accounts 0-9 --gap 50000
"""


def register(sub):
    p = sub.add_parser(
        "find",
        help="reverse lookup: the path that produced an address",
        description="Find the account/role/index that produced each ADDRESS.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("addresses", nargs="+", metavar="ADDRESS")
    common.add_key_source(p, required=False)
    p.add_argument(
        "--accounts",
        type=common.account_range,
        default=None,
        metavar="A-B",
        help="accounts to search with a mnemonic (default 0; e.g. 0-9)",
    )
    p.add_argument(
        "--gap",
        type=common.positive,
        default=10000,
        help="indices searched per chain, from 0 (default 10000)",
    )
    p.add_argument(
        "--role",
        choices=["external", "internal", "both"],
        default="both",
        help="chains to search (default both)",
    )
    p.add_argument(
        "--threads", type=common.threads, default=None, help="worker threads (default: all cores)"
    )
    p.set_defaults(run=run)
    return p


def run(args, parser):
    common.check_key_source(args)
    has_key = bool(args.account_key or args.account_key_file)
    if has_key and args.accounts is not None:
        raise UsageError("--accounts contradicts --account-key: an account key is one account's")
    if args.gap - 1 > common.MAX_INDEX:
        raise UsageError(f"--gap {args.gap} runs past index 2**31-1")
    roles = {"external": (0,), "internal": (1,), "both": (0, 1)}[args.role]
    from ccl.hd import address_key_hashes

    for a in args.addresses:
        try:
            address_key_hashes([a])
        except ValueError as e:
            raise UsageError(str(e)) from None
    pub = common.open_account_key(args)
    found = {}
    if pub is not None:
        found = {a: (None, *p) for a, p in _find(pub, args, roles).items()}
    else:
        mnemonic, where = common.read_mnemonic(args)
        passphrase = common.read_passphrase(args)
        from ccl.hd import AccountKey, MnemonicError

        for account in args.accounts or range(1):
            try:
                key = AccountKey.from_mnemonic(
                    mnemonic, account, passphrase, derivation=args.derivation
                )
            except MnemonicError as e:
                raise CliError(f"{e} (from {where})") from None
            with key:
                rest = [a for a in args.addresses if a not in found]
                for a, p in _find(key, args, roles, rest).items():
                    found[a] = (account, *p)
            if len(found) == len(set(args.addresses)):
                break
    missing = 0
    for a in args.addresses:
        if a in found:
            account, role, index = found[a]
            acct = "?" if account is None else str(account)
            print(f"{a} m/1852'/1815'/{acct}'/{role}/{index}")
        else:
            missing += 1
            print(f"{a} not-found")
    sys.stdout.flush()
    if missing:
        print(
            f"ccl find: {missing} of {len(args.addresses)} not found within --gap {args.gap}",
            file=sys.stderr,
        )
        return 1
    return 0


def _find(key, args, roles, addresses=None):
    return key.find_many(
        args.addresses if addresses is None else addresses,
        roles=roles,
        start=0,
        limit=args.gap,
        threads=args.threads,
    )
