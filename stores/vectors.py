"""The vector index: Chroma through langchain-chroma. The only module importing chromadb."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from langchain_core.embeddings import Embeddings

from domain.breaker import Breaker
from domain.errors import IndexUnavailableError, StoreError
from domain.records import Chunk
from stores.interfaces import doc_version

__all__ = ["ChromaIndex", "ChunkHit", "VectorIndex", "chunk_id", "doc_version"]

# Chroma's telemetry client is a no-op in this version; keep it off regardless.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def chunk_id(chunk: Chunk) -> str:
    """A stable id from the chunk's document version, locator and content."""
    digest = hashlib.sha256(f"{chunk.locator}\x00{chunk.text}".encode()).hexdigest()[:24]
    return f"{doc_version(chunk.document_id, chunk.version)}#{digest}"


@dataclass(frozen=True)
class ChunkHit:
    """A chunk found by the index, with its similarity (higher is closer)."""

    id: str
    text: str
    document_id: str
    version: int
    locator: str
    kind: str
    score: float
    record: str = "prose"
    number: str = ""  # task or target number for record chunks
    heading: str = ""  # the chunk's heading path, " > "-joined


class VectorIndex(Protocol):
    """What planbot needs from a vector index."""

    def add(self, chunks: Sequence[Chunk]) -> int: ...

    def query(
        self, text: str, k: int, versions: Sequence[str], record: str | None = None
    ) -> list[ChunkHit]: ...

    def ranked_ids(self, text: str, k: int, versions: Sequence[str]) -> list[str]: ...

    def all_chunks(self, versions: Sequence[str]) -> list[ChunkHit]: ...

    def count(self) -> int: ...

    def delete_versions(self, versions: Sequence[str]) -> None: ...

    def versions(self) -> set[str]: ...

    def heartbeat(self) -> bool: ...


@contextmanager
def _translated() -> Iterator[None]:
    """Turn Chroma's and the HTTP layer's errors into planbot's."""
    try:
        yield
    except StoreError:
        raise
    except ValueError as exc:
        # chromadb reports an unreachable server as ValueError("Could not connect ...")
        if "connect" in str(exc).lower():
            raise IndexUnavailableError(f"vector index unreachable: {exc}") from exc
        raise
    except Exception as exc:
        name = type(exc).__name__
        if "Connect" in name or "Timeout" in name or isinstance(exc, (ConnectionError, OSError)):
            raise IndexUnavailableError(f"vector index unreachable: {exc}") from exc
        raise StoreError(f"vector index failed: {name}: {exc}") from exc


