"""`voicebox say TEXT -o out.wav`: speak text with the profile's Piper voice."""
from __future__ import annotations

import argparse
import time
from dataclasses import fields
from pathlib import Path

from voicebox import profile as profiles
from voicebox.errors import UsageError
from voicebox.models import default_store
from voicebox.paths import check_writable
from voicebox.pipeline.settings import Dialog
from voicebox.tts import PiperTts, write_wav

LENGTH_SCALE = next(f.metadata["range"] for f in fields(Dialog) if f.name == "length_scale")


def register(sub: argparse._SubParsersAction) -> None:
    say = sub.add_parser("say", help="synthesise TEXT to a WAV file with Piper")
    say.add_argument("text", metavar="TEXT")
    say.add_argument("-o", "--output", required=True, type=Path, help="WAV file to write")
    say.add_argument("--profile", default="smart_home", help="profile whose voice to use")
    say.add_argument("--lang", help="language of the text (default: the profile's)")
    say.add_argument("--voice", help="a tts model id, overriding the profile")
    say.add_argument("--length-scale", type=float,
                     help="< 1 speaks faster, > 1 slower (%g to %g, as [dialog] length_scale)" % LENGTH_SCALE)
    say.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    check_writable(args.output, "-o")
    low, high = LENGTH_SCALE
    if args.length_scale is not None and not low <= args.length_scale <= high:
        raise UsageError(f"--length-scale {args.length_scale:g}: must be between {low:g} and {high:g}")
    store = default_store()
    voice = args.voice
    if voice is None:
        prof = profiles.load(args.profile, store.manifest)
        lang = prof.language(args.lang)
        voice = prof.tts.voices.get(lang) or prof.tts.voices[prof.profile.default_language]
    tts = PiperTts(store, voice, args.length_scale)
    load_s = tts.load()
    start = time.perf_counter()
    duration = write_wav(args.output, list(tts.synthesize(args.text)))
    synth_s = time.perf_counter() - start
    print(f"wrote {args.output} ({duration:.2f} s of audio; voice {voice} loaded in {load_s:.2f} s, "
          f"synthesised in {synth_s:.2f} s, real-time factor {synth_s / duration:.3f})")
    return 0
