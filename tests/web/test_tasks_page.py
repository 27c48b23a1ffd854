"""The staff task page (/nhiem-vu) in Chromium over the real app: its filters, sorting and
paging show what GET /tasks gives for the same parameters, the address keeps them, and its
export buttons download the same rows."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from tests.web.conftest import Console, screenshot

pytestmark = [pytest.mark.integration]

READY = "document.querySelector('#tasks').dataset.state === 'ready'"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        accept_downloads=True, locale="vi-VN", viewport={"width": 1400, "height": 900}
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def _api(console: Console, params: dict[str, str]) -> dict[str, Any]:
    response = httpx.get(f"{console.url}/tasks", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _keys(tasks: list[dict[str, Any]]) -> list[str]:
    return [f"{t['document_id']}#{t['number']}" for t in tasks]


def _shown(page: Any) -> list[str]:
    return list(
        page.eval_on_selector_all(
            "#tasks tbody tr[data-key]", "rows => rows.map(r => r.dataset.key)"
        )
    )


def _total(page: Any) -> int:
    return int(page.get_attribute("#count", "data-total"))


def _wait(page: Any, action: Any) -> None:
    """Do ``action`` and wait until the table shows the /tasks answer it asked for."""
    with page.expect_response(lambda r: urlsplit(r.url).path == "/tasks"):
        action()
    page.wait_for_function(READY)


def _page_params(page: Any) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(page.url).query))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _download(page: Any, button: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.click(button)
    download = info.value
    path = download.path()
    with open(path, "rb") as f:
        return download.suggested_filename, f.read()


def _rows_of(header: list[str], rows: list[list[str]]) -> list[str]:
    doc, number = header.index("Mã văn bản"), header.index("STT")
    return [f"{r[doc]}#{r[number]}" for r in rows]


def test_filter_sort_page_and_reload(loaded: Console, page: Any) -> None:
    started = time.perf_counter()
    page.goto(f"{loaded.url}/nhiem-vu")
    page.wait_for_function(READY)
    print(f"\n/nhiem-vu loaded in {time.perf_counter() - started:.3f} s")  # noqa: T201
    everything = _api(loaded, {})
    assert _total(page) == everything["total"] > 20
    assert _shown(page) == _keys(everything["tasks"])[:50]
    # the badges say each task's status in Vietnamese
    labels = {
        s["status"]: s["label"]
        for s in httpx.get(f"{loaded.url}/tasks/statuses").json()["statuses"]
    }
    badges = page.eval_on_selector_all(
        "#tasks tbody tr",
        "rows => rows.map(r => [r.dataset.status, r.querySelector('.badge').textContent])",
    )
    assert badges and all(labels[s] == text for s, text in badges)

    # agency + role + period
    page.fill("input[name=agency]", "công an tỉnh")
    page.select_option("select[name=role]", "any")
    page.fill("input[name=due_from]", "2026-01-01")
    page.fill("input[name=due_to]", "2026-12-31")
    _wait(page, lambda: page.click("form#filters button[type=submit]"))
    wanted = {"agency": "công an tỉnh", "due_from": "2026-01-01", "due_to": "2026-12-31"}
    assert _page_params(page) == wanted
    listed = _api(loaded, wanted)
    assert listed["total"] >= 3 and _shown(page) == _keys(listed["tasks"])
    assert _total(page) == listed["total"]

    # sorting by deadline, then the other way
    _wait(page, lambda: page.click("th[data-sort=deadline] button"))
    assert _page_params(page) == {**wanted, "sort": "deadline", "order": "asc"}
    by_deadline = _api(loaded, {**wanted, "sort": "deadline"})
    assert _shown(page) == _keys(by_deadline["tasks"])
    _wait(page, lambda: page.click("th[data-sort=deadline] button"))
    assert _shown(page) == _keys(
        _api(loaded, {**wanted, "sort": "deadline", "order": "desc"})["tasks"]
    )
    assert page.get_attribute("th[data-sort=deadline]", "aria-sort") == "descending"

    # a reload keeps filters and order
    started = time.perf_counter()
    _wait(page, lambda: page.reload())
    print(f"/nhiem-vu reloaded in {time.perf_counter() - started:.3f} s")  # noqa: T201
    assert page.input_value("input[name=agency]") == "công an tỉnh"
    assert page.input_value("input[name=due_from]") == "2026-01-01"
    assert _shown(page) == _keys(
        _api(loaded, {**wanted, "sort": "deadline", "order": "desc"})["tasks"]
    )

    # paging: clear the filters, 10 a page, sorted by lead agency
    _wait(page, lambda: page.click("#reset"))
    _wait(page, lambda: page.click("th[data-sort=lead] button"))
    _wait(page, lambda: page.select_option("#limit", "10"))
    by_lead = _keys(_api(loaded, {"sort": "lead"})["tasks"])
    assert _shown(page) == by_lead[:10]
    _wait(page, lambda: page.click("#next"))
    assert _page_params(page) == {"sort": "lead", "order": "asc", "limit": "10", "offset": "10"}
    assert _shown(page) == by_lead[10:20]
    assert page.text_content("#count") == f"11–20 trong {len(by_lead)} nhiệm vụ"
    _wait(page, lambda: page.click("#next"))
    assert _shown(page) == by_lead[20:30] and page.is_disabled("#next")
    _wait(page, lambda: page.go_back())
    assert _shown(page) == by_lead[10:20]

    # the source of a task: its place in the plan
    first = page.locator("#tasks tbody tr").first
    first.locator("td.source summary").click()
    assert "nhiệm vụ" in first.locator("td.source details").inner_text()

    # overdue: the page says plans record no completion
    assert page.is_hidden("#note") or "overdue" in page.eval_on_selector_all(
        "#tasks tbody tr", "rows => rows.map(r => r.dataset.status)"
    )
    page.select_option("select[name=status]", "overdue")
    _wait(page, lambda: page.click("form#filters button[type=submit]"))
    overdue = _api(loaded, {"status": "overdue", "sort": "lead"})
    assert _shown(page) == _keys(overdue["tasks"]) and overdue["total"] > 0
    assert page.is_visible("#note")
    assert "không ghi nhận việc hoàn thành" in page.text_content("#note")
    screenshot(page, "tasks")


def test_export_buttons_download_the_filtered_rows(loaded: Console, page: Any) -> None:
    from openpyxl import load_workbook

    docs = httpx.get(f"{loaded.url}/documents").json()["documents"]
    plan = next(d["id"] for d in docs if "Cà Mau" in d["title"])
    params = {"document_id": plan, "agency": "Sở Khoa học và Công nghệ", "role": "lead"}
    started = time.perf_counter()
    page.goto(f"{loaded.url}/nhiem-vu?{httpx.QueryParams(params)}&sort=deadline&limit=10")
    page.wait_for_function(READY)
    print(f"\n/nhiem-vu (filtered) loaded in {time.perf_counter() - started:.3f} s")  # noqa: T201
    assert page.input_value("select[name=document_id]") == plan
    assert page.input_value("select[name=role]") == "lead"
    listed = _api(loaded, {**params, "sort": "deadline"})
    assert listed["total"] >= 3 and _shown(page) == _keys(listed["tasks"])[:10]

    name, content = _download(page, "#export-xlsx")
    assert name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:9] == [
        "Kế hoạch", "Số kế hoạch", "STT", "Tên nhiệm vụ", "Cơ quan chủ trì",
        "Cơ quan phối hợp", "Kết quả/sản phẩm", "Thời hạn", "Trạng thái",
    ]  # fmt: skip
    assert _rows_of(header, rows[1:]) == _keys(listed["tasks"])
    names = [r[header.index("Tên nhiệm vụ")] for r in rows[1:]]
    assert names == [t["name"] for t in listed["tasks"]]

    # all the rows, not the page shown; CSV too, after changing the filters
    page.fill("input[name=agency]", "")
    page.select_option("select[name=document_id]", "")
    page.fill("input[name=q]", "báo cáo")
    _wait(page, lambda: page.click("form#filters button[type=submit]"))
    listed = _api(loaded, {"q": "báo cáo", "sort": "deadline", "role": "lead"})
    assert listed["total"] > 0
    name, content = _download(page, "#export-csv")
    assert name.endswith(".csv") and content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert _rows_of(rows[0], rows[1:]) == _keys(listed["tasks"])
    leads = [r[rows[0].index("Cơ quan chủ trì")] for r in rows[1:]]
    assert leads == ["; ".join(t["lead_agencies"]) for t in listed["tasks"]]


def test_a_bad_filter_shows_the_api_s_vietnamese_error(loaded: Console, page: Any) -> None:
    page.goto(f"{loaded.url}/nhiem-vu?due_from=31-12-2026")
    page.wait_for_function("document.querySelector('#tasks').dataset.state === 'error'")
    assert "due_from" in page.text_content("#error") and "ngày" in page.text_content("#error")
