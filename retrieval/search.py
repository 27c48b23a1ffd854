"""Hybrid search: dense (Chroma) and BM25 (folded syllables) fused by reciprocal rank."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from domain.errors import EmbedderError, IndexUnavailableError
from retrieval.fusion import reciprocal_rank_fusion
from retrieval.lexical import LexicalIndex
from retrieval.units import is_boilerplate, units_with_leads
from stores import VersionStore, doc_version
from stores.vectors import ChunkHit, VectorIndex

__all__ = ["HybridRetriever", "SearchSettings"]

log = logging.getLogger(__name__)

_DENSE_CACHE = 64  # recent questions' dense rankings kept


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, looked up once (finding the C library runs ``ldconfig``);
    None elsewhere."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def _return_freed_memory() -> None:
    """Give the memory a rebuilt search freed back to the system: glibc keeps it otherwise,
    about 100 MB per process at a hundred times the seed corpus. Elsewhere, nothing."""
    if (trim := _malloc_trim()) is not None:
        trim(0)


@dataclass(frozen=True)
class SearchSettings:
    """Tunables of hybrid search, checked on creation."""

    dense_k: int = 20
    lexical_k: int = 20
    dense_depth: int = 200  # how deep the shared dense ranking goes before filtering
    dense_weight: float = 1.0
    lexical_weight: float = 1.0

    def __post_init__(self) -> None:
        if self.dense_k <= 0 or self.lexical_k <= 0 or self.dense_depth <= 0:
            raise ValueError("dense_k, lexical_k and dense_depth must be greater than 0")
        if self.dense_weight < 0 or self.lexical_weight < 0:
            raise ValueError("weights must not be negative")


class HybridRetriever:
    """Searches the active document versions; the BM25 side is rebuilt from the vector
    store whenever the set of active versions changes, so it is never a second truth."""

    def __init__(
        self, index: VectorIndex, versions: VersionStore, settings: SearchSettings | None = None
    ) -> None:
        self._index = index
        self._store = versions
        self.settings = settings or SearchSettings()
        self._lock = threading.Lock()
        self._versions: tuple[str, ...] = ()
        self._lexical = LexicalIndex([])
        self._units = LexicalIndex([])
        self._chunks: dict[str, ChunkHit] = {}
        self._numbered: dict[str, list[ChunkHit]] = {}  # record number -> its rows
        self._dense_cache: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        self._allowed_cache: dict[tuple[str | None, tuple[str, ...]], set[str]] = {}

    def refresh(self) -> tuple[str, ...]:
        """Rebuild the lexical side if the active versions changed; returns them."""
        versions = tuple(sorted(self._store.active_versions()))
        with self._lock:
            if versions != self._versions:
                try:
                    chunks = self._index.all_chunks(versions)
                except IndexUnavailableError:
                    # the index is down: search what was read while it answered (nothing
                    # when it never did; the task records still answer)
                    log.warning("vector index down; searching the chunks read before")
                    return self._versions
                self._chunks = {c.id: c for c in chunks}
                numbered: dict[str, list[ChunkHit]] = {}
                for c in chunks:
                    if c.record in ("task", "target"):
                        numbered.setdefault(c.number.lstrip("0") or "0", []).append(c)
                self._numbered = numbered
                self._lexical = LexicalIndex([(c.id, c.text) for c in chunks])
                self._units = LexicalIndex(
                    [
                        (f"{c.id}#{i}", f"{c.heading} {lead} {unit}")
                        for c in chunks
                        if c.record in ("prose", "table_row")
                        for i, (unit, lead) in enumerate(units_with_leads(c.text))
                        if not is_boilerplate(unit)
                    ]
                )
                self._versions = versions
                self._allowed_cache = {}
                del chunks
                _return_freed_memory()
        return versions

    def _dense_ranking(self, text: str, versions: tuple[str, ...]) -> list[str]:
        """Chunk ids by dense similarity, one index query per question and version set.

        A question is searched several ways (its task, prose, everything); they share one
        ranking deep enough to filter, instead of querying the index each time.
        """
        key = (text, versions)
        with self._lock:
            cached = self._dense_cache.get(key)
        if cached is not None:
            return cached
        depth = min(len(self._chunks), self.settings.dense_depth)
        try:
            found = self._index.ranked_ids(text, max(1, depth), versions)
        except (IndexUnavailableError, EmbedderError) as exc:
            # degrade to the lexical ranking alone rather than fail the question
            log.warning("dense ranking skipped: %s", exc)
            return []
        ranked = [i for i in found if i in self._chunks]
        with self._lock:
            self._dense_cache[key] = ranked
            while len(self._dense_cache) > _DENSE_CACHE:
                self._dense_cache.pop(next(iter(self._dense_cache)))
        return ranked

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
            scope = set(documents)
            versions = tuple(v for v in versions if v.rsplit("@", 1)[0] in scope)
        if not versions:
            return []
        allowed = self._allowed(record, versions)
        lexical = [key for key, _ in self._lexical.search(text, self.settings.lexical_k, allowed)]
        rankings: list[list[str]] = [lexical]
        weights = [self.settings.lexical_weight]
        if dense:
            ranked = self._dense_ranking(dense_text or text, versions)
            rankings.append([key for key in ranked if key in allowed][: self.settings.dense_k])
            weights.append(self.settings.dense_weight)
        fused = reciprocal_rank_fusion(rankings, weights=weights)
        return [replace(self._chunks[key], score=score) for key, score in fused[:k]]

    def _allowed(self, record: str | None, versions: tuple[str, ...]) -> set[str]:
        """Ids of the chunks of these versions (and of this kind), kept per version set: a
        question searches the same few sets many times, and the index may be large."""
        key = (record, versions)
        with self._lock:
            found = self._allowed_cache.get(key)
            if found is not None:
                return found
            chunks = list(self._chunks.values())
        wanted = set(versions)
        found = {
            c.id
            for c in chunks
            if (record is None or c.record == record)
            and doc_version(c.document_id, c.version) in wanted
        }
        with self._lock:
            self._allowed_cache[key] = found
            while len(self._allowed_cache) > _DENSE_CACHE:
                self._allowed_cache.pop(next(iter(self._allowed_cache)))
        return found

    def numbered_records(
        self, number: str, documents: Sequence[str] | None = None
    ) -> list[ChunkHit]:
        """Task and target rows of the active versions numbered ``number`` ("tiêu chí số 4")."""
        self.refresh()
        rows = self._numbered.get(number.lstrip("0") or "0", [])
        return [c for c in rows if not documents or c.document_id in documents]

    def value_tables(self, documents: Sequence[str] | None = None) -> list[list[ChunkHit]]:
        """The rows of each table of values (rankings, figures by pillar) of the active
        versions, table by table; closing total rows left out."""
        versions = set(self.refresh())
        tables: dict[tuple[str, str], list[ChunkHit]] = {}
        for c in self._chunks.values():
            if c.kind != "table_row" or c.record != "table_row" or ", dòng" not in c.locator:
                continue
            if f"{c.document_id}@{c.version}" not in versions or c.locator.endswith("dòng tổng"):
                continue
            if documents and c.document_id not in documents:
                continue
            key = (f"{c.document_id}@{c.version}", c.locator.rsplit(", dòng", 1)[0])
            tables.setdefault(key, []).append(c)
        return list(tables.values())

    def search_units(
        self, text: str, *, k: int = 8, documents: Sequence[str] | None = None
    ) -> list[ChunkHit]:
        """Chunks holding the ``k`` sentences or list items (with their heading path) that
        best match ``text`` lexically, best first: a fact one sentence of a long chunk
        states is found although the chunk as a whole matches weakly."""
        if k <= 0:
            raise ValueError(f"k must be greater than 0, got {k}")
        versions = set(self.refresh())
        wanted = set(documents) if documents else None
        hits: list[ChunkHit] = []
        seen: set[str] = set()
        for key, score in self._units.search(text, k * 4):
            chunk = self._chunks.get(key.rsplit("#", 1)[0])
            if chunk is None or chunk.id in seen:
                continue
            if f"{chunk.document_id}@{chunk.version}" not in versions:
                continue
            if wanted is not None and chunk.document_id not in wanted:
                continue
            seen.add(chunk.id)
            hits.append(replace(chunk, score=score))
            if len(hits) == k:
                break
        return hits
