"""Sinks by name, as the `[delivery.<name>]` tables of a profile configure them.

`build` checks what can only be checked on this machine (installed packages, certificate
files) and raises ConfigError (exit 2) naming the key and the fix.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from voicebox.errors import ConfigError
from voicebox.outbox.base import Sink
from voicebox.outbox.settings import Delivery, FileSink, MqttSink, SerialSink, WebhookSink

# the Python package each sink needs, and the distribution that provides it
NEEDS = {"mqtt": ("paho.mqtt", "paho-mqtt>=2.1,<3"), "serial": ("serial", "pyserial>=3.5,<4")}


def build(delivery: Delivery, profile: str, where: str = "profile") -> list[Sink]:
    """One Sink per configured table, in a fixed order (file, mqtt, webhook, serial)."""
    device = delivery.device()
    sinks: list[Sink] = []
    for name, settings in delivery.sinks().items():
        _require(name, where)
        if isinstance(settings, FileSink):
            from voicebox.outbox.sinks.file_sink import FileSink as Impl
            sinks.append(Impl(settings))
        elif isinstance(settings, MqttSink):
            _check_files(settings, where)
            from voicebox.outbox.sinks.mqtt_sink import MqttSink as MqttImpl
            sinks.append(MqttImpl(settings, device, profile))
        elif isinstance(settings, WebhookSink):
            from voicebox.outbox.sinks.webhook_sink import WebhookSink as WebhookImpl
            sinks.append(WebhookImpl(settings))
        elif isinstance(settings, SerialSink):
            from voicebox.outbox.sinks.serial_sink import SerialSink as SerialImpl
            sinks.append(SerialImpl(settings))
    return sinks


def _require(name: str, where: str) -> None:
    module, dist = NEEDS.get(name, ("", ""))
    if module and importlib.util.find_spec(module.split(".")[0]) is None:
        raise ConfigError(f"{where}: delivery.{name}: needs the Python package {dist.split('>')[0]}; "
                          f"install it with: pip install '{dist}' (or make setup)")


def _check_files(mqtt: MqttSink, where: str) -> None:
    for key in ("ca_file", "cert_file", "key_file"):
        value = getattr(mqtt, key)
        if value and not Path(value).expanduser().is_file():
            raise ConfigError(f"{where}: delivery.mqtt.{key}: no such file {value!r}")
    if mqtt.password_env and mqtt.password_env not in os.environ:
        raise ConfigError(f"{where}: delivery.mqtt.password_env: the environment variable "
                          f"{mqtt.password_env} is not set")
