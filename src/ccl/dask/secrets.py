"""Secrets: references only. What may enter a task graph (public keys; secrets as a
:class:`WorkerSecret` reference that each worker resolves locally), checked on the client."""

from __future__ import annotations

import os

from ccl.hd import AccountKey, AccountPublicKey


class WorkerSecret:
    """A secret that each worker reads locally: ``WorkerSecret(env="NAME")`` (an environment
    variable of the worker processes) or ``WorkerSecret(path="/etc/ccl/phrase")`` (a file on every
    worker). Only the reference is pickled into the graph; the value is read in the worker when a
    task runs and never returned, logged or put in an exception."""

    __slots__ = ("env", "path")

    def __init__(self, *, env: str | None = None, path: str | os.PathLike | None = None):
        if (env is None) == (path is None):
            raise ValueError("WorkerSecret needs exactly one of env= or path=")
        if env is not None and (not isinstance(env, str) or not env or "=" in env or "\0" in env):
            raise ValueError("WorkerSecret env= must be a non-empty variable name")
        self.env = env
        self.path = None if path is None else os.path.abspath(os.fspath(path))

    def __repr__(self) -> str:
        return (
            f"WorkerSecret(env={self.env!r})" if self.env else f"WorkerSecret(path={self.path!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkerSecret):
            return NotImplemented
        return (self.env, self.path) == (other.env, other.path)

    def __hash__(self) -> int:
        return hash((WorkerSecret, self.env, self.path))

    def __reduce__(self):
        return (_worker_secret, (self.env, self.path))

    def resolve(self) -> str:
        """The secret's value (whitespace-normalised), read now, in this process."""
        if self.env is not None:
            text = os.environ.get(self.env)
            if text is None:
                raise ValueError(f"WorkerSecret: environment variable {self.env} is not set here")
        else:
            try:
                with open(self.path, encoding="utf-8") as f:
                    text = f.read()
            except OSError as e:
                raise ValueError(f"WorkerSecret: cannot read {self.path}: {e.strerror}") from None
            except UnicodeDecodeError:
                raise ValueError(f"WorkerSecret: {self.path} is not UTF-8 text") from None
        words = text.split()
        if not words:
            raise ValueError(f"WorkerSecret {self!r} is empty")
        return " ".join(words)


def _worker_secret(env, path):
    s = WorkerSecret.__new__(WorkerSecret)
    s.env, s.path = env, path
    return s


_PRIVATE_PREFIXES = ("acct_xsk", "root_xsk", "addr_xsk", "stake_xsk", "xprv", "ed25519e_sk",
                     "ed25519_sk", "acct_sk", "addr_sk", "stake_sk")  # fmt: skip
_WHY = (
    "only an account public key (acct_xvk1... or ccl.hd.AccountPublicKey) may enter a Dask "
    "task graph: graphs are pickled, sent over the network, kept by the scheduler and shown on "
    "the dashboard"
)


def _public_key(account_key) -> AccountPublicKey:
    """Validates ``account_key`` on the client. Errors never repeat the input and never chain
    an exception that could (they are raised outside any ``except`` block)."""
    if isinstance(account_key, AccountPublicKey):
        return account_key
    if isinstance(account_key, AccountKey):
        raise ValueError(
            f"account_key is an AccountKey (a private key); pass account_key.public_key(): {_WHY}"
        )
    if isinstance(account_key, (bytes, bytearray, memoryview)):
        n = memoryview(account_key).nbytes
        if n != 64:
            raise ValueError(
                f"account_key: {n} bytes is not an account public key (64 bytes: key || chain "
                f"code); private keys are refused: {_WHY}"
            )
        return _parsed(
            AccountPublicKey.from_bytes,
            account_key,
            "account_key: 64 bytes that are not a valid Ed25519 public key",
        )
    if not isinstance(account_key, str):
        raise TypeError(
            f"account_key must be an acct_xvk str or AccountPublicKey, not "
            f"{type(account_key).__name__}"
        )
    text = account_key.strip()
    if any(c.isspace() for c in text):
        raise ValueError(f"account_key looks like a mnemonic (it has several words): {_WHY}")
    low = text.lower()
    if low.startswith(_PRIVATE_PREFIXES):
        raise ValueError(f"account_key is a private key (bech32 secret key prefix): {_WHY}")
    if not low.startswith("acct_xvk1"):
        raise ValueError(f"account_key is not an acct_xvk1... string: {_WHY}")
    return _parsed(
        AccountPublicKey.from_bech32,
        text,
        "account_key: invalid acct_xvk (checksum, alphabet or length)",
    )


def _parsed(parse, value, message):
    """``parse(value)``, or ``ValueError(message)`` raised outside the ``except`` block, so that
    it chains no exception that could repeat the input."""
    key = None
    try:
        key = parse(value)
    except ValueError:
        pass
    if key is None:
        raise ValueError(message)
    return key
