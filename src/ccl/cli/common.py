"""Shared pieces of the ``ccl`` subcommands: argument types, key sources, secret input.

Two kinds of failure, kept apart on purpose:

* :class:`UsageError` - the command line itself is wrong (contradicting or out-of-range flags, an
  output path that would harm what is there). Printed by argparse as a usage error, exit 2,
  before any work is done.
* :class:`CliError` - the inputs are wrong at run time (a file cannot be read, a mnemonic is
  rejected, a verification fails). One line naming the file or input, exit 1.

Secrets (mnemonics, passphrases, private keys) never come from argv, where ``ps`` and shell
history would keep them: they come from a file, from stdin, or from a no-echo prompt when stdin is
a terminal.
"""

import argparse
import os
import sys

from ccl.network import Network

NETWORKS = {
    "mainnet": Network.MAINNET,
    "testnet": Network.TESTNET,
    "preprod": Network.PREPROD,
    "preview": Network.PREVIEW,
}
NETWORK_NAMES = {int(v): k for k, v in NETWORKS.items()}
ROLES = {"external": 0, "internal": 1}
MAX_INDEX = 2**31 - 1
MAX_THREADS = 256
#: Largest secret input (mnemonic, passphrase, key file or stdin): a larger one is an error,
#: never cut (a cut passphrase would silently be another wallet).
SECRET_LIMIT = 64 * 1024
#: Bech32 prefixes and shapes of private keys: an argument like this is named, never echoed.
SECRET_PREFIXES = ("acct_xsk", "root_xsk", "addr_xsk", "stake_xsk", "xprv", "ed25519_sk",
                   "ed25519e_sk", "drep_xsk", "cc_cold_xsk", "cc_hot_xsk")  # fmt: skip


def secret_shaped(token):
    """True for an argument that may be a secret: several words (a phrase pasted where a path
    or a choice was expected), a private key's bech32 prefix, or 32+ hex digits."""
    t = token.strip().lower()
    return (
        len(token.split()) > 1
        or t.startswith(SECRET_PREFIXES)
        or (len(t) >= 32 and all(c in "0123456789abcdef" for c in t))
    )


