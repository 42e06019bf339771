"""The thermal/battery governor on sysfs trees built in tmp_path, and its effect on a run."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline_fakes import QUIET, WAKE, build, frames, turn
from voicebox.errors import ConfigError
from voicebox.pipeline import events as ev
from voicebox.pipeline.governor import Governor, Readings, decide, read
from voicebox.pipeline.settings import Dialog, Governor as Settings, validate

S = Settings(root="", interval_s=1.0, hot_c=75, critical_c=85, battery_low=20, battery_critical=10,
             hot_llm_threads=1, pause_s=4.0, hysteresis=3.0)


def sysfs(root: Path, temps=(), batteries=()) -> Path:
    """Write thermal zones (°C) and power supplies ((kind, capacity, status)) under `root`."""
    for i, celsius in enumerate(temps):
        zone = root / f"sys/class/thermal/thermal_zone{i}"
        zone.mkdir(parents=True, exist_ok=True)
        (zone / "temp").write_text(f"{int(celsius * 1000)}\n")
        (zone / "type").write_text("x86_pkg_temp\n")
    for i, (kind, capacity, status) in enumerate(batteries):
        supply = root / f"sys/class/power_supply/{kind}{i}"
        supply.mkdir(parents=True, exist_ok=True)
        (supply / "type").write_text(f"{kind}\n")
        if capacity is not None:
            (supply / "capacity").write_text(f"{capacity}\n")
        (supply / "status").write_text(f"{status}\n")
    return root


def test_read_takes_the_hottest_zone_and_the_emptiest_battery_ignoring_mains(tmp_path):
    sysfs(tmp_path, temps=(41.5, 78.0, 55.0),
          batteries=[("Mains", None, "Unknown"), ("Battery", 64, "Discharging"), ("Battery", 18, "Discharging")])
    r = read(tmp_path)
    assert r == Readings(temp_c=78.0, battery=18.0, charging=False)


def test_read_without_sensors_or_with_garbage_is_empty(tmp_path):
    assert read(tmp_path) == Readings()
    zone = tmp_path / "sys/class/thermal/thermal_zone0"
    zone.mkdir(parents=True)
    (zone / "temp").write_text("not a number\n")
    assert read(tmp_path) == Readings()


@pytest.mark.parametrize("temp, battery, status, level, threads, causes", [
    (50.0, 80, "Discharging", "normal", None, ()),
    (76.0, 80, "Discharging", "reduced", 1, ("temperature",)),
    (90.0, 80, "Discharging", "templates_only", 1, ("temperature",)),
    (50.0, 15, "Discharging", "reduced", 1, ("battery",)),
    (50.0, 15, "Charging", "normal", None, ()),
    (50.0, 5, "Discharging", "templates_only", 1, ("battery",)),
    (80.0, 5, "Discharging", "templates_only", 1, ("battery",)),
    (88.0, 15, "Discharging", "templates_only", 1, ("temperature",)),
    (None, None, None, "normal", None, ()),
])
def test_decisions(temp, battery, status, level, threads, causes):
    r = Readings(temp, battery, None if status is None else status != "Discharging")
    d = decide(r, S)
    assert (d.level, d.llm_threads, d.causes) == (level, threads, causes)
    assert d.templates_only == (level == "templates_only")
    assert d.pause_s == (0.0 if level == "normal" else 4.0)


def test_hysteresis_keeps_a_level_until_the_reading_is_clearly_back(tmp_path):
    g = Governor(Settings(root=str(tmp_path), interval_s=1.0, hot_c=75, hysteresis=3.0))
    levels = []
    for i, celsius in enumerate([70, 76, 74, 72.5, 71.9, 76]):
        sysfs(tmp_path, temps=(celsius,))
        decision = g.check(float(i * 2))
        levels.append(decision.level if decision else None)
    assert levels == ["normal", "reduced", None, None, "normal", "reduced"]


def test_check_reads_every_interval_of_stream_time(tmp_path):
    g = Governor(Settings(root=str(tmp_path), interval_s=10.0))
    sysfs(tmp_path, temps=(50,))
    assert g.check(0.08).level == "normal"
    sysfs(tmp_path, temps=(99,))
    assert g.check(5.0) is None                   # not due yet
    assert g.check(10.08).level == "templates_only"
    assert g.check(20.08) is None                 # unchanged


def test_settings_cross_checks():
    with pytest.raises(ConfigError, match="governor.critical_c"):
        validate(Settings(hot_c=80, critical_c=70), "p.toml")
    with pytest.raises(ConfigError, match="governor.battery_critical"):
        validate(Settings(battery_low=10, battery_critical=20), "p.toml")


def test_a_hot_device_gets_fewer_threads_and_pauses_between_turns(tmp_path):
    sysfs(tmp_path, temps=(80,))
    settings = Settings(root=str(tmp_path), interval_s=0.5, hot_c=75, critical_c=85, pause_s=3.0)
    runner, rec, f = build(["turn on the lamp", "turn on the lamp"], governor=settings,
                           dialog=Dialog(follow_up_s=0.5, preroll_s=0.5))
    # second wake 1 s after the first turn ends: inside the pause; third one after it
    runner.run(frames(*turn(), (QUIET, 1.5), (WAKE, 0.4), (QUIET, 3.0), *turn(), (QUIET, 1.0)))
    g = rec.of(ev.Governor)
    assert [(x.level, x.llm_threads, x.temp_c) for x in g] == [("reduced", 1, 80.0)]
    assert f.llm.threads == [1]
    assert [e.reason for e in rec.of(ev.Skipped)] == ["governor pause between turns"]
    assert len(rec.of(ev.Items)) == 2


def test_critical_temperature_goes_templates_only_and_recovers(tmp_path):
    sysfs(tmp_path, temps=(90,))
    settings = Settings(root=str(tmp_path), interval_s=0.5, pause_s=0.0)
    runner, rec, f = build(["what does llm mean"], governor=settings, dialog=Dialog(follow_up_s=0.5))
    runner.run(frames(*turn(), (QUIET, 1.0)))
    assert rec.of(ev.Governor)[0].level == "templates_only"
    assert rec.of(ev.Items)[0].path == "none" and not f.llm.loads   # the LLM was never loaded
    sysfs(tmp_path, temps=(40,))
    runner.stop_reason = None
    runner.run(frames((QUIET, 1.0)))
    assert [x.level for x in rec.of(ev.Governor)] == ["templates_only", "normal"]
    assert f.understander.llm_enabled and f.llm.threads == [1, 2]
