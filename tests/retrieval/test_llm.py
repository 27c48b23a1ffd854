"""The optional LLM path against a fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from api.container import build_assistant
from domain.agencies import Gazetteer
from domain.settings import Settings
from retrieval.llm import OpenAIChatModel
from tests.conftest import CORPUS

pytestmark = pytest.mark.integration


class FakeOpenAI(BaseHTTPRequestHandler):
    requests: list[dict[str, object]] = []
    reply = "Theo kế hoạch, kinh tế số phấn đấu chiếm 10% GRDP đến năm 2025."

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        payload = {"choices": [{"message": {"role": "assistant", "content": FakeOpenAI.reply}}]}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_llm() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeOpenAI.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_llm_phrases_free_text_answers_from_cited_context(services, fake_llm: str, tmp_path: Path):
    services.ingestor.ingest_file(
        CORPUS / "chuong-trinh-chuyen-doi-so-den-2025-dinh-huong-2030.txt"
    )
    settings = Settings(
        data_dir=tmp_path,
        llm_base_url=fake_llm,
        llm_model="fake",
        llm_api_key="k",
        today=date(2025, 9, 10),
    )
    assistant = build_assistant(settings, services.stores, services.index, Gazetteer.load())
    answer = assistant.ask("Đến năm 2025 kinh tế số phải chiếm bao nhiêu phần trăm GRDP?")
    assert answer.found and answer.answer == FakeOpenAI.reply
    sent = FakeOpenAI.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer k"
    messages = sent["body"]["messages"]  # type: ignore[index]
    assert messages[0]["role"] == "system"
    assert "Kinh tế số chiếm 10% GRDP" in messages[1]["content"]  # the cited context


def test_llm_never_overrides_a_task_record(services, fake_llm: str, tmp_path: Path):
    services.ingestor.ingest_file(CORPUS / "ke-hoach-thuc-hien-nghi-quyet-57-2025.txt")
    settings = Settings(data_dir=tmp_path, llm_base_url=fake_llm, llm_model="fake")
    assistant = build_assistant(settings, services.stores, services.index, Gazetteer.load())
    answer = assistant.ask("Hạn hoàn thành đề án đô thị thông minh là khi nào?")
    assert answer.answer.startswith("Thời hạn hoàn thành: 12/2027")
    assert FakeOpenAI.requests == []


def test_llm_refusal_and_failures_fall_back_to_the_extract():
    def refusing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"choices": [{"message": {"content": "KHÔNG_CÓ_THÔNG_TIN"}}]}
        )

    model = OpenAIChatModel("http://127.0.0.1:1/v1", "m", transport=httpx.MockTransport(refusing))
    assert model.complete([{"role": "user", "content": "x"}]) == "KHÔNG_CÓ_THÔNG_TIN"
    broken = OpenAIChatModel(
        "http://127.0.0.1:1/v1", "m", transport=httpx.MockTransport(lambda r: httpx.Response(503))
    )
    assert broken.complete([{"role": "user", "content": "x"}]) is None
