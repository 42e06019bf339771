"""The per-section parts of report.md (report.py writes the head and the headline table)."""
from __future__ import annotations

from voicebox.bench.fmt import config, num, pair, pct, table


def sections(s: dict) -> list[str]:
    lines: list[str] = []
    for key, part in (("idle_cpu", idle_cpu), ("wake", wake), ("recognition", recognition),
                      ("understanding", understanding), ("llm", llm), ("tts", tts),
                      ("end_to_end", end_to_end), ("memory", memory)):
        if key in s:
            lines += part(s[key])
    return lines


def idle_cpu(sec: dict) -> list[str]:
    rows = [[r["category"], f"{r['minutes']:.1f}", f"{r['ungated_pct_core']:.2f} %", f"{r['gated_pct_core']:.2f} %",
             pct(r["gated_over_ungated"])] for r in sec["streams"]]
    return ["", "## Idle CPU (front end, % of one core)", "", sec["method"] + ".", *config(sec),
            *table(["audio", "min", "ungated", "gated", "gated / ungated"], rows)]


def wake(sec: dict) -> list[str]:
    neg = [[r["category"], f"{r['minutes']:.1f}", str(r["ungated"]["false_accepts"]), str(r["gated"]["false_accepts"])]
           for r in sec["negatives"]]
    frr = [[g["condition"], str(g["n"]), f"{g['frr_ungated_pct']:.1f} %", f"{g['frr_gated_pct']:.1f} %",
            str(g["gate_only_misses"]), num(g["detection_after_start_s"], 2, " s")] for g in sec["frr"]]
    fa = sec["false_accepts_per_hour"]
    lines = ["", "## Wake word", "", f"False accepts per hour: gated {fa['gated']:.2f}, ungated {fa['ungated']:.2f}.",
             *config(sec), *table(["negatives", "min", "accepts ungated", "accepts gated"], neg), "",
             *table(["positives", "n", "FRR ungated", "FRR gated", "misses due to the gate", "detection after speech start"],
                     frr)]
    for category, at in sec.get("accepted_at", {}).items():
        lines += ["", f"Accepted in {category} at (t, score): `{at}`"]
    return lines


def recognition(sec: dict) -> list[str]:
    ps = sec["pocketsphinx"]
    rows = [[name, f"{ps[name]['wer']:.3f}", f"{ps[name]['rtf']:.3f}", pct(ps[name]["grammar_kept"], 0)]
            for name in ("configured", "open")]
    lines = ["", "## Recognition", *config(sec),
             f"pocketsphinx en-us on {ps['clips']} commands ({ps['audio_s']} s of speech); `configured` is the "
             "recogniser `voicebox run` builds from each profile (its vocabulary, grammar + verification), `open` "
             "the same model without a grammar.", "", *table(["pocketsphinx", "WER", "RTF", "grammar result kept"], rows)]
    for model, v in sec["vosk"].items():
        if not v.get("measured"):
            lines += ["", f"{model} ({v['language']}): not measured — {v['why']}."]
            continue
        rows = [[name, f"{v[name]['cer']:.3f}", f"{v[name]['wer']:.3f}", f"{v[name]['rtf']:.3f}", f"{v['load_s'][name]} s"]
                for name in v["load_s"]]
        lines += ["", f"{model}: {v['clips']} sentences by {v['speech']} ({v['audio_s']} s); espeak-ng's robotic "
                  "voice makes the error rates pessimistic, the RTF is real.", "",
                  *table(["Vosk ko", "CER", "WER", "RTF", "load"], rows)]
    return lines


def understanding(sec: dict) -> list[str]:
    lines = ["", "## Understanding (`voicebox eval`)", *config(sec),
             f"`{sec['headline']}` is the headline: written from the contract alone and never used for tuning; the "
             "other sets were developed against. Latency of all sets: templates "
             f"{pair(sec['latency_ms'].get('templates_ms'))}, LLM path {pair(sec['latency_ms'].get('llm_ms'))} (p50 / p95).", ""]
    head = ["set", "profile/lang", "n", "templates", "with LLM", "LLM calls", "LLM right", "templates p50/p95",
            "LLM p50/p95"]
    rows = []
    for name, figures in sec["sets"].items():
        for group, g in [*figures["groups"].items(), ("all", figures["overall"])]:
            rows.append([name, group, str(g["n"]), pct(g["templates_accuracy"]), pct(g["combined_accuracy"]),
                         str(g["llm_calls"]), pct(g["llm_accuracy"], 0),
                         f"{g['templates_ms_p50']} / {g['templates_ms_p95']} ms",
                         f"{num(g['llm_ms_p50'], 0)} / {num(g['llm_ms_p95'], 0)} ms" if g["llm_calls"] else "—"])
    return lines + table(head, rows)


