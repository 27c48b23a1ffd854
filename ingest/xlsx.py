"""Read XLSX workbooks (plan appendices such as "Phụ lục danh mục nhiệm vụ.xlsx") with
openpyxl into the lines and real tables of a :class:`~ingest.loaders.ParsedDocument`.

Every visible sheet is read in order, row by row:

* rows outside a table (titles, "(Kèm theo Kế hoạch số …)", notes, signatures) become
  lines; a sheet with no text above its first table gets its name as a heading line;
* a table starts at a header: a row of at least two distinct cells whose texts, joined with
  the rows merged under them, name at least two roles of :func:`ingest.flat_table.header_roles`,
  one of them the task's name. A multi-row header is flattened so that each column has one
  text; a sub-header that has a role of its own keeps it ("Cơ quan thực hiện" over
  "Phối hợp" reads "Phối hợp (Cơ quan thực hiện)");
* a row of column numbers under the header ("(1) (2) …", "1 2 3 …") is dropped; a body cell
  merged down over several rows (one lead agency for three tasks) is read in each of them;
* a group row ("I. CHUYỂN ĐỔI SỐ …", "A", "Nhóm 1 …") has nothing in the agency, output or
  deadline columns and is merged across columns or marked by something other than a task
  number; it is written as a single cell, the form :func:`ingest.records.extract_records`
  reads as a group. A row holding only more of a task's name continues the task above it;
* totals rows ("Tổng cộng", "Tổng", "Cộng") are no tasks: they become lines after the
  table. A note ("Ghi chú: …", "(*) …"), the recipients or a signature block ends the table.

Cells are read as Excel shows them: cached formula values, dates as "30/09/2026" (or
"09/2026" when the cell shows only month and year), whole numbers without ".0".
"""

from __future__ import annotations

import io
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from domain.errors import CorruptFileError
from domain.text import fold, nfc, normalise_space
from ingest.flat_table import header_roles
from ingest.loaders import Line, ParsedDocument, RealTable

__all__ = ["load_xlsx"]

# Columns whose text makes a row a task rather than a group heading.
_TASK_ROLES = frozenset({"lead", "coordinating", "output", "deadline", "unit"})
_NUMBER_HEADERS = frozenset({"stt", "tt", "so tt"})
_TASK_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
# Column numbers under a header: "(1)", "1", "(A)", "(6)=(4)+(5)".
_COLUMN_NUMBER = re.compile(r"^\(?\s*(?:\d{1,2}|[a-z])\s*\)?(?:\s*=.*)?$")
_MIN_COLUMN_NUMBERS = 3
# A header cell merged further down than this is a column-wide cell, not a deeper header.
_MAX_HEADER_ROWS = 4
_TOTAL = re.compile(
    r"^(?:tong cong|tong so|tong kinh phi|tong|cong)"
    r"(?:\s+(?:muc|nhom|phan|chuong)?\s*[ivxlc\d]+)?\s*(?:\(.*\))?\s*[:.]?$"
)
# What ends a table: a note, the recipients, a signature block (Nghị định 30/2020/NĐ-CP).
_TABLE_END = re.compile(r"^(?:(?:ghi chu|luu y|chu thich|chu giai|noi nhan)\b|\(?\*|(?:tm|kt|q)\.)")
_MARKER = re.compile(r"^(?:[ivxlc]+|[a-z]|\d{1,2})$")


@dataclass(frozen=True)
class _Span:
    """A merged range, 0-based and inclusive."""

    top: int
    left: int
    bottom: int
    right: int


@dataclass
class _Grid:
    """A sheet as text: rows of cells (trailing empty rows and columns trimmed), the bold
    cells and the merged ranges."""

    rows: list[list[str]]
    bold: set[tuple[int, int]]
    spans: list[_Span]
    wide: dict[int, list[_Span]] = field(default_factory=dict)  # merges across, by top row
    down: dict[int, list[_Span]] = field(default_factory=dict)  # merges down, by covered row

    def __post_init__(self) -> None:
        wide: defaultdict[int, list[_Span]] = defaultdict(list)
        down: defaultdict[int, list[_Span]] = defaultdict(list)
        for span in self.spans:
            if span.right > span.left:
                wide[span.top].append(span)
            for row in range(span.top + 1, span.bottom + 1):
                down[row].append(span)
        self.wide, self.down = dict(wide), dict(down)

    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def anchor(self, row: int, column: int) -> tuple[int, int]:
        """The top-left cell of the merged range covering a cell (the cell itself if none)."""
        for span in self.down.get(row, []):
            if span.left <= column <= span.right:
                return span.top, span.left
        for span in self.wide.get(row, []):
            if span.left <= column <= span.right:
                return span.top, span.left
        return row, column


