"""The chat page (/) in Chromium over a fictional plan: a question and its follow-up in one
conversation, sources with their locators, copying an answer, a new conversation, an answer
not found, and a phone-sized screen without horizontal scrolling."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.plans import HEADER, plan_rows, write_docx
from tests.web.conftest import Console, screenshot

pytestmark = [pytest.mark.integration]

WAIT_MS = 30_000
LEAD, COORDINATING = HEADER.index("Cơ quan chủ trì"), HEADER.index("Cơ quan phối hợp")
NAME = HEADER.index("Tên nhiệm vụ")


@pytest.fixture
def plan(console: Console, tmp_path: Path) -> Console:
    """The console holding one fictional plan (tests/plans.py), read into the search."""
    result = console.container.ingestor.ingest_file(write_docx(tmp_path / "ke-hoach.docx"))
    assert result.status == "added", result
    console.container.assistant.warm()
    return console


def _timing(text: str) -> None:
    """Print a measured time (reported, not asserted: the machine may be busy)."""
    print(text)  # noqa: T201


def _open(browser: Any, console: Console, **context: Any) -> tuple[Any, Any, float]:
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    started = time.perf_counter()
    page.goto(f"{console.url}/")
    page.wait_for_selector("header.console nav a[aria-current=page]")
    page.wait_for_selector("#log .conversation")
    return ctx, page, time.perf_counter() - started


def _ask(page: Any, question: str) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """Ask through the form; the turn shown, the request sent and the JSON answered."""
    with page.expect_response(lambda r: r.url.endswith("/ask")) as answered:
        page.fill("#question", question)
        page.click("#ask button[type=submit]")
    response = answered.value
    turn = page.locator("#log .turn").last
    turn.locator(".msg.bot:not(.pending)").wait_for(timeout=WAIT_MS)
    sent: dict[str, Any] = json.loads(response.request.post_data or "{}")
    body: dict[str, Any] = response.json()
    return turn, sent, body


def test_question_follow_up_sources_and_copy(plan: Console, browser: Any) -> None:
    ctx, page, load_s = _open(
        browser,
        plan,
        viewport={"width": 1280, "height": 900},
        permissions=["clipboard-read", "clipboard-write"],
    )
    _timing(f"\n/: chat page ready {load_s * 1000:.0f} ms after goto")
    assert page.title() == "Trợ lý Kế hoạch"
    assert page.inner_text("header.console nav a[aria-current=page]") == "Hỏi đáp"

    [task] = [r for r in plan_rows() if r[LEAD] == "Sở Y tế"]
    started = time.perf_counter()
    first, sent, body = _ask(page, "Sở Y tế chủ trì những nhiệm vụ nào?")
    _timing(f"/: first answer shown {(time.perf_counter() - started) * 1000:.0f} ms after asking")
    assert body["found"] and task[NAME] in body["answer"]
    assert first.locator(".answer-text").inner_text() == body["answer"]
    assert "followup" not in (first.get_attribute("class") or "")
    assert first.locator(".followup-label").count() == 0

    started = time.perf_counter()
    follow, sent_again, again = _ask(page, "thế đơn vị phối hợp?")
    _timing(
        f"/: follow-up answer shown {(time.perf_counter() - started) * 1000:.0f} ms after asking"
    )
    assert sent_again["conversation_id"] == sent["conversation_id"]
    assert "followup" in (follow.get_attribute("class") or "")
    assert follow.locator(".followup-label").inner_text() == "Câu hỏi tiếp nối"
    assert again["found"]
    shown = follow.locator(".answer-text").inner_text()
    assert shown == again["answer"]
    for agency in task[COORDINATING].split(", "):
        assert agency in shown, (agency, shown)

    # sources: one details per source, closed; opening one shows its locator and text
    sources = follow.locator(".sources details")
    assert sources.count() == len(again["sources"]) > 0
    source = again["sources"][0]
    assert sources.first.locator(".locator").inner_text() == source["locator"]
    assert not sources.first.locator(".excerpt").is_visible()
    sources.first.locator("summary").click()
    assert sources.first.get_attribute("open") is not None
    assert sources.first.locator(".excerpt").inner_text() == source["text"]

    # copy the answer
    follow.locator("button.copy").click()
    page.wait_for_function(
        "document.querySelectorAll('#log .turn')[1].querySelector('button.copy')"
        ".textContent === 'Đã sao chép'"
    )
    assert page.evaluate("navigator.clipboard.readText()") == again["answer"]
    screenshot(page, "chat")

    # a new conversation: a new id, and its first question is not a follow-up
    page.click("#new-conversation")
    assert page.locator("#log .conversation").count() == 2
    fresh, sent_new, _ = _ask(page, "Sở Nội vụ chủ trì những nhiệm vụ nào?")
    assert sent_new["conversation_id"] != sent["conversation_id"]
    assert "followup" not in (fresh.get_attribute("class") or "")
    assert page.locator("#log .conversation").last.locator(".turn").count() == 1

    # not in the plans: said so
    missing, _, nothing = _ask(page, "Giá vé xe buýt là bao nhiêu?")
    assert not nothing["found"]
    assert missing.locator(".msg.bot.notfound .notfound-label").is_visible()
    assert missing.locator(".answer-text").inner_text() == nothing["answer"]
    ctx.close()


def test_copy_falls_back_without_the_clipboard_api(plan: Console, browser: Any) -> None:
    ctx, page, _ = _open(browser, plan)
    # an older browser, or one refusing the clipboard: the textarea and execCommand way
    page.evaluate(
        "Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true});"
        "window.copied = null; const original = document.execCommand.bind(document);"
        "document.execCommand = (command) => {"
        "  window.copied = document.activeElement.value; return original(command) || true; };"
    )
    turn, _, body = _ask(page, "Sở Y tế chủ trì những nhiệm vụ nào?")
    turn.locator("button.copy").click()
    page.wait_for_function("window.copied !== null")
    assert page.evaluate("window.copied") == body["answer"]
    assert turn.locator("button.copy").inner_text() == "Đã sao chép"
    ctx.close()


def test_phone_screen_has_no_horizontal_scroll(plan: Console, browser: Any) -> None:
    ctx, page, load_s = _open(
        browser, plan, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    _timing(f"\n/ (375×740): chat page ready {load_s * 1000:.0f} ms after goto")
    turn, _, body = _ask(page, "Sở Y tế chủ trì những nhiệm vụ nào?")
    _, _, again = _ask(page, "thế đơn vị phối hợp?")
    assert body["found"] and again["found"]
    page.locator("#log .turn").last.locator(".sources summary").first.click()
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["inner"] == 375 and widths["scroll"] <= widths["inner"], widths
    assert page.locator("#question").is_visible() and page.locator("#new-conversation").is_visible()
    screenshot(page, "chat-phone")
    ctx.close()
