"""The whole pipeline on synthesised streams, real models end to end: the front end, the
recogniser, the understanding stage with its LLM, the Piper voice and the power manager.

Streams carry several wake + command turns, a follow-up without the wake word, a wake word
with nothing after it, a burst of noise and gaps long enough for the power manager to unload.
"""
from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest

from conftest import noise, silence
from voicebox import profile as profiles
from voicebox.audio.sinks import WavSink
from voicebox.audio.sources import frames
from voicebox.pipeline import events as ev
from voicebox.pipeline.assemble import assemble
from voicebox.pipeline.governor import Governor
from voicebox.pipeline.runner import Runner


def run_session(store, tmp_path, audio: np.ndarray, profile: str = "smart_home", **power):
    prof = profiles.load(profile, store.manifest)
    prof = dataclasses.replace(prof, power=dataclasses.replace(prof.power, **power),
                               governor=dataclasses.replace(prof.governor, enabled=False))
    recorder = ev.Recorder()
    box = {}
    built = assemble(prof, store, "en", recorder, lambda: box["r"].t, WavSink(tmp_path / "replies.wav"))
    runner = box["r"] = Runner(built.stages, built.power, Governor(prof.governor), prof.dialog, "en",
                               recorder, llm_threads=prof.llm.threads)
    runner.run(frames([audio]))
    built.stages.speaker.sink.close()
    return recorder


def resident_when_idle(recorder: ev.Recorder) -> list[tuple[float, set[str]]]:
    """(t, components resident) at every return to idle, replayed from the event sequence."""
    resident: set[str] = set()
    out = []
    for e in recorder.events:
        if isinstance(e, ev.Power):
            (resident.add if e.action == "load" else resident.discard)(e.component)
        elif isinstance(e, ev.State) and e.state == "idle":
            out.append((e.t, set(resident)))
    return out


@pytest.fixture(scope="module")
def smart_home_session(store, tmp_path_factory, speech):
    """Four wake words, a follow-up, an empty wake, noise; replayed once for every assertion.

    Piper speaks without sampling noise, so every run hears the same audio. The fan request
    speaks of the profile's things in words no template explains, so the LLM is asked; whether
    its answer survives grounding is the LLM's tests' business (tests/test_llm*.py), not this one's.
    """
    say = functools.partial(speech, exact=True)    # the same audio every run: a failure reproduces
    gap = silence(10.0)                  # reply + follow-up window (6 s) + margin: back to idle
    audio = np.concatenate([
        silence(1.0),
        say("hey jarvis"), silence(0.3), say("close the bedroom blinds"), silence(3.5),
        say("set the temperature to twenty five degrees"), gap,                        # follow-up
        noise(2.0, level=3000), silence(2.0),
        say("hey jarvis"), silence(7.0),                                               # nothing said
        say("hey jarvis"), silence(0.3), say("get some air moving with the bedroom fan"), gap,  # LLM asked
        say("hey jarvis"), silence(0.3), say("start the vacuum"), gap,
    ])
    audio = audio + noise(len(audio) / 16000, level=30, seed=3)   # a quiet room is never silent
    tmp = tmp_path_factory.mktemp("e2e")
    return run_session(store, tmp, audio.astype(np.int16)), tmp


def test_items_and_replies_of_every_turn(smart_home_session, store):
    rec, _ = smart_home_session
    assert not rec.of(ev.Error)
    assert len(rec.of(ev.Wake)) == 4
    turns = rec.of(ev.Items)
    heard = [t.text for t in rec.of(ev.Transcript)]      # shown when an assertion fails
    paths = [t.path for t in turns]
    assert paths[:2] == ["rules", "rules"] and paths[2] in ("llm", "none") and paths[3] == "rules", heard
    commands = [[(i.get("device"), i.get("action"), i.get("value")) for i in t.items] for t in turns]
    assert commands[0] == [("cover", "close", None)], heard
    assert commands[1] == [("climate", "set", 25)], heard         # the follow-up, no wake word
    assert commands[3] == [("vacuum", "start", None)], heard
    vocabulary = profiles.load("smart_home", store.manifest).vocabulary
    assert all(i["kind"] in vocabulary.kinds for i in turns[2].items)
    replies = [r.text for r in rec.of(ev.Reply)]
    assert len(replies) == 4 and all(replies)
    assert "closed" in replies[0].lower() and "25" in replies[1] and "vacuum" in replies[3].lower()


def test_a_wake_word_with_nothing_after_it_times_out(smart_home_session):
    rec, _ = smart_home_session
    assert [e.phase for e in rec.of(ev.Timeout)].count("no_speech") == 1


def test_the_llm_is_not_resident_while_idle_and_the_recogniser_unloads_in_the_gaps(smart_home_session):
    rec, _ = smart_home_session
    llm = [(e.action, e.reason) for e in rec.of(ev.Power) if e.component == "llm"]
    assert llm == [("load", "demand"), ("unload", "idle")]
    idle = resident_when_idle(rec)
    assert len(idle) >= 4 and all("llm" not in resident for _, resident in idle), idle
    asr = [(e.action, e.reason) for e in rec.of(ev.Power) if e.component == "asr"]
    assert asr.count(("unload", "idle")) >= 3 and asr.count(("load", "demand")) >= 3
    assert rec.events[-1].type == "stopped"


def test_latencies_are_in_the_events(smart_home_session):
    rec, tmp = smart_home_session
    for t in rec.of(ev.Transcript):
        assert t.wake_to_ready_ms is not None and t.speech_end is not None and t.speech_end <= t.t
    for items in rec.of(ev.Items):
        assert items.since_speech_end_ms >= items.ms >= 0
    for reply in rec.of(ev.Reply):
        assert reply.first_audio_ms > 0 and reply.audio_s > 0.3
    assert (tmp / "replies.wav").stat().st_size > 16000
