"""Every error the API returns: one body shape (``ErrorBody``), declared in OpenAPI for the
statuses each route can give, and phrased in Vietnamese from ``prompts/errors.json`` —
including the framework's own errors (a body that does not parse, an unknown route, a
validation error), which would otherwise reach users in English.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = ["ErrorBody", "FieldError", "ErrorMessages", "install_error_handlers", "responses"]

log = logging.getLogger(__name__)


class FieldError(BaseModel):
    """One invalid input."""

    field: str = Field(description="Tham số hoặc trường bị lỗi")
    message: str = Field(description="Lỗi, bằng tiếng Việt")


class ErrorBody(BaseModel):
    """The body of every error response."""

    detail: str = Field(description="Lỗi, bằng tiếng Việt")
    errors: list[FieldError] | None = Field(
        default=None, description="Từng tham số không hợp lệ (lỗi 422)"
    )


_DESCRIPTIONS = {
    400: "Nội dung yêu cầu không đọc được",
    401: "Thiếu hoặc sai mã quản trị",
    403: "Chức năng quản trị đang tắt",
    404: "Không tìm thấy",
    413: "Yêu cầu hoặc tệp quá lớn",
    415: "Định dạng tệp không hỗ trợ",
    422: "Tham số không hợp lệ",
    429: "Quá nhiều lần nhập sai mã quản trị",
    431: "Phần đầu yêu cầu quá lớn",
    503: "Kho dữ liệu tạm thời không phản hồi",
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, all with :class:`ErrorBody`."""
    return {code: {"model": ErrorBody, "description": _DESCRIPTIONS[code]} for code in codes}


class ErrorMessages:
    """The Vietnamese phrasing of errors (``prompts/errors.json``)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._status: dict[str, str] = data["status"]
        self._validation: dict[str, str] = data["validation"]
        self._fields: dict[str, str] = data["fields"]
        self._question: str = data["question"]

    @classmethod
    def load(cls, prompts_dir: Path) -> ErrorMessages:
        return cls(json.loads((prompts_dir / "errors.json").read_text(encoding="utf-8")))

    def for_status(self, status: int, **values: str) -> str:
        text = self._status.get(str(status)) or self._status[str(500 if status >= 500 else 400)]
        return text.format(**values) if values else text

    def question(self, limit: int) -> str:
        return self._question.format(limit=limit)

    def invalid(self, errors: list[dict[str, Any]]) -> tuple[str, list[FieldError]]:
        """The message for a validation failure, and each invalid input."""
        found: list[FieldError] = []
        for error in errors:
            field = _field(error.get("loc") or ())
            ctx = error.get("ctx") or {}
            template = self._validation.get(error.get("type", ""), self._validation["default"])
            limit = next((ctx[k] for k in ("le", "ge", "gt", "lt", "max_length") if k in ctx), "")
            message = template.format(
                field=field or self._fields["body"],
                limit=limit,
                expected=str(ctx.get("expected", "")).replace("'", "").replace(" or ", " hoặc "),
            )
            if not any(f.message == message for f in found):
                found.append(FieldError(field=field or "body", message=message))
        text = self._validation["prefix"] + "; ".join(f.message for f in found) + "."
        return text, found


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    """The parameter an error is about: the last named part of its location ("body" and
    list positions are where it is, not what)."""
    names = [str(part) for part in loc if isinstance(part, str) and part not in _PLACES]
    return names[-1] if names else ""


_PLACES = {"body", "query", "path", "header", "cookie"}


def install_error_handlers(app: FastAPI, messages: ErrorMessages, max_question_chars: int) -> None:
    """Answer every error with an :class:`ErrorBody` in Vietnamese."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        text, fields = messages.invalid(errors)
        if any(f.field == "question" for f in fields):
            text = messages.question(max_question_chars)
        body = ErrorBody(detail=text, errors=fields)
        return JSONResponse(status_code=422, content=body.model_dump())

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else ""
        if not detail or detail.isascii():  # the framework's English: say it in Vietnamese
            detail = messages.for_status(exc.status_code, method=request.method)
        return JSONResponse(
            status_code=exc.status_code,
            content=ErrorBody(detail=detail).model_dump(exclude_none=True),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(
            status_code=500, content=ErrorBody(detail=messages.for_status(500)).model_dump()
        )
