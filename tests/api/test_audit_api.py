"""``GET /audit`` and the ``audit`` helper, in the real app (admin token required)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from api.app import create_app
from api.audit import router as audit_router
from api.audit_log import audit, bearer_token, record_audit
from domain.audit import token_fingerprint
from domain.errors import StoreError
from domain.settings import Settings
from tests.conftest import make_container

TOKEN = "s3cret-admin-token-of-24-chars"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _build(services: Any, tmp_path: Path) -> FastAPI:
    """The real app, with the audit router (included here until the app includes it) and a
    probe route that records an entry the way the admin endpoints do."""
    settings = Settings(data_dir=tmp_path, today=date(2025, 9, 10), admin_token=TOKEN)
    app = create_app(settings, make_container(services, settings))  # type: ignore[arg-type]
    if not any(getattr(route, "path", None) == "/audit" for route in app.routes):
        app.include_router(audit_router)

    @app.post("/probe/{document_id}")
    def probe(document_id: str, request: Request) -> dict[str, bool]:
        audit(request, "delete", "ok", document_id=document_id, detail=f"xóa bằng {TOKEN}")
        return {"ok": True}

    return app


@pytest.fixture
def client(services: Any, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(_build(services, tmp_path)) as c:
        yield c


def test_audit_needs_the_admin_token(client: TestClient) -> None:
    assert client.get("/audit").status_code == 401
    wrong = client.get("/audit", headers={"Authorization": "Bearer wrong-token-wrong-token!"})
    assert wrong.status_code == 401


def test_entries_are_listed_newest_first_without_the_token(client: TestClient) -> None:
    for doc in ("ke-hoach-1", "ke-hoach-2", "ke-hoach-3"):
        assert client.post(f"/probe/{doc}", headers=AUTH).json() == {"ok": True}
    assert client.post("/probe/khong-token").status_code == 200
    response = client.get("/audit", headers=AUTH)
    assert response.status_code == 200
    assert TOKEN not in response.text
    entries = [e for e in response.json()["entries"] if e["action"] == "delete"]
    assert [e["document_id"] for e in entries] == [
        "khong-token",
        "ke-hoach-3",
        "ke-hoach-2",
        "ke-hoach-1",
    ]
    assert entries[0]["token_fingerprint"] is None
    assert {e["token_fingerprint"] for e in entries[1:]} == {token_fingerprint(TOKEN)}
    assert {e["detail"] for e in entries} == {"xóa bằng ***"}  # a token in a detail is masked
    assert {e["client"] for e in entries} == {"testclient"}
    assert all(e["outcome"] == "ok" and e["at"].endswith("+00:00") for e in entries)


def test_paging(client: TestClient) -> None:
    for i in range(5):
        client.post(f"/probe/doc-{i}", headers=AUTH)
    first = client.get("/audit", params={"limit": 2}, headers=AUTH).json()
    assert [e["document_id"] for e in first["entries"]] == ["doc-4", "doc-3"]
    second = client.get(
        "/audit", params={"limit": 2, "before_id": first["next_before_id"]}, headers=AUTH
    ).json()
    assert [e["document_id"] for e in second["entries"]] == ["doc-2", "doc-1"]
    assert client.get("/audit", params={"limit": 0}, headers=AUTH).status_code == 422
    assert client.get("/audit", params={"limit": 5000}, headers=AUTH).status_code == 422


def test_a_failing_audit_store_never_breaks_the_request(
    client: TestClient, services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_: Any) -> None:
        raise StoreError("database failed: OperationalError")

    monkeypatch.setattr(services.stores.audit, "record", broken)
    response = client.post("/probe/ke-hoach-1", headers=AUTH)
    assert response.status_code == 200 and response.json() == {"ok": True}


def test_record_audit_without_a_request(client: TestClient) -> None:
    """What admin_refusal or a middleware records: a client and a raw header, no Request."""
    container = client.app.state.container  # type: ignore[attr-defined]
    wrong = "Bearer a-wrong-token-sent-by-someone"
    record_audit(container, "10.1.1.1", wrong, "login_failed", "refused", detail=wrong)
    response = client.get("/audit", headers=AUTH)
    entry = response.json()["entries"][0]
    assert (entry["action"], entry["outcome"], entry["client"]) == (
        "login_failed",
        "refused",
        "10.1.1.1",
    )
    assert entry["token_fingerprint"] == token_fingerprint("a-wrong-token-sent-by-someone")
    assert "a-wrong-token" not in response.text


@pytest.mark.parametrize(
    ("header", "token"),
    [
        (None, None),
        ("", None),
        ("Bearer ", None),
        (f"Bearer {TOKEN}", TOKEN),
        (f"bearer   {TOKEN} ", TOKEN),
        (TOKEN, TOKEN),
        ("Basic dXNlcjpwYXNz", "Basic dXNlcjpwYXNz"),
    ],
)
def test_the_token_of_a_header(header: str | None, token: str | None) -> None:
    assert bearer_token(header) == token
