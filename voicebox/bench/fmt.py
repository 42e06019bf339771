"""Markdown helpers for the benchmark report: numbers, p50/p95 pairs, tables, configurations."""
from __future__ import annotations

import json
from typing import Any


def num(value: Any, digits: int = 1, unit: str = "") -> str:
    """A number with `digits` decimals (floats) and a unit; "—" for None."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}{unit}"
    return f"{value}{unit}"


def pct(value: float | None, digits: int = 1) -> str:
    """A ratio as a percentage."""
    return "—" if value is None else f"{100 * value:.{digits}f} %"


def pair(d: dict | None, unit: str = " ms") -> str:
    """"p50 / p95" of a {"p50", "p95"} dict."""
    if not d:
        return "—"
    return f"{num(d.get('p50'))} / {num(d.get('p95'))}{unit}"


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table's lines."""
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head), *("| " + " | ".join(r) + " |" for r in rows)]


def config(section: dict) -> list[str]:
    """The lines naming the exact configuration a section ran with, one key a line."""
    lines = ["", "Configuration:", ""]
    for key, value in section.get("config", {}).items():
        shown = value if isinstance(value, str) else f"`{json.dumps(value, ensure_ascii=False, default=str)}`"
        lines.append(f"- {key}: {shown}")
    return lines + [""]
