"""Shared pieces of the ``ccl`` subcommands: the limits they check, redaction of secret-shaped
arguments, the two error kinds and the exit statuses.

Two kinds of failure, kept apart on purpose:

* :class:`UsageError` - the command line itself is wrong (contradicting or out-of-range flags, an
  output path that would harm what is there). Printed by argparse as a usage error, exit 2,
  before any work is done.
* :class:`CliError` - the inputs are wrong at run time (a file cannot be read, a mnemonic is
  rejected, a verification fails). One line naming the file or input, exit 1.

The flags are declared in :mod:`ccl.cli.options`, cross-checked in :mod:`ccl.cli.jobs`; keys
and secrets are read in :mod:`ccl.cli.sources`.
"""

import argparse
import enum
import os
import sys

from ccl.hd import MAX_INDEX, MAX_THREADS, ROLES, STAKE_ROLE  # noqa: F401 (the one home)
from ccl.network import BY_NAME as NETWORKS

NETWORK_NAMES = {int(v): k for k, v in NETWORKS.items()}
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


class ExitStatus(enum.IntEnum):
    """The ``ccl`` command's exit statuses (documented in :mod:`ccl.cli`)."""

    OK = 0
    FAILURE = 1  # a run-time failure (CliError, an OSError, libccl); verify: a difference
    USAGE = 2  # argparse's, contradicting flags, a refused output: nothing done
    SIGHUP = 128 + 1  # signals: cleaned up like Ctrl-C, 128 + the signal's number
    SIGINT = 128 + 2  # Ctrl-C
    BROKEN_PIPE = 128 + 13  # the reader of stdout went away (SIGPIPE's status, quietly)
    SIGTERM = 128 + 15

    @classmethod
    def of_signal(cls, signum):
        return cls(128 + signum)


def devnull_stdout():
    """After a broken pipe: point fd 1 at /dev/null so the interpreter's final flush is quiet."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError):
        pass
