"""FastAPI app: documents, tasks, health. Thin over the container's services."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from concurrent import futures
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, field_validator

from api.admin import router as admin_router
from api.audit import router as audit_router
from api.auth import MIN_TOKEN_CHARS
from api.channels import router as channels_router
from api.channels import start_telegram, start_zalo
from api.container import Container, build_container
from api.errors import ErrorMessages, install_error_handlers, responses
from api.limits import RequestLimits
from api.pages import STATIC
from api.pages import router as pages_router
from api.retention import RetentionSweeper
from api.task_views import router as tasks_router
from api.worker import IngestWorker
from domain.errors import DocumentNotFoundError, StoreError
from domain.settings import Settings
from stores import TaskQuery

__all__ = ["app_from_environment", "create_app"]

log = logging.getLogger(__name__)


class AskRequest(BaseModel):
    """A chat question; ``conversation_id`` links follow-ups."""

    question: str = Field(min_length=1, max_length=1000)
    conversation_id: str | None = Field(default=None, max_length=200)
    user_agency: str | None = Field(
        default=None, max_length=200, description="Cơ quan của người hỏi (“bên mình”)"
    )

    @field_validator("question")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("blank")
        return value.strip()


class HealthBody(BaseModel):
    """Whether each part answers."""

    status: Literal["ok", "degraded"]
    parts: dict[str, Literal["ok", "down"]]
    documents: int | None = Field(description="Văn bản đang dùng (None: cơ sở dữ liệu hỏng)")


def get_container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


ContainerDep = Annotated[Container, Depends(get_container)]


def app_from_environment() -> FastAPI:
    """The app configured from the environment: what each ``serve --workers N`` process
    builds for itself."""
    return create_app(Settings(), warm_before_serving=True)


def create_app(
    settings: Settings, container: Container | None = None, *, warm_before_serving: bool = False
) -> FastAPI:
    """Build the app; the container (stores, embedder) is opened in the lifespan.

    With ``warm_before_serving`` the passages are read into the search before the server
    accepts a connection. Processes sharing one port need it: the kernel hands a connection
    to whichever process accepts, and one still reading would hold it for seconds. A single
    process reads them in the background instead, and answers ``/health`` at once.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = container is None
        app.state.container = container or build_container(settings)
        token = settings.admin_token.get_secret_value() if settings.admin_token else ""
        if 0 < len(token) < MIN_TOKEN_CHARS:
            log.warning(
                "PLANBOT_ADMIN_TOKEN is shorter than %d characters: the admin API stays off",
                MIN_TOKEN_CHARS,
            )
        # what an interrupted ingest (crash, kill -9) left behind goes before serving
        try:
            app.state.container.cleanup()
        except StoreError as exc:  # serve anyway; /health reports the index as down
            log.warning("cleanup skipped, the index does not answer: %s", exc)
        # ingest jobs wait in the database; this server runs one worker on them unless
        # separate ``planbot worker`` processes do
        app.state.worker = IngestWorker(app.state.container)
        if app.state.container.settings.ingest_in_serve:
            app.state.worker.start()
        # read the passages into the search, so the first question is quick
        if warm_before_serving:
            await asyncio.to_thread(_warm, app.state.container)
        else:
            threading.Thread(target=_warm, args=(app.state.container,), daemon=True).start()
        # idle conversations go now and on a timer while serving (a failing store is logged);
        # the timer also asks the worker to clean up what failed uploads left
        app.state.retention = RetentionSweeper(
            app.state.container.stores,
            app.state.container.settings,
            also=app.state.worker.maintain,
        )
        app.state.retention.sweep()
        app.state.retention.start()
        app.state.telegram = await start_telegram(app.state.container)
        app.state.zalo = start_zalo(app.state.container)
        try:
            yield
        finally:
            if app.state.telegram is not None:
                await app.state.telegram.stop()
                await app.state.telegram.shutdown()
            if app.state.zalo is not None:
                app.state.zalo.close()
            app.state.retention.stop()
            app.state.worker.stop()
            if owned:
                app.state.container.close()

    app = FastAPI(title="Trợ lý Kế hoạch (planbot)", version="0.1.0", lifespan=lifespan)
    app.add_middleware(RequestLimits)

    install_error_handlers(
        app, ErrorMessages.load(settings.prompts_dir), settings.max_question_chars
    )

    @app.post("/ask", responses=responses(413, 422, 503))
    def ask(body: AskRequest, c: ContainerDep) -> dict[str, Any]:
        if len(body.question) > c.settings.max_question_chars:
            raise HTTPException(
                422, f"Câu hỏi không được dài quá {c.settings.max_question_chars} ký tự."
            )
        return c.assistant.ask(body.question, body.conversation_id, body.user_agency).to_json()

    app.include_router(admin_router)
    app.include_router(audit_router)
    app.include_router(channels_router)
    app.include_router(tasks_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(StoreError)
    async def store_error(_: Request, exc: StoreError) -> JSONResponse:
        log.warning("store error: %s", exc)  # the details are for the log, not the user
        return JSONResponse(
            status_code=503,
            content={"detail": "Kho dữ liệu tạm thời không phản hồi; xin thử lại sau ít phút."},
        )

    @app.get(
        "/health",
        response_model=HealthBody,
        responses={503: {"model": HealthBody, "description": "Một phần không phản hồi"}},
    )
    def health(c: ContainerDep) -> JSONResponse:
        """Each part is asked at once and given ``health_timeout_s``: one that does not
        answer in time is reported down, so this answers promptly whatever the parts do."""
        database = _health_pool.submit(_count_documents, c)
        index = _health_pool.submit(c.index.heartbeat)
        probes: list[futures.Future[Any]] = [database, index]
        futures.wait(probes, timeout=c.settings.health_timeout_s)
        documents = _answer(database)
        parts = {"database": documents is not None, "index": bool(_answer(index))}
        ok = all(parts.values())
        body = {
            "status": "ok" if ok else "degraded",
            "parts": {k: "ok" if v else "down" for k, v in parts.items()},
            "documents": documents,
        }
        return JSONResponse(status_code=200 if ok else 503, content=body)

    @app.get("/documents", responses=responses(503))
    def list_documents(c: ContainerDep) -> dict[str, Any]:
        docs = c.stores.versions.active_documents()
        return {"documents": [_doc_json(d, c) for d in docs]}

    @app.get("/documents/{document_id}", responses=responses(404, 503))
    def get_document(document_id: str, c: ContainerDep) -> dict[str, Any]:
        try:
            doc = c.stores.versions.get_document(document_id)
        except DocumentNotFoundError:
            raise HTTPException(404, f"Không có văn bản với ID {document_id}") from None
        return _doc_json(doc, c)

    return app


# Health probes run here so a hung part never holds the request past its timeout; a probe
# still waiting when the pool is full is simply not answered in time (reported down).
_health_pool = futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="health")


