"""LLM warm start: the fixed prompt prefix, evaluated once, saved, and restored on later loads.

The prefix (instructions and few-shot examples) is the same for every utterance of a profile,
so its KV cache is saved to disk after the first evaluation and read back on later loads
instead of being evaluated again — when that is faster. llama.cpp's own sequence-state file
is used (`llama_state_seq_save_file`), not llama-cpp-python's `save_state`, which also copies
a vocabulary-sized row of logits per prompt token (~1 MB each for Gemma 3).

The state file is keyed by the model's identity, the prefix tokens, n_ctx and the llama.cpp
version, so a changed prompt or model never restores stale state. `warm_start = "auto"` keeps
the measured seconds of both ways next to the state and picks the faster one; "restore" and
"evaluate" force one way.
"""
from __future__ import annotations

import ctypes
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

SEQ = 0
KEEP_STATES = 16  # older prefix states (earlier prompts or models) are removed beyond this


@dataclass(frozen=True)
class WarmStart:
    """How a load got the prefix into the cache."""

    mode: str  # "restored" or "evaluated"
    seconds: float
    tokens: tuple[int, ...]
    state: Path | None = None
    note: str = ""


class PrefixCache:
    """The saved prefix states of one model in a directory; `bring_in` fills a fresh context."""

    def __init__(self, llm, identity: str, settings, models_root: Path) -> None:
        self.llm = llm
        self.identity = identity
        self.mode = settings.warm_start
        self.n_ctx = settings.n_ctx
        self.directory = Path(settings.state_dir).expanduser() if settings.state_dir \
            else models_root / ".llm-state"

    def state_path(self, tokens: list[int]) -> Path:
        import llama_cpp
        digest = hashlib.sha256()
        for part in (self.identity, llama_cpp.__version__, str(self.n_ctx), ",".join(map(str, tokens))):
            digest.update(part.encode() + b"\0")
        return self.directory / f"prefix-{digest.hexdigest()[:24]}.state"

    def bring_in(self, tokens: list[int]) -> WarmStart:
        """Restore the prefix's saved state when that pays, else evaluate it (and save it)."""
        path = self.state_path(tokens)
        record = _read_record(path)
        if self.mode != "evaluate" and path.is_file() and (self.mode == "restore" or _restore_pays(record)):
            start = time.perf_counter()
            if self._restore(path, tokens):
                seconds = time.perf_counter() - start
                _write_record(path, {**record, "restore_s": seconds})
                return WarmStart("restored", seconds, tuple(tokens), path)
            note = f"{path.name} did not restore; evaluated instead"
        else:
            note = ""
        start = time.perf_counter()
        self.llm.reset()
        self.llm.eval(tokens)
        seconds = time.perf_counter() - start
        if self.mode != "evaluate":
            note = self._save(path, tokens) or note
            _write_record(path, {**record, "eval_s": seconds, "tokens": len(tokens)})
        return WarmStart("evaluated", seconds, tuple(tokens), path if path.is_file() else None, note)

    def _restore(self, path: Path, tokens: list[int]) -> bool:
        import llama_cpp
        capacity = len(tokens) + 1
        out = (llama_cpp.llama_token * capacity)()
        count = ctypes.c_size_t(0)
        read = llama_cpp.llama_state_seq_load_file(self.llm.ctx, str(path).encode(), SEQ, out,
                                                   capacity, ctypes.byref(count))
        if not read or list(out[:count.value]) != list(tokens):
            self.llm.reset()
            return False
        self.llm.input_ids[:len(tokens)] = tokens
        self.llm.n_tokens = len(tokens)
        return True

    def _save(self, path: Path, tokens: list[int]) -> str:
        """Write the state atomically; a message when the directory cannot be written."""
        import llama_cpp
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            return f"warm start off: {err}"
        partial = path.with_suffix(f".{os.getpid()}.part")
        array = (llama_cpp.llama_token * len(tokens))(*tokens)
        written = llama_cpp.llama_state_seq_save_file(self.llm.ctx, str(partial).encode(), SEQ,
                                                      array, len(tokens))
        if not written:
            partial.unlink(missing_ok=True)
            return f"warm start off: could not write {partial}"
        os.replace(partial, path)
        _prune(path.parent)
        return ""


def _prune(directory: Path) -> None:
    """Drop the least recently written states beyond KEEP_STATES (each ~18 KB per prefix token)."""
    states = sorted(directory.glob("prefix-*.state"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in states[KEEP_STATES:]:
        old.unlink(missing_ok=True)
        _record_path(old).unlink(missing_ok=True)


def _restore_pays(record: dict) -> bool:
    """Restore unless it was measured slower than evaluating (unmeasured: try it once)."""
    if "restore_s" not in record or "eval_s" not in record:
        return True
    return record["restore_s"] < record["eval_s"]


def _record_path(state: Path) -> Path:
    return state.with_suffix(".json")


def _read_record(state: Path) -> dict:
    try:
        data = json.loads(_record_path(state).read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_record(state: Path, record: dict) -> None:
    try:
        _record_path(state).write_text(json.dumps(record))
    except OSError:
        pass  # the record only tunes "auto"; without it the next load measures again
