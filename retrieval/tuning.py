"""The tunable numbers of answering, named in one place.

Each was set on the questions and plans the tests build, never on one dev question; change
them here (or pass another :class:`Tuning` to the assistant) and measure with ``planbot eval``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Tuning"]


@dataclass(frozen=True)
class Tuning:
    """Thresholds and sizes of answers; checked on creation."""

    # Support (0..1: the idf-weighted share of the question's topic the evidence covers, read
    # with its document title and heading, lowered by the factors below) a free-text answer
    # needs; below it the assistant says the plans do not say. Chosen from the operating
    # points `planbot eval --operating-points` prints, on dev2 and on held-out questions.
    min_support: float = 0.35
    # Support is multiplied by these when the evidence lacks the kind of fact asked (a figure,
    # a time, an agency) or a year the question names.
    missing_type_factor: float = 0.4
    missing_year_factor: float = 0.0
    # Share of the topic the evidence itself (without its title and heading) must cover: a
    # line that only sits under the right title ("Số: 74/KH-UBND") answers nothing.
    min_own_coverage: float = 0.1
    # A task must cover this much of the topic to answer a task question from its record.
    min_task_coverage: float = 0.3
    # A task record beats a prose sentence unless the sentence covers this much more.
    task_preference: float = 0.1
    # A document-fact question whose words cover this much of one title (more than any
    # other's) is about that document.
    min_title_coverage: float = 0.3
    # A question's words that cover this much of a document's title name that document.
    sure_title_coverage: float = 0.7
    # Share of a follow-up's own words a shown task must hold to be the one it picks.
    pick_coverage: float = 0.5
    # A follow-up with at most this many words of its own has nothing of its own to look for
    # (one more after "còn/thế"): it refers to what the conversation showed.
    follow_up_words: int = 1
    # A question word of at least this many letters that no plan holds cannot be answered
    # (shorter ones are question particles: "lâu", "nào").
    unknown_word_letters: int = 4
    # Words of a question given to the embedder (the rarest ones, in their order).
    dense_words: int = 10
    # Give the embedder the whole normalised question instead of its rarest words.
    dense_whole_question: bool = False
    # Characters of a task list in one answer; characters of a task name in a list line.
    list_chars: int = 1400
    task_name_chars: int = 150
    # Tasks a field follow-up answers one by one; more, and it asks which one is meant.
    max_each: int = 5
    # Lines a count answer lists under its number (SEMANTICS §4: a chat answer stays short).
    count_lines: int = 5
    # Chunks the hybrid search gives a free-text question, and chunks of the best-matching
    # single sentences added to them, to read evidence from.
    evidence_chunks: int = 6
    evidence_units: int = 6
    # Sources cited with a free-text answer.
    max_sources: int = 4

    def __post_init__(self) -> None:
        for name in (
            "min_support",
            "min_title_coverage",
            "missing_type_factor",
            "missing_year_factor",
            "min_own_coverage",
            "min_task_coverage",
            "task_preference",
            "pick_coverage",
            "sure_title_coverage",
        ):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must lie in [0, 1], got {getattr(self, name)}")
        for name in (
            "dense_words",
            "list_chars",
            "task_name_chars",
            "max_each",
            "count_lines",
            "unknown_word_letters",
            "evidence_chunks",
            "evidence_units",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be greater than 0, got {getattr(self, name)}")
