"""Admin endpoints: upload, replace and delete plans (Bearer token), ingest jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.audit_log import audit, record_audit
from api.auth import AdminDep, ContainerDep
from api.container import Container
from api.errors import responses
from domain.errors import (
    CorruptFileError,
    DocumentNotFoundError,
    EmbedderError,
    StoreError,
    UnsupportedFileError,
)
from ingest.loaders import sniff_kind
from ingest.pipeline import IngestResult
from stores import Job, JobStore

__all__ = ["IngestJobs", "router"]

log = logging.getLogger(__name__)

# Files one upload may carry: a plan's body and its appendices.
MAX_PARTS = 10
# The HTTP status a failed job reports as its ``code``, by why it failed.
_STATUS_BY_KIND = {
    "unsupported": 415,
    "corrupt": 422,
    "empty": 422,
    "ingest": 422,
    "limit": 413,
    "unavailable": 503,
}


class IngestJobs:
    """Ingests run one at a time on a worker thread, so queries are never blocked and
    versions are switched in a well-defined order; each job's state is kept in the job
    store, so ``/jobs/{id}`` answers after the request that started it has gone."""

    def __init__(
        self,
        store: JobStore,
        cleanup: Callable[[], object] = lambda: None,
        warm: Callable[[], object] = lambda: None,
    ) -> None:
        """:param cleanup: removes what a failed job left (pending versions, orphan chunks);
        run on the ingest thread after a failure, so never while another job writes.
        :param warm: reads the new active versions into the search before a job reports
        done, so the first question after it does not wait and needs no vector index."""
        self._store = store
        self._cleanup = cleanup
        self._warm = warm
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")

    def submit(
        self,
        source: str,
        fn: Callable[[], IngestResult],
        on_finish: Callable[[str, str, IngestResult | None, str | None], object] = (
            lambda *_: None
        ),
    ) -> tuple[str, Future[IngestResult]]:
        """Run ``fn`` as a job; ``on_finish(job_id, outcome, result, detail)`` is told how
        it ended ("ok" or "failed")."""
        job = self._store.create("ingest", source)

        def run() -> IngestResult:
            try:
                result = fn()
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
                    detail=f"Không nạp được {source}: {why}; văn bản cũ (nếu có) vẫn được "
                    "giữ nguyên, hãy thử lại sau.",
                )
                self._clean()
                on_finish(job.id, "failed", None, f"{type(exc).__name__}")
                raise
            if result.status == "failed":
                code = _STATUS_BY_KIND.get(result.kind, 422)
                detail = f"Không nạp được {result.source}: {result.error}"
                self._store.finish(
                    job.id, "failed", result={"code": code, "kind": result.kind}, detail=detail
                )
                self._clean()
                on_finish(job.id, "failed", result, detail)
            else:
                self._run_quietly(self._warm, "reading the new version into the search")
                self._store.finish(job.id, result.status, result=_result_json(result), detail=None)
                on_finish(job.id, "ok", result, f"{result.status}, v{result.version}")
            return result

        return job.id, self._pool.submit(run)

    def _clean(self) -> None:
        # what this cannot remove, the next start does
        self._run_quietly(self._cleanup, "cleanup after a failed job")

    @staticmethod
    def _run_quietly(step: Callable[[], object], what: str) -> None:
        try:
            step()
        except Exception:
            log.exception(what)

    def maintain(self) -> None:
        """Queue a cleanup of what failed jobs left (the index was down, say) on the ingest
        thread, where it never runs beside a job; called on a timer while serving."""
        self._pool.submit(self._clean)

    def get(self, job_id: str) -> Job | None:
        return self._store.get(job_id)

    def abandon_running(self) -> int:
        """Jobs a stopped server left running can never finish: mark them failed."""
        return self._store.abandon_running(
            "Tác vụ bị gián đoạn vì máy chủ đã dừng; hãy tải văn bản lên lại."
        )

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


def get_jobs(request: Request) -> IngestJobs:
    return request.app.state.jobs  # type: ignore[no-any-return]


JobsDep = Annotated[IngestJobs, Depends(get_jobs)]
router = APIRouter(responses=responses(401, 403, 404, 413, 415, 422, 429, 503))


async def _read_upload(file: UploadFile, c: Container) -> bytes:
    limit = c.settings.max_upload_mb * 1024 * 1024
    # the request body was already cut off at the limit (api.limits); a file part can still
    # be larger than the limit by the multipart framing allowance
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
    request: Request,
    action: str,
    jobs: IngestJobs,
    c: Container,
    files: list[tuple[str, bytes]],
    replace_id: str | None,
) -> str:
    """Start the ingest job of one plan's files and audit its start and its end (an
    appendix on its own that joined its plan is recorded as "attach")."""
    client = request.client.host if request.client else "unknown"
    authorization = request.headers.get("authorization")
    names = ", ".join(name for name, _ in files)

    def finished(
        job_id: str, outcome: str, result: IngestResult | None, detail: str | None
    ) -> None:
        document_id = result.document_id if result else None
        attached = result is not None and result.attached_to is not None
        record_audit(
            c,
            client,
            authorization,
            "attach" if attached else action,
            outcome,
            document_id=document_id or replace_id,
            job_id=job_id,
            detail=f"{names}: {detail}" if detail else names,
        )

    job_id, _ = jobs.submit(
        names,
        lambda: c.ingestor.ingest_files(
            [(Path(name), data) for name, data in files], replace_id=replace_id
        ),
        on_finish=finished,
    )
    audit(request, action, "accepted", document_id=replace_id, job_id=job_id, detail=names)
    return job_id


class JobAccepted(BaseModel):
    """An upload accepted: its ingest job runs; follow it at ``/jobs/{job_id}``."""

    job_id: str
    status: str
    detail: str


def _accepted(job_id: str) -> JSONResponse:
    """202 at once: the ingest runs on its own thread, the client follows ``/jobs/{id}``."""
    return JSONResponse(
        status_code=202,
        content={
            "job_id": job_id,
            "status": "running",
            "detail": f"Đang nạp văn bản; theo dõi tại /jobs/{job_id}",
        },
        headers={"Location": f"/jobs/{job_id}"},
    )


async def _read_uploads(
    request: Request, action: str, files: list[UploadFile], c: Container, document_id: str | None
) -> list[tuple[str, bytes]]:
    """Each file part read and checked; a refusal is audited and raised."""
    names = ", ".join(f.filename or "upload" for f in files)
    try:
        if len(files) > MAX_PARTS:
            raise HTTPException(
                422,
                f"Mỗi lần tải lên tối đa {MAX_PARTS} tệp của một kế hoạch (văn bản và phụ lục).",
            )
        return [(f.filename or "upload.txt", await _read_upload(f, c)) for f in files]
    except HTTPException as exc:
        audit(request, action, "refused", document_id=document_id, detail=f"{names}: {exc.detail}")
        raise


@router.post("/documents", status_code=202, response_model=JobAccepted)
async def upload_document(
    request: Request,
    _: AdminDep,
    c: ContainerDep,
    jobs: JobsDep,
    file: Annotated[list[UploadFile], File(description="Văn bản và phụ lục của một kế hoạch")],
) -> JSONResponse:
    """Add a plan (PDF, DOCX, XLSX, TXT, MD): one file, or its body and appendices as several
    ``file`` parts, read as one plan. An appendix alone that names a plan held ("Kèm theo Kế
    hoạch số …") is added to that plan. A plan with a known official number is a new version.

    Answers 202 at once with the ingest job; ``GET /jobs/{id}`` gives its outcome."""
    files = await _read_uploads(request, "upload", file, c, None)
    return _accepted(_submit(request, "upload", jobs, c, files, None))


@router.put("/documents/{document_id}", status_code=202, response_model=JobAccepted)
async def replace_document(
    request: Request,
    document_id: str,
    _: AdminDep,
    c: ContainerDep,
    jobs: JobsDep,
    file: Annotated[list[UploadFile], File(description="Văn bản và phụ lục của kế hoạch")],
) -> JSONResponse:
    """Replace a plan with a new version read from these files, switched live in one step
    (202 with the job)."""
    try:
        c.stores.versions.get_document(document_id)
    except DocumentNotFoundError:
        audit(request, "replace", "failed", document_id=document_id, detail="không có văn bản")
        raise HTTPException(404, f"Không có văn bản với ID {document_id}") from None
    files = await _read_uploads(request, "replace", file, c, document_id)
    return _accepted(_submit(request, "replace", jobs, c, files, document_id))


@router.delete("/documents/{document_id}")
def delete_document(
    request: Request, document_id: str, _: AdminDep, c: ContainerDep
) -> dict[str, Any]:
    """Delete a plan: its chunks and records go; answers no longer cite it."""
    try:
        c.ingestor.remove(document_id)
    except DocumentNotFoundError:
        audit(request, "delete", "failed", document_id=document_id, detail="không có văn bản")
        raise HTTPException(404, f"Không có văn bản với ID {document_id}") from None
    audit(request, "delete", "ok", document_id=document_id)
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
        return JSONResponse({"job_id": job_id, "status": "running", "source": job.source})
    if job.status == "failed":
        return JSONResponse(
            {
                "job_id": job_id,
                "status": "failed",
                "source": job.source,
                "detail": job.detail,
                "code": (job.result or {}).get("code", 503),
            }
        )
    return JSONResponse({"job_id": job_id, **(job.result or {}), "status": job.status})
