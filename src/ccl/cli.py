"""The ``ccl`` command: bulk Cardano address generation.

Secrets never travel on the command line (where ``ps`` and shell history would keep them): a
mnemonic comes from a file or stdin, and watch-only generation needs only an ``acct_xvk``. With no
key at all, a new wallet is created and its phrase written to a file only its owner can read.
Output files are written to a temporary file and renamed at the end, so an interrupted run never
leaves a complete-looking partial file.
"""

import argparse
import json
import os
import sys
import tempfile

from ccl.network import Network

NETWORKS = {
    "mainnet": Network.MAINNET,
    "testnet": Network.TESTNET,
    "preprod": Network.PREPROD,
    "preview": Network.PREVIEW,
}
ROLES = {"external": 0, "internal": 1}
MAX_INDEX = 2**31 - 1
CHUNK = 65536

EXAMPLES = """\
examples:
  # first run: create a wallet (phrase saved to ./ccl-wallet-phrase.txt, mode 0600)
  ccl addresses --network preprod --count 1000 --out addresses.txt

  # 1,000,000 mainnet base addresses of account 0 from a phrase file, as CSV
  ccl addresses --mnemonic-file phrase.txt --network mainnet --count 1000000 \\
      --format csv --out addrs.csv

  # watch-only: deposit addresses from an account public key (no secret on the server)
  ccl addresses --account-key acct_xvk1... --network mainnet --start 5000 --count 100

  # the phrase from stdin, change addresses, JSON lines, checked against libccl itself
  cat phrase.txt | ccl addresses --mnemonic-stdin --network preview --role internal \\
      --format jsonl --engine libccl --count 20

engines:
  native  (default) ccl.hd, a libsodium engine: tens of thousands of addresses per second,
          verified against libccl in the test suite; the only engine for --account-key.
  libccl  the reference implementation itself, ~30 addresses/s per core (it re-derives from
          the mnemonic for every address): for spot checks, external addresses only.
"""


class CliError(Exception):
    """A user-facing error: printed as one line, exit status 2."""


