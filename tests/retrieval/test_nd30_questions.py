"""Question pairs over ten fictional plans of ten provinces loaded together: one answerable
from one plan's text, its twin naming a province, agency, year or system no plan covers
(SEMANTICS §6). Written from SEMANTICS.md, not from the code; the figures are printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from api.evaluation import judge
from domain.settings import Settings
from tests import nd30
from tests.conftest import make_container

DATA = nd30.load()


@pytest.fixture
def assistant(services, tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "plans"
    folder.mkdir()
    for doc in DATA["documents"]:
        services.ingestor.ingest_file(nd30.write(doc, folder))
    settings = Settings(data_dir=tmp_path, today=date(2026, 9, 1))
    return make_container(services, settings).assistant  # type: ignore[attr-defined]


def _ask(assistant: Any, item: dict[str, Any]) -> bool:
    result = assistant.ask(item["question"])
    ok, _ = judge(item, {**result.to_json(), "intent": result.intent})
    return ok


def test_every_province_is_read_from_its_header(services, assistant) -> None:  # type: ignore[no-untyped-def]
    documents = services.stores.versions.active_documents()
    assert len(documents) == len(DATA["documents"])
    want = {d["expected"]["number"]: d["expected"]["province"] for d in DATA["documents"]}
    for doc in documents:
        if doc.number in want:
            assert doc.province is not None and want[doc.number] in doc.province


def test_pairs_are_answered_and_refused(assistant) -> None:  # type: ignore[no-untyped-def]
    answered = [_ask(assistant, q) for q in DATA["questions"] if q["answerable"]]
    refused = [_ask(assistant, q) for q in DATA["questions"] if not q["answerable"]]
    a, r = sum(answered) / len(answered), sum(refused) / len(refused)
    print(  # noqa: T201
        f"\nND30 pairs: answerable right {a:.1%} ({sum(answered)}/{len(answered)}), "
        f"refused right {r:.1%} ({sum(refused)}/{len(refused)})"
    )
    assert len(answered) >= 30 and len(refused) >= 30
    # floors below the figures measured on this set; a drop under them is a regression
    assert a >= FLOOR_ANSWERED and r >= FLOOR_REFUSED


FLOOR_ANSWERED = 0.6
FLOOR_REFUSED = 0.85
