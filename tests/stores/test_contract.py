"""The store interfaces' contract, run against SQLite and a real PostgreSQL alike."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date
from pathlib import Path

import pytest

from domain.agencies import Gazetteer
from domain.errors import DocumentNotFoundError, StoreError
from domain.records import Deadline, Document, TargetRecord, TaskRecord
from stores import Stores, TaskQuery, open_stores
from tests.conftest import new_database_url

BACKENDS = ("sqlite", "postgresql")

pytestmark = pytest.mark.both_backends


@pytest.fixture(params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return new_database_url(tmp_path / "contract", request.param)


@pytest.fixture
def stores(url: str) -> Iterator[Stores]:
    opened = open_stores(url, Gazetteer.load())
    yield opened
    opened.close()


def _doc(doc_id: str = "plan", version: int = 1, **over: object) -> Document:
    fields: dict[str, object] = {
        "id": doc_id,
        "title": f"Kế hoạch {doc_id}",
        "kind": "kế hoạch",
        "number": f"{version}{len(doc_id)}/KH-UBND",
        "issuer": "UBND tỉnh Lâm Đồng",
        "issued": "2026-02-03",
        "source": f"{doc_id}.docx",
        "content_hash": f"hash-{doc_id}-{version}",
        "version": version,
    }
    fields.update(over)
    return Document(**fields)  # type: ignore[arg-type]


def _task(
    number: str,
    name: str,
    lead: tuple[str, ...],
    coordinating: tuple[str, ...] = (),
    deadline: Deadline | None = None,
    doc_id: str = "plan",
    version: int = 1,
) -> TaskRecord:
    return TaskRecord(
        document_id=doc_id,
        version=version,
        number=number,
        section="Phụ lục I",
        name=name,
        lead_agencies=lead,
        coordinating_agencies=coordinating,
        output="Báo cáo",
        deadline=deadline or Deadline("Thường xuyên", recurring="thường xuyên"),
        locator=f"Phụ lục I, nhiệm vụ {number}",
        raw=f"{number} | {name}",
    )


TASKS = [
    _task(
        "1",
        "Xây dựng cơ sở dữ liệu đất đai",
        ("Sở Nông nghiệp và Môi trường",),
        ("Sở TT&TT", "UBND các huyện"),
        Deadline("Quý IV/2026", date(2026, 10, 1), date(2026, 12, 31)),
    ),
    _task(
        "2",
        "Triển khai bệnh án điện tử 100% bệnh viện",
        ("Sở Y tế",),
        ("Bảo hiểm xã hội tỉnh",),
        Deadline("3/2026", date(2026, 3, 1), date(2026, 3, 31)),
    ),
    _task(
        "3",
        "Đào tạo kỹ năng số cho cán bộ cấp xã",
        ("Sở Nội vụ", "Sở Y tế"),
        (),
        Deadline("Tháng 8/2025 và thường xuyên", None, date(2025, 8, 31), "thường xuyên"),
    ),
    _task("4", "Tuyên truyền chuyển đổi số", ("Các sở, ban, ngành",), ("Sở Y tế",)),
]


def _publish(stores: Stores, doc: Document, tasks: list[TaskRecord]) -> None:
    stores.versions.add_pending(doc, tasks, [], reader="r1")
    stores.versions.activate(doc.id, doc.version)


# -- versions ---------------------------------------------------------------------------------


def test_a_pending_version_is_invisible_until_activated(stores: Stores) -> None:
    stores.versions.add_pending(_doc(), TASKS, [])
    assert stores.versions.active_documents() == []
    assert stores.records.tasks() == []
    assert stores.versions.stale_versions() == [("plan", 1)]
    assert stores.versions.activate("plan", 1) == []
    assert [d.id for d in stores.versions.active_documents()] == ["plan"]
    assert [t.number for t in stores.records.tasks()] == ["1", "2", "3", "4"]
    assert stores.versions.active_versions() == ["plan@1"]


def test_activation_switches_versions_in_one_step(stores: Stores) -> None:
    _publish(stores, _doc(), TASKS)
    assert stores.versions.next_version("plan") == 2
    stores.versions.add_pending(
        _doc(version=2), TASKS[:1], [], changes={"added": [], "removed": ["2", "3", "4"]}
    )
    assert stores.versions.latest_changes("plan") is None  # the pending one is not served
    assert stores.versions.activate("plan", 2) == [1]
    assert stores.versions.get_document("plan").version == 2
    assert [(t.version, t.number) for t in stores.records.tasks()] == [(2, "1")]
    assert stores.versions.latest_changes("plan") == (
        2,
        {"added": [], "removed": ["2", "3", "4"]},
    )
    assert stores.versions.stale_versions() == [("plan", 1)]
    stores.versions.purge("plan", 1)
    assert stores.versions.stale_versions() == []
    assert [t.number for t in stores.records.tasks()] == ["1"]


def test_every_process_sees_what_another_activates_or_retires(url: str) -> None:
    """Two store sets over one database (two processes): what one keeps of the active
    documents and tasks is read again as soon as the other changes what is active."""
    reader, writer = open_stores(url, Gazetteer.load()), open_stores(url, Gazetteer.load())
    try:
        writer.versions.add_pending(_doc(), [_task("1", "Số hóa hồ sơ", ("Sở Y tế",))], [])
        writer.versions.activate("plan", 1)
        assert [t.name for t in reader.records.tasks()] == ["Số hóa hồ sơ"]
        assert reader.records.task("plan", "1").name == "Số hóa hồ sơ"
        assert reader.records.task("plan", "2") is None
        assert [d.version for d in reader.versions.active_documents()] == [1]
        new = [_task("1", "Số hóa bệnh án", ("Sở Y tế",), version=2)]
        writer.versions.add_pending(_doc(version=2), new, [])
        assert [t.name for t in reader.records.tasks()] == ["Số hóa hồ sơ"]  # still pending
        writer.versions.activate("plan", 2)
        assert [t.name for t in reader.records.tasks()] == ["Số hóa bệnh án"]
        assert [t.version for t in reader.records.tasks(TaskQuery(document_id="plan"))] == [2]
        assert reader.records.task("plan", "1").name == "Số hóa bệnh án"
        assert reader.versions.active_versions() == ["plan@2"]
        writer.versions.retire("plan")
        assert reader.records.tasks() == [] and reader.versions.active_documents() == []
    finally:
        reader.close()
        writer.close()


def test_activating_what_is_not_pending_fails_and_changes_nothing(stores: Stores) -> None:
    _publish(stores, _doc(), TASKS)
    with pytest.raises(StoreError):
        stores.versions.activate("plan", 7)
    assert stores.versions.get_document("plan").version == 1
    with pytest.raises(StoreError):  # already active
        stores.versions.activate("plan", 1)
    assert stores.versions.active_versions() == ["plan@1"]


def test_purge_never_removes_the_active_version(stores: Stores) -> None:
    _publish(stores, _doc(), TASKS)
    stores.versions.purge("plan", 1)
    assert len(stores.records.tasks()) == len(TASKS)


def test_lookups_by_id_hash_and_number(stores: Stores) -> None:
    doc = _doc(number="45/KH-UBND", content_hash="abc")
    _publish(stores, doc, TASKS)
    assert stores.versions.find_active_by_hash("abc") == doc
    assert stores.versions.find_active_by_number("45/KH-UBND") == doc
    assert stores.versions.find_active_by_hash("zzz") is None
    assert stores.versions.find_active_by_number("1/KH") is None
    assert stores.versions.reader_of("plan", 1) == "r1"
    assert stores.versions.reader_of("plan", 9) is None
    with pytest.raises(DocumentNotFoundError):
        stores.versions.get_document("missing")


def test_retire_deletes_a_document(stores: Stores) -> None:
    _publish(stores, _doc(), TASKS)
    assert stores.versions.retire("plan") == [1]
    assert stores.versions.active_documents() == [] and stores.records.tasks() == []
    with pytest.raises(DocumentNotFoundError):
        stores.versions.retire("plan")


def test_records_keep_their_fields(stores: Stores) -> None:
    target = TargetRecord(
        document_id="plan",
        version=1,
        number="1",
        section="Phụ lục II",
        indicator="Tỷ lệ hồ sơ trực tuyến toàn trình",
        unit="%",
        value="≥ 80",
        horizon="2030",
        agency="Văn phòng UBND tỉnh",
        mandatory=True,
        locator="Phụ lục II, chỉ tiêu 1",
        note="Đo trên Cổng DVC",
        raw="1 | Tỷ lệ ...",
    )
    stores.versions.add_pending(_doc(), TASKS, [target])
    stores.versions.activate("plan", 1)
    assert stores.records.tasks() == TASKS
    assert stores.records.targets() == [target]
    assert stores.records.targets("plan") == [target] and stores.records.targets("x") == []


# -- task filters (all in SQL) ----------------------------------------------------------------


@pytest.fixture
def published(stores: Stores) -> Stores:
    _publish(stores, _doc(), TASKS)
    other = [_task("1", "Phát triển hạ tầng 5G", ("Sở Y tế",), doc_id="other")]
    _publish(stores, _doc("other", number="9/KH-UBND"), other)
    return stores


def _numbers(stores: Stores, **filters: object) -> list[str]:
    return [f"{t.document_id}:{t.number}" for t in stores.records.tasks(TaskQuery(**filters))]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"agency": "Sở Y tế", "role": "lead"}, ["other:1", "plan:2", "plan:3"]),
        ({"agency": "so y te", "role": "coordinating"}, ["plan:4"]),
        ({"agency": "SỞ Y TẾ"}, ["other:1", "plan:2", "plan:3", "plan:4"]),
        # an alias given, the full name stored, and the other way round
        ({"agency": "Sở Thông tin và Truyền thông", "role": "coordinating"}, ["plan:1"]),
        ({"agency": "sở nội vụ", "role": "coordinating"}, []),
        ({"agency": "các sở, ban, ngành", "role": "lead"}, ["plan:4"]),
        ({"agency": "UBND các huyện"}, ["plan:1"]),
        # nothing to match on: no task, never every task
        ({"agency": "%"}, []),
        ({"agency": "_ _"}, []),
        ({"document_id": "other"}, ["other:1"]),
        ({"due_from": date(2026, 1, 1)}, ["plan:1", "plan:2"]),
        ({"due_to": date(2026, 3, 31)}, ["plan:2", "plan:3"]),
        ({"due_from": date(2026, 3, 31), "due_to": date(2026, 3, 31)}, ["plan:2"]),
        ({"status": "overdue", "today": date(2026, 5, 1)}, ["plan:2"]),
        ({"status": "upcoming", "today": date(2026, 3, 1)}, ["plan:2"]),
        ({"status": "upcoming", "today": date(2026, 12, 1)}, ["plan:1"]),
        ({"status": "upcoming", "today": date(2026, 10, 1), "within_days": 90}, []),
        ({"status": "upcoming", "today": date(2026, 10, 1), "within_days": 91}, ["plan:1"]),
        ({"status": "open", "today": date(2026, 5, 1)}, ["other:1", "plan:1", "plan:3", "plan:4"]),
        ({"status": "recurring"}, ["other:1", "plan:3", "plan:4"]),
        ({"q": "benh an"}, ["plan:2"]),
        ({"q": "Bệnh án điện tử"}, ["plan:2"]),
        ({"q": "100%"}, ["plan:2"]),
        ({"q": "dat_dai"}, []),
        ({"q": "phụ lục"}, ["other:1", "plan:1", "plan:2", "plan:3", "plan:4"]),
        ({"agency": "Sở Y tế", "role": "lead", "due_to": date(2026, 6, 30)}, ["plan:2", "plan:3"]),
    ],
)
def test_task_filters(published: Stores, filters: dict[str, object], expected: list[str]) -> None:
    assert _numbers(published, **filters) == expected


def test_yearly_tasks_fall_due_on_their_day_every_year(stores: Stores) -> None:
    """SEMANTICS §2: a task with a yearly due day is due in a period holding that day of some
    year, and upcoming when its next one is near; never overdue. The SQL filters agree with
    the rule the badges use (``domain``) on periods within a year, across New Year, and
    longer than a year."""
    from datetime import timedelta

    from domain.deadlines import due_between, parse_deadline
    from domain.task_status import task_status

    cells = ["Hằng năm, trước 15/12", "hằng năm trước ngày 10 tháng 1", "Hằng năm", "3/2026"]
    tasks = [_task(str(i), f"Báo cáo {i}", ("Sở Y tế",), (), parse_deadline(c)) for i, c in
             enumerate(cells, 1)]  # fmt: skip
    _publish(stores, _doc(), tasks)
    assert [t.deadline.yearly for t in stores.records.tasks(TaskQuery())] == [
        "12-15", "01-10", None, None
    ]  # fmt: skip
    assert _numbers(stores, due_from=date(2027, 12, 1), due_to=date(2027, 12, 31)) == ["plan:1"]
    assert _numbers(stores, due_from=date(2026, 12, 20), due_to=date(2027, 1, 10)) == ["plan:2"]
    assert _numbers(stores, status="upcoming", today=date(2030, 11, 20)) == ["plan:1"]
    assert _numbers(stores, status="upcoming", today=date(2026, 12, 16)) == ["plan:2"]
    assert _numbers(stores, status="overdue", today=date(2031, 1, 1)) == ["plan:4"]
    starts = [date(2026, 1, 10), date(2026, 3, 1), date(2026, 12, 15), date(2026, 12, 16)]
    for first in starts:
        for days in (0, 1, 20, 25, 30, 300, 364, 365, 400, 800):
            last = first + timedelta(days=days)
            expected = [f"plan:{t.number}" for t in tasks if due_between(t.deadline, first, last)]
            assert _numbers(stores, due_from=first, due_to=last) == expected, (first, last)
        upcoming = [
            f"plan:{t.number}" for t in tasks if task_status(t.deadline, first) == "upcoming"
        ]
        assert _numbers(stores, status="upcoming", today=first) == upcoming, first


def test_agency_keys_follow_the_gazetteer(url: str, tmp_path: Path) -> None:
    first = open_stores(url, Gazetteer.load())
    _publish(first, _doc(), TASKS)
    assert _numbers(first, agency="Sở Khoa học và Công nghệ") == []
    first.close()
    # an admin records a merger: tasks stored before it answer to the successor's name
    extra = tmp_path / "agencies.json"
    extra.write_text(
        json.dumps(
            {
                "agencies": [
                    {
                        "name": "Sở Thông tin và Truyền thông",
                        "merged_into": "Sở Khoa học và Công nghệ",
                    }
                ]
            }
        ),
        "utf-8",
    )
    merged = open_stores(url, Gazetteer.load([extra]))
    assert _numbers(merged, agency="Sở Khoa học và Công nghệ", role="coordinating") == ["plan:1"]
    merged.close()
    again = open_stores(url, Gazetteer.load())
    assert _numbers(again, agency="Sở Khoa học và Công nghệ") == []
    again.close()


# -- conversations, subscriptions, channel state ------------------------------------------------


def test_conversations(stores: Stores) -> None:
    assert stores.conversations.get("c1") is None
    stores.conversations.save("c1", {"task": ["plan", "1"], "question": "Ai chủ trì?"})
    stores.conversations.save("c2", {"items": [1, 2, 3]})
    stores.conversations.save("c1", {"task": None, "question": "thế còn Sở Y tế?"})
    assert stores.conversations.get("c1") == {"task": None, "question": "thế còn Sở Y tế?"}
    assert stores.conversations.get("c2") == {"items": [1, 2, 3]}


def test_subscriptions(stores: Stores) -> None:
    stores.subscriptions.subscribe("telegram", "42", "Sở Y tế")
    stores.subscriptions.subscribe("telegram", "42", "Sở Y tế")
    stores.subscriptions.subscribe("telegram", "42", "Sở Nội vụ")
    stores.subscriptions.subscribe("telegram", "7", "Sở Y tế")
    stores.subscriptions.subscribe("zalo", "42", "Sở Y tế")
    assert stores.subscriptions.subscriptions("telegram") == [
        ("42", "Sở Nội vụ"),
        ("42", "Sở Y tế"),
        ("7", "Sở Y tế"),
    ]
    assert stores.subscriptions.unsubscribe("telegram", "42") == 2
    assert stores.subscriptions.unsubscribe("telegram", "42") == 0
    assert stores.subscriptions.subscriptions("telegram") == [("7", "Sở Y tế")]
    assert stores.subscriptions.subscriptions("zalo") == [("42", "Sở Y tế")]


def test_channel_state(stores: Stores) -> None:
    assert stores.channels.get_value("zalo.access_token") is None
    stores.channels.set_value("zalo.access_token", "a")
    stores.channels.set_value("zalo.access_token", "b")
    assert stores.channels.get_value("zalo.access_token") == "b"
    assert stores.channels.first_sighting("zalo", "m1") is True
    assert stores.channels.first_sighting("zalo", "m1") is False
    assert stores.channels.first_sighting("telegram", "m1") is True


def test_a_message_seen_by_racing_threads_is_handled_once(stores: Stores) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def see() -> None:
        barrier.wait()
        results.append(stores.channels.first_sighting("zalo", "same"))

    threads = [threading.Thread(target=see) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [False] * 7 + [True]


# -- jobs and the embedding cache ---------------------------------------------------------------


def test_jobs(stores: Stores) -> None:
    from datetime import datetime, timedelta

    job = stores.jobs.enqueue("ingest", "ke-hoach.docx", [("ke-hoach.docx", b"x")])
    assert (job.status, job.done) == ("queued", False)
    assert stores.jobs.get(job.id) == job
    claimed = stores.jobs.claim("w")
    assert claimed is not None and claimed.job.id == job.id and not claimed.job.done
    stores.jobs.finish(job.id, "added", result={"id": "plan", "tasks": 3}, detail=None)
    done = stores.jobs.get(job.id)
    assert done is not None and done.done
    assert (done.status, done.result, done.detail) == ("added", {"id": "plan", "tasks": 3}, None)
    stuck = stores.jobs.enqueue("ingest", "other.pdf", [("other.pdf", b"y")])
    stores.jobs.claim("w")
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1)
    assert stores.jobs.abandon_stale("gián đoạn", later) == 1
    abandoned = stores.jobs.get(stuck.id)
    assert abandoned is not None and (abandoned.status, abandoned.detail) == ("failed", "gián đoạn")
    assert stores.jobs.get("nope") is None


def test_embedding_cache(stores: Stores) -> None:
    vectors = {f"đoạn {i}": [i / 3, -1e-7, 0.1 + i] for i in range(1200)}
    stores.embeddings.put("m1", vectors)
    assert stores.embeddings.get("m1", list(vectors)) == vectors
    assert stores.embeddings.get("m2", list(vectors)) == {}
    assert stores.embeddings.get("m1", ["không có"]) == {}
    stores.embeddings.put("m1", {"đoạn 1": [9.0]})
    assert stores.embeddings.get("m1", ["đoạn 1", "đoạn 2"]) == {
        "đoạn 1": [9.0],
        "đoạn 2": vectors["đoạn 2"],
    }


def test_health(stores: Stores) -> None:
    assert stores.healthy()
    stores.close()


def test_old_conversations_are_forgotten(stores: Stores) -> None:
    from datetime import datetime, timedelta

    stores.conversations.save("old", {"items": []})
    stores.conversations.save("new", {"items": []})
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=5)
    assert stores.conversations.prune(later - timedelta(days=1)) == 0
    assert stores.conversations.prune(later) == 2
    assert stores.conversations.get("old") is None and stores.conversations.get("new") is None
