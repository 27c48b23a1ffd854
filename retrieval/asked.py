"""What a question asks (its fields), learned from examples, not matched against cue lists.

A linear model (one logistic regression per field) over character and word n-grams of the
normalised question, fitted on ``retrieval/data/asked_fields.jsonl``: people's phrasings of
each field, formal and informal, with and without diacritics. Adding a phrasing is one line of
data. Chosen by cross-validation on those examples only (char 1–4 + word 1–2 grams, C=30); the
tests score it on a quarter of the examples kept out of the data file.

Usage example::

    model = AskedFields.default()
    model.predict("ai chủ trì và sản phẩm là gì?")   # frozenset({"lead", "output"})
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from retrieval.normalise import normalise

__all__ = ["FIELDS", "AskedFields", "Example"]

FIELDS = (
    "lead",
    "coordinating",
    "output",
    "deadline",
    "count",
    "list",
    "target_value",
    "criterion_class",
    "confirm",
    "document_fact",
    "other",
)
# A field is asked when the model gives it at least this probability (the most likely one is
# taken when none reaches it).
THRESHOLD = 0.5
_C = 30.0


@dataclass(frozen=True)
class Example:
    """A phrasing and the fields it asks."""

    question: str
    fields: frozenset[str]


def load_examples(lines: Iterable[str]) -> list[Example]:
    found = []
    for line in lines:
        if line.strip():
            row = json.loads(line)
            unknown = set(row["fields"]) - set(FIELDS)
            if unknown:
                raise ValueError(f"unknown fields {sorted(unknown)} in: {row['q']}")
            found.append(Example(row["q"], frozenset(row["fields"])))
    return found


class AskedFields:
    """Recognises the fields a question asks; fitted once per set of examples."""

    def __init__(self, examples: Sequence[Example]) -> None:
        if not examples:
            raise ValueError("the asked-field model needs examples")
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_union
        from sklearn.preprocessing import MultiLabelBinarizer

        self._labels = MultiLabelBinarizer(classes=list(FIELDS))
        targets = self._labels.fit_transform([sorted(e.fields) for e in examples])
        self._vectorizer = make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
        )
        features = self._vectorizer.fit_transform([_text(e.question) for e in examples])
        self._model: Any = OneVsRestClassifier(
            LogisticRegression(C=_C, max_iter=3000, class_weight="balanced")
        ).fit(features, targets)
        self._lock = threading.Lock()

    @classmethod
    def default(cls) -> AskedFields:
        """The model fitted on the bundled examples (once per process)."""
        return _default()

    def probabilities(self, question: str) -> dict[str, float]:
        with self._lock:  # scikit-learn estimators are not documented as thread-safe
            row = self._model.predict_proba(self._vectorizer.transform([_text(question)]))[0]
        return {str(c): float(p) for c, p in zip(self._labels.classes_, row, strict=True)}

    def predict(self, question: str) -> frozenset[str]:
        """The fields asked: every field at or over :data:`THRESHOLD`, else the likeliest."""
        probs = self.probabilities(question)
        asked = {f for f, p in probs.items() if p >= THRESHOLD}
        if not asked:
            asked = {max(probs, key=lambda f: probs[f])}
        asked = _exclusive(asked, probs, "other", set(FIELDS) - {"other"})
        # a document's facts and a task's fields are not asked together
        asked = _exclusive(asked, probs, "document_fact", _TASK_SET)
        if asked == {"confirm"}:
            # a yes/no question confirms something: the likeliest field it is about
            rest = {f: p for f, p in probs.items() if f not in ("confirm", "other")}
            asked.add(max(rest, key=lambda f: rest[f]))
        return frozenset(asked)


_TASK_SET = {"lead", "coordinating", "output", "deadline", "count", "list"}


def _exclusive(asked: set[str], probs: dict[str, float], one: str, others: set[str]) -> set[str]:
    """Keep ``one`` or the ``others`` it excludes, whichever the model is surer of."""
    rivals = asked & others
    if one not in asked or not rivals:
        return asked
    if probs[one] >= max(probs[f] for f in rivals):
        return asked - rivals
    return asked - {one}


def _text(question: str) -> str:
    return normalise(question).folded


@cache
def _default() -> AskedFields:
    raw = resources.files("retrieval").joinpath("data/asked_fields.jsonl").read_text("utf-8")
    return AskedFields(load_examples(raw.splitlines()))
