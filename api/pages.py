"""The web pages: chat, documents (admin), tasks and deadlines. Static HTML over the API."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

__all__ = ["PAGES", "STATIC", "router"]

STATIC = Path(__file__).parent / "static"

# path → file under static/; every page is plain HTML and JavaScript calling the API
PAGES = {
    "/": "index.html",
    "/van-ban": "documents.html",
    "/nhiem-vu": "tasks.html",
    "/tong-quan": "dashboard.html",
}

router = APIRouter(include_in_schema=False)


def _serve(name: str) -> Callable[[], FileResponse]:
    def page() -> FileResponse:
        return FileResponse(
            STATIC / name, media_type="text/html", headers={"Cache-Control": "no-cache"}
        )

    return page


for _path, _name in PAGES.items():
    router.add_api_route(_path, _serve(_name), methods=["GET"])
