"""Small statistics shared by the benchmark sections."""
from __future__ import annotations

from voicebox.nlu.evaluate import percentile


def p50_p95(values: list[float]) -> dict:
    """{"p50", "p95"} of `values` (nearest rank, as `voicebox eval`), {} when there are none."""
    if not values:
        return {}
    return {"p50": round(percentile(values, 50), 1), "p95": round(percentile(values, 95), 1)}
