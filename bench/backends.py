"""Ingest corpus/ and score QA sets on SQLite and on PostgreSQL, side by side.

    .venv/bin/python bench/backends.py [--database-url postgresql://…] [QA.jsonl ...]

Without ``--database-url`` a throw-away PostgreSQL server is started from Debian's packages
(as the tests do). Each backend gets its own empty data dir and database, and the default
embedder; the figures and every answer text are compared.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.container import build_container  # noqa: E402
from api.evaluation import evaluate_file  # noqa: E402
from domain.settings import Settings  # noqa: E402

DEFAULT_QA = [
    ROOT.parent / "shared" / "eval" / "dev.jsonl",
    ROOT.parent / "shared" / "eval" / "dev2.jsonl",
]


def run(url: str | None, qa_files: list[Path]) -> tuple[list[str], dict[str, list[str]]]:
    data = Path(tempfile.mkdtemp(prefix="planbot-bench-"))
    settings = Settings(data_dir=data, database_url=url)
    container = build_container(settings)
    start = time.perf_counter()
    results = container.ingestor.ingest_paths([ROOT / "corpus"])
    lines = [
        f"backend {container.stores.backend}: ingest {time.perf_counter() - start:.1f} s,"
        f" {sum(r.tasks for r in results)} tasks, {sum(r.chunks for r in results)} chunks"
    ]
    answers: dict[str, list[str]] = {}
    for path in qa_files:
        report = evaluate_file(path, container.assistant)
        lines += [f"  {path.name}: {line}" for line in report.summary()]
        questions = [json.loads(x)["question"] for x in path.read_text("utf-8").splitlines() if x]
        answers[path.name] = [container.assistant.ask(q).answer for q in questions]
    container.close()
    return lines, answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("qa", nargs="*", type=Path)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    qa_files = args.qa or [p for p in DEFAULT_QA if p.exists()]
    url = args.database_url
    if url is None:
        from tests.postgres import postgres_server

        url = postgres_server().create_database()
    sqlite_lines, sqlite_answers = run(None, qa_files)
    pg_lines, pg_answers = run(url, qa_files)
    for line in sqlite_lines + pg_lines:
        print(line)
    for name, texts in sqlite_answers.items():
        same = sum(a == b for a, b in zip(texts, pg_answers[name], strict=True))
        print(f"{name}: identical answers on both backends: {same}/{len(texts)}")


if __name__ == "__main__":
    main()
