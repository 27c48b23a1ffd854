"""Rate limits counted in the database (SQLite and a real PostgreSQL): a sliding window per
key, shared by every store over the same database, never passed by racing processes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.agencies import Gazetteer
from stores import Stores, open_stores
from stores.sql.state import SqlRateStore
from tests.conftest import new_database_url

pytestmark = pytest.mark.both_backends


@pytest.fixture(params=("sqlite", "postgresql"))
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return new_database_url(tmp_path / "rates", request.param)


@pytest.fixture
def stores(url: str) -> Iterator[Stores]:
    opened = open_stores(url, Gazetteer.load())
    yield opened
    opened.close()


def test_the_window_slides_per_key(stores: Stores) -> None:
    now = [1000.0]
    rates = SqlRateStore(stores.engine, clock=lambda: now[0])
    rates.record("admin:10.0.0.1")
    rates.record("admin:10.0.0.1")
    assert rates.retry_after("admin:10.0.0.1", 2, 60) == 60
    assert rates.retry_after("admin:10.0.0.2", 2, 60) is None
    assert rates.retry_after("admin:10.0.0.1", 3, 60) is None  # a higher limit is not reached
    now[0] = 1059.5
    assert rates.retry_after("admin:10.0.0.1", 2, 60) == 1
    now[0] = 1060.0
    assert rates.retry_after("admin:10.0.0.1", 2, 60) is None


def test_take_counts_only_what_it_lets_through(stores: Stores) -> None:
    now = [0.0]
    rates = SqlRateStore(stores.engine, clock=lambda: now[0])
    assert [rates.take("telegram:7", 3, 10) for _ in range(5)] == [None, None, None, 10, 10]
    now[0] = 10.0  # the three counted events leave the window together
    assert rates.take("telegram:7", 3, 10) is None


def test_processes_share_the_count(url: str) -> None:
    first, second = open_stores(url, Gazetteer.load()), open_stores(url, Gazetteer.load())
    try:
        for _ in range(3):
            first.rates.record("admin:192.0.2.5")
        assert second.rates.retry_after("admin:192.0.2.5", 3, 300) is not None
        assert second.rates.take("admin:192.0.2.5", 3, 300) is not None
    finally:
        first.close()
        second.close()


def test_racing_takers_never_pass_the_limit(url: str) -> None:
    """Eight takers over two stores (as two processes would be) race for ten places."""
    opened = [open_stores(url, Gazetteer.load()) for _ in range(2)]
    passed: list[int] = []
    lock = threading.Lock()

    def take(store: Stores) -> None:
        for _ in range(5):
            if store.rates.take("telegram:race", 10, 600) is None:
                with lock:
                    passed.append(1)

    try:
        takers = [threading.Thread(target=take, args=(opened[i % 2],)) for i in range(8)]
        for t in takers:
            t.start()
        for t in takers:
            t.join()
        assert len(passed) == 10
    finally:
        for s in opened:
            s.close()


def test_old_events_are_pruned(stores: Stores) -> None:
    now = [0.0]
    rates = SqlRateStore(stores.engine, clock=lambda: now[0])
    rates.record("a")
    now[0] = 100.0
    rates.record("b")
    assert rates.prune(50) == 1
    assert rates.retry_after("b", 1, 1000) is not None and rates.retry_after("a", 1, 1000) is None


def test_dated_values_are_pruned_by_their_key(stores: Stores) -> None:
    channels = stores.channels
    channels.set_value("telegram-sources:20261120:ab", "[]")
    channels.set_value("telegram-sources:20261130:cd", "[]")
    channels.set_value("zalo.refresh_token", "keep")
    assert channels.prune_values("telegram-sources:", "20261125") == 1
    assert channels.get_value("telegram-sources:20261120:ab") is None
    assert channels.get_value("telegram-sources:20261130:cd") == "[]"
    assert channels.get_value("zalo.refresh_token") == "keep"
