"""Choosing the recogniser a profile asks for: backend, model and vocabulary per language.

`[asr] backend = "auto"` takes the language's Vosk model when one is installed (the
model named in `[asr.models]` first, then any Vosk model of the manifest for that
language) and otherwise pocketsphinx, which only speaks English. ASR model ids name
their engine (`vosk-…`, `pocketsphinx-…`); a directory path in `[asr.models]` is a
Vosk model of the device's own.
"""
from __future__ import annotations

from pathlib import Path

from voicebox.asr.base import Recognizer
from voicebox.asr.vocab import Vocabulary, profile_phrases, wake_phrases
from voicebox.errors import ConfigError, ModelError
from voicebox.models import ModelStore
from voicebox.models.store import pull_command

SPHINX_EN = "pocketsphinx-en-us"


def engine_of(ref: str) -> str:
    """ "vosk" or "pocketsphinx" for a model id or directory of `[asr.models]`."""
    return "pocketsphinx" if Path(ref).name.startswith("pocketsphinx") else "vosk"


def build_recognizer(profile, store: ModelStore, language: str,
                     phrases: list[str] | None = None) -> Recognizer:
    """The profile's recogniser for `language`, not yet loaded.

    `phrases` replaces the profile's vocabulary (the understanding stage's phrases)
    for biasing; with `[asr] grammar = false` or no phrases at all, decoding is open.
    """
    settings = profile.asr
    if language not in profile.profile.languages:
        raise ConfigError(f"{profile.path}: language {language!r} is not in profile.languages "
                          f"({', '.join(profile.profile.languages)})")
    ref = choose_model(settings.backend, settings.models.get(language), store, language)
    phrases = profile_phrases(profile, language) if phrases is None else phrases
    vocab = Vocabulary.build(phrases, language, wake_phrases(profile)) if settings.grammar and phrases else None
    model_dir = _locate(ref, store)
    if engine_of(ref) == "pocketsphinx":
        from voicebox.asr.sphinx import SphinxRecognizer

        return SphinxRecognizer(model_dir, vocab, settings, model=ref, sentences=_sentences(profile, language))
    from voicebox.asr.vosk import VoskRecognizer

    return VoskRecognizer(model_dir, language, vocab, settings, model=ref)


def _sentences(profile, language: str):
    """What trains the grammar pass's LM beyond its phrases (`[asr] lm`): None for phrases only."""
    settings = profile.asr
    if settings.lm != "sentences" or settings.lm_sentences == 0:
        return None
    from voicebox.asr.sentences import profile_sentences

    return lambda: profile_sentences(profile, language, settings.lm_sentences)


def choose_model(backend: str, ref: str | None, store: ModelStore, language: str) -> str:
    """The model id (or Vosk directory) to decode `language` with; see the module doc."""
    vosk_refs = [r for r in [ref] if r and engine_of(r) == "vosk"] + _manifest_vosk(store, language)
    if backend in ("auto", "vosk"):
        installed = next((r for r in vosk_refs if _installed(r, store)), None)
        if installed:
            return installed
        if backend == "vosk":
            if not vosk_refs:
                raise ConfigError(f"no Vosk model for language {language!r}: name its directory "
                                  f"in [asr.models] {language} = \"/path/to/vosk-model\"")
            return vosk_refs[0]  # missing: _locate names the pull that fixes it
    if language != "en":
        if vosk_refs:
            raise ModelError(f"no speech recogniser installed for {language!r}; "
                             f"fix: {_fetch_hint(vosk_refs[0], store)}")
        raise ConfigError(f"no speech recogniser for language {language!r}: pocketsphinx "
                          "only has English; name a Vosk model directory in [asr.models]")
    return ref if ref and engine_of(ref) == "pocketsphinx" else SPHINX_EN


def _manifest_vosk(store: ModelStore, language: str) -> list[str]:
    return [m.id for m in store.manifest.models.values()
            if m.kind == "asr" and m.language == language and engine_of(m.id) == "vosk"]


def _installed(ref: str, store: ModelStore) -> bool:
    spec = store.manifest.models.get(ref)
    if spec is None:
        return (Path(ref) / "am" / "final.mdl").is_file()
    return store.status(spec, full=False).ok


def _locate(ref: str, store: ModelStore) -> Path:
    """The model's directory; a missing one is a ModelError naming the fix."""
    if ref in store.manifest.models:
        return store.require(ref)
    path = Path(ref)
    if not (path / "am" / "final.mdl").is_file():
        raise ModelError(f"{path}: not a Vosk model directory (no am/final.mdl)")
    return path


def _fetch_hint(ref: str, store: ModelStore) -> str:
    spec = store.manifest.models.get(ref)
    return pull_command(spec) if spec else f"put a Vosk model in {ref}"
