from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from domain.agencies import Gazetteer
from domain.errors import CorruptFileError, EmptyDocumentError, UnsupportedFileError
from ingest.loaders import load_file
from ingest.records import extract_records
from tests.conftest import CORPUS, NQ57
from tests.plans import write_docx, write_pdf


def _tasks(path: Path):
    doc = load_file(path)
    return doc, extract_records(doc, document_id="d", version=1, gazetteer=Gazetteer.load()).tasks


def test_seed_text_is_nfc_and_signatures_are_dropped():
    doc = load_file(NQ57)
    text = doc.text()
    assert unicodedata.is_normalized("NFC", text)
    assert "đã ký lên văn bản" not in text
    assert "CHỨNG THỰC SỐ" not in text


def test_legacy_font_letters_are_mapped():
    doc = load_file(CORPUS / "chuong-trinh-chuyen-doi-so-den-2025-dinh-huong-2030.txt")
    assert "ƣ" not in doc.text() and "Chương trình" in doc.text()


def test_docx_table_rows_keep_their_header_and_group(tmp_path: Path):
    doc, tasks = _tasks(write_docx(tmp_path / "plan.docx"))
    assert [t.number for t in tasks] == ["1", "2", "3"]
    first = tasks[0]
    assert first.section.endswith("I. HẠ TẦNG SỐ")
    assert first.lead_agencies == ("Sở Thông tin và Truyền thông",)
    assert first.coordinating_agencies == ("Sở Tài chính", "UBND các huyện, thị xã, thành phố")
    assert first.deadline.text == "3/2026"
    assert tasks[2].coordinating_agencies == ()
    assert tasks[2].deadline.recurring == "hằng năm"
    assert any("wifi miễn phí" in line.text for line in doc.lines)


def test_pdf_real_table_rows(tmp_path: Path):
    doc, tasks = _tasks(write_pdf(tmp_path / "plan.pdf"))
    assert [t.number for t in tasks] == ["1", "2", "3"]
    assert tasks[1].name == "Triển khai bệnh án điện tử tại các bệnh viện"
    assert tasks[1].lead_agencies == ("Sở Y tế",)
    assert tasks[1].coordinating_agencies == ("Bảo hiểm Xã hội tỉnh", "Công an tỉnh")
    assert tasks[1].deadline.text == "Quý IV/2025"
    # cited by the heading above the table, not by a table count
    assert tasks[1].locator == "PHỤ LỤC: DANH MỤC NHIỆM VỤ, nhiệm vụ 2"
    # table text is not repeated in the prose lines
    assert not any("bệnh án điện tử tại" in line.text for line in doc.lines)
    assert any("hồ sơ sức khỏe điện tử" in line.text for line in doc.lines)


def test_corrupt_pdf_is_named(tmp_path: Path):
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage that is not a pdf")
    with pytest.raises(CorruptFileError, match="hong.pdf"):
        load_file(bad)


def test_unsupported_and_empty_files(tmp_path: Path):
    binary = tmp_path / "anh.pdf"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(UnsupportedFileError):
        load_file(binary)
    empty = tmp_path / "trong.txt"
    empty.write_text("  \n\n", "utf-8")
    with pytest.raises(EmptyDocumentError):
        load_file(empty)
