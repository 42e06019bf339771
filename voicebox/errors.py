"""Errors that end a command with a one-line message and a contract exit code.

Exit codes (contract §3): 0 success, 2 bad usage or bad input, 3 missing or corrupt
model. Each stage raises its own subclass; the CLI prints `voicebox: <message>` and
exits with `exit_code`, never a traceback.
"""
from __future__ import annotations


class VoiceboxError(Exception):
    """Base of every error voicebox reports to the user."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class UsageError(VoiceboxError):
    """Bad command-line usage."""

    exit_code = 2
    code = "usage"


class BadInputError(VoiceboxError):
    """Input (audio, text, JSON) that cannot be used."""

    exit_code = 2
    code = "bad_input"


class ConfigError(VoiceboxError):
    """A profile or manifest that fails validation; the message names file and key."""

    exit_code = 2
    code = "config"


class ModelError(VoiceboxError):
    """A model that is missing or corrupt; the message names the pull that fixes it."""

    exit_code = 3
    code = "model"


class FetchError(VoiceboxError):
    """A model source that could not deliver (network, hash mismatch, bad archive)."""

    exit_code = 3
    code = "fetch"