@dataclass
class _Header:
    """A table's header: its rows and one text per column."""

    top: int
    bottom: int
    texts: list[str]


@dataclass
class _Body:
    """A table's body as it is read: its column roles and headers, the rows so far (each a
    "task" or a "group"), the totals, the lines after it and the row where reading resumes."""

    roles: list[str]
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    end: int = 0

    def append(self, row: list[str], kind: str) -> None:
        self.rows.append(row)
        self.kinds.append(kind)


def load_xlsx(name: str, data: bytes) -> ParsedDocument:
    """Read an XLSX workbook: each visible sheet's text rows as lines, its tables as
    :class:`~ingest.loaders.RealTable` (see the module's docstring for the rules).

    :param name: the file's name (used in errors).
    :param data: the workbook's bytes.
    :returns: a :class:`~ingest.loaders.ParsedDocument` of kind "xlsx".
    :raises CorruptFileError: the workbook is damaged or not a workbook.
    """
    workbook = _open_workbook(name, data)
    doc = ParsedDocument(source=name, kind="xlsx")
    try:
        for sheet in workbook.worksheets:
            if sheet.sheet_state == "visible":
                _read_sheet(doc, str(sheet.title), _read_grid(sheet))
    finally:
        workbook.close()
    return doc


def _open_workbook(name: str, data: bytes) -> Any:
    import openpyxl

    try:
        with warnings.catch_warnings():
            # unsupported extensions (data validation, slicers) are warned about, not needed
            warnings.simplefilter("ignore", UserWarning)
            return openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, XML and zip errors…
        raise CorruptFileError(
            name, f"tệp Excel (XLSX) hỏng hoặc không hợp lệ ({type(exc).__name__})"
        ) from exc


def _read_grid(sheet: Any) -> _Grid:
    """The sheet's cell texts with trailing empty rows and columns trimmed."""
    rows: list[list[str]] = []
    bold: set[tuple[int, int]] = set()
    for r, cells in enumerate(sheet.iter_rows()):
        texts = [_cell_text(cell) for cell in cells]
        rows.append(texts)
        for c, cell in enumerate(cells):
            font = getattr(cell, "font", None)
            if texts[c] and font is not None and font.b:
                bold.add((r, c))
    while rows and not any(rows[-1]):
        rows.pop()
    width = max(
        (max((i + 1 for i, t in enumerate(row) if t), default=0) for row in rows), default=0
    )
    rows = [row[:width] + [""] * (width - len(row)) for row in rows]
    spans = [
        _Span(
            m.min_row - 1, m.min_col - 1, min(m.max_row, len(rows)) - 1, min(m.max_col, width) - 1
        )
        for m in sheet.merged_cells.ranges
        if m.min_row <= len(rows) and m.min_col <= width
    ]
    return _Grid(rows, bold, spans)


def _cell_text(cell: Any) -> str:
    """A cell's value as Excel shows it, NFC, with runs of white space kept for lines."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, date):  # datetime too
        return _date_text(value, str(cell.number_format))
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int | float):
        return _number_text(value, str(cell.number_format))
    return nfc(str(value)).strip()


def _date_text(value: date, number_format: str) -> str:
    """A date as "30/09/2026"; as "09/2026" or "2026" when its format shows no day (month)."""
    shown = re.sub(r'\[[^\]]*\]|"[^"]*"|\\.', "", number_format.lower())
    if "d" in shown or not shown.strip() or shown == "general":
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if "m" in shown:
        return f"{value.month:02d}/{value.year}"
    return str(value.year)


def _number_text(value: float, number_format: str) -> str:
    """A number without a spurious ".0"; a percentage format shows "95%"."""
    if "%" in number_format:
        return f"{_number_text(round(value * 100, 10), 'General')}%"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:.15g}" if isinstance(value, float) else str(value)


def _read_sheet(doc: ParsedDocument, title: str, grid: _Grid) -> None:
    """Append the sheet's lines and tables to ``doc``."""
    has_text = False
    r = 0
    while r < len(grid.rows):
        header = _find_header(grid, r)
        if header is None:
            lines = _text_lines(grid.rows[r])
            doc.lines.extend(Line(text) for text in lines)
            has_text = has_text or bool(lines)
            r += 1
            continue
        if not has_text:
            doc.lines.append(Line(normalise_space(nfc(title))))
            has_text = True
        body = _read_body(grid, header)
        doc.tables.append(_trimmed_table(header.texts, body.rows, line=len(doc.lines)))
        doc.lines.extend(Line(text) for text in body.lines)
        r = body.end
    if has_text:
        doc.lines.append(Line(""))


