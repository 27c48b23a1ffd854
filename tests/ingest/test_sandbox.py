"""The bounded parser: files read in a worker process within the ingest limits."""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import pytest
from docx import Document as Docx
from fpdf import FPDF

from domain.errors import CorruptFileError, LimitExceededError, UnsupportedFileError
from ingest.loaders import load_file
from ingest.sandbox import BoundedParser, IngestLimits, check_zip
from tests.plans import write_docx


def test_a_file_within_the_limits_reads_as_in_process(tmp_path: Path) -> None:
    plan = write_docx(tmp_path / "plan.docx")
    data = plan.read_bytes()
    bounded = BoundedParser(IngestLimits()).parse(plan, data)
    direct = load_file(plan, data)
    assert bounded.lines == direct.lines and bounded.tables == direct.tables


def test_the_loaders_errors_come_back_as_they_are(tmp_path: Path) -> None:
    parser = BoundedParser(IngestLimits())
    with pytest.raises(UnsupportedFileError) as refused:
        parser.parse(Path("anh.png"), b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert "bảng mã" in refused.value.reason or "định dạng" in refused.value.reason
    with pytest.raises(CorruptFileError):
        parser.parse(Path("hong.pdf"), b"%PDF-1.7\nbroken")


def test_errors_cross_processes_with_their_fields() -> None:
    error = LimitExceededError("a.pdf", "quá nhiều trang", "pages")
    again = pickle.loads(pickle.dumps(error))
    assert (again.source, again.reason, again.limit) == ("a.pdf", "quá nhiều trang", "pages")


def _docx_with_member(size_mb: int, members: int = 1) -> bytes:
    buf = io.BytesIO()
    Docx().save(buf)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        for n in range(members):
            dst.writestr(f"word/media/m{n}.bin", b"\0" * (size_mb * 1024 * 1024))
    return out.getvalue()


def test_inflated_size_is_checked_per_member_and_in_total() -> None:
    limits = IngestLimits(max_inflated_mb=10)
    check_zip("ok.docx", _docx_with_member(4, members=2), limits)
    with pytest.raises(LimitExceededError) as one:
        check_zip("mot.docx", _docx_with_member(12), limits)
    with pytest.raises(LimitExceededError) as total:
        check_zip("tong.docx", _docx_with_member(4, members=3), limits)
    assert one.value.limit == total.value.limit == "inflated"
    assert "10 MB" in total.value.reason


def test_pages_rows_and_time_are_limited(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for i in range(12):
        pdf.add_page()
        pdf.cell(0, 10, f"Page {i + 1}")
    with pytest.raises(LimitExceededError) as pages:
        BoundedParser(IngestLimits(max_pages=10)).parse(Path("dai.pdf"), bytes(pdf.output()))
    assert pages.value.limit == "pages" and "12 trang" in pages.value.reason

    doc = Docx()
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("STT", "Nhiệm vụ", "Chủ trì"), strict=True):
        cell.text = text
    for i in range(30):
        row = table.add_row().cells
        row[0].text, row[1].text, row[2].text = str(i + 1), f"Nhiệm vụ {i + 1}", "Sở Tài chính"
    buf = io.BytesIO()
    doc.save(buf)
    with pytest.raises(LimitExceededError) as rows:
        BoundedParser(IngestLimits(max_rows=20)).parse(Path("bang.docx"), buf.getvalue())
    assert rows.value.limit == "rows" and "20 dòng" in rows.value.reason

    with pytest.raises(LimitExceededError) as slow:
        BoundedParser(IngestLimits(max_seconds=0.01)).parse(Path("a.txt"), "Kế hoạch".encode())
    assert slow.value.limit == "time"


def test_memory_past_the_cap_stops_the_worker() -> None:
    text = ("Sở Giao thông vận tải chủ trì xây dựng đề án chuyển đổi số.\n" * 400_000).encode()
    with pytest.raises(LimitExceededError) as capped:
        BoundedParser(IngestLimits(max_memory_mb=100)).parse(Path("lon.txt"), text)
    assert capped.value.limit == "memory" and "100 MB" in capped.value.reason
    small = BoundedParser(IngestLimits(max_memory_mb=100)).parse(Path("nho.txt"), text[:5000])
    assert small.lines