def _non_negative(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _positive(text):
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def build_parser():
    from ccl import __version__

    parser = argparse.ArgumentParser(prog="ccl", description="Fast Cardano tooling over libccl.")
    parser.add_argument("--version", action="version", version=f"ccl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    p = sub.add_parser(
        "addresses",
        help="write CIP-1852 addresses in bulk",
        description="Write CIP-1852 addresses in bulk (m/1852'/1815'/account'/role/index).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--mnemonic-file", metavar="PATH", help="read the mnemonic from PATH")
    src.add_argument("--mnemonic-stdin", action="store_true", help="read the mnemonic from stdin")
    src.add_argument(
        "--account-key",
        metavar="ACCT_XVK",
        help="account public key (acct_xvk1...) for watch-only generation",
    )
    p.add_argument(
        "--network",
        required=True,
        choices=sorted(NETWORKS),
        help="network (required: never guessed)",
    )
    p.add_argument("--account", type=_non_negative, default=0, help="account index (default 0)")
    p.add_argument(
        "--role",
        choices=sorted(ROLES),
        default="external",
        help="external (receive) or internal (change) chain (default external)",
    )
    p.add_argument("--start", type=_non_negative, default=0, help="first address index (default 0)")
    p.add_argument("--count", type=_positive, default=20, help="how many addresses (default 20)")
    p.add_argument(
        "--kind",
        choices=["base", "enterprise"],
        default="base",
        help="base (with the account's stake key) or enterprise (default base)",
    )
    p.add_argument(
        "--format",
        choices=["txt", "csv", "jsonl"],
        default="txt",
        help="txt: one address per line; csv/jsonl also carry index and path",
    )
    p.add_argument("--out", metavar="PATH", help="output file (default stdout), written atomically")
    p.add_argument(
        "--threads", type=_positive, default=None, help="worker threads (default: all cores)"
    )
    p.add_argument(
        "--engine",
        choices=["native", "libccl"],
        default="native",
        help="derivation engine (default native; see below)",
    )
    p.add_argument(
        "--phrase-out",
        metavar="PATH",
        default="ccl-wallet-phrase.txt",
        help="where a new wallet's phrase is written when no key is given "
        "(default ./ccl-wallet-phrase.txt; never overwritten)",
    )
    return parser


def _read_mnemonic(args):
    if args.mnemonic_file:
        try:
            with open(args.mnemonic_file, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            raise CliError(
                f"cannot read --mnemonic-file {args.mnemonic_file}: {e.strerror}"
            ) from None
        except UnicodeDecodeError:
            raise CliError(f"--mnemonic-file {args.mnemonic_file} is not UTF-8 text") from None
    else:
        text = sys.stdin.read()
    words = text.split()
    if not words:
        raise CliError("the mnemonic is empty")
    return " ".join(words)


def _new_wallet(lib, path):
    """Creates a phrase with libccl and writes it to path (mode 0600, never overwriting)."""
    phrase = lib.crypto.generate_mnemonic(24)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CliError(
            f"{path} already exists; pass --mnemonic-file {path} to use it, or "
            f"--phrase-out NEW_PATH for another new wallet"
        ) from None
    except OSError as e:
        raise CliError(f"cannot create {path}: {e.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(phrase + "\n")
    print(
        f"ccl: created a new wallet; its recovery phrase is in {os.path.abspath(path)} "
        f"(mode 0600). Keep it safe: it controls the funds.",
        file=sys.stderr,
    )
    return phrase


def _source(args):
    """Returns (fetch(start, count) -> list[str], close or None) for the engine and key."""
    network = NETWORKS[args.network]
    role = ROLES[args.role]
    if args.account > MAX_INDEX:
        raise CliError(f"--account must be below 2**31, got {args.account}")
    if args.engine == "libccl":
        return _libccl_source(args, network, role)
    from ccl.hd import AccountKey, AccountPublicKey

    if args.account_key:
        try:
            key = AccountPublicKey.from_bech32(args.account_key)
        except ValueError as e:
            raise CliError(f"invalid --account-key: {e}") from None
    else:
        mnemonic = _mnemonic(args)
        try:
            # The private key derives ~2x faster (one scalar multiplication per address instead
            # of two point operations); it lives in wiped C memory and is closed by the caller.
            key = AccountKey.from_mnemonic(mnemonic, args.account)
        except ValueError as e:
            raise CliError(f"invalid mnemonic: {e}") from None

    def chunk(start, count):
        return key.addresses(network, start, count, role=role, kind=args.kind, threads=args.threads)

    return chunk, getattr(key, "close", None)


def _mnemonic(args):
    if args.mnemonic_file or args.mnemonic_stdin:
        return _read_mnemonic(args)
    from ccl import CclLib

    return _new_wallet(CclLib(), args.phrase_out)


def _libccl_source(args, network, role):
    from ccl import CclLib

    if args.account_key:
        raise CliError(
            "--account-key needs --engine native: libccl cannot derive from a public key"
        )
    if role != 0:
        raise CliError(
            "--engine libccl derives external addresses only (its change address is "
            "always index 0); use --engine native for --role internal"
        )
    lib = CclLib()
    mnemonic = _mnemonic(args)
    if not lib.crypto.validate_mnemonic(mnemonic):
        raise CliError("invalid mnemonic (libccl rejects it)")
    key = "base_address" if args.kind == "base" else "enterprise_address"

    def chunk(start, count):
        indices = range(start, start + count)
        if args.kind == "base" and args.account == 0:
            return lib.wallet.get_addresses(mnemonic, network, indices, threads=args.threads)
        dicts = lib.account.from_mnemonic_many(
            mnemonic, network, args.account, indices, threads=args.threads
        )
        return [d[key] for d in dicts]

    return chunk, None


def _formatter(args):
    role = ROLES[args.role]
    prefix = f"m/1852'/1815'/{args.account}'/{role}/"
    if args.format == "txt":
        return None, lambda i, a: a + "\n"
    if args.format == "csv":
        return "index,path,address\n", lambda i, a: f"{i},{prefix}{i},{a}\n"
    return (
        None,
        lambda i, a: (
            json.dumps({"index": i, "path": f"{prefix}{i}", "address": a}, separators=(",", ":"))
            + "\n"
        ),
    )


def _progress(total):
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="addr", unit_scale=True, file=sys.stderr, dynamic_ncols=True)


def cmd_addresses(args):
    if args.start + args.count - 1 > MAX_INDEX:
        raise CliError("--start + --count runs past index 2**31-1 (hardened indices)")
    fetch, close_key = _source(args)
    header, line = _formatter(args)
    out = tmp_path = bar = None
    try:
        out, tmp_path = _open_output(args.out)
        bar = _progress(args.count)
        if header:
            out.write(header)
        pos, end = args.start, args.start + args.count
        chunk = CHUNK if args.engine == "native" else 256
        while pos < end:
            n = min(chunk, end - pos)
            addrs = fetch(pos, n)
            out.write("".join(line(pos + k, a) for k, a in enumerate(addrs)))
            pos += n
            if bar is not None:
                bar.update(n)
        out.flush()
        if tmp_path:
            os.fsync(out.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(out.fileno(), 0o666 & ~umask)  # mkstemp's 0600 is for the partial file
            out.close()
            os.replace(tmp_path, args.out)
            tmp_path = None
    finally:
        if close_key is not None:
            close_key()
        if bar is not None:
            bar.close()
        if tmp_path:
            out.close()
            os.unlink(tmp_path)
    if args.out:
        print(f"ccl: wrote {args.count} addresses to {args.out}", file=sys.stderr)
    return 0


def _open_output(path):
    if not path:
        return sys.stdout, None
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".ccl-", suffix=".partial", dir=directory)
    except OSError as e:
        raise CliError(f"cannot write to {directory}: {e.strerror}") from None
    return os.fdopen(fd, "w", encoding="utf-8", newline="\n"), tmp


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return cmd_addresses(args)
    except CliError as e:
        print(f"ccl: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "ccl: interrupted" + ("; no output file was written" if args.out else ""),
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:
        # e.g. `ccl addresses ... | head`: not an error for the user.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as e:  # the library's own errors, one line, never a traceback of secrets
        print(f"ccl: error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
