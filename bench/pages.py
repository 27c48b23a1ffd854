"""Page load times of the web console in Debian's Chromium, over an ingested data dir.

    .venv/bin/python bench/pages.py [--data data] [--rounds 5]

Serves the app over the data dir (``make ingest`` fills ``data/`` with the seed corpus) on
127.0.0.1, then loads each page ``rounds`` times in a fresh tab and prints the time from
navigation to the page's content shown (its table, figures or form ready): the first load
(cold caches on the server) and the median of the rest. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import uvicorn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.app import create_app  # noqa: E402
from domain.settings import Settings  # noqa: E402

# page → a JavaScript condition true once its content is shown
PAGES = {
    "/": "document.querySelector('#question') !== null",
    "/nhiem-vu": "document.querySelector('#tasks').dataset.state === 'ready'",
    "/tong-quan": "document.querySelector('#dashboard').dataset.state === 'ready'",
    "/van-ban": "document.querySelector('#documents').dataset.state === 'loaded'",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    settings = Settings(data_dir=args.data)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        documents = len(__import__("httpx").get(f"{url}/documents").json()["documents"])
        tasks = __import__("httpx").get(f"{url}/tasks", params={"limit": 1}).json()["total"]
        print(f"{documents} plans, {tasks} tasks served from {args.data}")
        print("page          first (ms)   median of the rest (ms)")
        for path, ready in PAGES.items():
            times = []
            for _ in range(args.rounds):
                page = browser.new_page()
                start = time.perf_counter()
                page.goto(url + path)
                page.wait_for_function(ready, timeout=60_000)
                times.append((time.perf_counter() - start) * 1000)
                page.close()
            rest = statistics.median(times[1:]) if len(times) > 1 else times[0]
            print(f"{path:<12} {times[0]:10.0f}   {rest:10.0f}")
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
