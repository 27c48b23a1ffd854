"""The deadlines dashboard (/tong-quan) in Chromium over the real app: every figure equals
the total GET /tasks gives for the filter it links to, and following it opens the task page
listing exactly that many tasks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from tests.web.conftest import Console, screenshot

pytestmark = [pytest.mark.integration]

READY = "document.querySelector('#dashboard').dataset.state === 'ready'"
TASKS_READY = (
    "document.querySelector('#tasks') && document.querySelector('#tasks').dataset.state === 'ready'"
)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def _total(console: Console, params: dict[str, str]) -> int:
    response = httpx.get(f"{console.url}/tasks", params={**params, "limit": 1})
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


def _params(href: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(href).query))


def _figures(page: Any) -> list[tuple[str, int, str]]:
    """(what, count, link) of every linked figure on the page."""
    return [
        (what, int(total), href)
        for what, total, href in page.eval_on_selector_all(
            "a.card, svg a.bar, #agencies a",
            """els => els.map(e => [e.dataset.status || e.dataset.month
                                    || e.closest('tr').dataset.agency,
                                    e.dataset.total || e.textContent,
                                    e.getAttribute('href')])""",
        )
    ]


def _follow(page: Any, selector: str, expected: int) -> None:
    """Click a figure: the task page opens filtered, listing ``expected`` tasks."""
    page.click(selector)
    page.wait_for_url("**/nhiem-vu?**")
    page.wait_for_function(TASKS_READY)
    assert int(page.get_attribute("#count", "data-total")) == expected, selector
    page.go_back()
    page.wait_for_function(READY)


def test_dashboard_figures_equal_task_totals(loaded: Console, page: Any) -> None:
    started = time.perf_counter()
    page.goto(f"{loaded.url}/tong-quan")
    page.wait_for_function(READY)
    print(f"\n/tong-quan loaded in {time.perf_counter() - started:.3f} s")  # noqa: T201

    figures = _figures(page)
    kinds = {"status": 0, "month": 0, "agency": 0}
    for what, count, href in figures:
        assert urlsplit(href).path == "/nhiem-vu"
        params = _params(href)
        assert _total(loaded, params) == count, (what, href)
        kind = (
            "status"
            if what in ("overdue", "upcoming", "open", "recurring")
            else ("month" if what[:4].isdigit() else "agency")
        )
        kinds[kind] += 1
        if kind == "status":
            assert params == {"status": what}
        elif kind == "month":
            assert set(params) == {"due_from", "due_to"} and params["due_from"].startswith(what)
        else:
            assert params["agency"] == what and params["role"] == "lead"
            assert params["status"] in ("overdue", "upcoming")
    assert kinds["status"] == 4 and kinds["month"] == 12 and kinds["agency"] >= 4
    # the status cards show the counts with their Vietnamese labels and the overdue note
    overdue_card = page.inner_text("a.card[data-status=overdue]")
    assert "Đã qua thời hạn" in overdue_card
    assert str(_total(loaded, {"status": "overdue"})) in overdue_card
    assert "không ghi nhận việc hoàn thành" in page.text_content("#note")
    screenshot(page, "dashboard")

    # following a figure lists exactly that many tasks
    overdue = _total(loaded, {"status": "overdue"})
    _follow(page, "a.card[data-status=overdue]", overdue)
    bars = [(w, n) for w, n, h in figures if w[:4].isdigit() and n > 0]
    month, count = bars[-1]
    _follow(page, f"svg a.bar[data-month='{month}']", count)
    agency, count, href = next(f for f in figures if "agency" in _params(f[2]) and f[1] > 0)
    _follow(page, f"#agencies tr[data-agency='{agency}'] a[href='{href}']", count)


def test_a_chosen_plan_scopes_every_figure(loaded: Console, page: Any) -> None:
    docs = httpx.get(f"{loaded.url}/documents").json()["documents"]
    plan = next(d["id"] for d in docs if "Lạng Sơn" in d["title"])
    page.goto(f"{loaded.url}/tong-quan")
    page.wait_for_function(READY)
    before = _figures(page)
    page.select_option("select[name=document_id]", plan)
    with page.expect_response(lambda r: urlsplit(r.url).path == "/tasks/summary"):
        page.click("form#filters button[type=submit]")
    page.wait_for_function(READY)
    assert _params(page.url) == {"document_id": plan}
    figures = _figures(page)
    assert figures != before
    for what, count, href in figures:
        params = _params(href)
        assert params["document_id"] == plan
        assert _total(loaded, params) == count, (what, href)
    # a reload keeps the plan chosen
    started = time.perf_counter()
    page.reload()
    page.wait_for_function(READY)
    print(f"\n/tong-quan reloaded in {time.perf_counter() - started:.3f} s")  # noqa: T201
    assert page.input_value("select[name=document_id]") == plan
    assert _figures(page) == figures
