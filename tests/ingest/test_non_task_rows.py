"""Rows of a task table that are no tasks never become tasks: group headings, column numbers,
totals and notes (ingest/records.py ``_row_kind``, ingest/flat_table.py).

A real PDF table's group row is often written as its numeral in the Stt cell and its title
across the other cells ("II" | "DỮ LIỆU SỐ"): that row used to be read as a task numbered
"II" with a name and nothing else, since only a row of one repeated text or a "II. title" cell
counted as a group. A row is now a task only when it assigns something (a lead, partners, an
output or a deadline) or carries a task number; a group's label in the number cell, a row
that assigns nothing without a task number, and a number the rows below extend ("1" above
"1.1") make a group heading.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.agencies import Gazetteer
from domain.records import TaskRecord
from domain.settings import Settings
from ingest.flat_table import group_label, is_column_numbers, is_note, is_total, starts_group
from ingest.loaders import Line, ParsedDocument, load_file
from ingest.records import extract_records
from tests.conftest import make_container
from tests.plans import FONT, HEADER, write_table_docx

WIDTHS = (12, 70, 40, 50, 35, 30)
# (group heading, or a task row); the pdf writes each heading across the row or, in the
# other layout, its numeral in the Stt cell and its title across the rest
ROWS: list[str | list[str]] = [
    "I. HẠ TẦNG SỐ",
    ["1", "Nâng cấp mạng truyền số liệu chuyên dùng đến cấp xã", "Sở Khoa học và Công nghệ",
     "Viễn thông tỉnh", "Mạng được nâng cấp", "Quý II/2026"],
    ["2", "Lắp đặt camera giám sát giao thông tại các nút trọng điểm", "Công an tỉnh",
     "Sở Xây dựng", "Hệ thống camera", "12/2026"],
    "II. DỮ LIỆU SỐ",
    ["3", "Xây dựng kho dữ liệu dùng chung của tỉnh", "Sở Khoa học và Công nghệ",
     "Các sở, ban, ngành", "Kho dữ liệu", "Năm 2027"],
    ["4", "Số hóa hồ sơ hộ tịch lưu trữ", "Sở Tư pháp", "UBND các xã, phường",
     "Cơ sở dữ liệu hộ tịch", "Thường xuyên"],
    ["5", "Chuẩn hóa dữ liệu đất đai", "Sở Nông nghiệp và Môi trường", "-",
     "Cơ sở dữ liệu đất đai", "Quý IV/2026"],
    "III. NHÂN LỰC SỐ",
    ["6", "Bồi dưỡng kỹ năng số cho công chức cấp xã", "Sở Nội vụ", "Trường Chính trị tỉnh",
     "Lớp bồi dưỡng", "Hằng năm"],
]  # fmt: skip
GROUPS = {
    "1": "I. HẠ TẦNG SỐ",
    "2": "I. HẠ TẦNG SỐ",
    "3": "II. DỮ LIỆU SỐ",
    "4": "II. DỮ LIỆU SỐ",
    "5": "II. DỮ LIỆU SỐ",
    "6": "III. NHÂN LỰC SỐ",
}
COLUMN_NUMBERS = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]


def write_grouped_pdf(path: Path, numeral_in_stt: bool) -> Path:
    """A plan whose appendix is a ruled table with group rows, a column-number row under the
    header and a totals row."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="L")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=9)
    pdf.add_page()
    pdf.multi_cell(
        0,
        7,
        "Số: 88/KH-UBND\nKẾ HOẠCH\nChuyển đổi số tỉnh Sơn La năm 2026\nPHỤ LỤC: DANH MỤC NHIỆM VỤ",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    with pdf.table(col_widths=WIDTHS, headings_style=FontFace(emphasis=None)) as table:
        for values in [HEADER, COLUMN_NUMBERS]:
            row = table.row()
            for value in values:
                row.cell(value)
        for item in ROWS:
            row = table.row()
            if isinstance(item, list):
                for value in item:
                    row.cell(value)
            elif numeral_in_stt:
                numeral, title = item.split(". ", 1)
                row.cell(numeral)
                row.cell(title, colspan=5)
            else:
                row.cell(item, colspan=6)
        row = table.row()
        row.cell("Tổng cộng: 06 nhiệm vụ", colspan=6)
    pdf.output(str(path))
    return path


def _tasks(doc: ParsedDocument) -> list[TaskRecord]:
    return extract_records(doc, document_id="sl", version=1, gazetteer=Gazetteer.load()).tasks


@pytest.mark.parametrize("numeral_in_stt", [False, True], ids=["spanning", "numeral-in-stt"])
def test_pdf_group_rows_are_no_tasks(tmp_path: Path, numeral_in_stt: bool) -> None:
    doc = load_file(write_grouped_pdf(tmp_path / "son-la.pdf", numeral_in_stt))
    assert len(doc.tables) == 1
    tasks = _tasks(doc)
    assert [t.number for t in tasks] == ["1", "2", "3", "4", "5", "6"]
    assert {t.number: t.section.split(", ", 1)[1] for t in tasks} == GROUPS
    assert all(t.lead_agencies and t.deadline.text for t in tasks)
    assert tasks[3].coordinating_agencies == ("UBND các xã, phường",)


def test_count_through_the_service_is_of_real_tasks(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services.ingestor.ingest_file(write_grouped_pdf(tmp_path / "son-la.pdf", True))
    settings = Settings(data_dir=tmp_path, today=date(2026, 2, 1))
    assistant = make_container(services, settings).assistant  # type: ignore[attr-defined]
    answer = assistant.ask("Kế hoạch chuyển đổi số tỉnh Sơn La có bao nhiêu nhiệm vụ?")
    assert answer.answer.startswith("Có 6 nhiệm vụ"), answer.answer
    answer = assistant.ask("Sở Khoa học và Công nghệ chủ trì những nhiệm vụ nào?")
    assert sorted(t.number for t in answer.tasks) == ["1", "3"]


# Other layouts of group headings and other rows that are no tasks, in real (DOCX) tables
DOCX_ROWS = [
    ["", "A. NHIỆM VỤ CHUNG", "", "", "", ""],
    ["1", "Ban hành quy chế quản lý dữ liệu", "Sở Tư pháp", "", "Quy chế", "6/2026"],
    ["B", "NHIỆM VỤ CỤ THỂ", "", "", "", ""],
    ["", "Nhóm 1: Chính quyền số", "", "", "", ""],
    ["2", "Triển khai chữ ký số cho công chức", "Sở Nội vụ", "", "", "Quý III/2026"],
    ["", "Dịch vụ công trực tuyến", "", "", "", ""],  # a heading row of one cell
    ["3", "Tái cấu trúc quy trình dịch vụ công", "Văn phòng UBND tỉnh", "", "", "2026"],
    ["4", "Nhóm nhiệm vụ về dữ liệu", "", "", "", ""],  # numbered, extended by 4.1, 4.2
    ["4.1", "Làm sạch dữ liệu dân cư", "Công an tỉnh", "", "", "Quý II/2026"],
    ["4.2", "Kết nối dữ liệu bảo hiểm", "Bảo hiểm xã hội tỉnh", "", "", "Quý IV/2026"],
    ["", "Cộng: 5 nhiệm vụ", "", "", "", ""],
    ["", "Ghi chú: nhiệm vụ 4.2 thực hiện khi có hướng dẫn của Bộ.", "", "", "", ""],
    ["1", "2", "3", "4", "5", "6"],
]


def test_docx_group_total_note_and_number_rows(tmp_path: Path) -> None:
    path = write_table_docx(
        tmp_path / "dien-bien.docx",
        ["Số: 12/KH-UBND", "KẾ HOẠCH", "Chính quyền số tỉnh Điện Biên", "PHỤ LỤC"],
        HEADER,
        [COLUMN_NUMBERS, *DOCX_ROWS],
    )
    tasks = _tasks(load_file(path))
    assert [(t.number, t.section) for t in tasks] == [
        ("1", "PHỤ LỤC, A. NHIỆM VỤ CHUNG"),
        ("2", "PHỤ LỤC, Nhóm 1: Chính quyền số"),
        ("3", "PHỤ LỤC, Dịch vụ công trực tuyến"),
        ("4.1", "PHỤ LỤC, 4 Nhóm nhiệm vụ về dữ liệu"),
        ("4.2", "PHỤ LỤC, 4 Nhóm nhiệm vụ về dữ liệu"),
    ]


def test_a_numbered_row_without_agencies_stays_a_task(tmp_path: Path) -> None:
    """A PDF cell merged down several rows holds its text in the first row only: the rows
    below it keep their number and stay tasks."""
    rows = [
        ["1", "Khảo sát hiện trạng hạ tầng", "Sở Xây dựng", "", "", "Quý I/2026"],
        ["2", "Lập danh mục công trình ưu tiên", "", "", "", ""],
    ]
    path = write_table_docx(tmp_path / "lai-chau.docx", ["PHỤ LỤC"], HEADER, rows)
    assert [t.number for t in _tasks(load_file(path))] == ["1", "2"]


FLAT = """PHỤ LỤC II
Stt Tên nhiệm vụ Cơ quan chủ trì Cơ quan phối hợp Kết quả Thời gian hoàn thành
(1) (2) (3) (4) (5) (6)
I. HẠ TẦNG SỐ
1. Nâng cấp mạng truyền số liệu chuyên dùng đến cấp xã của tỉnh Sở Nội vụ Sở Tư pháp Mạng 6/2026
2. Lắp đặt hệ thống camera giám sát giao thông tại các nút trọng điểm Sở Xây dựng Công an tỉnh Camera 12/2026
II
DỮ LIỆU SỐ
3. Xây dựng kho dữ liệu dùng chung của tỉnh phục vụ các sở và địa phương Sở Y tế Sở Tài chính Kho 2027
Tổng cộng: 03 nhiệm vụ
Ghi chú: nhiệm vụ 3 thực hiện khi có hướng dẫn của Bộ.
Các nội dung khác thực hiện theo kế hoạch."""


def test_flattened_table_rows_take_no_total_note_or_group_line() -> None:
    doc = ParsedDocument("ha-nam.txt", "txt", [Line(t) for t in FLAT.split("\n")])
    extracted = extract_records(doc, document_id="hn", version=1, gazetteer=Gazetteer.load())
    tasks = extracted.tasks
    assert [t.number for t in tasks] == ["1", "2", "3"]
    assert tasks[1].section == "PHỤ LỤC II, I. HẠ TẦNG SỐ"
    assert tasks[2].section == "PHỤ LỤC II, II DỮ LIỆU SỐ"
    for task in tasks:
        assert "Tổng" not in task.raw and "Ghi chú" not in task.raw and "DỮ LIỆU" not in task.raw
    # the note after the table is prose again
    (start, end), *_ = extracted.table_ranges
    assert "Ghi chú" in doc.lines[end].text


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["(1)", "(2)", "(3)", "(4)"], True),
        (["1 2 3 4 5 6"], True),
        (["1", "2", "3"], True),
        (["1", "2"], False),  # too few to tell from a number and a count
        (["2025", "2026", "2027"], False),
        (["1", "Xây dựng kho dữ liệu", "Sở Y tế"], False),
    ],
)
def test_column_number_rows(cells: list[str], expected: bool) -> None:
    assert is_column_numbers(cells) is expected


