"""Task and target records from a parsed document's tables (real or flattened) and from the
duties its "Tổ chức thực hiện" part assigns in prose (:mod:`ingest.duties`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.agencies import Gazetteer
from domain.deadlines import parse_deadline
from domain.records import TargetRecord, TaskRecord
from domain.text import canonical, fold
from ingest.duties import read_duties
from ingest.flat_table import (
    FlatTable,
    find_flat_tables,
    group_label,
    header_roles,
    is_column_numbers,
    is_note,
    is_total,
    starts_group,
)
from ingest.loaders import ParsedDocument, RealTable

__all__ = ["Extracted", "extract_records"]

_ROMAN_GROUP = re.compile(r"^\s*((?:X{0,3})(?:IX|IV|V?I{0,3}))\s*[.)]?\s+(.+)$")
_NUMBER = re.compile(r"^\s*(\d{1,3})\s*\.?\s*(.*)$")
_LONE_ROMAN = re.compile(r"^\s*(?:X{0,3})(?:IX|IV|V?I{1,3}|V)\.?\s*$")
_UNITS = r"%\s*(?:GRDP|GDP|dân số|hộ gia đình|doanh nghiệp|người dân)|%|Doanh nghiệp|Thứ bậc|Điểm|Hệ thống|Người|Xã|Điểm phát|Lần|Tỷ đồng|USD|Sản phẩm|Nền tảng"
_TARGET = re.compile(
    rf"^(?P<indicator>.+?)\s+(?P<unit>{_UNITS})\s+"
    r"(?P<value>(?:[≥≤><]|Tối thiểu|Tối đa)?\s*\d[\d.,]*\s*(?:[–-]\s*\d[\d.,]*)?\s*%?|Có[^B]*?)"
    r"(?:\s+(?P<rest>.*))?$"
)
_MANDATORY = re.compile(r"\b(Bắt buộc|Mở rộng)\b", re.IGNORECASE)


@dataclass
class Extracted:
    """Records extracted from one document, plus the line ranges their tables occupy."""

    tasks: list[TaskRecord]
    targets: list[TargetRecord]
    table_ranges: list[tuple[int, int]]  # flattened tables whose rows became records
    flat_tables: list[FlatTable]


def extract_records(
    doc: ParsedDocument, *, document_id: str, version: int, gazetteer: Gazetteer
) -> Extracted:
    """Turn the task and target tables of ``doc`` into records.

    :param doc: the loaded document.
    :param document_id: id stamped on every record.
    :param version: document version stamped on every record.
    :param gazetteer: splits and canonicalises agency cells.
    :returns: tasks, targets and the line ranges of flattened tables.
    """
    tasks: list[TaskRecord] = []
    targets: list[TargetRecord] = []
    ranges: list[tuple[int, int]] = []
    lines = [line.text for line in doc.lines]
    flat = find_flat_tables(lines)
    for t_index, table in enumerate(flat):
        ranges.append((table.start_line, table.end_line))
        section = _table_section(lines, table.start_line) or f"Bảng {t_index + 1}"
        for row in table.rows:
            raw = " ".join(line for segment in row.segments for line in segment)
            tasks.append(
                _task(
                    row.cells,
                    row.number,
                    row.group,
                    section,
                    document_id,
                    version,
                    gazetteer,
                    locator=f"{section}, nhiệm vụ {row.number}",
                    raw=raw,
                )
            )
    for t_index, real in enumerate(doc.tables):
        roles = [_cell_role(cell) for cell in real.header]
        section = _table_section(lines, real.line) or f"Bảng {t_index + 1}"
        if "lead" in roles and "name" in roles:
            tasks.extend(_real_task_rows(real, roles, document_id, version, gazetteer, section))
        elif "name" in roles and ("unit" in roles or "output" in roles):
            targets.extend(_real_target_rows(real, roles, document_id, version, section))
    flat_ranges = list(ranges)
    targets.extend(_flat_targets(lines, document_id, version, flat_ranges, ranges))
    # Duties assigned in prose come after the table rows; one a table row repeats is left to
    # the row (the table's row is the plan's own record of that task, with all its columns).
    prose = ["" if any(a <= i < b for a, b in ranges) else text for i, text in enumerate(lines)]
    tasks.extend(
        read_duties(
            prose,
            joined=doc.kind != "docx",
            document_id=document_id,
            version=version,
            gazetteer=gazetteer,
            table_tasks=tasks,
        )
    )
    return Extracted(tasks=tasks, targets=targets, table_ranges=ranges, flat_tables=flat)


def _task(
    cells: dict[str, str],
    number: str,
    group: str,
    section: str,
    document_id: str,
    version: int,
    gazetteer: Gazetteer,
    locator: str,
    raw: str = "",
    extra: tuple[tuple[str, str], ...] = (),
) -> TaskRecord:
    output = canonical(cells.get("output", "")).strip(" -–")
    return TaskRecord(
        document_id=document_id,
        version=version,
        number=number,
        section=f"{section}, {group}".strip(", ") if group else section,
        name=canonical(cells.get("name", "")),
        lead_agencies=tuple(gazetteer.split(cells.get("lead", ""))),
        coordinating_agencies=tuple(gazetteer.split(cells.get("coordinating", ""))),
        output=output,
        deadline=parse_deadline(cells.get("deadline", "").strip().removesuffix("./.").strip()),
        locator=locator,
        raw=canonical(raw),
        extra=extra,
    )


def _extra_cells(
    header: Sequence[str], roles: Sequence[str], row: Sequence[str]
) -> tuple[tuple[str, str], ...]:
    """The row's cells in columns no field reads ("Kinh phí", "Ghi chú", "Nguồn vốn"), by
    their header, so they are kept with the task and answerable."""
    return tuple(
        (canonical(header[i]), canonical(row[i]))
        for i, role in enumerate(roles)
        if role == "other"
        and i < len(row)
        and i < len(header)
        and header[i].strip()
        and row[i].strip()
    )


def _cell_role(cell: str) -> str:
    roles = header_roles(cell)
    folded = fold(cell)
    if folded in {"stt", "tt", "so tt"}:
        return "number"
    return roles[0] if roles else "other"


def _real_task_rows(
    table: RealTable,
    roles: list[str],
    document_id: str,
    version: int,
    gazetteer: Gazetteer,
    section: str,
) -> list[TaskRecord]:
    tasks: list[TaskRecord] = []
    group = ""
    counter = 0
    numbers = [_number_cell(row, roles) for row in table.rows]
    for index, row in enumerate(table.rows):
        kind = _row_kind(row, roles, table.header, numbers[index + 1 :])
        if kind == "group":
            group = _group_text(row)
        if kind != "task":
            continue
        cells = {role: row[i] for i, role in enumerate(roles) if i < len(row)}
        counter += 1
        number = cells.get("number") or str(counter)
        tasks.append(
            _task(
                cells,
                number.rstrip("."),
                group,
                section,
                document_id,
                version,
                gazetteer,
                locator=f"{section}, nhiệm vụ {number.rstrip('.')}",
                raw=" | ".join(row),
                extra=_extra_cells(table.header, roles, row),
            )
        )
    return tasks


_TASK_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$|^[a-zđ]\s*[.)]?$")
_ASSIGNING = ("lead", "coordinating", "output", "deadline")


def _number_cell(row: Sequence[str], roles: Sequence[str]) -> str:
    return next((row[i].strip() for i, r in enumerate(roles) if r == "number" and i < len(row)), "")


def _row_kind(
    row: Sequence[str], roles: Sequence[str], header: Sequence[str], later: Sequence[str]
) -> str:
    """What a row is: "task", "group" (a heading for the rows below) or "skip" (no record).

    Rows that are no task, whatever the plan: the header repeated, a row numbering the
    columns ("(1) (2) (3)"), a totals row ("Tổng cộng"), a note ("Ghi chú: …"). A group
    heading is a row whose one text spans the row, whose number cell holds a group's label
    ("II", "A", "Nhóm 1"), a row that assigns nothing (no lead, coordinating, output or
    deadline) and has no task number, or a numbered row that assigns nothing and whose number
    the rows below extend ("1" above "1.1", "1.2").

    :param later: the number cells of the rows below, for hierarchical numbering.
    """
    filled = [c.strip() for c in row if c and c.strip()]
    distinct = list(dict.fromkeys(filled))
    if not filled or [c.strip() for c in row] == [c.strip() for c in header]:
        return "skip"
    if _no_record(row):
        return "skip"
    if len(distinct) == 1:
        return "group"
    cells = {role: row[i].strip() for i, role in enumerate(roles) if i < len(row)}
    number = cells.get("number", "")
    assigns = any(cells.get(role) for role in _ASSIGNING)
    if number and not _TASK_NUMBER.match(number) and group_label(number):
        return "group"
    if assigns:
        return "task"
    if not number:
        return "group" if cells.get("name") or starts_group(distinct[0]) else "skip"
    stem = number.rstrip(".") + "."
    if any(n.startswith(stem) and n != number for n in later):
        return "group"
    return "task" if cells.get("name") else "skip"


def _no_record(row: Sequence[str]) -> bool:
    """A column-number, totals or note row: no record in any table."""
    distinct = list(dict.fromkeys(c.strip() for c in row if c and c.strip()))
    return is_column_numbers(distinct) or any(is_total(c) or is_note(c) for c in distinct[:2])


def _group_text(row: Sequence[str]) -> str:
    """A group heading as one text: "II. DỮ LIỆU" from "II" | "DỮ LIỆU" or a merged row."""
    distinct = list(dict.fromkeys(c.strip() for c in row if c and c.strip()))
    if len(distinct) > 1 and group_label(distinct[0]) and distinct[0][-1:].isalnum():
        return f"{distinct[0]}. {' '.join(distinct[1:])}"
    return " ".join(distinct)


def _real_target_rows(
    table: RealTable, roles: list[str], document_id: str, version: int, section: str
) -> list[TargetRecord]:
    targets: list[TargetRecord] = []
    for i, row in enumerate(table.rows, start=1):
        cells = {role: row[j] for j, role in enumerate(roles) if j < len(row)}
        if not cells.get("name") or len({c for c in row if c}) == 1 or _no_record(row):
            continue
        joined = " ".join(row)
        mandatory = _MANDATORY.search(joined)
        targets.append(
            TargetRecord(
                document_id=document_id,
                version=version,
                number=cells.get("number") or str(i),
                section=section,
                indicator=cells["name"],
                unit=cells.get("unit", ""),
                value=cells.get("output", ""),
                agency=cells.get("lead", ""),
                mandatory=None if not mandatory else fold(mandatory.group(1)) == "bat buoc",
                locator=f"{section}, chỉ tiêu {cells.get('number') or i}",
                raw=" | ".join(row),
            )
        )
    return targets


def _table_section(lines: Sequence[str], start: int) -> str:
    """The "Phụ lục ..." heading above a table, if any (searched a few lines up)."""
    for i in range(start - 1, max(-1, start - 12), -1):
        text = lines[i].strip()
        if fold(text).startswith("phu luc"):
            return canonical(text).rstrip(":")
    return ""


def _flat_targets(
    lines: Sequence[str],
    document_id: str,
    version: int,
    skip: Sequence[tuple[int, int]],
    found_ranges: list[tuple[int, int]],
) -> list[TargetRecord]:
    """Target/criteria tables in flattened text: numbered rows under an indicator header.

    The line range of each table found is appended to ``found_ranges``.
    """
    targets: list[TargetRecord] = []
    i, n = 0, len(lines)
    while i < n:
        if any(a <= i < b for a, b in skip) or not fold(lines[i].strip()).startswith("stt"):
            i += 1
            continue
        header = " ".join(fold(lines[j]) for j in range(i, min(n, i + 12)))
        if not (("chi tieu" in header or "tieu chi" in header) and "don vi" in header):
            i += 1
            continue
        section = _table_section(lines, i) or "Bảng chỉ tiêu"
        start = i
        rows, i = _numbered_rows(lines, i, skip)
        if rows:
            found_ranges.append((start, i))
        for number, group, text in rows:
            record = _target_from_text(text, number, group, section, document_id, version)
            if record:
                targets.append(record)
    return targets


def _numbered_rows(
    lines: Sequence[str], start: int, skip: Sequence[tuple[int, int]]
) -> tuple[list[tuple[str, str, str]], int]:
    rows: list[tuple[str, str, str]] = []
    expected, group = 1, ""
    in_title = False
    current: list[str] | None = None
    header_first = fold(lines[start].strip())
    i = start + 1
    n = len(lines)
    while i < n and not any(a <= i < b for a, b in skip):
        text = lines[i].strip()
        i += 1
        if not text or fold(text) == header_first:
            continue
        folded = fold(text)
        if folded.startswith("phu luc") and rows:
            i -= 1
            break
        number = _NUMBER.match(text)
        if number:
            in_title = False
        restart = number is not None and int(number.group(1)) == 1 and current is None and rows
        if number and (int(number.group(1)) == expected or restart):
            expected = int(number.group(1))
            current = [number.group(2)]
            rows.append((number.group(1), group, ""))
            expected += 1
            rows[-1] = (rows[-1][0], group, number.group(2))
            continue
        roman = _ROMAN_GROUP.match(text)
        if roman and roman.group(1) and text.split()[0].rstrip(".") == roman.group(1):
            group = canonical(text)
            current = None
            continue
        if _LONE_ROMAN.match(text):
            # "II" alone: the group's title follows on the next line(s)
            group, current, in_title = text.strip().rstrip("."), None, True
            continue
        if current is None and in_title:
            group = f"{group} {canonical(text)}"
            continue
        if current is not None and rows:
            num, grp, body = rows[-1]
            rows[-1] = (num, grp, f"{body} {text}".strip())
    return rows, i


def _target_from_text(
    text: str, number: str, group: str, section: str, document_id: str, version: int
) -> TargetRecord | None:
    text = canonical(text)
    if not text:
        return None
    mandatory = _MANDATORY.search(text)
    body = text[: mandatory.start()].strip() if mandatory else text
    note = text[mandatory.end() :].strip() if mandatory else ""
    match = _TARGET.match(body)
    indicator, unit, value, agency = body, "", "", ""
    if match:
        indicator = match.group("indicator")
        unit = match.group("unit")
        value = canonical(match.group("value"))
        agency = canonical(match.group("rest") or "")
    return TargetRecord(
        document_id=document_id,
        version=version,
        number=number,
        section=f"{section}, {group}".strip(", ") if group else section,
        indicator=indicator,
        unit=unit,
        value=value,
        horizon=_horizon(group),
        agency=agency if not mandatory else "",
        mandatory=None if not mandatory else fold(mandatory.group(1)) == "bat buoc",
        locator=f"{section}, chỉ tiêu {number}",
        note=note,
        raw=text,
    )


def _horizon(group: str) -> str:
    years = re.findall(r"(?:19|20)\d\d", group)
    return years[-1] if years else ""
