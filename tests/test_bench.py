"""`voicebox bench`: the report's structure (keys, files, charts), never its timings.

One `--quick` run on the real models (small sets; ~45 s on the 2-core machine) is shared by
the structure checks; the error paths need no run at all.
"""
from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from voicebox.bench import report
from voicebox.cli import main

SECTIONS = {"idle_cpu", "wake", "recognition", "understanding", "llm", "tts", "end_to_end", "memory"}
CHARTS = {"latency.png", "rss_timeline.png", "rss_by_state.png", "idle_cpu.png"}
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def quick(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run([sys.executable, "-m", "voicebox", "bench", "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    return out, done


def test_quick_run_writes_the_report_and_tells_where(quick):
    out, done = quick
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(out / "report.md")
    for n in range(1, 7):
        assert f"[{n}/6]" in done.stderr                      # progress: which section
    assert {p.name for p in out.iterdir()} >= {"report.json", "report.md"} | CHARTS


def test_report_json_has_machine_facts_and_every_section_with_its_configuration(quick):
    out, _ = quick
    r = json.loads((out / "report.json").read_text())
    assert r["quick"] is True and r["command"] == f"voicebox bench --quick --out {out}"
    assert r["errors"] == {}
    m = r["machine"]
    assert m["cores"] >= 1 and m["cpu"] and m["python"].startswith("3.") and m["date"]
    assert all(m["packages"][p] for p in ("numpy", "onnxruntime", "llama_cpp_python", "piper-tts", "matplotlib"))
    assert set(r["sections"]) == SECTIONS
    assert all(r["sections"][s]["config"] for s in SECTIONS)
    assert set(r["charts"]) == CHARTS


def test_sections_hold_the_figures_the_issue_asks_for(quick):
    out, _ = quick
    s = json.loads((out / "report.json").read_text())["sections"]
    streams = {row["category"] for row in s["idle_cpu"]["streams"]}
    assert {"silence (mic floor, -75 dBFS)", "continuous non-wake speech (all)"} <= streams
    assert all(isinstance(row[f"{m}_pct_core"], float) for row in s["idle_cpu"]["streams"] for m in ("gated", "ungated"))
    assert set(s["wake"]["false_accepts_per_hour"]) == {"gated", "ungated"}
    assert {g["condition"] for g in s["wake"]["frr"]} >= {"clean", "all"}
    ps = s["recognition"]["pocketsphinx"]
    assert ps["clips"] > 0 and {"wer", "rtf"} <= set(ps["configured"]) and {"wer", "rtf"} <= set(ps["open"])
    for model, v in s["recognition"]["vosk"].items():   # every Vosk model: measured, or why not
        assert v["measured"] or v["why"], model
    assert s["recognition"]["vosk"]["vosk-ko-small"]["measured"]
    heldout = s["understanding"]["sets"]["heldout"]
    assert s["understanding"]["headline"] == "heldout"
    assert {"templates_accuracy", "combined_accuracy", "llm_calls", "templates_ms_p95"} <= set(heldout["overall"])
    assert any("/zh" in group for group in heldout["groups"]) and any("/en" in group for group in heldout["groups"])
    llm = s["llm"]
    assert llm["modes_seen"] == ["evaluated", "restored"]   # one power-up each way, really
    assert {"prompt_tok_s", "generation_tok_s", "ttft_cold_ms", "ttft_restored_ms"} <= set(llm)
    assert s["tts"]["replies"] >= 1 and "p50" in s["tts"]["first_audio_ms"]
    runs = s["end_to_end"]["runs"]
    assert set(runs) == {"managed", "always_loaded"}
    for mode, run in runs.items():
        assert run["turns"] >= 1 and run["errors"] == [], mode
        assert {"items_since_speech_end_ms", "first_audio_since_speech_end_ms"} <= set(run["latency"]["all"])
        assert {"idle", "listening", "understanding", "speaking"} <= set(s["memory"][mode]["rss_by_state_mb"])
        assert any(e["action"] == "load" for e in run["power_events"]) and run["timeline"]


def test_charts_are_png_images(quick):
    out, _ = quick
    for name in CHARTS:
        data = (out / name).read_bytes()
        assert data[:8] == PNG, name
        width, height = struct.unpack(">II", data[16:24])    # the IHDR chunk
        assert width > 300 and height > 200, name


def test_report_md_renders_every_section_and_links_the_charts(quick):
    out, _ = quick
    md = (out / "report.md").read_text()
    for heading in ("## Headline figures", "## Idle CPU", "## Wake word", "## Recognition", "## Understanding",
                    "## LLM", "## TTS", "## End to end", "## Memory", "## Charts"):
        assert heading in md
    assert md.count("\nConfiguration:\n") >= len(SECTIONS)
    for name in CHARTS:
        assert f"]({name})" in md


def test_a_failed_step_is_named_in_the_report_and_the_rest_still_renders():
    result = {"command": "voicebox bench", "quick": False, "duration_s": 1.0, "sections": {},
              "errors": {"llm": "LlmError: boom"}, "charts": [],
              "machine": {"date": "d", "cpu": "c", "cores": 2, "cores_usable": 2, "memory_gib": 1.0, "os": "o",
                          "python": "3", "voicebox": "0", "commit": None, "load_average_start": None,
                          "niceness": 0, "packages": {}}}
    md = report.markdown(result)
    assert "**llm failed:** `LlmError: boom`" in md and "## Headline figures" in md


def test_without_labelled_sets_it_is_a_one_line_exit_2(tmp_path, capsys):
    assert main(["bench", "--quick", "--data", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "tests/data" in err
    assert main(["bench", "--only", "nothing"]) == 2


def test_a_report_directory_that_cannot_be_made_is_a_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "a_file").write_text("not a directory")
    assert main(["bench", "--quick", "--out", str(tmp_path / "a_file" / "report")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--out {tmp_path / 'a_file' / 'report'}: cannot create" in err


def test_a_missing_model_is_exit_3_naming_the_pull(tmp_path):
    empty = tmp_path / "models"
    empty.mkdir()
    done = subprocess.run([sys.executable, "-m", "voicebox", "bench", "--quick", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "VOICEBOX_MODELS": str(empty)})
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1 and "voicebox models pull" in done.stderr
    assert not (tmp_path / "out" / "report.json").exists()
