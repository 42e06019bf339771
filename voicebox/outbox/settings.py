"""Settings of the `[delivery]` profile section: where the outbox lives and one table per sink.

A sink is configured by its table (`[delivery.mqtt]`, `[delivery.webhook]`, `[delivery.serial]`,
`[delivery.file]`); a missing table means that sink is off. `validate` checks what the types
alone cannot express and names the file and key, like the rest of the profile (exit 2).
"""
from __future__ import annotations

import os
import re
import socket
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from voicebox.errors import ConfigError

_SECONDS = {"range": (0.01, 3600.0)}


@dataclass(frozen=True)
class FileSink:
    """Append one JSON envelope per line to a local file."""

    path: str
    fsync: bool = True


@dataclass(frozen=True)
class MqttSink:
    """Publish each envelope with QoS 1, retain off, to `topic` on an MQTT broker."""

    host: str = "localhost"
    port: int = field(default=1883, metadata={"range": (1, 65535)})
    topic: str = "voicebox/{device}/{kind}"
    status_topic: str = "voicebox/{device}/status"
    client_id: str = ""
    username: str = ""
    password: str = ""
    password_env: str = ""
    keepalive_s: int = field(default=30, metadata={"range": (5, 3600)})
    timeout_s: float = field(default=10.0, metadata=_SECONDS)
    tls: bool = False
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""
    tls_insecure: bool = False


@dataclass(frozen=True)
class WebhookSink:
    """POST each envelope as JSON to `url`."""

    url: str
    timeout_s: float = field(default=10.0, metadata=_SECONDS)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SerialSink:
    """Write one JSON envelope per line to a serial port (or a pyserial URL such as socket://)."""

    port: str
    baudrate: int = field(default=9600, metadata={"range": (50, 4_000_000)})
    write_timeout_s: float = field(default=2.0, metadata=_SECONDS)
    newline: Literal["\n", "\r\n"] = "\n"


@dataclass(frozen=True)
class Delivery:
    """The `[delivery]` section; with no sink table the outbox is not needed."""

    device_id: str = ""
    outbox: str = ""
    retry_min_s: float = field(default=1.0, metadata=_SECONDS)
    retry_max_s: float = field(default=300.0, metadata=_SECONDS)
    batch: int = field(default=50, metadata={"range": (1, 1000)})
    keep_days: float = field(default=7.0, metadata={"range": (0.0, 3650.0)})
    file: FileSink | None = None
    mqtt: MqttSink | None = None
    webhook: WebhookSink | None = None
    serial: SerialSink | None = None

    def sinks(self) -> dict[str, FileSink | MqttSink | WebhookSink | SerialSink]:
        """The configured sinks by name (the name is the table's: file, mqtt, webhook, serial)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (FileSink, MqttSink, WebhookSink, SerialSink)):
                out[f.name] = value
        return out

    def device(self) -> str:
        """The device id put in every envelope and topic; the host name unless set."""
        return self.device_id or socket.gethostname()


def default_outbox_path() -> Path:
    """`$VOICEBOX_DATA/outbox.sqlite`, else `$XDG_DATA_HOME/voicebox/`, else `~/.local/share/voicebox/`."""
    data = os.environ.get("VOICEBOX_DATA")
    if data:
        return Path(data).expanduser() / "outbox.sqlite"
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base).expanduser() / "voicebox" / "outbox.sqlite"


def outbox_path(delivery: Delivery, override: str | Path | None = None) -> Path:
    """The outbox database: `--outbox` wins, then `delivery.outbox`, then the default."""
    chosen = override or delivery.outbox
    return Path(chosen).expanduser() if chosen else default_outbox_path()


_TOPIC_FIELDS = {"device", "kind", "profile"}
_DEVICE_ID = re.compile(r"^[A-Za-z0-9_.:-]+$")


def validate(delivery: Delivery, where: str) -> None:
    """Cross-field checks of `[delivery]`; ConfigError names `where` and the dotted key."""
    if delivery.device_id and not _DEVICE_ID.match(delivery.device_id):
        raise ConfigError(f"{where}: delivery.device_id: {delivery.device_id!r} may hold only "
                          "letters, digits and _ . : - (it becomes part of MQTT topics)")
    if delivery.retry_min_s > delivery.retry_max_s:
        raise ConfigError(f"{where}: delivery.retry_min_s: {delivery.retry_min_s} is above "
                          f"delivery.retry_max_s {delivery.retry_max_s}")
    if delivery.mqtt:
        _check_mqtt(delivery.mqtt, where)
    if delivery.webhook:
        url = urlsplit(delivery.webhook.url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(f"{where}: delivery.webhook.url: {delivery.webhook.url!r} is not an "
                              "http:// or https:// URL")
    if delivery.file and not delivery.file.path:
        raise ConfigError(f"{where}: delivery.file.path: must not be empty")
    if delivery.serial and not delivery.serial.port:
        raise ConfigError(f"{where}: delivery.serial.port: must not be empty")


def _check_mqtt(mqtt: MqttSink, where: str) -> None:
    for key in ("topic", "status_topic"):
        template = getattr(mqtt, key)
        try:
            template.format(device="d", kind="k", profile="p")
            names = set(re.findall(r"{([^{}]*)}", template))
        except (KeyError, ValueError, IndexError):
            names = {"?"}
        if not template or names - _TOPIC_FIELDS or any(c in template for c in "#+"):
            raise ConfigError(f"{where}: delivery.mqtt.{key}: {template!r} must be a topic without "
                              "wildcards, using only {device}, {kind} and {profile}")
    if mqtt.password and mqtt.password_env:
        raise ConfigError(f"{where}: delivery.mqtt.password_env: set either password or "
                          "password_env, not both")
    if (mqtt.cert_file or mqtt.key_file or mqtt.ca_file or mqtt.tls_insecure) and not mqtt.tls:
        raise ConfigError(f"{where}: delivery.mqtt.tls: ca_file/cert_file/key_file/tls_insecure "
                          "need tls = true")
    if bool(mqtt.cert_file) != bool(mqtt.key_file):
        raise ConfigError(f"{where}: delivery.mqtt.cert_file: a client certificate needs both "
                          "cert_file and key_file")
