"""Profiles: one TOML file per use case in `configs/`, validated on load.

Each table maps to a frozen settings class; a bad key, type or value stops with a
ConfigError that names the file, the dotted key and the problem (exit 2).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from voicebox import paths, schema
from voicebox.audio.settings import Audio
from voicebox.errors import ConfigError, UsageError
from voicebox.models import Manifest
from voicebox.nlu.settings import Area, Entity, Understanding, Vocabulary
from voicebox.nlu.settings import validate as validate_understanding
from voicebox.outbox.settings import Delivery
from voicebox.outbox.settings import validate as validate_delivery
from voicebox.pipeline.settings import Dialog, Governor, Power
from voicebox.pipeline.settings import validate as validate_pipeline
from voicebox.wake.settings import Wake, WakeWord, anchor_paths  # noqa: F401 (profile.WakeWord)

LANGUAGES = ("en", "zh", "ko")


@dataclass(frozen=True)
class Info:
    name: str
    description: str = ""
    languages: tuple[str, ...] = ("en",)
    default_language: str = "en"


@dataclass(frozen=True)
class Asr:
    """Speech recognition after the wake word (voicebox/asr): backend, biasing, endpointing."""

    backend: Literal["auto", "vosk", "pocketsphinx"] = "auto"
    models: dict[str, str] = field(default_factory=dict)
    grammar: bool = True  # bias recognition to the profile's phrases (Vosk lookahead graph, sphinx LM)
    verify: Literal["compare", "off"] = "compare"  # check grammar results against a full-vocabulary pass
    lm: Literal["sentences", "phrases"] = "sentences"  # pocketsphinx grammar LM: + the profile's sentences, varied
    lm_sentences: int = field(default=4000, metadata={"range": (0, 100000)})  # how many varied sentences
    min_agreement: float = field(default=0.5, metadata={"range": (0.0, 1.0)})
    denoise: bool = True  # pocketsphinx: steady noise filtered out of its input (audio/denoise.py, docs/asr.md)
    silence_ms: int = field(default=600, metadata={"range": (160, 5000)})  # trailing silence ending a command
    end_drop_db: float = field(default=15.0, metadata={"range": (0.0, 60.0)})  # this far below the command: silence (0: off)
    max_command_s: float = field(default=12.0, metadata={"range": (1.0, 120.0)})
    no_speech_timeout_s: float = field(default=5.0, metadata={"range": (0.5, 60.0)})
    vad_threshold: float = field(default=0.5, metadata={"range": (0.05, 0.95)})


@dataclass(frozen=True)
class LlmExample:
    """A few-shot example of the LLM prompt: an utterance and the items it means (contract form)."""

    text: str
    items: tuple[dict, ...] = ()


@dataclass(frozen=True)
class Llm:
    """The grammar-constrained LLM path (voicebox/nlu/llm.py, docs/llm.md)."""

    model: str = "gemma3-270m-q4km"
    enabled: bool = True
    n_ctx: int = field(default=1024, metadata={"range": (256, 32768)})  # small: prefill dominates on edge CPUs
    max_tokens: int = field(default=96, metadata={"range": (8, 2048)})
    threads: int = field(default=2, metadata={"range": (1, 64)})
    prompt: str = ""  # instructions before the examples; empty: a generic one
    examples: tuple[LlmExample, ...] = ()
    prefix_examples: int = field(default=8, metadata={"range": (0, 256)})  # the first N: fixed prefix
    shots: int = field(default=3, metadata={"range": (0, 16)})  # the rest: N nearest the utterance
    # the fixed prefix (prompt + examples): restore its saved state at load, or evaluate it
    warm_start: Literal["auto", "restore", "evaluate"] = "auto"
    state_dir: str = ""  # where prefix states are kept; empty: <models dir>/.llm-state


@dataclass(frozen=True)
class Tts:
    voices: dict[str, str] = field(default_factory=lambda: {"en": "piper-en_US-joe-medium"})


@dataclass(frozen=True)
class Profile:
    """A whole profile; `path` is the file it came from."""

    profile: Info
    wake: Wake = field(default_factory=Wake)
    audio: Audio = field(default_factory=Audio)
    asr: Asr = field(default_factory=Asr)
    llm: Llm = field(default_factory=Llm)
    tts: Tts = field(default_factory=Tts)
    delivery: Delivery = field(default_factory=Delivery)
    power: Power = field(default_factory=Power)
    governor: Governor = field(default_factory=Governor)
    dialog: Dialog = field(default_factory=Dialog)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    understanding: Understanding = field(default_factory=Understanding)
    areas: tuple[Area, ...] = ()
    entities: tuple[Entity, ...] = ()
    path: Path = Path()

    @property
    def name(self) -> str:
        return self.profile.name

    def language(self, lang: str | None) -> str:
        """`lang` (default: the profile's), or a UsageError naming the ones it speaks."""
        lang = lang or self.profile.default_language
        if lang not in self.profile.languages:
            raise UsageError(f"--lang {lang}: profile {self.name} speaks {', '.join(self.profile.languages)}")
        return lang

    def model_ids(self, manifest: Manifest) -> list[str]:
        """Every manifest model this profile uses (custom wake word files are not in the manifest)."""
        refs = [w.model for w in self.wake.words] + list(self.asr.models.values())
        refs += [self.llm.model] if self.llm.enabled else []
        refs += list(self.tts.voices.values())
        return list(dict.fromkeys(r for r in refs if r in manifest.models))


def available() -> list[str]:
    return sorted(p.stem for p in paths.configs_dir().glob("*.toml"))


def load(name_or_path: str, manifest: Manifest) -> Profile:
    """Load a profile by name (`configs/NAME.toml`) or by path, and validate it."""
    path = Path(name_or_path)
    if not (path.suffix == ".toml" and path.is_file()):
        path = paths.configs_dir() / f"{name_or_path}.toml"
    if not path.is_file():
        raise ConfigError(f"no profile {name_or_path!r} (available: {', '.join(available()) or 'none'})")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    data.pop("path", None)
    loaded = schema.load(Profile, data, str(path))
    _check(loaded, manifest, str(path))
    return Profile(**{**loaded.__dict__, "path": path, "wake": anchor_paths(loaded.wake, path.parent)})


def _check(p: Profile, manifest: Manifest, where: str) -> None:
    """Cross-field checks the types alone cannot express."""
    for lang in p.profile.languages:
        if lang not in LANGUAGES:
            raise ConfigError(f"{where}: profile.languages: {lang!r} is not one of {', '.join(LANGUAGES)}")
    if p.profile.default_language not in p.profile.languages:
        raise ConfigError(f"{where}: profile.default_language: {p.profile.default_language!r} "
                          "is not in profile.languages")
    for i, word in enumerate(p.wake.words):
        _model_ref(word.model, manifest, where, f"wake.words[{i}].model", "wake", custom=True)
    for lang, ref in p.asr.models.items():
        if ref not in manifest.models and "/" in ref:
            continue  # a Vosk model directory of the device's own (voicebox/asr/factory.py)
        _model_ref(ref, manifest, where, f"asr.models.{lang}", "asr")
    if p.llm.enabled:
        _model_ref(p.llm.model, manifest, where, "llm.model", "llm", custom=True)
    for lang, ref in p.tts.voices.items():
        _model_ref(ref, manifest, where, f"tts.voices.{lang}", "tts")
    validate_delivery(p.delivery, where)
    validate_pipeline(p.governor, where)
    validate_understanding(p.vocabulary, p.understanding, p.areas, p.entities, p.profile.languages, where)


def _model_ref(ref: str, manifest: Manifest, where: str, key: str, kind: str,
               custom: bool = False) -> None:
    spec = manifest.models.get(ref)
    if spec is not None:
        if spec.kind != kind:
            raise ConfigError(f"{where}: {key}: model {ref!r} is a {spec.kind} model, not {kind}")
        return
    suffixes = {"wake": (".onnx", ".tflite"), "llm": (".gguf",)}.get(kind, ())
    if custom and ref.endswith(suffixes):
        return
    hint = f" or a path ending in {'/'.join(suffixes)}" if custom else ""
    raise ConfigError(f"{where}: {key}: {ref!r} is not a model id in the manifest{hint}")
