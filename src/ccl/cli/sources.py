"""Where a run's key comes from: secret input, account keys, a new wallet, the row source.

Secrets (mnemonics, passphrases, private keys) never come from argv, where ``ps`` and shell
history would keep them: they come from a file, from stdin, or from a no-echo prompt when stdin is
a terminal. A private key is reduced to what the job needs as soon as it is read: an account
public key (``AccountPublicKey``, watch-only material; the engine derives addresses from it as
fast as from the private key), and the private key is wiped at once. Only ``--engine libccl``
keeps the mnemonic, because libccl derives from nothing else.
"""

import os
import sys

from ccl._reference import libccl_addresses
from ccl.cli.common import NETWORKS, ROLES, SECRET_LIMIT, STAKE_ROLE, CliError, UsageError

DEFAULT_PHRASE_OUT = "ccl-wallet-phrase.txt"

# -- secret input --------------------------------------------------------------------------------


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


def _no_bom(text, where):
    if text.startswith("\ufeff"):
        raise CliError(
            f"{where} starts with a byte order mark (BOM, bytes EF BB BF): save it as plain "
            f"UTF-8 without BOM"
        )


def read_mnemonic(ks):
    """(mnemonic, where) from --mnemonic-file or stdin, BIP-39 normalised (NFKD, lower case,
    single spaces). Empty input is an error naming the source."""
    from ccl.hd import normalize_mnemonic

    if ks.mnemonic_file:
        text, where = _read_text_file(ks.mnemonic_file, "--mnemonic-file"), ks.mnemonic_file
    else:
        text, where = _read_stdin("mnemonic (not echoed): ", "mnemonic"), "stdin"
    _no_bom(text, where)
    words = normalize_mnemonic(text).split()
    if not words:
        raise CliError(f"the mnemonic from {where} is empty")
    return " ".join(words), where


def read_passphrase(ks):
    """The BIP-39 passphrase ('' when none): exactly the file's bytes less one trailing newline
    (spaces in a passphrase are significant; CIP-0003 passphrases are any bytes), the bytes
    spelled in hex by --passphrase-hex-file, or the text typed on stdin."""
    if ks.passphrase_hex_file:
        data = _read_bytes_file(ks.passphrase_hex_file, "--passphrase-hex-file")
        try:
            text = bytes.fromhex(data.decode("ascii"))
        except ValueError:  # UnicodeDecodeError included; the message never shows the digits
            raise CliError(
                f"--passphrase-hex-file {ks.passphrase_hex_file} is not hex digits"
            ) from None
    else:
        if ks.passphrase_file:
            text = _read_bytes_file(ks.passphrase_file, "--passphrase-file")
            crlf, lf = b"\r\n", b"\n"
        elif ks.passphrase_stdin:
            text = _read_stdin("passphrase (not echoed): ", "passphrase")
            crlf, lf = "\r\n", "\n"
        else:
            return ""
        if text.endswith(crlf):
            text = text[:-2]
        elif text.endswith(lf):
            text = text[:-1]
    if not text:
        where = ks.passphrase_file or ks.passphrase_hex_file or "stdin"
        raise CliError(f"the passphrase from {where} is empty (leave the option out for none)")
    return text


def parse_account_key(text, where):
    """acct_xvk or acct_xsk text -> AccountPublicKey (a private key is reduced to its public key
    at once; nothing here needs the private half)."""
    from ccl.hd import AccountPublicKey

    try:
        if text.lower().startswith("acct_xsk"):
            from ccl.hd import public_key_from_xsk

            return public_key_from_xsk(text)
        return AccountPublicKey.from_bech32(text)
    except ValueError as e:
        # The message never carries key bytes (ccl.hd's errors name the defect only).
        raise CliError(f"invalid account key from {where}: {e}") from None


def open_account_key(ks):
    """AccountPublicKey from --account-key / --account-key-file, or None."""
    if ks.account_key:
        return parse_account_key(ks.account_key.strip(), "--account-key")
    if ks.account_key_file:
        if ks.account_key_file == "-":
            text, where = _read_stdin("account key (not echoed): ", "account key"), "stdin"
        else:
            text = _read_text_file(ks.account_key_file, "--account-key-file")
            where = ks.account_key_file
        _no_bom(text, where)
        return parse_account_key(text.strip(), where)
    return None


class Mnemonic:
    """The mnemonic source, read once: ``key(account)`` is that account's AccountKey (the caller
    closes it)."""

    def __init__(self, ks, mnemonic=None, where="new wallet"):
        self.derivation = ks.derivation
        if mnemonic is None:
            mnemonic, where = read_mnemonic(ks)
        self.phrase, self.where = mnemonic, where
        self.passphrase = read_passphrase(ks)

    def key(self, account):
        from ccl.hd import AccountKey, MnemonicError

        try:
            return AccountKey.from_mnemonic(
                self.phrase, account, self.passphrase, derivation=self.derivation
            )
        except MnemonicError as e:
            raise CliError(f"{e} (from {self.where})") from None


