"""Query understanding: normalised forms, intent, and entities of a chat question."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from domain.agencies import Gazetteer
from domain.text import canonical, fold, normalise_space, syllable

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
    GENERAL = "general"


# Folded cue phrases per intent, checked in this order (the first that matches wins).
_CUES: list[tuple[Intent, tuple[str, ...]]] = [
    (
        Intent.DUE,
        (
            "sap den han",
            "qua han",
            "tre han",
            "den han",
            "sap het han",
            "nhiem vu nao phai hoan thanh trong",
            "can hoan thanh trong thang",
            "nhung nhiem vu nao het han",
            "nhiem vu nao co thoi han",
            "nhiem vu nao co han",
        ),
    ),
    (Intent.COORDINATING, ("phoi hop",)),
    (
        Intent.AGENCY_TASKS,
        (
            "chu tri nhung",
            "chu tri cac nhiem vu nao",
            "chu tri bao nhieu",
            "nhung nhiem vu nao",
            "cac nhiem vu nao",
            "nhung viec gi",
            "nhung viec nao",
            "nhung de an nao",
            "cac de an nao",
            "duoc giao nhung",
            "duoc giao nhiem vu gi",
            "phu trach nhung",
        ),
    ),
    (
        Intent.LEAD,
        (
            "chu tri",
            "ai chiu trach nhiem",
            "co quan nao thuc hien",
            "don vi nao thuc hien",
            "so nao thuc hien",
            "ai thuc hien",
            "ai phu trach",
            "co quan nao phu trach",
            "don vi nao phu trach",
            "giao cho ai",
            "giao cho co quan nao",
            "giao cho so nao",
            "ai lam",
            "do ai",
        ),
    ),
    (
        Intent.DEADLINE,
        (
            "khi nao",
            "bao gio",
            "thoi han",
            "han chot",
            "han hoan thanh",
            "thoi gian hoan thanh",
            "thoi gian thuc hien",
            "moc hoan thanh",
            "moc thoi gian",
            "nam nao",
            "thang nao",
            "truoc ngay nao",
            "hoan thanh vao",
            "han nam",
            "han khi",
            "het han",
            "han la",
            "thoi diem nao",
            "han ra sao",
            "thoi han ra sao",
            "han the nao",
            "thoi gian nao",
            "phai xong",
            "co han",
            "han bao",
        ),
    ),
    (
        Intent.OUTPUT,
        (
            "ket qua dau ra",
            "san pham dau ra",
            "san pham la gi",
            "ket qua la gi",
            "ket qua can dat",
            "dau ra",
            "ket qua cua nhiem vu",
            "san pham cua nhiem vu",
            "san pham gi",
            "san pham cua",
            "san pham nao",
            "ket qua gi",
        ),
    ),
    (Intent.CRITERION, ("tieu chi", "bat buoc hay", "mo rong hay", "co bat buoc")),
    (
        Intent.TARGET,
        (
            "chi tieu",
            "muc tieu",
            "bao nhieu phan tram",
            "bao nhieu %",
            "dat bao nhieu",
            "phan dau",
            "ty le",
            "ti le",
            "toi thieu bao nhieu",
        ),
    ),
]

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
    "so nao",
    "nganh nao",
)

# A plan's tasks as a whole: "Kế hoạch ... có bao nhiêu nhiệm vụ?", "danh sách nhiệm vụ ...".
_PLAN_LIST_CUES = ("bao nhieu nhiem vu", "danh sach nhiem vu", "danh sach cac nhiem vu", "liet ke")
# Phrases that ask for a list of tasks rather than one task.
_LIST_CUES = (
    "nhung nhiem vu",
    "cac nhiem vu",
    "nhiem vu nao",
    "nhung viec",
    "viec nao",
    "viec gi",
    "nhiem vu gi",
    "de an nao",
    *_PLAN_LIST_CUES,
)
# With an agency named, "Sở Tài chính được giao làm gì?" asks for its tasks too.
_AGENCY_WORK_CUES = ("lam gi", "lam nhung gi", "lam nhung viec gi", "nhiem vu cua")
_YEAR_PERIOD = re.compile(r"\b(?:trong |cua )?nam ((?:19|20)\d\d)\b")
_TASK_NUMBER = re.compile(r"\bnhiem vu (?:so |thu )?(\d{1,3})\b")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_NUMBER = re.compile(r"\b\d+(?:[.,/]\d+)*\b")
_QUARTER = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\b(?:\s*(?:/|nam)\s*((?:19|20)\d\d))?")
_MONTH = re.compile(r"\bthang\s+(\d{1,2})\b(?:\s*(?:/|nam)\s*((?:19|20)\d\d))?")
_DAYS = re.compile(r"\b(\d{1,3})\s*ngay\s*(?:toi|sap toi|nua)\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Phrases that only restate what an intent asks for ("kết quả là gì" asks for the output).
_INTENT_PHRASES = {Intent.OUTPUT: ("ket qua", "san pham", "dau ra")}
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
    period: tuple[date, date] | None = None
    status: str | None = None  # "upcoming" | "overdue"
    within_days: int | None = None
    doc_hints: tuple[str, ...] = ()
    topic: tuple[str, ...] = field(default_factory=tuple)  # folded content words
    search_text: str = ""  # the question without the plan number it is scoped by
    role: str = "lead"  # for AGENCY_TASKS: the agency leads ("lead") or takes part ("coordinating")
    dense_text: str = ""  # the question's content words, diacritics kept (cheaper to embed)


def understand(question: str, gazetteer: Gazetteer, today: date) -> Query:
    """Parse a chat question (with or without diacritics) into a :class:`Query`.

    :param question: the user's text.
    :param gazetteer: recognises agency names and aliases.
    :param today: the reference date for "sắp đến hạn", "quá hạn", "tháng này".
    :returns: the parsed query.
    """
    text = canonical(question)
    folded = fold(text).replace("đ", "d")
    agencies = tuple(gazetteer.find(text))
    # cues match whole words: "phải làm gì" does not hold the cue "ai làm"
    words = f" {' '.join(re.findall(r'[a-z0-9%]+', folded))} "
    intent = Intent.GENERAL
    for candidate, cues in _CUES:
        if any(f" {cue} " in words for cue in cues):
            intent = candidate
            break
    lists_tasks = any(f" {cue} " in words for cue in _LIST_CUES) or (
        bool(agencies) and any(f" {cue} " in words for cue in _AGENCY_WORK_CUES)
    )
    role = "coordinating" if "phoi hop" in folded else "lead"
    if agencies and lists_tasks and intent is not Intent.DUE:
        # "Sở Tư pháp phối hợp những nhiệm vụ nào?", "Đài ... chủ trì nhiệm vụ nào?"
        intent = Intent.AGENCY_TASKS
    elif intent is Intent.AGENCY_TASKS and not agencies:
        intent = Intent.TASK_LIST if lists_tasks else Intent.GENERAL
    elif intent is Intent.GENERAL and any(f" {cue} " in words for cue in _PLAN_LIST_CUES):
        intent = Intent.TASK_LIST
    status = None
    if intent is Intent.DUE:
        status = "overdue" if ("qua han" in folded or "tre han" in folded) else "upcoming"
    task_number = m.group(1) if (m := _TASK_NUMBER.search(folded)) else None
    period = _period(folded, today)
    if period is None and lists_tasks and (m := _YEAR_PERIOD.search(folded)):
        year = int(m.group(1))
        period = (date(year, 1, 1), date(year, 12, 31))
    if (
        period
        and intent in (Intent.GENERAL, Intent.TASK_LIST, Intent.DEADLINE, Intent.AGENCY_TASKS)
        and ("nhiem vu" in folded)
    ):
        intent = Intent.DUE
    days = int(m.group(1)) if (m := _DAYS.search(folded)) else None
    hints = tuple(dict.fromkeys(m.group(1) for m in _NAMED_PLAN.finditer(folded)))
    agency_words = {w for a in agencies for w in fold(a).split()}
    plan_numbers = {m.group(1) for m in _NAMED_PLAN.finditer(folded)}
    topic = tuple(w for w in _topic(text, agency_words, intent) if w not in plan_numbers)
    search_text = text
    for number in plan_numbers:
        search_text = re.sub(rf"(?<![\d/]){number}(?![\d/])", " ", search_text)
    topic_set = set(topic)
    dense_words = [
        w for w in re.findall(r"[0-9A-Za-zÀ-ỹĐđ]+", text) if syllable(fold(w)) in topic_set
    ]
    return Query(
        role=role,
        search_text=normalise_space(search_text),
        dense_text=" ".join(dense_words) or normalise_space(search_text),
        text=text,
        folded=folded,
        intent=intent,
        agencies=agencies,
        task_number=task_number,
        years=tuple(_YEAR.findall(folded)),
        numbers=tuple(n for n in _NUMBER.findall(folded) if not _YEAR.fullmatch(n)),
        period=period,
        status=status,
        within_days=days,
        doc_hints=hints,
        topic=topic,
    )


def _topic(text: str, agency_words: set[str], intent: Intent) -> tuple[str, ...]:
    """Folded content syllables of a question.

    Question-shaping phrases are removed first; function words are then judged with
    diacritics when the question has them ("đề án" stays, "để" goes).
    """
    words = re.findall(r"[0-9a-zà-ỹđ]+", text.lower())
    folded = [fold(w) for w in words]
    removed = [False] * len(words)
    for phrase in (*_QUESTION_PHRASES, *_HINT_PHRASES, *_INTENT_PHRASES.get(intent, ())):
        parts = phrase.split()
        for i in range(len(folded) - len(parts) + 1):
            if folded[i : i + len(parts)] == parts:
                for j in range(i, i + len(parts)):
                    removed[j] = True
    has_marks = fold(text) != text.lower()
    topic: list[str] = []
    for word, f, gone in zip(words, folded, removed, strict=True):
        if gone or f in agency_words or len(f) < 2:
            continue
        if (word in STOPWORDS_VI) if has_marks else (f in STOPWORDS):
            continue
        topic.append(syllable(f))
    return tuple(topic)


def _period(folded: str, today: date) -> tuple[date, date] | None:
    """A period named in the question: "quý IV/2025", "tháng 3/2026", "tháng này"."""
    if m := _QUARTER.search(folded):
        quarter = _ROMAN.get(m.group(1)) or int(m.group(1))
        year = int(m.group(2)) if m.group(2) else today.year
        start = date(year, 3 * quarter - 2, 1)
        return start, _month_end(year, 3 * quarter)
    if m := _MONTH.search(folded):
        month = int(m.group(1))
        if 1 <= month <= 12:
            year = int(m.group(2)) if m.group(2) else today.year
            return date(year, month, 1), _month_end(year, month)
    if "thang nay" in folded:
        return date(today.year, today.month, 1), _month_end(today.year, today.month)
    if "nam nay" in folded and "nhiem vu" in folded:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return None


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)
