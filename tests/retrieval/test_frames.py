"""Frames: the slot table (tests/cases/slots.jsonl) passes whole; follow-up marks are read."""

from __future__ import annotations

import json
from datetime import date

import pytest

from domain.agencies import Gazetteer
from domain.periods import Period
from retrieval.frames import Frame, TaskRef, read_frame
from tests.conftest import ROOT

TODAY = date(2026, 11, 18)
SLOTS = [
    json.loads(line)
    for line in (ROOT / "tests" / "cases" / "slots.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize("case", SLOTS, ids=[c["q"][:60] for c in SLOTS])
def test_slot_table(case: dict[str, object], gazetteer: Gazetteer) -> None:
    frame = read_frame(str(case["q"]), gazetteer, TODAY)
    assert (frame.agency is not None) == (case["agency"] is not None)
    if case["agency"]:
        assert (frame.role or "lead") == case["role"]
    assert frame.status == case["status"]
    ref = case["task_ref"]
    if isinstance(ref, dict) and "number" in ref:
        assert frame.task == TaskRef(number=ref["number"])
    if isinstance(ref, dict) and "ordinal" in ref:
        assert frame.task == TaskRef(ordinal=ref["ordinal"])


def test_the_slot_table_is_half_informal() -> None:
    assert len(SLOTS) >= 120
    assert sum(bool(c["informal"]) for c in SLOTS) >= len(SLOTS) * 0.45


def test_an_agency_a_period_and_a_list(gazetteer: Gazetteer) -> None:
    frame = read_frame("sở nội vụ có việc gì phải xong trong 6 tháng cuối năm ko", gazetteer, TODAY)
    assert frame.agency == "Sở Nội vụ" and frame.role is None
    assert frame.period == Period(date(2026, 7, 1), date(2026, 12, 31), "half")


@pytest.mark.parametrize(
    ("question", "marks"),
    [
        ("còn Sở Tài chính thì sao?", {"opener"}),
        ("thế quý sau?", {"opener"}),
        ("riêng của Sở Tư pháp thôi", {"narrow"}),
        ("trong số đó việc nào trễ hạn?", {"narrow"}),
        ("xem tiếp", {"page"}),
        ("còn nữa không?", {"page", "opener"}),
        ("Sở Y tế chủ trì những nhiệm vụ nào?", set()),
    ],
)
def test_follow_up_marks(question: str, marks: set[str], gazetteer: Gazetteer) -> None:
    frame = read_frame(question, gazetteer, TODAY)
    found = {m for m in ("opener", "narrow", "page") if getattr(frame, m)}
    assert found == marks


@pytest.mark.parametrize(
    ("question", "ref"),
    [
        ("nv thứ hai khi nào phải xong?", TaskRef(ordinal=2)),
        ("cái đầu tiên thì đơn vị nào phối hợp vậy", TaskRef(ordinal=1)),
        ("nhiệm vụ cuối có mấy cơ quan chủ trì?", TaskRef(ordinal=-1)),
        ("những nhiệm vụ cuối năm", None),
        ("con cai kia?", TaskRef(other=True)),
        ("nhiệm vụ đó hạn khi nào", TaskRef(previous=True)),
        ("ý mình là nhiệm vụ về hạ tầng 5G", TaskRef(words="nhiem vu ve ha tang 5g")),
        ("nv 27 do ai chu tri", TaskRef(number="27")),
    ],
)
def test_task_references(question: str, ref: TaskRef | None, gazetteer: Gazetteer) -> None:
    assert read_frame(question, gazetteer, TODAY).task == ref


def test_a_plan_year_is_not_a_period(gazetteer: Gazetteer) -> None:
    assert read_frame("kế hoạch năm 2025 có mấy nhiệm vụ", gazetteer, TODAY).period is None
    assert read_frame("nhiệm vụ hạn năm 2025", gazetteer, TODAY).period is not None


def test_yes_no_questions_confirm(gazetteer: Gazetteer) -> None:
    for question in (
        "Sở Y tế chủ trì đúng không?",
        "có VP UBND tỉnh tham gia không?",
        "vẫn còn hạn phải ko",
    ):
        assert "confirm" in read_frame(question, gazetteer, TODAY).fields, question


def test_frames_round_trip_through_json(gazetteer: Gazetteer) -> None:
    frame = read_frame("sở y tế có nv nào quá hạn trong quý 4/2026", gazetteer, TODAY)
    assert Frame.from_json(json.loads(json.dumps(frame.to_json()))) == frame


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("công văn hướng dẫn của sở số mấy", ("cong van", "huong dan")),
        ("kh chuyển đổi số năm 2024 ai ký", ("ke hoach",)),
        # a paper named with its number is one the question cites, not the one asked about
        ("Ban chỉ đạo theo Nghị quyết 04-NQ/TU lập theo quyết định số mấy?", ("quyet dinh",)),
        ("Kế hoạch số 12/KH-UBND căn cứ những văn bản nào", ()),
    ],
)
def test_the_kind_of_paper_asked_about(question: str, kinds: tuple[str, ...], gazetteer: Gazetteer):
    assert read_frame(question, gazetteer, TODAY).document_kinds == kinds


@pytest.mark.parametrize(
    ("question", "is_period"),
    [
        ("Sở Nội vụ chủ trì việc gì trong kế hoạch khoa học, công nghệ năm 2026?", False),
        ("cong an tinh lam gi trong kh dich vu cong truc tuyen 2026", False),
        ("Kế hoạch an toàn thông tin năm 2026 gồm những nhiệm vụ gì?", False),
        ("trong kế hoạch 57, việc gì phải xong năm 2026", True),
        ("Sở Y tế có nhiệm vụ nào hạn trong năm 2026", True),
        ("theo kế hoạch, sở y tế phải hoàn thành những gì trong năm 2026", True),
    ],
)
def test_a_year_in_a_plans_name_is_no_period(question: str, is_period: bool, gazetteer: Gazetteer):
    assert (read_frame(question, gazetteer, TODAY).period is not None) == is_period
