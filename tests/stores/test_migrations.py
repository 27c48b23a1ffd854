"""Migrations build the schema the code expects, on both backends, and upgrade old data dirs."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from domain.agencies import Gazetteer
from stores import TaskQuery, open_stores
from stores.sql.schema import metadata
from tests.conftest import new_database_url


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_build_the_schema_the_code_queries(backend: str, tmp_path: Path) -> None:
    stores = open_stores(new_database_url(tmp_path, backend), Gazetteer.load())
    with stores.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    stores.close()
    assert diff == []
    # opening again applies nothing and loses nothing
    again = open_stores(
        str(stores.engine.url.render_as_string(hide_password=False)), Gazetteer.load()
    )
    assert again.healthy()
    again.close()


# The schema planbot created before it had migrations (a data dir from an earlier release).
_LEGACY = """
CREATE TABLE versions (
    document_id TEXT NOT NULL, version INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'retired')),
    title TEXT NOT NULL, kind TEXT NOT NULL, number TEXT, issuer TEXT, issued TEXT,
    source TEXT NOT NULL, content_hash TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    PRIMARY KEY (document_id, version)
);
CREATE INDEX versions_hash ON versions (content_hash, state);
CREATE TABLE tasks (
    document_id TEXT NOT NULL, version INTEGER NOT NULL, number TEXT NOT NULL,
    section TEXT NOT NULL, name TEXT NOT NULL, lead TEXT NOT NULL, coordinating TEXT NOT NULL,
    output TEXT NOT NULL, deadline_text TEXT NOT NULL, deadline_start TEXT, deadline_end TEXT,
    recurring TEXT, locator TEXT NOT NULL, position INTEGER NOT NULL, raw TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tasks_doc ON tasks (document_id, version);
CREATE TABLE targets (
    document_id TEXT NOT NULL, version INTEGER NOT NULL, number TEXT NOT NULL,
    section TEXT NOT NULL, indicator TEXT NOT NULL, unit TEXT NOT NULL, value TEXT NOT NULL,
    horizon TEXT NOT NULL, agency TEXT NOT NULL, mandatory INTEGER, locator TEXT NOT NULL,
    position INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '', raw TEXT NOT NULL DEFAULT ''
);
CREATE INDEX targets_doc ON targets (document_id, version);
CREATE TABLE changes (
    document_id TEXT NOT NULL, version INTEGER NOT NULL, report TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
);
CREATE TABLE subscriptions (
    platform TEXT NOT NULL, chat_id TEXT NOT NULL, agency TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id, agency)
);
CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE seen_messages (
    platform TEXT NOT NULL, message_id TEXT NOT NULL,
    seen_at TEXT NOT NULL DEFAULT (datetime('now')), PRIMARY KEY (platform, message_id)
);
CREATE TABLE conversations (
    id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE embeddings (
    model TEXT NOT NULL, text_hash TEXT NOT NULL, vector TEXT NOT NULL,
    PRIMARY KEY (model, text_hash)
);
INSERT INTO versions (document_id, version, state, title, kind, number, source, content_hash)
    VALUES ('plan', 3, 'active', 'Kế hoạch cũ', 'kế hoạch', '12/KH-UBND', 'plan.txt', 'h');
INSERT INTO tasks VALUES ('plan', 3, '1', 'I', 'Số hóa hồ sơ', '["Sở TT&TT"]', '["Sở Y tế"]',
    'Kho dữ liệu', '6/2026', '2026-06-01', '2026-06-30', NULL, 'Bảng 1, nhiệm vụ 1', 0, '');
INSERT INTO tasks VALUES ('plan', 3, '2', 'I', 'Báo cáo kết quả', '["Sở Y tế"]', '[]',
    'Báo cáo', 'Hằng năm, trước 15/12', NULL, NULL, 'hằng năm', 'Bảng 1, nhiệm vụ 2', 1, '');
INSERT INTO kv VALUES ('reader:plan:3', '2:abc'), ('zalo.access_token', 'tok');
INSERT INTO subscriptions VALUES ('telegram', '42', 'Sở Y tế');
INSERT INTO conversations (id, state) VALUES ('c', '{"task": ["plan", "1"]}');
"""


def test_a_data_dir_from_before_migrations_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "planbot.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(_LEGACY)
        digest = hashlib.sha256(b"x").hexdigest()
        db.execute("INSERT INTO embeddings VALUES ('m', ?, '[0.5, 0.25]')", (digest,))
    stores = open_stores(f"sqlite:///{path}", Gazetteer.load())
    assert stores.versions.get_document("plan").number == "12/KH-UBND"
    assert stores.versions.reader_of("plan", 3) == "2:abc"
    # tasks stored before filters moved into SQL are found by agency, role, window and words
    found = stores.records.tasks(
        TaskQuery(agency="Sở Thông tin và Truyền thông", role="lead", due_to=date(2026, 6, 30))
    )
    assert [(t.number, t.deadline.end) for t in found] == [("1", date(2026, 6, 30))]
    assert stores.records.tasks(TaskQuery(q="so hoa")) == found
    # a yearly task stored before its day was kept falls due that day every year
    december = stores.records.tasks(
        TaskQuery(due_from=date(2027, 12, 1), due_to=date(2027, 12, 31))
    )
    assert [(t.number, t.deadline.yearly) for t in december] == [("2", "12-15")]
    assert stores.channels.get_value("zalo.access_token") == "tok"
    assert stores.channels.get_value("reader:plan:3") is None
    assert stores.subscriptions.subscriptions("telegram") == [("42", "Sở Y tế")]
    assert stores.conversations.get("c") == {"task": ["plan", "1"]}
    assert stores.embeddings.get("m", ["x"]) == {"x": [0.5, 0.25]}
    stores.close()
