"""Read TXT/MD, PDF (pdfplumber) and DOCX (python-docx) into lines and real tables."""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from domain.errors import CorruptFileError, EmptyDocumentError, UnsupportedFileError
from domain.text import fold, nfc, normalise_space, vietnamese_syllable

if TYPE_CHECKING:
    from ingest.ocr import OcrPage

__all__ = ["Line", "ParsedDocument", "RealTable", "load_file", "read_bytes", "sniff_kind"]

_SIGNATURE = re.compile(
    r"đã ký lên văn bản|CHỨNG THỰC SỐ|^\s*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|ký số bởi|Signature Not Verified",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Line:
    """One line of text and the page it is on (None for formats without pages)."""

    text: str
    page: int | None = None


@dataclass
class RealTable:
    """A table read as cells: the header row and the body rows (groups kept as rows)."""

    header: list[str]
    rows: list[list[str]]
    page: int | None = None
    line: int = 0  # how many text lines precede the table (finds the heading above it)


@dataclass
class ParsedDocument:
    """What a loader read: the text lines in order and the real tables."""

    source: str
    kind: str
    lines: list[Line] = field(default_factory=list)
    tables: list[RealTable] = field(default_factory=list)
    # PDF pages read by OCR (1-based) and the mean confidence of their words (0-100)
    ocr_pages: list[int] = field(default_factory=list)
    ocr_confidence: float | None = None

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


_REFUSED = "định dạng không hỗ trợ (chỉ nhận PDF, DOCX, XLSX, TXT, MD)"
# Office files saved with a password are an OLE compound file holding an "EncryptedPackage".
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def sniff_kind(data: bytes, name: str = "") -> str:
    """The file's type from its content: "pdf", "docx", "xlsx" or "txt".

    :raises UnsupportedFileError: the content is none of those.
    :raises CorruptFileError: a damaged zip, or an Office file protected by a password.
    """
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise CorruptFileError(name, "tệp nén hỏng, không đọc được") from exc
        if "word/document.xml" in members:
            return "docx"
        if "xl/workbook.xml" in members:
            return "xlsx"
        raise UnsupportedFileError(name, _REFUSED)
    if data.startswith(_OLE) and _ENCRYPTED_PACKAGE in data:
        raise CorruptFileError(
            name, "tệp được bảo vệ bằng mật khẩu, không đọc được: hãy gỡ mật khẩu rồi tải lên lại"
        )
    if data.startswith(_OLE) or "\x00" in decode_text(data, name):
        raise UnsupportedFileError(name, _REFUSED)
    return "txt"


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A text read in a guessed encoding is taken when this share of its words are Vietnamese
# syllables or plain ASCII words.
_PLAUSIBLE = 0.9


def decode_text(data: bytes, name: str) -> str:
    """A text file's content: UTF-8 or UTF-16/32 with a byte order mark, Windows-1258 (tone
    marks as combining characters, composed here), or the legacy TCVN3 (ABC) and VNI
    encodings (:mod:`ingest.legacy_text`); any other encoding is refused.

    Windows-1258, TCVN3 and VNI use the same bytes differently, so each reading that is
    plausible Vietnamese is a candidate and the one with the larger share of valid syllables
    wins (Windows-1258 on a tie).

    :raises UnsupportedFileError: the encoding is none of those.
    """
    from ingest.legacy_text import decode_legacy, syllable_share

    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise UnsupportedFileError(name, f"tệp văn bản hỏng ({encoding})") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    try:
        text = nfc(data.decode("cp1258"))
    except UnicodeDecodeError:
        text = ""
    words = re.findall(r"[^\W\d_]+", text)
    if words and sum(_plausible(w) for w in words) >= _PLAUSIBLE * len(words):
        candidates.append(text)
    legacy = decode_legacy(data)  # TCVN3 or VNI, when one of them reads as Vietnamese
    if legacy is not None:
        candidates.append(legacy)
    if candidates:
        return max(candidates, key=syllable_share)  # the first (Windows-1258) on a tie
    raise UnsupportedFileError(
        name,
        "không nhận ra bảng mã của tệp văn bản (nhận UTF-8, UTF-16/UTF-32 có BOM, Windows-1258,"
        " TCVN3 (ABC) và VNI): hãy lưu lại tệp dưới dạng Unicode UTF-8",
    )


def _plausible(word: str) -> bool:
    folded = fold(word).replace("đ", "d")
    return word.isascii() or (folded.isascii() and vietnamese_syllable(folded))


def read_bytes(path: Path) -> bytes:
    """The file's content; :raises CorruptFileError: it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CorruptFileError(path.name, f"không đọc được tệp: {exc.strerror}") from exc


def load_file(
    path: Path, data: bytes | None = None, *, ocr_page_seconds: float = 60.0
) -> ParsedDocument:
    """Read a plan file into a :class:`ParsedDocument`.

    :param path: the file (its name is used in errors); read unless ``data`` is given.
    :param data: the file's bytes, when already in memory (uploads).
    :param ocr_page_seconds: the time budget of each scanned PDF page read by OCR.
    :raises UnsupportedFileError: not PDF, DOCX, XLSX or text in a known encoding.
    :raises CorruptFileError: damaged or encrypted.
    :raises EmptyDocumentError: no text could be extracted (e.g. a blank scan).
    :raises LimitExceededError: a scanned page took longer than ``ocr_page_seconds``.
    """
    name = path.name
    if data is None:
        data = read_bytes(path)
    kind = sniff_kind(data, name)
    if kind == "pdf":
        doc = _load_pdf(name, data, ocr_page_seconds)
    elif kind == "docx":
        doc = _load_docx(name, data)
    elif kind == "xlsx":
        from ingest.xlsx import load_xlsx

        doc = load_xlsx(name, data)
    else:
        doc = ParsedDocument(source=name, kind="txt", lines=_clean_lines(decode_text(data, name)))
    if not any(line.text.strip() for line in doc.lines) and not doc.tables:
        raise EmptyDocumentError(name, "không có nội dung văn bản (có thể là bản scan)")
    return doc


def _clean_lines(text: str, page: int | None = None) -> list[Line]:
    """NFC lines with signature blocks dropped (blank lines kept as paragraph breaks)."""
    raw = nfc(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    keep: list[Line] = []
    in_signature = False
    for item in raw:
        if _SIGNATURE.search(item):
            in_signature = True
            # The signer's organisation and name follow on short tab-indented lines.
            continue
        if in_signature and item.startswith("\t") and len(item.strip()) < 60:
            continue
        in_signature = False
        keep.append(Line(item.rstrip(), page))
    return keep


def _load_pdf(name: str, data: bytes, ocr_page_seconds: float) -> ParsedDocument:
    """A PDF's lines and tables; text in legacy Vietnamese fonts is converted, and pages
    without a usable text layer (scans) are read by OCR (:mod:`ingest.ocr`)."""
    import io

    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    from ingest.legacy_fonts import convert_pdf_chars
    from ingest.ocr import ScanReader, image_share, mean_confidence, needs_ocr

    doc = ParsedDocument(source=name, kind="pdf")
    scans = ScanReader(name, data, page_seconds=ocr_page_seconds)
    scanned: list[OcrPage] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf, scans:
            for number, page in enumerate(pdf.pages, start=1):
                convert_pdf_chars(page.chars)
                if page.images and needs_ocr(
                    page.extract_text() or "", image_share(page.images, page.width, page.height)
                ):
                    scanned.append(scans.read(number))
                    _add_scanned_page(doc, scanned[-1])
                    continue
                found = page.find_tables()
                boxes = [t.bbox for t in found]
                for table in found:
                    cells = [
                        [normalise_space(nfc(c or "")) for c in row] for row in table.extract()
                    ]
                    above = page.crop((0, 0, page.width, table.bbox[1])).extract_text() or ""
                    before = len(_clean_lines(above)) if above.strip() else 0
                    _append_pdf_table(doc, cells, number, len(doc.lines) + before)

                def outside(
                    obj: dict[str, object], boxes: Sequence[tuple[float, ...]] = boxes
                ) -> bool:
                    x0, top = float(obj.get("x0", 0)), float(obj.get("top", 0))  # type: ignore[arg-type]
                    return not any(b[0] <= x0 <= b[2] and b[1] <= top <= b[3] for b in boxes)

                text = page.filter(outside).extract_text() or ""
                doc.lines.extend(_clean_lines(text, number))
    except PDFPasswordIncorrect as exc:
        raise CorruptFileError(name, "PDF được mã hóa, không đọc được") from exc
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise CorruptFileError(name, f"PDF hỏng hoặc không hợp lệ ({type(exc).__name__})") from exc
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        if not type(exc).__module__.startswith(("pdfminer", "pdfplumber", "pypdfium2")):
            raise
        cause = exc.args[0] if exc.args else exc  # pdfplumber wraps pdfminer's error
        if isinstance(cause, PDFPasswordIncorrect) or "password" in type(cause).__name__.lower():
            raise CorruptFileError(name, "PDF được mã hóa (có mật khẩu), không đọc được") from exc
        raise CorruptFileError(name, f"PDF hỏng hoặc không hợp lệ ({cause})") from exc
    doc.ocr_pages = [scan.number for scan in scanned]
    doc.ocr_confidence = mean_confidence(scanned)
    return doc


def _add_scanned_page(doc: ParsedDocument, scan: OcrPage) -> None:
    """Add a page read by OCR: its tables (joined to a table the previous page began), then
    its lines."""
    for table in scan.tables:
        cells = [[normalise_space(nfc(c)) for c in row] for row in table.cells]
        _append_pdf_table(doc, cells, scan.number, len(doc.lines) + scan.lines_above(table.top))
    doc.lines.extend(_clean_lines(scan.text(), scan.number))


def _is_header_row(row: list[str]) -> bool:
    from domain.text import fold

    joined = fold(" ".join(row))
    return joined.startswith(("stt", "tt ")) or ("nhiem vu" in joined and "chu tri" in joined)


def _append_pdf_table(doc: ParsedDocument, cells: list[list[str]], page: int, line: int) -> None:
    """Add a page's table, joining it to the previous page's table it continues."""
    if not cells:
        return
    previous = doc.tables[-1] if doc.tables else None
    if _is_header_row(cells[0]):
        header, body = cells[0], cells[1:]
        if previous and previous.header == header and previous.page == page - 1:
            previous.rows.extend(_merge_continued(previous.rows, body))
            previous.page = page
            return
        doc.tables.append(RealTable(header=header, rows=body, page=page, line=line))
        return
    if previous and len(previous.header) == len(cells[0]) and previous.page == page - 1:
        previous.rows.extend(_merge_continued(previous.rows, cells))
        previous.page = page
        return
    doc.tables.append(RealTable(header=cells[0], rows=cells[1:], page=page, line=line))


def _merge_continued(existing: list[list[str]], body: list[list[str]]) -> list[list[str]]:
    """A first row with an empty number cell continues the last row of the previous page."""
    if body and existing and not body[0][0] and any(body[0][1:]):
        last = existing[-1]
        for i, cell in enumerate(body[0]):
            if cell and i < len(last):
                last[i] = f"{last[i]} {cell}".strip()
        body = body[1:]
    return body


def _load_docx(name: str, data: bytes) -> ParsedDocument:
    import io

    import docx
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from ingest.legacy_fonts import convert_docx

    try:
        document: DocxDocument = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors…
        raise CorruptFileError(name, f"DOCX hỏng hoặc không hợp lệ ({type(exc).__name__})") from exc
    convert_docx(document)  # runs in legacy fonts (".VnTime", "VNI-Times") to Unicode
    doc = ParsedDocument(source=name, kind="docx")
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            doc.lines.extend(_clean_lines(item.text))
            doc.lines.append(Line(""))
        elif isinstance(item, Table):
            rows: list[list[str]] = []
            for row in item.rows:
                cells = [normalise_space(nfc(cell.text)) for cell in row.cells]
                rows.append(cells)
            if rows and _is_layout_table(rows, doc):
                # the header's two columns (issuer | national motto) laid out as a table
                for column in range(len(rows[0])):
                    for row in rows:
                        doc.lines.extend(_clean_lines(row[column]))
                doc.lines.append(Line(""))
            elif rows:
                doc.tables.append(RealTable(rows[0], rows[1:], line=len(doc.lines)))
    return doc


def _is_layout_table(rows: list[list[str]], doc: ParsedDocument) -> bool:
    """A borderless header table (Nghị định 30/2020/NĐ-CP): two columns before any text,
    one holding the national motto."""
    if len(rows[0]) != 2 or any(line.text.strip() for line in doc.lines):
        return False
    text = " ".join(cell for row in rows for cell in row)
    return bool(re.search(r"CỘNG H[OÒ][AÀ] XÃ HỘI|Độc lập\s*-\s*Tự do", text))
