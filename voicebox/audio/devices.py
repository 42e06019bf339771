"""Sound devices through PortAudio (sounddevice): find a device by name or index.

A device is named in the profile's `[audio]` table or on the command line: an index
("2"), an exact name ("pulse"), or a unique part of a name ("USB"). Everything that can
go wrong here is a DeviceError: one line, exit 2.
"""
from __future__ import annotations

from types import ModuleType
from typing import Literal

from voicebox.audio.convert import reason
from voicebox.errors import BadInputError

Kind = Literal["input", "output"]


class DeviceError(BadInputError):
    """An audio device that cannot be opened, or that failed while streaming."""

    code = "audio_device"


def portaudio() -> ModuleType:
    """The sounddevice module, or a DeviceError with the install hint when PortAudio is missing."""
    try:
        import sounddevice
    except OSError as err:  # the PortAudio shared library is missing
        raise DeviceError(f"audio devices unavailable: {reason(err)} (fix: apt-get install libportaudio2)") from None
    return sounddevice


def resolve(spec: str | int | None, kind: Kind) -> int | None:
    """The PortAudio index of the `kind` device `spec` names; None means the system default."""
    if spec is None or spec == "":
        return None
    sd = portaudio()
    devices = list(sd.query_devices())
    channels = f"max_{kind}_channels"
    usable = [(i, d["name"]) for i, d in enumerate(devices) if d[channels] > 0]
    if isinstance(spec, int) or str(spec).isdigit():
        index = int(spec)
        if any(i == index for i, _ in usable):
            return index
        raise DeviceError(f"no {kind} device with index {index} ({_listing(usable)})")
    exact = [i for i, name in usable if name.lower() == str(spec).lower()]
    partial = [i for i, name in usable if str(spec).lower() in name.lower()]
    if exact or len(partial) == 1:
        return (exact or partial)[0]
    problem = "is ambiguous" if partial else "matches no device"
    raise DeviceError(f"{kind} device {spec!r} {problem} ({_listing(usable)})")


def describe(index: int | None, kind: Kind) -> dict:
    """PortAudio's facts about a device: name, channels, default sample rate."""
    sd = portaudio()
    try:
        return dict(sd.query_devices(index, kind))
    except (sd.PortAudioError, ValueError) as err:
        raise DeviceError(f"no default {kind} device ({reason(err)})") from None


def rescan() -> None:
    """Make PortAudio list devices again (a USB microphone unplugged and plugged back in).

    PortAudio reads the device list once at start-up; the only way to refresh it is to
    terminate and initialise the library, which also ends any open stream.
    """
    sd = portaudio()
    if hasattr(sd, "_terminate") and hasattr(sd, "_initialize"):
        sd._terminate()
        sd._initialize()


def _listing(usable: list[tuple[int, str]]) -> str:
    if not usable:
        return "no devices of this kind: no sound card, or no PulseAudio server running"
    return "available: " + ", ".join(f"[{i}] {name}" for i, name in usable)
