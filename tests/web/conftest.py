"""The console pages in Debian's Chromium (Playwright never downloads a browser here),
against the real app under uvicorn over real stores, with the hash embedder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.api.server import running
from tests.conftest import ROOT, make_container

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# screenshots of each page, for people to look at (git-ignored)
SCREENSHOTS = ROOT / "screenshots"
TOKEN = "console-admin-token-0123456789abcdef"
TODAY = date(2026, 3, 1)


@dataclass
class Console:
    """A served app: its address, the admin token and the container behind it."""

    url: str
    token: str
    container: Any


@pytest.fixture
def console(services: Any, tmp_path: Path, database_url: str) -> Iterator[Console]:
    """An empty planbot served on 127.0.0.1 (ingest jobs run inside it); tests add plans
    through ``console.container.ingestor`` or through the pages."""
    from api.app import create_app
    from domain.settings import Settings

    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        admin_token=TOKEN,
        today=TODAY,
    )
    container = make_container(services, settings)
    app = create_app(settings, container)
    with running(app) as (host, port):
        yield Console(f"http://{host}:{port}", TOKEN, container)


@pytest.fixture
def loaded(console: Console, tmp_path: Path) -> Console:
    """The console serving the two fictional plans of ``tests/web/task_plans.py``."""
    from tests.web.task_plans import write_plans

    results = console.container.ingestor.ingest_paths(write_plans(tmp_path / "plans"))
    assert {r.status for r in results} == {"added"}, results
    return console


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
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
        try:
            yield launched
        finally:
            launched.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under ``screenshots/``."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
