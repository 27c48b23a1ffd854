"""The ingest job queue, on SQLite and a real PostgreSQL alike: every queued job is taken by
one worker only; a job whose worker stopped beating is failed, its files let go."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.agencies import Gazetteer
from stores import Stores, open_stores
from tests.conftest import new_database_url

pytestmark = pytest.mark.both_backends


@pytest.fixture(params=("sqlite", "postgresql"))
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    opened = open_stores(new_database_url(tmp_path / "queue", request.param), Gazetteer.load())
    yield opened
    opened.close()


def test_jobs_wait_in_order_with_their_files(stores: Stores) -> None:
    first = stores.jobs.enqueue(
        "ingest",
        "ke-hoach.docx, phu-luc.xlsx",
        [("ke-hoach.docx", b"body"), ("phu-luc.xlsx", b"appendix")],
        replace_id="kh-45",
        origin={"client": "10.0.0.9", "fingerprint": "ab12", "action": "replace"},
    )
    second = stores.jobs.enqueue("ingest", "khac.txt", [("khac.txt", b"x")])
    assert (first.status, first.done) == ("queued", False)
    claimed = stores.jobs.claim("worker-a")
    assert claimed is not None and claimed.job.id == first.id
    assert claimed.files == [("ke-hoach.docx", b"body"), ("phu-luc.xlsx", b"appendix")]
    assert claimed.job.replace_id == "kh-45" and claimed.job.origin["action"] == "replace"
    assert stores.jobs.get(first.id).status == "running"
    assert stores.jobs.claim("worker-b").job.id == second.id
    assert stores.jobs.claim("worker-c") is None
    stores.jobs.finish(first.id, "added", result={"id": "kh-45"}, detail=None)
    assert stores.jobs.get(first.id).done


def test_each_job_is_taken_once_by_workers_racing(stores: Stores) -> None:
    queued = {stores.jobs.enqueue("ingest", f"{i}.txt", [(f"{i}.txt", b"x")]).id for i in range(20)}
    taken: list[str] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while (claimed := stores.jobs.claim(name)) is not None:
            with lock:
                taken.append(claimed.job.id)

    workers = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(taken) == sorted(queued)  # every job once, none twice


def test_a_job_whose_worker_stopped_beating_is_failed(stores: Stores) -> None:
    alive = stores.jobs.enqueue("ingest", "a.txt", [("a.txt", b"a")])
    dead = stores.jobs.enqueue("ingest", "b.txt", [("b.txt", b"b")])
    stores.jobs.claim("w1")
    stores.jobs.claim("w2")
    now = datetime.now(UTC).replace(tzinfo=None)
    stores.jobs.heartbeat(alive.id)
    assert stores.jobs.abandon_stale("dừng", now - timedelta(minutes=1)) == 0
    assert stores.jobs.abandon_stale("dừng", now + timedelta(seconds=1)) == 2
    assert stores.jobs.get(dead.id).status == "failed"
    assert stores.jobs.get(dead.id).detail == "dừng"


def test_a_cleanup_with_grace_leaves_a_version_being_built(stores: Stores) -> None:
    from domain.records import Document

    building = Document(
        id="kh-9",
        title="Kế hoạch 9",
        kind="kế hoạch",
        number="9/KH-UBND",
        issuer=None,
        issued=None,
        source="kh-9.docx",
        content_hash="h9",
        version=1,
    )
    stores.versions.add_pending(building, [], [])
    hour_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
    assert stores.versions.stale_versions(older_than=hour_ago) == []
    assert stores.versions.stale_versions() == [("kh-9", 1)]
    assert stores.versions.known_versions() == {"kh-9@1"}
