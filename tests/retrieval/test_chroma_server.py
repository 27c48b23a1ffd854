"""The index against a real ``chroma run`` server on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.errors import IndexUnavailableError
from domain.records import Chunk
from retrieval.embedders import CachedEmbeddings
from stores.vectors import ChromaIndex

pytestmark = [pytest.mark.integration, pytest.mark.uses_database]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = _free_port()
    proc = _start_chroma(tmp_path_factory.mktemp("chroma"), port)
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def _chunk(text: str, version: int = 1) -> Chunk:
    return Chunk(
        text=text,
        document_id="doc",
        version=version,
        heading_path=("I.",),
        locator=f"I. {text[:10]}",
    )


def test_server_mode_add_query_delete(chroma_server: int, hash_embedder) -> None:
    index = ChromaIndex(
        CachedEmbeddings(hash_embedder),
        host="127.0.0.1",
        port=chroma_server,
        collection="server_test",
    )
    added = index.add(
        [
            _chunk("Sở Y tế chủ trì bệnh án điện tử"),
            _chunk("Sở Nội vụ đào tạo kỹ năng số"),
            _chunk("Sở Y tế chủ trì bệnh án điện tử", version=2),
        ]
    )
    assert added == 3 and index.count() == 3
    hits = index.query("bệnh án điện tử", k=2, versions=["doc@1"])
    assert hits[0].text == "Sở Y tế chủ trì bệnh án điện tử" and hits[0].version == 1
    assert index.add([_chunk("Sở Nội vụ đào tạo kỹ năng số")]) == 0
    index.delete_versions(["doc@1"])
    assert index.versions() == {"doc@2"}


def test_dead_server_is_a_clear_error(hash_embedder) -> None:
    index = ChromaIndex(CachedEmbeddings(hash_embedder), host="127.0.0.1", port=_free_port())
    with pytest.raises(IndexUnavailableError):
        index.count()
    assert index.heartbeat() is False


def _start_chroma(path: Path, port: int) -> subprocess.Popen[bytes]:
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail("chroma run did not start")


def _served(tmp_path: Path, port: int, **overrides):  # type: ignore[no-untyped-def]
    from datetime import date

    from fastapi.testclient import TestClient

    from api.app import create_app
    from domain.settings import Settings

    settings = Settings(
        data_dir=tmp_path / "data",
        chroma_host="127.0.0.1",
        chroma_port=port,
        admin_token=TOKEN,
        today=date(2025, 9, 10),
        **overrides,
    )
    return TestClient(create_app(settings))


TOKEN = "chroma-test-admin-token-24+"
TASK_QUESTION = {"question": "Hạn xây dựng kế hoạch phát triển hạ tầng số là khi nào?"}


def _upload_plan(client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.api.jobs import finished
    from tests.plans import write_docx

    plan = write_docx(tmp_path / "plan.docx")
    added = client.post(
        "/documents",
        headers={"Authorization": f"Bearer {TOKEN}"},
        files={"file": ("plan.docx", plan.read_bytes(), "x")},
    )
    assert finished(client, added).status_code == 200


def test_api_over_a_chroma_server_that_dies(tmp_path: Path) -> None:
    port = _free_port()
    proc = _start_chroma(tmp_path / "chroma", port)
    try:
        with _served(tmp_path, port) as client:
            _upload_plan(client, tmp_path)
            answer = client.post("/ask", json=TASK_QUESTION).json()["answer"]
            assert answer.startswith("Thời hạn hoàn thành: 3/2026")
            proc.kill()
            proc.wait(timeout=10)
            health = client.get("/health")
            assert health.status_code == 503
            assert health.json()["parts"] == {"database": "ok", "index": "down"}
            # the lexical search and the task records answer without the vector index
            asked = client.post("/ask", json={"question": "Trung tâm dữ liệu ở đâu?"})
            assert asked.status_code == 200, asked.text
            assert "vector" not in asked.text and "index" not in asked.text
            answer = client.post("/ask", json=TASK_QUESTION).json()["answer"]
            assert answer.startswith("Thời hạn hoàn thành: 3/2026")
            assert client.get("/tasks").json()["total"] == 3
            # an upload while the index is down fails clearly and leaves no pending version
            from tests.api.jobs import finished
            from tests.plans import write_pdf

            other = write_pdf(tmp_path / "other.pdf")
            refused = finished(
                client,
                client.post(
                    "/documents",
                    headers={"Authorization": f"Bearer {TOKEN}"},
                    files={"file": ("other.pdf", other.read_bytes(), "x")},
                ),
            )
            assert refused.status_code == 503, refused.body
            assert "không phản hồi" in refused.body["detail"]
            stores = client.app.state.container.stores
            assert stores.versions.stale_versions() == []
            assert len(client.get("/documents").json()["documents"]) == 1
    finally:
        proc.kill()


def test_a_hung_chroma_server_never_holds_the_api(tmp_path: Path) -> None:
    """A server stopped with SIGSTOP accepts connections but never answers."""
    import os
    import signal

    port = _free_port()
    proc = _start_chroma(tmp_path / "chroma", port)
    try:
        with _served(tmp_path, port, chroma_timeout_s=2.0, health_timeout_s=1.0) as client:
            _upload_plan(client, tmp_path)
            assert client.get("/health").json()["parts"]["index"] == "ok"
            os.kill(proc.pid, signal.SIGSTOP)
            times = {}
            start = time.perf_counter()
            health = client.get("/health")
            times["health"] = time.perf_counter() - start
            assert health.status_code == 503
            assert health.json()["parts"] == {"database": "ok", "index": "down"}
            for turn in ("first question", "second question"):
                start = time.perf_counter()
                asked = client.post("/ask", json=TASK_QUESTION)
                times[turn] = time.perf_counter() - start
                assert asked.status_code == 200, asked.text
                assert asked.json()["answer"].startswith("Thời hạn hoàn thành: 3/2026")
            print(  # noqa: T201
                "\nChroma stopped: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in times.items())
            )
            os.kill(proc.pid, signal.SIGCONT)
            deadline = time.monotonic() + 20
            while client.get("/health").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert client.get("/health").json()["parts"] == {"database": "ok", "index": "ok"}
    finally:
        os.kill(proc.pid, signal.SIGCONT)
        proc.kill()


def test_a_process_sharing_its_port_serves_only_once_its_search_is_read(tmp_path: Path) -> None:
    """Processes behind one port (``serve --workers N``) take connections once started, so
    each reads the passages into its search while starting. Chroma is paused as the app
    starts and goes for good once it has: the passages read while starting still answer a
    question only they hold. (Read in the background, they may not be read by then: on a
    province's plans they take seconds.)"""
    import os
    import signal
    import threading

    import docx
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.container import build_container
    from domain.settings import Settings
    from tests.plans import write_docx

    port = _free_port()
    proc = _start_chroma(tmp_path / "chroma", port)
    settings = Settings(data_dir=tmp_path / "data", chroma_host="127.0.0.1", chroma_port=port)
    try:
        ingesting = build_container(settings)
        plan = write_docx(tmp_path / "plan.docx")
        with_prose = docx.Document(str(plan))
        with_prose.add_paragraph("II. YÊU CẦU")
        with_prose.add_paragraph(
            "Bảo đảm an toàn thông tin mạng theo cấp độ trong quá trình vận hành các nền "
            "tảng dùng chung của tỉnh."
        )
        with_prose.save(str(plan))
        [added] = ingesting.ingestor.ingest_paths([plan])
        assert added.status == "added"
        ingesting.close()
        container = build_container(settings)  # its search has read nothing yet
        os.kill(proc.pid, signal.SIGSTOP)
        resume = threading.Timer(2.0, os.kill, (proc.pid, signal.SIGCONT))
        resume.start()
        app = create_app(settings, container, warm_before_serving=True)
        with TestClient(app) as client:
            proc.kill()
            proc.wait(timeout=10)
            assert client.get("/health").json()["parts"]["index"] == "down"
            asked = client.post("/ask", json={"question": "Yêu cầu về an toàn thông tin mạng?"})
            assert "theo cấp độ" in asked.json()["answer"], asked.text
        resume.cancel()
    finally:
        proc.kill()
