"""Building one run's stages from a profile: the real front end, recogniser, understanding,
voice and outbox, each heavy one registered with the power manager.

Every model the run will need is checked before the stream starts, so a missing or corrupt
model stops `voicebox run` at once with exit 3 and the pull that fixes it, rather than as
an `error` event in the middle of the first command.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from voicebox.models import ModelStore
from voicebox.pipeline.events import Emit
from voicebox.pipeline.power import PowerManager
from voicebox.pipeline.speaker import AudioSink, Speaker
from voicebox.pipeline.stages import Stages


@dataclass
class Built:
    """The stages of one run and the power manager that loads their models."""

    stages: Stages
    power: PowerManager


def assemble(profile, store: ModelStore, lang: str, emit: Emit, clock: Callable[[], float],
             sink: AudioSink | None, outbox: Any = None, gap_s: float = 0.0) -> Built:
    """Stages for `profile` in language `lang`; replies go to `sink` (None: not spoken)."""
    from voicebox.asr.factory import build_recognizer
    from voicebox.asr.listener import Listener
    from voicebox.audio.vad import SileroVad
    from voicebox.nlu import Understander
    from voicebox.tts import PiperTts
    from voicebox.wake.frontend import FrontEnd
    from voicebox.wake.preroll import Preroll

    power = PowerManager(profile.power, emit, clock)
    frontend = FrontEnd(store, profile.wake)
    power.add("wake", _WakeModels(frontend), idle_s=None, resident=True)
    power.add("asr", build_recognizer(profile, store, lang), idle_s=profile.power.asr_idle_s)
    llm = _llm(profile, store)
    if llm is not None:
        power.add("llm", llm, idle_s=profile.power.llm_idle_s)
    speaker = None
    if sink is not None:
        voice = PiperTts(store, voice_for(profile, lang), profile.dialog.length_scale)
        power.add("tts", voice, idle_s=profile.power.tts_idle_s)
        speaker = Speaker(power.handle("tts"), sink, gap_s)
    llm_handle = power.handle("llm") if llm is not None else None
    understander = Understander(profile, llm=llm_handle)
    # The lexicon and repair index of the run's language now, not in the first command; only
    # that one: every transcript of the run is parsed in it, and the Chinese tables (pypinyin,
    # ~60 MB) would otherwise stay resident in an English run.
    understander.rules(lang).warm()
    stages = Stages(
        frontend=frontend,
        preroll=Preroll(profile.wake.buffer_s),
        listener=Listener(power.handle("asr"), SileroVad(store), profile.asr),
        understander=understander,
        speaker=speaker,
        outbox=outbox,
        llm=llm_handle,
    )
    return Built(stages, power)


class _WakeModels:
    """The front end's models as the power manager drives them (load, unload, loaded)."""

    def __init__(self, frontend) -> None:
        self.frontend = frontend

    @property
    def loaded(self) -> bool:
        return self.frontend.detector.loaded

    def load(self) -> float:
        return self.frontend.load()

    def unload(self) -> None:
        self.frontend.unload()


def _llm(profile, store: ModelStore):
    if not profile.llm.enabled:
        return None
    from voicebox.nlu.llm import LlmParser

    return LlmParser(store, profile)


def voice_for(profile, lang: str) -> str:
    voices = profile.tts.voices
    return voices.get(lang) or voices[profile.profile.default_language]


def preflight(profile, store: ModelStore, lang: str, speak: bool) -> None:
    """Raise ModelError (exit 3, naming the pull) for any model this run needs that is not intact."""
    from voicebox.asr.factory import build_recognizer

    for word in profile.wake.words:
        if word.model in store.manifest.models:
            store.require(word.model)
    if profile.wake.gate:
        store.require("silero-vad")
    build_recognizer(profile, store, lang)   # names the missing recogniser model and its pull
    if profile.llm.enabled and profile.llm.model in store.manifest.models:
        store.require(profile.llm.model)
    if speak:
        store.require(voice_for(profile, lang))
