"""Provinces and centrally-run cities, before and after the 2025 mergers (data file)."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from domain.text import fold

__all__ = ["provinces_in"]


@cache
def _names() -> tuple[tuple[str, str], ...]:
    """(folded words, name as written), longest first."""
    raw = resources.files("domain").joinpath("data/provinces.json").read_text("utf-8")
    names = json.loads(raw)["provinces"]
    pairs = {(_words(n), n) for n in names}
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(text).replace("đ", "d")))


def provinces_in(text: str) -> list[str]:
    """The provinces ``text`` names, as written in the data file, in order of mention."""
    padded = f" {_words(text)} "
    found: list[tuple[int, str]] = []
    for words, _ in _names():
        position = padded.find(f" {words} ")
        if position >= 0 and all(words not in f for _, f in found):
            found.append((position, words))
    by_words = dict(_names())
    return [by_words[w] for _, w in sorted(found)]
