"""Query understanding: normalised forms, intent, and entities of a chat question."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from domain.agencies import Gazetteer
from domain.text import canonical, fold, normalise_space, syllable
from retrieval.frames import Frame, read_frame
from retrieval.normalise import no_topic, normalise

__all__ = ["Intent", "Query", "understand", "STOPWORDS"]


class Intent(StrEnum):
    """What a question asks for."""

    DEADLINE = "deadline"
    LEAD = "lead_agency"
    COORDINATING = "coordinating"
    AGENCY_TASKS = "agency_tasks"
    OUTPUT = "output"
    DUE = "due"  # tasks due in a period, upcoming or overdue
    TARGET = "target"
    CRITERION = "criterion"
    TASK_LIST = "task_list"  # the tasks of a plan (or a period): "có bao nhiêu nhiệm vụ"
    DOCUMENT_FACT = "document_fact"  # a document's number, date, signer, bases, proposer
    GENERAL = "general"


# Words that carry no topic: question words, intent cues, plan boilerplate.
STOPWORDS = frozenset(
    """
    a ai bao nhieu cac cai can cho co cua cung da dang de den di do duoc gi hay hoac khi
    khong la lam luc ma moi mot nao nay neu nhu nhung o ra roi sao se the thi tren trong
    tu va ve voi vay vi tinh nao gi khi bao gio nam phai xong han viec so theo may
    """.split()
)
# The same function words with their diacritics: a question typed with diacritics keeps
# content syllables that fold onto a function word ("đề án" vs "để", "số" vs "sở").
STOPWORDS_VI = frozenset(
    """
    a ai bao nhiêu các cái cần cho có của cũng đã đang để đến đi đó được gì hay hoặc khi
    không là làm lúc mà mỗi một nào này nếu như những ở ra rồi sao sẽ thế thì trên trong
    từ và về với vậy vì tỉnh gì giờ năm phải xong hạn việc sở mấy theo nay nào
    """.split()
)
# Phrases that shape the question or name plan machinery, not its topic.
_QUESTION_PHRASES = (
    "phan tram",
    "thu may",
    "hang may",
    "so may",
    "the nao",
    "ra sao",
    "la gi",
    "nhu the nao",
    "o dau",
    "ve dau",
    "ten goi",
    "cu the",
    "theo doi",
    "chiu trach nhiem",
    "trach nhiem gi",
    "co trach nhiem",
    "ke hoach",
    "thuc hien",
    "trien khai",
    "nhiem vu",
    "cong tac",
    "co quan",
    "don vi",
    "chu tri",
    "phoi hop",
    "hoan thanh",
    "thoi gian",
    "thoi han",
    "uy ban nhan dan",
    "ubnd tinh",
    "khi nao",
    "nam nao",
    "ngay nao",
    "thang nao",
    "bao gio",
    "bao lau",
    "so nao",
    "nganh nao",
)

_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_NUMBER = re.compile(r"\b\d+(?:[.,/]\d+)*\b")
# Phrases that only name a field ("kết quả là gì" asks for the output).
_FIELD_PHRASES = ("ket qua", "san pham", "dau ra")
# Words that name a plan's kind; with its number they scope a question, not its topic.
_HINT_PHRASES = ("nghi quyet", "nq", "kh", "tw", "nq tw")
# Plan hints: "NQ 57", "nghị quyết 57", "kế hoạch 312", "công văn ... cấp xã", "DTI".
# A plan named by its kind and number: "NQ 57", "Nghị quyết số 57", "kế hoạch 312".
_NAMED_PLAN = re.compile(
    r"\b(?:nq|nghi quyet|kh|ke hoach|cong van|cv|quyet dinh|qd|chuong trinh)\s*(?:so\s*)?"
    r"(\d{1,4})\b"
)


@dataclass(frozen=True)
class Query:
    """A question, normalised, with what it asks and what it names."""

    text: str
    folded: str
    intent: Intent
    agencies: tuple[str, ...] = ()
    task_number: str | None = None
    years: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    period: tuple[date | None, date | None] | None = None  # inclusive; None: open
    status: str | None = None  # "upcoming" | "overdue"
    within_days: int | None = None
    doc_hints: tuple[str, ...] = ()
    topic: tuple[str, ...] = field(default_factory=tuple)  # folded content words
    # topic word pairs that stand side by side in the question, within one clause
    pairs: frozenset[str] = frozenset()
    search_text: str = ""  # the question without the plan number it is scoped by
    role: str = "lead"  # for AGENCY_TASKS: the agency leads ("lead") or takes part ("coordinating")
    dense_text: str = ""  # the question's content words, diacritics kept (cheaper to embed)
    frame: Frame | None = None  # what it asks and names


def understand(
    question: str, gazetteer: Gazetteer, today: date, *, frame: Frame | None = None
) -> Query:
    """Parse a chat question (with or without diacritics) into a :class:`Query`.

    :param question: the user's text.
    :param gazetteer: recognises agency names and aliases.
    :param today: the reference date for periods and statuses.
    :param frame: what the question asks, when already read (a resolved follow-up).
    :returns: the parsed query: its words for search, and its frame.
    """
    normalised = normalise(question)
    text = canonical(normalised.text)
    folded = fold(text).replace("đ", "d")
    hints = tuple(dict.fromkeys(m.group(1) for m in _NAMED_PLAN.finditer(folded)))
    # the agency names as written: their words are no topic, the same words elsewhere are
    agency_phrases = [key.split() for key in gazetteer.keys_of(gazetteer.find(text))]
    plan_numbers = set(hints)
    kept = [(i, w) for i, w in _topic_words(text, agency_phrases) if w not in plan_numbers]
    topic = tuple(w for _, w in kept)
    pairs = frozenset(
        f"{a}_{b}" for (i, a), (j, b) in zip(kept, kept[1:], strict=False) if j == i + 1
    )
    if frame is None:
        frame = read_frame(normalised, gazetteer, today, topic=topic)
    search_text = text
    for number in plan_numbers:
        search_text = re.sub(rf"(?<![\d/]){number}(?![\d/])", " ", search_text)
    topic_set = set(topic)
    dense_words = [
        w for w in re.findall(r"[0-9A-Za-zÀ-ỹĐđ]+", text) if syllable(fold(w)) in topic_set
    ]
    query = Query(
        search_text=normalise_space(search_text),
        dense_text=" ".join(dense_words) or normalise_space(search_text),
        text=text,
        folded=folded,
        intent=Intent.GENERAL,
        years=tuple(_YEAR.findall(folded)),
        numbers=tuple(n for n in _NUMBER.findall(folded) if not _YEAR.fullmatch(n)),
        doc_hints=hints,
        topic=topic,
        pairs=pairs,
    )
    return with_frame(query, frame)


def with_frame(query: Query, frame: Frame) -> Query:
    """``query`` answering ``frame``: the kind of answer and the slots its handler reads."""
    period = frame.period
    return replace(
        query,
        frame=frame,
        intent=intent_of(frame),
        agencies=frame.agencies or ((frame.agency,) if frame.agency else ()),
        role=frame.role or "lead",
        period=(period.start, period.end) if period else None,
        status=frame.status,
        within_days=frame.within_days,
        task_number=frame.task.number if frame.task and frame.task.number else None,
    )


# The field a single-task answer leads with, when a question asks several.
_FIELD_INTENTS = (
    ("deadline", Intent.DEADLINE),
    ("lead", Intent.LEAD),
    ("coordinating", Intent.COORDINATING),
    ("output", Intent.OUTPUT),
)


def intent_of(frame: Frame) -> Intent:
    """The kind of answer a frame calls for (SEMANTICS §1–4)."""
    fields = frame.fields
    if frame.agency and frame.names_tasks and not (frame.task_fields or frame.task or frame.topic):
        return Intent.AGENCY_TASKS  # "nhiệm vụ của Sở Y tế là gì?": nothing but its tasks
    if "document_fact" in fields and frame.document_facts:
        return Intent.DOCUMENT_FACT
    if "other" in fields or "document_fact" in fields:
        return Intent.GENERAL
    if "criterion_class" in fields:
        return Intent.CRITERION
    if "target_value" in fields:
        return Intent.TARGET
    # a status or period narrows a set of tasks; inside a one-task question ("việc hằng năm
    # đánh giá … do ai chủ trì?") it describes the task
    sets = frame.asks_set or not frame.task_fields
    if (frame.status or frame.period) and sets and (frame.asks_set or frame.agency or frame.status):
        return Intent.DUE
    if frame.agency and (frame.asks_set or not (frame.task_fields or frame.task)):
        return Intent.AGENCY_TASKS
    if frame.asks_set and frame.names_tasks:
        # a plan's tasks as a whole; "những huyện nào" lists no tasks
        return Intent.TASK_LIST
    for name, intent in _FIELD_INTENTS:
        if name in fields:
            return intent
    return Intent.GENERAL


def _topic(text: str, agency_phrases: list[list[str]]) -> tuple[str, ...]:
    """Folded content syllables of a question.

    Question-shaping phrases and the agency names it gives are removed first; function
    words are then judged with diacritics when the word has them ("đề án" stays, "để" goes).
    """
    return tuple(w for _, w in _topic_words(text, agency_phrases))


def _topic_words(text: str, agency_phrases: list[list[str]]) -> list[tuple[int, str]]:
    """The topic syllables with their positions; a punctuation mark between two words
    counts as a word, so words of different clauses are never side by side."""
    tokens = re.findall(r"[0-9a-zà-ỹđ]+|[,;:.!?()]", text.lower())
    words = [t if t[0].isalnum() else " " for t in tokens]
    folded = [fold(w).replace("đ", "d") for w in words]
    removed = [False] * len(words)
    asker_words, asker_phrases = no_topic()
    phrases = [
        p.split() for p in (*_QUESTION_PHRASES, *_HINT_PHRASES, *_FIELD_PHRASES, *asker_phrases)
    ]
    for parts in phrases + agency_phrases:
        for i in range(len(folded) - len(parts) + 1):
            if folded[i : i + len(parts)] == parts:
                for j in range(i, i + len(parts)):
                    removed[j] = True
    topic: list[tuple[int, str]] = []
    for i, (word, f, gone) in enumerate(zip(words, folded, removed, strict=True)):
        if gone or len(f) < 2:
            continue
        if (word in STOPWORDS_VI or word in asker_words) if word != f else (f in STOPWORDS):
            continue
        topic.append((i, syllable(f)))
    return topic
