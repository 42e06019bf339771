"""What the always-on path costs while nothing is said: memory and CPU of idle voicebox.

    nice .venv/bin/python tools/bench_footprint.py [--tree DIR] [--only imports,frontend,silence,live,tts]
                                                   [--live-s 60] [--json FILE]

Prints figures and asserts nothing. Every figure comes from a fresh process:

- imports: resident MB and ms of importing one library alone;
- frontend: RSS after `FrontEnd.load()` and 100 frames (smart_home's `[wake]`), and the load time;
- silence: CPU of the runner's whole step (pre-roll, gated front end, power manager, governor)
  on digital silence and on a -75 dBFS microphone floor, per hour of audio, without a source;
- live: `voicebox wake` and `voicebox run --no-speak` (managed, and `--always-loaded`) on the
  silent monitor of a private PulseAudio null sink (tests/pulse.py): the process's RSS and CPU
  s/h once idle, and the sound server's CPU; `voicebox run` also with `[audio] block_s = 0.16`;
- tts: the smart_home session (14 commands, 12 s apart) paced in real time as a microphone
  would deliver it, with the voice kept for `tts_idle_s` = 30 s and with it unloaded when the
  turn ends (0) and prefetched on the wake word: first reply audio and idle RSS.

`--tree DIR` measures another checkout instead of this one (its voicebox, configs and models),
e.g. the tree before a change: `git clone -q . /tmp/before && git -C /tmp/before revert --no-edit
<commits>`, then link each model directory of models/ into /tmp/before/models/.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMPORTS = ("onnxruntime", "openwakeword", "sklearn", "scipy", "sounddevice", "soundfile", "soxr",
           "pypinyin", "zhconv", "rapidfuzz", "vosk", "pocketsphinx", "piper", "llama_cpp",
           "voicebox.wake.frontend", "voicebox.pipeline.assemble")
SECTIONS = ("imports", "frontend", "silence", "live", "tts")
FRAME_S = 0.08


# ── workers: each runs in a fresh process whose voicebox is the measured tree's ────────────────
def w_import(name: str) -> dict:
    from voicebox.asr.memory import rss_mb

    before, start = rss_mb(), time.perf_counter()
    __import__(name)
    return {"mb": round(rss_mb() - before, 1), "ms": round((time.perf_counter() - start) * 1000)}


def w_frontend() -> dict:
    import numpy as np

    from voicebox import profile as profiles
    from voicebox.asr.memory import rss_mb
    from voicebox.models import default_store
    from voicebox.wake.frontend import FrontEnd

    store = default_store()
    wake = profiles.load("smart_home", store.manifest).wake
    base = rss_mb()
    frontend = FrontEnd(store, wake)
    start = time.perf_counter()
    frontend.load()
    load_s = time.perf_counter() - start
    noise = np.random.default_rng(0).standard_normal((100, 1280)) * 3000
    for i, frame in enumerate(noise.astype(np.int16), start=1):
        frontend.process(frame, i * FRAME_S)
    return {"frontend_mb": round(rss_mb() - base, 1), "process_mb": round(rss_mb(), 1),
            "load_s": round(load_s, 2)}


def w_silence() -> dict:
    import numpy as np

    from voicebox.pipeline import events as ev

    runner, power = _runner("smart_home", ev.Recorder(), sink=None)
    power.start()
    floor = np.random.default_rng(0).standard_normal(1280) * 32768 * 10 ** (-75 / 20)
    out = {}
    for name, frame in (("digital silence", np.zeros(1280, np.int16)), ("mic floor -75 dBFS", floor.astype(np.int16))):
        frames = 12500                               # 1000 s of audio
        start = time.process_time()
        for _ in range(frames):
            runner.step(frame)
        cpu = time.process_time() - start
        out[name] = {"cpu_s_per_h": round(cpu / (frames * FRAME_S) * 3600, 2),
                     "us_per_frame": round(cpu / frames * 1e6, 1)}
    power.close()
    return out


def w_paced(tts_idle_s: str, audio_path: str) -> dict:
    """The session through the whole pipeline, one frame every 80 ms of wall time."""
    import dataclasses
    import statistics

    import numpy as np

    from voicebox.asr.memory import rss_mb
    from voicebox.audio.sinks import WavSink
    from voicebox.audio.sources import frames
    from voicebox.pipeline import events as ev
    from voicebox.pipeline.machine import State
    from voicebox.pipeline.power import limit_malloc_arenas

    limit_malloc_arenas()
    power = {"tts_idle_s": float(tts_idle_s), "prefetch": ("tts",)}
    recorder, idle = ev.Recorder(), []
    with tempfile.TemporaryDirectory() as tmp:
        runner, manager = _runner("smart_home", recorder, WavSink(Path(tmp) / "replies.wav"), power)
        step = runner.step

        def sampling_step(frame) -> None:
            step(frame)
            if runner.turns and runner.machine.state is State.IDLE and runner.frames % 5 == 0:
                idle.append(("tts" in manager.resident(), rss_mb()))
        runner.step = sampling_step
        with np.load(audio_path) as data:
            runner.run(_real_time(frames([data["c0"]])))
    first = [r.first_audio_ms for r in recorder.of(ev.Reply) if r.first_audio_ms is not None]
    loads = [(e.reason, round(e.ms)) for e in recorder.of(ev.Power) if e.component == "tts" and e.action == "load"]
    with_voice = [rss for voiced, rss in idle if voiced]
    return {"tts_idle_s": float(tts_idle_s), "replies": len(first),
            "first_audio_ms": {"p50": round(statistics.median(first)), "max": round(max(first))},
            "first_audio_ms_each": [round(x) for x in first],
            "idle_s_with_voice": round(len(with_voice) * 5 * FRAME_S, 1),
            "idle_s": round(len(idle) * 5 * FRAME_S, 1),
            "idle_rss_mb_median": round(statistics.median(rss for _, rss in idle), 1),
            "voice_loads": loads, "errors": len(recorder.of(ev.Error)),
            "settings": dataclasses.asdict(manager.settings)}


def _runner(profile_name: str, recorder, sink, power: dict | None = None):
    """`voicebox run`'s stages and runner for a profile (governor off), without an audio source."""
    import dataclasses

    from voicebox import profile as profiles
    from voicebox.models import default_store
    from voicebox.pipeline.assemble import assemble
    from voicebox.pipeline.governor import Governor
    from voicebox.pipeline.runner import Runner

    store = default_store()
    prof = profiles.load(profile_name, store.manifest)
    prof = dataclasses.replace(prof, governor=dataclasses.replace(prof.governor, enabled=False),
                               power=dataclasses.replace(prof.power, **(power or {})))
    lang = prof.profile.default_language
    box: dict = {}
    built = assemble(prof, store, lang, recorder, lambda: box["r"].t, sink)
    box["r"] = Runner(built.stages, built.power, Governor(prof.governor), prof.dialog, lang, recorder,
                      llm_threads=prof.llm.threads)
    return box["r"], built.power


