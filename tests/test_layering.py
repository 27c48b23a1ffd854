"""The package boundaries DESIGN.md draws, checked on every import statement."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("domain", "stores", "ingest", "retrieval", "api", "bot")
# what each package may import from planbot's own packages
ALLOWED = {
    "domain": {"domain"},
    "stores": {"domain", "stores"},
    "ingest": {"domain", "stores", "ingest"},
    "retrieval": {"domain", "stores", "retrieval"},
    "bot": {"domain", "stores", "retrieval", "bot"},
    "api": {"domain", "stores", "ingest", "retrieval", "bot", "api"},
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_packages_import_only_what_they_may(package: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in _sources(package)
        for line, name in _imports(path)
        if name.split(".")[0] in PACKAGES and name.split(".")[0] not in ALLOWED[package]
    ]
    assert wrong == []


def test_only_the_vector_index_imports_chromadb() -> None:
    importers = {
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in _sources(package)
        for _, name in _imports(path)
        if name.split(".")[0] in ("chromadb", "langchain_chroma")
    }
    assert importers == {"stores/vectors.py"}


def test_only_the_sql_stores_import_the_database_layer() -> None:
    importers = {
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in _sources(package)
        for _, name in _imports(path)
        if name.split(".")[0] in ("sqlalchemy", "sqlite3", "psycopg", "alembic")
    }
    assert importers and all(p.startswith("stores/") for p in importers), importers


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from retrieval.service import Assistant\nimport ingest.chunker\n")
    assert [name for _, name in _imports(probe)] == ["retrieval.service", "ingest.chunker"]
