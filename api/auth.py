"""Admin authentication: ``Authorization: Bearer <PLANBOT_ADMIN_TOKEN>``, with a token long
enough to be safe and a per-client throttle on wrong tokens."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Request

from api.audit_log import record_audit
from api.container import Container

__all__ = ["MIN_TOKEN_CHARS", "AdminDep", "ContainerDep", "FailedAttempts", "admin_refusal"]

# An admin token shorter than this leaves the admin endpoints off (easily guessed).
MIN_TOKEN_CHARS = 24


def get_container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


ContainerDep = Annotated[Container, Depends(get_container)]


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


def _failed_attempts(state: Any, c: Container) -> FailedAttempts:
    if getattr(state, "admin_failures", None) is None:
        state.admin_failures = FailedAttempts(
            c.settings.admin_max_failures, c.settings.admin_failure_window_s
        )
    return state.admin_failures  # type: ignore[no-any-return]


def admin_refusal(
    state: Any, c: Container, client: str, authorization: str | None
) -> HTTPException | None:
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
    attempts = _failed_attempts(state, c)
    if (wait := attempts.retry_after(client)) is not None:
        return HTTPException(
            429,
            f"Nhập sai mã quản trị quá nhiều lần; hãy thử lại sau {wait} giây.",
            headers={"Retry-After": str(wait)},
        )
    scheme, _, given = (authorization or "").partition(" ")
    # bytes: a header with non-ASCII characters is simply wrong, never a server error
    same = secrets.compare_digest(given.strip().encode("utf-8", "replace"), token.encode())
    if scheme.lower() != "bearer" or not same:
        attempts.record(client)
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
    refusal = admin_refusal(request.app.state, c, client, authorization)
    if refusal is not None:
        raise refusal


AdminDep = Annotated[None, Depends(require_admin)]
