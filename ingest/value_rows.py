"""Recover small tables of values that text extraction flattened into lines.

Slides and reports hold tables such as rankings by year or figures by pillar::

    STT Trụ cột Thứ hạng 2023 Thứ hạng 2024
    1 Chính quyền số Hạng 40/63 Hạng 31/63
    2 Kinh tế số Hạng 55/63 Hạng 57/63
    Chung 44/63 38/63

A run of at least ``MIN_ROWS`` numbered lines that end with the same number of value cells
(a figure, a percentage, a rank "Hạng 40/63", a score) is such a table; the line just above
it is its header, split into the label column and one name per value column where it can
be ("Thứ hạng 2023", "Thứ hạng 2024"). Each row then reads on its own, bound to its header:
"Chính quyền số — Thứ hạng 2023: Hạng 40/63; Thứ hạng 2024: Hạng 31/63".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.text import normalise_space

__all__ = ["ValueRow", "ValueTable", "find_value_tables"]

MIN_ROWS = 3
_MAX_VALUES = 6
# a value cell: an optional short word ("Hạng", "Thứ", "Top"), a comparison, a number with
# its fraction or unit
_VALUE = re.compile(
    r"\s+((?:(?:[Hh]ạng|[Tt]hứ|[Tt]op|[Nn]hóm|[Đđ]ạt)\s+)?[≥≤<>]?\s*\d[\d.,]*(?:\s*/\s*\d+)?"
    r"\s*(?:%|điểm|đ)?)\s*$"
)
_NUMBERED = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s+(\D.*)$")
_SEQUENCE_COLUMN = re.compile(r"^\s*(?:STT|TT|Số TT|Stt)\b\.?\s*", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class ValueRow:
    line: int  # index of the row's line
    label: str
    values: tuple[str, ...]
    total: bool = False  # the closing row without a number ("Xếp hạng chung …")

    def text(self, label_name: str, columns: Sequence[str]) -> str:
        """The row as one statement: "Kinh tế số — Thứ hạng 2023: Hạng 55/63; …"."""
        cells = "; ".join(
            f"{name}: {value}" if name else value
            for name, value in zip(columns, self.values, strict=True)
        )
        return (
            f"{self.label} — {cells}" if not label_name else f"{label_name} {self.label} — {cells}"
        )


@dataclass(frozen=True)
class ValueTable:
    header: str  # as written ("" when none was found)
    label_name: str  # the label column's name, when the header could be split
    columns: tuple[str, ...]  # one name per value column ("" when unknown)
    rows: tuple[ValueRow, ...]

    def row_texts(self) -> list[str]:
        return [row.text("", self.columns) for row in self.rows]


def _split_values(line: str) -> tuple[str, tuple[str, ...]] | None:
    """A line's label and its trailing value cells, or None when it ends with no value."""
    values: list[str] = []
    rest = f" {line.strip()}"
    while len(values) < _MAX_VALUES and (m := _VALUE.search(rest)):
        values.insert(0, normalise_space(m.group(1)))
        rest = rest[: m.start()]
    label = rest.strip(" :-–")
    if not values or not re.search(r"[^\W\d_]{2,}", label):
        return None
    return label, tuple(values)


def _columns(header: str, count: int) -> tuple[str, tuple[str, ...]]:
    """The header split into the label column's name and ``count`` value column names.

    Value columns are found as a phrase the header repeats ("Thứ hạng 2023 Thứ hạng 2024")
    or as trailing years ("Chỉ tiêu 2024 2025"); otherwise their names stay unknown.
    """
    text = _SEQUENCE_COLUMN.sub("", header).strip()
    words = text.split()
    for size in range(4, 0, -1):
        for start in range(len(words) - size + 1):
            phrase = words[start : start + size]
            if any(_YEAR.fullmatch(w) for w in phrase):
                continue
            starts = [i for i in range(len(words) - size + 1) if words[i : i + size] == phrase]
            if len(starts) == count and count > 1:
                names = [
                    " ".join(words[a:b])
                    for a, b in zip(starts, [*starts[1:], len(words)], strict=True)
                ]
                return " ".join(words[: starts[0]]), tuple(names)
    years = [w for w in words[-count:] if _YEAR.fullmatch(w)]
    if len(years) == count:
        return " ".join(words[:-count]), tuple(years)
    return text, ("",) * count


def find_value_tables(lines: Sequence[str]) -> list[ValueTable]:
    """Tables of numbered rows ending with value cells, each with the header above it."""
    tables: list[ValueTable] = []
    i = 0
    while i < len(lines):
        run: list[ValueRow] = []
        j = i
        while j < len(lines):
            text = lines[j].strip()
            if not text:
                j += 1
                continue
            numbered = _NUMBERED.match(text)
            split = _split_values(numbered.group(2)) if numbered else None
            if split is None or (run and len(split[1]) != len(run[0].values)):
                break
            run.append(ValueRow(j, split[0], split[1]))
            j += 1
        if len(run) < MIN_ROWS:
            i = max(j, i + 1)
            continue
        # a closing row without a number ("Xếp hạng chung 9/63 12/63")
        k = j
        while k < len(lines) and not lines[k].strip():
            k += 1
        if (
            k < len(lines)
            and (split := _split_values(lines[k]))
            and len(split[1]) == len(run[0].values)
        ):
            run.append(ValueRow(k, split[0], split[1], total=True))
            j = k + 1
        header = next(
            (
                lines[h].strip()
                for h in range(run[0].line - 1, max(run[0].line - 4, -1), -1)
                if lines[h].strip()
            ),
            "",
        )
        if _split_values(header) is not None and not _SEQUENCE_COLUMN.match(header):
            header = ""  # the line above is a sentence ending with a figure, not a header
        label_name, columns = (
            _columns(header, len(run[0].values)) if header else ("", ("",) * len(run[0].values))
        )
        tables.append(ValueTable(header, label_name, columns, tuple(run)))
        i = j
    return tables
