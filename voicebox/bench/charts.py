"""The report's PNG charts, drawn with matplotlib's Agg backend (no display needed).

- latency.png: the distribution of every per-event latency the run measured, one row per stage;
- rss_timeline.png: process RSS over the multi-turn session, managed and always loaded, with
  the assistant's state shaded and every load/unload marked;
- rss_by_state.png: median RSS per state, managed vs always loaded;
- idle_cpu.png: % of one core on silence, noise and speech, gated vs ungated.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

STATE_COLOURS = {"idle": "#f2f2f2", "listening": "#cfe3ff", "understanding": "#ffe2b3",
                 "speaking": "#d4f2d0", "follow_up": "#e9dcf5"}
COMPONENT_COLOURS = {"wake": "#555555", "asr": "#1f77b4", "llm": "#d62728", "tts": "#2ca02c"}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")   # files only: no display on a device or in CI
    import matplotlib.pyplot as plt

    return plt


def draw_all(sections: dict, out: Path) -> list[str]:
    """Every chart the sections have data for; the file names written into `out`."""
    drawn = []
    for name, draw in (("latency.png", latency), ("rss_timeline.png", rss_timeline),
                       ("rss_by_state.png", rss_by_state), ("idle_cpu.png", idle_cpu)):
        if draw(sections, out / name):
            drawn.append(name)
    return drawn


def latency_rows(sections: dict) -> list[tuple[str, list[float]]]:
    """(label, milliseconds) for every stage with per-event measurements in this run."""
    rows: list[tuple[str, list[float]]] = []
    wake = sections.get("wake", {})
    rows.append(("wake: detection after speech start", [s * 1000 for s in wake.get("detection_delays_s", [])]))
    asr = sections.get("recognition", {}).get("pocketsphinx", {})
    rows.append(("recognition: decode per command (pocketsphinx)", [s * 1000 for s in asr.get("per_clip_s", [])]))
    raw = sections.get("understanding", {}).get("raw_ms", {})
    rows.append(("understanding: templates", raw.get("templates_ms", [])))
    rows.append(("understanding: LLM path", raw.get("llm_ms", [])))
    llm = sections.get("llm", {})
    rows.append(("LLM: first token from power-up, cold", llm.get("ttft_cold_all_ms", [])))
    rows.append(("LLM: first token from power-up, restored", llm.get("ttft_restored_all_ms", [])))
    rows.append(("TTS: first audio (voice loaded)", sections.get("tts", {}).get("first_audio_all_ms", [])))
    for mode in ("managed", "always_loaded"):
        turns = sections.get("end_to_end", {}).get("runs", {}).get(mode, {}).get("turn_latencies", [])
        label = "managed" if mode == "managed" else "always loaded"
        rows.append((f"end of speech → items ({label})", [t["items_since_speech_end_ms"] for t in turns]))
        rows.append((f"end of speech → first audio ({label})",
                     [t["first_audio_since_speech_end_ms"] for t in turns
                      if t["first_audio_since_speech_end_ms"] is not None]))
    return [(label, [v for v in values if v is not None and v > 0]) for label, values in rows if values]


def latency(sections: dict, path: Path) -> bool:
    rows = latency_rows(sections)
    if not rows:
        return False
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(rows) + 1.6))
    labels = [f"{label} (n={len(values)})" for label, values in rows]
    ax.boxplot([values for _, values in rows], vert=False, whis=(5, 95), showfliers=False,
               medianprops={"color": "black"})
    rng = np.random.default_rng(0)
    for i, (_, values) in enumerate(rows, start=1):
        ax.scatter(values, i + rng.uniform(-0.18, 0.18, len(values)), s=8, alpha=0.5, color="#1f77b4")
    ax.set_yticks(range(1, len(rows) + 1), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("milliseconds (log scale); box: p25–p75, whiskers: p5–p95")
    ax.set_title("Latency distributions per stage")
    ax.grid(axis="x", alpha=0.3)
    return _save(plt, fig, path)


def rss_timeline(sections: dict, path: Path) -> bool:
    runs = sections.get("end_to_end", {}).get("runs", {})
    if not runs:
        return False
    plt = _pyplot()
    fig, axes = plt.subplots(len(runs), 1, figsize=(12, 3.2 * len(runs)), sharex=True, squeeze=False)
    for ax, (mode, run) in zip(axes[:, 0], runs.items()):
        timeline = run["timeline"]
        t = [p[0] for p in timeline]
        _shade_states(ax, timeline)
        ax.plot(t, [p[1] for p in timeline], color="black", linewidth=1.2, label="process RSS")
        top = max(p[1] for p in timeline)
        for event in run["power_events"]:
            colour = COMPONENT_COLOURS.get(event["component"], "grey")
            ax.axvline(event["t"], color=colour, linestyle="-" if event["action"] == "load" else ":",
                       linewidth=1, alpha=0.8)
        for name, colour in COMPONENT_COLOURS.items():
            ax.plot([], [], color=colour, label=f"{name} load (—) / unload (···)")
        ax.set_ylim(0, top * 1.1)
        ax.set_ylabel("RSS (MB)")
        ax.set_title(f"{'power-managed' if mode == 'managed' else 'always loaded'}: "
                     f"{run['turns']} turns, idle median {run['rss_by_state_mb'].get('idle', {}).get('median')} MB",
                     fontsize=10)
        ax.legend(loc="lower right", fontsize=7, ncol=3)
    axes[-1, 0].set_xlabel("stream time (s); background: state (idle grey, listening blue, speaking green, "
                           "follow-up purple)")
    fig.suptitle("RSS over a multi-turn session, with load/unload marks")
    return _save(plt, fig, path)


def _shade_states(ax, timeline: list) -> None:
    start, state = timeline[0][0], timeline[0][2]
    for t, _, s in timeline[1:] + [(timeline[-1][0], 0, None)]:
        if s != state:
            ax.axvspan(start, t, color=STATE_COLOURS.get(state, "white"), linewidth=0)
            start, state = t, s


def rss_by_state(sections: dict, path: Path) -> bool:
    runs = sections.get("end_to_end", {}).get("runs", {})
    if not runs:
        return False
    plt = _pyplot()
    states = [s for s in STATE_COLOURS if any(s in r["rss_by_state_mb"] for r in runs.values())]
    labels = states + ["idle, only the\nwake word resident"]
    x = np.arange(len(labels))
    fig, ax = plt.subplots(figsize=(9, 4))
    for k, (mode, run) in enumerate(runs.items()):
        values = [run["rss_by_state_mb"].get(s, {}).get("median", 0) for s in states]
        values.append(run["idle_rss_mb"].get("wake", 0))    # always loaded never gets there
        bars = ax.bar(x + (k - 0.5) * 0.38, values, 0.38, label=mode.replace("_", " "))
        ax.bar_label(bars, labels=[f"{v:.0f}" if v else "" for v in values], fontsize=7)
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_ylabel("median RSS (MB)")
    ax.set_title("Memory per state: power-managed vs always loaded")
    ax.legend()
    return _save(plt, fig, path)


def idle_cpu(sections: dict, path: Path) -> bool:
    rows = sections.get("idle_cpu", {}).get("streams", [])
    if not rows:
        return False
    plt = _pyplot()
    x = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(10, 4))
    for k, mode in enumerate(("ungated", "gated")):
        bars = ax.bar(x + (k - 0.5) * 0.38, [r[f"{mode}_pct_core"] for r in rows], 0.38, label=mode)
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks(x, [r["category"].replace(" (", "\n(") for r in rows], fontsize=7)
    ax.set_yscale("log")
    ax.set_ylabel("% of one core (log scale)")
    ax.set_title("Front end CPU: gated vs ungated")
    ax.legend()
    return _save(plt, fig, path)


def _save(plt, fig, path: Path) -> bool:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
