"""One face engine per process, warmed at start-up (or lazily on first use), with a bound on how many
decisions run at once: each is CPU-bound, so more than the cores only adds memory and latency."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from face.engine import FaceEngine

if TYPE_CHECKING:
    from api.core.settings import Settings

T = TypeVar("T")


class EngineHolder:
    def __init__(self, workers: int, factory: Callable[[], FaceEngine] = FaceEngine) -> None:
        self._factory = factory
        self._engine: FaceEngine | None = None
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(workers)

    @classmethod
    def for_settings(cls, settings: Settings) -> EngineHolder:
        """The engine the settings describe (``settings.face``), ``certification.engine_workers`` at once."""
        return cls(settings.certification.engine_workers, lambda: FaceEngine(settings.face))

    @property
    def loaded(self) -> bool:
        """True once the models are loaded and warmed (``/readyz`` waits for it outside test mode)."""
        return self._engine is not None

    def get(self) -> FaceEngine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    engine = self._factory()
                    engine.warm_up()
                    self._engine = engine
        return self._engine

    def warm_in_background(self) -> threading.Thread:
        """Start loading the models without holding up start-up; the first request waits for them."""
        thread = threading.Thread(target=self.get, name="face-engine-warm-up", daemon=True)
        thread.start()
        return thread

    def run(self, work: Callable[[FaceEngine], T]) -> T:
        """Run ``work(engine)`` in the calling (worker) thread, at most ``workers`` at a time."""
        engine = self.get()
        with self._slots:
            return work(engine)
