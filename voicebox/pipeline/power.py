"""Power management as one component: what is loaded, when it is unloaded, and the events.

Stages do not load or unload themselves. The runner (or a stage, through `handle()`) asks the
manager to `acquire` a component before use and `release` it after; a released component
is unloaded once it has been idle for its configured time of *stream* time, checked by
`tick(t)` on every frame. Every load and unload is a `power` event with its duration and
the process RSS afterwards. With `always_loaded` everything is loaded at start and stays.

Loads may happen on a stage's own thread (the recogniser loads in the background while audio
is buffered), so bookkeeping is locked and `tick` never waits for a load in progress.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from voicebox.asr.memory import release_freed_memory, rss_mb
from voicebox.pipeline.events import Emit, Power as PowerEvent
from voicebox.pipeline.settings import Power as PowerSettings

M_ARENA_MAX = -8   # glibc's mallopt parameter number


def limit_malloc_arenas(arenas: int = 1) -> bool:
    """Make glibc's malloc keep few arenas; call before the pipeline starts its threads.

    Models load and unload on several threads (the Listener's decoder, prefetches); with an
    arena per thread, what they free stays scattered and RSS creeps up turn after turn (here
    ~80 MB after ten turns). One arena gives that memory back: idle RSS is what is loaded.
    Returns False where this is not glibc.
    """
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is None or not hasattr(libc, "mallopt"):
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


class Component(Protocol):
    """What the manager drives: anything with `loaded`, `load()` and `unload()`."""

    @property
    def loaded(self) -> bool: ...

    def load(self) -> Any: ...

    def unload(self) -> None: ...


@dataclass
class _Slot:
    component: Component
    idle_s: float | None                 # None: stays loaded until the manager closes
    resident: bool = False               # loaded at start whatever the policy (the wake word model)
    busy: bool = False
    deadline: float | None = None        # stream time at which an idle component is unloaded
    lock: threading.Lock = field(default_factory=threading.Lock)


class PowerManager:
    """Loads components on demand and unloads them after their idle time; see the module docstring."""

    def __init__(self, settings: PowerSettings, emit: Emit, clock: Callable[[], float]) -> None:
        self.settings = settings
        self.emit = emit
        self.clock = clock                # current stream time, for events raised off the frame loop
        self._slots: dict[str, _Slot] = {}
        self._lock = threading.Lock()

    def add(self, name: str, component: Component, idle_s: float | None, resident: bool = False) -> None:
        """Register a component; `idle_s` None keeps it until the end once loaded."""
        idle_s = None if self.settings.always_loaded or resident else idle_s
        self._slots[name] = _Slot(component, idle_s, resident)

    def start(self) -> None:
        """Load the resident components, and with `always_loaded` every other one too."""
        for name, slot in self._slots.items():
            if slot.resident or self.settings.always_loaded:
                self._load(name, "start" if slot.resident else "always_loaded")

    def acquire(self, name: str) -> Component:
        """Mark `name` in use and load it if it is not resident; returns the component."""
        self.claim(name)
        self._load(name, "demand")
        return self._slots[name].component

    def claim(self, name: str) -> None:
        """Mark `name` in use without loading it: its stage loads it itself (on its own thread)."""
        slot = self._slots.get(name)
        if slot is None:
            return
        with self._lock:
            slot.busy, slot.deadline = True, None

    def prefetch(self, name: str) -> None:
        """Mark `name` in use and load it on a background thread, so it is ready when the turn needs
        it (the voice, while the user is still speaking). A failed prefetch leaves it unloaded:
        `acquire` loads it again in the stage that needs it, which reports the error."""
        slot = self._slots.get(name)
        if slot is None:
            return
        self.claim(name)
        if not slot.component.loaded:
            threading.Thread(target=self._prefetch, args=(name,), name=f"voicebox-load-{name}",
                             daemon=True).start()

    def _prefetch(self, name: str) -> None:
        try:
            self._load(name, "prefetch")
        except Exception:  # not lost: acquire() meets the same error where the stage reports it
            pass

    def release(self, name: str, t: float) -> None:
        """`name` is no longer in use: schedule its unload after its idle time.

        Releasing what is already released keeps the earlier deadline; an unknown name (a stage
        this run does not have, such as the LLM of a templates-only profile) is ignored.
        """
        slot = self._slots.get(name)
        if slot is None:
            return
        with self._lock:
            if slot.busy or slot.deadline is None:
                slot.deadline = t + slot.idle_s if slot.idle_s is not None else None
            slot.busy = False

    def tick(self, t: float) -> None:
        """Unload every released component whose idle time has passed at stream time `t`."""
        for name, slot in self._slots.items():
            with self._lock:
                due = not slot.busy and slot.deadline is not None and t >= slot.deadline
            if due and slot.component.loaded:
                self._unload(name, "idle", blocking=False)
            elif due:
                slot.deadline = None

    def close(self) -> None:
        """Unload everything (end of the run)."""
        for name in self._slots:
            self._unload(name, "stop", blocking=True)

    def resident(self) -> list[str]:
        return [name for name, slot in self._slots.items() if slot.component.loaded]

    def handle(self, name: str) -> "Managed":
        """A stand-in for the component whose `load()` goes through the manager (see Managed)."""
        return Managed(self, name)

    def _load(self, name: str, reason: str) -> None:
        slot = self._slots[name]
        with slot.lock:
            if slot.component.loaded:
                return
            start = time.perf_counter()
            slot.component.load()
            ms = (time.perf_counter() - start) * 1000
            # inside the lock: an unload waiting for this load cannot report before it
            self.emit(PowerEvent(self.clock(), component=name, action="load", ms=ms,
                                 rss_mb=rss_mb(), reason=reason))

    def _unload(self, name: str, reason: str, blocking: bool) -> None:
        slot = self._slots[name]
        if not slot.lock.acquire(blocking=blocking):
            return                        # still loading on another thread: try on a later tick
        try:
            with self._lock:
                slot.deadline = None
            if not slot.component.loaded:
                return
            start = time.perf_counter()
            slot.component.unload()
            release_freed_memory()        # glibc keeps freed model memory unless asked to trim
            ms = (time.perf_counter() - start) * 1000
            self.emit(PowerEvent(self.clock(), component=name, action="unload", ms=ms,
                                 rss_mb=rss_mb(), reason=reason))
        finally:
            slot.lock.release()


class Managed:
    """A component as a stage sees it: `load()` asks the power manager, the rest is the component.

    A stage that loads lazily (the Listener loads the recogniser in the background, the
    Understander loads the LLM only when the templates miss) gets this instead of the bare
    component, so that every load is the manager's and becomes a `power` event.
    """

    def __init__(self, manager: PowerManager, name: str) -> None:
        self._manager = manager
        self._name = name
        self._component = manager._slots[name].component

    @property
    def loaded(self) -> bool:
        return self._component.loaded

    def load(self) -> float:
        start = time.perf_counter()
        self._manager.acquire(self._name)
        return time.perf_counter() - start

    def unload(self) -> None:
        """Stages never unload: the manager decides (this only marks the component released)."""
        self._manager.release(self._name, self._manager.clock())

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._component, attr)
