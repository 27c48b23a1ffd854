"""Columns of a task row beyond its fields ("Kinh phí (triệu đồng)", "Ghi chú", "Nguồn
vốn"): a question names one when it holds every word of the column's header (units in
brackets aside), with or without diacritics.

Usage example::

    asked_columns("kinh phi nhiem vu 3 bao nhieu", [("Kinh phí (triệu đồng)", "450")])
    # [("Kinh phí (triệu đồng)", "450")]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.text import fold
from retrieval.normalise import normalise

__all__ = ["asked_columns"]

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def asked_columns(question: str, columns: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (header, value) columns the question names, in the row's order."""
    asked = set(_words(normalise(question).text)) | set(_words(question))
    found = []
    for header, value in columns:
        words = _words(_BRACKETS.sub(" ", header))
        if words and value and all(w in asked for w in words):
            found.append((header, value))
    return found
