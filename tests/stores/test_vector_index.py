"""The embedded vector index: repeated passages, the breaker after a failure."""

from __future__ import annotations

from domain.records import Chunk


def _chunk(text: str, locator: str = "I. 1") -> Chunk:
    return Chunk(text=text, document_id="kh", version=1, heading_path=("I.",), locator=locator)


def test_a_passage_repeated_word_for_word_is_one_chunk(services) -> None:
    same = _chunk("Sở Công Thương chủ trì hội chợ thương mại.")
    elsewhere = _chunk("Sở Công Thương chủ trì hội chợ thương mại.", locator="II. 3")
    assert services.index.add([same, same, elsewhere, same]) == 2
    assert services.index.add([same]) == 0
    assert services.index.count() == 2
