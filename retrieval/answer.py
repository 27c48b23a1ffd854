"""Evidence selection for free-text questions: the best sentence among retrieved chunks."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache

from domain.agencies import agency_key
from domain.text import fold
from retrieval.lexical import LexicalIndex, analyse, expand_query, lexicon
from retrieval.query import Query
from retrieval.units import is_boilerplate, units_with_leads
from stores.vectors import ChunkHit

__all__ = ["Evidence", "best_sentence", "coverage", "names_task_number"]

_LIST_ITEM = re.compile(r"^\s*(?:[-–•+]|[a-zđ]\)|\(?\d{1,2}\))\s")
# A figure: a number that is not a list enumerator "(8)" nor part of a code "04-NQ/TU".
_FIGURE = re.compile(r"(?<![\w/-])\d+(?:[.,]\d+)*(?![\w)]|[-/][A-ZĐa-z]|\.\s*[A-ZÀ-ỸĐ])")
# Dates and record labels ("Chỉ tiêu 16:") hold digits that are not the figure asked for.
_NOT_FIGURES = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{1,2}/\d{4}\b|\b(?:Chỉ tiêu|Nhiệm vụ|Tiêu chí)\s+\d+\s*:"
    r"|\b(?:ngày|năm)\s+\d+|https?://\S+|www\.\S+",
    re.IGNORECASE,
)
_PERCENT_AFTER = re.compile(r"\s*(?:%|phần trăm)", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}\s*(?:giờ|h\b|:\d\d)|\b(?:sáng|chiều|tối)\b", re.IGNORECASE)
_TIME_CUES = ("khung gio", "may gio", "gio nao", "luc nao trong ngay")
_PHONE_CUES = ("so dien thoai", "dien thoai lien he", "hotline", "so dt")
_PHONE = re.compile(r"\b0\d{2,3}[.\s]?\d{3}[.\s]?\d{3,4}\b")
_QUANTITY_CUES = (
    "bao nhieu",
    "may lan",
    "may diem",
    "ty le",
    "ti le",
    "phan tram",
    "muc tieu",
    "chi tieu",
    "thu may",
    "hang may",
    "dat bao",
    "so luong",
    "nhom may",
    "top may",
    "so may",
)
_MAX_ANSWER = 420
_RANK_PRIOR = 0.12  # weight of the chunk's fused rank when choosing a sentence
_QUANTITY_BONUS = 0.08  # a sentence with a figure, for "bao nhiêu" questions
_MISSING_TYPE = 0.3  # a sentence without the kind of fact asked (a figure, a time)
_NAMED_ROW = 0.12  # a table row whose label the question names ("thể chế số … hạng mấy")
_LIST_WINDOW = 480  # characters of list items gathered after a "...:" lead-in


@dataclass(frozen=True)
class Evidence:
    """A sentence chosen as the answer, the chunk it is from, and how well it covers the
    question's topic (0..1, idf-weighted)."""

    sentence: str
    chunk: ChunkHit
    coverage: float


def _names_row(query: Query, row: str) -> bool:
    """Whether every word of a table row's label ("Thể chế số — …") is in the question."""
    label, dash, _ = row.partition(" — ")
    words = [w for w in analyse(label) if "_" not in w]
    asked = set(re.findall(r"[a-z0-9]+", query.folded))  # function words too: "nhân lực số"
    return bool(dash) and bool(words) and set(words) <= asked


def coverage(
    topic: Sequence[str],
    text: str,
    lexical: LexicalIndex,
    pairs: Collection[str] | None = None,
) -> float:
    """The idf-weighted share of the topic's syllables and syllable pairs found in ``text``.

    :param pairs: the pairs that count (words side by side in one clause of the question);
        by default every two consecutive topic syllables.
    """
    if not topic:
        return 0.0
    terms = list(topic) + [
        pair
        for a, b in zip(topic, topic[1:], strict=False)
        if (pair := f"{a}_{b}") and (pairs is None or pair in pairs)
    ]
    present = set(analyse(expand_query(text)))
    total = sum(lexical.idf(t) for t in terms)
    found = sum(lexical.idf(t) for t in terms if t in present)
    return found / total if total else 0.0


