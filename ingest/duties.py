"""Duties assigned in prose, agency by agency, read as task records.

Plans often end with a part headed "Tổ chức thực hiện" (or "Phân công nhiệm vụ", "Trách nhiệm
của các cơ quan, đơn vị") that gives each agency its own item: a label naming the agency, then
its duties as bullets, or one duty after the label's colon::

    IV. TỔ CHỨC THỰC HIỆN
    1. Sở A:
    - Chủ trì, phối hợp với Sở B xây dựng X; hoàn thành trong Quý III/2026.
    - Phối hợp với Sở C bố trí kinh phí thực hiện kế hoạch.
    2. UBND các huyện: Tổ chức ...; báo cáo kết quả định kỳ hằng quý.

Each duty becomes a :class:`TaskRecord`:

- lead: the label's agency when it "chủ trì" or is simply told to do the work; when the duty
  opens with "Phối hợp với X …", X leads and the label's agency coordinates (partners named
  only as "các đơn vị liên quan" lead nothing, so then the label's agency still leads);
- coordinating: the "phối hợp với …" list, split with the gazetteer;
- name: the duty without the role words, the output and the deadline, in the case the plan
  wrote it ("chủ trì xây dựng X" gives "xây dựng X");
- deadline: the "hoàn thành trong/trước …" (or "định kỳ hằng quý", "trước ngày …") phrase,
  read by :func:`domain.deadlines.parse_deadline`;
- raw: the label and the duty as written; locator: the part, the label and the item.

A duty that names no work of its own ("Chủ trì triển khai các nhiệm vụ được giao tại Phụ lục",
"Theo chức năng, nhiệm vụ được giao, chủ động triển khai") is no task: once its references to
duties defined elsewhere and its words of carrying out are taken away, nothing is left.
One duty named under two agencies (A: "Chủ trì, phối hợp với B xây dựng X"; B: "Phối hợp với A
xây dựng X") is one task: duties of different labels with the same leads and names at least
:data:`SAME_DUTY` alike are merged, keeping the lead's own wording. A duty that repeats a row of
the plan's task table (same leads, names as alike) is left to the table, whose row is the fuller
record. An item that ends with ":" over items of its own is either an intro that gives them
their roles ("Chủ trì, phối hợp với Sở B thực hiện các nhiệm vụ sau:", generic by the rule
above) or one duty in parts ("Xây dựng bản đồ số, gồm: …"). A sentence whose subject is the
agency ("4. Sở A chủ trì, phối hợp với Sở B theo dõi việc thực hiện Kế hoạch."), with no label
and no items under it, is not read: the label is what tells an assignment from a sentence that
mentions an agency.

Cue words are data (``ingest/data/duties.json``), loaded once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from itertools import takewhile
from typing import Any

from domain.agencies import Gazetteer, agency_key, opens_agency
from domain.deadlines import parse_deadline
from domain.records import TaskRecord
from domain.text import canonical, fold, folded_tokens

__all__ = ["SAME_DUTY", "duty_similarity", "read_duties"]

# Two duties (or a duty and a table row) with the same leads are one task when their names
# are at least this alike (difflib's ratio over folded syllables). A duty written again with a
# word more or less scores 0.88 and up ("bố trí kinh phí thực hiện kế hoạch" / "tham mưu bố
# trí kinh phí thực hiện kế hoạch": 0.89); other work on the same object scores up to 0.75
# ("xây dựng cơ sở dữ liệu đất đai" / "vận hành cơ sở dữ liệu đất đai"). The threshold lies
# between; tests/ingest/test_duties.py holds both tables.
SAME_DUTY = 0.8

_ROMAN = r"(?:XX|XIX|XVIII|XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)"
# (pattern, rank): a lower rank is a higher heading; an unmarked paragraph ranks below all.
_MARKERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^({_ROMAN})\s*[.:/]\s*(?=\S)"), "roman"),
    (re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\s*[.)]\s*(?=\S)(?!\d)"), "arabic"),
    (re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\s+(?=\S)"), "arabic"),
    (re.compile(r"^([a-zđ])\s*[).]\s+(?=\S)"), "letter"),
    (re.compile(r"^([-–•])\s*(?=\S)"), "dash"),
    (re.compile(r"^([+])\s*(?=\S)"), "plus"),
    (re.compile(r"^([*○])\s*(?=\S)"), "star"),
)
_RANKS = {"caps": 1, "roman": 1, "arabic": 2, "letter": 6, "dash": 7, "plus": 8, "star": 9}
_UNMARKED = 99
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_MAX_HEADING_WORDS = 10
_MAX_LABEL_WORDS = 15
_MAX_NAME_WORDS = 14  # the longest agency name the gazetteer is asked about
_LOOKAHEAD = 3  # words within which an unknown name's lowercase word must reach a capital


@dataclass(frozen=True)
class _Cues:
    """The cue phrases of ``duties.json``, folded, and the patterns built from them."""

    headings: tuple[str, ...]
    ends: tuple[str, ...]
    label_prefixes: tuple[str, ...]
    label_suffixes: tuple[str, ...]
    lead: re.Pattern[str]
    coordinating: re.Pattern[str]
    role_anywhere: re.Pattern[str]
    joiners: re.Pattern[str]
    vague: re.Pattern[str]
    collective: re.Pattern[str]
    name_tails: frozenset[str]
    deadline_by_cue: re.Pattern[str]
    deadline_strong: re.Pattern[str]
    deadline_weak: re.Pattern[str]
    dropped: re.Pattern[str]
    deadline_words: frozenset[str]
    recurrence: tuple[str, ...]
    output: re.Pattern[str]
    references: tuple[tuple[str, ...], ...]
    carrying_out: tuple[tuple[str, ...], ...]


def _folded(phrases: Iterable[str]) -> list[str]:
    return sorted({fold(p) for p in phrases}, key=len, reverse=True)


def _alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of folded phrases, longest first, spaces and commas flexible."""
    parts = [
        r"\s*,?\s*".join(re.escape(w) for w in p.replace(",", " ").split())
        for p in _folded(phrases)
    ]
    return "(?:" + "|".join(parts) + ")"


