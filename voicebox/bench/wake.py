"""The always-on front end: idle CPU gated vs ungated, false rejects and false accepts per hour.

Each clip and stream of the labelled set (wake_data.py) goes through two front ends with
the profile's `[wake]` settings, one with the gate and one without, in the same process,
one after the other, so the CPU figures are a ratio measured under the same load. CPU is
`time.process_time()` of the front end alone (the process does nothing else meanwhile).
"""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np

from voicebox.bench import wake_data
from voicebox.bench.progress import Progress
from voicebox.wake.frontend import FrontEnd, Stats, detect_all

MODES = ("ungated", "gated")
QUIET = ("silence (digital zero)", "silence (mic floor, -75 dBFS)", "low noise (-55 dBFS pink)")
SPEECH = ("speech (Piper, commands + prose)", wake_data.BABBLE)
DELAY_SLACK_S = 1.0  # a detection up to this long after the speech ends still counts as a hit


def frontends(store, settings) -> dict[str, FrontEnd]:
    """Loaded front ends with the profile's [wake] settings, gate off and on."""
    out = {mode: FrontEnd(store, dataclasses.replace(settings, gate=mode == "gated")) for mode in MODES}
    for fe in out.values():
        fe.load()
    return out


def run(fe: FrontEnd, audio: np.ndarray) -> tuple[list, float, Stats]:
    """Detections, CPU seconds and counters of one stream through a freshly reset front end."""
    fe.reset()
    fe.stats = Stats()
    start = time.process_time()
    found = detect_all(fe, audio)
    return found, time.process_time() - start, fe.stats


def negatives(fes: dict[str, FrontEnd], streams: dict[str, np.ndarray], bar=lambda it, **_: it) -> list[dict]:
    """Per negative stream and mode: false accepts, CPU seconds, model and VAD runs."""
    rows = []
    for name in bar(list(streams), desc="wake negatives"):
        audio = streams[name]
        row = {"category": name, "minutes": len(audio) / wake_data.RATE / 60}
        for mode in MODES:
            found, cpu, stats = run(fes[mode], audio)
            row[mode] = {"false_accepts": len(found), "cpu_s": cpu, "model_runs": stats.model_runs,
                         "frames": stats.frames, "vad_runs": stats.vad_runs}
            row.setdefault("accepted_at", {})[mode] = [(round(d.t, 2), round(d.score, 3)) for d in found]
        rows.append(row)
    return rows


def positives(fes: dict[str, FrontEnd], clips: list, babble: np.ndarray, snrs: tuple = wake_data.SNRS,
              bar=lambda it, **_: it) -> list[dict]:
    """One trial per positive clip and SNR: hit or miss in each mode, delay, extra detections."""
    trials = []
    for i, positive in enumerate(bar(clips, desc="wake positives")):
        # positives come as (command, rate) in order: rotate the noise by command too, so
        # that every rate meets every noise and the two are not confounded
        kind = wake_data.NOISES[(i + i // len(wake_data.LENGTH_SCALES)) % len(wake_data.NOISES)]
        for snr in snrs:
            audio, start, end = wake_data.mix(positive.audio, snr, kind, seed=1000 + i, babble_from=babble)
            trial = {"text": positive.text, "length_scale": positive.length_scale, "snr": snr,
                     "noise": kind if snr is not None else None}
            for mode in MODES:
                found, _, _ = run(fes[mode], audio)
                hits = [d for d in found if start <= d.t <= end + DELAY_SLACK_S]
                trial[mode] = {"hit": bool(hits), "t_after_start": hits[0].t - start if hits else None,
                               "extra": len(found) - len(hits[:1])}
            trials.append(trial)
    return trials


def total(rows: list[dict], name: str) -> dict:
    """The rows added up as one category."""
    out = {"category": name, "minutes": sum(r["minutes"] for r in rows)}
    for mode in MODES:
        out[mode] = {k: sum(r[mode][k] for r in rows) for k in rows[0][mode]}
    return out


def frr_groups(trials: list[dict], snrs: tuple = wake_data.SNRS) -> list[dict]:
    """False reject rate (%) per condition: clean, each SNR, each noise kind, each rate, all."""
    groups = [("clean", lambda t: t["snr"] is None)]
    groups += [(f"{snr} dB SNR", lambda t, s=snr: t["snr"] == s) for snr in snrs if snr]
    low = tuple(s for s in snrs if s and s <= 10)
    groups += [(f"{kind} noise, {' and '.join(map(str, low))} dB", lambda t, k=kind: t["noise"] == k and t["snr"] in low)
               for kind in wake_data.NOISES if low]
    groups += [(f"rate {ls}", lambda t, s=ls: t["length_scale"] == s) for ls in wake_data.LENGTH_SCALES]
    groups += [("all", lambda t: True)]
    out = []
    for name, keep in groups:
        chosen = [t for t in trials if keep(t)]
        if not chosen:
            continue
        delays = [t["gated"]["t_after_start"] for t in chosen if t["gated"]["hit"]]
        out.append({"condition": name, "n": len(chosen),
                    **{f"frr_{m}_pct": 100 * sum(not t[m]["hit"] for t in chosen) / len(chosen) for m in MODES},
                    "gate_only_misses": sum(t["ungated"]["hit"] and not t["gated"]["hit"] for t in chosen),
                    "detection_after_start_s": float(np.mean(delays)) if delays else None})
    return out


def cpu_share(row: dict) -> dict:
    """% of one core per mode for a stream (CPU seconds per second of audio), and gated/ungated."""
    audio_s = row["minutes"] * 60
    out = {f"{m}_pct_core": 100 * row[m]["cpu_s"] / audio_s for m in MODES}
    out["gated_over_ungated"] = row["gated"]["cpu_s"] / row["ungated"]["cpu_s"] if row["ungated"]["cpu_s"] else None
    return {"category": row["category"], "minutes": row["minutes"], **out}


def measure(store, settings, cache: Path, spec: wake_data.Spec, progress: Progress) -> dict:
    """The idle-CPU and wake sections of `voicebox bench` on the set `spec`."""
    clips, streams = wake_data.load(cache, spec, progress.bar)
    fes = frontends(store, settings)
    rows = negatives(fes, streams, progress.bar)
    trials = positives(fes, clips, streams[wake_data.BABBLE], spec.snrs, progress.bar)
    for fe in fes.values():
        fe.unload()
    by_name = {r["category"]: r for r in rows}
    everything = total(rows, "all negatives")
    hours = everything["minutes"] / 60
    idle = [cpu_share(by_name[n]) for n in QUIET + SPEECH]
    idle.append(cpu_share(total([by_name[n] for n in SPEECH], "continuous non-wake speech (all)")))
    return {
        "set": {"spec": dataclasses.asdict(spec), "positives": len(clips), "trials": len(trials),
                "negative_minutes": round(everything["minutes"], 2),
                "streams": {r["category"]: round(r["minutes"], 2) for r in rows}},
        "idle_cpu": idle,
        "false_accepts": {m: everything[m]["false_accepts"] for m in MODES},
        "false_accepts_per_hour": {m: everything[m]["false_accepts"] / hours for m in MODES},
        "accepted_at": {r["category"]: r["accepted_at"] for r in rows if any(r["accepted_at"].values())},
        "frr": frr_groups(trials, spec.snrs),
        "detection_delays_s": [t["gated"]["t_after_start"] for t in trials if t["gated"]["hit"]],
        "negatives": rows,
    }
