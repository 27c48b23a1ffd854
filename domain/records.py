"""Domain records: documents, tasks, targets, chunks."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

__all__ = [
    "ChunkKind",
    "Chunk",
    "Deadline",
    "Document",
    "TargetRecord",
    "TaskRecord",
]

ChunkKind = Literal["prose", "table_row", "list_item"]


@dataclass(frozen=True)
class Deadline:
    """A task's deadline: the raw cell text and the period it denotes.

    ``start``/``end`` bound the period ("3/2026" -> March 2026); ``end`` is None for an
    open-ended period ("2025 và những năm tiếp theo"); ``recurring`` names a recurrence
    ("thường xuyên", "hằng năm") when the task repeats; ``yearly`` is the day it is due every
    year, as "MM-DD" ("Hằng năm, trước 15/12" -> "12-15").
    """

    text: str
    start: date | None = None
    end: date | None = None
    recurring: str | None = None
    yearly: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "recurring": self.recurring,
            "yearly": self.yearly,
        }


@dataclass(frozen=True)
class Document:
    """One plan document (one active version at a time)."""

    id: str
    title: str
    kind: str
    number: str | None
    issuer: str | None
    issued: str | None
    source: str
    content_hash: str
    version: int = 1
    active: bool = True
    # what the document says of itself (Nghị định 30/2020/NĐ-CP header, opening, signature)
    place: str | None = None
    legal_bases: tuple[str, ...] = ()
    proposer: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    province: str | None = None  # from the header, or the manifest for a file without one
    replaces: str | None = None  # number of the plan it replaces or amends (that plan is
    # marked superseded while this one is active)
    recipients: tuple[str, ...] = ()  # "Kính gửi" and "Nơi nhận", one body each
    # the files this version was read from, body first ("ke-hoach.docx", "phu-luc.xlsx")
    parts: tuple[str, ...] = ()
    ocr_pages: int | None = None  # pages read by OCR (scans) in this version's files


@dataclass(frozen=True)
class TaskRecord:
    """One row of a task table (Stt, name, lead, coordinating, output, deadline)."""

    document_id: str
    version: int
    number: str
    section: str
    name: str
    lead_agencies: tuple[str, ...]
    coordinating_agencies: tuple[str, ...]
    output: str
    deadline: Deadline
    locator: str = ""
    raw: str = ""  # the row as the document wrote it (cited as evidence)
    # the row's other columns, by their header ("Kinh phí", "Ghi chú", "Nguồn vốn")
    extra: tuple[tuple[str, str], ...] = ()

    def indexed_text(self) -> str:
        """The text a task row is indexed and cited by: its fields, then the row as written."""
        parts = [f"Nhiệm vụ {self.number}: {self.name}"]
        parts.append(f"Cơ quan chủ trì: {', '.join(self.lead_agencies) or '-'}")
        parts.append(f"Cơ quan phối hợp: {', '.join(self.coordinating_agencies) or '-'}")
        parts.append(f"Kết quả: {self.output or '-'}")
        parts.append(f"Thời gian hoàn thành: {self.deadline.text or '-'}")
        parts += [f"{name}: {value}" for name, value in self.extra if value]
        text = ". ".join(parts)
        return f"{text}\nNguyên văn: {self.raw}" if self.raw else text

    def to_json(self, document_title: str = "") -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "document_title": document_title,
            "version": self.version,
            "number": self.number,
            "section": self.section,
            "name": self.name,
            "lead_agencies": list(self.lead_agencies),
            "coordinating_agencies": list(self.coordinating_agencies),
            "output": self.output,
            "deadline": self.deadline.to_json(),
            "locator": self.locator,
            "extra": dict(self.extra),
        }


@dataclass(frozen=True)
class TargetRecord:
    """One indicator of a target or criteria table."""

    document_id: str
    version: int
    number: str
    section: str
    indicator: str
    unit: str
    value: str
    horizon: str = ""
    agency: str = ""
    mandatory: bool | None = None
    locator: str = ""
    note: str = ""  # the rest of the row: assessment method, remarks
    raw: str = ""  # the row as the document wrote it (cited as evidence)

    def target_text(self) -> str:
        """The target with its unit: "≥ 90%", "Tối thiểu 03 điểm phát"."""
        if not self.value:
            return ""
        if self.unit.startswith("%"):
            return f"{self.value}{self.unit}" if not self.value.endswith("%") else self.value
        if self.unit and self.unit.lower() not in self.value.lower():
            return f"{self.value} {self.unit[:1].lower()}{self.unit[1:]}"
        return self.value

    def group(self) -> str:
        """The group the row sits under ("III. XÃ HỘI SỐ" → "Xã hội số"); "" for none."""
        last = self.section.rsplit(",", 1)[-1]
        name = re.sub(
            r"^\s*(?:PHỤ LỤC|Phụ lục|Bảng)\b.*$|^\s*[IVXLC\d]+\s*[.):-]?\s*", "", last
        ).strip()
        if not name or not any(c.isalpha() for c in name):
            return ""
        return name[:1].upper() + name[1:].lower() if name.isupper() else name

    def indexed_text(self) -> str:
        """The text a target or criterion row is indexed and cited by."""
        parts = [f"Chỉ tiêu {self.number}: {self.indicator.rstrip('. ')}"]
        if group := self.group():
            parts.append(f"Nhóm: {group}")
        if self.value:
            parts.append(f"Mục tiêu: {self.target_text()}")
        if self.agency:
            parts.append(f"Cơ quan theo dõi: {self.agency}")
        if self.mandatory is not None:
            parts.append("Tiêu chí bắt buộc" if self.mandatory else "Tiêu chí mở rộng")
        if self.note:
            parts.append(f"Phương pháp đánh giá: {self.note}")
        text = ". ".join(parts)
        return f"{text}\nNguyên văn: {self.raw}" if self.raw else text

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a document, carrying where it came from."""

    text: str
    document_id: str
    version: int
    heading_path: tuple[str, ...]
    locator: str
    kind: ChunkKind = "prose"
    metadata: dict[str, str] = field(default_factory=dict)
    # What the dense index embeds, when shorter than ``text`` (a task row's name and lead);
    # the lexical index and citations use ``text``.
    embed_text: str | None = None
