"""Vietnamese text normalisation shared by ingest and retrieval."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

__all__ = [
    "LIST_ITEM",
    "fold",
    "folded_tokens",
    "list_leads",
    "nfc",
    "normalise_space",
    "tokens",
    "vietnamese_syllable",
]

_LOOKALIKES = str.maketrans({"\u01a3": "\u01b0", "\u01a2": "\u01af"})
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[0-9a-zà-ỹđ]+(?:[.,/][0-9]+)*", re.IGNORECASE)
# Old-style ("òa", "úy") and new-style ("oà", "uý") tone placement are the same word.
_TONE_VARIANTS = {
    "Uỷ": "Ủy",
    "uỷ": "ủy",
    "Thuỷ": "Thủy",
    "thuỷ": "thủy",
    "hoá": "hóa",
    "Hoá": "Hóa",
    "khoẻ": "khỏe",
    "hoà": "hòa",
    "Hoà": "Hòa",
    "toà": "tòa",
    "Toà": "Tòa",
}
_TONE_RE = re.compile(
    "(?<![0-9A-Za-zÀ-ỹĐđ])("
    + "|".join(sorted(_TONE_VARIANTS, key=len, reverse=True))
    + ")(?![0-9A-Za-zÀ-ỹĐđ])"
)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (some files store letters decomposed).

    Legacy PDF fonts write "ư" as U+01B0's look-alike U+01A3 ("Chƣơng trình"); it is mapped
    back, since no Vietnamese word uses U+01A3.
    """
    return unicodedata.normalize("NFC", text).translate(_LOOKALIKES)


def normalise_space(text: str) -> str:
    """Collapse runs of white space into one space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def canonical(text: str) -> str:
    """NFC, one tone-placement convention, single spaces."""
    return normalise_space(_TONE_RE.sub(lambda m: _TONE_VARIANTS[m.group(0)], nfc(text)))


def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFD", ch)
    return "".join(c for c in base if unicodedata.category(c) != "Mn") or ch


# Every precomposed Latin letter with marks maps to its base letter (đ to d).
_FOLD_TABLE = {
    code: _fold_char(chr(code))
    for code in range(0xC0, 0x1EFF + 1)
    if _fold_char(chr(code)) != chr(code)
}
_FOLD_TABLE.update({ord("đ"): "d", ord("Đ"): "d", 0x01A3: "u", 0x01A2: "u"})


def fold(text: str) -> str:
    """Lowercase and strip Vietnamese diacritics: "Sở Y tế" -> "so y te"."""
    folded = unicodedata.normalize("NFC", text).lower().translate(_FOLD_TABLE)
    if not folded.isascii():
        # combining marks left by unusual input
        folded = "".join(
            c for c in unicodedata.normalize("NFD", folded) if unicodedata.category(c) != "Mn"
        )
    return normalise_space(folded)


def tokens(text: str) -> list[str]:
    """Lowercased syllables and numbers of ``text`` (diacritics kept)."""
    return _WORD.findall(canonical(text).lower())


# Spelling variants that differ only in i/y ("tỉ lệ" = "tỷ lệ", "kĩ năng" = "kỹ năng").
_I_Y = {"ti": "ty", "ki": "ky"}


def syllable(folded_word: str) -> str:
    """One spelling for a folded syllable's i/y variants."""
    return _I_Y.get(folded_word, folded_word)


def folded_tokens(text: str) -> list[str]:
    """Syllables of ``text`` with diacritics stripped ("tỉ"/"tỷ" read alike)."""
    return [syllable(t) for t in _WORD.findall(fold(text))]


def phrases_pattern(phrases: Iterable[str]) -> str:
    """A regex alternation of folded phrases, longest first, their spaces flexible."""
    ordered = sorted(phrases, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered) + ")"


def spelled_as(text: str, spellings: dict[str, list[str]]) -> bool:
    """Words of ``text`` typed with diacritics are the words a grammar means: a folded key of
    ``spellings`` must be one of its listed forms ("điện tử năm" is not "từ năm")."""
    for word in re.findall(r"\w+", text.lower()):
        allowed = spellings.get(fold(word).replace("đ", "d"))
        if allowed and not word.isascii() and word not in allowed:
            return False
    return True


# A Vietnamese syllable, folded: an onset, a vowel nucleus and an optional coda.
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?"
    r"(?:[aeiouy]{1,3})(?:ng|nh|ch|[cmnpt])?"
)


def vietnamese_syllable(folded_word: str) -> bool:
    """Whether a folded word could be one Vietnamese syllable ("nghieng" yes; "online",
    "cyradar" no): a word that cannot is a name or a foreign term."""
    return bool(_SYLLABLE.fullmatch(folded_word))


# A list item: a dash, bullet or plus, "a)", "(3)" or "3)".
LIST_ITEM = re.compile(r"^\s*(?:[-–•+*]|[a-zđ]\)|\(?\d{1,2}\))\s")


def list_leads(parts: Sequence[str], limit: int = 240) -> list[str]:
    """For each part (a paragraph or a sentence), the text that introduces the list it is an
    item of ("Phấn đấu đến năm 2026, … Cụ thể:"), or "" for a part that is no list item.

    The lead is the text between the list and what came before it; a long one keeps its
    beginning (the topic) and its end (the "gồm:" line), ``limit`` characters in all.
    """
    leads: list[str] = []
    intro: list[str] = []
    current = ""
    in_list = False
    for part in parts:
        if LIST_ITEM.match(part):
            if not in_list:
                current = _shorten(" ".join(intro), limit)
                in_list = True
            leads.append(current)
            continue
        if in_list:
            intro, in_list = [], False
        intro.append(part)
        leads.append("")
    return leads


def _shorten(text: str, limit: int) -> str:
    text = normalise_space(text)
    if len(text) <= limit:
        return text
    half = limit // 2
    head = text[:half].rsplit(" ", 1)[0]
    tail = text[-half:].split(" ", 1)[-1]
    return f"{head} … {tail}"
