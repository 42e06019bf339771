"""Synthesise the demo sessions of `make demo`: several wake + command turns per profile.

    .venv/bin/python tools/make_samples.py [--out out/samples] [--force]

Writes `<profile>.flac` (16 kHz mono) and `<profile>.txt` (the script, with stream times)
for an English smart-home session and an English power-line inspection session. The
power-line profile also lists Chinese, but only an English Piper voice and no Chinese
recogniser can be installed here, so both sessions are English.

A session is what a microphone in a quiet room would hear: low background noise, the
wake word and a command, silence long enough for the reply and the follow-up window,
a follow-up question without the wake word, a wake word with no command after it, a
burst of loud noise, and gaps long enough for the power manager to unload the recogniser.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voicebox.audio import RATE  # noqa: E402
from voicebox.bench.speech import session as synthesise  # noqa: E402  (also the benchmarks' sessions)

# ("wake", text) and ("say", text) are spoken; ("quiet", s) is silence; ("noise", s) a loud burst.
SESSIONS: dict[str, list[tuple[str, object]]] = {
    "smart_home": [
        ("quiet", 1.5),
        ("wake", "hey jarvis"), ("quiet", 0.3), ("say", "turn on the living room light"), ("quiet", 4.5),
        ("say", "and set it to fifty percent"), ("quiet", 10.0),
        ("wake", "hey jarvis"), ("quiet", 0.4), ("say", "set the thermostat to twenty two degrees"),
        ("quiet", 12.0),
        ("noise", 2.0), ("quiet", 3.0),
        ("wake", "hey jarvis"), ("quiet", 7.0),
        ("wake", "hey jarvis"), ("quiet", 0.3), ("say", "close the bedroom blinds"), ("quiet", 12.0),
        ("wake", "hey jarvis"), ("quiet", 0.3), ("say", "lock the front door"), ("quiet", 12.0),
    ],
    "power_line": [
        ("quiet", 1.5),
        ("wake", "hey jarvis"), ("quiet", 0.3),
        ("say", "tower twelve the left insulator is badly cracked"), ("quiet", 12.0),
        ("wake", "hey jarvis"), ("quiet", 0.3),
        ("say", "there is a bird nest on the crossarm of tower fifteen"), ("quiet", 4.5),
        ("say", "also a loose bolt on the same tower"), ("quiet", 12.0),
        ("noise", 2.0), ("quiet", 3.0),
        ("wake", "hey jarvis"), ("quiet", 0.3),
        ("say", "corrosion on the grounding wire of pole seven"), ("quiet", 12.0),
        ("wake", "hey jarvis"), ("quiet", 0.3),
        ("say", "the conductor is sagging near tower twenty"), ("quiet", 12.0),
    ],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "samples")
    parser.add_argument("--force", action="store_true", help="synthesise again even if present")
    args = parser.parse_args(argv)
    import soundfile as sf

    args.out.mkdir(parents=True, exist_ok=True)
    for name, session in SESSIONS.items():
        path = args.out / f"{name}.flac"
        if path.exists() and not args.force:
            continue
        samples, script = synthesise(session)
        sf.write(str(path), samples, RATE, subtype="PCM_16")
        (args.out / f"{name}.txt").write_text("\n".join(script) + "\n", encoding="utf-8")
        print(f"wrote {path} ({len(samples) / RATE:.1f} s, {len(script)} spoken parts)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
