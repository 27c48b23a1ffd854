"""Evidence units: the sentences and list items of a chunk, and the lines never cited.

A chunk is the unit of embedding; a sentence (or a list item) is the unit of evidence. Units
are indexed lexically with their heading path, so a fact a long chunk holds in one sentence is
found by that sentence's words.
"""

from __future__ import annotations

import re

from domain.text import canonical, fold, list_leads

__all__ = ["is_boilerplate", "split_sentences", "units_with_leads"]

_SENTENCE_END = re.compile(
    r"(?<=[.!?])\s+(?=[A-ZÀ-ỸĐ0-9(\-–•+])|\n+|\s+(?=[-–•+]\s)"
    r"|(?<=:)\s+(?=[-–•+]\s|\(?\d{1,2}\)|[a-zđ]\)\s)"
    r"|(?<=;)\s+(?=\(\d{1,3}\)|[a-zđ]\)\s)"
    r"|\s+(?=Nhiệm vụ(?: \d{1,2})?\s*:|Mục tiêu\s*:)"
    # bullets of slides and symbol fonts (private-use glyphs, squares, dots)
    r"|\s*[\uf000-\uf8ff▪●■◦►✓❖]+\s*"
)


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a chunk."""
    parts = [canonical(p) for p in _SENTENCE_END.split(text)]
    return [p for p in parts if len(p) > 3]


def units_with_leads(text: str) -> list[tuple[str, str]]:
    """Each unit of a chunk with the lead-in of the list it is an item of ("" for none): an
    item ("- Mỗi trường học có học bạ số …") is read with what introduces it ("Phấn đấu đến năm 2030 …
    Cụ thể:")."""
    units = split_sentences(text)
    return list(zip(units, list_leads(units), strict=True))


# Lines of a document's frame (Nghị định 30/2020/NĐ-CP): national motto, address lines,
# distribution list; they state no fact of the plan.
_FRAME_LINES = re.compile(
    r"^(?:cong hoa xa hoi chu nghia viet nam|doc lap\W+tu do\W+hanh phuc|noi nhan"
    r"|luu\s*:|[-_=*. ]{3,}$)"
)


_MOTTO = ("cong hoa xa hoi chu nghia", "doc lap - tu do", "tu do - hanh phuc")


def is_boilerplate(unit: str) -> bool:
    """A unit that is no evidence: the national motto, separators, the "Nơi nhận" line, and lines in capitals (titles, headings, a slide's speaker line)."""
    folded = fold(unit).replace("đ", "d")
    if _FRAME_LINES.match(folded) or any(part in folded for part in _MOTTO):
        return True
    if folded.strip("-–• ").startswith(("tu do", "hanh phuc", "doc lap")):
        return True  # a piece of the motto "Độc lập - Tự do - Hạnh phúc" split at its dashes
    letters = list(filter(str.isalpha, unit))
    upper = sum(map(str.isupper, letters))
    if len(letters) >= 4 and upper == len(letters):
        return True  # "KẾ HOẠCH", "PHỤ LỤC": a title in capitals, however short
    return len(letters) >= 12 and upper / len(letters) > 0.6
