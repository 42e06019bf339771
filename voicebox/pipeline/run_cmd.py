"""`voicebox run`: the whole power-managed pipeline on the microphone, a file or stdin.

    voicebox run [--input FILE|-] [--profile NAME] [--events FILE|-] [--speak-to FILE] …

Writes one JSON event per line (contract §3). A bad argument, profile or input file stops
it before the stream starts (exit 2), as does a missing model (exit 3, naming the pull).
Once running, nothing a stage does stops it: failures are `error` events. SIGTERM stops
it cleanly with exit 0, SIGINT (Ctrl-C) with 130 as every voicebox command; either way the
outputs are flushed, the models unloaded and a final `stopped` event written.
"""
from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from voicebox import profile as profiles
from voicebox.errors import UsageError, VoiceboxError
from voicebox.models import default_store
from voicebox.paths import check_writable
from voicebox.pipeline import events as ev
from voicebox.pipeline.assemble import assemble, preflight
from voicebox.pipeline.governor import Governor
from voicebox.pipeline.power import limit_malloc_arenas
from voicebox.pipeline.runner import Runner


class _Interrupted(BaseException):
    """Raised by a signal handler when the loop is blocked waiting for audio."""


def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="the whole pipeline: wake word, command, items, reply, power down")
    run.add_argument("--input", metavar="FILE|-",
                     help="audio file, or - for raw 16 kHz mono s16le on stdin (default: the microphone)")
    run.add_argument("--profile", default="smart_home", help="profile name or .toml path")
    run.add_argument("--lang", help="language spoken (default: the profile's default language)")
    run.add_argument("--events", default="-", metavar="FILE|-", help="where to write JSON events (default -)")
    run.add_argument("--speak-to", type=Path, metavar="FILE", help="write the spoken replies to a WAV file")
    run.add_argument("--no-speak", action="store_true", help="do not speak replies (events only)")
    run.add_argument("--device", help="input device (name, part of a name, or index)")
    run.add_argument("--output-device", help="output device for the replies")
    run.add_argument("--no-gate", action="store_true", help="run the wake model on every frame")
    run.add_argument("--no-llm", action="store_true", help="templates only: never load the LLM")
    run.add_argument("--always-loaded", action="store_true",
                     help="load every model at start and keep it (for comparison)")
    run.add_argument("--outbox", type=Path, metavar="PATH", help="outbox database (default: the profile's)")
    run.set_defaults(func=main)


def configure(args: argparse.Namespace):
    """The profile with the command-line overrides applied, and the language."""
    store = default_store()
    prof = profiles.load(args.profile, store.manifest)
    if args.no_gate:
        prof = dataclasses.replace(prof, wake=dataclasses.replace(prof.wake, gate=False))
    if args.no_llm:
        prof = dataclasses.replace(prof, llm=dataclasses.replace(prof.llm, enabled=False))
    if args.always_loaded:
        prof = dataclasses.replace(prof, power=dataclasses.replace(prof.power, always_loaded=True))
    if args.output_device:
        prof = dataclasses.replace(prof, audio=dataclasses.replace(prof.audio, output_device=args.output_device))
    return store, prof, prof.language(args.lang)


def main(args: argparse.Namespace) -> int:
    if args.speak_to and args.no_speak:
        raise UsageError("--speak-to and --no-speak exclude each other")
    if args.speak_to:
        check_writable(args.speak_to, "--speak-to")  # not first found at the first reply
    store, prof, lang = configure(args)
    speak = prof.dialog.speak and not args.no_speak
    preflight(prof, store, lang, speak)
    limit_malloc_arenas()
    with ExitStack() as stack:
        out = _events_stream(args.events, stack)
        emit = ev.JsonLines(out)
        clock = _Clock()
        source = stack.enter_context(_source(args, prof, emit, clock))
        sink = _sink(args, prof) if speak else None
        outbox = _outbox(prof, args.outbox, emit, clock)
        stack.callback(_close, sink, outbox, emit, clock)   # however the run ends, flush these
        built = assemble(prof, store, lang, emit, clock, sink, outbox, gap_s=0.4 if args.speak_to else 0.0)
        runner = Runner(built.stages, built.power, Governor(prof.governor), prof.dialog, lang, emit,
                        llm_threads=prof.llm.threads)
        clock.runner = runner
        emit(ev.Started(0.0, profile=prof.name, lang=lang, input=args.input or "microphone",
                        always_loaded=prof.power.always_loaded))
        previous = _on_signals(runner)
        try:
            reason = runner.run(source)
        except _Interrupted:
            reason = runner.stop_reason or "SIGINT"
        finally:
            _restore(previous)
    if runner.input_error is not None:
        raise runner.input_error          # reported as an event too; one line and exit 2
    return 130 if reason == "SIGINT" else 0


class _Clock:
    """Stream time for events raised off the frame loop (delivery errors, power on other threads)."""

    runner: Runner | None = None

    def __call__(self) -> float:
        return self.runner.t if self.runner is not None else 0.0


def _events_stream(spec: str, stack: ExitStack) -> IO[str]:
    if spec == "-":
        if sys.stdout is None:  # started with standard output closed (some service managers)
            raise UsageError("--events -: no standard output to write to (use --events FILE)")
        return sys.stdout
    path = Path(spec)
    check_writable(path, "--events")
    try:
        return stack.enter_context(path.open("w", encoding="utf-8"))
    except OSError as err:
        raise UsageError(f"--events {spec}: cannot write ({err.strerror})") from None


def _source(args: argparse.Namespace, prof, emit: ev.Emit, clock: _Clock):
    from voicebox.audio.sources import open_source

    def report(err: VoiceboxError) -> None:
        emit(ev.Error(clock(), stage="audio", code=err.code, message=f"{err}; retrying"))
    return open_source(args.input, device=args.device, on_error=report, settings=prof.audio)


def _sink(args: argparse.Namespace, prof):
    from voicebox.audio.sinks import SpeakerSink, WavSink

    if args.speak_to:
        return WavSink(args.speak_to)
    return SpeakerSink(prof.audio.output_device or None)


def _outbox(prof, path: Path | None, emit: ev.Emit, clock: _Clock):
    """The profile's outbox when it has sinks (or `--outbox` asks for one); None otherwise."""
    if not prof.delivery.sinks() and path is None:
        return None
    from voicebox.outbox import Outbox

    def report(err) -> None:
        emit(ev.Error(clock(), stage="deliver", code=err.code, message=str(err),
                      sink=getattr(err, "sink", None) or None, retry=getattr(err, "retry", None)))
    outbox = Outbox.from_profile(prof, path, on_error=report)
    outbox.start()
    return outbox


def _on_signals(runner: Runner) -> dict:
    """SIGINT/SIGTERM: finish the frame in hand, or at once when blocked waiting for audio."""
    def stop(signum: int, _frame) -> None:
        runner.stop_reason = signal.Signals(signum).name
        if runner.reading:
            raise _Interrupted()
    return {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}


def _restore(previous: dict) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def _close(sink, outbox, emit: ev.Emit, clock: _Clock) -> None:
    """Flush what the run produced: queued reply audio, and a moment for pending deliveries."""
    for name, close in (("tts", getattr(sink, "close", None)), ("deliver", getattr(outbox, "close", None))):
        if close is None:
            continue
        try:
            close()
        except Exception as err:  # closing must not lose the other outputs
            emit(ev.Error(clock(), stage=name, code=getattr(err, "code", "internal"), message=str(err)))
