"""`voicebox eval`: the contract's matching rule and the figures it prints."""
from __future__ import annotations

import json
import subprocess
import sys

from voicebox.nlu.evaluate import items_match

CRACK = {"kind": "defect_report", "component": "insulator", "defect": "crack",
         "asset": {"type": "tower", "id": "12"}}


def got(**extra) -> dict:
    return {**CRACK, "position": "right", "severity": None, "confidence": 0.9, **extra}


def test_fields_absent_from_the_expected_item_are_not_compared():
    assert items_match([CRACK], [got()])


def test_a_stated_field_must_match_and_numbers_compare_as_numbers():
    assert not items_match([{**CRACK, "position": "left"}], [got()])
    cmd = {"kind": "device_command", "device": "climate", "action": "set", "value": 26}
    assert items_match([cmd], [{**cmd, "value": 26.0, "target": "x", "unit": "celsius"}])
    assert not items_match([{**CRACK, "asset": {"type": "tower", "id": "13"}}], [got()])


def test_target_and_confidence_are_never_compared_and_queries_only_by_kind():
    assert items_match([{**CRACK, "confidence": 0.1}], [got()])
    cmd = {"kind": "device_command", "device": "light", "action": "turn_on", "target": "kitchen"}
    assert items_match([cmd], [{**cmd, "target": "living room"}])
    assert items_match([{"kind": "query", "topic": "spleen"}], [{"kind": "query", "question": "?", "topic": None}])


def test_order_free_but_no_missing_or_extra_items():
    bolt = {"kind": "defect_report", "component": "bolt", "defect": "missing"}
    assert items_match([CRACK, bolt], [{**bolt, "asset": None}, got()])
    assert not items_match([CRACK, bolt], [got()])
    assert not items_match([CRACK], [got(), got()])
    assert items_match([], [])
    assert not items_match([], [got()])


def test_eval_prints_figures_per_profile_language_and_path(tmp_path):
    cases = [
        {"profile": "drone", "lang": "en", "text": "take off", "note": "plain",
         "items": [{"kind": "device_command", "device": "drone", "action": "take_off"}]},
        {"profile": "drone", "lang": "zh", "text": "降落", "note": "plain",
         "items": [{"kind": "device_command", "device": "drone", "action": "land"}]},
        {"profile": "drone", "lang": "zh", "text": "返航", "note": "wrong-label",
         "items": [{"kind": "device_command", "device": "drone", "action": "land"}]},
        {"lang": "en", "text": "nice view up here", "items": [], "note": "negative"},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in cases) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "voicebox", "eval", str(path), "--profile", "drone",
                          "--no-llm", "--json"], capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout)
    assert figures["overall"]["n"] == 4
    assert figures["overall"]["combined_accuracy"] == 0.75
    assert figures["groups"]["drone/zh"]["templates_accuracy"] == 0.5
    assert figures["groups"]["drone/en"]["combined_accuracy"] == 1.0
    assert figures["overall"]["llm_calls"] == 0
    assert figures["notes"]["wrong-label"]["combined_accuracy"] == 0.0
    assert figures["overall"]["templates_ms_p95"] >= figures["overall"]["templates_ms_p50"] > 0

    table = subprocess.run([sys.executable, "-m", "voicebox", "eval", str(path), "--profile", "drone",
                            "--no-llm", "--failures"], capture_output=True, timeout=120)
    assert table.returncode == 0
    text = table.stdout.decode()
    assert "返航" in text and "drone/zh" in text and "templates" in text


def test_a_malformed_labelled_line_is_bad_input(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"profile": "drone", "text": "take off"}\n', encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "voicebox", "eval", str(path), "--no-llm"],
                         capture_output=True, timeout=120)
    assert out.returncode == 2 and f"{path}:1" in out.stderr.decode()


def test_an_unknown_profile_is_named_on_the_command_line_or_at_its_file_line(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text('{"profile": "drone", "text": "take off", "items": []}\n'
                    '{"profile": "nope", "text": "take off", "items": []}\n', encoding="utf-8")
    for args, where in [(["--profile", "nope"], ""), ([], f"{path}:2: ")]:
        out = subprocess.run([sys.executable, "-m", "voicebox", "eval", str(path), "--no-llm", *args],
                             capture_output=True, timeout=120)
        err = out.stderr.decode()
        assert out.returncode == 2 and out.stdout == b"" and err.count("\n") == 1, err
        assert err.startswith(f"voicebox: {where}no profile 'nope' (available: "), err
