"""Zalo Official Account: webhook verification, replies, and access-token refresh.

The webhook answers 200 at once and the question is answered in the background (Zalo
retries, then disables, webhooks slower than 2 s). Replies go to ``/v3.0/oa/message/cs``;
error -216 (expired token) refreshes the token with the refresh-token grant and retries once.
Tokens are persisted, since Zalo rotates the refresh token on every use: of several processes
meeting the same expired token, one refreshes it (a lease counted in the database) and the
others wait for what it stores, since a refresh token spent twice is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import httpx

from bot.text import split_message
from retrieval.service import Assistant
from stores import ChannelStateStore, RateStore

__all__ = ["ZaloClient", "ZaloConfig", "ZaloError", "handle_event", "verify_signature"]

log = logging.getLogger(__name__)

PLATFORM = "zalo"
ZALO_LIMIT = 2000
TOKEN_EXPIRED = -216
_ACCESS_KEY = "zalo.access_token"
_REFRESH_KEY = "zalo.refresh_token"
_REFRESH_LEASE = "zalo:refresh"


class ZaloError(Exception):
    """The Zalo API refused a call; ``code`` is Zalo's error number."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Zalo error {code}: {message}")
        self.code = code


@dataclass(frozen=True)
class ZaloConfig:
    """What the OA integration needs (from settings)."""

    app_id: str
    oa_secret_key: str
    app_secret: str
    access_token: str
    refresh_token: str
    api_base: str = "https://openapi.zalo.me"
    oauth_base: str = "https://oauth.zaloapp.com"


def verify_signature(raw_body: bytes, header: str | None, app_id: str, oa_secret_key: str) -> bool:
    """Check ``X-ZEvent-Signature: mac=<sha256(app_id + body + timestamp + OA secret)>``."""
    if not header or not header.startswith("mac="):
        return False
    try:
        timestamp = str(json.loads(raw_body)["timestamp"])
    except (ValueError, KeyError, TypeError):
        return False
    expected = hashlib.sha256(
        app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode()
    ).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("mac=").strip().lower())


class ZaloClient:
    """Sends OA consultation messages; refreshes and persists tokens."""

    def __init__(
        self,
        config: ZaloConfig,
        state: ChannelStateStore,
        *,
        rates: RateStore | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        """:param rates: where the refresh lease is counted, shared by every process that
        sends; without it this client refreshes on its own."""
        self._config = config
        self._state = state
        self._rates = rates
        self._timeout = timeout
        self._http = httpx.Client(timeout=timeout, transport=transport)

    def close(self) -> None:
        self._http.close()

    def _token(self, key: str, default: str) -> str:
        return self._state.get_value(key) or default

    def send_text(self, user_id: str, text: str) -> None:
        """Send ``text`` in parts under Zalo's 2,000-character limit."""
        for part in split_message(text, ZALO_LIMIT):
            self._send_part(user_id, part)

    def _send_part(self, user_id: str, text: str, retried: bool = False) -> None:
        token = self._token(_ACCESS_KEY, self._config.access_token)
        response = self._http.post(
            f"{self._config.api_base.rstrip('/')}/v3.0/oa/message/cs",
            headers={"access_token": token},
            json={"recipient": {"user_id": user_id}, "message": {"text": text}},
        )
        body = _json(response)
        code = int(body.get("error", 0) or 0)
        if code == TOKEN_EXPIRED and not retried:
            self._renew(token)
            self._send_part(user_id, text, retried=True)
            return
        if code != 0:
            raise ZaloError(code, str(body.get("message", "")))

    def _renew(self, expired: str) -> None:
        """Tokens newer than ``expired``: refreshed here, or by another process that holds
        the lease (then waited for, as long as a call may take, twice)."""
        if self._token(_ACCESS_KEY, self._config.access_token) != expired:
            return  # another process has refreshed it already
        lease = 3 * self._timeout
        if self._rates is None or self._rates.take(_REFRESH_LEASE, 1, lease) is None:
            self.refresh_token()
            return
        deadline = time.monotonic() + 2 * self._timeout
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if self._token(_ACCESS_KEY, self._config.access_token) != expired:
                return
        raise ZaloError(TOKEN_EXPIRED, "the token being refreshed elsewhere did not arrive")

    def refresh_token(self) -> None:
        """Exchange the refresh token for new tokens (both rotate) and store them."""
        response = self._http.post(
            f"{self._config.oauth_base.rstrip('/')}/v4/oa/access_token",
            headers={"secret_key": self._config.app_secret},
            data={
                "refresh_token": self._token(_REFRESH_KEY, self._config.refresh_token),
                "app_id": self._config.app_id,
                "grant_type": "refresh_token",
            },
        )
        body = _json(response)
        if "access_token" not in body:
            raise ZaloError(int(body.get("error", -1) or -1), str(body.get("message", "")))
        self._state.set_value(_ACCESS_KEY, str(body["access_token"]))
        if body.get("refresh_token"):
            self._state.set_value(_REFRESH_KEY, str(body["refresh_token"]))


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    if response.status_code >= 500 and "error" not in data:
        data["error"] = -response.status_code
    return data


def handle_event(
    event: dict[str, Any], assistant: Assistant, client: ZaloClient, state: ChannelStateStore
) -> bool:
    """Answer one ``user_send_text`` event; False when ignored (other event, replayed id)."""
    if event.get("event_name") != "user_send_text":
        return False
    message = event.get("message") or {}
    msg_id = str(message.get("msg_id") or "")
    user_id = str((event.get("sender") or {}).get("id") or "")
    text = str(message.get("text") or "").strip()
    if not msg_id or not user_id or not text:
        return False
    if not state.first_sighting(PLATFORM, msg_id):
        return False
    try:
        answer = assistant.ask(text[:1000], f"{PLATFORM}:{user_id}")
        reply = answer.answer
        if answer.sources:
            source = answer.sources[0]
            reply += f"\n\nNguồn: {source.title} — {source.locator}"
        client.send_text(user_id, reply)
    except Exception:
        log.exception("Zalo event %s failed", msg_id)
        try:
            client.send_text(user_id, "Xin lỗi, đã có lỗi khi xử lý câu hỏi. Vui lòng thử lại sau.")
        except Exception:
            log.exception("could not send the apology")
    return True
