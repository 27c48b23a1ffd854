"""Zalo OA: webhook signature, background answers, dedupe, splitting, token refresh."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from bot.zalo import ZaloClient, ZaloConfig, ZaloError, verify_signature
from domain.settings import Settings
from tests.conftest import NQ57, make_container
from tests.fakes import FakeServer

pytestmark = pytest.mark.integration

APP_ID, OA_SECRET, APP_SECRET = "app-1", "oa-secret", "app-secret"


def zalo_api(path: str, headers: dict[str, str], body: dict[str, Any]) -> tuple[int, dict]:
    if path.endswith("/v4/oa/access_token"):
        return 200, {
            "access_token": "fresh-token",
            "refresh_token": "refresh-2",
            "expires_in": "90000",
        }
    if headers.get("access_token") == "expired-token":
        return 200, {"error": -216, "message": "Access token is invalid"}
    return 200, {"error": 0, "message": "Success", "data": {"message_id": "z1"}}


@pytest.fixture
def zalo_server():
    server = FakeServer(zalo_api)
    yield server
    server.close()


def event(msg_id: str, text: str, user: str = "user-7") -> bytes:
    return json.dumps(
        {
            "app_id": APP_ID,
            "event_name": "user_send_text",
            "timestamp": "1732345678901",
            "sender": {"id": user},
            "recipient": {"id": "oa-1"},
            "message": {"text": text, "msg_id": msg_id},
        },
        ensure_ascii=False,
    ).encode()


def signature(raw: bytes) -> str:
    timestamp = json.loads(raw)["timestamp"]
    mac = hashlib.sha256(APP_ID.encode() + raw + timestamp.encode() + OA_SECRET.encode())
    return f"mac={mac.hexdigest()}"


def make_client(services, tmp_path: Path, server: FakeServer, access: str) -> TestClient:
    services.ingestor.ingest_file(NQ57)
    settings = Settings(
        data_dir=tmp_path,
        today=date(2025, 9, 10),
        zalo_app_id=APP_ID,
        zalo_oa_secret_key=OA_SECRET,
        zalo_app_secret=APP_SECRET,
        zalo_access_token=access,
        zalo_refresh_token="refresh-1",
        zalo_api_base=server.url,
        zalo_oauth_base=server.url,
    )
    container = make_container(services, settings)
    return TestClient(create_app(settings, container))


def test_question_through_the_webhook_is_answered_once(services, tmp_path, zalo_server):
    with make_client(services, tmp_path, zalo_server, "valid-token") as client:
        raw = event("msg-1", "Hạn xây dựng kế hoạch phát triển hạ tầng số là khi nào?")
        for _ in range(2):  # Zalo replays an event it thinks was missed
            response = client.post(
                "/zalo/webhook",
                content=raw,
                headers={"X-ZEvent-Signature": signature(raw), "Content-Type": "application/json"},
            )
            assert response.status_code == 200
        sent = zalo_server.wait_for("/v3.0/oa/message/cs")
    assert len(sent) == 1
    assert sent[0]["recipient"] == {"user_id": "user-7"}
    assert sent[0]["message"]["text"].startswith("Thời hạn hoàn thành: 3/2026")
    path, headers, _ = zalo_server.requests[0]
    assert headers["access_token"] == "valid-token"


def test_bad_signature_is_refused_and_not_answered(services, tmp_path, zalo_server):
    with make_client(services, tmp_path, zalo_server, "valid-token") as client:
        raw = event("msg-2", "Sở Y tế chủ trì những nhiệm vụ nào?")
        for header in ("mac=" + "0" * 64, "", "sha256=abc"):
            response = client.post(
                "/zalo/webhook", content=raw, headers={"X-ZEvent-Signature": header}
            )
            assert response.status_code == 403
        tampered = raw.replace("Sở Y tế".encode(), "Sở Nội vụ".encode())
        response = client.post(
            "/zalo/webhook", content=tampered, headers={"X-ZEvent-Signature": signature(raw)}
        )
        assert response.status_code == 403
    assert zalo_server.requests == []


def test_expired_token_is_refreshed_once_and_persisted(services, tmp_path, zalo_server):
    config = ZaloConfig(
        app_id=APP_ID,
        oa_secret_key=OA_SECRET,
        app_secret=APP_SECRET,
        access_token="expired-token",
        refresh_token="refresh-1",
        api_base=zalo_server.url,
        oauth_base=zalo_server.url,
    )
    client = ZaloClient(config, services.stores.channels)
    client.send_text("user-9", "Xin chào")
    paths = [p for p, _, _ in zalo_server.requests]
    assert paths == ["/v3.0/oa/message/cs", "/v4/oa/access_token", "/v3.0/oa/message/cs"]
    _, refresh_headers, refresh_body = zalo_server.requests[1]
    assert refresh_headers["secret_key"] == APP_SECRET
    assert refresh_body == {
        "refresh_token": "refresh-1",
        "app_id": APP_ID,
        "grant_type": "refresh_token",
    }
    assert zalo_server.requests[2][1]["access_token"] == "fresh-token"
    assert services.stores.channels.get_value("zalo.access_token") == "fresh-token"
    assert services.stores.channels.get_value("zalo.refresh_token") == "refresh-2"
    client.close()


def test_processes_meeting_one_expired_token_refresh_it_once(services):
    """Zalo rotates the refresh token on every use and refuses a spent one. Two clients (as
    two processes would, over one database) meet the expired token at once: one refreshes,
    the other waits for what it stores, and both messages go."""
    import threading

    spent: set[str] = set()
    refreshing = threading.Event()

    def rotating(path, headers, body):
        if path.endswith("/v4/oa/access_token"):
            if body["refresh_token"] in spent:
                return 200, {"error": -14014, "message": "Invalid refresh token"}
            spent.add(body["refresh_token"])
            refreshing.set()
            time.sleep(1.0)  # the other client meets the expired token meanwhile
            return 200, {"access_token": "fresh-token", "refresh_token": "refresh-2"}
        if headers.get("access_token") != "fresh-token":
            return 200, {"error": -216, "message": "Access token is invalid"}
        return 200, {"error": 0, "message": "Success", "data": {"message_id": "z1"}}

    server = FakeServer(rotating)
    config = ZaloConfig(
        APP_ID, OA_SECRET, APP_SECRET, "expired-token", "refresh-1", server.url, server.url
    )
    stores = services.stores
    clients = [ZaloClient(config, stores.channels, rates=stores.rates) for _ in range(2)]
    failures: list[Exception] = []

    def send(client: ZaloClient, user: str) -> None:
        try:
            client.send_text(user, "Xin chào")
        except ZaloError as exc:
            failures.append(exc)

    first = threading.Thread(target=send, args=(clients[0], "user-1"))
    first.start()
    assert refreshing.wait(10)
    send(clients[1], "user-2")
    first.join(20)
    assert failures == []
    assert len(server.calls("/v4/oa/access_token")) == 1
    sent = [b["recipient"]["user_id"] for b in server.calls("/v3.0/oa/message/cs")]
    assert sent.count("user-1") == 2 and sent.count("user-2") == 2  # expired, then sent
    assert stores.channels.get_value("zalo.refresh_token") == "refresh-2"
    for client in clients:
        client.close()
    server.close()


def test_refresh_happens_only_once(services, zalo_server):
    def always_expired(path, headers, body):
        if path.endswith("/v4/oa/access_token"):
            return 200, {"access_token": "expired-token", "refresh_token": "r"}
        return 200, {"error": -216, "message": "expired"}

    server = FakeServer(always_expired)
    config = ZaloConfig(
        APP_ID, OA_SECRET, APP_SECRET, "expired-token", "r0", server.url, server.url
    )
    with pytest.raises(ZaloError) as error:
        ZaloClient(config, services.stores.channels).send_text("u", "x")
    assert error.value.code == -216
    assert len(server.calls("/v3.0/oa/message/cs")) == 2
    server.close()


def test_long_answers_are_split_under_2000(services, zalo_server):
    config = ZaloConfig(
        APP_ID, OA_SECRET, APP_SECRET, "valid-token", "r1", zalo_server.url, zalo_server.url
    )
    ZaloClient(config, services.stores.channels).send_text("u", "Nhiệm vụ số một hai ba. " * 300)
    parts = [b["message"]["text"] for b in zalo_server.calls("/v3.0/oa/message/cs")]
    assert len(parts) == 4 and all(len(p) <= 2000 for p in parts)


def test_signature_helper():
    raw = event("m", "x")
    assert verify_signature(raw, signature(raw), APP_ID, OA_SECRET)
    assert not verify_signature(b"not json", "mac=00", APP_ID, OA_SECRET)