def best_sentence(
    query: Query,
    hits: Sequence[ChunkHit],
    lexical: LexicalIndex,
    titles: dict[str, str] | None = None,
    typed_floor: float | None = None,
) -> Evidence | None:
    """The sentence among ``hits`` that best answers ``query``.

    A sentence is read in its context: the document title and the section heading count
    towards covering the question ("theo kế hoạch chuyển đổi số ... kinh tế số chiếm bao
    nhiêu" is answered by "Kinh tế số chiếm 10% GRDP" under that plan's title).

    :param titles: document id -> title, for that context.
    :param typed_floor: a sentence holding the kind of fact asked (a percentage, a rank) is
        preferred to any without it when it covers at least this much of the topic.
    :returns: None when there is no hit.
    """
    titles = titles or {}
    wants_quantity = wants_quantity_of(query)
    agency = agency_key(query.frame.agency) if query.frame and query.frame.agency else ""
    best: tuple[float, Evidence] | None = None
    best_typed: tuple[float, Evidence] | None = None
    # a figure, a rank, a name, a number and date: kinds a nearby sentence rarely holds by
    # chance (an agency is named almost everywhere)
    asks_value = wants_quantity or _asks(query, _rank_cues()) or _asks(query, _name_cues())
    for rank, hit in enumerate(hits):
        units = [(hit.text, "")] if hit.record in ("task", "target") else units_with_leads(hit.text)
        sentences = [unit for unit, _ in units]
        for i, (sentence, lead) in enumerate(units):
            if is_boilerplate(sentence):
                continue
            window = sentence
            if sentence.rstrip().endswith(":"):
                # a lead-in: the answer is the list that follows
                for item in sentences[i + 1 :]:
                    if len(window) > _LIST_WINDOW or (
                        not _LIST_ITEM.match(item) and window != sentence
                    ):
                        break
                    window = f"{window} {item}"
            context = f"{titles.get(hit.document_id, '')} {hit.heading} {lead}"
            if (
                i
                and _LIST_ITEM.match(sentence)
                and _LIST_ITEM.match(sentences[i - 1])
                and not has_answer_type(query, sentences[i - 1])
            ):
                # "- Duy trì Trung tâm IOC …" then "- Từ đầu năm, đã tiếp nhận 1.234 phản
                # ánh": the fact asked is stated under the subject the unit before names
                context = f"{context} {sentences[i - 1]}"
            cov = coverage(query.topic, f"{context} {window}", lexical, query.pairs)
            score = cov + _RANK_PRIOR / (rank + 1)
            typed = has_answer_type(query, window)
            if not typed:
                score -= _MISSING_TYPE
            if not names_task_number(query, window):
                score -= _MISSING_TYPE
            if not _names_acronyms(query, f"{context} {hit.text}"):
                score -= _MISSING_TYPE
            elif wants_quantity:
                score += _QUANTITY_BONUS
            if hit.kind == "table_row" and _names_row(query, sentence):
                score += _NAMED_ROW
            if agency and f" {agency} " in f" {agency_key(window)} ":
                score += _NAMED_ROW  # "Sở X có trách nhiệm gì": a line naming that agency
            role = _ROLE_WORDS.get(query.intent.value)
            if role and role in fold(window):
                score += _QUANTITY_BONUS
            if query.years and not all(
                y in f"{window} {hit.text} {hit.heading}" for y in query.years
            ):
                score -= 0.3
            if best is None or score > best[0]:
                best = (score, Evidence(window, hit, cov))
            fits = typed and asks_value and names_task_number(query, window)
            if fits and typed_floor is not None and cov >= typed_floor:
                if best_typed is None or score > best_typed[0]:
                    best_typed = (score, Evidence(window, hit, cov))
    if best_typed is not None:
        return best_typed[1]
    return best[1] if best else None


# Words that follow "bao nhiêu" without naming what is counted.
_NOT_COUNTED = frozenset("moi mot va thi la trong cua duoc dat tang phan o tai nhu the".split())
_AGENCY_MENTION = re.compile(
    r"\b(?:Sở|UBND|Ủy ban|Uỷ ban|Ban|Công an|Văn phòng|Bộ|Cục|Chi nhánh|Đài|Tỉnh ủy|Tỉnh uỷ|"
    r"Hội đồng|Trung tâm|Kho bạc|Bảo hiểm)\b"
)
_ROLE_WORDS = {"lead_agency": "chu tri", "coordinating": "phoi hop"}


@cache
def _measures() -> dict[str, tuple[str, ...]]:
    """Counted noun -> the units a figure answering "bao nhiêu <noun>" may carry."""
    raw = lexicon()
    return {k: tuple(v) for k, v in raw["measures"].items() if not k.startswith("_")}


