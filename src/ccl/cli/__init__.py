"""The ``ccl`` command: bulk Cardano address generation and the tools around it.

Subcommands (one module each): ``addresses`` (generate), ``verify`` (re-derive an existing
output), ``find`` (reverse lookup of an address), ``keys`` (the watch-only hand-off). Shared
pieces: :mod:`ccl.cli.options` (the flags), :mod:`ccl.cli.jobs` (the flags cross-checked once
into an immutable job per command), :mod:`ccl.cli.sources` (keys, secret input, a new wallet),
:mod:`ccl.cli.common` (limits, the error kinds, :class:`~ccl.cli.common.ExitStatus`),
:mod:`ccl.cli.targets` (where the rows go) and :mod:`ccl.cli.formats` (the row schema, writers).

Exit status: 0 success; 1 a run-time failure (one line naming the file or input); 2 a usage
error (argparse's, also for contradicting flags and refused outputs, before any work);
130 Ctrl-C; 143 SIGTERM, 129 SIGHUP (cleaned up like Ctrl-C); 141 the reader of stdout went
away (broken pipe). A closed stdout where the data would go is exit 1 before any work.
"""

import os
import signal
import sys
import threading

from ccl.cli.common import (
    ArgumentParser,
    CliError,
    ExitStatus,
    OutputRefused,
    UsageError,
    devnull_stdout,
    redact,
)


def build_parser():
    """The full argparse parser; each subparser's defaults carry ``run(args, parser)``."""
    from ccl import __version__
    from ccl.cli import addresses, find, keys, verify

    parser = ArgumentParser(prog="ccl", description="Fast Cardano tooling over libccl.")
    parser.add_argument("--version", action="version", version=f"ccl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for mod in (addresses, verify, find, keys):
        p = mod.register(sub)
        p.set_defaults(parser=p)
    return parser


class Terminated(BaseException):
    """SIGTERM / SIGHUP: unwinds like Ctrl-C (temp files removed), exit 128 + signal."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, frame):
    raise Terminated(signum)


def _guard_std_streams():
    """A closed fd 0/1/2 (``>&-``) is reopened on /dev/null, so that no file the run opens
    lands on it (stderr's diagnostics would go into an output). Returns the names of the
    closed ones."""
    closed = []
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(name)
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if "stdout" in closed:
        sys.stdout = None
    if "stderr" in closed:
        sys.stderr = open(os.devnull, "w")
    return closed


def main(argv=None):
    closed = _guard_std_streams()
    argv = sys.argv[1:] if argv is None else list(argv)
    ArgumentParser.argv = argv
    parser = build_parser()
    args = parser.parse_args(argv)
    sub = args.parser
    if "stdout" in closed and getattr(args, "out", None) in (None, "-"):
        print(f"ccl {args.command}: error: stdout is closed: nothing to write to", file=sys.stderr)
        return ExitStatus.FAILURE
    if "stdout" in closed:
        sys.stdout = open(os.devnull, "w")

    def say(msg):
        print(f"ccl {args.command}: {redact(msg, argv)}", file=sys.stderr)

    old = {}
    if threading.current_thread() is threading.main_thread():  # main() called from a thread
        old = {s: signal.signal(s, _on_signal) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return args.run(args, sub)
    except OutputRefused as e:
        say(f"error: {e}")
        return ExitStatus.USAGE
    except UsageError as e:
        sub.error(str(e))  # exit 2 with the usage line (redacted by ArgumentParser)
    except CliError as e:
        say(f"error: {e}")
        return ExitStatus.FAILURE
    except KeyboardInterrupt:
        say("interrupted")
        return ExitStatus.SIGINT
    except Terminated as e:
        say(f"terminated by {signal.Signals(e.signum).name}")
        return ExitStatus.of_signal(e.signum)
    except BrokenPipeError:
        # e.g. `ccl addresses ... | head`: the reader has what it wanted; stay quiet.
        devnull_stdout()
        return ExitStatus.BROKEN_PIPE
    except MemoryError:
        say("error: out of memory")
        return ExitStatus.FAILURE
    except OSError as e:
        where = f" {e.filename}:" if e.filename else ""
        say(f"error:{where} {e.strerror or e}")
        return ExitStatus.FAILURE
    except (ValueError, RuntimeError) as e:
        # ccl.hd errors (VerificationError is a RuntimeError): their text names the input and
        # never carries a secret.
        say(f"error: {e}")
        return ExitStatus.FAILURE
    except Exception as e:
        from ccl import CclError

        if not isinstance(e, CclError):
            raise  # a bug: keep the traceback
        say(f"error: libccl: {e}")
        return ExitStatus.FAILURE
    finally:
        for s, h in old.items():
            signal.signal(s, h)


if __name__ == "__main__":
    raise SystemExit(main())
