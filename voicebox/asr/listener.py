"""The Listener: one command after the wake word, pushed to it frame by frame.

`begin(backlog, t0)` right after the wake word: `backlog` is the pre-roll audio
(stream time `t0` is its first sample, its end is the detection). If the recogniser
is not loaded yet, it loads on a background thread while the frames that `feed()`
receives keep being queued, so nothing said after the wake word is lost; once loaded
it works through the queue faster than real time ("catch-up") and then keeps pace.
`feed()` runs the endpointer (Silero VAD) on every frame itself, independent of the
recogniser, and returns the `Endpoint` when the command is over.

The Listener never unloads the recogniser: the power manager decides that.
"""
from __future__ import annotations

import queue
import threading
import time
from dataclasses import asdict, dataclass, replace

import numpy as np

from voicebox.asr.base import AsrError, Recognizer, Transcript, as_int16
from voicebox.asr.endpoint import Endpointer, Reason, level_db
from voicebox.audio import FRAME, RATE
from voicebox.errors import VoiceboxError


@dataclass(frozen=True)
class Endpoint:
    """The end of one command. Times `t`, `speech_*` and the words are stream seconds.

    Timings are wall-clock seconds: `wake_to_ready_s` from `begin()` to a loaded
    recogniser (0 when it already was), `catch_up_s` from then until it had consumed
    the `catch_up_audio_s` seconds of audio queued meanwhile, `finish_s` from the
    endpoint frame to the final transcript.
    """

    transcript: Transcript
    reason: Reason
    t: float
    speech_start: float | None
    speech_end: float | None
    wake_to_ready_s: float
    catch_up_s: float
    catch_up_audio_s: float
    finish_s: float

    @property
    def catch_up_speed(self) -> float | None:
        """Audio seconds consumed per wall second while catching up (× real time)."""
        return self.catch_up_audio_s / self.catch_up_s if self.catch_up_s > 0 else None

    def to_dict(self) -> dict:
        return {**asdict(self), "catch_up_speed": self.catch_up_speed}


_FINISH = object()


class _Decoder(threading.Thread):
    """Owns the recogniser for one utterance: loads it if needed, then consumes queued audio."""

    def __init__(self, recognizer: Recognizer, wake_end: float, clock) -> None:
        super().__init__(name="voicebox-asr", daemon=True)
        self.recognizer, self.wake_end, self.clock = recognizer, wake_end, clock
        self.audio: queue.SimpleQueue = queue.SimpleQueue()
        self.began = clock()
        self.ready_at: float | None = None
        self.caught_up_at: float | None = None
        self.caught_up_audio = 0.0
        self.partial: Transcript | None = None
        self.result: Transcript | None = None
        self.error: VoiceboxError | None = None

    def run(self) -> None:
        try:
            if not self.recognizer.loaded:
                self.recognizer.load()
            self.ready_at = self.clock()
            self._consume()
        except VoiceboxError as err:
            self.error = err
        except Exception as err:  # a decoder bug must reach the runner as a stage error
            self.error = AsrError(f"{self.recognizer.backend} failed: {type(err).__name__}: {err}")

    def _consume(self) -> None:
        while True:
            item = self.audio.get()
            if item is _FINISH:
                self.result = self.recognizer.finish(self.wake_end)
                self._caught_up()
                return
            partial = self.recognizer.accept(item)
            if partial is not None:
                self.partial = partial
            if self.caught_up_at is None:
                self.caught_up_audio += len(item) / RATE
                if self.audio.empty():
                    self._caught_up()

    def _caught_up(self) -> None:
        if self.caught_up_at is None:
            self.caught_up_at = self.clock()


class Listener:
    """Recognises one command at a time (see the module doc)."""

    def __init__(self, recognizer: Recognizer, vad, settings, clock=time.perf_counter) -> None:
        """`vad` has `probability(samples)` and `reset()` (a SileroVad of its own, not the gate's);
        `settings` is the profile's `[asr]` table."""
        self.recognizer, self.vad, self.clock = recognizer, vad, clock
        self.settings = settings
        self.endpointer = Endpointer(settings)
        self._decoder: _Decoder | None = None
        self._t0 = self._t = 0.0

    @property
    def hearing(self) -> bool:
        """True while a command is being spoken (speech started, endpoint not reached)."""
        return self._decoder is not None and self.endpointer.hearing

    @property
    def partial(self) -> Transcript | None:
        """The latest partial hypothesis (stream time), None before the first."""
        p = self._decoder.partial if self._decoder else None
        return p.shifted(self._t0) if p else None

    def begin(self, backlog: np.ndarray, t0: float, no_speech_s: float | None = None) -> None:
        """Start a command: `backlog` is the audio since stream time `t0`, ending at the wake word.

        `no_speech_s` overrides `[asr] no_speech_timeout_s` for this command (the pipeline's
        follow-up window waits its own time for the user to speak again).
        """
        self._abandon()
        backlog = as_int16(np.asarray(backlog)) if len(backlog) else np.zeros(0, np.int16)
        self._t0, self._t = t0, t0 + len(backlog) / RATE
        self.vad.reset()
        settings = self.settings if no_speech_s is None else replace(self.settings,
                                                                     no_speech_timeout_s=no_speech_s)
        self.endpointer = Endpointer(settings)
        # wake_end 0 = no wake phrase in the audio (a follow-up turn starts with none)
        self._decoder = _Decoder(self.recognizer, len(backlog) / RATE, self.clock)
        for i in range(0, len(backlog), FRAME):
            self._decoder.audio.put(backlog[i:i + FRAME])
        self._decoder.start()

    def feed(self, frame: np.ndarray) -> Endpoint | None:
        """One frame of live audio after the backlog; the Endpoint once the command is over."""
        decoder = self._decoder
        if decoder is None:
            raise AsrError("Listener.feed() before begin()")
        if decoder.error is not None:
            self._decoder = None
            raise decoder.error
        frame = as_int16(frame)
        decoder.audio.put(frame)
        self._t += len(frame) / RATE
        reason = self.endpointer.update(self.vad.probability(frame), level_db(frame))
        return None if reason is None else self._end(reason)

    def _end(self, reason: Reason) -> Endpoint:
        decoder, self._decoder = self._decoder, None
        endpoint_at = self.clock()
        decoder.audio.put(_FINISH)
        decoder.join()
        if decoder.error is not None:
            raise decoder.error
        e = self.endpointer
        ready = decoder.ready_at if decoder.ready_at is not None else endpoint_at
        return Endpoint(
            transcript=decoder.result.shifted(self._t0), reason=reason, t=round(self._t, 3),
            speech_start=_stream(e.speech_start, self._t - e.elapsed),
            speech_end=_stream(e.speech_end, self._t - e.elapsed),
            wake_to_ready_s=round(ready - decoder.began, 4),
            catch_up_s=round(decoder.caught_up_at - ready, 4),
            catch_up_audio_s=round(decoder.caught_up_audio, 3),
            finish_s=round(self.clock() - endpoint_at, 4))

    def cancel(self) -> None:
        """Drop the command in progress (the turn ended another way); waits for the decoder thread,
        so the recogniser is free to be unloaded afterwards."""
        self._abandon()

    def _abandon(self) -> None:
        """A new begin() while a command is open: end the old utterance and drop its result."""
        if self._decoder is not None:
            self._decoder.audio.put(_FINISH)
            self._decoder.join()
            self._decoder = None


def _stream(elapsed: float | None, begin_t: float) -> float | None:
    return None if elapsed is None else round(begin_t + elapsed, 3)
