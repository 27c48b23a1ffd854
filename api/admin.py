"""Admin endpoints: upload, replace and delete plans (Bearer token), ingest jobs."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.audit_log import audit, bearer_token
from api.auth import AdminDep, ContainerDep
from api.container import Container
from api.errors import responses
from domain.audit import token_fingerprint
from domain.errors import (
    CorruptFileError,
    DocumentNotFoundError,
    UnsupportedFileError,
)
from ingest.loaders import sniff_kind

__all__ = ["router"]

log = logging.getLogger(__name__)

# Files one upload may carry: a plan's body and its appendices.
MAX_PARTS = 10
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


def _submit(
    request: Request,
    action: str,
    c: Container,
    files: list[tuple[str, bytes]],
    replace_id: str | None,
) -> str:
    """Queue the ingest of one plan's files for a worker, and audit it; the worker audits
    how it ended (an appendix on its own that joined its plan as "attach")."""
    token = bearer_token(request.headers.get("authorization"))
    origin = {
        "client": request.client.host if request.client else "unknown",
        "fingerprint": token_fingerprint(token) if token else None,
        "action": action,
    }
    names = ", ".join(name for name, _ in files)
    job = c.stores.jobs.enqueue("ingest", names, files, replace_id=replace_id, origin=origin)
    audit(request, action, "accepted", document_id=replace_id, job_id=job.id, detail=names)
    return job.id


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
    file: Annotated[list[UploadFile], File(description="Văn bản và phụ lục của một kế hoạch")],
) -> JSONResponse:
    """Add a plan (PDF, DOCX, XLSX, TXT, MD): one file, or its body and appendices as several
    ``file`` parts, read as one plan. An appendix alone that names a plan held ("Kèm theo Kế
    hoạch số …") is added to that plan. A plan with a known official number is a new version.

    Answers 202 at once with the ingest job; ``GET /jobs/{id}`` gives its outcome."""
    files = await _read_uploads(request, "upload", file, c, None)
    return _accepted(_submit(request, "upload", c, files, None))


@router.put("/documents/{document_id}", status_code=202, response_model=JobAccepted)
async def replace_document(
    request: Request,
    document_id: str,
    _: AdminDep,
    c: ContainerDep,
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
    return _accepted(_submit(request, "replace", c, files, document_id))


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
def job_status(job_id: str, _: AdminDep, c: ContainerDep) -> JSONResponse:
    """The state of an ingest job: queued, running, its outcome, or failed."""
    job = c.stores.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"Không có tác vụ {job_id}")
    if not job.done:
        return JSONResponse({"job_id": job_id, "status": job.status, "source": job.source})
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
