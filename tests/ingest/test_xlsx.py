"""XLSX appendices: a fictional province's task list, written here with openpyxl, read back
through the loader and the record extraction and checked field by field against its truth."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from domain.agencies import Gazetteer
from domain.errors import CorruptFileError, EmptyDocumentError
from domain.records import TaskRecord
from ingest.flat_table import header_roles
from ingest.loaders import ParsedDocument, load_file, sniff_kind
from ingest.pipeline import SUPPORTED_SUFFIXES
from ingest.records import extract_records
from ingest.sandbox import BoundedParser, IngestLimits

TITLE = "PHỤ LỤC I\nDANH MỤC NHIỆM VỤ PHÁT TRIỂN DU LỊCH SỐ TỈNH SÔNG LAM NĂM 2026"
ATTACHED = "(Kèm theo Kế hoạch số 45/KH-UBND ngày 12/3/2026 của Ủy ban nhân dân tỉnh Sông Lam)"
NOTE = "Ghi chú: Kinh phí là dự kiến, được bố trí trong dự toán hằng năm của các cơ quan, đơn vị."
SIGNATURE = "KT. CHỦ TỊCH"
VHTTDL = "Sở Văn hóa, Thể thao và Du lịch"
KHCN = "Sở Khoa học và Công nghệ"
HUYEN = "UBND các huyện, thị xã, thành phố"
XTDL = "Trung tâm Xúc tiến Du lịch tỉnh"
HHDL = "Hiệp hội Du lịch tỉnh"
CDVH = "Trường Cao đẳng Văn hóa Nghệ thuật Sông Lam"
SECTION_I = "PHỤ LỤC I, I. SỐ HÓA DI SẢN VĂN HÓA"
SECTION_II = "PHỤ LỤC I, II. QUẢNG BÁ DU LỊCH SỐ"
SECTION_A = "Phụ lục II, A. Nhóm 1: Hạ tầng dữ liệu du lịch"
SECTION_B = "Phụ lục II, B. NHÓM 2: NHÂN LỰC DU LỊCH SỐ"
CONTINUED = "(ưu tiên tài liệu Hán Nôm và châu bản)"


@dataclass(frozen=True)
class Task:
    """One task as the fictional plan means it, and the cells that write it."""

    number: str
    name: str
    lead: tuple[str, ...]
    coordinating: tuple[str, ...]
    output: str
    deadline: str | datetime  # the cell: text, or an Excel date
    deadline_text: str  # what the reader shows
    section: str
    extra: tuple[object, ...] = ()  # Kinh phí, Ghi chú / Nguồn vốn cells
    date_format: str = "dd/mm/yyyy"


SHEET_ONE = [
    Task(
        "1",
        "Số hóa hồ sơ 120 di tích lịch sử - văn hóa cấp tỉnh",
        (VHTTDL,),
        (KHCN, "Trung tâm Lưu trữ lịch sử tỉnh"),
        "Cơ sở dữ liệu di tích",
        datetime(2026, 9, 30),
        "30/09/2026",
        SECTION_I,
        (450, ""),
    ),
    Task(
        "2",
        "Xây dựng bảo tàng số tỉnh Sông Lam",
        ("Bảo tàng tỉnh Sông Lam",),
        (VHTTDL, "Sở Tài chính"),
        "Nền tảng bảo tàng số",
        "Quý III/2026",
        "Quý III/2026",
        SECTION_I,
        (300.0, "Ưu tiên"),
    ),
    Task(
        "3",
        f"Số hóa tài liệu cổ của Thư viện tỉnh {CONTINUED}",
        ("Thư viện tỉnh",),
        (VHTTDL,),
        "Tài liệu số hóa",
        "Năm 2026",
        "Năm 2026",
        SECTION_I,
        (120.5, ""),
    ),
    Task(
        "4",
        "Tổ chức lớp tập huấn kỹ năng số cho viên chức ngành văn hóa",
        (CDVH,),
        ("Sở Nội vụ",),
        "Lớp tập huấn",
        "Hằng năm",
        "Hằng năm",
        SECTION_I,
        (50, ""),
    ),
    Task(
        "5",
        "Xây dựng bản đồ số di sản văn hóa phi vật thể",
        (VHTTDL,),
        (HUYEN,),
        "Bản đồ số",
        datetime(2026, 12, 15),
        "15/12/2026",
        SECTION_I,
        (100, ""),
    ),
    Task(
        "6",
        "Ban hành quy chế khai thác cơ sở dữ liệu di sản",
        (VHTTDL,),
        ("Sở Tư pháp",),
        "Quyết định của UBND tỉnh",
        datetime(2026, 6, 30),
        "30/06/2026",
        SECTION_I,
        (None, "Không sử dụng kinh phí"),
    ),
    Task(
        "1",
        "Nâng cấp cổng thông tin du lịch thông minh",
        (XTDL,),
        (KHCN,),
        "Cổng thông tin được nâng cấp",
        "Quý IV/2026",
        "Quý IV/2026",
        SECTION_II,
        (700, ""),
    ),
    Task(
        "2",
        "Phát hành ứng dụng hướng dẫn du lịch trên thiết bị di động",
        (XTDL,),
        (HHDL, "Các doanh nghiệp lữ hành"),
        "Ứng dụng di động",
        datetime(2026, 10, 31),
        "31/10/2026",
        SECTION_II,
        (400, ""),
    ),
    Task(
        "3",
        "Tổ chức chiến dịch quảng bá điểm đến trên mạng xã hội",
        (XTDL,),  # the lead cell is merged down from the task above
        ("Đài Phát thanh và Truyền hình tỉnh",),
        "Chiến dịch truyền thông",
        "Hằng năm",
        "Hằng năm",
        SECTION_II,
        (150, ""),
    ),
    Task(
        "4",
        "Lắp đặt hệ thống wifi miễn phí tại 15 điểm du lịch",
        ("Ban Quản lý Khu du lịch Hồ Mây",),
        (KHCN, HUYEN),
        "Hệ thống wifi",
        "6 tháng đầu năm 2026",
        "6 tháng đầu năm 2026",
        SECTION_II,
        (200, ""),
    ),
    Task(
        "5",
        "Thí điểm vé điện tử tại các điểm tham quan",
        (VHTTDL,),
        ("Công an tỉnh", "Sở Tài chính"),
        "Hệ thống vé điện tử",
        datetime(2026, 3, 31),
        "31/03/2026",
        SECTION_II,
        (80, "Thí điểm"),
    ),
]
SHEET_TWO = [
    Task(
        "1",
        "Xây dựng kho dữ liệu mở về du lịch",
        (VHTTDL,),
        (KHCN,),
        "Kho dữ liệu mở",
        datetime(2027, 6, 1),
        "06/2027",
        SECTION_A,
        ("Ngân sách tỉnh",),
        date_format="mm/yyyy",
    ),
    Task(
        "2",
        "Kết nối dữ liệu cơ sở lưu trú với hệ thống quản lý cư trú",
        ("Công an tỉnh",),
        (HHDL,),
        "Dữ liệu được kết nối",
        "Trước 30/6/2027",
        "Trước 30/6/2027",
        SECTION_A,
        ("Ngân sách tỉnh",),
    ),
    Task(
        "3",
        "Bồi dưỡng hướng dẫn viên du lịch về kỹ năng số",
        (HHDL,),
        (CDVH,),
        "200 hướng dẫn viên được bồi dưỡng",
        "Hằng năm",
        "Hằng năm",
        SECTION_B,
        ("Xã hội hóa",),
    ),
    Task(
        "4",
        "Đánh giá kết quả chuyển đổi số ngành du lịch",
        (VHTTDL,),
        (),
        "Báo cáo đánh giá",
        datetime(2027, 12, 31),
        "31/12/2027",
        SECTION_B,
        ("Ngân sách tỉnh",),
    ),
]
TRUTH = SHEET_ONE + SHEET_TWO
NOT_TASKS = (
    "SỐ HÓA DI SẢN",
    "QUẢNG BÁ DU LỊCH SỐ",
    "Nhóm 1",
    "NHÂN LỰC",
    "Tổng cộng",
    "Ghi chú",
    "(1)",
    SIGNATURE,
)


def _task_cells(ws: Worksheet, row: int, task: Task, *, blank_lead: bool = False) -> None:
    values = [
        int(task.number),
        task.name.removesuffix(f" {CONTINUED}"),
        None if blank_lead else "; ".join(task.lead),
        "; ".join(task.coordinating) or "-",
        task.output,
        task.deadline,
        *task.extra,
    ]
    for column, value in enumerate(values, start=1):
        ws.cell(row, column, value)
    if isinstance(task.deadline, datetime):
        ws.cell(row, 6).number_format = task.date_format


def _sheet_one(ws: Worksheet) -> None:
    """A title in one cell over two lines, a two-row merged header, column numbers, a group
    merged across with a subtotal, a group marked "II", a task continued on the next row, a
    lead merged down over two tasks, a totals row and a note."""
    ws.title = "DM nhiệm vụ 2026"
    ws["A1"] = TITLE
    ws.merge_cells("A1:H1")
    ws["A2"] = ATTACHED
    ws.merge_cells("A2:H2")
    header = {
        "A4": "STT",
        "B4": "Nội dung nhiệm vụ",
        "C4": "Cơ quan thực hiện",
        "C5": "Chủ trì",
        "D5": "Phối hợp",
        "E4": "Sản phẩm",
        "F4": "Thời gian hoàn thành",
        "G4": "Kinh phí (triệu đồng)",
        "H4": "Ghi chú",
    }
    for ref, text in header.items():
        ws[ref] = text
    for column in "ABEFGH":
        ws.merge_cells(f"{column}4:{column}5")
    ws.merge_cells("C4:D4")
    for column in range(1, 9):
        ws.cell(6, column, f"({column})")
    ws["A7"] = "I. SỐ HÓA DI SẢN VĂN HÓA"
    ws.merge_cells("A7:F7")
    ws["G7"] = 1020.5
    row = 8
    for task in SHEET_ONE[:6]:
        _task_cells(ws, row, task)
        row += 1
        if CONTINUED in task.name:
            ws.cell(row, 2, CONTINUED)
            row += 1
    ws.cell(row, 1, "II")
    ws.cell(row, 2, "QUẢNG BÁ DU LỊCH SỐ").font = Font(bold=True)
    ws.cell(row, 7, 1530)
    row += 1
    for task in SHEET_ONE[6:]:
        _task_cells(ws, row, task, blank_lead=task.name.startswith("Tổ chức chiến dịch"))
        row += 1
    ws.merge_cells(f"C{row - 4}:C{row - 3}")  # one lead for tasks 2 and 3 of group II
    ws.cell(row, 1, "Tổng cộng")
    ws.merge_cells(f"A{row}:F{row}")
    ws.cell(row, 7, 2550.5)
    ws.cell(row + 2, 1, NOTE)
    ws.merge_cells(f"A{row + 2}:H{row + 2}")
    for ref in ("L3", f"L{row + 6}"):  # formatted but empty cells past the content
        ws[ref].number_format = "0.00"


def _sheet_two(ws: Worksheet) -> None:
    """No title of its own, a one-row header, column numbers as numbers, a group marked "A"
    beside its title and a group merged across, then a signature block."""
    ws.title = "Phụ lục II"
    header = [
        "TT",
        "Tên nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Kết quả/Sản phẩm",
        "Thời hạn",
        "Nguồn vốn",
    ]
    for column, text in enumerate(header, start=1):
        ws.cell(1, column, text)
        ws.cell(2, column, column)
    ws["A3"], ws["B3"] = "A", "Nhóm 1: Hạ tầng dữ liệu du lịch"
    _task_cells(ws, 4, SHEET_TWO[0])
    _task_cells(ws, 5, SHEET_TWO[1])
    ws["A6"] = "B. NHÓM 2: NHÂN LỰC DU LỊCH SỐ"
    ws.merge_cells("A6:G6")
    _task_cells(ws, 7, SHEET_TWO[2])
    _task_cells(ws, 8, SHEET_TWO[3])
    ws["E10"] = SIGNATURE


def appendix_bytes() -> bytes:
    """The fictional appendix workbook, as a file's bytes."""
    workbook = Workbook()
    _sheet_one(workbook.active)
    _sheet_two(workbook.create_sheet())
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def appendix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "Phụ lục danh mục nhiệm vụ.xlsx"
    path.write_bytes(appendix_bytes())
    return path


