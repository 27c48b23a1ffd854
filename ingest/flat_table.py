"""Recover the rows of a table whose cells were flattened into lines of text.

PDF-to-text keeps a table's cells in column order, each cell wrapped at its column's
width: a task row reads the task name (wide lines), then the lead agency (short lines),
the coordinating agencies, the output and the deadline. Page breaks repeat the header and
leave a lone page number; a cell split by a page break continues after the header, again in
column order. Lines whose cells share a baseline are merged into one line
("Sở Nội vụ Các sở, ban, ngành, UBND các").

Each row is labelled by dynamic programming over its lines: every line (or each part of a
merged line) gets a column, columns never go backwards within a page, and the cost prefers
labellings where a cell's non-final lines are nearly full for its column's width, nothing
exceeds a column's width, agency cells open with an agency word and the deadline column
holds only date words. Column widths are re-estimated from the labelled rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from domain.agencies import Gazetteer, agency_key, opens_agency
from domain.text import canonical, fold

__all__ = [
    "ColumnSpec",
    "FlatRow",
    "FlatTable",
    "find_flat_tables",
    "group_label",
    "header_roles",
    "is_column_numbers",
    "is_note",
    "is_total",
    "parse_rows",
    "starts_group",
]

_ROMAN = r"(?:XX|XIX|XVIII|XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
_GROUP = re.compile(rf"^\s*({_ROMAN})\.\s*(.*)$")
_ROW = re.compile(r"^\s*(\d{1,3})\s*\.\s*(.*)$")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_DATE_TOKEN = re.compile(r"^[-–]?(?:\d{1,4}(?:[/\-–]\d{1,4}){0,2}|[ivx]+/\d{4}|[-–])[-–]?$")
_DEADLINE_WORDS = frozenset(
    "thuong xuyen xuyen hang hoan nam thang quy truoc va nhung tiep theo nhiem vu dinh ky "
    "giai doan tu den ngay cac sau khi lien tuc i ii iii iv cham nhat moi".split()
)
_DEADLINE_CUES = frozenset("thuong xuyen hang quy thang truoc".split())
_HEADER_WORDS = {
    "name": ("ten nhiem vu", "nhiem vu", "noi dung", "ten de an", "chi tieu", "tieu chi"),
    "lead": ("chu tri", "co quan thuc hien", "don vi thuc hien"),
    "coordinating": ("phoi hop",),
    "output": ("ket qua", "san pham"),
    "deadline": ("thoi gian", "thoi han", "tien do"),
    "unit": ("don vi tinh", "dvt"),
}

# Costs of the labelling; relative sizes matter, not absolute ones.
_COST_OVERFLOW = 12.0  # per column width of overflow
_COST_UNDERFULL = 5.0  # per column width of room left on a non-final line
_UNDERFULL_TOLERANCE = 0.22  # fraction of the width a proportional font may leave empty
_COST_SKIP = 3.0  # an empty cell
_COST_SPLIT = 0.5  # a line split between two cells
_COST_SPLIT_GAP = 2.0  # a line split between cells that are not neighbours
# Cells are top-aligned, so only a cell's first line shares a baseline with another cell.
_COST_SPLIT_LATE = 3.0
_COST_NOT_AGENCY = 2.0  # an agency cell that does not open with an agency word
_COST_AGENCY_OUTPUT = 1.0  # an output cell that opens like an agency name
_COST_AFTER_FULL_STOP = 2.0  # a cell going on in lowercase after a sentence ended
_COST_CUT_NAME = 4.0  # a cell boundary through a known agency name
_COST_NOT_DATE = 10.0  # per non-date word in the deadline column
_COST_DATE_ELSEWHERE = 1.0  # a piece made only of date words outside the deadline column
_COST_OPEN_END = 1.5  # a cell ending with "," or ";" (it should have continued)
_COST_CLOSED_CONTINUES = 4.0  # text after a page break in a cell that looked finished
_COST_LOWER_START = 3.0  # a cell opening with a lowercase letter (cells open capitalised)
_OVERFLOW_TOLERANCE = 0.08  # proportional fonts fit a few more narrow letters
_COST_NOT_AGENCY_WORD = 0.6  # per word in an agency cell that no agency name uses
_MAX_SPLIT_WORDS = 14
_WIDTH_SETTLED = 1.5  # characters; closer re-estimates do not change a labelling
_SHORT_WORD = 4


# --- Rows that are not tasks: column numbers, totals, notes, group headings ---------------

_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?\.?$")
_MIN_COLUMN_NUMBERS = 3
_LABEL = re.compile(rf"^(?:{_ROMAN}|[A-Z])\s*[.):]?$")  # a group's label alone: "II", "A."
_LABELLED = re.compile(rf"^(?:{_ROMAN}|[A-Z])\s*[.):]\s+\S")  # "II. …", "A) …"


@dataclass(frozen=True)
class _RowCues:
    total: re.Pattern[str]
    note: re.Pattern[str]
    group: re.Pattern[str]


def _phrases(phrases: Sequence[str]) -> str:
    ordered = sorted({fold(p) for p in phrases}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered) + ")"


@lru_cache(maxsize=1)
def _row_cues() -> _RowCues:
    """The cue words of ``data/table_rows.json``, as patterns over folded text."""
    data = json.loads(resources.files("ingest").joinpath("data/table_rows.json").read_text("utf-8"))
    totals = data["totals"]
    return _RowCues(
        total=re.compile(
            rf"^(?:{_phrases(totals['phrases'])}\b|{_phrases(totals['words'])}\s*(?::|\(|\d|$))"
        ),
        note=re.compile(rf"^(?:{_phrases(data['notes']['words'])}\s*(?::|$)|\(?\*+\)?\s)"),
        group=re.compile(
            rf"^{_phrases(data['group_words']['words'])}\s+(?:\d{{1,2}}|{_ROMAN.lower()}|[a-z])\b"
        ),
    )


def is_column_numbers(cells: Sequence[str]) -> bool:
    """A row that numbers the columns: "(1) (2) (3) (4)", "1 2 3 4 5"."""
    tokens = [t for cell in cells for t in cell.split()]
    found = [_COLUMN_NUMBER.match(t) for t in tokens]
    if len(tokens) < _MIN_COLUMN_NUMBERS or not all(found):
        return False
    values = [int(m.group(1)) for m in found if m]
    return values == list(range(values[0], values[0] + len(values)))


def is_total(text: str) -> bool:
    """A totals row's text: "Tổng cộng: 12 nhiệm vụ", "Tổng", "Cộng: 5" (capitalised, since
    "tổng hợp …" and "cộng đồng …" open task names and wrapped lines)."""
    text = text.strip()
    return text[:1].isupper() and bool(_row_cues().total.match(fold(text)))


def is_note(text: str) -> bool:
    """A note under a table: "Ghi chú: …", "Lưu ý: …", "(*) …"."""
    text = text.strip()
    return (text[:1].isupper() or text[:1] in "(*") and bool(_row_cues().note.match(fold(text)))


def group_label(text: str) -> bool:
    """A group heading's label alone or labelled words: "II", "A.", "Nhóm 1", "Phần II"."""
    text = text.strip()
    return bool(_LABEL.match(text)) or (
        text[:1].isupper() and bool(_row_cues().group.match(fold(text)))
    )


