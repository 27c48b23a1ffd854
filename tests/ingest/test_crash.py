"""An ingest process killed mid-way (kill -9) leaves the old version serving."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.uses_database]

PLAN = """Số: 777/KH-UBND
KẾ HOẠCH
Phát triển dữ liệu số của tỉnh
I. MỤC TIÊU
1. Mục tiêu chung
{body}
II. NHIỆM VỤ
1. Sở Thông tin và Truyền thông chủ trì xây dựng kho dữ liệu dùng chung, hoàn thành {deadline}.
"""


class FakeEmbeddings(BaseHTTPRequestHandler):
    block = threading.Event()  # set: the next request hangs (the process gets killed)
    reached = threading.Event()  # set when a blocked request arrived

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if FakeEmbeddings.block.is_set():
            FakeEmbeddings.reached.set()
            threading.Event().wait(60)
            return
        data = [{"index": i, "embedding": _vector(text)} for i, text in enumerate(body["input"])]
        payload = json.dumps({"data": data}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


def _vector(text: str) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [b / 255 for b in digest[:16]]


@pytest.fixture
def embedding_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeEmbeddings)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeEmbeddings.block.clear()
    FakeEmbeddings.reached.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    FakeEmbeddings.block.clear()
    server.shutdown()


def _env(data: Path, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PLANBOT_DATA_DIR": str(data),
        "PLANBOT_EMBEDDER": f"openai:{url}",
        "PLANBOT_EMBEDDING_MODEL": "fake",
    }


def test_kill_during_replace_keeps_the_old_version(tmp_path: Path, embedding_server: str):
    data = tmp_path / "data"
    v1, v2 = tmp_path / "v1.txt", tmp_path / "v2.txt"
    v1.write_text(PLAN.format(body="Dữ liệu được chia sẻ giữa các sở.", deadline="năm 2026"))
    v2.write_text(PLAN.format(body="Dữ liệu mở được công bố hằng quý.", deadline="năm 2027"))
    cli = [sys.executable, "-m", "api.cli"]
    env = _env(data, embedding_server)
    done = subprocess.run(
        [*cli, "ingest", str(v1)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr

    from api.container import build_container
    from domain.settings import Settings

    settings = Settings(
        data_dir=data, embedder=f"openai:{embedding_server}", embedding_model="fake"
    )
    before = build_container(settings)
    doc = before.stores.versions.active_documents()[0]
    chunks_before = before.index.count()
    before.close()

    FakeEmbeddings.block.set()
    process = subprocess.Popen(
        [*cli, "ingest", "--replace", doc.id, str(v2)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert FakeEmbeddings.reached.wait(90), "the replace never reached the embedder"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    FakeEmbeddings.block.clear()

    after = build_container(settings)
    assert after.stores.versions.stale_versions() != []  # the killed run left a pending version
    assert after.ingestor.cleanup() >= 1  # what serve/ingest do on start
    docs = after.stores.versions.active_documents()
    assert [(d.id, d.version) for d in docs] == [(doc.id, 1)]
    assert after.stores.versions.stale_versions() == []
    assert after.index.versions() == {f"{doc.id}@1"}
    assert after.index.count() == chunks_before
    answer = after.assistant.ask("Kho dữ liệu dùng chung hoàn thành năm nào?")
    assert "2026" in answer.answer and "2027" not in answer.answer
    after.close()
