"""Builds the long-lived objects (stores, embedder, ingestor) from settings, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.agencies import Gazetteer
from domain.settings import Settings
from ingest.pipeline import Ingestor
from ingest.sandbox import BoundedParser, IngestLimits
from retrieval.embedders import CachedEmbeddings, Embedder, build_embedder
from retrieval.llm import OpenAIChatModel
from retrieval.search import HybridRetriever
from retrieval.service import Assistant
from retrieval.templates import load_prompts
from retrieval.tuning import Tuning
from stores import Stores, open_stores
from stores.vectors import ChromaIndex

# With separate ingest workers, a version being built is left this long by a cleanup.
CLEANUP_GRACE = timedelta(hours=1)

__all__ = ["Container", "build_assistant", "build_container", "build_index", "ingest_limits"]


@dataclass
class Container:
    """Everything an entry point needs, built from one :class:`Settings`."""

    settings: Settings
    stores: Stores
    index: ChromaIndex
    embeddings: CachedEmbeddings
    gazetteer: Gazetteer
    ingestor: Ingestor
    assistant: Assistant

    def close(self) -> None:
        self.stores.close()

    def cleanup(self) -> int:
        """Remove what interrupted ingests left. When another process may be ingesting
        (separate ingest workers, or several API processes over a Chroma server), versions
        younger than :data:`CLEANUP_GRACE` are left: it may be building them."""
        alone = self.settings.ingest_in_serve and not self.settings.chroma_host
        grace = None if alone else CLEANUP_GRACE
        return self.ingestor.cleanup(grace=grace)


def ingest_limits(settings: Settings) -> IngestLimits:
    """The bounded ingest's limits from the settings."""
    return IngestLimits(
        max_pages=settings.ingest_max_pages,
        max_inflated_mb=settings.ingest_max_inflated_mb,
        max_rows=settings.ingest_max_rows,
        max_memory_mb=settings.ingest_max_memory_mb,
        max_seconds=settings.ingest_max_seconds,
        ocr_page_seconds=settings.ingest_ocr_page_seconds,
    )


def build_index(settings: Settings, embeddings: CachedEmbeddings) -> ChromaIndex:
    """The vector index: a Chroma server when a host is set, else embedded in the data dir."""
    if settings.chroma_host:
        return ChromaIndex(
            embeddings,
            host=settings.chroma_host,
            port=settings.chroma_port,
            collection=settings.collection,
            timeout_s=settings.chroma_timeout_s,
        )
    return ChromaIndex(
        embeddings,
        path=settings.chroma_path,
        collection=settings.collection,
        timeout_s=settings.chroma_timeout_s,
    )


def build_container(settings: Settings, embedder: Embedder | None = None) -> Container:
    """Open the stores and wire the ingestor; nothing loads a model until it is used.

    :param embedder: use this embedding model instead of the one the settings name.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    extra = [settings.agencies_file] if settings.agencies_file else []
    gazetteer = Gazetteer.load(extra)
    stores = open_stores(
        settings.effective_database_url,
        gazetteer,
        conversation_idle=timedelta(minutes=settings.conversation_idle_minutes),
    )
    key = settings.embedding_api_key.get_secret_value() if settings.embedding_api_key else None
    embedder = embedder or build_embedder(
        settings.embedder,
        openai_model=settings.embedding_model,
        api_key=key,
        timeout_s=settings.embedding_timeout_s,
    )
    embeddings = CachedEmbeddings(
        embedder, cache=stores.embeddings, batch_size=settings.embed_batch_size
    )
    index = build_index(settings, embeddings)
    ingestor = Ingestor(
        versions=stores.versions,
        records=stores.records,
        index=index,
        gazetteer=gazetteer,
        embed_counter=lambda: embeddings.calls,
        parse=BoundedParser(ingest_limits(settings)).parse,
    )
    return Container(
        settings,
        stores,
        index,
        embeddings,
        gazetteer,
        ingestor,
        build_assistant(settings, stores, index, gazetteer),
    )


def build_assistant(
    settings: Settings,
    stores: Stores,
    index: ChromaIndex,
    gazetteer: Gazetteer,
    tuning: Tuning | None = None,
) -> Assistant:
    """The answering service over the given stores."""
    llm = None
    if settings.llm_base_url:
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        llm = OpenAIChatModel(
            settings.llm_base_url,
            settings.llm_model or "default",
            key,
            timeout=settings.llm_timeout_s,
        )
    return Assistant(
        versions=stores.versions,
        records=stores.records,
        conversations=stores.conversations,
        retriever=HybridRetriever(index, stores.versions),
        gazetteer=gazetteer,
        prompts=load_prompts(settings.prompts_dir),
        today=settings.effective_today,
        llm=llm,
        tuning=tuning,
    )
