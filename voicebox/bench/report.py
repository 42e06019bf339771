"""report.md from report.json: the headline table, then one part per section, each naming its
configuration. Everything printed here was measured in the run the JSON describes."""
from __future__ import annotations

from voicebox.bench import report_parts as parts
from voicebox.bench.fmt import num, pair, pct, table


def headline(report: dict) -> list[list[str]]:
    """[figure, value, what it ran on] rows: the README's table."""
    s, rows = report["sections"], []
    idle = {r["category"]: r for r in s.get("idle_cpu", {}).get("streams", [])}
    for name, label in (("silence (mic floor, -75 dBFS)", "idle CPU, silence (mic floor)"),
                        ("continuous non-wake speech (all)", "idle CPU, continuous non-wake speech")):
        if name in idle:
            r = idle[name]
            rows.append([label, f"gated {r['gated_pct_core']:.2f} % of one core, ungated {r['ungated_pct_core']:.2f} % "
                                f"({pct(r['gated_over_ungated'])} of ungated)", f"{r['minutes']:.1f} min of audio"])
    if "wake" in s:
        w = s["wake"]
        frr = {g["condition"]: g for g in w["frr"]}
        rows.append(["wake word false rejects (gated)", f"clean {frr['clean']['frr_gated_pct']:.1f} %, all conditions "
                     f"{frr['all']['frr_gated_pct']:.1f} %", f"{frr['all']['n']} trials (clean + noise at "
                     f"{', '.join(str(x) for x in w['config']['set']['spec']['snrs'] if x)} dB SNR)"])
        rows.append(["wake word false accepts per hour (gated)", f"{w['false_accepts_per_hour']['gated']:.1f} "
                     f"({w['false_accepts']['gated']} accepts)", f"{w['config']['set']['negative_minutes']:.1f} min "
                     "of negatives (silence, noise, speech, near misses)"])
    rows += _recognition_headline(s.get("recognition"))
    rows += _understanding_headline(s.get("understanding"))
    if "llm" in s:
        llm = s["llm"]
        rows.append(["LLM prompt / generation tokens per second", f"{llm['prompt_tok_s']:.0f} / {num(llm['generation_tok_s'])}",
                     f"{llm['model']}, {llm['threads']} threads"])
        rows.append(["LLM time to first token from power-up, cold / restored",
                     f"{llm['ttft_cold_ms']:.0f} / {llm['ttft_restored_ms']:.0f} ms", f"{llm['fresh_processes']} fresh processes"])
    if "tts" in s:
        t = s["tts"]
        rows.append(["TTS real-time factor; first audio p50 / p95", f"{t['rtf']:.3f}; {pair(t['first_audio_ms'])}",
                     f"{t['voice']}, {t['replies']} replies"])
    rows += _pipeline_headline(s.get("end_to_end"), s.get("memory"))
    return rows


def _recognition_headline(r: dict | None) -> list[list[str]]:
    if not r:
        return []
    ps = r["pocketsphinx"]
    rows = [["recognition, pocketsphinx en: WER configured / open; RTF",
             f"{ps['configured']['wer']:.3f} / {ps['open']['wer']:.3f}; {ps['configured']['rtf']:.3f}",
             f"{ps['clips']} held-out commands, Piper voice"]]
    for model, v in r["vosk"].items():
        if v.get("measured"):
            rows.append([f"recognition, {model}: CER / WER (open); RTF",
                         f"{v['open']['cer']:.3f} / {v['open']['wer']:.3f}; {v['open']['rtf']:.3f}",
                         f"{v['clips']} espeak-ng Korean sentences"])
    return rows


def _understanding_headline(u: dict | None) -> list[list[str]]:
    if not u or u["headline"] not in u["sets"]:
        return []
    o = u["sets"][u["headline"]]["overall"]
    return [["understanding accuracy, held-out (templates → with LLM)",
             f"{pct(o['templates_accuracy'])} → {pct(o['combined_accuracy'])}",
             f"{o['n']} unseen utterances, en + zh, 4 profiles; {o['llm_calls']} went to the LLM"],
            ["understanding latency p50 / p95 (templates; LLM path)",
             f"{o['templates_ms_p50']} / {o['templates_ms_p95']} ms; "
             f"{num(o['llm_ms_p50'], 0)} / {num(o['llm_ms_p95'], 0)} ms", "held-out set"]]


def _pipeline_headline(e: dict | None, m: dict | None) -> list[list[str]]:
    if not e:
        return []
    rows = []
    for mode, label in (("managed", "power-managed"), ("always_loaded", "always loaded")):
        run = e["runs"][mode]
        parts = [f"{path}: {pair(lat.get('items_since_speech_end_ms'), '')}; "
                 f"{pair(lat.get('first_audio_since_speech_end_ms'))}"
                 for path, lat in ((p, run["latency"][p]) for p in ("rules", "llm") if p in run["latency"])]
        counts = ", ".join(f"{run['paths'].count(p)} {p}" for p in ("rules", "llm", "none") if p in run["paths"])
        rows.append([f"end of speech → items; → first reply audio, p50 / p95 ({label})", " — ".join(parts),
                     f"{run['turns']} turns ({counts}), {e['config']['profile']}"])
    if m:
        idle = {k: m[k]["rss_by_state_mb"].get("idle", {}).get("median") for k in ("managed", "always_loaded")}
        deep = m["managed"]["idle_rss_mb"].get("wake")
        rows.append(["RSS while idle, power-managed vs always loaded", f"{num(idle['managed'], 0)} vs "
                     f"{num(idle['always_loaded'], 0)} MB; {num(deep, 0)} MB managed once only the wake word "
                     "is resident", "median over idle frames after the first turn"])
        for state in ("listening", "understanding", "speaking"):
            v = {k: m[k]["rss_by_state_mb"].get(state, {}).get("median") for k in ("managed", "always_loaded")}
            rows.append([f"RSS while {state}, power-managed vs always loaded",
                         f"{num(v['managed'], 0)} vs {num(v['always_loaded'], 0)} MB", "median"])
    return rows


def markdown(report: dict) -> str:
    """The whole report as Markdown."""
    m = report["machine"]
    lines = [f"# voicebox bench — {m['date']}", "",
             f"`{report['command']}` — {'quick (structure check; small sets)' if report['quick'] else 'full'} run, "
             f"{report['duration_s']:.0f} s.", "",
             f"Machine: {m['cpu']}, {m['cores']} cores ({m['cores_usable']} usable), {m['memory_gib']} GiB, {m['os']}; "
             f"Python {m['python']}; voicebox {m['voicebox']} at {m['commit']}; load average "
             f"{m['load_average_start']} at the start, {report.get('load_average_end')} at the end; nice {m['niceness']}.",
             "", "Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()), "",
             "## Headline figures", "", *table(["figure", "value", "measured on"], headline(report))]
    for error_step, message in report.get("errors", {}).items():
        lines += ["", f"**{error_step} failed:** `{message}`"]
    lines += parts.sections(report["sections"])
    lines += ["", "## Charts", ""] + [f"![{c}]({c})" for c in report.get("charts", [])]
    return "\n".join(lines) + "\n"