def llm(sec: dict) -> list[str]:
    rows = [["prompt tokens/s (prefix prefill, cold)", f"{sec['prompt_tok_s']:.0f} ({sec['prefix_tokens']} tokens)"],
            ["generation tokens/s (median)", f"{num(sec['generation_tok_s'])} ({sec['tokens_per_parse']} tokens a parse)"],
            ["prefix into the cache: evaluated / restored", f"{sec['prefix_evaluated_ms']:.0f} / "
             f"{sec['prefix_restored_ms']:.1f} ms ({sec['state_mb']:.1f} MB state)"],
            ["time to first token from power-up: cold / restored", f"{sec['ttft_cold_ms']:.0f} / {sec['ttft_restored_ms']:.0f} ms"],
            ["RSS before load / loaded / after unload", f"{sec['rss_before_mb']:.0f} / {sec['rss_loaded_mb']:.0f} / "
             f"{sec['rss_unloaded_mb']:.0f} MB"],
            ["same answer cold and restored", str(len(sec["same_output"]) == 1)]]
    return ["", "## LLM", *config(sec), f"{sec['fresh_processes']} fresh processes, evaluated and restored alternating.",
            "", *table(["figure", "value"], rows)]


def tts(sec: dict) -> list[str]:
    rows = [["real-time factor", f"{sec['rtf']:.3f} ({sec['audio_s']} s of speech)"],
            ["first audio, voice loaded, p50 / p95", pair(sec["first_audio_ms"])],
            ["first audio, cold (load + first sentence)", f"{sec['first_audio_cold_ms']:.0f} ms"]]
    return ["", "## TTS", *config(sec), *table(["figure", "value"], rows)]


def end_to_end(sec: dict) -> list[str]:
    head = ["mode", "path", "n", "speech end → items", "… processing only", "speech end → first audio",
            "… processing only"]
    rows, extra = [], []
    for mode, run in sec["runs"].items():
        for path, lat in sorted(run["latency"].items()):
            rows.append([mode, path, str(lat.get("items_ms", {}).get("n", 0)), pair(lat.get("items_since_speech_end_ms")),
                         pair(lat.get("items_ms")), pair(lat.get("first_audio_since_speech_end_ms")),
                         pair(lat.get("first_audio_ms"))])
        loads = ", ".join(f"{k} {pair(v)}" for k, v in run["power_ms"].items())
        extra += [f"- {mode}: {run['turns']} turns, {len(run['errors'])} errors; wake → recogniser ready "
                  f"{pair(run['wake_to_ready_ms'])}; process CPU {run['run']['cpu_s']} s for {run['run']['audio_s']} s "
                  f"of audio; loads/unloads (p50 / p95): {loads}"]
    return ["", "## End to end (the pipeline on a synthesised session)", *config(sec),
            "“Speech end” is the end of the last voiced frame: the endpointer's trailing silence is included.", "",
            *table(head, rows), "", *extra]


def memory(sec: dict) -> list[str]:
    states = sorted({s for m in ("managed", "always_loaded") for s in sec[m]["rss_by_state_mb"]},
                    key=["idle", "listening", "understanding", "speaking", "follow_up"].index)
    rows = []
    for state in states:
        cells = [state]
        for mode in ("managed", "always_loaded"):
            v = sec[mode]["rss_by_state_mb"].get(state)
            cells.append(f"{v['median']:.0f} / {v['max']:.0f} MB" if v else "—")
        rows.append(cells)
    idle = "; ".join(f"{mode}: " + ", ".join(f"[{k}] {v:.0f} MB" for k, v in sec[mode]["idle_rss_mb"].items())
                     for mode in ("managed", "always_loaded"))
    return ["", "## Memory (process RSS per state, median / max)", *config(sec),
            *table(["state", "power-managed", "always loaded"], rows), "", f"Idle by what was resident: {idle}."]