def _real_time(frames):
    """Frames no faster than a microphone gives them (a busy consumer catches up, as from its queue)."""
    start = time.monotonic()
    for i, frame in enumerate(frames, start=1):
        wait = start + i * FRAME_S - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        yield frame


WORKERS = {"import": w_import, "frontend": w_frontend, "silence": w_silence, "paced": w_paced}


def worker(tree: Path, name: str, *args: str) -> dict:
    """Run worker `name` in a fresh Python whose voicebox is the one in `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, __file__, "--worker", name, *args], cwd=tree, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ── sections ──────────────────────────────────────────────────────────────────────────────────
def imports(tree: Path) -> dict:
    return {name: worker(tree, "import", name) for name in IMPORTS}


def live(tree: Path, seconds: float) -> dict:
    """Idle processes on a silent PulseAudio monitor: RSS, CPU s/h, and the sound server's CPU."""
    sys.path.insert(0, str(ROOT / "tests"))
    from pulse import PulseServer

    runs = {"wake, block 0.08 s": (["wake", "--device", "pulse"], None),
            "run managed, block 0.08 s": (["run", "--device", "pulse", "--no-speak"], None),
            "run always loaded, block 0.08 s": (["run", "--device", "pulse", "--no-speak", "--always-loaded"], None),
            "run managed, block 0.16 s": (["run", "--device", "pulse", "--no-speak"], 0.16)}
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp, PulseServer(Path(tmp), sinks=("vb_in",)) as pulse:
        env = {**pulse.env(source="vb_in.monitor"), "PYTHONPATH": str(tree)}
        for name, (args, block_s) in runs.items():
            if block_s is not None:
                args = [*args, "--profile", str(_with_block(tree, block_s, Path(tmp)))]
            out[name] = _idle_process([sys.executable, "-m", "voicebox", *args], env, tree,
                                      pulse.proc.pid, seconds)
    return out


