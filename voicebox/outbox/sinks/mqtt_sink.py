"""MQTT sink (paho-mqtt 2.x): each envelope to `voicebox/<device>/<kind>`, QoS 1, retain off.

The sink counts an envelope as delivered only when the broker has acknowledged it (PUBACK).
`<status_topic>` holds a retained `online` while connected; the broker publishes the
last-will `offline` there when the device vanishes (crash, power loss, network cut), and the
sink publishes `offline` itself on a clean close.
"""
from __future__ import annotations

import os
import ssl
import threading
import time
from typing import Any, Sequence

from voicebox.outbox.base import DeliveryError, Envelope, Sent
from voicebox.outbox.settings import MqttSink as Settings


class MqttSink:
    name = "mqtt"

    def __init__(self, settings: Settings, device: str, profile: str) -> None:
        self.s = settings
        self.where = f"mqtt {settings.host}:{settings.port}"
        self.fields = {"device": device, "profile": profile}
        self.status_topic = settings.status_topic.format(kind="status", **self.fields)
        self.client_id = settings.client_id or f"voicebox-{device}"
        self._client: Any = None
        self._connack = threading.Event()
        self._lost = threading.Event()
        self._refusal = ""

    def topic(self, kind: str) -> str:
        return self.s.topic.format(kind=kind, **self.fields)

    def open(self) -> None:
        client = self._new_client()
        try:
            client.connect(self.s.host, self.s.port, keepalive=self.s.keepalive_s)
        except ssl.SSLError as err:
            raise DeliveryError(f"{self.where}: TLS handshake failed: {err}", code="tls") from None
        except OSError as err:
            hint = " (is this port a TLS listener?)" if self.s.tls else ""
            raise DeliveryError(f"{self.where}: cannot connect: {err.strerror or err}{hint}",
                                code="unreachable") from None
        client.loop_start()
        self._client = client
        if not self._connack.wait(self.s.timeout_s):
            raise DeliveryError(f"{self.where}: no CONNACK within {self.s.timeout_s:g} s",
                                code="timeout")
        if self._refusal:
            raise DeliveryError(f"{self.where}: broker refused the connection: {self._refusal}",
                                code="auth")
        client.publish(self.status_topic, "online", qos=1, retain=True)

    def _new_client(self) -> Any:
        from paho.mqtt import client as mqtt

        self._connack.clear()
        self._lost.clear()
        self._refusal = ""
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id,
                             clean_session=True, protocol=mqtt.MQTTv311)
        client.connect_timeout = self.s.timeout_s
        client.max_inflight_messages_set(100)
        password = self.s.password or (os.environ.get(self.s.password_env) if self.s.password_env else None)
        if self.s.username:
            client.username_pw_set(self.s.username, password)
        if self.s.tls:
            client.tls_set(ca_certs=self.s.ca_file or None, certfile=self.s.cert_file or None,
                           keyfile=self.s.key_file or None)
            client.tls_insecure_set(self.s.tls_insecure)
        client.will_set(self.status_topic, "offline", qos=1, retain=True)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        return client

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        if reason.is_failure:
            self._refusal = str(reason)
        self._connack.set()

    def _on_disconnect(self, client: Any, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        self._lost.set()

    def send(self, batch: Sequence[Envelope]) -> Sent:
        from paho.mqtt.client import MQTT_ERR_SUCCESS

        infos = []
        for env in batch:
            if self._lost.is_set():
                break
            info = self._client.publish(self.topic(env.kind), env.body, qos=1, retain=False)
            if info.rc != MQTT_ERR_SUCCESS:
                break
            infos.append(info)
        deadline = time.monotonic() + self.s.timeout_s
        for done, info in enumerate(infos):
            while not self._acked(info):
                if self._lost.is_set() or info.rc != MQTT_ERR_SUCCESS:
                    return Sent(done, self._lost_error())
                if time.monotonic() > deadline:
                    return Sent(done, DeliveryError(f"{self.where}: no PUBACK within "
                                                    f"{self.s.timeout_s:g} s", code="timeout"))
                self._wait(info, 0.05)
        if len(infos) < len(batch):
            return Sent(len(infos), self._lost_error())
        return Sent(len(batch))

    @staticmethod
    def _acked(info: Any) -> bool:
        try:
            return info.is_published()
        except (ValueError, RuntimeError):  # paho's way of saying the publish failed
            return False

    @staticmethod
    def _wait(info: Any, seconds: float) -> None:
        try:
            info.wait_for_publish(seconds)
        except (ValueError, RuntimeError):
            pass  # the caller sees the failure through _acked() and the connection state

    def _lost_error(self) -> DeliveryError:
        return DeliveryError(f"{self.where}: connection to the broker lost", code="unreachable")

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        if self._connack.is_set() and not self._lost.is_set() and not self._refusal:
            # a clean DISCONNECT suppresses the will, so say `offline` ourselves
            self._wait(client.publish(self.status_topic, "offline", qos=1, retain=True), 1.0)
        client.disconnect()
        client.loop_stop()
