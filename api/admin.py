"""Admin endpoints: upload, replace and delete plans (Bearer token), ingest jobs."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse

from api.container import Container
from domain.errors import CorruptFileError, DocumentNotFoundError, UnsupportedFileError
from ingest.loaders import sniff_kind
from ingest.pipeline import IngestResult
from stores import Job, JobStore

__all__ = ["IngestJobs", "router"]

# An admin token shorter than this leaves the admin endpoints off (easily guessed).
MIN_TOKEN_CHARS = 24
# How long an upload request waits for its ingest before answering 202 with a job id.
WAIT_SECONDS = 20.0
_STATUS_BY_KIND = {"unsupported": 415, "corrupt": 422, "empty": 422, "ingest": 422}


class IngestJobs:
    """Ingests run one at a time on a worker thread, so queries are never blocked and
    versions are switched in a well-defined order; each job's state is kept in the job
    store, so ``/jobs/{id}`` answers after the request that started it has gone."""

    def __init__(self, store: JobStore) -> None:
        self._store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")

    def submit(
        self, source: str, fn: Callable[[], IngestResult]
    ) -> tuple[str, Future[IngestResult]]:
        job = self._store.create("ingest", source)

        def run() -> IngestResult:
            try:
                result = fn()
            except Exception as exc:
                self._store.finish(job.id, "error", result=None, detail=f"Lỗi khi nạp: {exc}")
                raise
            self._store.finish(job.id, result.status, result=_result_json(result), detail=None)
            return result

        return job.id, self._pool.submit(run)

    def get(self, job_id: str) -> Job | None:
        return self._store.get(job_id)

    def abandon_running(self) -> int:
        """Jobs a stopped server left running can never finish: mark them failed."""
        return self._store.abandon_running(
            "Tác vụ bị gián đoạn vì máy chủ đã dừng; hãy tải văn bản lên lại."
        )

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


def get_container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


def get_jobs(request: Request) -> IngestJobs:
    return request.app.state.jobs  # type: ignore[no-any-return]


ContainerDep = Annotated[Container, Depends(get_container)]
JobsDep = Annotated[IngestJobs, Depends(get_jobs)]


class FailedAttempts:
    """Wrong admin tokens per client within a sliding window: past the limit, the client is
    refused (429) until its oldest failure leaves the window."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic):
        self._limit, self._window, self._clock = limit, window_s, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str) -> deque[float]:
        now = self._clock()
        times = self._failures.setdefault(client, deque())
        while times and now - times[0] >= self._window:
            times.popleft()
        return times

    def retry_after(self, client: str) -> int | None:
        """Seconds the client must wait, or None when it may try."""
        with self._lock:
            times = self._recent(client)
            if len(times) < self._limit:
                return None
            return max(1, math.ceil(self._window - (self._clock() - times[0])))

    def record(self, client: str) -> None:
        with self._lock:
            self._recent(client).append(self._clock())
            if len(self._failures) > 10_000:  # a flood of addresses: keep memory bounded
                self._failures = {k: v for k, v in self._failures.items() if v}


def _failed_attempts(request: Request, c: Container) -> FailedAttempts:
    state = request.app.state
    if getattr(state, "admin_failures", None) is None:
        state.admin_failures = FailedAttempts(
            c.settings.admin_max_failures, c.settings.admin_failure_window_s
        )
    return state.admin_failures  # type: ignore[no-any-return]