@pytest.fixture(scope="module")
def parsed(appendix: Path) -> ParsedDocument:
    return load_file(appendix)


@pytest.fixture(scope="module")
def tasks(parsed: ParsedDocument) -> list[TaskRecord]:
    return extract_records(parsed, document_id="d", version=1, gazetteer=Gazetteer.load()).tasks


def _fields(task: TaskRecord | Task) -> dict[str, object]:
    if isinstance(task, Task):
        return {
            "number": task.number,
            "name": task.name,
            "lead": task.lead,
            "coordinating": task.coordinating,
            "output": task.output,
            "deadline": task.deadline_text,
            "section": task.section,
            "extra": tuple(f"{v:g}" if isinstance(v, float) else str(v) for v in task.extra if v),
        }
    return {
        "number": task.number,
        "name": task.name,
        "lead": task.lead_agencies,
        "coordinating": task.coordinating_agencies,
        "output": task.output,
        "deadline": task.deadline.text,
        "section": task.section,
        "extra": tuple(value for _, value in task.extra),  # kinh phí, ghi chú: kept as written
    }


def test_task_records_match_the_appendix_field_by_field(tasks: list[TaskRecord]) -> None:
    assert len(tasks) == len(TRUTH)
    right = total = 0
    wrong: list[str] = []
    for record, truth in zip(tasks, TRUTH, strict=True):
        got, want = _fields(record), _fields(truth)
        for key, value in want.items():
            total += 1
            if got[key] == value:
                right += 1
            else:
                wrong.append(f"{truth.section} {truth.number} {key}: {got[key]!r} != {value!r}")
    share = right / total
    print(f"XLSX appendix: {right}/{total} task fields right ({share:.1%})")  # noqa: T201
    assert share >= 0.95, wrong


