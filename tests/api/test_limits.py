"""Bounded work: uploads past a limit fail with its error while the server keeps
answering; requests are refused before their body is read; ingest never blocks questions."""

from __future__ import annotations

import io
import resource
import statistics
import threading
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from fpdf import FPDF

from api.app import create_app
from api.container import Container, build_assistant, ingest_limits
from domain.agencies import Gazetteer
from domain.settings import Settings
from ingest.pipeline import Ingestor
from ingest.sandbox import BoundedParser
from tests.api.jobs import finished
from tests.api.server import raw_request, running
from tests.plans import write_docx

TOKEN = "limits-test-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
QUESTION = {"question": "Hạn xây dựng kế hoạch phát triển hạ tầng số là khi nào?"}


def bounded_client(services, tmp_path: Path, **overrides) -> TestClient:
    """The real app over the test stores, parsing uploads in the bounded worker."""
    settings = Settings(data_dir=tmp_path, today=date(2025, 9, 10), admin_token=TOKEN, **overrides)
    gazetteer = Gazetteer.load()
    ingestor = Ingestor(
        versions=services.stores.versions,
        records=services.stores.records,
        index=services.index,
        gazetteer=gazetteer,
        parse=BoundedParser(ingest_limits(settings)).parse,
    )
    container = Container(
        settings,
        services.stores,
        services.index,
        services.embeddings,
        gazetteer,
        ingestor,
        build_assistant(settings, services.stores, services.index, gazetteer),
    )
    return TestClient(create_app(settings, container))


def zip_bomb(docx: Path, inflated_mb: int) -> bytes:
    """A real DOCX with one extra member of zeros that inflates to ``inflated_mb``."""
    out = io.BytesIO()
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        with dst.open("word/media/image1.bin", "w") as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(inflated_mb):
                member.write(block)
    return out.getvalue()


def many_pages(pages: int) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for i in range(pages):
        pdf.add_page()
        pdf.cell(0, 10, f"Page {i + 1}: task {i + 1} of the province plan.")
    return bytes(pdf.output())


def _ask_while(client: TestClient, job_done: threading.Event) -> list[float]:
    """Ask the same question until the job is over; returns each answer's seconds."""
    latencies = []
    while not job_done.is_set() or not latencies:
        start = time.perf_counter()
        response = client.post("/ask", json=QUESTION)
        latencies.append(time.perf_counter() - start)
        assert response.status_code == 200 and response.json()["found"] is True
    return latencies


def _upload_while_asking(client: TestClient, name: str, data: bytes):
    done = threading.Event()
    answered: list[list[float]] = []
    asker = threading.Thread(target=lambda: answered.append(_ask_while(client, done)))
    asker.start()
    try:
        accepted = client.post("/documents", headers=AUTH, files={"file": (name, data, "x")})
        outcome = finished(client, accepted)
    finally:
        done.set()
        asker.join()
    latencies = answered[0]
    print(  # noqa: T201
        f"\n{name}: {len(latencies)} questions answered during the upload, "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; "
        f"peak memory: server {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB,"
        f" parser workers {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB"
    )
    return accepted, outcome


def test_a_zip_bomb_fails_with_the_inflated_size_limit(services, tmp_path: Path) -> None:
    with bounded_client(services, tmp_path, ingest_max_inflated_mb=50) as client:
        plan = write_docx(tmp_path / "plan.docx")
        assert (
            finished(
                client,
                client.post(
                    "/documents",
                    headers=AUTH,
                    files={"file": ("plan.docx", plan.read_bytes(), "x")},
                ),
            ).status_code
            == 200
        )
        before = (services.index.count(), client.get("/documents").json())
        bomb = zip_bomb(plan, inflated_mb=400)
        assert len(bomb) < 2 * 1024 * 1024  # small on the wire
        accepted, outcome = _upload_while_asking(client, "bom.docx", bomb)
        assert accepted.status_code == 202
        assert outcome.status_code == 413, outcome.body
        assert "giải nén" in outcome.body["detail"] and "50 MB" in outcome.body["detail"]
        assert (services.index.count(), client.get("/documents").json()) == before


