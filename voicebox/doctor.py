"""`voicebox doctor`: what this machine offers voicebox, and the command that fixes each problem."""
from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
from pathlib import Path

from voicebox import paths
from voicebox import profile as profiles
from voicebox.errors import ModelError, VoiceboxError
from voicebox.models import default_store, pull_command

PACKAGES = ("numpy", "onnxruntime", "openwakeword", "vosk", "pocketsphinx", "llama_cpp_python",
            "piper-tts", "sounddevice", "soxr", "soundfile")


def register(sub: argparse._SubParsersAction) -> None:
    doctor = sub.add_parser("doctor", help="check Python, CPU, audio devices, models and sensors")
    doctor.add_argument("--profile", help="also check the models this profile uses")
    doctor.add_argument("--sysfs", type=Path, default=Path("/sys"), help=argparse.SUPPRESS)
    doctor.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.profile:  # a profile that cannot be loaded is bad usage (exit 2), not a model to pull
        profiles.load(args.profile, default_store().manifest)
    fixes: list[str] = []
    _section("system")
    for line in _system():
        print(f"  {line}")
    _section("packages")
    for name in PACKAGES:
        try:
            print(f"  {name:18} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            print(f"  {name:18} MISSING")
            fixes.append("make setup   (installs the Python dependencies into .venv)")
    _section("audio devices")
    fixes += _audio()
    _section(f"models ({paths.models_dir()})")
    model_fixes = _models(args.profile)
    _section("sensors")
    fixes += _sensors(args.sysfs)
    fixes = list(dict.fromkeys(fixes + model_fixes))
    _section("verdict")
    if not fixes:
        print("  everything voicebox needs is here")
        return 0
    for fix in fixes:
        print(f"  fix: {fix}")
    return ModelError.exit_code if model_fixes else 1


def _section(title: str) -> None:
    print(f"\n{title}")


def cpu_model() -> str:
    """The processor's name from /proc/cpuinfo ("unknown" where there is none)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def memory_gib() -> float | None:
    """Total RAM in GiB from /proc/meminfo, None where unknown."""
    try:
        return int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        return None


def _system() -> list[str]:
    gib = memory_gib()
    mem = f", {gib:.1f} GiB RAM" if gib is not None else ""
    return [f"python {platform.python_version()} ({platform.python_implementation()})",
            f"{platform.system()} {platform.release()} {platform.machine()}",
            f"cpu {cpu_model()}, {os.cpu_count()} cores{mem}"]


def _audio() -> list[str]:
    try:
        import sounddevice as sd
    except OSError as err:  # PortAudio shared library missing
        print(f"  PortAudio not available: {err}")
        return ["apt-get install libportaudio2"]
    devices = sd.query_devices()
    if not len(devices):
        print("  no audio devices (no sound card, or no PulseAudio server running)")
        return ["attach a sound card, or start PulseAudio: pulseaudio --start"]
    for index, dev in enumerate(devices):
        print(f"  [{index}] {dev['name']}: {dev['max_input_channels']} in, "
              f"{dev['max_output_channels']} out, {dev['default_samplerate']:.0f} Hz")
    return []


def _models(profile_name: str | None) -> list[str]:
    try:
        store = default_store()
        specs = store.manifest.defaults()
        if profile_name:
            prof = profiles.load(profile_name, store.manifest)
            specs += [store.manifest.get(i) for i in prof.model_ids(store.manifest)]
    except VoiceboxError as err:
        print(f"  {err}")
        return ["check models/manifest.toml and the profile"]
    broken = []
    for spec in {s.id: s for s in specs}.values():
        status = store.status(spec, full=False)
        print(f"  {spec.id:30} {status.state:9} {spec.license}")
        if not status.ok:
            print(f"    {status.problems[0]}")
            broken.append(spec)
    return [pull_command(*broken)] if broken else []


def _sensors(sysfs: Path) -> list[str]:
    zones = sorted((sysfs / "class" / "thermal").glob("thermal_zone*"))
    for zone in zones:
        try:
            kind = (zone / "type").read_text().strip()
            temp = int((zone / "temp").read_text()) / 1000
            print(f"  {zone.name}: {kind} {temp:.1f} °C")
        except (OSError, ValueError) as err:
            print(f"  {zone.name}: unreadable ({err})")
    if not zones:
        print("  no thermal zones readable (the thermal governor stays idle)")
    supplies = sorted((sysfs / "class" / "power_supply").glob("*"))
    for supply in supplies:
        capacity = supply / "capacity"
        if capacity.exists():
            print(f"  {supply.name}: battery {capacity.read_text().strip()} %")
    if not any((s / "capacity").exists() for s in supplies):
        print("  no battery found (mains powered, or not exposed)")
    return []
