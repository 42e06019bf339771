"""The `voicebox` command: parses arguments, runs one subcommand, maps errors to exit codes."""
from __future__ import annotations

import argparse
import os
import signal
import sys

from voicebox import __version__
from voicebox.errors import UsageError, VoiceboxError


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as a VoiceboxError (one line, exit 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    from voicebox import doctor, outbox_cmd, speak
    from voicebox.models import cli as models_cli
    from voicebox.asr import cli as asr_cli
    from voicebox.wake import cli as wake_cli
    from voicebox.pipeline import run_cmd
    from voicebox.nlu import cli as nlu_cli
    from voicebox.bench import cli as bench_cli

    parser = _Parser(prog="voicebox", description="Offline, wake-word gated voice assistant.")
    parser.add_argument("--version", action="version", version=f"voicebox {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=_Parser)
    models_cli.register(sub)
    speak.register(sub)
    doctor.register(sub)
    outbox_cmd.register(sub)
    asr_cli.register(sub)
    wake_cli.register(sub)
    run_cmd.register(sub)
    nlu_cli.register(sub)
    bench_cli.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        code = _run(argv)
        _pending_signals()
        return code
    except KeyboardInterrupt:  # also one that came in while an error was being reported
        print("voicebox: interrupted", file=sys.stderr)
        return 130


def _run(argv: list[str] | None) -> int:
    try:
        args, extra = build_parser().parse_known_args(argv)
        if extra:  # argparse would point at the top-level help; the command's says what it takes
            raise UsageError(f"unrecognized arguments: {' '.join(extra)} "
                             f"(see `voicebox {args.command} --help`)")
        return args.func(args)
    except VoiceboxError as err:
        print(f"voicebox: {err}", file=sys.stderr)
        return err.exit_code
    except BrokenPipeError:
        return 0
    except Exception as err:  # a bug: one line unless debugging, never a bare traceback
        if os.environ.get("VOICEBOX_DEBUG"):
            raise
        print(f"voicebox: internal error: {type(err).__name__}: {err} "
              "(set VOICEBOX_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1


def _pending_signals() -> None:
    """Run now the handler of a signal that came in as the command ended (Ctrl-C on a pipeline
    also ends its input): Python runs handlers between bytecodes, and once main() has returned
    the KeyboardInterrupt would be a traceback instead of "interrupted" and exit 130."""
    signal.pthread_sigmask(signal.SIG_BLOCK, ())  # blocks nothing; CPython runs pending handlers here
