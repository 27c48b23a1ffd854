"""The audit log: entries recorded and listed newest first, paged, and never the token itself.

Runs on the backend chosen with ``--database`` (SQLite or a real PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.agencies import Gazetteer
from domain.audit import token_fingerprint
from stores import AuditEntry, Stores, open_stores

TOKEN = "s3cret-admin-token-of-24-chars"


@pytest.fixture
def stores(database_url: str) -> Iterator[Stores]:
    opened = open_stores(database_url, Gazetteer.load())
    yield opened
    opened.close()


def test_entries_come_back_newest_first_with_every_field(stores: Stores) -> None:
    assert stores.audit.entries() == []
    at = datetime(2026, 3, 1, 8, 30, 15)
    stores.audit.record(
        AuditEntry(
            action="upload",
            outcome="ok",
            client="10.0.0.7",
            token_fingerprint=token_fingerprint(TOKEN),
            document_id="ke-hoach-12",
            job_id="job-1",
            detail="Đã thêm phiên bản 1",
            at=at,
        )
    )
    stores.audit.record(AuditEntry(action="login_failed", outcome="refused", client="10.0.0.8"))
    newest, oldest = stores.audit.entries()
    assert (newest.action, newest.outcome, newest.client) == ("login_failed", "refused", "10.0.0.8")
    assert newest.token_fingerprint is None and newest.document_id is None
    assert abs(newest.at - datetime.now(UTC).replace(tzinfo=None)) < timedelta(minutes=5)
    assert oldest == AuditEntry(
        action="upload",
        outcome="ok",
        client="10.0.0.7",
        token_fingerprint=token_fingerprint(TOKEN),
        document_id="ke-hoach-12",
        job_id="job-1",
        detail="Đã thêm phiên bản 1",
        at=at,
        id=oldest.id,
    )
    assert oldest.id is not None and newest.id is not None and newest.id > oldest.id
    body = oldest.to_json()
    assert body["at"] == "2026-03-01T08:30:15+00:00" and body["document_id"] == "ke-hoach-12"


def test_an_aware_time_is_stored_as_utc(stores: Stores) -> None:
    hanoi = timezone(timedelta(hours=7))
    stores.audit.record(
        AuditEntry("delete", "ok", "::1", at=datetime(2026, 3, 1, 15, 0, tzinfo=hanoi))
    )
    assert stores.audit.entries()[0].at == datetime(2026, 3, 1, 8, 0)


def test_paging_with_before_id(stores: Stores) -> None:
    for i in range(7):
        stores.audit.record(AuditEntry("delete", "ok", "127.0.0.1", document_id=f"doc-{i}"))
    first = stores.audit.entries(limit=3)
    assert [e.document_id for e in first] == ["doc-6", "doc-5", "doc-4"]
    second = stores.audit.entries(limit=3, before_id=first[-1].id)
    assert [e.document_id for e in second] == ["doc-3", "doc-2", "doc-1"]
    last = stores.audit.entries(limit=3, before_id=second[-1].id)
    assert [e.document_id for e in last] == ["doc-0"]
    assert stores.audit.entries(limit=3, before_id=last[-1].id) == []
    assert stores.audit.entries(limit=0) == []
    assert len(stores.audit.entries(limit=100)) == 7


@pytest.mark.parametrize(
    "token",
    [
        TOKEN,
        "x" * 24,
        "Bearer " + TOKEN,
        "mã-quản-trị-có-dấu-đủ-24-ký-tự",
        "0123456789abcdef01234567",
    ],
)
def test_the_fingerprint_never_holds_the_token(token: str) -> None:
    fingerprint = token_fingerprint(token)
    assert fingerprint != token and token not in fingerprint and fingerprint not in token
    assert len(fingerprint) == 12 and set(fingerprint) <= set("0123456789abcdef")
    assert token_fingerprint(token) == fingerprint  # stable: the same token, the same entry
    assert token_fingerprint(token + "!") != fingerprint


def test_the_stored_rows_hold_the_fingerprint_not_the_token(stores: Stores) -> None:
    import sqlalchemy as sa

    stores.audit.record(
        AuditEntry("replace", "ok", "10.0.0.7", token_fingerprint=token_fingerprint(TOKEN))
    )
    with stores.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM audit")).all()
    assert rows and all(TOKEN not in str(value) for row in rows for value in row)
