"""Document facts (SEMANTICS §4) read from fictional plans of ten provinces, each rendered in
its format (DOCX, TXT, PDF) with its header as a borderless two-column table or as lines,
with and without "Số:", signed "KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN" or by a director."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from domain.text import fold
from ingest.facts import read_facts
from ingest.loaders import load_file
from tests import nd30

DOCUMENTS = nd30.load()["documents"]


def test_the_cases_cover_the_layouts() -> None:
    assert len(DOCUMENTS) >= 8
    assert {d["format"] for d in DOCUMENTS} == {"docx", "txt", "pdf"}
    assert {d["header_layout"] for d in DOCUMENTS} == {"table", "lines"}
    assert {d["number_style"] for d in DOCUMENTS} >= {"so_prefix", "bare", "none"}
    assert {d["signature"]["lines"][0].split()[0] for d in DOCUMENTS} >= {"KT.", "TM."}


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d["id"] for d in DOCUMENTS])
def test_every_field_is_read(doc: dict[str, Any], tmp_path: Path) -> None:
    path = nd30.write(doc, tmp_path)
    facts = read_facts(load_file(path, path.read_bytes()))
    want = doc["expected"]
    assert facts.number == want["number"]
    assert facts.issued == want["date"]
    assert facts.place == want["place"]
    assert fold(facts.issuer or "") == fold(want["issuer"])
    assert facts.signer == want["signer"]
    assert fold(facts.signer_title or "") == fold(want["signer_title"])
    assert len(facts.legal_bases) == want["legal_bases_count"]
    if want["proposer"] is None:
        assert facts.proposer is None
    else:
        assert fold(want["proposer"]) in fold(facts.proposer or "")
    assert facts.replaces == want["supersedes"]
    assert facts.province is not None and fold(want["province"]) in fold(facts.province)
