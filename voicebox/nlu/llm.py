"""The LLM path: a small local model writes item lines under the profile's grammar.

Used only when the templates find nothing or are unsure. The prompt is a fixed prefix (the
profile's instructions and few-shot examples, evaluated once per load or restored from disk,
see warm.py) followed by the utterance. Decoding is greedy under a GBNF grammar generated from
the profile's item schema, so only allow-listed values can be written; every item is then
checked again by `validate_item`. Nothing valid → no items, never an invented command.
"""
from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from voicebox.errors import ConfigError, ModelError, VoiceboxError
from voicebox.nlu import decode, grammar, prompt
from voicebox.nlu.itemschema import json_schema, validate_item
from voicebox.nlu.warm import PrefixCache, WarmStart


class LlmError(VoiceboxError):
    """The LLM stage failed (model cannot be loaded or decoding broke)."""

    exit_code = 1
    code = "llm"


@dataclass(frozen=True)
class LlmResult:
    """What one parse produced: validated items and how long it took; iterating gives the items."""

    items: list[dict] = field(default_factory=list)
    raw: str = ""
    prompt_tokens: int = 0
    generated_tokens: int = 0
    ttft_ms: float = 0.0
    total_ms: float = 0.0

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class LlmParser:
    """Gemma 3 270M (or any GGUF) writing grammar-constrained item lines for one profile."""

    def __init__(self, store, profile) -> None:
        self.profile = profile
        self.settings = profile.llm
        self.store = store
        self.schema = json_schema(profile)
        self.grammar = grammar.gbnf(self.schema)
        self.prompt = prompt.build(profile, self.schema)
        self._llm = None
        self._threads = self.settings.threads
        self.warm: WarmStart | None = None  # how the last load got its prefix (for power events)

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    def model_path(self) -> Path:
        """The GGUF file: a manifest id (checked, never fetched) or a path in the profile."""
        ref = self.settings.model
        if ref.endswith(".gguf"):
            path = Path(ref) if Path(ref).is_absolute() else self.profile.path.parent / ref
            if not path.is_file():
                raise ModelError(f"llm.model: {path} does not exist")
            return path
        directory = self.store.require(ref)
        files = [f.path for f in self.store.expected_files(self.store.manifest.get(ref))
                 if f.path.endswith(".gguf")]
        if not files:
            raise ModelError(f"model {ref} has no .gguf file")
        return directory / files[0]

    def _identity(self, path: Path) -> str:
        """What names this model's weights: the manifest sha256, else the file's size and mtime."""
        spec = self.store.manifest.models.get(self.settings.model)
        if spec is not None:
            digests = [f.sha256 for f in self.store.expected_files(spec) if f.sha256]
            if digests:
                return ",".join(digests)
        st = path.stat()
        return f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}"

    def load(self) -> float:
        """Load the model and bring the fixed prefix into its cache; returns the seconds spent."""
        if self._llm is not None:
            return 0.0
        start = time.perf_counter()
        path = self.model_path()
        try:
            import llama_cpp
        except ImportError:
            raise LlmError("llama-cpp-python is not installed: pip install 'llama-cpp-python>=0.3.8,<0.4'") from None
        _quiet_logs(llama_cpp)
        try:
            self._llm = _open(llama_cpp, path, self.settings.n_ctx, self._threads)
        except (ValueError, RuntimeError) as err:
            raise ModelError(f"cannot load {path}: {err}") from None
        tokens = self._llm.tokenize(self.prompt.prefix.encode())
        if len(tokens) + 2 * self.settings.max_tokens > self.settings.n_ctx:
            self.unload()
            raise ConfigError(f"{self.profile.path}: llm: the fixed prefix is {len(tokens)} tokens; with "
                              f"max_tokens={self.settings.max_tokens} it leaves no room in n_ctx="
                              f"{self.settings.n_ctx} (fewer prefix_examples or a larger n_ctx)")
        cache = PrefixCache(self._llm, self._identity(path), self.settings, self.store.root)
        self.warm = cache.bring_in(tokens)
        return time.perf_counter() - start

    def unload(self) -> None:
        """Free the model, its context and its cache (the memory goes back to the system)."""
        if self._llm is not None:
            self._llm.close()
            self._llm = None

    def set_threads(self, n: int) -> None:
        """Threads for decoding and prefill; the governor lowers them when the device runs hot."""
        self._threads = max(1, int(n))
        if self._llm is not None:
            import llama_cpp
            llama_cpp.llama_set_n_threads(self._llm.ctx, self._threads, self._threads)

    def parse(self, text: str, lang: str) -> LlmResult:
        """Items the model finds in `text` (validated against the allow-list); [] when none.

        `lang` is part of the stage protocol; the prompt needs no switch, since the nearest
        examples of an utterance are those of its language.
        """
        if self._llm is None:
            self.load()
        start = time.perf_counter()
        llm = self._llm
        prefix = self.warm.tokens
        suffix = llm.tokenize(self.prompt.suffix(text, self.settings.shots).encode(), add_bos=False)
        budget = self.settings.n_ctx - len(prefix) - 1
        if len(suffix) + self.settings.max_tokens > budget:
            raise LlmError(f"prompt too long for llm.n_ctx={self.settings.n_ctx}")
        llm.n_tokens = len(prefix)  # keep the cached prefix, drop the previous utterance
        try:
            llm.eval(suffix)
            steps, ttft = self._generate(llm, start)
        except RuntimeError as err:  # llama_decode failed (context full, backend error)
            raise LlmError(f"llm: {err}") from None
        raw = "".join(s.text for s in steps).strip()
        items = self._items(raw, steps, text)
        return LlmResult(items, raw, len(prefix) + len(suffix), len(steps),
                         ttft, (time.perf_counter() - start) * 1000)

    def _generate(self, llm, start: float) -> tuple[list[decode.Step], float]:
        import llama_cpp
        sampler = decode.GrammarSampler(llama_cpp, llama_cpp.llama_model_get_vocab(llm.model), self.grammar)
        steps: list[decode.Step] = []
        ttft = 0.0
        try:
            for step in decode.generate(llm, sampler, self.settings.max_tokens):
                ttft = ttft or (time.perf_counter() - start) * 1000
                steps.append(step)
        finally:
            sampler.close()
        return steps, ttft

    def _items(self, raw: str, steps: list[decode.Step], text: str) -> list[dict]:
        """Parsed, confidence-stamped and validated items; an unfinished line gives none.

        An item is dropped when it carries a number the utterance does not contain (the
        model invented it) or repeats an item before it.
        """
        if not raw or not steps or not steps[-1].text.endswith("\n"):
            return []
        said = set(NUMBERS.findall(prompt.with_digits(text)))
        items: list[dict] = []
        for item, confidence in zip(grammar.read(raw, self.schema), item_confidences(steps)):
            if item["kind"] == "query":
                item["question"] = text.strip()
            valid = validate_item({**item, "confidence": round(confidence, 3)}, self.profile.vocabulary)
            if valid is not None and _numbers(valid) <= said and not any(_same(valid, i) for i in items):
                items.append(valid)
        return items


NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def _same(a: dict, b: dict) -> bool:
    return {**a, "confidence": 0} == {**b, "confidence": 0}


def _numbers(item: dict) -> set[str]:
    """The numbers an item carries (value, asset id) as they would be written in the text."""
    found = set()
    if isinstance(item.get("value"), (int, float)):
        found.add(prompt.number_text(item["value"]))
    if item.get("asset"):
        found.update(NUMBERS.findall(item["asset"]["id"]))
    return found


def item_confidences(steps: list[decode.Step]) -> list[float]:
    """Per item: the lowest probability of any token the model chose while writing it.

    The separator's token counts for the item after it: choosing to write another item is
    part of that item's evidence.
    """
    out, current = [], 1.0
    for step in steps:
        if grammar.SEPARATOR.strip() in step.text:
            out.append(current)
            current = step.prob
            continue
        current = min(current, step.prob)
    out.append(current)
    return out


def _open(llama_cpp, path: Path, n_ctx: int, threads: int):
    """llama.cpp on the CPU; extra weight buffers off where they crash (see no_extra_buffers)."""
    module = llama_cpp.llama_cpp
    with _defaults(module, "llama_model_default_params", use_extra_bufts=not no_extra_buffers()):
        return llama_cpp.Llama(str(path), n_ctx=n_ctx, n_batch=512, n_threads=threads,
                               n_threads_batch=threads, verbose=False)


_LOG_CALLBACK = None
GGML_LOG_ERROR = 4


def _quiet_logs(llama_cpp) -> None:
    """Only llama.cpp's errors reach stderr; its notes and warnings ("using full-size SWA
    cache") would break the one-line-on-stderr rule of the CLI. Installed once per process."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is not None:
        return
    import ctypes
    import sys

    @llama_cpp.llama_log_callback
    def callback(level, text, user_data):
        if level == GGML_LOG_ERROR:
            sys.stderr.write("llama.cpp: " + text.decode("utf-8", errors="replace"))

    _LOG_CALLBACK = callback  # a ctypes callback must outlive its registration
    llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))


def no_extra_buffers() -> bool:
    """True on CPUs with AMX: ggml 0.25's AMX matmul crashes (SIGSEGV) on Gemma 3 there.

    The extra buffer types are ggml's repacked/AMX weight layouts; without them llama.cpp uses
    its plain CPU kernels. `VOICEBOX_LLM_EXTRA_BUFFERS=0/1` overrides the detection.
    """
    forced = os.environ.get("VOICEBOX_LLM_EXTRA_BUFFERS")
    if forced in ("0", "1"):
        return forced == "0"
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " amx_" in flags


@contextlib.contextmanager
def _defaults(module, name: str, **overrides):
    """llama_cpp.Llama does not expose `use_extra_bufts`: set it on the default parameters
    it starts from, for the duration of the constructor."""
    original = getattr(module, name)

    def defaults():
        params = original()
        for key, value in overrides.items():
            setattr(params, key, value)
        return params

    setattr(module, name, defaults)
    try:
        yield
    finally:
        setattr(module, name, original)
