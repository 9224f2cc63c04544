"""The ``ccl`` command: bulk Cardano address generation and the tools around it.

Subcommands (one module each): ``addresses`` (generate), ``verify`` (re-derive an existing
output), ``find`` (reverse lookup of an address), ``keys`` (the watch-only hand-off). Shared
pieces: :mod:`ccl.cli.common` (flags, key sources, secret input, the two error kinds) and
:mod:`ccl.cli.output` (output targets, row schema, writers).

Exit status: 0 success; 1 a run-time failure (one line naming the file or input); 2 a usage
error (argparse's, also for contradicting flags and refused outputs, before any work);
130 Ctrl-C; 141 the reader of stdout went away (broken pipe).
"""

import argparse
import sys

from ccl.cli.common import CliError, OutputRefused, UsageError, devnull_stdout


def build_parser():
    """The full argparse parser; each subparser's defaults carry ``run(args, parser)``."""
    from ccl import __version__
    from ccl.cli import addresses, find, keys, verify

    parser = argparse.ArgumentParser(prog="ccl", description="Fast Cardano tooling over libccl.")
    parser.add_argument("--version", action="version", version=f"ccl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for mod in (addresses, verify, find, keys):
        p = mod.register(sub)
        p.set_defaults(parser=p)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    sub = args.parser
    try:
        return args.run(args, sub)
    except OutputRefused as e:
        print(f"ccl {args.command}: error: {e}", file=sys.stderr)
        return 2
    except UsageError as e:
        sub.error(str(e))  # exit 2 with the usage line
    except CliError as e:
        print(f"ccl {args.command}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"ccl {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # e.g. `ccl addresses ... | head`: the reader has what it wanted; stay quiet.
        devnull_stdout()
        return 141
    except MemoryError:
        print(f"ccl {args.command}: error: out of memory", file=sys.stderr)
        return 1
    except OSError as e:
        where = f" {e.filename}" if e.filename else ""
        print(f"ccl {args.command}: error:{where} {e.strerror or e}", file=sys.stderr)
        return 1
    except (ValueError, RuntimeError) as e:
        # ccl.hd errors (VerificationError is a RuntimeError): their text names the input and
        # never carries a secret.
        print(f"ccl {args.command}: error: {e}", file=sys.stderr)
        return 1
    except Exception as e:
        from ccl import CclError

        if not isinstance(e, CclError):
            raise  # a bug: keep the traceback
        print(f"ccl {args.command}: error: libccl: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
