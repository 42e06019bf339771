"""Profiles: the shipped ones load; bad keys, types and values name file and key (exit 2)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from voicebox import profile as profiles
from voicebox.errors import ConfigError
from voicebox.models import default_store

GOOD = """
[profile]
name = "t"
languages = ["en"]

[[wake.words]]
model = "wake-hey-jarvis"
threshold = 0.6
"""


@pytest.fixture(scope="module")
def manifest():
    return default_store().manifest


@pytest.mark.parametrize("name", ["smart_home", "power_line", "drone", "ultrasound"])
def test_shipped_profiles_load_and_use_known_models(name, manifest):
    prof = profiles.load(name, manifest)
    assert prof.name == name and prof.path.name == f"{name}.toml"
    ids = prof.model_ids(manifest)
    assert "wake-hey-jarvis" in ids and all(i in manifest.models for i in ids)


def test_a_profile_by_path(tmp_path, manifest):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD)
    prof = profiles.load(str(path), manifest)
    assert prof.wake.words[0].threshold == 0.6 and prof.llm.model == "gemma3-270m-q4km"


@pytest.mark.parametrize("edit, key, problem", [
    ("[wake]\ngate = true\ncolour = 'red'", "wake.colour", "unknown key"),
    ("[wake]\ngate = 'yes'", "wake.gate", "expected true or false"),
    ("[llm]\nmodel = 'no-such-model'", "llm.model", "not a model id"),
    ("[asr]\nbackend = 'whisper'", "asr.backend", "is not one of"),
    ("[tts.voices]\nen = 'gemma3-270m-q4km'", "tts.voices.en", "is a llm model, not tts"),
])
def test_bad_profiles_name_file_key_and_problem(tmp_path, manifest, edit, key, problem):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD + "\n" + edit + "\n")
    with pytest.raises(ConfigError) as err:
        profiles.load(str(path), manifest)
    message = str(err.value)
    assert str(path) in message and key in message and problem in message


def test_out_of_range_threshold(tmp_path, manifest):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace("0.6", "1.5"))
    with pytest.raises(ConfigError, match=r"wake.words\[0\].threshold: 1.5 is outside 0.0..1.0"):
        profiles.load(str(path), manifest)


def test_cli_reports_a_bad_profile_in_one_line_with_exit_2(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[profile\nname=")
    result = subprocess.run([sys.executable, "-m", "voicebox", "say", "hi", "-o", str(tmp_path / "x.wav"),
                             "--profile", str(path)], capture_output=True, text=True, env=os.environ)
    assert result.returncode == 2
    assert result.stderr.startswith("voicebox: ") and "not valid TOML" in result.stderr
    assert result.stderr.count("\n") == 1


def test_unknown_profile_lists_the_available_ones(manifest):
    with pytest.raises(ConfigError, match="available: .*power_line"):
        profiles.load("kitchen_robot", manifest)
