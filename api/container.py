"""Builds the long-lived objects (stores, embedder, ingestor) from settings, once."""

from __future__ import annotations

from dataclasses import dataclass

from domain.agencies import Gazetteer
from domain.settings import Settings
from ingest.pipeline import Ingestor
from retrieval.embedders import CachedEmbeddings, build_embedder
from retrieval.llm import OpenAIChatModel
from retrieval.repository import Repository
from retrieval.search import HybridRetriever
from retrieval.service import Assistant
from retrieval.templates import load_prompts
from retrieval.vectorstore import ChromaIndex

__all__ = ["Container", "build_container"]


@dataclass
class Container:
    """Everything an entry point needs, built from one :class:`Settings`."""

    settings: Settings
    repository: Repository
    index: ChromaIndex
    embeddings: CachedEmbeddings
    gazetteer: Gazetteer
    ingestor: Ingestor
    assistant: Assistant

    def close(self) -> None:
        self.repository.close()


def build_container(settings: Settings) -> Container:
    """Open the stores and wire the ingestor; nothing loads a model until it is used."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    repository = Repository(settings.database_path)
    key = settings.embedding_api_key.get_secret_value() if settings.embedding_api_key else None
    embedder = build_embedder(settings.embedder, openai_model=settings.embedding_model, api_key=key)
    embeddings = CachedEmbeddings(
        embedder,
        lookup=lambda texts: repository.cached_embeddings(embedder.name, texts),
        store=lambda vectors: repository.store_embeddings(embedder.name, vectors),
        batch_size=settings.embed_batch_size,
    )
    if settings.chroma_host:
        index = ChromaIndex(
            embeddings,
            host=settings.chroma_host,
            port=settings.chroma_port,
            collection=settings.collection,
        )
    else:
        index = ChromaIndex(embeddings, path=settings.chroma_path, collection=settings.collection)
    extra = [settings.agencies_file] if settings.agencies_file else []
    gazetteer = Gazetteer.load(extra)
    ingestor = Ingestor(
        repository=repository,
        index=index,
        gazetteer=gazetteer,
        embed_counter=lambda: embeddings.calls,
    )
    return Container(
        settings,
        repository,
        index,
        embeddings,
        gazetteer,
        ingestor,
        build_assistant(settings, repository, index, gazetteer),
    )


def build_assistant(
    settings: Settings, repository: Repository, index: ChromaIndex, gazetteer: Gazetteer
) -> Assistant:
    """The answering service over the given stores."""
    llm = None
    if settings.llm_base_url:
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        llm = OpenAIChatModel(settings.llm_base_url, settings.llm_model or "default", key)
    return Assistant(
        repository=repository,
        retriever=HybridRetriever(index, repository),
        gazetteer=gazetteer,
        prompts=load_prompts(settings.prompts_dir),
        today=settings.effective_today,
        llm=llm,
    )
