"""``ccl find ADDRESS...``: which account, role and index produced an address.

Scans the external and internal chains (and matches the reward address) of each account in
``--accounts`` up to ``--gap`` indices at engine speed (``AccountKey/AccountPublicKey.find_many``).
Prints one line per address: ``ADDRESS m/1852'/1815'/a'/r/i`` or ``ADDRESS not-found``; exit 1
when any address was not found.
"""

import argparse
import sys

from ccl.cli import jobs, options
from ccl.cli.common import ExitStatus
from ccl.cli.sources import Mnemonic, open_account_key

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
    options.add_key_source(p, required=False)
    p.add_argument(
        "--accounts",
        type=options.account_range,
        default=None,
        metavar="A-B",
        help="accounts to search with a mnemonic (default 0; e.g. 0-9)",
    )
    p.add_argument(
        "--gap",
        type=options.positive,
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
        "--threads", type=options.threads, default=None, help="worker threads (default: all cores)"
    )
    p.set_defaults(run=run)
    return p


def run(args, parser):
    job = jobs.find_job(args)
    pub = open_account_key(job.keys)
    found = {}
    if pub is not None:
        found = {a: (None, *p) for a, p in _find(pub, job, job.addresses).items()}
    else:
        mnemonic = Mnemonic(job.keys)
        for account in job.accounts:
            with mnemonic.key(account) as key:
                rest = [a for a in job.addresses if a not in found]
                for a, p in _find(key, job, rest).items():
                    found[a] = (account, *p)
            if len(found) == len(set(job.addresses)):
                break
    missing = 0
    for a in job.addresses:
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
            f"ccl find: {missing} of {len(job.addresses)} not found within --gap {job.gap}",
            file=sys.stderr,
        )
        return ExitStatus.FAILURE
    return ExitStatus.OK


def _find(key, job, addresses):
    return key.find_many(addresses, roles=job.roles, start=0, limit=job.gap, threads=job.threads)