def test_extra_columns_are_task_fields_by_their_header(tasks: list[TaskRecord]) -> None:
    first = tasks[0]
    assert dict(first.extra) == {"Kinh phí (triệu đồng)": "450"}
    assert "Kinh phí (triệu đồng): 450" in first.indexed_text()
    assert first.to_json()["extra"] == {"Kinh phí (triệu đồng)": "450"}


def test_group_total_note_and_column_number_rows_are_not_tasks(tasks: list[TaskRecord]) -> None:
    for record in tasks:
        assert not any(text in record.name for text in NOT_TASKS), record.name
        assert record.lead_agencies, record.name


def test_excel_dates_become_deadlines(tasks: list[TaskRecord]) -> None:
    ends = {t.name: t.deadline.end for t in tasks}
    assert ends[SHEET_ONE[0].name] == date(2026, 9, 30)
    assert ends[SHEET_TWO[0].name] == date(2027, 6, 30)  # a cell showing month and year
    assert ends[SHEET_TWO[3].name] == date(2027, 12, 31)


def test_text_around_the_tables_becomes_lines(parsed: ParsedDocument) -> None:
    lines = [line.text for line in parsed.lines]
    assert lines[:3] == [*TITLE.split("\n"), ATTACHED]
    assert NOTE in lines and SIGNATURE in lines
    assert "Tổng cộng – Kinh phí (triệu đồng): 2550.5" in lines
    # a group's budget is no part of its heading: it is said after the table
    assert "I. SỐ HÓA DI SẢN VĂN HÓA – Kinh phí (triệu đồng): 1020.5" in lines
    assert "II. QUẢNG BÁ DU LỊCH SỐ – Kinh phí (triệu đồng): 1530" in lines
    assert "Phụ lục II" in lines  # the second sheet has no title: its name heads it
    assert "DM nhiệm vụ 2026" not in lines  # the first has one
    assert all(line.page is None for line in parsed.lines)
    assert lines.index("Tổng cộng – Kinh phí (triệu đồng): 2550.5") < lines.index(NOTE)


