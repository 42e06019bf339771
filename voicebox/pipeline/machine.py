"""The assistant's state in one place: an enum of states, an enum of triggers, one table.

    idle ──wake──▶ listening ──endpoint──▶ understanding ──reply──▶ speaking
      ▲               │ no_speech              │ silent               │ spoken
      │◀──────────────┘                        ▼                      ▼
      │◀────────────── timeout ─────────── follow_up ◀────────────────┘
                                             │ endpoint → understanding, wake → listening

`failed` leads back to idle from every state: whatever went wrong, the runner's `finally`
returns the assistant to waiting for the wake word.
"""
from __future__ import annotations

from enum import Enum

from voicebox.pipeline.events import Emit, State as StateEvent


class State(Enum):
    IDLE = "idle"
    LISTENING = "listening"
    UNDERSTANDING = "understanding"
    SPEAKING = "speaking"
    FOLLOW_UP = "follow_up"


class Trigger(Enum):
    WAKE = "wake"            # the wake word was heard
    ENDPOINT = "endpoint"    # a command ended (trailing silence or maximum length)
    NO_SPEECH = "no_speech"  # nobody spoke after the wake word
    REPLY = "reply"          # understood, with something to say
    SILENT = "silent"        # understood, nothing to say
    SPOKEN = "spoken"        # the reply has been played
    TIMEOUT = "timeout"      # the follow-up window closed
    FAILED = "failed"        # a stage failed


S, T = State, Trigger
TRANSITIONS: dict[tuple[State, Trigger], State] = {
    (S.IDLE, T.WAKE): S.LISTENING,
    (S.LISTENING, T.ENDPOINT): S.UNDERSTANDING,
    (S.LISTENING, T.NO_SPEECH): S.IDLE,
    (S.UNDERSTANDING, T.REPLY): S.SPEAKING,
    (S.UNDERSTANDING, T.SILENT): S.FOLLOW_UP,
    (S.SPEAKING, T.SPOKEN): S.FOLLOW_UP,
    (S.FOLLOW_UP, T.ENDPOINT): S.UNDERSTANDING,
    (S.FOLLOW_UP, T.WAKE): S.LISTENING,
    (S.FOLLOW_UP, T.TIMEOUT): S.IDLE,
    **{(state, T.FAILED): S.IDLE for state in S},
}


class Machine:
    """Holds the current state; `fire` applies the table and reports the move as a `state` event."""

    def __init__(self, emit: Emit) -> None:
        self.state = State.IDLE
        self.emit = emit

    def fire(self, trigger: Trigger, t: float) -> State:
        """Move on `trigger`; a pair missing from the table is a bug in the runner, not user input."""
        target = TRANSITIONS.get((self.state, trigger))
        if target is None:
            raise RuntimeError(f"no transition from {self.state.value} on {trigger.value}")
        previous, self.state = self.state, target
        self.emit(StateEvent(t, state=target.value, previous=previous.value, trigger=trigger.value))
        return target

    def can(self, trigger: Trigger) -> bool:
        return (self.state, trigger) in TRANSITIONS
