"""``ccl keys``: the watch-only hand-off of an account, from its mnemonic.

Prints public data only: the account public key (``acct_xvk``, enough to derive every address on
a server that holds no secret), the stake (reward) address, and the CIP-105/CIP-129 governance
ids (DRep, constitutional committee cold and hot).
"""

import argparse
import json

from ccl.cli import jobs, options
from ccl.cli.common import NETWORKS, ExitStatus
from ccl.cli.sources import Mnemonic

EXAMPLES = """\
examples:
  # the acct_xvk and stake address of account 0, for a watch-only server
  ccl keys --mnemonic-file phrase.txt --network mainnet

  # account 3 as JSON
  ccl keys --mnemonic-file phrase.txt --network preprod --account 3 --json
"""


def register(sub):
    p = sub.add_parser(
        "keys",
        help="an account's acct_xvk, stake address and governance ids",
        description="Print an account's public keys (the watch-only hand-off).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    options.add_key_source(p, account_key=False, required=True)
    options.add_network(p)
    p.add_argument("--account", type=options.index, default=0, help="account index (default 0)")
    p.add_argument("--json", action="store_true", help="one JSON object instead of lines")
    p.set_defaults(run=run)
    return p


def run(args, parser):
    job = jobs.keys_job(args)
    net = NETWORKS[job.network]
    with Mnemonic(job.keys).key(job.account) as key:
        pub = key.public_key()
    doc = {
        "network": job.network,
        "account": job.account,
        "path": f"m/1852'/1815'/{job.account}'",
        "account_xvk": pub.to_bech32(),
        "stake_address": pub.stake_address(net),
        "drep_id": pub.drep_key()["drep_id"],
        "drep_vk": pub.drep_key()["bech32_verification_key"],
        "cc_cold_id": pub.committee_cold_key()["id"],
        "cc_hot_id": pub.committee_hot_key()["id"],
    }
    if job.json:
        print(json.dumps(doc))
    else:
        width = max(len(k) for k in doc)
        for k, v in doc.items():
            print(f"{k:<{width}}  {v}")
    return ExitStatus.OK