def require_admin(
    request: Request, c: ContainerDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Check ``Authorization: Bearer <PLANBOT_ADMIN_TOKEN>``; a client that sent too many
    wrong tokens is refused for a while (429 with Retry-After)."""
    token = c.settings.admin_token.get_secret_value() if c.settings.admin_token else ""
    if not token:
        raise HTTPException(
            403, "Chức năng quản trị đang tắt: chưa cấu hình PLANBOT_ADMIN_TOKEN trên máy chủ."
        )
    if len(token) < MIN_TOKEN_CHARS:
        raise HTTPException(
            403,
            f"Chức năng quản trị đang tắt: PLANBOT_ADMIN_TOKEN quá ngắn (cần ít nhất "
            f"{MIN_TOKEN_CHARS} ký tự).",
        )
    client = request.client.host if request.client else "unknown"
    attempts = _failed_attempts(request, c)
    if (wait := attempts.retry_after(client)) is not None:
        raise HTTPException(
            429,
            f"Nhập sai mã quản trị quá nhiều lần; hãy thử lại sau {wait} giây.",
            headers={"Retry-After": str(wait)},
        )
    scheme, _, given = (authorization or "").partition(" ")
    # bytes: a header with non-ASCII characters is simply wrong, never a server error
    same = secrets.compare_digest(given.strip().encode("utf-8", "replace"), token.encode())
    if scheme.lower() != "bearer" or not same:
        attempts.record(client)
        raise HTTPException(
            401,
            "Thiếu hoặc sai mã quản trị (Authorization: Bearer <token>).",
            headers={"WWW-Authenticate": "Bearer"},
        )


AdminDep = Annotated[None, Depends(require_admin)]
router = APIRouter()


async def _read_upload(file: UploadFile, c: Container) -> bytes:
    limit = c.settings.max_upload_mb * 1024 * 1024
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(
            413, f"Tệp vượt quá giới hạn {c.settings.max_upload_mb} MB, không được nạp."
        )
    try:
        sniff_kind(data, file.filename or "upload")
    except UnsupportedFileError as exc:
        raise HTTPException(415, f"Định dạng không hỗ trợ: {exc.reason}") from None
    except CorruptFileError:
        pass  # reported by the ingest as a 422 naming the file
    return data


def _result_json(result: IngestResult) -> dict[str, Any]:
    body = asdict(result)
    body["id"] = result.document_id
    body["tasks_extracted"] = result.tasks
    body["targets_extracted"] = result.targets
    return body


def _submit(
    jobs: IngestJobs, c: Container, name: str, data: bytes, replace_id: str | None
) -> tuple[str, Future[IngestResult]]:
    return jobs.submit(
        name, lambda: c.ingestor.ingest_file(Path(name), data=data, replace_id=replace_id)
    )


def _respond(job_id: str, future: Future[IngestResult]) -> JSONResponse:
    try:
        result = future.result(timeout=WAIT_SECONDS)
    except FutureTimeout:
        return JSONResponse(
            status_code=202,
            content={
                "job_id": job_id,
                "status": "running",
                "detail": "Đang nạp văn bản; theo dõi tại /jobs/" + job_id,
            },
        )
    if result.status == "failed":
        code = _STATUS_BY_KIND.get(result.kind, 422)
        return JSONResponse(
            status_code=code,
            content={"detail": f"Không nạp được {result.source}: {result.error}", "job_id": job_id},
        )
    return JSONResponse(status_code=200, content={**_result_json(result), "job_id": job_id})


@router.post("/documents")
async def upload_document(
    _: AdminDep, c: ContainerDep, jobs: JobsDep, file: UploadFile
) -> JSONResponse:
    """Add a plan (PDF, DOCX, TXT, MD); a plan with a known official number is a new version."""
    data = await _read_upload(file, c)
    job_id, future = _submit(jobs, c, file.filename or "upload.txt", data, None)
    return _respond(job_id, future)


@router.put("/documents/{document_id}")
async def replace_document(
    document_id: str, _: AdminDep, c: ContainerDep, jobs: JobsDep, file: UploadFile
) -> JSONResponse:
    """Replace a plan with a new version, switched live in one step."""
    try:
        c.stores.versions.get_document(document_id)
    except DocumentNotFoundError:
        raise HTTPException(404, f"Không có văn bản với ID {document_id}") from None
    data = await _read_upload(file, c)
    job_id, future = _submit(jobs, c, file.filename or "upload.txt", data, document_id)
    return _respond(job_id, future)


@router.delete("/documents/{document_id}")
def delete_document(document_id: str, _: AdminDep, c: ContainerDep) -> dict[str, Any]:
    """Delete a plan: its chunks and records go; answers no longer cite it."""
    try:
        c.ingestor.remove(document_id)
    except DocumentNotFoundError:
        raise HTTPException(404, f"Không có văn bản với ID {document_id}") from None
    return {"id": document_id, "deleted": True}


@router.get("/documents/{document_id}/changes")
def document_changes(document_id: str, c: ContainerDep) -> dict[str, Any]:
    """What the active version changed against the one it replaced."""
    try:
        doc = c.stores.versions.get_document(document_id)
    except DocumentNotFoundError:
        raise HTTPException(404, f"Không có văn bản với ID {document_id}") from None
    found = c.stores.versions.latest_changes(document_id)
    if found is None:
        return {
            "id": document_id,
            "version": doc.version,
            "changes": None,
            "detail": "Phiên bản hiện tại không thay thế phiên bản nào.",
        }
    return {"id": document_id, "version": found[0], "changes": found[1]}


@router.get("/jobs/{job_id}")
def job_status(job_id: str, _: AdminDep, jobs: JobsDep) -> JSONResponse:
    """The state of an ingest job."""
    job = jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"Không có tác vụ {job_id}")
    if job.status == "running":
        return JSONResponse({"job_id": job_id, "status": "running"})
    if job.result is None:
        return JSONResponse({"job_id": job_id, "status": "error", "detail": job.detail})
    return JSONResponse({"job_id": job_id, **job.result, "status": job.status})
