"""The LLM path on the real embedded Gemma 3 270M: grammar, allow-list, memory, warm start.

Greedy decoding makes the model's answers reproducible; token limits stay small so the
whole module runs in well under a minute on two cores. Timings are never asserted here
(tools/bench_llm.py reports them).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from voicebox import profile as profiles
from voicebox.errors import ConfigError, ModelError
from voicebox.nlu import decode
from voicebox.nlu.llm import LlmParser
from voicebox.nlu.itemschema import validate_item


def _profile(store, name: str, tmp_path, **llm):
    prof = profiles.load(name, store.manifest)
    # one thread: on a busy two-core machine OpenMP's second thread mostly waits
    return replace(prof, llm=replace(prof.llm, state_dir=str(tmp_path), max_tokens=40, threads=1, **llm))


@pytest.fixture(scope="module")
def parser(store, tmp_path_factory):
    """One loaded parser per profile, made on first use and freed at the end of the module."""
    made: dict[str, LlmParser] = {}
    state = tmp_path_factory.mktemp("llm-state")

    def get(name: str) -> LlmParser:
        if name not in made:
            for other in made.values():
                other.unload()
            made[name] = LlmParser(store, _profile(store, name, state))
        made[name].load()
        return made[name]

    yield get
    for p in made.values():
        p.unload()


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


def _subset(want: dict, got: dict) -> bool:
    return all(got.get(k) == v for k, v in want.items())


@pytest.mark.parametrize("name, text, lang, want", [
    ("smart_home", "lock the front door", "en",
     {"kind": "device_command", "device": "lock", "action": "lock", "target": "front door"}),
    ("smart_home", "空调调到二十六度", "zh",
     {"kind": "device_command", "device": "climate", "action": "set", "attribute": "temperature", "value": 26}),
    ("power_line", "there is a bird nest on tower 12", "en",
     {"kind": "defect_report", "defect": "bird_nest", "asset": {"type": "tower", "id": "12"}}),
    ("power_line", "12号塔的绝缘子裂了", "zh",
     {"kind": "defect_report", "component": "insulator", "defect": "crack", "asset": {"type": "tower", "id": "12"}}),
    ("drone", "take a picture", "en", {"kind": "device_command", "device": "drone", "action": "capture_photo"}),
    ("drone", "无人机降落", "zh", {"kind": "device_command", "device": "drone", "action": "land"}),
    ("ultrasound", "switch to color doppler", "en",
     {"kind": "device_command", "action": "set", "attribute": "mode", "value": "color_doppler"}),
    ("ultrasound", "图像冻结", "zh", {"kind": "device_command", "device": "ultrasound", "action": "freeze"}),
])
def test_the_real_model_reads_utterances_of_each_profile(parser, name, text, lang, want):
    result = parser(name).parse(text, lang)
    # the item said is among what the model wrote; a 270M model may copy a second item from its
    # examples, which grounding then drops (test_nlu_llm: ..._the_utterance_does_not_support)
    assert any(_subset(want, item) for item in result.items), result.raw
    assert all(0.0 < item["confidence"] <= 1.0 for item in result.items)
    assert result.generated_tokens > 0 and result.prompt_tokens > result.generated_tokens
    assert list(result) == result.items  # the Understander iterates the result


def test_the_grammar_admits_only_allow_listed_values(parser):
    import llama_cpp

    p = parser("smart_home")
    llm = p._llm
    sampler = decode.GrammarSampler(llama_cpp, llama_cpp.llama_model_get_vocab(llm.model), p.grammar)
    try:
        for token in llm.tokenize(b" command", add_bos=False):
            sampler.accept(token)
        words = [" light", " climate", " drone", " toaster", " ultrasound"]
        ids = np.array([llm.tokenize(w.encode(), add_bos=False)[0] for w in words])
        allowed = sampler.allowed(ids, np.zeros(len(ids), dtype=np.float32))
    finally:
        sampler.close()
    assert dict(zip(words, allowed.tolist())) == {
        " light": True, " climate": True, " drone": False, " toaster": False, " ultrasound": False}


def test_the_grammar_gives_each_device_only_its_own_actions(parser):
    import llama_cpp

    p = parser("smart_home")
    llm = p._llm
    allowed = {}
    for device in ("light", "vacuum"):
        sampler = decode.GrammarSampler(llama_cpp, llama_cpp.llama_model_get_vocab(llm.model), p.grammar)
        try:
            for token in llm.tokenize(f" command {device}".encode(), add_bos=False):
                sampler.accept(token)
            words = [" turn", " start", " lock", " set"]
            ids = np.array([llm.tokenize(w.encode(), add_bos=False)[0] for w in words])
            allowed[device] = dict(zip(words, sampler.allowed(ids, np.zeros(len(ids), dtype=np.float32)).tolist()))
        finally:
            sampler.close()
    # a light cannot start ([vocabulary.device_actions]); a vacuum does
    assert allowed["light"] == {" turn": True, " start": False, " lock": False, " set": True}
    assert allowed["vacuum"] == {" turn": False, " start": True, " lock": False, " set": False}


def test_a_request_from_another_profile_yields_no_foreign_item(parser):
    p = parser("smart_home")
    vocab = p.profile.vocabulary
    for text in ("drone, take off and fly up ten meters", "freeze the image and switch to color doppler"):
        result = p.parse(text, "en")
        assert "drone" not in result.raw and "doppler" not in result.raw
        assert all(validate_item(item, vocab) == item for item in result.items)


def test_an_answer_outside_the_allow_list_is_dropped(parser):
    p = parser("smart_home")
    steps = [decode.Step(0, " command drone take off\n", 0.9)]
    assert p._items("command drone take off", steps, "take off") == []
    steps = [decode.Step(0, " command light turn on; command light self destruct\n", 0.9)]
    items = p._items("command light turn on; command light self destruct", steps, "x")
    assert [i["action"] for i in items] == ["turn_on"]


def test_unload_gives_the_memory_back(store, tmp_path):
    p = LlmParser(store, _profile(store, "ultrasound", tmp_path))
    p.load()  # the first load also maps llama.cpp's shared libraries, which stay
    p.unload()
    before = _rss_mb()
    p.load()
    loaded = _rss_mb()
    p.parse("freeze", "en")
    p.unload()
    after = _rss_mb()
    assert not p.loaded
    assert loaded - before > 150  # the 253 MB model and its context
    assert after - before < 0.25 * (loaded - before)


def test_warm_start_restores_the_prefix_and_answers_the_same(store, tmp_path):
    text = "there is a bird nest on tower 12, left side"
    cold = LlmParser(store, _profile(store, "power_line", tmp_path))
    cold.load()
    assert cold.warm.mode == "evaluated" and cold.warm.state is not None
    first = cold.parse(text, "en")
    cold.unload()

    warm = LlmParser(store, _profile(store, "power_line", tmp_path, warm_start="restore"))
    warm.load()
    assert warm.warm.mode == "restored"
    again = warm.parse(text, "en")
    warm.set_threads(1)  # the governor's lever; the parser keeps working
    assert warm.parse("the cable is worn", "en").raw
    warm.unload()
    assert (again.raw, again.items) == (first.raw, first.items)

    cold.warm.state.write_bytes(b"not a llama state")
    broken = LlmParser(store, _profile(store, "power_line", tmp_path, warm_start="restore"))
    broken.load()
    assert broken.warm.mode == "evaluated" and "did not restore" in broken.warm.note
    assert broken.parse(text, "en").raw == first.raw
    broken.unload()


def test_a_missing_model_names_the_problem(store, tmp_path):
    p = LlmParser(store, _profile(store, "drone", tmp_path, model="no-such-model.gguf"))
    with pytest.raises(ModelError, match="no-such-model.gguf"):
        p.load()
    assert not p.loaded


def test_an_example_outside_the_vocabulary_is_a_config_error(store, tmp_path):
    bad = profiles.LlmExample("make coffee", ({"kind": "device_command", "device": "coffee_maker",
                                               "action": "start"},))
    with pytest.raises(ConfigError, match=r"llm.examples\[0\]"):
        LlmParser(store, _profile(store, "smart_home", tmp_path, examples=(bad,)))


def test_a_prefix_that_leaves_no_room_is_a_config_error(store, tmp_path):
    p = LlmParser(store, _profile(store, "smart_home", tmp_path, n_ctx=256, prefix_examples=40))
    with pytest.raises(ConfigError, match="n_ctx=256"):
        p.load()
    assert not p.loaded
