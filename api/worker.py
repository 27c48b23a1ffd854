"""Ingest workers: take jobs from the database queue and run them, one at a time.

``planbot serve`` runs one inside the API process (the embedded default); ``planbot worker``
runs one on its own, so several processes — on other machines too, over PostgreSQL and a
Chroma server — share the queue. A running job beats (``heartbeat_at``); a job whose worker
stopped beating (killed mid-job) is marked failed by the next worker or server to look, and
the ingest's own atomic switch leaves the previous version serving.

Usage example::

    worker = IngestWorker(container)
    worker.start()   # a thread; worker.stop() ends it after the job under way
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from api.audit_log import record_audit
from api.container import Container
from domain.errors import EmbedderError, StoreError
from ingest.pipeline import IngestResult
from stores import ClaimedJob

__all__ = ["STATUS_BY_KIND", "IngestWorker", "result_json"]

log = logging.getLogger(__name__)

# The HTTP status a failed job reports as its ``code``, by why it failed.
STATUS_BY_KIND = {
    "unsupported": 415,
    "corrupt": 422,
    "empty": 422,
    "ingest": 422,
    "limit": 413,
    "unavailable": 503,
}
HEARTBEAT_S = 5.0
ABANDONED = "Tác vụ bị gián đoạn vì tiến trình nạp đã dừng; hãy tải văn bản lên lại."


def result_json(result: IngestResult) -> dict[str, Any]:
    body = asdict(result)
    body["id"] = result.document_id
    body["tasks_extracted"] = result.tasks
    body["targets_extracted"] = result.targets
    return body


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class IngestWorker:
    """One worker: claims the oldest queued job, ingests its files, records the outcome."""

    def __init__(
        self, container: Container, *, name: str | None = None, poll_s: float = 0.5
    ) -> None:
        self._c = container
        self._store = container.stores.jobs
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self._poll = poll_s
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._maintain = threading.Event()
        self._stale_after = timedelta(seconds=container.settings.ingest_stale_s)

    # -- running ------------------------------------------------------------------------------

    def run_once(self) -> bool:
        """Run the oldest queued job, if any; returns whether there was one."""
        claimed = self._store.claim(self.name)
        if claimed is None:
            return False
        beating = threading.Event()
        beat = threading.Thread(target=self._beat, args=(claimed.job.id, beating), daemon=True)
        beat.start()
        try:
            self._run(claimed)
        finally:
            beating.set()
            beat.join(timeout=HEARTBEAT_S)
        return True

    def _beat(self, job_id: str, done: threading.Event) -> None:
        while not done.wait(HEARTBEAT_S):
            try:
                self._store.heartbeat(job_id)
            except StoreError as exc:
                log.warning("job %s heartbeat failed: %s", job_id, exc)

    def _run(self, claimed: ClaimedJob) -> None:
        job = claimed.job
        files = [(Path(name), data) for name, data in claimed.files]
        try:
            result = self._c.ingestor.ingest_files(files, replace_id=job.replace_id)
        except Exception as exc:
            log.exception("ingest job %s failed", job.id)
            why = (
                "kho dữ liệu hoặc mô hình nhúng tạm thời không phản hồi"
                if isinstance(exc, (StoreError, EmbedderError))
                else "lỗi hệ thống"
            )
            self._store.finish(
                job.id,
                "failed",
                result={"code": 503, "kind": "unavailable"},
                detail=f"Không nạp được {job.source}: {why}; văn bản cũ (nếu có) vẫn được "
                "giữ nguyên, hãy thử lại sau.",
            )
            self._cleanup()
            self._audit(claimed, "failed", None, type(exc).__name__)
            return
        if result.status == "failed":
            detail = f"Không nạp được {result.source}: {result.error}"
            code = STATUS_BY_KIND.get(result.kind, 422)
            self._store.finish(
                job.id, "failed", result={"code": code, "kind": result.kind}, detail=detail
            )
            self._cleanup()
            self._audit(claimed, "failed", result, detail)
            return
        self._quietly(self._c.assistant.warm, "reading the new version into the search")
        self._store.finish(job.id, result.status, result=result_json(result), detail=None)
        self._audit(claimed, "ok", result, f"{result.status}, v{result.version}")

    def _audit(
        self, claimed: ClaimedJob, outcome: str, result: IngestResult | None, detail: str
    ) -> None:
        origin = claimed.job.origin or {}
        action = str(origin.get("action", "upload"))
        if result is not None and result.attached_to:
            action = "attach"
        record_audit(
            self._c,
            str(origin.get("client", "unknown")),
            None,
            action,
            outcome,
            document_id=(result.document_id if result else None) or claimed.job.replace_id,
            job_id=claimed.job.id,
            detail=f"{claimed.job.source}: {detail}",
            fingerprint=origin.get("fingerprint"),
        )

    # -- upkeep -------------------------------------------------------------------------------

    def maintain(self) -> None:
        """Ask for a cleanup between jobs (what failed jobs left) and fail the jobs of
        workers that died."""
        self._maintain.set()

    def _upkeep(self) -> None:
        self._quietly(
            lambda: self._store.abandon_stale(ABANDONED, _now() - self._stale_after),
            "failing the jobs of stopped workers",
        )
        if self._maintain.is_set():
            self._maintain.clear()
            self._cleanup()

    def _cleanup(self) -> None:
        self._quietly(self._c.cleanup, "cleanup after a failed job")

    @staticmethod
    def _quietly(step: Any, what: str) -> None:
        try:
            step()
        except Exception:
            log.exception(what)

    # -- lifecycle ----------------------------------------------------------------------------

    def run_forever(self) -> None:
        """Take jobs until :meth:`stop`; a store that fails is retried after a pause."""
        self._upkeep()
        while not self._stopping.is_set():
            try:
                ran = self.run_once()
            except StoreError as exc:
                log.warning("job queue unavailable: %s", exc)
                ran = False
            if not ran:
                self._upkeep()
                self._stopping.wait(self._poll)

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stopping.clear()
            self._thread = threading.Thread(target=self.run_forever, name="ingest", daemon=True)
            self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the job under way (waits for it unless ``timeout``)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