def _with_block(tree: Path, block_s: float, directory: Path) -> Path:
    """The smart_home profile of `tree` with `[audio] block_s` set."""
    text = (tree / "configs" / "smart_home.toml").read_text(encoding="utf-8")
    path = directory / f"smart_home_block{block_s:g}.toml"
    path.write_text(text.replace("\n[audio]", f"\n[audio]\nblock_s = {block_s}", 1), encoding="utf-8")
    return path


def _idle_process(cmd: list[str], env: dict, cwd: Path, server_pid: int, seconds: float) -> dict:
    """Start `cmd`, wait until it has printed nothing for 5 s (models loaded), then measure it."""
    import queue
    import signal
    import threading

    from pulse import stop

    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue = queue.Queue()
    for stream in (proc.stdout, proc.stderr):
        threading.Thread(target=lambda s=stream: [lines.put(x) for x in s], daemon=True).start()
    try:
        last, deadline = [""], time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                last.append(lines.get(timeout=5.0))
            except queue.Empty:
                break
        if proc.poll() is not None:
            return {"error": last[-1].strip()}
        cpu0, server0, wall0 = _cpu_s(proc.pid), _cpu_s(server_pid), time.monotonic()
        time.sleep(seconds)
        cpu1, server1, wall1 = _cpu_s(proc.pid), _cpu_s(server_pid), time.monotonic()
        rss = _rss_mb(proc.pid)
    finally:
        stop(proc, signal.SIGTERM)
    hours = (wall1 - wall0) / 3600
    return {"rss_mb": round(rss, 1), "cpu_s_per_h": round((cpu1 - cpu0) / hours, 1),
            "pulseaudio_cpu_s_per_h": round((server1 - server0) / hours, 1)}


def tts_trade(tree: Path) -> dict:
    """The voice kept 30 s after a turn vs unloaded at its end and prefetched on the next wake."""
    from voicebox.bench.pipeline import session

    cache = ROOT / "out" / "bench_footprint"
    sess = session("smart_home", gap_s=12.0, repeat=1, tail_s=5.0)
    sess.audio(cache)
    return {f"tts_idle_s {idle}": worker(tree, "paced", idle, str(sess.path(cache))) for idle in ("30", "0")}


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mb(pid: int) -> float:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="the voicebox checkout to measure")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"sections, of {','.join(SECTIONS)}")
    parser.add_argument("--live-s", type=float, default=60.0, help="seconds measured per live process")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](*rest)))
        return
    tree = args.tree.resolve()
    sections = {"imports": lambda: imports(tree), "frontend": lambda: worker(tree, "frontend"),
                "silence": lambda: worker(tree, "silence"), "live": lambda: live(tree, args.live_s),
                "tts": lambda: tts_trade(tree)}
    results: dict = {"tree": str(tree)}
    for name in args.only.split(","):
        results[name] = sections[name]()
        print(json.dumps({name: results[name]}, indent=1), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
