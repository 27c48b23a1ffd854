"""Embedding and LLM endpoints that hang: each call is bounded by its timeout, and after one
failure the endpoint is left alone for a cool-down instead of costing every question."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from domain.breaker import Breaker
from domain.errors import EmbedderError
from retrieval.embedders import OpenAIEmbedder
from retrieval.llm import OpenAIChatModel
from tests.fakes import SilentServer


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


def test_a_hung_llm_is_waited_for_once_then_skipped(silent: SilentServer) -> None:
    model = OpenAIChatModel(f"{silent.url}/v1", "m", timeout=0.5, cooldown_s=60)
    start = time.perf_counter()
    assert model.complete([{"role": "user", "content": "Sở Y tế chủ trì việc gì?"}]) is None
    first = time.perf_counter() - start
    start = time.perf_counter()
    assert model.complete([{"role": "user", "content": "còn Sở Xây dựng?"}]) is None
    second = time.perf_counter() - start
    print(f"\nhung LLM: first call {first * 1000:.0f} ms, second {second * 1000:.0f} ms")  # noqa: T201
    assert silent.connections == 1  # the second question never went to the endpoint


def test_a_hung_embedding_endpoint_fails_clearly_then_at_once(silent: SilentServer) -> None:
    embedder = OpenAIEmbedder(f"{silent.url}/v1", "m", timeout=0.5, cooldown_s=60)
    with pytest.raises(EmbedderError, match="endpoint failed"):
        embedder.embed_query("hạn chót kế hoạch hạ tầng số")
    with pytest.raises(EmbedderError, match="not called"):
        embedder.embed_query("còn Sở Tài chính?")
    assert silent.connections == 1


def test_the_breaker_closes_after_its_cool_down() -> None:
    now = [100.0]
    breaker = Breaker(cooldown_s=30, clock=lambda: now[0])
    assert not breaker.is_open()
    breaker.failed()
    now[0] += 29
    assert breaker.is_open()
    now[0] += 2
    assert not breaker.is_open()
    breaker.failed()
    breaker.succeeded()
    assert not breaker.is_open()
    with pytest.raises(ValueError):
        Breaker(cooldown_s=-1)