def test_header_is_flattened_and_extra_columns_are_kept(parsed: ParsedDocument) -> None:
    first, second = parsed.tables
    roles = [(header_roles(text) or ["-"])[0] for text in first.header]
    assert roles == ["-", "name", "lead", "coordinating", "output", "deadline", "-", "-"]
    assert first.header[0] == "STT" and first.header[6:] == ["Kinh phí (triệu đồng)", "Ghi chú"]
    assert first.header[2:4] == ["Chủ trì (Cơ quan thực hiện)", "Phối hợp (Cơ quan thực hiện)"]
    by_name = {row[1]: row for row in first.rows if row[1]}
    assert by_name[SHEET_ONE[1].name][6:] == ["300", "Ưu tiên"]
    assert by_name[SHEET_ONE[2].name][6] == "120.5"
    assert by_name[SHEET_ONE[5].name][6:] == ["", "Không sử dụng kinh phí"]
    assert second.header[-1] == "Nguồn vốn" and second.rows[-1][-1] == "Ngân sách tỉnh"
    assert not any(
        cell.endswith(".0") for table in parsed.tables for row in table.rows for cell in row
    )
    assert len(first.header) == 8  # formatted empty cells further right are not columns


def test_unmerged_two_row_header_reads_its_sub_headers(tmp_path: Path) -> None:
    workbook = Workbook()
    ws = workbook.active
    top = ["STT", "Nhiệm vụ", "Đơn vị thực hiện", None, "Thời gian"]
    for column, text in enumerate(top, start=1):
        ws.cell(1, column, text)
    ws.cell(2, 3, "Chủ trì")
    ws.cell(2, 4, "Phối hợp")
    for column, text in enumerate(["1", "Kiểm kê di tích", "Sở Nội vụ", "Sở Tài chính", "2027"], 1):
        ws.cell(3, column, text)
    path = tmp_path / "bang.xlsx"
    workbook.save(path)
    doc = load_file(path)
    [record] = extract_records(doc, document_id="d", version=1, gazetteer=Gazetteer.load()).tasks
    assert (record.lead_agencies, record.coordinating_agencies) == (
        ("Sở Nội vụ",),
        ("Sở Tài chính",),
    )
    assert record.deadline.text == "2027"