def _warm(c: Container) -> None:
    try:
        c.assistant.warm()
    except StoreError as exc:  # the index is down: questions read it when it is back
        log.warning("search not warmed: %s", exc)


def _answer(future: futures.Future[Any]) -> Any:
    """The probe's answer, or None when it failed or has not answered yet."""
    if not future.done() or future.exception() is not None:
        return None
    return future.result()


def _count_documents(c: Container) -> int | None:
    """Active documents, or None when the database does not answer."""
    if not c.stores.healthy():
        return None
    return len(c.stores.versions.active_documents())


def _doc_json(doc: Any, c: Container) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "kind": doc.kind,
        "number": doc.number,
        "issuer": doc.issuer,
        "issued": doc.issued,
        "place": doc.place,
        "legal_bases": list(doc.legal_bases),
        "proposer": doc.proposer,
        "signer": doc.signer,
        "signer_title": doc.signer_title,
        "province": doc.province,
        "replaces": doc.replaces,
        "recipients": list(doc.recipients),
        "parts": list(doc.parts),
        "ocr_pages": doc.ocr_pages,
        "superseded_by": getattr(c.assistant.superseded_by(doc.id), "id", None),
        "source": doc.source,
        "version": doc.version,
        "content_hash": doc.content_hash,
        "tasks": len(c.stores.records.tasks(TaskQuery(document_id=doc.id))),
        "targets": len(c.stores.records.targets(doc.id)),
    }
