"""The runner's orchestration with fakes at the stage protocols: event sequences, power, errors.

The state machine, the power manager and the governor are the real ones; the stages are
fakes (tests/pipeline_fakes.py). The real stages end to end are in test_pipeline_e2e.py.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from pipeline_fakes import QUIET, SPEECH, WAKE, build, frames, turn
from voicebox.errors import ModelError
from voicebox.pipeline import events as ev
from voicebox.pipeline.machine import TRANSITIONS, Machine, State, Trigger
from voicebox.pipeline.settings import Dialog, Power

SKIP = ("state",)


def test_table_has_one_target_per_pair_and_failed_always_returns_to_idle():
    for state in State:
        assert TRANSITIONS[(state, Trigger.FAILED)] is State.IDLE
    m = Machine(ev.Recorder())
    with pytest.raises(RuntimeError, match="no transition from idle on spoken"):
        m.fire(Trigger.SPOKEN, 0.0)


def test_one_turn_event_sequence_and_power():
    runner, rec, f = build(["turn on the lamp"])
    runner.run(frames((QUIET, 1.0), *turn(), (QUIET, 5.0)))
    assert rec.types(skip=SKIP) == [
        "power", "wake", "power", "transcript", "items", "delivery", "power", "reply", "timeout",
        "power", "power", "power", "stopped"]
    states = [(e.previous, e.state) for e in rec.of(ev.State)]
    assert states == [("idle", "listening"), ("listening", "understanding"),
                      ("understanding", "speaking"), ("speaking", "follow_up"), ("follow_up", "idle")]
    power = [(e.component, e.action, e.reason) for e in rec.of(ev.Power)]
    assert power == [("wake", "load", "start"), ("asr", "load", "demand"), ("tts", "load", "demand"),
                     ("asr", "unload", "idle"), ("tts", "unload", "idle"), ("wake", "unload", "stop")]
    items = rec.of(ev.Items)[0]
    assert items.items[0]["device"] == "light" and items.path == "rules"
    assert items.since_speech_end_ms >= items.ms  # the endpointer's trailing silence is included
    reply = rec.of(ev.Reply)[0]
    assert reply.text == "The lamp is on." and reply.audio_s == pytest.approx(0.5)
    assert rec.of(ev.Delivery)[0].ids == ["id-1"] and f.outbox.queued == items.items
    # the recogniser and the voice unload when the follow-up window closes (asr_idle_s = tts_idle_s = 0)
    timeout = rec.of(ev.Timeout)[0]
    unload = [e for e in rec.of(ev.Power) if e.action == "unload"][0]
    assert timeout.phase == "follow_up" and unload.t == pytest.approx(timeout.t, abs=0.09)
    assert f.front.muted is False and f.sink.chunks == [(8000, 16000)]


def test_llm_is_loaded_on_demand_and_unloaded_right_after_the_reply():
    runner, rec, f = build(["what does llm mean", "turn on the lamp"],
                           dialog=Dialog(follow_up_s=1.0, preroll_s=0.5))
    seen_idle = []
    original = runner.step

    def step(frame):
        original(frame)
        if runner.machine.state is State.IDLE and runner.frames > 30:
            seen_idle.append(f.llm.loaded)
    runner.step = step
    runner.run(frames(*turn(), (QUIET, 3.0), *turn(), (QUIET, 3.0)))
    llm = [(e.action, e.reason) for e in rec.of(ev.Power) if e.component == "llm"]
    assert llm == [("load", "demand"), ("unload", "idle")]
    assert [(e.path, e.llm_asked) for e in rec.of(ev.Items)] == [("llm", True), ("rules", None)]
    assert seen_idle and not any(seen_idle), "the LLM must not be resident while idle"
    unload = [e for e in rec.of(ev.Power) if e.component == "llm" and e.action == "unload"][0]
    assert unload.t == pytest.approx(rec.of(ev.Reply)[0].t, abs=0.09)


def test_follow_up_needs_no_wake_word_and_a_wake_word_during_the_reply_is_ignored():
    runner, rec, f = build(["turn on the lamp", "and the other lamp"],
                           dialog=Dialog(follow_up_s=3.0, preroll_s=0.5))
    stream = frames(*turn(), (WAKE, 0.2), (QUIET, 0.6), (SPEECH, 0.8), (QUIET, 4.0))
    runner.run(stream)
    assert [e.text for e in rec.of(ev.Transcript)] == ["turn on the lamp", "and the other lamp"]
    assert len(rec.of(ev.Wake)) == 1 and f.front.suppressed == 1
    assert ("follow_up", "understanding") in [(e.previous, e.state) for e in rec.of(ev.State)]
    assert [e.component for e in rec.of(ev.Power) if e.action == "load"].count("asr") == 1


def test_a_wake_word_without_a_command_times_out_back_to_idle():
    runner, rec, f = build(["turn on the lamp"])
    runner.run(frames((WAKE, 0.4), (QUIET, 6.0), *turn(), (QUIET, 4.0)))
    first = rec.of(ev.Timeout)[0]
    assert first.phase == "no_speech"
    assert rec.types(skip=SKIP)[:4] == ["power", "wake", "power", "timeout"]
    assert [e.text for e in rec.of(ev.Transcript)] == ["turn on the lamp"]


def test_a_failing_stage_is_an_error_event_and_the_next_turn_works():
    runner, rec, f = build(["turn on the lamp", "turn on the lamp"], dialog=Dialog(follow_up_s=0.0))
    f.understander.fail = RuntimeError("boom")
    stream = frames(*turn(), (QUIET, 1.0))
    runner.run(stream[:len(stream) // 2 + 20])
    f.understander.fail = None
    runner.stop_reason = None
    runner.run(frames(*turn(), (QUIET, 1.0)))
    errors = rec.of(ev.Error)
    assert [(e.stage, e.code) for e in errors] == [("nlu", "internal")]
    assert "RuntimeError: boom" in errors[0].message
    assert ("understanding", "idle", "failed") in [(e.previous, e.state, e.trigger) for e in rec.of(ev.State)]
    assert len(rec.of(ev.Reply)) == 1


def test_a_model_that_fails_to_load_is_an_error_with_its_code_not_a_crash():
    runner, rec, f = build(["turn on the lamp", "turn on the lamp"], dialog=Dialog(follow_up_s=0.0))
    f.voice.fail = ModelError("model piper-x: cannot load voice; fix: voicebox models pull --force piper-x")
    runner.run(frames(*turn(), (QUIET, 1.0), *turn(), (QUIET, 1.0)))
    assert [(e.stage, e.code) for e in rec.of(ev.Error)] == [("tts", "model")]  # the repeat is folded
    assert len(rec.of(ev.Items)) == 2 and not rec.of(ev.Reply)
    assert runner.machine.state is State.IDLE and f.front.muted is False


def test_delivery_failure_is_reported_and_the_turn_ends():
    runner, rec, f = build(["turn on the lamp"])
    from voicebox.outbox import OutboxError
    f.outbox.fail = OutboxError("disk full")
    runner.run(frames(*turn(), (QUIET, 1.0)))
    assert [(e.stage, e.code) for e in rec.of(ev.Error)] == [("deliver", "outbox")]
    assert not rec.of(ev.Reply)


def test_always_loaded_loads_everything_at_start_and_unloads_only_at_stop():
    runner, rec, f = build(["what does llm mean"], power=Power(always_loaded=True, prefetch=()))
    runner.run(frames((QUIET, 0.5), *turn(), (QUIET, 10.0)))
    power = [(e.component, e.action, e.reason) for e in rec.of(ev.Power)]
    assert power[:4] == [("wake", "load", "start")] + [
        (c, "load", "always_loaded") for c in ("asr", "llm", "tts")]
    assert power[4:] == [(c, "unload", "stop") for c in ("wake", "asr", "llm", "tts")]


def test_end_of_input_mid_command_finishes_the_turn_with_silence():
    runner, rec, f = build(["turn on the lamp"])
    runner.run(frames((WAKE, 0.4), (QUIET, 0.3), (SPEECH, 1.0)))
    assert [e.text for e in rec.of(ev.Transcript)] == ["turn on the lamp"]
    assert rec.events[-1].type == "stopped" and rec.events[-1].reason == "end_of_input"
    assert runner.machine.state is State.IDLE


def test_stop_request_ends_the_run_at_once_and_unloads():
    runner, rec, f = build(["turn on the lamp"])
    stream = frames(*turn(), (QUIET, 10.0))

    def source():
        for i, frame in enumerate(stream):
            if i == 12:
                runner.stop_reason = "SIGTERM"
            yield frame
    assert runner.run(source()) == "SIGTERM"
    assert runner.frames == 13 and rec.events[-1].reason == "SIGTERM"  # the frame in hand is processed
    assert not f.asr.loaded and not f.voice.loaded


def test_bad_frames_are_reported_and_skipped():
    runner, rec, f = build(["turn on the lamp"])
    stream = frames(*turn(), (QUIET, 1.0))
    stream.insert(3, np.zeros(100, np.float32))
    runner.run(stream)
    assert [(e.stage, e.code) for e in rec.of(ev.Error)] == [("audio", "bad_frame")]
    assert len(rec.of(ev.Items)) == 1


def test_events_are_json_lines_with_type_and_t(tmp_path):
    runner, rec, f = build(["turn on the lamp"])
    out = (tmp_path / "events.jsonl").open("w")
    rec.then = ev.JsonLines(out)
    runner.run(frames(*turn(), (QUIET, 3.0)))
    out.close()
    import json
    lines = [json.loads(x) for x in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert len(lines) == len(rec.events)
    assert all({"type", "t"} <= set(x) for x in lines)
    power = [x for x in lines if x["type"] == "power"][0]
    assert {"component", "action", "ms", "rss_mb"} <= set(power) and power["rss_mb"] > 10
    items = [x for x in lines if x["type"] == "items"][0]
    assert items["items"][0]["kind"] == "device_command"


def test_the_voice_is_prefetched_on_the_wake_word_while_the_user_speaks():
    runner, rec, f = build(["turn on the lamp"], power=Power(prefetch=("tts",)))
    original = runner.step

    def step(frame):
        original(frame)
        if rec.of(ev.Wake) and not rec.of(ev.Transcript):
            assert f.voice.loads or _wait(lambda: f.voice.loaded)   # loading on its own thread
    runner.step = step
    runner.run(frames(*turn(), (QUIET, 3.0)))
    tts = [(e.action, e.reason) for e in rec.of(ev.Power) if e.component == "tts"]
    assert tts == [("load", "prefetch"), ("unload", "idle")] and rec.of(ev.Reply)



def test_the_voice_is_held_through_the_follow_up_window_and_unloaded_when_it_closes():
    """tts_idle_s = 0: a follow-up reply (no wake word to prefetch on) finds the voice loaded;
    the voice goes when the follow-up window closes, and the next wake word prefetches it."""
    runner, rec, f = build(["turn on the lamp", "and the other lamp", "turn off the lamp"],
                           power=Power(tts_idle_s=0.0, prefetch=("tts",)),
                           dialog=Dialog(follow_up_s=2.0, preroll_s=0.5))
    runner.step = _waiting_for_prefetch(runner, f)
    runner.run(frames(*turn(), (QUIET, 0.6), (SPEECH, 0.8), (QUIET, 4.0), *turn(), (QUIET, 4.0)))
    assert [e.text for e in rec.of(ev.Transcript)] == ["turn on the lamp", "and the other lamp",
                                                       "turn off the lamp"]
    assert len(rec.of(ev.Reply)) == 3
    tts = [(e.action, e.reason) for e in rec.of(ev.Power) if e.component == "tts"]
    assert tts == [("load", "prefetch"), ("unload", "idle"), ("load", "prefetch"), ("unload", "idle")]
    unloads = [e.t for e in rec.of(ev.Power) if e.component == "tts" and e.action == "unload"]
    closed = [e.t for e in rec.of(ev.Timeout) if e.phase == "follow_up"]
    assert unloads == pytest.approx(closed, abs=0.09)   # with the recogniser, not after the reply


def _waiting_for_prefetch(runner, f):
    """A step that, after a wake word, lets the voice's prefetch (on its own thread) finish
    before the next frame, as the seconds of a spoken command would in real time."""
    original = runner.step

    def step(frame):
        original(frame)
        if runner.machine.state is State.LISTENING:
            assert _wait(lambda: f.voice.loaded)
    return step

def _wait(condition, timeout=5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.001)
    return condition()



def test_on_a_speaker_the_follow_up_waits_until_the_reply_has_been_played():
    runner, rec, f = build(["turn on the lamp"])
    f.sink.playing = True                # a speaker still playing from its queue
    stream = frames(*turn(), (QUIET, 2.0), (QUIET, 4.0))
    for i, frame in enumerate(stream):
        if i == len(frames(*turn(), (QUIET, 2.0))):
            f.sink.playing = False
        runner.step(frame)
    spoken = [e for e in rec.of(ev.State) if e.trigger == "spoken"][0]
    reply = rec.of(ev.Reply)[0]
    assert spoken.t - reply.t > reply.audio_s + 1.5 and f.front.muted is False


def test_each_sentence_reaches_the_sink_before_the_next_is_synthesised():
    from pipeline_fakes import FakeSpeech, ListSink
    from voicebox.pipeline.speaker import Speaker
    sink = ListSink()
    seen = []

    class Voice:
        def synthesize(self, text):
            for sentence in text.split(". "):
                seen.append(len(sink.chunks))          # what had been played when synthesis began
                yield FakeSpeech(np.ones(1600, np.int16), 16000)
    spoken = Speaker(Voice(), sink, gap_s=0.5).say("One. Two. Three")
    assert seen == [0, 1, 2] and spoken.sentences == 3 and spoken.audio_s == pytest.approx(0.3)
    again = Speaker(Voice(), sink, gap_s=0.5)
    again.say("One")
    again.say("Two")                                    # a pause between replies in a file
    assert sink.chunks[-2:] == [(8000, 16000), (1600, 16000)]