def starts_group(text: str) -> bool:
    """Text that opens with a group heading's label: "II. HẠ TẦNG", "A. Nhiệm vụ chung",
    "Nhóm 2: Dữ liệu", or a label alone."""
    text = text.strip()
    return bool(_LABELLED.match(text)) or group_label(text)


_AGENCY_ROLES = frozenset({"lead", "coordinating", "agency"})
_COLLECTIVE_WORDS = (
    "cac so ban nganh ubnd huyen thi xa thanh pho tinh dia phuong lien quan co quan don vi "
    "to chuc doanh nghiep truong dai hoc vien trung tam cong an bo chi huy quan su bao hiem "
    "xa hoi bhxh kho bac nha nuoc ngan hang chi nhanh hoi lien hiep doan the mat tran to quoc "
    "doan dang uy cap phuong tran va chu tich hdnd uy ban nhan dan thanh vien khac duoc giao "
    "tham muu phu trach chuyen nganh ve tai linh vuc khi tuong thuy van moi truong tai nguyen "
    "ky thuat cong nghe thong tin"
)


@lru_cache(maxsize=1)
def _agency_vocabulary() -> frozenset[str]:
    """Syllables that agency names use: the gazetteer's plus collective words."""
    words = set(_COLLECTIVE_WORDS.split())
    for key in Gazetteer.load().names:
        words.update(key.split())
    return frozenset(words)