@pytest.mark.parametrize(
    ("text", "total", "note"),
    [
        ("Tổng cộng: 12 nhiệm vụ", True, False),
        ("TỔNG CỘNG", True, False),
        ("Tổng", True, False),
        ("Cộng: 5", True, False),
        ("Tổng số: 9", True, False),
        ("Tổng hợp báo cáo kết quả thực hiện", False, False),
        ("Tổng số doanh nghiệp công nghệ số", False, False),
        ("Cộng đồng số tại thôn, bản", False, False),
        ("tổng cộng các xã đã triển khai", False, False),  # a wrapped line goes on
        ("Ghi chú: số liệu tạm tính", False, True),
        ("Lưu ý:", False, True),
        ("(*) Nhiệm vụ trọng tâm", False, True),
        ("Lưu ý các điểm nghẽn khi triển khai", False, False),
        ("Chú thích", False, True),
    ],
)
def test_totals_and_notes(text: str, total: bool, note: bool) -> None:
    assert (is_total(text), is_note(text)) == (total, note)


@pytest.mark.parametrize(
    ("text", "label", "starts"),
    [
        ("II", True, True),
        ("A.", True, True),
        ("Nhóm 1", True, True),
        ("Phần II: Dữ liệu", True, True),
        ("Lĩnh vực A", True, True),
        ("II. DỮ LIỆU SỐ", False, True),
        ("A. Nhiệm vụ chung", False, True),
        ("Mục tiêu của kế hoạch", False, False),
        ("nhóm 2 xã đạt chuẩn", False, False),  # lowercase: a wrapped line
        ("Xây dựng kho dữ liệu", False, False),
    ],
)
def test_group_labels(text: str, label: bool, starts: bool) -> None:
    assert (group_label(text), starts_group(text)) == (label, starts)
