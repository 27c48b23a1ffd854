"""BM25 over diacritics-folded Vietnamese syllables and syllable pairs (bm25s)."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import bm25s
import numpy as np

from domain.text import folded_tokens

# How many of the best-scoring items are ranked first; all are ranked when too few of them
# are allowed.
_HEAD = 1000

__all__ = ["LexicalIndex", "SYNONYMS", "analyse", "expand_query", "knows_phrase", "lexicon"]


@cache
def lexicon() -> dict[str, Any]:
    """``retrieval/data/lexicon.json``: synonyms, acronyms, measures and the words that ask
    for a kind of fact, read once."""
    data: dict[str, Any] = json.loads(
        resources.files("retrieval").joinpath("data/lexicon.json").read_text("utf-8")
    )
    return data


def _load_lexicon() -> dict[str, tuple[str, ...]]:
    """Phrase -> the phrases that mean the same, from ``retrieval/data/lexicon.json``."""
    raw = lexicon()
    groups: list[list[str]] = [list(g) for g in raw["groups"]]
    groups += [[short, long] for short, long in raw["acronyms"].items()]
    table: dict[str, set[str]] = {}
    for group in groups:
        keys = [" ".join(folded_tokens(p)) for p in group]
        for key in keys:
            table.setdefault(key, set()).update(k for k in keys if k != key)
    return {k: tuple(sorted(v)) for k, v in table.items()}


# Words plans use interchangeably (folded): a query for one also looks for the others.
SYNONYMS: dict[str, tuple[str, ...]] = _load_lexicon()


def knows_phrase(folded_word: str) -> bool:
    """Whether the lexicon names this folded word or phrase."""
    return folded_word in SYNONYMS


@lru_cache(maxsize=32768)
def expand_query(text: str) -> str:
    """``text`` plus the synonyms of the phrases it contains."""
    padded = f" {' '.join(folded_tokens(text))} "
    extra = [alt for phrase, alts in SYNONYMS.items() if f" {phrase} " in padded for alt in alts]
    return f"{text} {' '.join(extra)}" if extra else text


def _tokens(text: str) -> list[str]:
    syllables = folded_tokens(text)
    return syllables + [f"{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False)]


@lru_cache(maxsize=8192)
def _analyse_cached(text: str) -> tuple[str, ...]:
    return tuple(_tokens(text))


def analyse(text: str) -> list[str]:
    """Folded syllables plus adjacent pairs ("y te" -> "y", "te", "y_te").

    Vietnamese words are mostly two syllables, so pairs stand in for word segmentation and
    make "sở y tế" outrank texts that only share the syllable "tế".
    """
    return list(_analyse_cached(text))


class LexicalIndex:
    """A BM25 index over (key, text) items, rebuilt from the vector store's chunks.

    Usage example::

        index = LexicalIndex([("a", "Sở Y tế chủ trì"), ("b", "Sở Nội vụ")])
        index.search("so y te", k=1)   # [("a", score)]
    """

    def __init__(self, items: Sequence[tuple[str, str]]) -> None:
        self.keys = [key for key, _ in items]
        self._position = {key: i for i, key in enumerate(self.keys)}
        # Each text becomes word ids as soon as it is analysed: a list of word strings per
        # text, kept for the whole index, peaked at gigabytes for a province's plans. The
        # texts also bypass the cache of analysed questions, which they would fill.
        vocabulary: dict[str, int] = {}
        ids: list[list[int]] = []
        frequency: Counter[int] = Counter()
        for _, text in items:
            row = [vocabulary.setdefault(t, len(vocabulary)) for t in _tokens(text) or ["\x00"]]
            ids.append(row)
            frequency.update(set(row))
        self._bm25 = bm25s.BM25()
        if ids:
            self._bm25.index((ids, vocabulary), show_progress=False)
        del ids
        total = max(1, len(items))
        self._idf = {
            t: math.log(1 + (total - frequency[i] + 0.5) / (frequency[i] + 0.5))
            for t, i in vocabulary.items()
            if i in frequency  # not the empty word bm25s adds
        }
        self._max_idf = math.log(1 + (total + 0.5) / 0.5)

    def __len__(self) -> int:
        return len(self.keys)

    def knows(self, token: str) -> bool:
        """Whether any indexed text holds this folded token."""
        return token in self._idf

    def idf(self, token: str) -> float:
        """Inverse document frequency of a folded token (unseen tokens get the maximum)."""
        return self._idf.get(token, self._max_idf)

    def search(self, text: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """The ``k`` best items for ``text`` (optionally among ``allowed`` keys)."""
        if k <= 0:
            raise ValueError(f"k must be greater than 0, got {k}")
        query = analyse(expand_query(text))
        if not self.keys or not query:
            return []
        scores = np.asarray(self._bm25.get_scores(query))
        # only items sharing a word with the query are ranked, the best few first: a common
        # word may match most of a large index
        matching = np.flatnonzero(scores > 0)
        head = min(len(matching), max(_HEAD, 20 * k))
        while True:
            if head < len(matching):
                best = np.argpartition(-scores[matching], head - 1)[:head]
                candidates = matching[best]
            else:
                candidates = matching
            order = candidates[np.lexsort((candidates, -scores[candidates]))]
            hits: list[tuple[str, float]] = []
            for i in order:
                key = self.keys[int(i)]
                if allowed is None or key in allowed:
                    hits.append((key, float(scores[i])))
                    if len(hits) == k:
                        return hits
            if head >= len(matching):
                return hits
            head = len(matching)  # too few allowed among the best: rank them all
