"""Delivery of items without losing any: a durable SQLite outbox and its sinks.

See docs/delivery.md for the envelope, the MQTT topics and the configuration.
"""
from __future__ import annotations

from voicebox.outbox.base import DeliveryError, Envelope, OutboxError, Sent, Sink
from voicebox.outbox.outbox import Outbox
from voicebox.outbox.settings import Delivery, default_outbox_path, outbox_path
from voicebox.outbox.worker import SinkState

__all__ = ["Delivery", "DeliveryError", "Envelope", "Outbox", "OutboxError", "Sent", "Sink",
           "SinkState", "default_outbox_path", "outbox_path"]
