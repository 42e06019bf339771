"""The frame loop: every 80 ms frame goes through the front end, and the state machine decides
what else it feeds. Reads top to bottom like the pipeline: wake → listen → understand →
speak → follow-up → idle, with the power manager and the governor ticking on stream time.

A stage that fails raises inside `stage(name)`; `step` turns that into an `error` event and
`_end_turn` (the `finally` of every turn) puts the assistant back to idle, releasing what it
held. Only a failure of the audio source itself ends the run (`input_error`).
"""
from __future__ import annotations

import time
from typing import Iterable, Iterator

import numpy as np

from voicebox.audio import FRAME, FRAME_S
from voicebox.errors import VoiceboxError
from voicebox.pipeline import events as ev
from voicebox.pipeline.failures import Reporter, StageFailed, failure, stage
from voicebox.pipeline.governor import Governor
from voicebox.pipeline.machine import Machine, State, Trigger
from voicebox.pipeline.power import PowerManager
from voicebox.pipeline.settings import Dialog
from voicebox.pipeline.stages import Endpoint, Stages

DRAIN_LIMIT_S = 60.0     # at the end of a file, audio of silence allowed to finish the turn in progress


class Runner:
    """Drives the stages frame by frame; see the module docstring."""

    def __init__(self, stages: Stages, power: PowerManager, governor: Governor, dialog: Dialog,
                 lang: str, emit: ev.Emit, llm_threads: int = 2) -> None:
        self.stages, self.power, self.governor, self.dialog = stages, power, governor, dialog
        self.lang, self.emit, self.llm_threads = lang, emit, llm_threads
        self.machine = Machine(emit)
        self.frames = 0
        self.turns = 0
        self.stop_reason: str | None = None
        self.input_error: VoiceboxError | None = None   # why the source could not be read on
        self.reading = False               # blocked in the source: a signal may interrupt at once
        self._speak_until = self._pause_until = 0.0
        self._heard_at = 0.0               # wall clock of the last endpoint, for latencies
        self._report = Reporter(emit, lambda: self.t)

    @property
    def t(self) -> float:
        """Stream time: seconds of audio consumed so far (the end of the current frame)."""
        return self.frames * FRAME_S

    # ── the loop ─────────────────────────────────────────────────────────────────────────
    def run(self, source: Iterable[np.ndarray]) -> str:
        """Process the stream until it ends or `stop_reason` is set; returns why it stopped.

        Whatever ends it (the input, a signal, an error of the source), everything is unloaded
        and a `stopped` event is the last one.
        """
        self.power.start()
        try:
            for frame in self._read(source):
                self.step(frame)
            if self.stop_reason is None:
                self._drain()
        finally:
            if self.machine.state is not State.IDLE:
                self._end_turn(failed=False)
            self.power.close()
            self.emit(ev.Stopped(self.t, reason=self.stop_reason or "end_of_input", turns=self.turns))
        return self.stop_reason or "end_of_input"

    def step(self, frame: np.ndarray) -> None:
        """One 80 ms frame through the pipeline."""
        self.frames += 1
        if not _valid(frame):
            self._report(StageFailed("audio", "bad_frame", f"frame of {_describe(frame)} skipped; "
                                     f"expected {FRAME} int16 samples"))
            return
        try:
            self.stages.preroll.push(frame, self.t)
            with stage("wake"):
                detection = self.stages.frontend.process(frame, self.t)
            handler = {State.IDLE: self._idle, State.LISTENING: self._listen,
                       State.SPEAKING: self._speaking, State.FOLLOW_UP: self._listen}
            handler[self.machine.state](frame, detection)
        except StageFailed as failure:
            self._report(failure)
            self._end_turn(failed=True)
        try:
            self.power.tick(self.t)
        except Exception as err:  # an unload that fails must not stop the device
            self._report(failure("power", err))
        self._govern()

    def _read(self, source: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        """The source's frames until it ends, fails (`input_error`, reported) or a stop is asked."""
        frames = iter(source)
        while self.stop_reason is None:
            self.reading = True
            try:
                frame = next(frames)
            except StopIteration:
                return
            except VoiceboxError as err:     # audio that cannot be read on (a damaged file)
                self.input_error, self.stop_reason = err, "input_error"
                self._report(failure("audio", err))
                return
            finally:
                self.reading = False
            yield frame

    def _drain(self) -> None:
        """End of a file mid-turn: carry on with silence, as a live microphone would."""
        silence = np.zeros(FRAME, np.int16)
        limit = self.frames + int(DRAIN_LIMIT_S / FRAME_S)
        while self.machine.state is not State.IDLE and self.frames < limit and self.stop_reason is None:
            self.step(silence)

    # ── states ───────────────────────────────────────────────────────────────────────────
    def _idle(self, frame: np.ndarray, detection) -> None:
        if detection is None:
            return
        if self.t < self._pause_until:
            self.emit(ev.Skipped(self.t, name=detection.name, reason="governor pause between turns"))
            return
        self._wake(detection)

    def _wake(self, detection) -> None:
        self.emit(ev.Wake(self.t, name=detection.name, score=float(detection.score)))
        self.machine.fire(Trigger.WAKE, self.t)
        self.power.claim("asr")                   # the listener loads it, on its own thread
        for name in self.power.settings.prefetch:
            self.power.prefetch(name)
        t0 = max(0.0, detection.t - self.dialog.preroll_s)
        with stage("asr"):
            self.stages.listener.begin(self.stages.preroll.since(t0), t0)

    def _listen(self, frame: np.ndarray, detection) -> None:
        """Listening after a wake word, or in the follow-up window (where a wake word restarts)."""
        following = self.machine.state is State.FOLLOW_UP
        if following and detection is not None:
            self._wake(detection)
            return
        with stage("asr"):
            endpoint = self.stages.listener.feed(frame)
        if endpoint is None:
            return
        if endpoint.reason == "no_speech" or not endpoint.transcript.text.strip():
            phase, after = ("follow_up", self.dialog.follow_up_s) if following else ("no_speech", None)
            self._timeout(phase, after, Trigger.TIMEOUT if following else Trigger.NO_SPEECH)
            return
        self._heard_at = time.perf_counter()
        self.emit(_transcript_event(endpoint, self.t))
        self.machine.fire(Trigger.ENDPOINT, self.t)
        self._understand(endpoint)

    def _understand(self, endpoint: Endpoint) -> None:
        text = endpoint.transcript.text
        # how well each word was heard weighs the items and holds back risky ones (docs/understanding.md)
        words = [(w.text, w.confidence) for w in getattr(endpoint.transcript, "words", ())]
        with stage("nlu"):
            parse = self.stages.understander.parse(text, self.lang, words=words or None)
        self.power.release("llm", self.t)
        tail_ms = _tail_ms(endpoint, self.t)
        ms = (time.perf_counter() - self._heard_at) * 1000
        self.emit(ev.Items(self.t, items=list(parse.items), path=parse.path, lang=parse.lang,
                           elapsed_ms=parse.elapsed_ms, ms=ms,
                           since_speech_end_ms=None if tail_ms is None else tail_ms + ms,
                           llm_asked=parse.llm_asked or None))
        self.turns += 1
        if parse.items and self.stages.outbox is not None:
            with stage("deliver"):
                ids = self.stages.outbox.put(parse.items, {"text": text, "lang": parse.lang})
            self.emit(ev.Delivery(self.t, ids=ids, sinks=list(self.stages.outbox.names)))
        if parse.reply and self.stages.speaker is not None:
            self._speak(parse.reply, tail_ms)
        else:
            self.machine.fire(Trigger.SILENT, self.t)
            self._follow_up()

    def _speak(self, text: str, tail_ms: float | None) -> None:
        self.machine.fire(Trigger.REPLY, self.t)
        self.stages.frontend.speaking(True)       # half-duplex: our own voice is not a wake word
        with stage("tts"):
            self.power.acquire("tts")
            spoken = self.stages.speaker.say(text)
        # the voice stays held through the follow-up window (a follow-up reply has no wake word
        # to prefetch it on); `_end_turn` releases it, and `tts_idle_s` counts from there
        first_ms = None if spoken.first_audio is None else (spoken.first_audio - self._heard_at) * 1000
        self.emit(ev.Reply(self.t, text=text, audio_s=spoken.audio_s, first_audio_ms=first_ms,
                           since_speech_end_ms=None if tail_ms is None or first_ms is None
                           else tail_ms + first_ms))
        self._speak_until = self.t + spoken.audio_s

    def _speaking(self, frame: np.ndarray, detection) -> None:
        """The reply plays for its length of stream time (and, on a speaker, until it has been
        heard: synthesis may have delayed the start); then the follow-up window opens."""
        if self.t < self._speak_until or self.stages.speaker.busy:
            return
        self.stages.frontend.speaking(False)
        self.machine.fire(Trigger.SPOKEN, self.t)
        self._follow_up()

    def _follow_up(self) -> None:
        """Listen again without a wake word: the listener waits `follow_up_s` for speech to start."""
        if self.dialog.follow_up_s <= 0:
            self.machine.fire(Trigger.TIMEOUT, self.t)
            self._end_turn()
            return
        with stage("asr"):
            self.stages.listener.begin(np.zeros(0, np.int16), self.t, no_speech_s=self.dialog.follow_up_s)

    def _timeout(self, phase: str, after_s: float | None, trigger: Trigger) -> None:
        self.emit(ev.Timeout(self.t, phase=phase, after_s=after_s))
        self.machine.fire(trigger, self.t)
        self._end_turn()

    # ── the end of every turn ────────────────────────────────────────────────────────────
    def _end_turn(self, failed: bool = False) -> None:
        """Back to idle whatever happened: stop speaking, release what the turn held."""
        self.stages.frontend.speaking(False)
        try:
            self.stages.listener.cancel()     # its decoder thread must let go of the recogniser
        except Exception as err:  # ending a turn must not fail; report and carry on
            self._report(failure("asr", err))
        if failed and self.machine.state is not State.IDLE:
            self.machine.fire(Trigger.FAILED, self.t)
        for name in ("asr", "llm", "tts"):
            self.power.release(name, self.t)
        self._pause_until = self.t + self.governor.pause_s

    def _govern(self) -> None:
        decision = self.governor.check(self.t)
        if decision is None:
            return
        r = decision.readings
        self.emit(ev.Governor(self.t, level=decision.level, reason=decision.reason,
                              llm_threads=decision.llm_threads, pause_s=decision.pause_s,
                              temp_c=r.temp_c, battery=r.battery, charging=r.charging))
        llm = self.stages.llm
        try:
            if llm is not None:
                llm.set_threads(decision.llm_threads or self.llm_threads)
            setter = getattr(self.stages.understander, "set_llm_enabled", None)
            if setter is not None:
                setter(not decision.templates_only)
        except Exception as err:  # a governor that cannot apply its decision must not stop the device
            self._report(failure("governor", err))

def _transcript_event(endpoint: Endpoint, t: float) -> ev.Transcript:
    tr = endpoint.transcript
    ready = getattr(endpoint, "wake_to_ready_s", None)
    return ev.Transcript(t, text=tr.text, reason=endpoint.reason,
                         speech_end=getattr(endpoint, "speech_end", None),
                         confidence=getattr(tr, "confidence", None), source=getattr(tr, "source", None),
                         wake_to_ready_ms=None if ready is None else ready * 1000)


def _tail_ms(endpoint: Endpoint, t: float) -> float | None:
    """Stream time between the end of speech and the endpoint (the trailing silence waited for)."""
    end = getattr(endpoint, "speech_end", None)
    return None if end is None else max(0.0, t - end) * 1000


def _valid(frame) -> bool:
    return isinstance(frame, np.ndarray) and frame.dtype == np.int16 and frame.shape == (FRAME,)


def _describe(frame) -> str:
    if isinstance(frame, np.ndarray):
        return f"{frame.dtype} {frame.shape}"
    return type(frame).__name__
