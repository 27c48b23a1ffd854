"""Section-aware chunks: prose under its heading path, one chunk per table row."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from langchain_text_splitters import RecursiveCharacterTextSplitter

from domain.records import Chunk, TargetRecord, TaskRecord
from domain.text import LIST_ITEM, canonical, fold, list_leads
from ingest.loaders import Line, ParsedDocument
from ingest.value_rows import find_value_tables

__all__ = ["chunk_document", "heading_level"]

_ROMAN = r"(?:XX|XIX|XVIII|XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_LEVELS = (
    (0, re.compile(r"^\s*(?:PHỤ LỤC|Phụ lục)\b")),
    (1, re.compile(rf"^\s*{_ROMAN}\s*[.:]\s+\S")),
    (2, re.compile(r"^\s*\d{1,2}\s*\.\s+\S")),
    (3, re.compile(r"^\s*[a-zđ]\s*\)\s+\S")),
)
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_BULLET = re.compile(r"^\s*[-+•*–]\s+")
_MAX_HEADING = 160


def heading_level(line: str) -> int | None:
    """The heading level of ``line`` (0 annex, 1 "I.", 2 "1.", 3 "a)"), or None."""
    text = line.strip()
    if not text or len(text) > _MAX_HEADING:
        return None
    for level, pattern in _LEVELS:
        if pattern.match(text):
            if level == 0 and len(text) > 40:
                return None
            return level
    return None


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _paragraphs(lines: Sequence[Line]) -> list[tuple[str, int | None]]:
    """Join lines broken by the page width into paragraphs."""
    paragraphs: list[tuple[str, int | None]] = []
    current = ""
    page: int | None = None
    for line in lines:
        text = line.text.strip()
        if not text or _PAGE_NUMBER.match(text):
            continue
        starts_new = (
            not current
            or heading_level(text) is not None
            or _BULLET.match(text) is not None
            or current.rstrip().endswith((".", "!", "?"))
            and text[:1].isupper()
            # a line in capitals (a title, a slide's heading) does not run into body text
            or _capitals(current) != _capitals(text)
        )
        if starts_new:
            if current:
                paragraphs.append((canonical(current), page))
            current, page = text, line.page
        else:
            current = f"{current} {text}"
    if current:
        paragraphs.append((canonical(current), page))
    return paragraphs


def chunk_document(
    doc: ParsedDocument,
    *,
    document_id: str,
    version: int,
    title: str,
    tasks: Sequence[TaskRecord],
    targets: Sequence[TargetRecord],
    skip_ranges: Sequence[tuple[int, int]],
    chunk_size: int = 900,
    chunk_overlap: int = 0,
) -> list[Chunk]:
    """Split a document into chunks carrying heading paths and locators.

    :param doc: the loaded document.
    :param document_id: id stamped on each chunk.
    :param version: the document version.
    :param title: the document title (prefixed to each chunk's heading path).
    :param tasks: task records; each becomes one chunk.
    :param targets: target records; each becomes one chunk.
    :param skip_ranges: line ranges of flattened task tables, chunked as rows instead.
    :returns: the chunks, prose first.
    """
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, separators=["\n", ". ", "; ", ", ", " "]
    )
    kept = [line for i, line in enumerate(doc.lines) if not any(a <= i < b for a, b in skip_ranges)]
    chunks: list[Chunk] = []
    path: list[tuple[int, str]] = []
    buffer: list[str] = []
    buffer_page: int | None = None

    def flush() -> None:
        nonlocal buffer, buffer_page
        if not buffer:
            return
        heading = tuple(h for _, h in path)
        body = "\n".join(buffer)
        leads = list_leads(buffer)
        starts = list(accumulate((len(p) + 1 for p in buffer[:-1]), initial=0))
        cursor = 0
        for piece in splitter.split_text(body):
            locator = " > ".join(heading) or "Phần mở đầu"
            if buffer_page:
                locator = f"{locator} (trang {buffer_page})"
            at = body.find(piece, cursor)
            cursor = max(at, cursor)
            lead = leads[bisect_right(starts, cursor) - 1] if at >= 0 else ""
            chunks.append(
                Chunk(
                    text=piece,
                    document_id=document_id,
                    version=version,
                    # a piece that goes on with a list carries the list's lead-in in its path
                    heading_path=heading + (lead,) if lead and LIST_ITEM.match(piece) else heading,
                    locator=locator,
                    kind="prose",
                )
            )
        buffer, buffer_page = [], None

    for text, page in _paragraphs(kept):
        level = heading_level(text)
        if level is not None and len(text) < _MAX_HEADING:
            flush()
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, _short_heading(text)))
            # A heading that carries its own sentence ("1. Mục đích ...") is content too.
            buffer.append(text)
            buffer_page = page
            continue
        if buffer_page is None:
            buffer_page = page
        buffer.append(text)
    flush()
    chunks.extend(_value_rows(kept, document_id, version))
    # One chunk per record row; the dense index embeds only what names the row.
    rows = [
        (t.indexed_text(), t.section, t.locator, {"task_number": t.number}, f"Nhiệm vụ: {t.name}")
        for t in tasks
    ] + [
        (
            t.indexed_text(),
            t.section,
            t.locator,
            {"target_number": t.number},
            f"Chỉ tiêu: {t.indicator} {t.value}".strip(),
        )
        for t in targets
    ]
    for text, section, locator, metadata, embed_text in rows:
        chunks.append(
            Chunk(
                text=text,
                document_id=document_id,
                version=version,
                heading_path=(section,),
                locator=locator,
                kind="table_row",
                metadata=metadata,
                embed_text=embed_text,
            )
        )
    for table_index, table in enumerate(doc.tables):
        header_folded = fold(" ".join(table.header))
        if "chu tri" in header_folded or "chi tieu" in header_folded or "tieu chi" in header_folded:
            continue  # already chunked as task/target records
        for row_index, row in enumerate(table.rows, start=1):
            cells = [f"{h}: {c}" if h else c for h, c in zip(table.header, row, strict=False) if c]
            if cells:
                chunks.append(
                    Chunk(
                        text="; ".join(cells),
                        document_id=document_id,
                        version=version,
                        heading_path=(f"Bảng {table_index + 1}",),
                        locator=f"Bảng {table_index + 1}, dòng {row_index}",
                        kind="table_row",
                    )
                )
    return chunks


def _value_rows(lines: Sequence[Line], document_id: str, version: int) -> list[Chunk]:
    """One chunk per row of a flattened table of values (rankings by year, figures by
    pillar), read with its header and cited as that row."""
    texts = [line.text for line in lines]
    tables = find_value_tables(texts)
    if not tables:
        return []
    path: list[tuple[int, str]] = []
    headings: list[tuple[str, ...]] = []
    for text in texts:
        level = heading_level(text.strip())
        if level is not None:
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, _short_heading(text.strip())))
        headings.append(tuple(h for _, h in path))
    chunks = []
    for number, table in enumerate(tables, start=1):
        for row_number, (row, text) in enumerate(
            zip(table.rows, table.row_texts(), strict=True), 1
        ):
            heading = headings[row.line]
            where = " > ".join(heading) or "Phần mở đầu"
            chunks.append(
                Chunk(
                    text=text,
                    document_id=document_id,
                    version=version,
                    heading_path=(*heading, table.header or f"Bảng {number}"),
                    locator=f"{where} > bảng {number}, "
                    + ("dòng tổng" if row.total else f"dòng {row_number}"),
                    kind="table_row",
                )
            )
    return chunks


def _short_heading(text: str) -> str:
    return text if len(text) <= 90 else text[:87].rstrip() + "…"
