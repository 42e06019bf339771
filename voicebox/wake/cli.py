"""`voicebox wake`: the always-on front end alone, one JSON line per wake word.

Reads the microphone, an audio file or raw s16le 16 kHz mono on standard input; prints
`{"type": "wake", "t": …, "name": …, "score": …}` per detection (and `{"type": "error", …}`
when the microphone fails and is retried) on stdout. On stderr: for a microphone, a `ready`
JSON line once the models are loaded; at the end a `summary` line: audio seconds, frames,
how many the gate kept from the wake model, CPU seconds spent on the audio. Exit 130 after
Ctrl-C (SIGINT), as every voicebox command; 0 at the end of the input or on SIGTERM.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import time
from typing import Any

from voicebox import profile as profiles
from voicebox.audio import FRAME_S
from voicebox.audio.sources import MicSource, Source, open_source
from voicebox.errors import VoiceboxError
from voicebox.models import default_store
from voicebox.wake.frontend import FrontEnd


def register(sub: argparse._SubParsersAction) -> None:
    wake = sub.add_parser("wake", help="listen for the wake word only; one JSON line per detection")
    wake.add_argument("--input", metavar="FILE|-",
                      help="an audio file, or - for raw s16le 16 kHz mono on stdin (default: the microphone)")
    wake.add_argument("--device", help="input device: name, part of a name, or index "
                                       "(default: the profile's [audio] input_device, else the system's)")
    wake.add_argument("--profile", default="smart_home", help="profile whose [wake] and [audio] tables to use")
    wake.add_argument("--no-gate", action="store_true", help="run the wake model on every frame (for comparison)")
    wake.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = default_store()
    prof = profiles.load(args.profile, store.manifest)
    settings = dataclasses.replace(prof.wake, gate=False) if args.no_gate else prof.wake
    frontend = FrontEnd(store, settings)
    clock = {"t": 0.0}

    def on_error(err: VoiceboxError) -> None:
        _emit({"type": "error", "t": round(clock["t"], 3), "stage": "audio", "code": err.code,
               "message": f"{err}; retrying"})

    source = open_source(args.input, device=args.device, on_error=on_error, settings=prof.audio)
    with source:
        load_s = frontend.load()
        _ready(source, load_s)
        cpu0 = time.process_time()
        signal.signal(signal.SIGTERM, _terminate)  # a service manager's stop ends as cleanly as Ctrl-C
        code = 0
        try:
            for frame in source:
                clock["t"] += FRAME_S
                detection = frontend.process(frame, clock["t"])
                if detection is not None:
                    _emit({"type": "wake", "t": round(detection.t, 3), "name": detection.name,
                           "score": round(detection.score, 4)})
        except _Terminated:
            pass
        except KeyboardInterrupt:
            code = 130
    _summary(frontend, source, clock["t"], time.process_time() - cpu0)
    return code


class _Terminated(KeyboardInterrupt):
    """SIGTERM: the stream ends as after Ctrl-C, but with exit 0."""


def _terminate(signum: int, frame: Any) -> None:
    raise _Terminated


def _emit(event: dict) -> None:
    print(json.dumps(event), flush=True)


def _ready(source: Source, load_s: float) -> None:
    """For a microphone, one JSON line on stderr once the models are loaded: it is listening."""
    if isinstance(source, MicSource):
        print(json.dumps({"type": "ready", "input": "microphone", "device": source.name, "rate": source.rate,
                          "channels": source.channels, "block_s": source.block_s,
                          "load_s": round(load_s, 3)}), file=sys.stderr, flush=True)


def _summary(frontend: FrontEnd, source: Source, audio_s: float, cpu_s: float) -> None:
    stats = frontend.stats
    gated = 100.0 * stats.gated / stats.frames if stats.frames else 0.0
    facts = {"type": "summary", "audio_s": round(audio_s, 2), "frames": stats.frames,
             "gated_pct": round(gated, 1), "model_runs": stats.model_runs, "vad_runs": stats.vad_runs,
             "cpu_s": round(cpu_s, 3), "gate": frontend.gate is not None}
    if isinstance(source, MicSource):  # audio lost on the way in, if any
        facts.update(device_errors=source.errors, overflows=source.overflows, dropped_blocks=source.dropped)
    print(json.dumps(facts), file=sys.stderr)
