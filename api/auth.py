"""Admin authentication: ``Authorization: Bearer <PLANBOT_ADMIN_TOKEN>``, with a token long
enough to be safe and a per-client throttle on wrong tokens."""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from api.audit_log import record_audit
from api.container import Container
from domain.errors import StoreError

__all__ = ["MIN_TOKEN_CHARS", "AdminDep", "ContainerDep", "admin_refusal"]

# An admin token shorter than this leaves the admin endpoints off (easily guessed).
MIN_TOKEN_CHARS = 24

log = logging.getLogger(__name__)


def get_container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


ContainerDep = Annotated[Container, Depends(get_container)]


def _admin_key(client: str) -> str:
    return f"admin:{client}"


def _throttled(c: Container, client: str) -> int | None:
    """Seconds the client must wait after too many wrong tokens (counted in the database,
    so every API process refuses it alike), or None. A database that does not answer
    throttles nobody: the request then fails on the database on its own."""
    try:
        return c.stores.rates.retry_after(
            _admin_key(client), c.settings.admin_max_failures, c.settings.admin_failure_window_s
        )
    except StoreError as exc:
        log.warning("admin throttle not checked: %s", exc)
        return None


def _count_failure(c: Container, client: str) -> None:
    try:
        c.stores.rates.record(_admin_key(client))
    except StoreError as exc:
        log.warning("wrong admin token not counted: %s", exc)


def admin_refusal(c: Container, client: str, authorization: str | None) -> HTTPException | None:
    """Why an admin request is refused (403 off, 429 throttled, 401 wrong token), or None.

    Used by the dependency and, before any body is read, by the request limits
    middleware; a wrong token counts against the client's failed attempts.
    """
    token = c.settings.admin_token.get_secret_value() if c.settings.admin_token else ""
    if not token:
        return HTTPException(
            403, "Chức năng quản trị đang tắt: chưa cấu hình PLANBOT_ADMIN_TOKEN trên máy chủ."
        )
    if len(token) < MIN_TOKEN_CHARS:
        return HTTPException(
            403,
            f"Chức năng quản trị đang tắt: PLANBOT_ADMIN_TOKEN quá ngắn (cần ít nhất "
            f"{MIN_TOKEN_CHARS} ký tự).",
        )
    if (wait := _throttled(c, client)) is not None:
        return HTTPException(
            429,
            f"Nhập sai mã quản trị quá nhiều lần; hãy thử lại sau {wait} giây.",
            headers={"Retry-After": str(wait)},
        )
    scheme, _, given = (authorization or "").partition(" ")
    # bytes: a header with non-ASCII characters is simply wrong, never a server error
    same = secrets.compare_digest(given.strip().encode("utf-8", "replace"), token.encode())
    if scheme.lower() != "bearer" or not same:
        _count_failure(c, client)
        record_audit(c, client, authorization, "login_failed", "refused")
        return HTTPException(
            401,
            "Thiếu hoặc sai mã quản trị (Authorization: Bearer <token>).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return None


def require_admin(
    request: Request, c: ContainerDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Check ``Authorization: Bearer <PLANBOT_ADMIN_TOKEN>``; a client that sent too many
    wrong tokens is refused for a while (429 with Retry-After)."""
    client = request.client.host if request.client else "unknown"
    refusal = admin_refusal(c, client, authorization)
    if refusal is not None:
        raise refusal


AdminDep = Annotated[None, Depends(require_admin)]
