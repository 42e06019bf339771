"""voicebox: an offline, wake-word gated voice assistant for edge devices."""

__version__ = "0.1.0"