def _words_of(phrases: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    words = {tuple(re.findall(r"[0-9a-z]+", fold(p))) for p in phrases}
    return tuple(sorted((w for w in words if w), key=len, reverse=True))


@lru_cache(maxsize=1)
def _cues() -> _Cues:
    data: dict[str, Any] = json.loads(
        resources.files("ingest").joinpath("data/duties.json").read_text("utf-8")
    )
    collective = data["collective"]
    noun = _alternation(collective["nouns"])
    listed = _alternation(collective["nouns_after_comma"])
    date_start = r"(?:quy|thang|nam|ngay|\d)"
    openers = _alternation(data["strong_deadline_openers"] + data["deadline_openers"])
    dropped = _alternation(data["deadline_dropped_words"])
    body = rf"(?:{dropped}\s+)?(?:{openers}|{date_start})\b[^;(),]*?"
    end = r"(?=\s*[;)]|\s*$)"
    return _Cues(
        headings=tuple(_folded(data["section_headings"])),
        ends=tuple(_folded(data["section_ends"])),
        label_prefixes=tuple(_folded(data["label_prefixes"])),
        label_suffixes=tuple(_folded(data["label_suffixes"])),
        lead=re.compile(rf"^{_alternation(data['lead_cues'])}\b\s*(?:,\s*|va\s+)?"),
        coordinating=re.compile(rf"^{_alternation(data['coordinating_cues'])}\b\s*"),
        role_anywhere=re.compile(
            rf"\b(?:{_alternation(data['lead_cues'])}|{_alternation(data['coordinating_cues'])})\b"
        ),
        joiners=re.compile(rf"^\s*(?:[,:;]\s*)*(?:{_alternation(data['action_joiners'])}\b)?\s*"),
        vague=re.compile(rf"\b{_alternation(data['vague_partners'])}\b"),
        collective=re.compile(
            rf"^{_alternation(collective['openers'])}\s+(?:{noun}|{listed})"
            rf"(?:(?:\s*,\s*|\s+va\s+)(?:{noun}|{listed})|\s+{noun})*"
            rf"(?:\s+{_alternation(collective['closers'])})*\b"
        ),
        name_tails=frozenset(_folded(data["name_tails"])),
        deadline_by_cue=re.compile(
            rf"(?:^|(?<=[\s;,(]))(?P<cue>{_alternation(data['deadline_cues'])})\s*:?\s*"
            rf"(?P<body>{body}){end}"
        ),
        deadline_strong=re.compile(
            rf"(?:^|(?<=[\s;,(]))(?P<body>{_alternation(data['strong_deadline_openers'])}\b"
            rf"[^;(),]*?){end}"
        ),
        deadline_weak=re.compile(
            rf"(?:^|(?<=[;,(]))\s*(?P<body>{_alternation(data['deadline_openers'])}\b"
            rf"[^;(),]*?){end}"
        ),
        dropped=re.compile(rf"^{dropped}\s+(?=\S)"),
        deadline_words=frozenset(fold(w) for w in data["deadline_words"]),
        recurrence=tuple(_folded(data["recurrence_openers"])),
        output=re.compile(
            rf"(?:^|(?<=[;,(]))\s*{_alternation(data['output_cues'])}\s*(?::|\bla\b)\s*"
            r"(?P<body>[^;()]+?)(?=\s*[;)]|\s*$)"
        ),
        references=_words_of(data["generic"]["references"]),
        carrying_out=_words_of(data["generic"]["carrying_out"]),
    )


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = fold(ch)
    return folded if len(folded) == 1 else ch.lower()[:1] or ch


def _fold_same(text: str) -> str:
    """``fold`` letter by letter, so that positions in the folded text are positions in
    ``text`` (spaces are kept as they are)."""
    return "".join(" " if ch.isspace() else _fold_char(ch) for ch in text)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- paragraphs


@dataclass(frozen=True)
class _Para:
    """A paragraph: its list marker ("IV", "1", "a", "-" or ""), rank and text."""

    marker: str
    rank: int
    title: str  # the text after the marker
    text: str  # the paragraph as written


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _para(text: str) -> _Para:
    for pattern, kind in _MARKERS:
        if m := pattern.match(text):
            title = text[m.end() :].strip()
            rank = _RANKS[kind] + (m.group(1).count(".") if kind == "arabic" else 0)
            return _Para(m.group(1), rank, title, text)
    if _capitals(text) and len(text.split()) <= _MAX_HEADING_WORDS:
        return _Para("", _RANKS["caps"], text, text)
    return _Para("", _UNMARKED, text, text)


def _starts_with(folded: str, phrases: Iterable[str]) -> bool:
    """Whether ``folded`` opens with one of ``phrases`` as whole words."""
    return any(folded.startswith(p) and not folded[len(p) : len(p) + 1].isalnum() for p in phrases)


def _paragraphs(lines: Sequence[str], joined: bool) -> list[_Para]:
    """The paragraphs of ``lines``; with ``joined`` lines wrapped at the page width are put
    back together (a new paragraph starts at a list marker, after a line ending with ":",
    at a line in capitals and at a closing formula), else each line is a paragraph."""
    paragraphs: list[str] = []
    ends = _cues().ends
    for raw in lines:
        text = canonical(raw)
        if not text or _PAGE_NUMBER.match(text):
            continue
        current = paragraphs[-1] if paragraphs else ""
        starts_new = (
            not joined
            or not current
            or _para(text).marker != ""
            or current.endswith(":")
            or _capitals(current) != _capitals(text)
            or _starts_with(fold(text), ends)
        )
        if starts_new:
            paragraphs.append(text)
        else:
            paragraphs[-1] = f"{current} {text}"
    return [_para(p) for p in paragraphs]


def _sections(paragraphs: Sequence[_Para]) -> list[tuple[_Para, list[_Para]]]:
    """The parts that assign duties: a heading with a section cue, up to the next heading of
    its rank or higher, or a closing formula ("Nơi nhận", "Trên đây là …")."""
    cues = _cues()
    found: list[tuple[_Para, list[_Para]]] = []
    i = 0
    while i < len(paragraphs):
        head = paragraphs[i]
        title = fold(head.title).rstrip(" :.")
        if not (
            head.rank <= _RANKS["letter"]
            and len(title.split()) <= _MAX_HEADING_WORDS
            and _starts_with(title, cues.headings)
        ):
            i += 1
            continue
        body: list[_Para] = []
        i += 1
        while i < len(paragraphs):
            para = paragraphs[i]
            if para.rank <= head.rank or _starts_with(fold(para.text), cues.ends):
                break
            body.append(para)
            i += 1
        found.append((head, body))
    return found


# --------------------------------------------------------------------------- agencies


def _collective_end(folded: str) -> int:
    """Length of the unnamed group of agencies ``folded`` opens with, or 0."""
    m = _cues().collective.match(folded)
    return m.end() if m else 0


def _take_agencies(text: str, gazetteer: Gazetteer) -> tuple[str, str]:
    """Split ``text`` into the list of agencies it opens with and the rest.

    A name is known to the gazetteer, an unnamed group ("các sở, ngành liên quan"), or an
    unknown name opening with an agency word, read up to its last capitalised word or place
    word; names are joined by commas, semicolons or "và".
    """
    words = [(m.start(), m.end()) for m in re.finditer(r"[^\s,;]+", text)]
    folded = _fold_same(text)
    i, end = 0, 0
    while i < len(words):
        j = _known_name_end(text, words, i, gazetteer) or 0
        if collective := _collective_end(folded[words[i][0] :]):
            stop = words[i][0] + collective
            j = max(j, next(k for k in range(i, len(words)) if words[k][1] >= stop) + 1)
        if not j and opens_agency(text[words[i][0] :]):
            j = _unknown_name_end(text, words, i)
        if not j:
            break
        end = words[j - 1][1]
        i = j
        if i >= len(words):
            break
        gap = text[end : words[i][0]]
        if "," in gap or ";" in gap:
            continue
        if folded[words[i][0] : words[i][1]] == "va" and i + 1 < len(words):
            if opens_agency(text[words[i + 1][0] :]):
                i += 1
                continue
        break
    return text[:end].rstrip(" .:"), text[end:]


def _known_name_end(
    text: str, words: Sequence[tuple[int, int]], i: int, gazetteer: Gazetteer
) -> int | None:
    """The end (word index) of the longest gazetteer name starting at word ``i``."""
    for j in range(min(len(words), i + _MAX_NAME_WORDS), i, -1):
        if agency_key(text[words[i][0] : words[j - 1][1]]) in gazetteer.names:
            return j
    return None


def _unknown_name_end(text: str, words: Sequence[tuple[int, int]], i: int) -> int:
    """The end of a name no gazetteer lists ("Trung tâm Dữ liệu số tỉnh"): capitalised words,
    lowercase words that lead on to a capitalised or place word, up to a place word."""
    tails = _cues().name_tails
    tokens = [text[a:b].strip(".:") for a, b in words]
    j = i + 1
    while j < len(tokens):
        token = tokens[j]
        if fold(token) in tails:
            return j + 1
        if token[:1].isupper():
            j += 1
            continue
        ahead = tokens[j + 1 : j + 1 + _LOOKAHEAD]
        if any(t[:1].isupper() or fold(t) in tails for t in ahead):
            j += 1
            continue
        break
    return j


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class _Label:
    """An agency's item in the part: who it names and where it is."""

    agencies: tuple[str, ...]
    text: str  # "2. Sở Tài chính"
    rank: int
    path: tuple[str, ...]  # markers of the enclosing labels and this one


def _strip_label_words(head: str) -> str:
    cues = _cues()
    folded = _fold_same(head)
    for prefix in cues.label_prefixes:
        if folded.startswith(prefix + " "):
            head, folded = head[len(prefix) + 1 :], folded[len(prefix) + 1 :]
            break
    for suffix in cues.label_suffixes:
        if folded.endswith(" " + suffix):
            head = head[: -len(suffix) - 1]
            break
    return head.strip(" ,")


def _label_of(para: _Para, next_rank: int, gazetteer: Gazetteer) -> tuple[str, str] | None:
    """(agency text, what follows it) when ``para`` is an agency's label, else None.

    A label names agencies and nothing else before its colon ("1. Sở A:", "Trách nhiệm của
    Sở A:", "3. UBND các huyện: Tổ chức …"); without a colon it must head deeper items and
    not end a sentence. Its names are known ones or unnamed groups, or, before a colon, one
    name no gazetteer lists that opens with a capitalised agency word ("Trung tâm …"). A
    label may also give the roles of the items below it ("1. Sở A chủ trì, phối hợp với Sở B
    thực hiện các nhiệm vụ sau:"); what follows the names is then that intro.
    """
    title = para.title
    if ":" in title:
        head, inline = title.split(":", 1)
    elif next_rank > para.rank and not title.endswith((".", ";")):
        head, inline = title, ""
    else:
        return None
    agencies = _strip_label_words(head.strip())
    if not agencies or not opens_agency(agencies) or len(agencies.split()) > _MAX_LABEL_WORDS:
        return None
    named, rest = _take_agencies(agencies, gazetteer)
    if _cues().role_anywhere.search(_fold_same(agencies)):
        intro = _fold_same(rest.strip(" ,"))
        cues = _cues()
        if not (
            named
            and title.endswith(":")
            and not inline
            and next_rank > para.rank
            and (cues.lead.match(intro) or cues.coordinating.match(intro))
        ):
            return None
        return named, f"{rest.strip(' ,')}:"
    unknown = ":" in title and agencies[:1].isupper() and not _collective_end(fold(agencies))
    if rest.strip(" ,.;") and not unknown:
        return None
    return agencies, inline.strip()


# --------------------------------------------------------------------------- one duty


@dataclass(frozen=True)
class _Roles:
    """Role words a duty opens with: "Chủ trì", "phối hợp với X"."""

    lead_cue: bool = False
    partners: str = ""
    partners_first: bool = False  # "Phối hợp với X …": X leads


@dataclass
class _Duty:
    """One duty as read, before duties named twice are merged."""

    lead: tuple[str, ...]
    coordinating: tuple[str, ...]
    name: str
    output: str
    deadline: str
    raw: str
    label: _Label
    number: str
    section: str
    locator: str
    own: bool  # written under a label of its lead (its wording is the lead's own)


def _cut(text: str, start: int, end: int) -> str:
    """``text`` without [start, end), its separator and an enclosing bracket."""
    before, after = text[:start].rstrip(), text[end:].lstrip()
    if before.endswith("(") and after.startswith(")"):
        before, after = before[:-1].rstrip(), after[1:].lstrip()
    before = before.rstrip(" ,;:")
    if not before:
        return after.lstrip(" ,;:")
    if not after or after[:1] in ",;.)":
        return before + after
    return f"{before}; {after}" if text[end:].lstrip().startswith(";") else f"{before} {after}"


def _take_output(text: str) -> tuple[str, str]:
    """The duty without its stated output ("sản phẩm: Báo cáo"), and that output."""
    m = _cues().output.search(_fold_same(text))
    if not m:
        return text, ""
    output = text[m.start("body") : m.end("body")].strip(" .")
    return _cut(text, m.start(), m.end()), _capitalise(output)


_DATE_TOKEN = re.compile(r"^(?:\d{1,4}(?:[/.\-–]\d{1,4}){0,2}|[ivx]+/\d{4}|[-–])$")


def _is_deadline(phrase: str) -> bool:
    """A phrase made only of date words that names a period or a recurrence ("hằng quý" is
    kept as written even where the deadline parser names no recurrence for it)."""
    cues = _cues()
    folded = fold(phrase)
    tokens = [t.strip(",.;:()") for t in folded.split()]
    if not all(t in cues.deadline_words or _DATE_TOKEN.match(t) for t in tokens if t):
        return False
    parsed = parse_deadline(phrase)
    return bool(parsed.end or parsed.start or parsed.recurring) or _starts_with(
        folded, cues.recurrence
    )


def _take_deadline(text: str) -> tuple[str, str]:
    """The duty without its deadline phrase, and that phrase ("Quý III/2026")."""
    cues = _cues()
    folded = _fold_same(text)
    found: list[tuple[int, int, int]] = []  # (start of the cut, start of the phrase, end)
    for pattern in (cues.deadline_by_cue, cues.deadline_strong, cues.deadline_weak):
        for m in pattern.finditer(folded):
            if _is_deadline(text[m.start("body") : m.end("body")]):
                found.append((m.start(), m.start("body"), m.end("body")))
                break
    if not found:
        return text, ""
    cut_start, start, end = min(found)
    phrase = text[start:end].strip(" .")
    if dropped := cues.dropped.match(_fold_same(phrase)):
        rest = phrase[dropped.end() :]
        if parse_deadline(rest).end == parse_deadline(phrase).end:
            phrase = rest
    return _cut(text, cut_start, end), _capitalise(phrase)


def _take_roles(text: str, gazetteer: Gazetteer) -> tuple[_Roles, str]:
    """The role words a duty opens with ("Chủ trì, phối hợp với Sở B"), and the rest."""
    cues = _cues()
    folded = _fold_same(text)
    lead = cues.lead.match(folded)
    pos = lead.end() if lead else 0
    roles = _Roles(lead_cue=bool(lead))
    if coordinating := cues.coordinating.match(folded[pos:]):
        partners, rest = _take_agencies(text[pos + coordinating.end() :], gazetteer)
        if partners:
            roles = replace(roles, partners=partners, partners_first=not lead)
            text, folded = rest, _fold_same(rest)
            pos = 0
    text, folded = text[pos:], folded[pos:]
    if joiner := cues.joiners.match(folded):
        text = text[joiner.end() :]
    return roles, text.strip(" ,;:.")


def _is_generic(name: str) -> bool:
    """Whether a duty names no work of its own: take away its references to duties defined
    elsewhere ("được giao tại Phụ lục", "theo chức năng, nhiệm vụ") and its words of carrying
    out ("chủ động triển khai", "thực hiện kế hoạch"); nothing is left."""
    cues = _cues()
    words = re.findall(r"[0-9a-z]+", fold(name))
    for phrases in (cues.references, cues.carrying_out):
        words = _remove_phrases(words, phrases)
    return not words


def _remove_phrases(words: list[str], phrases: Sequence[tuple[str, ...]]) -> list[str]:
    """``words`` without the runs that spell one of ``phrases`` (longest first)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for phrase in phrases:
            if tuple(words[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            out.append(words[i])
            i += 1
    return out


# --------------------------------------------------------------------------- the part


def duty_similarity(a: str, b: str) -> float:
    """How alike two duty names are: difflib's ratio over their folded syllables."""
    return SequenceMatcher(None, folded_tokens(a), folded_tokens(b), autojunk=False).ratio()


@dataclass
class _Part:
    """The state of reading one part: its heading, the open labels and intros."""

    heading: _Para
    gazetteer: Gazetteer
    labels: list[_Label] = field(default_factory=list)
    intros: list[tuple[int, _Roles]] = field(default_factory=list)
    items: dict[tuple[str, ...], int] = field(default_factory=dict)
    duties: list[_Duty] = field(default_factory=list)

    def heading_text(self) -> str:
        return canonical(self.heading.text).rstrip(" :.")

    def number(self, label: _Label, item: int) -> str:
        """The task's number ("IV.2.1"): the part's, the label's and the item's markers."""
        first = self.heading.marker or "".join(
            w[:1].upper() for w in self.heading.title.split() if w[:1].isalpha()
        )
        return ".".join((first, *label.path, str(item)))


def _read_part(part: _Part, body: Sequence[_Para]) -> None:
    """Read the labels of one part and the duties under them."""
    index = 0
    while index < len(body):
        para = body[index]
        next_rank = body[index + 1].rank if index + 1 < len(body) else 0
        label = _label_of(para, next_rank, part.gazetteer)
        rank = para.rank
        if label is not None and rank == _UNMARKED:
            # a label without a marker (a list the word processor numbers) ranks with the
            # lettered items: above bullets and unmarked paragraphs, its duties
            rank = _RANKS["letter"]
        while part.labels and part.labels[-1].rank >= rank:
            part.labels.pop()
        part.intros = [(r, roles) for r, roles in part.intros if r < rank]
        text = para.title
        if label is not None:
            part.labels.append(_open_label(part, para, label[0], rank))
            text = label[1]
        index += 1
        if not part.labels or not text:
            continue
        deeper = _deeper(body, index, rank)
        if text.endswith(":") and deeper:
            roles, rest = _take_roles(text.rstrip(":"), part.gazetteer)
            if _is_generic(rest):
                # "Chủ trì, phối hợp với Sở B thực hiện các nhiệm vụ sau:": each item below
                # is a duty, with these roles
                part.intros.append((rank, roles))
                continue
            # "Xây dựng cơ sở dữ liệu ngành, gồm:": the items below are this duty's parts
            text = f"{text} {'; '.join(p.title.rstrip(' ;.') for p in deeper)}"
            index += len(deeper)
        _add_duty(part, part.labels[-1], text, part.intros[-1][1] if part.intros else None)


def _deeper(body: Sequence[_Para], start: int, rank: int) -> list[_Para]:
    """The paragraphs from ``start`` on that rank below ``rank`` (the items of one item)."""
    return list(takewhile(lambda p: p.rank > rank, body[start:]))


def _open_label(part: _Part, para: _Para, agencies: str, rank: int) -> _Label:
    """The label ``para`` opens, numbered within the labels around it."""
    parent = part.labels[-1].path if part.labels else ()
    siblings = sum(1 for p in part.items if len(p) == len(parent) + 1 and p[:-1] == parent)
    # "- Sở A:" has no marker of its own: it is numbered among its siblings
    marker = para.marker if para.marker.isalnum() else str(siblings + 1)
    label = _Label(
        agencies=tuple(part.gazetteer.split(agencies)),
        text=canonical(para.text).split(":", 1)[0].strip(),
        rank=rank,
        path=(*parent, marker),
    )
    part.items.setdefault(label.path, 0)
    return label


def _add_duty(part: _Part, label: _Label, text: str, intro: _Roles | None) -> None:
    gazetteer = part.gazetteer
    item = part.items.get(label.path, 0) + 1
    part.items[label.path] = item
    body = canonical(text).removesuffix("./.").strip(" .;")
    body, output = _take_output(body)
    body, deadline = _take_deadline(body)
    roles, name = _take_roles(body, gazetteer)
    if intro is not None and not (roles.lead_cue or roles.partners):
        roles = intro
    name = name.strip(" ,;:.")
    if not name:
        # "Thời gian hoàn thành: Quý II/2026." on its own line: the deadline of the duty above
        last = part.duties[-1] if part.duties else None
        if deadline and last is not None and last.label == label and not last.deadline:
            last.deadline = deadline
        return
    if _is_generic(name):
        return
    partners = tuple(gazetteer.split(roles.partners))
    vague = _cues().vague
    specific = tuple(a for a in partners if not vague.search(agency_key(a)))
    if roles.partners_first and specific:
        lead = specific
        coordinating = label.agencies + tuple(a for a in partners if a not in specific)
    else:
        lead, coordinating = label.agencies, partners
    coordinating = tuple(dict.fromkeys(a for a in coordinating if a not in lead))
    section = f"{part.heading_text()}, {label.text}"
    part.duties.append(
        _Duty(
            lead=lead,
            coordinating=coordinating,
            name=name,
            output=output,
            deadline=deadline,
            raw=f"{label.text}: {canonical(text)}",
            label=label,
            number=part.number(label, item),
            section=section,
            locator=f"{section}, ý {item}",
            own=lead == label.agencies,
        )
    )


# --------------------------------------------------------------------------- merging


def _merge(duties: Sequence[_Duty]) -> list[_Duty]:
    """One task for a duty named under two labels: the lead's own wording is kept."""
    kept: list[_Duty] = []
    for duty in duties:
        same = next(
            (
                k
                for k in kept
                if k.label != duty.label
                and set(k.lead) == set(duty.lead)
                and duty_similarity(k.name, duty.name) >= SAME_DUTY
            ),
            None,
        )
        if same is None:
            kept.append(duty)
            continue
        first, second = (same, duty) if same.own or not duty.own else (duty, same)
        merged = _Duty(
            lead=first.lead,
            coordinating=tuple(
                dict.fromkeys(
                    a
                    for a in first.coordinating + second.coordinating + second.label.agencies
                    if a not in first.lead
                )
            ),
            name=first.name,
            output=first.output or second.output,
            deadline=first.deadline or second.deadline,
            raw=f"{first.raw} | {second.raw}",
            label=first.label,
            number=first.number,
            section=first.section,
            locator=first.locator,
            own=first.own,
        )
        kept[kept.index(same)] = merged
    return kept


def _repeats_table(duty: _Duty, table: Sequence[TaskRecord]) -> bool:
    return any(
        set(task.lead_agencies) == set(duty.lead)
        and duty_similarity(task.name, duty.name) >= SAME_DUTY
        for task in table
    )


def read_duties(
    lines: Sequence[str],
    *,
    joined: bool,
    document_id: str,
    version: int,
    gazetteer: Gazetteer,
    table_tasks: Sequence[TaskRecord] = (),
) -> list[TaskRecord]:
    """Read the duties a plan assigns in prose, agency by agency, as task records.

    :param lines: the document's text lines (lines of tables already read left out).
    :param joined: whether lines were wrapped at the page width (PDF, text) and must be
        joined into paragraphs; False when each line is a paragraph (DOCX).
    :param document_id: id stamped on every record.
    :param version: document version stamped on every record.
    :param gazetteer: splits and canonicalises agency names; the agencies the part's labels
        name are added to it while reading.
    :param table_tasks: the plan's task-table rows; a duty repeating one is left to it.
    :returns: one record per duty, in the order of the document.
    """
    sections = _sections(_paragraphs(lines, joined))
    if not sections:
        return []
    names = [
        found[0]
        for _, body in sections
        for i, para in enumerate(body)
        if (found := _label_of(para, body[i + 1].rank if i + 1 < len(body) else 0, gazetteer))
    ]
    known = gazetteer.with_names(n for name in names for n in gazetteer.split(name))
    duties: list[_Duty] = []
    for heading, body in sections:
        part = _Part(heading=heading, gazetteer=known)
        _read_part(part, body)
        duties.extend(part.duties)
    taken = {task.number for task in table_tasks}
    records: list[TaskRecord] = []
    for duty in _merge(duties):
        if _repeats_table(duty, table_tasks):
            continue
        number = duty.number
        while number in taken:  # a number is a task's key within its plan
            number = f"{number}'"
        taken.add(number)
        records.append(
            TaskRecord(
                document_id=document_id,
                version=version,
                number=number,
                section=duty.section,
                name=duty.name,
                lead_agencies=duty.lead,
                coordinating_agencies=duty.coordinating,
                output=duty.output,
                deadline=parse_deadline(duty.deadline),
                locator=duty.locator,
                raw=duty.raw,
            )
        )
    return records
