"""Chat wording to plain Vietnamese: abbreviations expanded, courtesy trimmed.

"sở y tế có bn nv phải xong trc t9 ko ạ" → "sở y tế có bao nhiêu nhiệm vụ phải xong trước t9
không". Abbreviations and courtesy phrases are data (``retrieval/data/chat.json``); an
abbreviation with several readings ("bn": bạn / bao nhiêu, "đt": điện tử / điện thoại / đầu tư)
takes the reading the words around it call for, or its default.

Usage example::

    normalise("cam on ad, cds la gi vay").text   # "chuyển đổi số la gi"
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from domain.text import canonical, fold, normalise_space

__all__ = ["Normalised", "no_topic", "normalise"]

_TOKEN = re.compile(r"[\w&%]+|[^\w\s]", re.UNICODE)
_CONTEXT = 3  # words either side an ambiguous abbreviation is judged by
_KEEP = 2  # courtesy is trimmed only while this many words are left


@dataclass(frozen=True)
class Normalised:
    """A question as typed, and as the understanding layer reads it."""

    original: str
    text: str  # NFC, abbreviations expanded, courtesy trimmed
    folded: str  # ``text`` folded, "đ" as "d"


def _key(token: str) -> str:
    return fold(token).replace("đ", "d")


@cache
def _lexicon() -> dict[str, Any]:
    raw = resources.files("retrieval").joinpath("data/chat.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


def no_topic() -> tuple[frozenset[str], tuple[str, ...]]:
    """Words (with their diacritics) and folded phrases about the asker, not the topic."""
    entry = _lexicon()["no_topic"]
    return frozenset(entry["words"]), tuple(entry["phrases"])


def _plain(token: str) -> bool:
    """Typed without tone or vowel marks ("đ" allowed): only such tokens are abbreviations."""
    return token.replace("đ", "d").replace("Đ", "D").isascii()


def _resolve(entry: dict[str, Any], before: str, after: str, at_end: bool) -> str:
    """The reading whose context words match most; the default when none does."""
    best, best_score = str(entry["default"]), 0
    for reading, context in entry["readings"].items():
        score = 2 * bool(context.get("at_end") and at_end)
        score += sum(before.endswith(" " + p) or before == p for p in context.get("prev", []))
        score += sum(after.startswith(p + " ") or after == p for p in context.get("next", []))
        if score > best_score:
            best, best_score = str(reading), score
    return best


@dataclass
class _Token:
    start: int
    end: int
    text: str
    key: str
    glued: bool  # part of a symbol such as "57/KH-UBND": never expanded


def _tokens(text: str) -> list[_Token]:
    found = []
    for m in _TOKEN.finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        glued = m.group()[:1].isalnum() and (before in "/-" or after in "/-")
        found.append(_Token(m.start(), m.end(), m.group(), _key(m.group()), glued))
    return found


def _words(tokens: list[_Token]) -> list[_Token]:
    return [t for t in tokens if t.text[:1].isalnum() or t.text in ("&", "%")]


def _trim(tokens: list[_Token]) -> tuple[int, int]:
    """The part of the question left when courtesy at its start and end is dropped
    ("cho em hỏi …", "… ạ", "… xin cảm ơn"); never the whole question."""
    lexicon = _lexicon()
    ends = sorted((p.split() for p in lexicon["courtesy_end"]), key=len, reverse=True)
    starts = sorted((p.split() for p in lexicon["courtesy_start"]), key=len, reverse=True)
    words = _words(tokens)
    lo, hi = 0, len(words)
    changed = True
    while changed:
        changed = False
        keys = [w.key for w in words[lo:hi]]
        for phrase in ends:
            if len(keys) >= len(phrase) + _KEEP and keys[-len(phrase) :] == phrase:
                hi -= len(phrase)
                changed = True
                break
    changed = True
    while changed:
        changed = False
        keys = [w.key for w in words[lo:hi]]
        for phrase in starts:
            if len(keys) >= len(phrase) + _KEEP and keys[: len(phrase)] == phrase:
                lo += len(phrase)
                changed = True
                break
    if lo >= hi:
        return 0, len(tokens)
    first = tokens.index(words[lo])
    last = tokens.index(words[hi - 1])
    # keep punctuation that belongs to what is kept ("(năm 2025)", "100%")
    while last + 1 < len(tokens) and tokens[last + 1].text in ")]%\"'":
        last += 1
    return first, last + 1


def _expansions(tokens: list[_Token]) -> dict[int, tuple[int, str]]:
    """Replacements by first token index: (how many tokens, the words they stand for)."""
    lexicon = _lexicon()
    abbreviations: dict[str, str] = lexicon["abbreviations"]
    ambiguous: dict[str, Any] = lexicon["ambiguous"]
    keys = [t.key for t in tokens]
    out: dict[int, tuple[int, str]] = {}
    i = 0
    while i < len(tokens):
        for size in (3, 2, 1):
            part = tokens[i : i + size]
            phrase = " ".join(keys[i : i + size])
            if (
                len(part) == size
                and phrase in abbreviations
                and all(_plain(t.text) and not t.glued for t in part)
            ):
                out[i] = (size, abbreviations[phrase])
                i += size
                break
        else:
            token = tokens[i]
            if token.key in ambiguous and _plain(token.text) and not token.glued:
                before = " ".join(keys[max(0, i - _CONTEXT) : i])
                following = keys[i + 1 : i + 1 + _CONTEXT]
                at_end = not following or not following[0][:1].isalnum()
                reading = _resolve(ambiguous[token.key], before, " ".join(following), at_end)
                if reading:
                    out[i] = (1, reading)
            i += 1
    return out


def normalise(question: str) -> Normalised:
    """Expand chat abbreviations and trim courtesy, keeping everything that carries meaning."""
    text = canonical(question)
    tokens = _tokens(text)
    if not tokens:
        return Normalised(question, text, fold(text).replace("đ", "d"))
    first, stop = _trim(tokens)
    kept = tokens[first:stop]
    replaced = _expansions(kept)
    pieces: list[str] = []
    cursor = kept[0].start
    i = 0
    while i < len(kept):
        if i in replaced:
            size, words = replaced[i]
            pieces.append(text[cursor : kept[i].start] + words)
            cursor = kept[i + size - 1].end
            i += size
        else:
            i += 1
    pieces.append(text[cursor : kept[-1].end])
    result = normalise_space("".join(pieces))
    return Normalised(question, result, fold(result).replace("đ", "d"))
