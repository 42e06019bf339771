"""Understanding: transcript → structured items (contract §1), a reply, and the path taken.

`Understander(profile, store=None, llm=None).parse(text, lang)` is the stage the pipeline
uses (understander.py); `vocabulary(profile, lang)` the phrases the profile's lexicon can
produce, for biasing speech recognition (voicebox/asr/vocab.py). See docs/understanding.md.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voicebox.nlu.understander import Parse, Understander

__all__ = ["Parse", "Understander", "vocabulary"]


def vocabulary(profile, language: str) -> list[str]:
    """Words and phrases the profile's lexicon and names can produce in `language`.

    Phrases of number templates ("tower {n}", "{n}号塔") contribute their literal parts;
    recognisers add number words themselves.
    """
    from voicebox.nlu.lexicon import load

    lex = load(profile, language)
    return sorted(set(lex.phrases) | lex.pieces)


def __getattr__(name: str):
    if name in ("Parse", "Understander"):
        from voicebox.nlu import understander

        return getattr(understander, name)
    raise AttributeError(name)