def test_a_pdf_of_too_many_pages_fails_with_the_page_limit(services, tmp_path: Path) -> None:
    with bounded_client(services, tmp_path, ingest_max_pages=40) as client:
        plan = write_docx(tmp_path / "plan.docx")
        finished(
            client,
            client.post(
                "/documents", headers=AUTH, files={"file": ("plan.docx", plan.read_bytes(), "x")}
            ),
        )
        before = (services.index.count(), client.get("/documents").json())
        accepted, outcome = _upload_while_asking(client, "dai.pdf", many_pages(120))
        assert outcome.status_code == 413, outcome.body
        assert "120 trang" in outcome.body["detail"] and "40 trang" in outcome.body["detail"]
        assert (services.index.count(), client.get("/documents").json()) == before


def test_a_parse_past_the_memory_cap_is_stopped(services, tmp_path: Path) -> None:
    line = "Sở Giao thông vận tải chủ trì xây dựng đề án chuyển đổi số, hoàn thành Quý III/2027.\n"
    text = (line * 250_000).encode()  # ~25 MB of text
    with bounded_client(services, tmp_path, ingest_max_memory_mb=100, max_upload_mb=30) as client:
        accepted, outcome = _upload_while_asking_empty(client, "lon.txt", text)
        assert outcome.status_code == 413, outcome.body
        assert "100 MB bộ nhớ" in outcome.body["detail"]
        assert client.get("/documents").json()["documents"] == []
    # the same file is read when the cap allows it
    with bounded_client(services, tmp_path, ingest_max_memory_mb=2048, max_upload_mb=30) as client:
        small = finished(
            client,
            client.post(
                "/documents",
                headers=AUTH,
                files={"file": ("nho.txt", text[: 2000 * len(line.encode())], "x")},
            ),
        )
        assert small.status_code == 200, small.body


def _upload_while_asking_empty(client: TestClient, name: str, data: bytes):
    accepted = client.post("/documents", headers=AUTH, files={"file": (name, data, "x")})
    return accepted, finished(client, accepted)


@pytest.fixture
def served(services, tmp_path: Path):
    client = bounded_client(services, tmp_path, max_upload_mb=1, max_request_kb=8)
    with running(client.app) as address:
        yield address


def test_a_body_without_the_admin_token_is_refused_before_it_is_read(served) -> None:
    # 300 MB declared, none sent: the answer comes at once, so the body was never awaited
    head = (
        b"POST /documents HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
        b"boundary=b\r\nContent-Length: 314572800\r\n\r\n"
    )
    answer = raw_request(served, head)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert "mã quản trị".encode() in answer


def test_a_declared_size_past_the_limit_is_refused_before_the_body(served) -> None:
    head = (
        b"POST /documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + TOKEN.encode()
        + b"\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 314572800\r\n\r\n"
    )
    answer = raw_request(served, head)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"1 MB" in answer
    ask = b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 314572800\r\n\r\n"
    answer = raw_request(served, ask)
    assert answer.startswith(b"HTTP/1.1 413") and b"8 KB" in answer


def test_a_chunked_body_is_cut_off_at_the_limit(served) -> None:
    head = (
        b"POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"a" * 4096
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4))  # 16 KB, no end
    answer = raw_request(served, head, body)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_oversized_headers_are_refused(served) -> None:
    head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 20_000 + b"\r\n\r\n"
    answer = raw_request(served, head)
    assert answer.startswith((b"HTTP/1.1 431", b"HTTP/1.1 400")), answer[:200]


def test_questions_are_answered_during_an_upload(services, tmp_path: Path) -> None:
    with bounded_client(services, tmp_path) as client:
        plan = write_docx(tmp_path / "plan.docx")
        finished(
            client,
            client.post(
                "/documents", headers=AUTH, files={"file": ("plan.docx", plan.read_bytes(), "x")}
            ),
        )
        big = many_pages(150)
        accepted, outcome = _upload_while_asking(client, "ke-hoach-dai.pdf", big)
        assert accepted.status_code == 202 and outcome.status_code == 200, outcome.body