def test_sniff_kind_knows_a_workbook(appendix: Path) -> None:
    assert sniff_kind(appendix.read_bytes(), appendix.name) == "xlsx"
    assert ".xlsx" in SUPPORTED_SUFFIXES


def test_broken_workbooks_are_named_corrupt(appendix: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "cat-ngan.xlsx"
    truncated.write_bytes(appendix.read_bytes()[:2000])
    with pytest.raises(CorruptFileError, match="cat-ngan.xlsx"):
        load_file(truncated)
    garbled = io.BytesIO()
    with zipfile.ZipFile(garbled, "w") as archive:
        archive.writestr("xl/workbook.xml", b"<workbook><sheets>not xml")
    with pytest.raises(CorruptFileError, match="XLSX"):
        load_file(Path("hong.xlsx"), garbled.getvalue())


def test_password_protected_workbook_is_refused_with_a_reason() -> None:
    # a password-protected Office file is an OLE compound file with an encrypted package
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(CorruptFileError, match="mật khẩu"):
        load_file(Path("mat-khau.xlsx"), data)


def test_workbook_without_text_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "trong.xlsx"
    Workbook().save(path)
    with pytest.raises(EmptyDocumentError):
        load_file(path)


def test_bounded_parser_reads_a_workbook(appendix: Path, parsed: ParsedDocument) -> None:
    bounded = BoundedParser(IngestLimits()).parse(appendix, appendix.read_bytes())
    assert bounded.kind == "xlsx"
    assert bounded.lines == parsed.lines and bounded.tables == parsed.tables


def test_a_folder_with_a_workbook_is_ingested(services, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "Phụ lục danh mục nhiệm vụ.xlsx").write_bytes(appendix_bytes())
    [result] = services.ingestor.ingest_paths([folder])
    assert (result.status, result.tasks) == ("added", len(TRUTH))
