"""Vietnamese text in the legacy 8-bit encodings TCVN3 (ABC) and VNI-Windows, to Unicode.

Older provincial files hold Vietnamese in fonts such as ".VnTime" (TCVN3, TCVN 5712:1993 VN3:
one byte per letter) or "VNI-Times" (VNI: a base letter followed by a mark byte; đ, ơ, ư and
the toned i's in one byte). The byte tables are data (``ingest/data/legacy_encodings.json``),
cross-checked against UniKey's VnConv tables, xvnkb, glibc's TCVN5712-1 and viparse.

**What a legacy string is here.** The functions take the legacy bytes *read as Windows-1252*
— what PDF and DOCX text extractors hand back for such fonts, and what
:func:`decode_legacy` makes of a file's bytes. A Latin-1 reading is accepted too: the C1
control characters U+0080–U+009F are first taken as the Windows-1252 characters of the same
bytes (and stay controls where Windows-1252 leaves the byte undefined). Characters no table
lists pass through unchanged, so only text known (or detected) to be legacy should be given.

Usage example::

    from_tcvn3("Hµ Néi")  # "Hà Nội"
    from_vni("Haø Noäi")  # "Hà Nội"
    detect_legacy("Nghò ñònh soá 30")  # "vni"
    decode_legacy("Sở Y tế".encode("utf-8"))  # None: not a legacy encoding
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal

from domain.text import fold, nfc, vietnamese_syllable

__all__ = [
    "LegacyEncoding",
    "PLAUSIBLE",
    "decode_legacy",
    "detect_legacy",
    "from_tcvn3",
    "from_vni",
    "syllable_share",
]

LegacyEncoding = Literal["tcvn3", "vni"]

# A text is taken as Vietnamese when this share of its words are valid syllables (or plain
# ASCII words); the same figure ingest.loaders uses for Windows-1258.
PLAUSIBLE = 0.9

# Windows-1252 characters for the bytes 0x80-0x9F; a byte it leaves undefined maps to the
# C1 control of the same value (as a Latin-1 reading gives it).
_CP1252_HIGH = bytes(range(0x80, 0xA0)).decode("cp1252", errors="replace")
_C1_AS_CP1252 = {
    0x80 + i: ch for i, ch in enumerate(_CP1252_HIGH) if ch != "\ufffd" and ord(ch) != 0x80 + i
}
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


@cache
def _tables() -> dict[str, Any]:
    raw = resources.files("ingest").joinpath("data/legacy_encodings.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


def _byte_char(byte: int) -> str:
    """The character a byte is read as (Windows-1252; undefined bytes as Latin-1)."""
    return chr(byte).translate(_C1_AS_CP1252)


@cache
def _tcvn3_map() -> dict[int, str]:
    """TCVN3 as a ``str.translate`` table keyed by the Windows-1252 reading of each byte."""
    tcvn3 = _tables()["tcvn3"]
    table: dict[int, str] = {}
    for section in ("letters", "vn1_uppercase"):
        for code, letter in tcvn3[section].items():
            table[ord(_byte_char(int(code, 16)))] = letter
    return table


@cache
def _vni_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """VNI sequences as one alternation, longest first (greedy on the longest sequence)."""
    sequences: dict[str, str] = dict(_tables()["vni"]["sequences"])
    ordered = sorted(sequences, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))), sequences


def from_tcvn3(text: str) -> str:
    """``text`` in TCVN3 (ABC), read as Windows-1252 characters, as NFC Unicode.

    The ABC fonts have no byte for most uppercase toned letters: headings were set in the
    ".VnTimeH" fonts with the lowercase bytes, so those letters come back lowercase — except
    within an all-capitals word ("HOạCH" -> "HOẠCH") and a word next to one on the same line,
    which are put back in capitals. The uppercase letters of the full TCVN 5712 set (VN1) are
    read where they do not clash with Windows-1252 punctuation (0x80-0x9F keep their quotes,
    dashes and bullets, as the ABC fonts do).
    """
    converted = nfc(text.translate(_C1_AS_CP1252).translate(_tcvn3_map()))
    return _restore_capitals(converted)


def from_vni(text: str) -> str:
    """``text`` in VNI-Windows, read as Windows-1252 characters, as NFC Unicode."""
    pattern, sequences = _vni_pattern()
    converted = pattern.sub(lambda m: sequences[m.group(0)], text.translate(_C1_AS_CP1252))
    return nfc(converted)


_ENCODINGS: tuple[LegacyEncoding, ...] = ("tcvn3", "vni")
_CONVERTERS: dict[str, Callable[[str], str]] = {"tcvn3": from_tcvn3, "vni": from_vni}


def detect_legacy(text: str) -> LegacyEncoding | None:
    """Which legacy encoding ``text`` (read as Windows-1252) is in: "tcvn3", "vni" or None.

    The encoding whose conversion has the larger share of valid Vietnamese syllables, when that
    share is plausible (at least :data:`PLAUSIBLE`) and larger than the text's own share as it
    stands — text that already reads as Vietnamese or English is no legacy text — and when
    the conversion leaves almost no stray characters (symbols that are neither Vietnamese
    letters nor the punctuation of a Vietnamese text: another language's bytes).
    """
    found = _best_conversion(text)
    return None if found is None else found[0]


def decode_legacy(data: bytes) -> str | None:
    """A text file's bytes in TCVN3 or VNI as Unicode, or None when neither encoding fits."""
    found = _best_conversion(data.decode("latin-1").translate(_C1_AS_CP1252))
    return None if found is None else found[1]


def _best_conversion(text: str) -> tuple[LegacyEncoding, str] | None:
    """The encoding :func:`detect_legacy` names and the text converted from it."""
    best: tuple[LegacyEncoding, str] | None = None
    best_share = syllable_share(text)
    if best_share >= PLAUSIBLE:
        return None
    for name in _ENCODINGS:
        converted = _CONVERTERS[name](text)
        share = syllable_share(converted)
        if share >= PLAUSIBLE and share > best_share and _stray_share(converted) <= _STRAY:
            best, best_share = (name, converted), share
    return best


# --- Plausibility --------------------------------------------------------------------------

# ASCII punctuation and the typographic quotes and dashes split a token into words; other
# symbols (the legacy bytes read as "¸", "µ", "×" …) stay inside and make the word invalid.
_SPLIT = re.compile(r"[!-/:-@\[-`{-~\u2018\u2019\u201c\u201d\u2013\u2014\u2026]+")

_VOWELS = "aăâeêioôơuưy"
_LETTERS = frozenset(
    unicodedata.normalize("NFC", base + tone) for base in _VOWELS for tone in ("", *_TONE_MARKS)
) | frozenset("abcdefghijklmnopqrstuvwxyzđ")
_CONSONANTS = frozenset("bcdđfghjklmnpqrstvwxz")
# Vowel nuclei of Vietnamese syllables (tone marks removed): those that may take a final
# consonant, and those that end in a glide and take none.
_NUCLEI_CLOSABLE = "a ă â e ê i o ô ơ u ư y iê yê oa oă oe oo uâ uê uô uơ uy ươ uyê".split()
_NUCLEI_OPEN = (
    "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu iêu yêu oai oao oay oeo uây uôi"
    " uya uyu ươi ươu"
).split()


def _alternation(items: list[str]) -> str:
    return "|".join(sorted(items, key=len, reverse=True))


_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
_FINAL = r"(?:ng|nh|ch|[cmnpt])?"
_STRICT_SYLLABLE = re.compile(
    f"{_ONSET}(?:(?:{_alternation(_NUCLEI_CLOSABLE)}){_FINAL}|(?:{_alternation(_NUCLEI_OPEN)}))"
)


@lru_cache(maxsize=1 << 16)
def _valid_word(word: str) -> bool:
    """A plain ASCII word, or one Vietnamese syllable spelt right: Vietnamese letters only,
    at most one tone mark, and an onset, vowel nucleus and final that go together."""
    if word.isascii():
        return word.isalpha()
    lower = word.lower()
    if len(word) <= 6 and set(lower) <= _CONSONANTS:
        return True  # an abbreviation ("HĐND", "NĐ") or a list letter ("đ)")
    if any(c not in _LETTERS for c in lower):
        return False
    marks = unicodedata.normalize("NFD", lower)
    if sum(c in _TONE_MARKS for c in marks) > 1:
        return False
    if not vietnamese_syllable(fold(word)):
        return False
    untoned = unicodedata.normalize("NFC", "".join(c for c in marks if c not in _TONE_MARKS))
    return bool(_STRICT_SYLLABLE.fullmatch(untoned))


# Characters a converted Vietnamese text is made of: printable ASCII, Vietnamese letters, white
# space and the typographic signs of Windows-1252 text. A conversion with more than _STRAY of
# other characters (among those that are not white space) is another language's bytes.
_TEXT_CHARS = (
    frozenset(map(chr, range(0x20, 0x7F)))
    | _LETTERS
    | frozenset(c.upper() for c in _LETTERS)
    | frozenset(
        "\u201c\u201d\u2018\u2019\u2013\u2014\u2026\u2022\u00b0\u00b1\u00d7\u00f7\u00a7\u00a9\u00ab\u00bb\u00b7\u20ac\u2122"
    )
)
_STRAY = 0.02


def _stray_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    return sum(c not in _TEXT_CHARS for c in chars) / len(chars) if chars else 1.0


_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


def _words(text: str) -> list[str]:
    """Space-separated tokens cut at punctuation, without the parts that hold a digit or no
    letter at all (numbers, bullets)."""
    return [
        part
        for token in nfc(text).split()
        for part in _SPLIT.split(token)
        if _LETTER.search(part) and not _DIGIT.search(part)
    ]


def syllable_share(text: str) -> float:
    """The share of ``text``'s words that are valid Vietnamese syllables or plain ASCII words
    (0.0 for text without words)."""
    words = _words(text)
    if not words:
        return 0.0
    return sum(_valid_word(w) for w in words) / len(words)


# --- Capitals lost to the ".VnTimeH" fonts -------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")
_SPACES = re.compile(r"[ \t\xa0]+")


@lru_cache(maxsize=1 << 14)
def _caps_candidate(word: str) -> bool:
    """A word with a non-ASCII lowercase letter and no ASCII lowercase one."""
    return any(c.islower() and not c.isascii() for c in word) and not any(
        c.islower() and c.isascii() for c in word
    )


@lru_cache(maxsize=1 << 14)
def _capital_syllable(word: str) -> bool:
    """An all-capitals Vietnamese word with diacritics ("CÔNG", "VIỆT"): not an
    abbreviation ("GTVT", "ĐT") nor a plain ASCII one ("LAN", "TU")."""
    lower = word.lower()
    untoned = "".join(c for c in unicodedata.normalize("NFD", lower) if c not in _TONE_MARKS)
    return (
        len(word) > 1
        and not word.isascii()
        and not any(c.islower() for c in word)
        and bool(_STRICT_SYLLABLE.fullmatch(unicodedata.normalize("NFC", untoned)))
    )


def _restore_capitals(text: str) -> str:
    """Put back in capitals the words of a heading set in an uppercase-only font: a word whose
    ASCII letters are capitals and that has a capital after its first letter ("HOạCH",
    "ủY"), and such a word separated by spaces only from a capitalised Vietnamese word ("Kế"
    in "Kế HOạCH", "Số" in "CHUYỂN ĐỔI Số"). "Sở GTVT" and "LAN; Hệ" stay as they are."""
    matches = list(_WORD.finditer(text))
    words = [m.group(0) for m in matches]
    candidate = [_caps_candidate(w) for w in words]
    restored = [
        c and any(ch.isupper() for ch in w[1:]) for c, w in zip(candidate, words, strict=True)
    ]
    upper = list(restored)
    for i in range(len(matches)):
        if restored[i] or not candidate[i]:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(matches) and (restored[j] or _capital_syllable(words[j])):
                left, right = sorted((i, j))
                if _SPACES.fullmatch(text[matches[left].end() : matches[right].start()]):
                    upper[i] = True
    if not any(upper):
        return text
    parts: list[str] = []
    last = 0
    for match, up in zip(matches, upper, strict=True):
        if up:
            parts.extend((text[last : match.start()], match.group(0).upper()))
            last = match.end()
    parts.append(text[last:])
    return "".join(parts)
