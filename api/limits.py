"""Request limits enforced before the app reads a body (an ASGI middleware).

- Headers larger than ``max_header_kb`` in total: 431.
- Uploads (``POST /documents``, ``PUT /documents/{id}``): the admin token is checked first,
  so a client without it is refused before a byte of its body is read; then the body may
  be at most ``max_upload_mb`` (plus the multipart framing).
- Every other body (questions, webhooks): at most ``max_request_kb``.
- A declared ``Content-Length`` past the limit is refused at once; a body sent without
  one (chunked) is cut off as soon as it passes the limit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

import anyio

from api.auth import admin_refusal

__all__ = ["RequestLimits"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_UPLOAD = re.compile(r"^/documents(/[^/]+)?/?$")
_MULTIPART_ALLOWANCE = 64 * 1024  # boundaries and part headers around the file
_BODYLESS = {"GET", "HEAD", "DELETE", "OPTIONS"}


class _TooLarge(Exception):
    pass


class RequestLimits:
    """Refuses oversized or unauthorised requests before their body is read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        settings = state.container.settings
        headers = scope.get("headers") or []
        if sum(len(k) + len(v) for k, v in headers) > settings.max_header_kb * 1024:
            await _error(
                send, 431, f"Phần đầu yêu cầu quá lớn (tối đa {settings.max_header_kb} KB)."
            )
            return
        method = scope["method"]
        upload = method in ("POST", "PUT") and bool(_UPLOAD.match(scope["path"]))
        if upload:
            client = (scope.get("client") or ("unknown", 0))[0]
            # the throttle and the audit are in the database: off the event loop
            refusal = await anyio.to_thread.run_sync(
                admin_refusal, state.container, client, _header(headers, b"authorization")
            )
            if refusal is not None:
                await _error(send, refusal.status_code, str(refusal.detail), refusal.headers)
                return
            limit = settings.max_upload_mb * 1024 * 1024 + _MULTIPART_ALLOWANCE
            message = f"Tệp vượt quá giới hạn {settings.max_upload_mb} MB, không được nạp."
        else:
            limit = settings.max_request_kb * 1024
            message = f"Yêu cầu quá lớn (tối đa {settings.max_request_kb} KB)."
        declared = _header(headers, b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            if declared.isdigit():
                await _error(send, 413, message)
            else:
                await _error(send, 400, "Độ dài nội dung (Content-Length) không hợp lệ.")
            return
        if method in _BODYLESS and declared in (None, "0"):
            await self.app(scope, receive, send)
            return
        try:
            body = await _read_body(receive, limit)
        except _TooLarge:
            await _error(send, 413, message)
            return
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The whole body, or :class:`_TooLarge` as soon as it passes ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # a disconnect, when the app waits for one

    return replay


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _error(
    send: Send, status: int, detail: str, headers: Mapping[str, str] | None = None
) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    raw = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