@cache
def _measured() -> dict[str, str]:
    """A phrase naming what a figure measures ("kinh phí") -> its key in ``_measures``."""
    raw = lexicon()
    return {k: str(v) for k, v in raw["measured"].items() if not k.startswith("_")}


def _counted_noun(query: Query) -> str | None:
    """What "bao nhiêu X" counts (its first syllable), when it names something; else what
    the question says is measured ("tổng kinh phí … là bao nhiêu")."""
    match = re.search(r"\bbao nhieu ([a-z]+)", query.folded)
    if match and match.group(1) not in _NOT_COUNTED:
        return match.group(1)
    before = query.folded[: match.start()] if match else query.folded
    for phrase, key in _measured().items():
        if re.search(rf"\b{phrase}\b", before):
            return key
    return None


_YEAR_MENTION = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def years_in(text: str) -> list[str]:
    """The years ``text`` mentions ("2022", not the "2022" of "12022")."""
    return _YEAR_MENTION.findall(text)


def _year_of(text: str, position: int) -> str | None:
    """The year mentioned nearest to ``position`` in ``text`` (None if no year is)."""
    years = [(abs(m.start() - position), m.group(0)) for m in _YEAR_MENTION.finditer(text)]
    return min(years)[1] if years else None


_ACRONYM = re.compile(r"\b[A-ZĐ][A-ZĐ0-9]{1,7}\b")
_COMMON_ACRONYMS = frozenset({"UBND", "HĐND", "KH", "NQ", "TW", "CP", "QĐ", "TT"})


def _names_acronyms(query: Query, text: str) -> bool:
    """An acronym the question names ("DTI", "IOC", "SOC") must be in the evidence."""
    wanted = {a for a in _ACRONYM.findall(query.text) if a not in _COMMON_ACRONYMS}
    return all(re.search(rf"\b{re.escape(a)}\b", text) for a in wanted)


def names_task_number(query: Query, text: str) -> bool:
    """ "nhiệm vụ 99" is answered only by text that numbers a task so, not by a "99%";
    "tiêu chí số 4" by a row numbered 4 ("Chỉ tiêu 4: …")."""
    if not query.task_number:
        return True
    number = query.task_number.lstrip("0") or "0"
    pattern = rf"\b(?:nhiem vu|chi tieu|tieu chi|nv) (?:so )?0*{number}\b"
    return bool(re.search(pattern, fold(text).replace("đ", "d")))


@cache
def _post_pattern() -> re.Pattern[str]:
    raw = lexicon()
    posts = "|".join(sorted(map(re.escape, raw["positions"]["words"]), key=len, reverse=True))
    return re.compile(
        rf"\bai\s+(?:la|lam|dang la|giu chuc)?\s*(?P<a>{posts})\b"
        rf"|\b(?P<b>{posts})\s+(?:\w+\s+){{0,8}}?(?:la ai|ten gi|ten la gi|la ong nao|la ba nao)\b"
    )


@cache
def _rank_cues() -> tuple[str, ...]:
    raw = lexicon()
    return tuple(raw["asks_rank"]["phrases"])


_RANK_VALUE = re.compile(r"\b(?:thu|hang|top|nhom)\s*0*\d+|\b\d+\s*/\s*\d{2}\b")


@cache
def _name_cues() -> tuple[str, ...]:
    raw = lexicon()
    return tuple(raw["asks_name"]["phrases"])


_WORD = re.compile(r"(?<![\w/-])\w+")


def _gives_name(query: Query, text: str) -> bool:
    """A name the question does not already give: capitalised words past the first word
    ("Cổng dịch vụ công của tỉnh (HaTinh eGov)")."""
    asked = f" {query.folded} "
    # past the first word of each sentence, which is capitalised whatever it is
    text = re.sub(r"(?:^|(?<=[.!?:;]))\s*(?:[-–•+]\s*|\(?\w{1,3}\)\s*)?\S+", " ", text)
    names = [w for w in _WORD.findall(text) if w[0].isupper()]
    return any(f" {fold(w).replace('đ', 'd')} " not in asked for w in names)


def asked_post(query: Query) -> str | None:
    """The post whose holder the question asks for ("ai là trưởng ban chỉ đạo …")."""
    m = _post_pattern().search(query.folded)
    return (m.group("a") or m.group("b")) if m else None


