"""What the NLU tests on the real profiles share: the profiles (loaded once per run) and
short ways to parse with them."""
from __future__ import annotations

import functools

from voicebox.models import default_store
from voicebox.nlu.understander import Understander
from voicebox.profile import load


@functools.lru_cache(maxsize=None)
def profile(name: str):
    return load(name, default_store().manifest)


def understand(name: str, text: str, lang: str | None = None):
    """A fresh session of the profile parses `text`."""
    return Understander(profile(name)).parse(text, lang)


def items(name: str, text: str) -> list[dict]:
    return list(understand(name, text).items)


def fields(item: dict, *names: str) -> tuple:
    return tuple(item.get(n) for n in names)
