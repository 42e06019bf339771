"""Map the Home Assistant intents test sentences to voicebox's labelled format (smart_home).

    python tools/ha_convert.py [SRC_DIR] [OUT_DIR]

SRC_DIR defaults to ../shared/data/ha-intents-tests (en.jsonl, zh-cn.jsonl and the
`_fixtures.yaml` homes), OUT_DIR to tests/data/ha. Writes smart_home.en.jsonl and
smart_home.zh.jsonl for `voicebox eval`, and prints what was left out and why.

The sentences are the Home Assistant intents project's (CC BY 4.0, see tests/data/ha/README.md).
Mapping to the contract (docs/understanding.md, "Peer suite"): HassTurnOn/HassTurnOff become
turn_on/turn_off, or open/close for covers, lock/unlock for locks, start/stop for vacuums;
HassLightSet a set of brightness (percent) or color; HassClimateSetTemperature a set of
temperature; HassSetPosition (covers) a set of position; HassSetVolume a set of volume;
HassMediaPause/HassMediaUnpause pause/start; HassVacuumStart start. Targets are not compared.
Domains outside the contract (scene, script, valve …) and other intents are left out.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVICES = {"light", "switch", "fan", "climate", "cover", "lock", "vacuum", "media_player"}
ON = {"cover": "open", "lock": "lock", "vacuum": "start"}
OFF = {"cover": "close", "lock": "unlock", "vacuum": "stop"}
FIXED = {"HassLightSet": "light", "HassClimateSetTemperature": "climate", "HassSetVolume": "media_player",
         "HassMediaPause": "media_player", "HassMediaUnpause": "media_player", "HassVacuumStart": "vacuum"}


def entity_domains(fixtures: Path) -> dict[str, str]:
    """Entity name (lower case) → domain, read from a `_fixtures.yaml` without a YAML parser."""
    names: dict[str, str] = {}
    name = None
    for line in fixtures.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*-\s*name:\s*\"?([^\"]+)\"?\s*$", line)
        if m:
            name = m.group(1).strip().lower().replace("[']", "'")
            continue
        m = re.match(r"\s*id:\s*\"?([a-z_]+)\.", line)
        if m and name:
            names.setdefault(name, m.group(1))
            name = None
    return names


def expected(case: dict, domains: dict[str, str]) -> tuple[dict | None, str]:
    """The contract item a case means, or (None, reason) when it is outside the mapping."""
    intent, slots, ctx = case["intent"], case["slots"], case.get("context") or {}
    domain = FIXED.get(intent) or slots.get("domain") or ctx.get("domain")
    if domain is None and isinstance(slots.get("name"), str):
        domain = domains.get(slots["name"].lower())
    if domain not in DEVICES:
        return None, f"{intent} on {domain or 'unknown'} (not a contract device)"
    item = {"kind": "device_command", "device": domain}
    if intent == "HassTurnOn":
        item["action"] = ON.get(domain, "turn_on")
    elif intent == "HassTurnOff":
        item["action"] = OFF.get(domain, "turn_off")
    elif intent == "HassLightSet":
        attr = "brightness" if "brightness" in slots else "color"
        item.update(action="set", attribute=attr, value=slots[attr])
    elif intent == "HassClimateSetTemperature":
        item.update(action="set", attribute="temperature", value=slots["temperature"])
    elif intent == "HassSetPosition":
        item.update(action="set", attribute="position", value=slots["position"])
    elif intent == "HassSetVolume":
        item.update(action="set", attribute="volume", value=slots["volume_level"])
    elif intent in ("HassMediaPause", "HassMediaUnpause", "HassVacuumStart"):
        item["action"] = {"HassMediaPause": "pause", "HassMediaUnpause": "start"}.get(intent, "start")
    else:
        return None, f"{intent} (no contract mapping)"
    return item, ""


def convert(src: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, lang in (("en", "en"), ("zh-cn", "zh")):
        domains = entity_domains(src / name / "_fixtures.yaml")
        left_out: Counter[str] = Counter()
        lines = []
        for raw in (src / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            case = json.loads(raw)
            if case.get("expected_failure"):
                left_out["expected failure upstream"] += 1
                continue
            item, reason = expected(case, domains)
            if item is None:
                left_out[reason] += 1
                continue
            lines.append(json.dumps({"profile": "smart_home", "lang": lang, "text": case["text"],
                                     "items": [item], "note": case["intent"]}, ensure_ascii=False))
        (out / f"smart_home.{lang}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{name}: {len(lines)} mapped, {sum(left_out.values())} left out")
        for reason, n in left_out.most_common():
            print(f"  {n:4d}  {reason}")


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "ha-intents-tests"
    dst = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "tests" / "data" / "ha"
    convert(src, dst)
