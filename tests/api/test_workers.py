"""Two API processes and one ingest worker over PostgreSQL and a Chroma server: an upload
through one API is answered by the other once its job is done; a worker killed mid-job
leaves the old version serving and its job failed, never half-active."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.server import free_port
from tests.conftest import new_database_url
from tests.plans import write_docx
from tests.retrieval.test_chroma_server import _start_chroma

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOKEN = "two-workers-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
QUESTION = {"question": "Hạn xây dựng kế hoạch phát triển hạ tầng số là khi nào?"}
PLANBOT = str(Path(sys.executable).parent / "planbot")


def _shared_stores(tmp_path: Path, chroma_port: int, **settings: str) -> dict[str, str]:
    """The environment of processes sharing a fresh PostgreSQL database and a Chroma server."""
    return {
        **os.environ,
        "PLANBOT_DATABASE_URL": new_database_url(tmp_path / "db", "postgresql"),
        "PLANBOT_CHROMA_HOST": "127.0.0.1",
        "PLANBOT_CHROMA_PORT": str(chroma_port),
        "PLANBOT_DATA_DIR": str(tmp_path / "data"),
        "PLANBOT_ADMIN_TOKEN": TOKEN,
        "PLANBOT_TODAY": "2025-09-10",
        **{f"PLANBOT_{name.upper()}": value for name, value in settings.items()},
    }


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[dict[str, object]]:
    chroma_port = free_port()
    chroma = _start_chroma(tmp_path / "chroma", chroma_port)
    env = _shared_stores(tmp_path, chroma_port, ingest_in_serve="false", ingest_stale_s="3")
    processes: dict[str, subprocess.Popen[bytes]] = {}
    urls = {}
    for name in ("a", "b"):
        port = free_port()
        processes[name] = _spawn(["serve", "--port", str(port)], env, tmp_path / f"{name}.log")
        urls[name] = f"http://127.0.0.1:{port}"
    processes["worker"] = _spawn(["worker"], env, tmp_path / "worker.log")
    for url in urls.values():
        _wait_healthy(url)
    try:
        yield {"urls": urls, "processes": processes, "env": env, "tmp": tmp_path}
    finally:
        for process in processes.values():
            process.kill()
            process.wait(timeout=20)
        chroma.kill()


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [PLANBOT, *args], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def _wait_healthy(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not become healthy")


def _upload(url: str, path: Path, doc_id: str | None = None) -> str:
    target = f"{url}/documents/{doc_id}" if doc_id else f"{url}/documents"
    with path.open("rb") as fh:
        response = httpx.request(
            "PUT" if doc_id else "POST",
            target,
            headers=AUTH,
            files={"file": (path.name, fh.read())},
            timeout=30,
        )
    assert response.status_code == 202, response.text
    return str(response.json()["job_id"])


def _job(url: str, job_id: str) -> dict[str, object]:
    return httpx.get(f"{url}/jobs/{job_id}", headers=AUTH, timeout=10).json()


def _wait_job(
    url: str, job_id: str, until: tuple[str, ...], seconds: float = 180
) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = _job(url, job_id)
        if body["status"] in until:
            return body
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} not {until} after {seconds} s: {body}")


def test_an_upload_through_one_api_is_answered_by_the_other(deployment) -> None:
    a, b = deployment["urls"]["a"], deployment["urls"]["b"]
    tmp = deployment["tmp"]
    job = _upload(a, write_docx(tmp / "plan.docx", version=1))
    done = _wait_job(b, job, ("added", "failed"))
    assert done["status"] == "added", done
    answer = httpx.post(f"{b}/ask", json=QUESTION, timeout=30).json()["answer"]
    assert answer.startswith("Thời hạn hoàn thành: 3/2026"), answer

    # a worker killed mid-job: the old version keeps serving, the job ends failed
    big = tmp / "v2.docx"
    write_docx(big, version=2)
    _pad(big, paragraphs=1500)  # long enough to be caught while it is read and embedded
    job = _upload(a, big, done["id"])
    _wait_job(b, job, ("running",), seconds=60)
    deployment["processes"]["worker"].send_signal(signal.SIGKILL)
    deployment["processes"]["worker"].wait(timeout=20)
    answer = httpx.post(f"{b}/ask", json=QUESTION, timeout=30).json()["answer"]
    assert answer.startswith("Thời hạn hoàn thành: 3/2026"), answer
    docs = httpx.get(f"{b}/documents", timeout=10).json()["documents"]
    assert [(d["id"], d["version"]) for d in docs] == [(done["id"], 1)]
    # a new worker fails the dead one's job and takes the next
    deployment["processes"]["worker"] = _spawn(["worker"], deployment["env"], tmp / "worker2.log")
    failed = _wait_job(b, job, ("failed",), seconds=60)
    assert "gián đoạn" in str(failed["detail"])
    again = _upload(b, write_docx(tmp / "v2b.docx", version=2), done["id"])
    assert _wait_job(a, again, ("updated", "failed"))["status"] == "updated"
    answer = httpx.post(f"{a}/ask", json=QUESTION, timeout=30).json()["answer"]
    assert answer.startswith("Thời hạn hoàn thành: 6/2026"), answer


def _pad(path: Path, paragraphs: int) -> None:
    import docx

    document = docx.Document(str(path))
    for i in range(paragraphs):
        document.add_paragraph(
            f"Đoạn bổ sung {i}: nội dung thuyết minh chi tiết về hạ tầng số, dữ liệu số và "
            f"nhân lực số của tỉnh, phục vụ việc theo dõi thực hiện kế hoạch (mục {i})."
        )
    document.save(str(path))


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def test_serve_with_several_workers(tmp_path: Path) -> None:
    """``planbot serve --workers 2`` over PostgreSQL and a Chroma server: two processes
    behind one port, each with its ingest worker; what one counts the other sees."""
    chroma_port, port = free_port(), free_port()
    chroma = _start_chroma(tmp_path / "chroma", chroma_port)
    env = _shared_stores(tmp_path, chroma_port, admin_max_failures="3")
    serve = _spawn(["serve", "--port", str(port), "--workers", "2"], env, tmp_path / "serve.log")
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, seconds=120)
        assert len(_children(serve.pid)) >= 2  # uvicorn's workers (and its resource tracker)
        job = _upload(url, write_docx(tmp_path / "plan.docx", version=1))
        assert _wait_job(url, job, ("added", "failed"))["status"] == "added"
        for _ in range(10):  # new connections, so the questions land on either process
            answer = httpx.post(f"{url}/ask", json=QUESTION, timeout=30).json()["answer"]
            assert answer.startswith("Thời hạn hoàn thành: 3/2026"), answer
        wrong = {"Authorization": "Bearer doan-sai-ma-quan-tri"}
        statuses = [
            httpx.delete(f"{url}/documents/x", headers=wrong, timeout=10).status_code
            for _ in range(4)
        ]
        assert statuses == [401, 401, 401, 429]  # counted in the database, not per process
    finally:
        serve.terminate()
        serve.wait(timeout=30)
        chroma.kill()


def test_several_workers_need_shared_stores(tmp_path: Path) -> None:
    env = {**os.environ, "PLANBOT_DATA_DIR": str(tmp_path / "data")}
    env.pop("PLANBOT_DATABASE_URL", None)
    env.pop("PLANBOT_CHROMA_HOST", None)
    done = subprocess.run(
        [PLANBOT, "serve", "--workers", "2", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "PostgreSQL" in done.stdout and "máy chủ Chroma" in done.stdout
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())
