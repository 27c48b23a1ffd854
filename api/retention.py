"""Retention of chat users' personal data (Nghị định 13/2023/NĐ-CP): conversations are kept
only while they are in use.

A conversation not touched for ``PLANBOT_CONVERSATION_IDLE_MINUTES`` already reads as absent
(the conversation store ignores it); :class:`RetentionSweeper` deletes such conversations on
a daemon thread while the server or the polling bot runs, in bounded batches, so they do not
stay in the database either.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.telegram import SOURCES_PREFIX
from domain.errors import StoreError
from domain.settings import Settings
from stores import Stores

__all__ = ["RetentionSweeper"]

log = logging.getLogger(__name__)

# Conversations deleted per statement, and how long one sweep may keep deleting batches
# (the rest waits for the next sweep): each batch holds the write lock only briefly.
BATCH = 1000
MAX_SWEEP_SECONDS = 30.0
# Sweeps run this often at most; a short idle time (tests, demos) sweeps more often.
MAX_INTERVAL = timedelta(hours=1)
MIN_INTERVAL = timedelta(seconds=30)
# Webhook message ids are kept this long to refuse a replayed event; none comes later.
SEEN_MESSAGES_AGE = timedelta(days=7)
# Rate-limit events count within windows of minutes; a day is more than any window.
RATE_EVENTS_AGE = timedelta(days=1)
# The evidence behind a Telegram answer's "Nguồn" button is kept as long as replays are.


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class RetentionSweeper:
    """Deletes idle conversations now (:meth:`sweep`) and every ``interval`` (:meth:`start`
    … :meth:`stop`).

    :param interval: time between sweeps; by default a quarter of the idle time, between
        :data:`MIN_INTERVAL` and :data:`MAX_INTERVAL`.
    """

    def __init__(
        self,
        stores: Stores,
        settings: Settings,
        *,
        interval: timedelta | None = None,
        clock: Callable[[], datetime] = _utcnow,
        also: Callable[[], object] = lambda: None,
        batch: int = BATCH,
    ) -> None:
        """:param also: run on every timed sweep too (the ingest jobs' cleanup)."""
        self._also = also
        self._batch = batch
        self._stores = stores
        self.idle = timedelta(minutes=settings.conversation_idle_minutes)
        self.audit_age = timedelta(days=settings.audit_days)
        self.interval = interval or min(MAX_INTERVAL, max(MIN_INTERVAL, self.idle / 4))
        self._clock = clock
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def sweep(self) -> dict[str, int]:
        """Delete conversations idle longer than the idle time, in batches, for at most
        :data:`MAX_SWEEP_SECONDS`; how many went. A failing store is logged, never raised."""
        cutoff = self._clock() - self.idle
        deadline = time.monotonic() + MAX_SWEEP_SECONDS
        gone = 0
        try:
            while not self._stopping.is_set():
                batch = self._stores.conversations.prune(cutoff, limit=self._batch)
                gone += batch
                if batch < self._batch or time.monotonic() >= deadline:
                    break
        except StoreError as exc:
            log.warning("idle conversations not swept: %s", exc)
        except Exception:  # the sweeper thread must outlive any surprise
            log.exception("idle conversations not swept")
        if gone:
            log.info("forgot %d idle conversations", gone)
        return {"conversations": gone, **self._sweep_logs()}

    def _sweep_logs(self) -> dict[str, int]:
        """Audit entries past ``audit_days`` and webhook message ids past a week go too."""
        now = self._clock()
        gone = {"audit": 0, "seen_messages": 0, "rate_events": 0, "kept_sources": 0}
        try:
            gone["audit"] = self._stores.audit.prune(now - self.audit_age)
            gone["seen_messages"] = self._stores.channels.prune_seen(now - SEEN_MESSAGES_AGE)
            gone["rate_events"] = self._stores.rates.prune(RATE_EVENTS_AGE.total_seconds())
            gone["kept_sources"] = self._stores.channels.prune_values(
                SOURCES_PREFIX, (now - SEEN_MESSAGES_AGE).strftime("%Y%m%d")
            )
        except StoreError as exc:
            log.warning("old log entries not swept: %s", exc)
        return gone

    def start(self) -> None:
        """Sweep every ``interval`` on a daemon thread until :meth:`stop` (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = MAX_SWEEP_SECONDS + 5) -> None:
        """Stop the thread, waiting for a sweep under way to finish its batch."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stopping.wait(self.interval.total_seconds()):
            self.sweep()
            try:
                self._also()
            except Exception:
                log.exception("periodic maintenance failed")
