"""The web chat page in headless Chromium against uvicorn on 127.0.0.1."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from api.app import create_app
from tests.api.server import running

pytestmark = [pytest.mark.slow, pytest.mark.integration]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def server(corpus_container) -> Iterator[str]:
    app = create_app(corpus_container.settings, corpus_container)
    with running(app) as (host, port):
        yield f"http://{host}:{port}"


def test_question_answer_and_sources_in_chromium(server: str, tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        page.goto(server + "/")
        assert page.title() == "Trợ lý Kế hoạch"
        page.fill("#question", "Sở Y tế chủ trì những nhiệm vụ nào?")
        page.click("button[type=submit]")
        answer = page.locator(".msg.bot").last
        answer.locator(".sources").wait_for(timeout=20000)
        text = answer.inner_text()
        assert "Sở Y tế chủ trì 2 nhiệm vụ" in text
        assert "NV 55" in text and "NV 56" in text
        answer.locator("summary").first.click()
        assert "Nguồn" in text
        page.fill("#question", "Giá vé xe buýt là bao nhiêu?")
        page.click("button[type=submit]")
        page.locator(".msg.bot.notfound").wait_for(timeout=20000)
        page.screenshot(path=str(tmp_path / "chat.png"))
        browser.close()
