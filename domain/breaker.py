"""A circuit breaker for a dependency that can fail or hang (a Chroma server, an embedding
or LLM endpoint): after a failure, calls are refused for a cool-down, so a dependency that
hangs costs one request its timeout instead of costing every request the same wait.

Usage example::

    breaker = Breaker(cooldown_s=15)
    if breaker.is_open():
        ...  # skip the call, degrade
    try:
        call()
    except TimeoutError:
        breaker.failed()
        raise
    breaker.succeeded()
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["Breaker"]


class Breaker:
    """Open (refusing calls) for ``cooldown_s`` after each failure; closed after a success."""

    def __init__(self, cooldown_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        if cooldown_s < 0:
            raise ValueError(f"cooldown_s must not be negative, got {cooldown_s}")
        self._cooldown = cooldown_s
        self._clock = clock
        self._until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        """True while calls should be skipped."""
        with self._lock:
            return self._clock() < self._until

    def failed(self) -> None:
        with self._lock:
            self._until = self._clock() + self._cooldown

    def succeeded(self) -> None:
        with self._lock:
            self._until = 0.0
