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


def test_reads_and_deletes_go_page_by_page(tmp_path, hash_embedder) -> None:
    """An index larger than one read (Chroma's SQLite takes 32,766 variables a statement; a
    page of 3 here stands for 5,000) is read and emptied whole."""
    from retrieval.embedders import CachedEmbeddings
    from stores.vectors import ChromaIndex

    index = ChromaIndex(CachedEmbeddings(hash_embedder), path=tmp_path / "chroma", page_size=3)
    first = [
        Chunk(text=f"Nhiệm vụ {i}", document_id="a", version=1, heading_path=(), locator=f"{i}")
        for i in range(10)
    ]
    second = [
        Chunk(text=f"Mục tiêu {i}", document_id="b", version=2, heading_path=(), locator=f"{i}")
        for i in range(4)
    ]
    assert index.add(first + second) == 14
    assert index.add(first) == 0  # what is held is found across pages
    assert sorted(c.locator for c in index.all_chunks(["a@1"])) == sorted(str(i) for i in range(10))
    assert len(index.all_chunks(["a@1", "b@2"])) == 14
    assert index.versions() == {"a@1", "b@2"}
    index.delete_versions(["a@1"])
    assert index.count() == 4 and index.versions() == {"b@2"}
