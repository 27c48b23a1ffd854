"""Rows of the NQ57 plan's Phụ lục II, recovered from flattened PDF text, field by field."""

from __future__ import annotations

from datetime import date

import pytest

from domain.agencies import Gazetteer
from domain.records import TaskRecord
from ingest.loaders import load_file
from ingest.records import extract_records
from tests.conftest import NQ57

ALL_DEPTS = ("Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố")
TTTT = "Sở Thông tin và Truyền thông"
KHCN = "Sở Khoa học và Công nghệ"


@pytest.fixture(scope="module")
def tasks() -> dict[str, TaskRecord]:
    doc = load_file(NQ57)
    extracted = extract_records(doc, document_id="nq57", version=1, gazetteer=Gazetteer.load())
    return {t.number: t for t in extracted.tasks}


def test_all_71_tasks_in_order(tasks: dict[str, TaskRecord]):
    assert list(tasks) == [str(i) for i in range(1, 72)]
    assert all(t.name for t in tasks.values())


# (number, lead, coordinating, output, deadline text)
ROWS = [
    (
        "1",
        ALL_DEPTS,
        (
            TTTT,
            KHCN,
            "Ban Tuyên giáo Tỉnh ủy",
            "Sở Văn hóa, Thể thao và Du lịch",
            "Đài Phát thanh - Truyền hình và Báo Bình Phước",
        ),
        "Các chương trình tuyên truyền được ban hành",
        "Thường xuyên",
    ),
    # "-" cell merged with the deadline on one line; name continued after a page break
    ("3", ALL_DEPTS, (), "", "9/2025"),
    (
        "5",
        ALL_DEPTS,
        (),
        "Kế hoạch công tác hằng năm của sở, ngành, UBND các huyện, thị xã, thành phố",
        "Thường xuyên",
    ),
    (
        "9",
        ("Sở Nội vụ", KHCN, TTTT),
        ALL_DEPTS,
        "Văn bản triển khai",
        "Tháng 8/2025 và thường xuyên",
    ),
    (
        "12",
        ("Các sở, ngành",),
        ("Sở Tư pháp", "Các sở, ngành", "UBND các huyện, thị xã, thành phố"),
        "Sở Tư pháp tổng hợp, báo cáo, đề xuất Chủ tịch UBND tỉnh phương án xây dựng, sửa đổi, "
        "bổ sung",
        "9/2025",
    ),
    # lead, coordinating and output cells all split by a page break
    (
        "13",
        (KHCN, TTTT),
        ("Sở Nội vụ", "Các sở, ngành", "UBND các huyện, thị xã, thành phố"),
        "Nghị quyết HĐND tỉnh/Quyết định UBND tỉnh",
        "2025",
    ),
    (
        "21",
        (KHCN,),
        (
            "Sở Kế hoạch và Đầu tư",
            "Sở Tài chính",
            "Ban Quản lý dự án đầu tư xây dựng tỉnh Bình Phước",
        ),
        "Đề án của UBND tỉnh",
        "2026",
    ),
    # name and lead merged on one line
    (
        "29",
        ("Các thành phố, thị xã đủ điều kiện",),
        ("Sở Xây dựng", TTTT),
        "Đề án của UBND tỉnh",
        "12/2027",
    ),
    ("37", ("Các sở, ban, ngành, địa phương",), (), "", "Thường xuyên"),
    (
        "41",
        ("Sở Giáo dục và Đào tạo",),
        ALL_DEPTS,
        "Nguồn nhân lực chất lượng cao được nâng lên",
        "Thường xuyền",
    ),
    # co-lead on the next line, no separator
    ("43", (KHCN, TTTT), ALL_DEPTS, "Kế hoạch của UBND tỉnh", "Quý IV/2025"),
    # lead split by a page break
    (
        "45",
        (TTTT, "Văn phòng UBND tỉnh"),
        ("Công an tỉnh",) + ALL_DEPTS,
        "Kế hoạch UBND tỉnh",
        "6/2025",
    ),
    (
        "51",
        ("Sở Tài nguyên và Môi trường", "Trung tâm Khí tượng Thủy văn"),
        (TTTT, "UBND các huyện, thị xã, thành phố"),
        "Các ứng dụng, nền tảng số ứng dụng AI được ứng dụng",
        "12/2026",
    ),
    (
        "53",
        ("Công an tỉnh",),
        ("Các sở, ngành", "UBND các huyện, thị xã, thành phố"),
        "Đề án/Kế hoạch của UBND tỉnh",
        "Thường xuyên",
    ),
    # "... Công an tỉnh và UBND các huyện ..." is two agencies
    (
        "56",
        ("Sở Y tế",),
        ("Bảo hiểm Xã hội tỉnh", "Công an tỉnh", "UBND các huyện, thị xã, thành phố"),
        "Đề án",
        "2025",
    ),
    ("57", (TTTT,), ("Sở Y tế",), "Kế hoạch triển khai", "6/2025"),
    # a known agency name wrapped over three lines stays in its cell; the output is empty
    (
        "59",
        ("Công an tỉnh", "Sở Tài chính", "Sở Công Thương", TTTT),
        ("Sở Kế hoạch và Đầu tư", "Chi nhánh Ngân hàng Nhà nước tỉnh Bình Phước"),
        "",
        "2025 và những năm tiếp theo",
    ),
    ("60", ALL_DEPTS, (), "", "2025 và những năm tiếp theo"),
    # name and output both continue after a page break
    ("68", (TTTT,), ALL_DEPTS, "Chương trình đánh giá được triển khai", "2025"),
    (
        "61",
        (KHCN,),
        ("Sở Nông nghiệp và Phát triển nông thôn", "Sở Văn hóa, Thể thao và Du lịch") + ALL_DEPTS,
        "Chương trình của UBND tỉnh",
        "2026-2027",
    ),
    # last row, followed by signature blocks; "./." closes the plan
    ("71", (KHCN, TTTT), ALL_DEPTS, "Chương trình học tập được triển khai", "Thường xuyên"),
]


@pytest.mark.parametrize(
    ("number", "lead", "coordinating", "output", "deadline"), ROWS, ids=[r[0] for r in ROWS]
)
def test_row_fields(
    tasks: dict[str, TaskRecord],
    number: str,
    lead: tuple[str, ...],
    coordinating: tuple[str, ...],
    output: str,
    deadline: str,
):
    task = tasks[number]
    assert task.lead_agencies == lead
    assert task.coordinating_agencies == coordinating
    assert task.output == output
    assert task.deadline.text == deadline


def test_names_and_sections(tasks: dict[str, TaskRecord]):
    assert tasks["3"].name.endswith(
        "kế hoạch hành động về phát triển khoa học, công nghệ, "
        "đổi mới sáng tạo và chuyển đổi số hằng năm."
    )
    assert tasks["29"].name == "Xây dựng và triển khai Đề án đô thị thông minh"
    assert tasks["20"].section.startswith("Phụ lục II, III. Tăng cường đầu tư")
    assert tasks["43"].deadline.end == date(2025, 12, 31)
    assert tasks["60"].deadline.start == date(2025, 1, 1) and tasks["60"].deadline.end is None