def account_public_key(ks, account, mnemonic=None):
    """The job's key as watch-only material: the account key given, or the account's public key
    from the mnemonic (``mnemonic``: a new wallet's phrase), its private key wiped at once."""
    pub = open_account_key(ks)
    if pub is None:
        with Mnemonic(ks, mnemonic).key(account) as key:
            pub = key.public_key()
    return pub


# -- a new wallet ---------------------------------------------------------------------------------


def _phrase_exists(path):
    return UsageError(
        f"{path} already exists; pass --mnemonic-file {path} to use it, or "
        f"--phrase-out NEW_PATH for another new wallet"
    )


def new_wallet_path(job):
    """The phrase file a new wallet would be written to, or None when a key is given. Refused
    now (before anything is written) if it exists: a phrase file is never replaced."""
    if not job.new_wallet:
        return None
    path = job.phrase_out or DEFAULT_PHRASE_OUT
    if os.path.lexists(path):
        raise _phrase_exists(path)
    return path


def new_wallet(path):
    """A 24-word phrase from libccl, written to path (mode 0600, O_EXCL|O_NOFOLLOW: never
    overwriting, never through a link)."""
    from ccl import CclLib

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise _phrase_exists(path) from None
    except OSError as e:
        raise UsageError(f"--phrase-out {path}: cannot create: {e.strerror}") from None
    try:
        phrase = CclLib().crypto.generate_mnemonic(24)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(phrase + "\n")
            f.flush()
            os.fsync(f.fileno())
    except BaseException as e:
        os.unlink(path)
        if isinstance(e, OSError) and e.filename is None:
            e.filename = path
        raise
    print(
        f"ccl: created a new wallet; its recovery phrase is in {os.path.abspath(path)} "
        f"(mode 0600). Keep it safe: it controls the funds.",
        file=sys.stderr,
    )
    return phrase


def drop_new_wallet(path, command="addresses"):
    """A run that created a wallet failed before any address was written: the phrase file goes
    (a corrected re-run may then use the same --phrase-out), and the message says so."""
    try:
        os.unlink(path)
    except OSError:
        return
    print(
        f"ccl {command}: the new wallet's phrase file {path} was removed: the run failed "
        f"before any address was written",
        file=sys.stderr,
    )


# -- the row source of `ccl addresses` ----------------------------------------------------------


def open_source(job, phrase_path=None):
    """(RowSource, acct_xvk or None) for the job. With ``phrase_path`` (:func:`new_wallet_path`)
    a new wallet is created there first."""
    from ccl.cli.formats import RowSource
    from ccl.hd import address_key_hashes

    network = NETWORKS[job.network]
    role = STAKE_ROLE if job.kind == "stake" else ROLES[job.role]
    mnemonic = new_wallet(phrase_path) if phrase_path is not None else None
    if job.engine == "libccl":
        fetch, stake = _libccl_fetch(job, network, mnemonic)
        xvk = None
    else:
        key = account_public_key(job.keys, job.account, mnemonic)
        stake = key.stake_address(network)
        if job.kind == "stake":

            def fetch(start, count):
                return [stake]

        else:

            def fetch(start, count):
                return key.addresses(
                    network, start, count, role=role, kind=job.kind, threads=job.threads
                )

        xvk = key.to_bech32()
    src = RowSource(
        fetch,
        network=job.network,
        account=job.account,
        role=role,
        kind=job.kind,
        stake_key_hash=address_key_hashes([stake])[1][0],
    )
    if job.engine != "libccl" and job.kind != "stake":
        src.native = native_rows(key, network, job, role)
    return src, xvk


def native_rows(key, network, job, role):
    """The engine's own row formatter for this chain: native(fmt, start, count) gives the bytes
    of a txt/csv/jsonl chunk or (fmt "arrow") a pyarrow.RecordBatch, the same rows as rows() and
    the Python writers give (tests/test_main_job.py)."""
    from ccl._hd import arrow_rows, format_rows

    kw = dict(
        network_name=job.network, role=role, kind=job.kind, account=job.account,
        threads=job.threads,
    )  # fmt: skip

    def native(fmt, start, count):
        if fmt == "arrow":
            return arrow_rows(key, network, start, count, **kw)
        return format_rows(key, network, start, count, fmt=fmt, **kw)

    return native


def _libccl_fetch(job, network, mnemonic):
    """(fetch, stake address) deriving every address through libccl from the mnemonic."""
    from ccl import CclLib

    lib = CclLib()
    where = "new wallet"
    if mnemonic is None:
        mnemonic, where = read_mnemonic(job.keys)
    if not lib.crypto.validate_mnemonic(mnemonic):
        # libccl says only "invalid"; the engine's parser says why (never which word).
        from ccl.hd import AccountKey, MnemonicError

        try:
            AccountKey.from_mnemonic(mnemonic).close()
            why = "invalid mnemonic (libccl rejects it)"
        except MnemonicError as e:
            why = str(e)
        raise CliError(f"{why} (from {where})")
    first = lib.account.from_mnemonic(mnemonic, network, job.account, 0)

    def fetch(start, count):
        if job.kind == "stake":
            return [first["stake_address"]]
        indices = range(start, start + count)
        return libccl_addresses(
            lib, mnemonic, network, job.account, indices, job.kind, threads=job.threads
        )

    return fetch, first["stake_address"]
