"""ccl.hd on a platform where libccl cannot run, checked against libccl's own answers.

Why: GraalVM's aarch64 libccl does not run under qemu-user (graal_create_isolate returns 32, "could
not determine the stack boundaries"), so on the arm64 chroot of scripts/portability_arm64.sh the
HD engine cannot be compared with libccl live, as tests/test_hd.py does. Instead:

  python scripts/hd_reference.py gen OUT.json [--cases N]   # here, with the x86_64 libccl
  python scripts/hd_reference.py check IN.json              # there, with ccl.hd only

``gen`` draws N cases (mnemonic of 12/15/24 words made by libccl, every network, account and
address indices at the edges and at random, seeded) and records what
``CclLib().account.from_mnemonic`` answers; ``check`` derives the same four fields with ccl.hd,
through the private (AccountKey) and the watch-only (AccountPublicKey) path, and fails on any
difference. Nothing here is a hard-coded result: the answers are libccl's, made on this machine.
"""

import argparse
import json
import random
import sys

FIELDS = ("base_address", "enterprise_address", "stake_address", "change_address")
MAX = 2**31 - 1


def gen(out, n, seed):
    from ccl import CclLib

    lib = CclLib()
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        mnemonic = lib.crypto.generate_mnemonic((12, 15, 24)[i % 3])
        net = i % 4
        acct = rng.choice([0, 1, MAX, rng.randrange(2**31), rng.randrange(100)])
        idx = rng.choice([0, MAX, rng.randrange(2**31), rng.randrange(1000)])
        if i == 0:
            acct, idx = 0, 0
        elif i == 1:
            acct, idx = MAX, MAX
        ref = lib.account.from_mnemonic(mnemonic, net, acct, idx)
        cases.append(
            {"mnemonic": mnemonic, "network": net, "account": acct, "index": idx}
            | {f: ref[f] for f in FIELDS}
        )
    lib.close()
    with open(out, "w") as f:
        json.dump({"libccl": "x86_64", "seed": seed, "cases": cases}, f, indent=1)
    print(f"hd_reference: {n} libccl answers written to {out}")


def check(path):
    from ccl.hd import AccountKey

    with open(path) as f:
        cases = json.load(f)["cases"]
    bad = []
    for c in cases:
        net, idx = c["network"], c["index"]
        with AccountKey.from_mnemonic(c["mnemonic"], c["account"]) as key:
            for src in (key, key.public_key()):
                got = {
                    "base_address": src.addresses(net, idx)[0],
                    "enterprise_address": src.addresses(net, idx, kind="enterprise")[0],
                    "stake_address": src.stake_address(net),
                    "change_address": src.addresses(net, 0, role=1)[0],
                }
                name = type(src).__name__
                bad += [(name, f, c["account"], idx) for f in FIELDS if got[f] != c[f]]
    if bad or not cases:
        print(f"hd_reference: {len(bad)} mismatches of {len(cases)} cases: {bad[:5]}")
        return 1
    print(f"hd_reference: {len(cases)} cases x 2 paths x 4 fields equal libccl's answers")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("out")
    g.add_argument("--cases", type=int, default=200)
    g.add_argument("--seed", type=int, default=1852)
    c = sub.add_parser("check")
    c.add_argument("path")
    a = ap.parse_args(argv)
    if a.cmd == "gen":
        gen(a.out, a.cases, a.seed)
        return 0
    return check(a.path)


if __name__ == "__main__":
    sys.exit(main())
