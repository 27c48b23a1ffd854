"""Hybrid search: dense (Chroma) and BM25 (folded syllables) fused by reciprocal rank."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

from retrieval.fusion import reciprocal_rank_fusion
from retrieval.lexical import LexicalIndex
from retrieval.repository import Repository
from retrieval.vectorstore import ChromaIndex, ChunkHit

__all__ = ["HybridRetriever", "SearchSettings"]


@dataclass(frozen=True)
class SearchSettings:
    """Tunables of hybrid search, checked on creation."""

    dense_k: int = 20
    lexical_k: int = 20
    dense_weight: float = 1.0
    lexical_weight: float = 1.0

    def __post_init__(self) -> None:
        if self.dense_k <= 0 or self.lexical_k <= 0:
            raise ValueError("dense_k and lexical_k must be greater than 0")
        if self.dense_weight < 0 or self.lexical_weight < 0:
            raise ValueError("weights must not be negative")


class HybridRetriever:
    """Searches the active document versions; the BM25 side is rebuilt from the vector
    store whenever the set of active versions changes, so it is never a second truth."""

    def __init__(
        self, index: ChromaIndex, repository: Repository, settings: SearchSettings | None = None
    ) -> None:
        self._index = index
        self._repo = repository
        self.settings = settings or SearchSettings()
        self._lock = threading.Lock()
        self._versions: tuple[str, ...] = ()
        self._lexical = LexicalIndex([])
        self._chunks: dict[str, ChunkHit] = {}

    def refresh(self) -> tuple[str, ...]:
        """Rebuild the lexical side if the active versions changed; returns them."""
        versions = tuple(sorted(self._repo.active_versions()))
        with self._lock:
            if versions != self._versions:
                chunks = self._index.all_chunks(versions)
                self._chunks = {c.id: c for c in chunks}
                self._lexical = LexicalIndex([(c.id, c.text) for c in chunks])
                self._versions = versions
        return versions

    @property
    def lexical(self) -> LexicalIndex:
        return self._lexical

    def chunks(self) -> list[ChunkHit]:
        self.refresh()
        return list(self._chunks.values())

    def search(
        self,
        text: str,
        *,
        k: int = 8,
        record: str | None = None,
        documents: Sequence[str] | None = None,
        dense: bool = True,
        dense_text: str | None = None,
    ) -> list[ChunkHit]:
        """The ``k`` best chunks for ``text``, fused from dense and lexical rankings.

        :param record: only "task", "target" or "prose" chunks.
        :param documents: only chunks of these document ids.
        :param dense: include the dense ranking (off for cheap lexical-only lookups).
        :param dense_text: what to embed for the dense side (default ``text``).
        :returns: hits with their fused score, best first.
        """
        if k <= 0:
            raise ValueError(f"k must be greater than 0, got {k}")
        versions = self.refresh()
        if documents:
            versions = tuple(v for v in versions if v.rsplit("@", 1)[0] in set(documents))
        if not versions:
            return []
        allowed = {
            c.id
            for c in self._chunks.values()
            if (record is None or c.record == record) and f"{c.document_id}@{c.version}" in versions
        }
        lexical = [key for key, _ in self._lexical.search(text, self.settings.lexical_k, allowed)]
        rankings: list[list[str]] = [lexical]
        weights = [self.settings.lexical_weight]
        if dense:
            hits = self._index.query(
                dense_text or text, self.settings.dense_k, versions, record=record
            )
            rankings.append([h.id for h in hits if h.id in self._chunks])
            weights.append(self.settings.dense_weight)
        fused = reciprocal_rank_fusion(rankings, weights=weights)
        return [replace(self._chunks[key], score=score) for key, score in fused[:k]]
