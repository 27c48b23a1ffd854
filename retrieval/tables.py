"""Questions over a table of values: which row ranks best, worst, fell or rose the most.

A table of values is read at ingest as rows bound to their header ("Kinh tế số — Thứ hạng
2023: Hạng 55/63; Thứ hạng 2024: Hạng 57/63"). "Trụ cột nào có thứ hạng cao nhất năm 2024?"
is answered by comparing the rows, not by the row that happens to match the words best.

The words that ask for a comparison are data (``data/lexicon.json``, "superlatives"). A value
that is a rank ("Hạng 55/63", "thứ 3") is better when smaller; any other figure when larger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from domain.text import fold
from retrieval.lexical import lexicon

__all__ = ["Row", "comparison_asked", "parse_row", "pick_row"]


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[tuple[str, str], ...]  # (column name, value as written)


def parse_row(text: str) -> Row | None:
    """A row as the ingest wrote it: "label — column: value; column: value"."""
    label, dash, rest = text.partition(" — ")
    if not dash:
        return None
    cells = []
    for cell in rest.split("; "):
        name, colon, value = cell.rpartition(": ")
        cells.append((name if colon else "", value if colon else cell))
    return Row(label.strip(), tuple(cells))


@cache
def _comparisons() -> tuple[tuple[str, str], ...]:
    raw = lexicon()
    pairs = [
        (phrase, kind)
        for kind, phrases in raw["superlatives"].items()
        if not kind.startswith("_")
        for phrase in phrases
    ]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))  # "tăng nhiều nhất" before "nhiều nhất"


def comparison_asked(folded_question: str) -> tuple[str, str] | None:
    """("best" | "worst" | "fall" | "rise", the words that ask it) when the question asks
    which row of a table compares so."""
    padded = f" {folded_question} "
    for phrase, kind in _comparisons():
        if re.search(rf"\b{re.escape(phrase)}\b", padded):
            return kind, phrase
    return None


_RANK = re.compile(r"(?:hang|thu|top)\s*(\d+)|(\d+)\s*/\s*\d+")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")


def _value(text: str) -> tuple[float, bool] | None:
    """The number a cell holds and whether it is a rank (smaller is better)."""
    folded = fold(text)
    if m := _RANK.search(folded):
        return float(m.group(1) or m.group(2)), True
    if m := _NUMBER.search(folded):
        digits = m.group(0)
        # "1.234,5" (Vietnamese) -> 1234.5; "30,5" -> 30.5
        number = digits.replace(".", "").replace(",", ".") if "," in digits else digits
        if digits.count(".") > 1 or (digits.count(".") == 1 and len(digits.split(".")[1]) == 3):
            number = digits.replace(".", "")
        try:
            return float(number), False
        except ValueError:
            return None
    return None


def _column(row: Row, years: Sequence[str]) -> list[int]:
    """Indexes of the cells the question's years name (all cells when it names none)."""
    named = [i for i, (name, _) in enumerate(row.cells) if any(y in name for y in years)]
    return named or list(range(len(row.cells)))


def pick_row(rows: Sequence[Row], kind: str, years: Sequence[str]) -> tuple[Row, int] | None:
    """The row that is best, worst, fell or rose the most, and the cell that shows it."""
    if not rows:
        return None
    columns = _column(rows[0], years)
    scored: list[tuple[float, Row, int]] = []
    for row in rows:
        values = [_value(row.cells[i][1]) if i < len(row.cells) else None for i in columns]
        if any(v is None for v in values):
            continue
        numbers = [v[0] for v in values if v]
        rank = any(v[1] for v in values if v)
        if kind in ("best", "worst"):
            value, cell = numbers[-1], columns[-1]
            better = -value if rank else value  # larger is better
            scored.append((better if kind == "best" else -better, row, cell))
        elif len(numbers) >= 2:
            change = numbers[-1] - numbers[0]
            gain = -change if rank else change  # positive: the row got better
            scored.append((gain if kind == "rise" else -gain, row, columns[-1]))
    if not scored:
        return None
    best = max(scored, key=lambda s: s[0])
    return best[1], best[2]