def redact(text, argv):
    """``text`` with every secret-shaped argument of ``argv`` (and its repr) replaced by a
    description of it: argparse and our checks quote arguments, a secret must never be quoted."""
    for token in sorted({a for a in argv if a and secret_shaped(a)}, key=len, reverse=True):
        hidden = f"<a secret-shaped value of {len(token)} characters, not shown>"
        text = text.replace(repr(token), hidden).replace(token, hidden)
    return text


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with error messages redacted (:func:`redact`) against the command line."""

    argv = ()

    def error(self, message):
        super().error(redact(message, ArgumentParser.argv))


class UsageError(Exception):
    """The command line is wrong: argparse usage error, exit 2, nothing done."""


class OutputRefused(UsageError):
    """--out would harm what is there (or cannot be written): one line, exit 2, nothing done."""


class CliError(Exception):
    """A run-time failure: one line naming the file or input, exit 1."""


# -- argument types (argparse turns ArgumentTypeError into a usage error) ------------------------


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


# -- argument groups shared by the subcommands --------------------------------------------------


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


#: The key-source flags that name a file the run reads (attribute, flag): no output of the run
#: may be one of these files (ccl.cli.paths.check_distinct). A new file flag goes here too.
INPUT_FILE_FLAGS = (
    ("mnemonic_file", "--mnemonic-file"),
    ("passphrase_file", "--passphrase-file"),
    ("passphrase_hex_file", "--passphrase-hex-file"),
    ("account_key_file", "--account-key-file"),
)


def input_paths(args):
    """[(flag, path)] of the files the run reads (stdin, '-', is not a file)."""
    return [(flag, getattr(args, attr, None)) for attr, flag in INPUT_FILE_FLAGS]


def add_network(p, required=True):
    p.add_argument(
        "--network",
        required=required,
        choices=sorted(NETWORKS),
        help="network (required: never guessed)",
    )


def check_key_source(args, *, allow_new_wallet=False):
    """Usage checks of the key-source flags that argparse groups cannot express."""
    uses_stdin = [
        f
        for f, on in (
            ("--mnemonic-stdin", args.mnemonic_stdin),
            ("--passphrase-stdin", args.passphrase_stdin),
            ("--account-key-file -", getattr(args, "account_key_file", None) == "-"),
        )
        if on
    ]
    if len(uses_stdin) > 1:
        raise UsageError(f"{' and '.join(uses_stdin)} both read stdin: put one in a file")
    has_key = bool(getattr(args, "account_key", None) or getattr(args, "account_key_file", None))
    has_pp = bool(args.passphrase_file or args.passphrase_stdin or args.passphrase_hex_file)
    if has_key and has_pp:
        raise UsageError(
            "--passphrase-file/--passphrase-stdin/--passphrase-hex-file apply to a mnemonic, "
            "not to --account-key"
        )
    if has_key and args.derivation != "icarus":
        raise UsageError(
            f"--derivation {args.derivation} applies to a mnemonic, not to --account-key"
        )
    ak = getattr(args, "account_key", None)
    if ak and ak.strip().lower().startswith("acct_xsk"):
        raise UsageError(
            "--account-key got a private key (acct_xsk): a secret never goes on the command "
            "line (ps, shell history); use --account-key-file PATH or --account-key-file -"
        )
    if not (has_key or args.mnemonic_file or args.mnemonic_stdin) and not allow_new_wallet:
        raise UsageError(
            "one of --mnemonic-file, --mnemonic-stdin, --account-key, --account-key-file is "
            "required"
        )
    if has_pp and not (args.mnemonic_file or args.mnemonic_stdin):
        raise UsageError("a passphrase needs --mnemonic-file or --mnemonic-stdin")


# -- secret input -------------------------------------------------------------------------------


def _too_big(where):
    return CliError(
        f"{where} is larger than the {SECRET_LIMIT // 1024} KiB limit of a secret input; "
        f"nothing was read as a secret (no cut: a cut passphrase is another wallet)"
    )


def _read_bytes_file(path, what):
    try:
        with open(path, "rb") as f:
            data = f.read(SECRET_LIMIT + 1)
    except OSError as e:
        raise CliError(f"cannot read {what} {path}: {e.strerror}") from None
    if len(data) > SECRET_LIMIT:
        raise _too_big(f"{what} {path}")
    return data


def _read_text_file(path, what):
    data = _read_bytes_file(path, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{what} {path} is not UTF-8 text") from None


def _read_stdin(prompt, what):
    if sys.stdin is None:
        raise CliError(f"no stdin to read the {what} from")
    if sys.stdin.isatty():
        import getpass

        try:
            return getpass.getpass(prompt)
        except EOFError:
            return ""
    data = sys.stdin.buffer.read(SECRET_LIMIT + 1)
    if len(data) > SECRET_LIMIT:
        raise _too_big(f"the {what} on stdin")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"the {what} on stdin is not UTF-8 text") from None


def read_mnemonic(args):
    """The mnemonic from --mnemonic-file or stdin, BIP-39 normalised (NFKD, lower case, single
    spaces). Empty input is an error naming the source."""
    from ccl.hd import normalize_mnemonic

    if args.mnemonic_file:
        text, where = _read_text_file(args.mnemonic_file, "--mnemonic-file"), args.mnemonic_file
    else:
        text, where = _read_stdin("mnemonic (not echoed): ", "mnemonic"), "stdin"
    _no_bom(text, where)
    words = normalize_mnemonic(text).split()
    if not words:
        raise CliError(f"the mnemonic from {where} is empty")
    return " ".join(words), where


def _no_bom(text, where):
    if text.startswith("\ufeff"):
        raise CliError(
            f"{where} starts with a byte order mark (BOM, bytes EF BB BF): save it as plain "
            f"UTF-8 without BOM"
        )


def read_passphrase(args):
    """The BIP-39 passphrase ('' when none): exactly the file's bytes less one trailing newline
    (spaces in a passphrase are significant; CIP-0003 passphrases are any bytes), the bytes
    spelled in hex by --passphrase-hex-file, or the text typed on stdin."""
    if args.passphrase_hex_file:
        data = _read_bytes_file(args.passphrase_hex_file, "--passphrase-hex-file")
        try:
            text = bytes.fromhex(data.decode("ascii"))
        except ValueError:  # UnicodeDecodeError included; the message never shows the digits
            raise CliError(
                f"--passphrase-hex-file {args.passphrase_hex_file} is not hex digits"
            ) from None
    else:
        if args.passphrase_file:
            text = _read_bytes_file(args.passphrase_file, "--passphrase-file")
            crlf, lf = b"\r\n", b"\n"
        elif args.passphrase_stdin:
            text = _read_stdin("passphrase (not echoed): ", "passphrase")
            crlf, lf = "\r\n", "\n"
        else:
            return ""
        if text.endswith(crlf):
            text = text[:-2]
        elif text.endswith(lf):
            text = text[:-1]
    if not text:
        where = args.passphrase_file or args.passphrase_hex_file or "stdin"
        raise CliError(f"the passphrase from {where} is empty (leave the option out for none)")
    return text


def read_account_key_file(args):
    """(AccountPublicKey, account index or None, source name) from --account-key-file."""
    path = args.account_key_file
    if path == "-":
        text, where = _read_stdin("account key (not echoed): ", "account key"), "stdin"
    else:
        text, where = _read_text_file(path, "--account-key-file"), path
    _no_bom(text, where)
    text = text.strip()
    return parse_account_key(text, where), where


def parse_account_key(text, where):
    """acct_xvk or acct_xsk text -> AccountPublicKey (a private key is reduced to its public key
    at once; nothing here needs the private half)."""
    from ccl.hd import AccountPublicKey

    low = text.lower()
    try:
        if low.startswith("acct_xsk"):
            from ccl.hd import public_key_from_xsk

            return public_key_from_xsk(text)
        return AccountPublicKey.from_bech32(text)
    except ValueError as e:
        # The message never carries key bytes (ccl.hd's errors name the defect only).
        raise CliError(f"invalid account key from {where}: {e}") from None


def open_account_key(args):
    """AccountPublicKey from --account-key / --account-key-file, or None."""
    if getattr(args, "account_key", None):
        return parse_account_key(args.account_key.strip(), "--account-key")
    if getattr(args, "account_key_file", None):
        return read_account_key_file(args)[0]
    return None


def open_private_key(args, account, mnemonic=None):
    """AccountKey from the mnemonic source (read here unless given) for account."""
    from ccl.hd import AccountKey, MnemonicError

    where = "--mnemonic-file " + args.mnemonic_file if args.mnemonic_file else "stdin"
    if mnemonic is None:
        mnemonic, where = read_mnemonic(args)
    passphrase = read_passphrase(args)
    try:
        return AccountKey.from_mnemonic(mnemonic, account, passphrase, derivation=args.derivation)
    except MnemonicError as e:
        raise CliError(f"{e} (from {where})") from None


def network_name(net):
    return NETWORK_NAMES[int(net)]


def devnull_stdout():
    """After a broken pipe: point fd 1 at /dev/null so the interpreter's final flush is quiet."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError):
        pass