class ChromaIndex:
    """Chunks in a Chroma collection (embedded under a path, or a Chroma server).

    Usage example::

        index = ChromaIndex(embeddings, path=Path("data/chroma"))
        index.add(chunks)
        index.query("Sở Y tế chủ trì nhiệm vụ nào?", k=8, versions=["doc@1"])
    """

    def __init__(
        self,
        embeddings: Embeddings,
        *,
        path: Path | None = None,
        host: str | None = None,
        port: int = 8000,
        collection: str = "planbot_chunks",
        timeout_s: float = 10.0,
        retry_after_s: float = 15.0,
        page_size: int = 5000,
    ) -> None:
        """:param page_size: chunks read or deleted per call (see :data:`_PAGE`)."""
        if (path is None) == (host is None):
            raise ValueError("give either path (embedded Chroma) or host (Chroma server)")
        self._embeddings = embeddings
        self._path = path
        self._host = host
        self._port = port
        self._collection_name = collection
        self._store: Any = None
        self._timeout = timeout_s
        # after the index fails to answer, calls fail at once for this long (a circuit
        # breaker), so a hung server does not hold every request for the whole timeout
        self._breaker = Breaker(retry_after_s)
        self._ensure_lock = threading.Lock()
        self._page = page_size

    @contextmanager
    def _guard(self, probe: bool = False) -> Iterator[None]:
        """Translate errors; after a failure to answer, fail at once until the breaker's
        time is up (a ``probe`` — the health check — always tries)."""
        if not probe and self._breaker.is_open():
            raise IndexUnavailableError("vector index unreachable (failed recently)")
        try:
            with _translated():
                yield
        except IndexUnavailableError:
            self._breaker.failed()
            raise
        self._breaker.succeeded()

    def _ensure(self, probe: bool = False) -> Any:
        if self._store is not None:
            return self._store
        if not self._ensure_lock.acquire(timeout=self._timeout):
            raise IndexUnavailableError("vector index unreachable (still connecting)")
        try:
            return self._connect(probe)
        finally:
            self._ensure_lock.release()

    def _connect(self, probe: bool) -> Any:
        if self._store is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings
            from langchain_chroma import Chroma

            settings = ChromaSettings(anonymized_telemetry=False)
            with self._guard(probe):
                if self._host is not None:
                    client = self._bounded_http_client(settings)
                else:
                    assert self._path is not None
                    self._path.mkdir(parents=True, exist_ok=True)
                    client = chromadb.PersistentClient(path=str(self._path), settings=settings)
                self._store = Chroma(
                    collection_name=self._collection_name,
                    embedding_function=self._embeddings,
                    client=client,
                    collection_metadata={"hnsw:space": "cosine"},
                )
        return self._store

    def _bounded_http_client(self, settings: Any) -> Any:
        """A client of the Chroma server whose every request times out.

        chromadb's HTTP client waits without a limit, also while it connects (it asks the
        server for its tenant): the connection is made on a helper thread given the
        timeout, and the client's HTTP session then gets the timeout for every request.
        """
        import chromadb
        import httpx

        made: dict[str, Any] = {}

        def connect() -> None:
            try:
                made["client"] = chromadb.HttpClient(
                    host=str(self._host), port=self._port, settings=settings
                )
            except Exception as exc:
                made["error"] = exc

        helper = threading.Thread(target=connect, name="chroma-connect", daemon=True)
        helper.start()
        helper.join(self._timeout)
        if "error" in made:
            raise made["error"]
        if "client" not in made:
            raise IndexUnavailableError(
                f"vector index at {self._host}:{self._port} did not answer in {self._timeout} s"
            )
        made["client"]._server._session.timeout = httpx.Timeout(
            self._timeout, connect=min(self._timeout, 3.0)
        )
        return made["client"]

    def add(self, chunks: Sequence[Chunk]) -> int:
        """Add chunks not yet in the index; returns how many were added."""
        if not chunks:
            return 0
        store = self._ensure()
        # a passage repeated word for word at the same place is one chunk
        unique = {chunk_id(c): c for c in chunks}
        ids = list(unique)
        existing: set[str] = set()
        with self._guard():
            for start in range(0, len(ids), self._page):
                existing.update(store.get(ids=ids[start : start + self._page], include=[])["ids"])
        fresh = [(i, c) for i, c in unique.items() if i not in existing]
        if not fresh:
            return 0
        # Vectors are computed here, from each chunk's embed_text, so a task row is found by
        # its name while its full text (agencies, deadline) is what gets stored and cited.
        vectors = self._embeddings.embed_documents([c.embed_text or c.text for _, c in fresh])
        with self._guard():
            store._collection.upsert(
                ids=[i for i, _ in fresh],
                embeddings=vectors,
                documents=[c.text for _, c in fresh],
                metadatas=[_metadata(c) for _, c in fresh],
            )
        return len(fresh)

    def query(
        self, text: str, k: int, versions: Sequence[str], record: str | None = None
    ) -> list[ChunkHit]:
        """The ``k`` chunks nearest to ``text`` among the given document versions.

        :param record: only chunks of this record kind ("task", "target", "prose").
        """
        if k <= 0:
            raise ValueError(f"k must be greater than 0, got {k}")
        if not versions:
            return []
        store = self._ensure()
        where: dict[str, object] = {"doc_version": {"$in": list(versions)}}
        if record:
            where = {"$and": [where, {"record": record}]}
        with self._guard():
            vector = self._embeddings.embed_query(text)
            found = store.similarity_search_by_vector_with_relevance_scores(
                vector, k=k, filter=where
            )
        hits = []
        for doc, distance in found:
            meta = doc.metadata
            hits.append(
                ChunkHit(
                    id=str(doc.id or ""),
                    text=doc.page_content,
                    document_id=str(meta["document_id"]),
                    version=int(meta["version"]),
                    locator=str(meta.get("locator", "")),
                    kind=str(meta.get("kind", "prose")),
                    score=1.0 - float(distance),
                    record=str(meta.get("record", "prose")),
                    number=str(meta.get("task_number") or meta.get("target_number") or ""),
                    heading=str(meta.get("heading", "")),
                )
            )
        return hits

    def ranked_ids(self, text: str, k: int, versions: Sequence[str]) -> list[str]:
        """Ids of the ``k`` chunks nearest to ``text``: a light query (no texts returned)."""
        if k <= 0:
            raise ValueError(f"k must be greater than 0, got {k}")
        if not versions:
            return []
        store = self._ensure()
        wanted = set(versions)
        with self._guard():
            vector = self._embeddings.embed_query(text)
            # Most often every chunk held is wanted (the active versions, unscoped): the
            # nearest ones are then found without a filter, whose cost grows with the index
            # (Chroma looks it up in its metadata first). Chunk ids begin with their version.
            nearest = store._collection.query(
                query_embeddings=[vector], n_results=k, include=["distances"]
            )["ids"][0]
            kept = [str(i) for i in nearest if str(i).split("#", 1)[0] in wanted]
            if len(kept) == len(nearest):
                return kept
            # some belong to other versions (being built or retired, or out of scope)
            found = store._collection.query(
                query_embeddings=[vector],
                n_results=k,
                where={"doc_version": {"$in": list(versions)}},
                include=["distances"],
            )
        return [str(i) for i in found["ids"][0]]

    def all_chunks(self, versions: Sequence[str]) -> list[ChunkHit]:
        """Every chunk of the given versions (to build the lexical index)."""
        if not versions:
            return []
        store = self._ensure()
        with self._guard():
            got = _paged(
                store,
                self._page,
                where={"doc_version": {"$in": list(versions)}},
                include=["documents", "metadatas"],
            )
        return [
            ChunkHit(
                id=i,
                text=t,
                document_id=str(m["document_id"]),
                version=int(m["version"]),
                locator=str(m.get("locator", "")),
                kind=str(m.get("kind", "prose")),
                score=0.0,
                record=str(m.get("record", "prose")),
                number=str(m.get("task_number") or m.get("target_number") or ""),
                heading=str(m.get("heading", "")),
            )
            for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def count(self) -> int:
        store = self._ensure()
        with self._guard():
            return int(store._collection.count())

    def versions(self) -> set[str]:
        """Every document version that has chunks in the index."""
        store = self._ensure()
        with self._guard():
            got = _paged(store, self._page, include=["metadatas"])
        return {str(m["doc_version"]) for m in got["metadatas"]}

    def delete_versions(self, versions: Sequence[str]) -> None:
        """Remove every chunk of the given document versions."""
        if not versions:
            return
        store = self._ensure()
        with self._guard():
            where = {"doc_version": {"$in": list(versions)}}
            ids = _paged(store, self._page, where=where, include=[])["ids"]
            for start in range(0, len(ids), self._page):
                store.delete(ids=ids[start : start + self._page])

    def heartbeat(self) -> bool:
        """True when the index answers (within the timeout, whatever the breaker says)."""
        try:
            store = self._ensure(probe=True)
            with self._guard(probe=True):
                store._collection.count()
        except StoreError:
            return False
        return True


def _paged(store: Any, page: int, **query: Any) -> dict[str, list[Any]]:
    """``store.get(**query)`` read ``page`` chunks at a time, the pages' ids, documents and
    metadatas joined (those asked for in ``include``). Chroma looks a read's rows up with one
    SQL variable each, and SQLite (inside Chroma) takes at most 32,766 in a statement: a
    province's index holds more chunks than that."""
    fields = ["ids", *query.get("include", [])]
    joined: dict[str, list[Any]] = {f: [] for f in fields}
    offset = 0
    while True:
        got = store.get(limit=page, offset=offset, **query)
        for f in fields:
            joined[f].extend(got[f] or [])
        if len(got["ids"]) < page:
            return joined
        offset += page


def _metadata(chunk: Chunk) -> dict[str, str | int]:
    meta: dict[str, str | int] = {
        "document_id": chunk.document_id,
        "version": chunk.version,
        "doc_version": doc_version(chunk.document_id, chunk.version),
        "locator": chunk.locator,
        "kind": chunk.kind,
        "heading": " > ".join(chunk.heading_path),
        "record": "task"
        if "task_number" in chunk.metadata
        else "target"
        if "target_number" in chunk.metadata
        else chunk.kind,
    }
    meta.update(chunk.metadata)
    return meta
