"""Scoring helpers of voicebox/asr/metrics.py: numbers spoken as words, WER, per-word alignment."""
from __future__ import annotations

from voicebox.asr.metrics import aligned_hits, edit_distance, spoken, wer


def test_references_are_spoken_as_recognisers_write_them():
    assert spoken("Dim to 25%") == "dim to twenty five percent"
    assert spoken("go up 15 meters") == "go up fifteen meters"


def test_word_error_rate_counts_substitutions_deletions_insertions():
    assert edit_distance("a b c".split(), "a x c d".split()) == 2
    assert wer([("go up 15 meters", "go up fifty meters"), ("land", "land now")]) == 2 / 5


def test_aligned_hits_marks_the_words_a_minimum_edit_alignment_keeps():
    ref = "go up fifteen meters".split()
    assert aligned_hits(ref, "go up fifty meters".split()) == [True, True, False, True]
    # an inserted word is not a hit, and the words after it still line up
    assert aligned_hits(ref, "go uh up fifteen meters".split()) == [True, False, True, True, True]
    # a dropped word shifts nothing: every heard word is still matched to its own
    assert aligned_hits(ref, "go fifteen meters".split()) == [True, True, True]
    # a word that appears in the reference but out of order is not a hit twice
    assert aligned_hits("turn on the light".split(), "the light turn on the".split()).count(True) == 3


def test_aligned_hits_lines_up_with_the_hypothesis_whatever_its_length():
    assert aligned_hits([], "hello there".split()) == [False, False]
    assert aligned_hits("hello".split(), []) == []
    assert aligned_hits("lower the shades".split(), "lower the shades hey jarvis".split()) == [True] * 3 + [False] * 2