def _text_lines(row: Sequence[str]) -> list[str]:
    """A row outside tables as lines: one cell's own line breaks kept, several cells joined."""
    texts = list(dict.fromkeys(t for t in row if t))
    if len(texts) == 1:
        return [normalise_space(part) for part in texts[0].splitlines() if part.strip()]
    return [normalise_space(" ".join(texts))] if texts else []


def _distinct(row: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(t for t in row if t))


def _find_header(grid: _Grid, top: int) -> _Header | None:
    """The table header starting at row ``top``, if there is one.

    The header runs down as far as the cells merged down from its first row, then over
    rows whose every cell names a role (an unmerged sub-header "Chủ trì" | "Phối hợp").
    """
    if len(_distinct(grid.rows[top])) < 2:
        return None
    bottom = min(
        max([top] + [s.bottom for s in _spans_from(grid, top)]), top + _MAX_HEADER_ROWS - 1
    )
    while bottom + 1 < len(grid.rows) and _is_sub_header(grid.rows[bottom + 1]):
        bottom += 1
    texts = _flatten_header(grid, top, bottom)
    roles = [_column_role(text) for text in texts if text]
    named = {role for role in roles if role not in {"other", "number"}}
    if "name" not in named or len(named) < 2:
        return None
    return _Header(top, bottom, texts)


def _spans_from(grid: _Grid, top: int) -> list[_Span]:
    """Merged ranges whose first row is ``top`` and that reach further down."""
    return [s for s in grid.down.get(top + 1, []) if s.top == top]


def _is_sub_header(row: Sequence[str]) -> bool:
    texts = _distinct(row)
    return len(texts) >= 2 and all(header_roles(text) for text in texts)


def _flatten_header(grid: _Grid, top: int, bottom: int) -> list[str]:
    """One text per column: the header cells above it, top to bottom, merged cells once."""
    texts: list[str] = []
    for column in range(grid.width()):
        parts: list[str] = []
        for row in range(top, bottom + 1):
            r, c = grid.anchor(row, column)
            text = normalise_space(grid.rows[r][c]) if r >= top else ""
            if text and text not in parts:
                parts.append(text)
        texts.append(_column_header(parts))
    return texts


def _column_header(parts: Sequence[str]) -> str:
    """Join a column's header parts so that :func:`header_roles` reads the right role.

    The lowest part is the most specific: when it names a role of its own ("Phối hợp" under
    "Cơ quan thực hiện"), it comes first and the parts above qualify it ("Phối hợp (Cơ quan
    thực hiện)"); otherwise the parts read top to bottom ("Thời gian Hoàn thành").
    """
    if len(parts) <= 1:
        return parts[0] if parts else ""
    if header_roles(parts[-1]):
        return f"{parts[-1]} ({' '.join(parts[:-1])})"
    return " ".join(parts)


def _column_role(text: str) -> str:
    """The role a header text gives its column, as :mod:`ingest.records` reads it."""
    if fold(text) in _NUMBER_HEADERS:
        return "number"
    roles = header_roles(text)
    return roles[0] if roles else "other"


def _is_column_numbers(row: Sequence[str]) -> bool:
    """A row numbering the columns: "(1) (2) (3) …" or "1 2 3 …" or "A B 1 2 …"."""
    texts = [t for t in row if t]
    return (
        len(texts) >= _MIN_COLUMN_NUMBERS
        and len(set(texts)) == len(texts)
        and all(_COLUMN_NUMBER.match(fold(t)) for t in texts)
    )


def _read_body(grid: _Grid, header: _Header) -> _Body:
    """Read the rows under ``header`` until a note, a signature, a new table or the end."""
    body = _Body([_column_role(text) for text in header.texts], header.texts)
    r = header.bottom + 1
    while r < len(grid.rows) and not any(grid.rows[r]):
        r += 1
    if r < len(grid.rows) and _is_column_numbers(grid.rows[r]):
        r += 1
    after_blank = False
    while r < len(grid.rows):
        row = _body_row(grid, r, header.bottom + 1)
        if not any(row):
            after_blank, r = True, r + 1
            continue
        texts = _distinct(row)
        if len(texts) == 1 and _TABLE_END.match(fold(texts[0])):
            break
        if after_blank and _find_header(grid, r) is not None:
            break
        after_blank = False
        _add_row(grid, r, row, body)
        r += 1
    trailing: list[str] = []
    while body.kinds and body.kinds[-1] == "group":  # a heading no task follows is text
        body.kinds.pop()
        trailing.insert(0, next(text for text in body.rows.pop() if text))
    body.lines = trailing + body.totals
    body.end = r
    return body


