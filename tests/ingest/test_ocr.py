"""Scanned PDFs read by OCR, and text layers in legacy Vietnamese fonts read as Unicode.

The plan of tỉnh Sông Mây (tests/ingest/scans.py) is written with a text layer, then
"scanned": rasterised, turned 1.5°, speckled, saved as images with a signature stamp.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from domain.agencies import Gazetteer
from domain.errors import EmptyDocumentError, LimitExceededError
from domain.records import TaskRecord
from domain.settings import Settings
from domain.text import canonical, fold
from ingest.loaders import ParsedDocument, load_file
from ingest.ocr import image_share, needs_ocr
from ingest.records import extract_records
from tests.conftest import make_container
from tests.ingest.scans import FONT, NUMBER, TASKS, write_scanned_pdf, write_text_pdf
from tests.ingest.test_legacy_text import _tcvn3_bytes, _vni_bytes

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="make ocr")


@dataclass
class Plan:
    text: Path
    scan: Path
    parsed_text: ParsedDocument
    parsed_scan: ParsedDocument


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    """Both versions of the plan, each parsed once for the module."""
    folder = tmp_path_factory.mktemp("ocr")
    text = write_text_pdf(folder / "ke-hoach-47.pdf")
    scan = write_scanned_pdf(text, folder / "ke-hoach-47-scan.pdf")
    return Plan(text, scan, load_file(text), load_file(scan))


def _tasks(parsed: ParsedDocument) -> list[TaskRecord]:
    found = extract_records(parsed, document_id="d", version=1, gazetteer=Gazetteer.load())
    return found.tasks


def _same(a: str, b: str) -> bool:
    return canonical(a).casefold() == canonical(b).casefold()


def _fields(task: TaskRecord, gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """The task's fields as read, beside the fixture's truth."""
    truth = next((t for t in TASKS if t[0] == task.number), None)
    if truth is None:
        return [("number", f"{task.number}?")]
    return [
        (task.name, truth[1]),
        ("; ".join(task.lead_agencies), "; ".join(gazetteer.split(truth[2]))),
        ("; ".join(task.coordinating_agencies), "; ".join(gazetteer.split(truth[3]))),
        (task.deadline.text, truth[4]),
    ]


def test_scanned_task_records_match_the_truth(plan: Plan) -> None:
    gazetteer = Gazetteer.load()
    tasks = _tasks(plan.parsed_scan)
    fields = [pair for task in tasks for pair in _fields(task, gazetteer)]
    right = sum(_same(read, truth) for read, truth in fields)
    expected = len(TASKS) * 4
    share = right / expected
    print(  # noqa: T201  # the figures the issue asks for
        f"\nOCR fields right: {right}/{expected} = {share:.1%}; pages "
        f"{plan.parsed_scan.ocr_pages}; mean confidence {plan.parsed_scan.ocr_confidence}"
    )
    assert sorted(t.number for t in tasks) == [t[0] for t in TASKS]
    assert share >= 0.95, [pair for pair in fields if not _same(*pair)]
    assert plan.parsed_scan.ocr_pages == [1, 2]
    assert plan.parsed_scan.ocr_confidence is not None and plan.parsed_scan.ocr_confidence > 80
    # the task table sits under its appendix heading, in its groups, as in the text version
    by_text = {t.number: t.section for t in _tasks(plan.parsed_text)}
    assert {t.number: t.section for t in tasks} == by_text


def test_scanned_text_keeps_the_reading_order(plan: Plan) -> None:
    lines = [fold(line.text) for line in plan.parsed_scan.lines if line.text.strip()]
    order = ["uy ban nhan dan", f"so: {NUMBER.lower()}", "ke hoach", "i. muc dich", "phu luc"]
    found = [next(i for i, line in enumerate(lines) if key in line) for key in order]
    assert found == sorted(found)


def test_a_text_layer_is_never_read_by_ocr(plan: Plan) -> None:
    assert plan.parsed_text.ocr_pages == []
    assert plan.parsed_text.ocr_confidence is None


def test_only_the_scanned_page_of_a_mixed_pdf_is_read_by_ocr(plan: Plan, tmp_path: Path) -> None:
    import pypdfium2

    mixed = pypdfium2.PdfDocument.new()
    for source, index in ((plan.text, 0), (plan.scan, 1)):
        document = pypdfium2.PdfDocument(str(source))
        mixed.import_pages(document, [index])
        document.close()
    path = tmp_path / "mixed.pdf"
    mixed.save(str(path))
    mixed.close()
    doc = load_file(path)
    assert doc.ocr_pages == [2]
    assert [t.number for t in _tasks(doc)] == [t[0] for t in TASKS]


def test_a_blank_scan_reads_as_empty(tmp_path: Path) -> None:
    import io

    import numpy as np
    from fpdf import FPDF
    from PIL import Image

    rng = np.random.default_rng(0)
    paper = np.clip(235 + rng.normal(0, 12, (1754, 1240)), 0, 255).astype(np.uint8)
    paper[rng.random(paper.shape) < 0.001] = 30  # dust
    buffer = io.BytesIO()
    Image.fromarray(paper).save(buffer, format="JPEG", quality=80)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
    path = tmp_path / "blank.pdf"
    pdf.output(str(path))
    with pytest.raises(EmptyDocumentError):
        load_file(path)


def test_a_stamp_is_no_usable_text_layer() -> None:
    stamp = "Ký bởi: Ủy ban nhân dân tỉnh Sông Mây\nThời gian ký: 12.03.2026 09:15:22 +07:00"
    body = "\n".join(["Các sở, ban, ngành chủ động triển khai nhiệm vụ được giao."] * 6)
    assert needs_ocr("", 1.0) and needs_ocr(stamp, 0.98)
    assert not needs_ocr(body, 1.0)  # a text layer over an image (a searchable scan)
    assert not needs_ocr("", 0.2)  # a drawing, a logo: nothing to read
    page = {"x0": -5.0, "top": 0.0, "x1": 100.0, "bottom": 50.0}
    assert image_share([page, page], 100.0, 100.0) == 1.0


def test_a_page_over_its_budget_fails_naming_the_page(plan: Plan) -> None:
    with pytest.raises(LimitExceededError) as raised:
        load_file(plan.scan, ocr_page_seconds=0.01)
    assert raised.value.reason.startswith("trang 1:")
    assert "PLANBOT_INGEST_OCR_PAGE_SECONDS" in raised.value.reason


# --- answers from the scanned plan ----------------------------------------------------------


@dataclass(frozen=True)
class Question:
    text: str
    fact: str  # words the answer must give
    numbers: tuple[str, ...]  # the tasks it must show


QUESTIONS = [
    Question("Ai chủ trì xây dựng cơ sở dữ liệu đất đai?", "Sở Nông nghiệp và Môi trường", ("1",)),
    Question("Cơ quan nào phối hợp triển khai hồ sơ sức khỏe điện tử?", "Bảo hiểm Xã hội tỉnh", ("2",)),
    Question("Hạn hoàn thành số hóa học bạ của học sinh là khi nào?", "Năm 2027", ("3",)),
    Question("Nâng cấp Trung tâm dữ liệu của tỉnh do ai chủ trì?", "Sở Khoa học và Công nghệ", ("4",)),
    Question("Bồi dưỡng kỹ năng số cho cán bộ cấp xã phải xong khi nào?", "Tháng 10/2026", ("5",)),
    Question("Đơn vị nào phối hợp phát triển thương mại điện tử cho hợp tác xã?",
             "Liên minh Hợp tác xã tỉnh", ("6",)),
    Question("Xây dựng bản đồ số quy hoạch đô thị phối hợp với ai?", "Sở Nông nghiệp và Môi trường",
             ("7",)),
    Question("Khi nào phải hoàn thành cấp phiếu lý lịch tư pháp trực tuyến?", "30/12/2026", ("8",)),
    Question("Nhiệm vụ 3 là gì?", "Số hóa học bạ của học sinh trung học phổ thông", ("3",)),
    Question("Sở Xây dựng chủ trì những nhiệm vụ nào?", "Xây dựng bản đồ số quy hoạch đô thị", ("7",)),
    Question("Sở Tư pháp được giao nhiệm vụ gì?", "Cấp phiếu lý lịch tư pháp trực tuyến", ("8",)),
    Question("Sở Y tế chủ trì nhiệm vụ nào?", "Triển khai hồ sơ sức khỏe điện tử", ("2",)),
    Question("Công an tỉnh phối hợp những nhiệm vụ nào?", "Công an tỉnh", ("3", "8")),
]  # fmt: skip


def _answers_right(services: object, tmp_path: Path, path: Path) -> tuple[list[bool], object]:
    """Ingest ``path`` alone, ask every question, and remove it again."""
    result = services.ingestor.ingest_file(path)  # type: ignore[attr-defined]
    assert result.status == "added", result
    stored = services.stores.versions.get_document(result.document_id)  # type: ignore[attr-defined]
    assert stored.ocr_pages == result.ocr_pages  # the documents list tells scans apart
    settings = Settings(data_dir=tmp_path, today=date(2026, 3, 20))
    assistant = make_container(services, settings).assistant  # type: ignore[attr-defined]
    right = []
    for question in QUESTIONS:
        answer = assistant.ask(question.text)
        shown = tuple(sorted(t.number for t in answer.tasks))
        right.append(
            answer.found
            and fold(question.fact) in fold(answer.answer)
            and shown == question.numbers
        )
    services.ingestor.remove(result.document_id)  # type: ignore[attr-defined]
    return right, result


def test_the_scanned_plan_answers_as_the_text_plan_does(
    services: object, tmp_path: Path, plan: Plan
) -> None:
    by_text, _ = _answers_right(services, tmp_path, plan.text)
    by_scan, result = _answers_right(services, tmp_path, plan.scan)
    asked = [i for i, right in enumerate(by_text) if right]
    kept = sum(by_scan[i] for i in asked)
    print(  # noqa: T201
        f"\nquestions right: text layer {len(asked)}/{len(QUESTIONS)}, scan {kept}/{len(asked)}"
        f" of those; OCR pages {result.ocr_pages}, confidence {result.ocr_confidence}"  # type: ignore[attr-defined]
    )
    assert len(asked) >= 10, [q.text for q, r in zip(QUESTIONS, by_text, strict=True) if not r]
    assert kept >= 0.9 * len(asked), [QUESTIONS[i].text for i in asked if not by_scan[i]]
    assert result.ocr_pages == 2 and result.ocr_confidence  # type: ignore[attr-defined]


# --- legacy fonts in text layers ------------------------------------------------------------

LEGACY = (
    "KẾ HOẠCH\n"
    "Sở Y tế chủ trì triển khai hồ sơ sức khỏe điện tử; hoàn thành trong Quý III/2027.\n"
    "Đoàn kiểm tra liên ngành báo cáo kết quả trước ngày 15/10/2027."
)
EXPECTED = [
    "KẾ HOẠCH",
    "Sở Y tế chủ trì triển khai hồ sơ sức khỏe điện tử",
    "Đoàn kiểm tra liên ngành báo cáo kết quả",
]


def _renamed_font(folder: Path, name: str) -> Path:
    """DejaVu Sans under another name: what matters is the bytes the text layer holds."""
    from fontTools.ttLib import TTFont

    font = TTFont(FONT)
    table = font["name"]
    for name_id in (16, 17):
        table.removeNames(nameID=name_id)
    for name_id, value in ((1, name), (2, "Regular"), (4, name), (6, name)):
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    path = folder / "font.ttf"
    font.save(str(path))
    return path


def _legacy_pdf(folder: Path, font: str, encode: Callable[[str], bytes]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("Legacy", fname=str(_renamed_font(folder, font)))
    pdf.add_font("DejaVu", fname=FONT)
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(0, 8, "Số: 12/KH-UBND", new_x="LEFT", new_y="NEXT")  # Unicode, kept as is
    pdf.set_font("Legacy", size=12)
    pdf.multi_cell(0, 8, encode(LEGACY).decode("cp1252"), new_x="LEFT", new_y="NEXT")
    path = folder / "legacy.pdf"
    pdf.output(str(path))
    return path


def _tcvn3(text: str) -> bytes:
    return _tcvn3_bytes(text, vn1_uppercase=False)


@pytest.mark.parametrize(
    ("font", "encode"),
    [(".VnTime", _tcvn3), (".VnTimeH", _tcvn3), ("VNI-Times", _vni_bytes)],
    ids=["tcvn3", "tcvn3-heading-font", "vni"],
)
def test_a_pdf_in_a_legacy_font_reads_as_unicode(
    tmp_path: Path, font: str, encode: Callable[[str], bytes]
) -> None:
    doc = load_file(_legacy_pdf(tmp_path, font, encode))
    text = doc.text()
    assert all(expected in text for expected in EXPECTED), text
    assert "Số: 12/KH-UBND" in text and doc.ocr_pages == []


def test_a_pdf_in_an_unnamed_font_is_detected_by_its_page(tmp_path: Path) -> None:
    doc = load_file(_legacy_pdf(tmp_path, "Times New Roman", _tcvn3))
    assert all(expected in doc.text() for expected in EXPECTED), doc.text()


def _legacy_docx(path: Path, font: str, encode: Callable[[str], bytes]) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("Số: 12/KH-UBND")
    for line in LEGACY.splitlines():
        run = document.add_paragraph().add_run(encode(line).decode("cp1252"))
        run.font.name = font
    table = document.add_table(rows=1, cols=2)
    for cell, text in zip(table.rows[0].cells, ["Sở Tài chính", "Quý IV/2026"], strict=True):
        cell.paragraphs[0].add_run(encode(text).decode("cp1252")).font.name = font
    document.save(str(path))
    return path


@pytest.mark.parametrize(
    ("font", "encode"),
    [(".VnTime", _tcvn3), ("VNI-Times", _vni_bytes), ("Times New Roman", _tcvn3)],
    ids=["tcvn3", "vni", "detected"],
)
def test_a_docx_in_a_legacy_font_reads_as_unicode(
    tmp_path: Path, font: str, encode: Callable[[str], bytes]
) -> None:
    doc = load_file(_legacy_docx(tmp_path / "legacy.docx", font, encode))
    text = doc.text()
    assert all(expected in text for expected in EXPECTED), text
    assert doc.tables[0].header == ["Sở Tài chính", "Quý IV/2026"]


def test_a_docx_style_font_names_the_encoding(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.styles["Normal"].font.name = ".VnTime"
    document.add_paragraph(_tcvn3("Sở Y tế chủ trì").decode("cp1252"))
    document.add_paragraph("Hà Nội").runs[0].font.name = "Times New Roman"  # Unicode stays
    path = tmp_path / "style.docx"
    document.save(str(path))
    text = load_file(path).text()
    assert "Sở Y tế chủ trì" in text and "Hà Nội" in text