def _asks_who(query: Query) -> bool:
    """ "Ai ...?", "cơ quan nào ...?" ("AI", artificial intelligence, is not "ai")."""
    return bool(re.search(r"(?:^|\s)[Aa]i\b", query.text)) or _asks(
        query, ("co quan nao", "don vi nao", "so nao", "ban nao")
    )


def _asks_what(query: Query) -> bool:
    """ "… những mô hình gì?", "làm gì?": a thing is asked, not who ("… là gì?" may be who)."""
    return bool(re.search(r"\b(?!la\b)[a-z]+ (?:gi|nao)\b", query.folded)) and not _asks_who(query)


def _asks(query: Query, cues: tuple[str, ...]) -> bool:
    padded = f" {query.folded} "
    return any(f" {cue} " in padded for cue in cues)


def wants_quantity_of(query: Query) -> bool:
    return _asks(query, _QUANTITY_CUES)


_DOCUMENT_FACT_KINDS = (
    # "45/KH-UBND", and a party paper's "239-QĐ/TU"
    ("number", re.compile(r"\b\d{1,5}\s*[/-]\s*[A-ZĐ][A-ZĐ0-9\-]*")),
    (
        "issued",
        re.compile(r"\b\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}\b|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}"),
    ),
)


def has_answer_type(query: Query, text: str) -> bool:
    """Whether ``text`` holds the kind of fact the question asks for.

    "bao nhiêu" needs a figure that the question does not already state, "khung giờ nào"
    a time of day, "số điện thoại" a phone number; other questions need nothing special.
    """
    facts = query.frame.document_facts if query.frame else ()
    kinds = [pattern for fact, pattern in _DOCUMENT_FACT_KINDS if fact in facts]
    if kinds:  # "số mấy, ngày nào" wants a number and symbol and a date
        return all(pattern.search(text) for pattern in kinds)
    if _asks(query, _name_cues()):
        return _gives_name(query, text)
    if _asks(query, _rank_cues()):  # "xếp thứ mấy": a rank, not any figure
        return bool(_RANK_VALUE.search(fold(text).replace("đ", "d")))
    if post := asked_post(query):
        return post in fold(text).replace("đ", "d")  # a person is named by the post held
    if _asks(query, _TIME_CUES):
        return bool(_TIME.search(text))
    if _asks(query, _PHONE_CUES):
        return bool(_PHONE.search(text))
    if _asks_who(query) or (query.intent.value in _ROLE_WORDS and not _asks_what(query)):
        return bool(_AGENCY_MENTION.search(text))
    if wants_quantity_of(query):
        asked = set(query.numbers) | set(query.years)
        plain = _NOT_FIGURES.sub(lambda m: " " * len(m.group(0)), text)  # keep positions
        figures = [m for m in _FIGURE.finditer(plain) if m.group(0) not in asked]
        if query.years:
            figures = [m for m in figures if _year_of(text, m.start()) in (None, *query.years)]
        if re.search(r"phan tram|%", query.folded):
            # "bao nhiêu phần trăm" is answered by a percentage, not by any figure
            return any(_PERCENT_AFTER.match(plain, m.end()) for m in figures)
        noun = _counted_noun(query)
        if noun is None:
            return bool(figures)
        # "bao nhiêu xã" is answered by "15 xã", "bao nhiêu tiền" by "2 tỷ", not by any figure
        units = {noun, *_measures().get(noun, ())}
        for m in figures:
            after = " ".join(re.findall(r"[a-z%]+", fold(plain[m.end() : m.end() + 30]))[:3])
            if any(f" {u} " in f" {after} " for u in units):
                return True
        return False
    return True


def trim(sentence: str, topic: Sequence[str], limit: int = _MAX_ANSWER) -> str:
    """Cut a long sentence to ``limit`` characters around where the topic words are."""
    if len(sentence) <= limit:
        return sentence
    folded = fold(sentence)
    positions = [folded.find(f" {w} ") for w in topic if folded.find(f" {w} ") >= 0]
    centre = sorted(positions)[len(positions) // 2] if positions else 0
    start = max(0, min(centre - limit // 3, len(sentence) - limit))
    cut = sentence[start : start + limit]
    if start > 0:
        cut = "…" + cut[cut.find(" ") + 1 :]
    if start + limit < len(sentence):
        cut = cut[: cut.rfind(" ")] + "…"
    return cut