@lru_cache(maxsize=1)
def _name_keys() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(k.split()) for k in Gazetteer.load().names if " " in k)


@lru_cache(maxsize=4096)
def _cuts_a_name(before: str, after: str) -> bool:
    """True when ``before``'s last words and ``after``'s first words form one known name."""
    tail, head = agency_key(before).split(), agency_key(after).split()
    for words in _name_keys():
        for i in range(1, len(words)):
            # the line before may hold only the end of the name's first part
            m = min(i, len(tail))
            if (
                m >= min(2, i)
                and tuple(tail[-m:]) == words[i - m : i]
                and tuple(head[: len(words) - i]) == words[i:]
            ):
                return True
    return False


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a flattened table: its role and its width in characters."""

    role: str
    width: float


@dataclass
class FlatRow:
    """A row recovered from flattened text: its number, group heading and cells."""

    number: str
    group: str
    cells: dict[str, str]
    segments: list[list[str]] = field(default_factory=list)
    page: int | None = None


@dataclass
class FlatTable:
    """A table found in flattened text."""

    header: str
    roles: list[str]
    start_line: int
    end_line: int
    rows: list[FlatRow]


def _words(text: str) -> list[str]:
    return text.split()


@lru_cache(maxsize=65536)
def _is_date_piece(text: str) -> bool:
    toks = [t.strip(",.;()/") for t in fold(text).split()]
    toks = [t for t in toks if t]
    return bool(toks) and all(t in _DEADLINE_WORDS or _DATE_TOKEN.match(t) for t in toks)


@lru_cache(maxsize=65536)
def _non_date_words(text: str) -> int:
    toks = [t.strip(",.;()/") for t in fold(text).split()]
    return sum(1 for t in toks if t and not (t in _DEADLINE_WORDS or _DATE_TOKEN.match(t)))


@lru_cache(maxsize=65536)
def _opens_agency(text: str) -> bool:
    return text.strip() in {"-", "–"} or opens_agency(text)


@lru_cache(maxsize=65536)
def _ends_open(text: str) -> bool:
    stripped = text.rstrip()
    if stripped in {"-", "–"}:
        return False
    return stripped.endswith((",", ";", " và", "-", "/")) or fold(stripped).endswith(" va")


@dataclass(frozen=True)
class _Piece:
    text: str
    column: int
    line: int


@lru_cache(maxsize=65536)
def _piece_cost(text: str, role: str, width: float) -> float:
    cost = 0.0
    length = len(text)
    limit = width * (1 + _OVERFLOW_TOLERANCE)
    if length > limit:
        cost += _COST_OVERFLOW * (length - limit) / width
    if role == "deadline":
        cost += _COST_NOT_DATE * _non_date_words(text)
    elif role in _AGENCY_ROLES:
        # Capitalised words are proper names (places, centres); only common words count.
        common = " ".join(w for w in text.split() if not w[:1].isupper())
        cost += _COST_NOT_AGENCY_WORD * sum(
            1 for w in agency_key(common).split() if w not in _agency_vocabulary()
        )
    elif _is_date_piece(text) and any(
        w in _DEADLINE_CUES or w[:1].isdigit() for w in fold(text).split()
    ):
        cost += _COST_DATE_ELSEWHERE
    return cost


def _underfull_cost(prev_len: int, next_word: str, width: float) -> float:
    room = width - (prev_len + 1 + len(next_word))
    allowed = _UNDERFULL_TOLERANCE * width
    return _COST_UNDERFULL * max(0.0, room - allowed) / width


def _line_options(
    line: str, ncols: int, first_col: int, capital_starts: bool
) -> list[list[tuple[str, int]]]:
    """All ways to put ``line`` into one, two or three consecutive-in-order cells.

    With ``capital_starts`` a cell may only start at a capitalised word, a digit or "-"
    (true of cells opening a row), which keeps long lines cheap to split.
    """
    words = _words(line)
    options: list[list[tuple[str, int]]] = [[(line, c)] for c in range(first_col, ncols)]
    if len(words) < 2 or (len(words) > _MAX_SPLIT_WORDS and not capital_starts):
        return options
    for i in range(1, len(words)):
        if capital_starts and not (words[i][:1].isupper() or words[i][:1] in "-–0123456789"):
            continue
        left, right = " ".join(words[:i]), " ".join(words[i:])
        for c1 in range(first_col, ncols):
            for c2 in range(c1 + 1, ncols):
                options.append([(left, c1), (right, c2)])
                if len(words) <= 6:
                    for j in range(1, len(words) - i):
                        mid, last = " ".join(words[i : i + j]), " ".join(words[i + j :])
                        for c3 in range(c2 + 1, ncols):
                            options.append([(left, c1), (mid, c2), (last, c3)])
    return options


def label_segment(
    lines: Sequence[str],
    columns: Sequence[ColumnSpec],
    *,
    first_segment: bool,
    last_segment: bool,
    open_columns: frozenset[int] = frozenset(),
) -> list[list[str]]:
    """Assign the lines of one page-segment of a row to columns.

    :param lines: the segment's lines, the row number already removed.
    :param columns: the table's columns in order.
    :param first_segment: the segment opens the row, so its first line is in column 0.
    :param last_segment: no page break follows, so every cell must end here.
    :param open_columns: columns whose cell looked unfinished before this page break.
    :returns: for each column, the pieces of text labelled with it, in order.
    """
    ncols = len(columns)
    roles = [c.role for c in columns]
    widths = [c.width for c in columns]
    # state: (column, length of the last piece, cell started in this segment) -> cost, path
    states: dict[tuple[int, int, bool], tuple[float, list[_Piece]]] = {}
    start_col = 0
    for idx, line in enumerate(lines):
        new_states: dict[tuple[int, int, bool], tuple[float, list[_Piece]]] = {}
        prev_items = list(states.items()) if idx else [((-1, 0, False), (0.0, []))]
        for (col, prev_len, _), (cost, path) in prev_items:
            first_col = max(col, start_col if first_segment and idx == 0 else 0)
            if first_segment and idx == 0:
                options = [[(line, 0)]] + [
                    o for o in _line_options(line, ncols, 0, True) if o[0][1] == 0 and len(o) > 1
                ]
            else:
                options = _line_options(line, ncols, max(first_col, 0), first_segment)
            for option in options:
                c_first = option[0][1]
                if c_first < col:
                    continue
                total = cost
                if c_first == col:
                    total += _underfull_cost(prev_len, _words(option[0][0])[0], widths[col])
                    if path and path[-1].text.rstrip().endswith(".") and option[0][0][:1].islower():
                        total += _COST_AFTER_FULL_STOP
                else:
                    total += _transition_cost(
                        col,
                        c_first,
                        roles,
                        option[0][0],
                        first_segment,
                        last_segment,
                        path,
                        open_columns,
                    )
                total += _piece_cost(option[0][0], roles[c_first], widths[c_first])
                if len(option) > 1 and c_first == col and idx > 0:
                    total += _COST_SPLIT_LATE
                for (left, c1), (right, c2) in zip(option, option[1:], strict=False):
                    total += _COST_SPLIT + (_COST_SPLIT_GAP if c2 > c1 + 1 else 0.0)
                    total += _transition_cost(
                        c1,
                        c2,
                        roles,
                        right,
                        first_segment,
                        last_segment,
                        [*path, _Piece(left, c1, idx)],
                        open_columns,
                    )
                    total += _piece_cost(right, roles[c2], widths[c2])
                pieces = path + [_Piece(t, c, idx) for t, c in option]
                last_text, last_col = option[-1]
                key = (last_col, len(last_text), True)
                if key not in new_states or new_states[key][0] > total:
                    new_states[key] = (total, pieces)
        states = new_states
    best_cost, best_path = float("inf"), []
    for (col, _, _), (cost, path) in states.items():
        total = cost
        if first_segment:
            # Cells of a row start together, so every column opens in the first segment.
            total += _COST_SKIP * (ncols - 1 - col)
        if last_segment:
            total += _end_cost(path)
        if total < best_cost:
            best_cost, best_path = total, path
    cells: list[list[str]] = [[] for _ in columns]
    for piece in best_path:
        cells[piece.column].append(piece.text)
    return cells


def _transition_cost(
    col: int,
    new_col: int,
    roles: Sequence[str],
    text: str,
    first_segment: bool,
    last_segment: bool,
    path: Sequence[_Piece],
    open_columns: frozenset[int],
) -> float:
    cost = 0.0
    if first_segment and text[:1].islower():
        cost += _COST_LOWER_START
    skipped = new_col - col - 1 if col >= 0 else new_col
    if first_segment:
        cost += _COST_SKIP * max(0, skipped)
    elif new_col not in open_columns:
        cost += _COST_CLOSED_CONTINUES
    if first_segment and roles[new_col] in _AGENCY_ROLES:
        if not _opens_agency(text):
            cost += _COST_NOT_AGENCY
    elif first_segment and roles[new_col] == "output" and _opens_agency(text) and text != "-":
        # An output cell names a product (Kế hoạch, Đề án...), rarely opens with an agency.
        cost += _COST_AGENCY_OUTPUT
    if (
        col >= 0
        and roles[col] in _AGENCY_ROLES
        and path
        and path[-1].column == col
        and _cuts_a_name(path[-1].text, text)
    ):
        cost += _COST_CUT_NAME
    if last_segment and col >= 0 and path and path[-1].column == col and _ends_open(path[-1].text):
        cost += _COST_OPEN_END
    return cost


def _end_cost(path: Sequence[_Piece]) -> float:
    if path and _ends_open(path[-1].text) and not path[-1].text.rstrip().endswith("-"):
        return _COST_OPEN_END
    return 0.0


def _segment_open_columns(cells: list[list[str]], columns: Sequence[ColumnSpec]) -> set[int]:
    """Columns whose last line before a page break looks unfinished."""
    open_cols: set[int] = set()
    for i, pieces in enumerate(cells):
        if not pieces:
            continue
        last = pieces[-1]
        if columns[i].role == "deadline":
            if _ends_open(last) or not re.search(r"\d{4}|xuyen|nam$", fold(" ".join(pieces))):
                open_cols.add(i)
            continue
        # Full when even a short syllable would not have fitted after the last line.
        full = len(last) + 1 + _SHORT_WORD >= (1 - _UNDERFULL_TOLERANCE / 2) * columns[i].width
        if _ends_open(last) or full:
            open_cols.add(i)
    return open_cols


def parse_rows(
    raw_rows: Sequence[tuple[str, str, list[list[str]]]],
    roles: Sequence[str],
    widths: Sequence[float] | None = None,
    rounds: int = 2,
) -> list[FlatRow]:
    """Label the lines of each raw row into cells, re-estimating column widths.

    :param raw_rows: (number, group heading, segments of lines) for each row.
    :param roles: the column roles in order, the first being the row's name/text column.
    :param widths: starting widths in characters; estimated from the lines when None.
    :param rounds: labelling passes; widths are re-estimated between passes.
    :returns: one :class:`FlatRow` per raw row.
    """
    if widths is None:
        widths = _initial_widths(raw_rows, len(roles))
    columns = [ColumnSpec(r, w) for r, w in zip(roles, widths, strict=True)]
    rows: list[FlatRow] = []
    for _ in range(max(1, rounds)):
        rows = []
        lengths: list[list[int]] = [[] for _ in roles]
        for number, group, segments in raw_rows:
            merged: list[list[str]] = [[] for _ in roles]
            open_cols: frozenset[int] = frozenset()
            for s_idx, segment in enumerate(segments):
                if not segment:
                    continue
                cells = label_segment(
                    segment,
                    columns,
                    first_segment=s_idx == 0,
                    last_segment=s_idx == len(segments) - 1,
                    open_columns=open_cols,
                )
                open_cols = frozenset(_segment_open_columns(cells, columns))
                for i, pieces in enumerate(cells):
                    merged[i].extend(pieces)
                    lengths[i].extend(len(p) for p in pieces[:-1])
            cells_text = {role: canonical(_join_lines(merged[i])) for i, role in enumerate(roles)}
            rows.append(FlatRow(number=number, group=group, cells=cells_text, segments=segments))
        estimated = [
            ColumnSpec(c.role, _estimate_width(lengths[i], c.width)) for i, c in enumerate(columns)
        ]
        if all(
            abs(a.width - b.width) < _WIDTH_SETTLED for a, b in zip(estimated, columns, strict=True)
        ):
            break
        columns = estimated
    return rows


def _join_lines(pieces: Sequence[str]) -> str:
    text = ""
    for piece in pieces:
        piece = piece.strip()
        if not text:
            text = piece
        elif text.endswith("-") and not text.endswith(" -") and piece[:1].islower():
            text = text + piece  # a word hyphenated across lines
        else:
            text = f"{text} {piece}"
    return text


def _estimate_width(lengths: list[int], current: float) -> float:
    """The width a column wraps at: its longest non-final lines, outliers trimmed."""
    if len(lengths) < 5:
        return current
    ordered = sorted(lengths)
    return float(ordered[int(0.97 * (len(ordered) - 1))] + 1)


def _initial_widths(
    raw_rows: Sequence[tuple[str, str, list[list[str]]]], ncols: int
) -> list[float]:
    """A first guess: the name column takes the longest lines, the others share the rest.

    Fractions follow the usual layout of Vietnamese plan tables (name ≈ 45% of the page
    width, lead ≈ 12%, coordinating ≈ 21%, output ≈ 9%, deadline ≈ 8%).
    """
    lengths = sorted(len(line) for _, _, segs in raw_rows for seg in segs for line in seg)
    if not lengths:
        return [60.0] * ncols
    name_width = float(lengths[int(0.97 * (len(lengths) - 1))])
    shares = {5: [1.0, 0.27, 0.47, 0.2, 0.16], 4: [1.0, 0.3, 0.3, 0.45]}
    fractions = shares.get(ncols, [1.0] + [0.35] * (ncols - 1))
    return [max(6.0, name_width * f) for f in fractions]


def header_roles(header: str) -> list[str]:
    folded = fold(header)
    found: list[tuple[int, str]] = []
    for role, words in _HEADER_WORDS.items():
        positions = [folded.find(w) for w in words if w in folded]
        if positions:
            found.append((min(positions), role))
    return [role for _, role in sorted(found)]


def find_flat_tables(lines: Sequence[str]) -> list[FlatTable]:
    """Find task tables (Stt | name | lead | coordinating | output | deadline) in text lines.

    :param lines: the document's lines, NFC.
    :returns: the tables found, each with its raw rows labelled into cells.
    """
    tables: list[FlatTable] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i].strip()
        if not re.match(r"^(stt|tt)\b", fold(line)):
            i += 1
            continue
        header_lines: list[str] = []
        j = i
        while j < n and len(header_lines) < 6:
            candidate = lines[j].strip()
            if not candidate:
                j += 1
                continue
            if _GROUP.match(candidate) or _ROW.match(candidate):
                break
            header_lines.append(candidate)
            j += 1
        header = " ".join(header_lines)
        roles = header_roles(header)
        if not ({"lead", "deadline"} <= set(roles) and roles[0] == "name"):
            i += 1
            continue
        table, end = _read_rows(lines, j, header_lines, roles)
        table.start_line = i
        table.header = header
        tables.append(table)
        i = max(end, i + 1)
    return tables


def _is_header_start(line: str, header_lines: Sequence[str]) -> bool:
    return bool(header_lines) and fold(line.strip()) == fold(header_lines[0])


def _read_rows(
    lines: Sequence[str], start: int, header_lines: Sequence[str], roles: list[str]
) -> tuple[FlatTable, int]:
    raw_rows: list[tuple[str, str, list[list[str]]]] = []
    group = ""
    expected = 1
    current: list[list[str]] | None = None
    in_group_heading = False
    header_folded = {fold(h) for h in header_lines}
    i = start
    n = len(lines)
    while i < n:
        line = lines[i].rstrip()
        stripped = line.strip()
        i += 1
        if not stripped:
            continue
        if _is_header_start(stripped, header_lines):
            # A repeated header: skip its lines and start a new page segment.
            while i < n and (not lines[i].strip() or fold(lines[i].strip()) in header_folded):
                i += 1
            if current is not None:
                current.append([])
            continue
        if _PAGE_NUMBER.match(stripped) and _next_is_header(lines, i, header_lines):
            continue
        row = _ROW.match(stripped)
        if row and int(row.group(1)) == expected:
            in_group_heading = False
            current = [[row.group(2).strip()] if row.group(2).strip() else []]
            raw_rows.append((row.group(1), group, current))
            expected += 1
            continue
        if is_column_numbers([stripped]):
            continue  # "(1) (2) (3) …" under a header
        if is_note(stripped):
            i -= 1  # a note closes the table; it is read as prose
            break
        if is_total(stripped):
            # a totals row: nothing of it goes into the row above it
            current, in_group_heading = None, False
            continue
        group_match = _GROUP.match(stripped)
        if group_match:
            group = f"{group_match.group(1)}. {group_match.group(2).strip()}".strip()
            in_group_heading = True
            current = None
            continue
        if group_label(stripped):
            # "II" alone (its title on the next lines), "Nhóm 2: Dữ liệu"
            group, in_group_heading, current = stripped, True, None
            continue
        if in_group_heading:
            group = f"{group} {stripped}".strip()
            continue
        if _ends_table(stripped):
            break
        if current is not None:
            current[-1].append(stripped)
    rows = parse_rows(
        [(num, grp.strip(), [s for s in segs if s]) for num, grp, segs in raw_rows], roles
    )
    return FlatTable(header="", roles=roles, start_line=start, end_line=i, rows=rows), i


def _next_is_header(lines: Sequence[str], i: int, header_lines: Sequence[str]) -> bool:
    n = len(lines)
    while i < n and not lines[i].strip():
        i += 1
    return i >= n or _is_header_start(lines[i], header_lines)


def _ends_table(line: str) -> bool:
    folded = fold(line)
    return folded.startswith(("phu luc", "noi nhan")) and len(folded) < 40