def _body_row(grid: _Grid, r: int, first_body_row: int) -> list[str]:
    """Row ``r`` with cells merged down from an earlier body row filled in."""
    row = [normalise_space(text) for text in grid.rows[r]]
    for span in grid.down.get(r, []):
        if span.top >= first_body_row:
            row[span.left] = normalise_space(grid.rows[span.top][span.left])
    return row


def _add_row(grid: _Grid, r: int, row: list[str], body: _Body) -> None:
    """Sort one body row into a task row, a group row, a task's continuation or a total."""
    roles = body.roles
    has_task_cells = any(row[i] for i, role in enumerate(roles) if role in _TASK_ROLES)
    number = next((row[i] for i, role in enumerate(roles) if role == "number"), "")
    label = next(t for t in row if t)
    if _TOTAL.match(fold(label)) and not has_task_cells:
        if len(_distinct(row)) > 1:  # a totals row with no figures says nothing
            body.totals.append(_sum_line(label, row, body.headers, set()))
    elif has_task_cells:
        body.append(row, "task")
    elif _is_continuation(grid, r, row, roles, number, body.kinds):
        name = roles.index("name")
        body.rows[-1][name] = f"{body.rows[-1][name]} {row[name]}".strip()
    elif number and _TASK_NUMBER.match(number) and not _merged_across(grid, r):
        if len(_distinct(row)) > 1:  # a numbered task with no agency or deadline given
            body.append(row, "task")
    else:
        _add_group(grid, r, row, body)


def _add_group(grid: _Grid, r: int, row: list[str], body: _Body) -> None:
    """Add a group row as one cell in the table's first column (the form records read as a
    group); its sums, such as a group's budget, become a line after the table."""
    columns = _group_columns(row, body.roles, grid, r)
    heading = _heading([row[i] for i in columns])
    group = [""] * len(row)
    group[next(i for i, text in enumerate(body.headers) if text)] = heading
    body.append(group, "group")
    if any(text and i not in columns for i, text in enumerate(row)):
        body.totals.append(_sum_line(heading, row, body.headers, set(columns)))


def _merged_across(grid: _Grid, r: int) -> bool:
    return any(s.top == r and grid.rows[r][s.left] for s in grid.wide.get(r, []))


def _is_continuation(
    grid: _Grid,
    r: int,
    row: Sequence[str],
    roles: Sequence[str],
    number: str,
    kinds: Sequence[str],
) -> bool:
    """More of the task above's name: only the name cell filled, and not written as a
    heading is (bold, in capitals or merged across)."""
    if not kinds or kinds[-1] != "task" or "name" not in roles or number:
        return False
    name = roles.index("name")
    text = row[name]
    return (
        _distinct(row) == [text]
        and text != text.upper()
        and (r, name) not in grid.bold
        and not _merged_across(grid, r)
    )


def _group_columns(row: Sequence[str], roles: Sequence[str], grid: _Grid, r: int) -> list[int]:
    """The cells of a group row that make its heading: the first, the number and name
    columns and any merged across; the others hold sums."""
    anchors = {s.left for s in grid.wide.get(r, []) if s.top == r}
    columns = [
        i for i, text in enumerate(row) if text and (i == 0 or i in anchors or roles[i] != "other")
    ]
    return columns or [i for i, text in enumerate(row) if text]


def _heading(parts: Sequence[str]) -> str:
    """A group's marker and title as one heading: "I" + "CHUYỂN ĐỔI SỐ" → "I. CHUYỂN ĐỔI SỐ"."""
    parts = _distinct(parts)
    if len(parts) > 1 and _MARKER.match(fold(parts[0])):
        return f"{parts[0]}. {' '.join(parts[1:])}"
    return " ".join(parts)


def _sum_line(label: str, row: Sequence[str], headers: Sequence[str], skip: set[int]) -> str:
    """A row's figures as a line: "Tổng cộng – Kinh phí (triệu đồng): 15300"."""
    values = [
        f"{headers[i]}: {text}" if headers[i] else text
        for i, text in enumerate(row)
        if text and i not in skip and text != label
    ]
    return f"{label} – {'; '.join(values)}" if values else label


def _trimmed_table(header: list[str], rows: list[list[str]], line: int) -> RealTable:
    """The table without the columns that are empty in its header and every row."""
    used = [i for i in range(len(header)) if header[i] or any(row[i] for row in rows)]
    if not used:
        return RealTable(header=[], rows=[], line=line)
    keep = range(used[0], used[-1] + 1)
    return RealTable(
        header=[header[i] for i in keep],
        rows=[[row[i] for i in keep] for row in rows],
        line=line,
    )
