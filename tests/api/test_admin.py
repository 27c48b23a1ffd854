"""Admin: upload, replace and delete plans through the API, with limits and auth."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.settings import Settings
from tests.api.jobs import finished
from tests.conftest import make_container
from tests.plans import write_docx, write_encrypted_pdf, write_pdf, write_textless_pdf

TOKEN = "s3cret-admin-token-of-24-chars"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def make_client(services, tmp_path: Path, **overrides) -> TestClient:
    settings = Settings(data_dir=tmp_path, today=date(2025, 9, 10), **overrides)
    container = make_container(services, settings)
    return TestClient(create_app(settings, container))


@pytest.fixture
def client(services, tmp_path: Path):
    with make_client(services, tmp_path, admin_token=TOKEN, max_upload_mb=1) as c:
        yield c


def upload(client: TestClient, path: Path, method: str = "post", url: str = "/documents"):
    with path.open("rb") as fh:
        response = client.request(
            method.upper(), url, headers=AUTH, files={"file": (path.name, fh.read(), DOCX)}
        )
    return finished(client, response)


def post(client: TestClient, name: str, data: bytes, kind: str = "text/plain"):
    response = client.post("/documents", headers=AUTH, files={"file": (name, data, kind)})
    return finished(client, response)


def state(client: TestClient, services) -> tuple[int, list[dict]]:
    return services.index.count(), client.get("/documents").json()["documents"]


@pytest.mark.parametrize("writer", [write_docx, write_pdf], ids=["docx", "pdf"])
def test_replace_serves_only_the_new_version(client: TestClient, services, tmp_path, writer):
    first = upload(client, writer(tmp_path / f"plan-v1{_ext(writer)}", version=1)).json()
    assert (first["version"], first["tasks_extracted"], first["status"]) == (1, 3, "added")
    doc_id = first["id"]
    v2 = writer(tmp_path / f"plan-v2{_ext(writer)}", version=2)
    second = upload(client, v2, "put", f"/documents/{doc_id}")
    assert second.status_code == 200, second.text
    body = second.json()
    assert (body["id"], body["version"], body["replaced_version"]) == (doc_id, 2, 1)
    changes = body["changes"]
    assert [t["number"] for t in changes["removed"]] == ["3"]
    assert changes["added"] == []
    fields = {c["number"]: c["fields"] for c in changes["changed"]}
    assert fields["1"] == {"deadline": ["3/2026", "6/2026"]}
    assert fields["2"]["lead_agencies"] == [["Sở Y tế"], ["Sở Khoa học và Công nghệ"]]
    assert client.get(f"/documents/{doc_id}/changes").json()["changes"] == changes

    tasks = client.get("/tasks").json()["tasks"]
    assert [(t["number"], t["deadline"]["text"]) for t in tasks] == [
        ("1", "6/2026"),
        ("2", "Quý IV/2025"),
    ]
    answer = client.post(
        "/ask",
        json={"question": "Hạn xây dựng kế hoạch phát triển hạ tầng số của tỉnh là khi nào?"},
    ).json()
    assert "6/2026" in answer["answer"] and "3/2026" not in answer["answer"]
    lead = client.post(
        "/ask", json={"question": "Ai chủ trì triển khai bệnh án điện tử tại các bệnh viện?"}
    ).json()
    assert lead["answer"].startswith("Cơ quan chủ trì: Sở Khoa học và Công nghệ")
    gone = client.post("/ask", json={"question": "Sở Nội vụ chủ trì những nhiệm vụ nào?"}).json()
    assert gone["found"] is False or "kỹ năng số" not in gone["answer"]
    assert services.index.versions() == {f"{doc_id}@2"}


def _ext(writer) -> str:
    return ".docx" if writer is write_docx else ".pdf"


def test_same_official_number_is_reported_as_a_new_version(client: TestClient, tmp_path):
    first = upload(client, write_docx(tmp_path / "a.docx", number="999/KH-UBND")).json()
    second = upload(client, write_docx(tmp_path / "b.docx", version=2, number="999/KH-UBND")).json()
    assert second["id"] == first["id"]
    assert (second["status"], second["version"]) == ("updated", 2)
    assert len(client.get("/documents").json()["documents"]) == 1


def test_delete_removes_the_document_from_answers(client: TestClient, services, tmp_path):
    doc_id = upload(client, write_docx(tmp_path / "plan.docx")).json()["id"]
    assert client.delete(f"/documents/{doc_id}", headers=AUTH).json() == {
        "id": doc_id,
        "deleted": True,
    }
    assert client.get("/tasks").json()["total"] == 0
    assert services.index.count() == 0
    answer = client.post(
        "/ask", json={"question": "Hạn xây dựng kế hoạch phát triển hạ tầng số là khi nào?"}
    ).json()
    assert answer["found"] is False


def test_auth(client: TestClient, services, tmp_path):
    path = write_docx(tmp_path / "plan.docx")
    before = state(client, services)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = client.post(
            "/documents", headers=headers, files={"file": ("plan.docx", path.read_bytes(), DOCX)}
        )
        assert response.status_code == 401
        assert "mã quản trị" in response.json()["detail"]
    assert client.delete("/documents/x").status_code == 401
    assert state(client, services) == before


def test_admin_is_off_without_a_configured_token(services, tmp_path):
    with make_client(services, tmp_path) as c:
        response = c.post("/documents", headers=AUTH, files={"file": ("a.txt", b"x", "text/plain")})
    assert response.status_code == 403 and "PLANBOT_ADMIN_TOKEN" in response.json()["detail"]


def test_bad_uploads_leave_the_index_as_it_was(client: TestClient, services, tmp_path):
    upload(client, write_docx(tmp_path / "plan.docx"))
    before = state(client, services)
    too_big = post(client, "big.txt", b"a" * (1024 * 1024 + 10))
    assert too_big.status_code == 413 and "1 MB" in too_big.json()["detail"]
    # a PNG named .pdf: the type is sniffed from the content
    png = post(client, "plan.pdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "application/pdf")
    assert png.status_code == 415 and "Định dạng không hỗ trợ" in png.json()["detail"]
    corrupt = post(client, "hong.pdf", b"%PDF-1.7\nbroken", "application/pdf")
    assert corrupt.status_code == 422 and "hong.pdf" in corrupt.json()["detail"]
    scanned = upload(client, write_textless_pdf(tmp_path / "scan.pdf"))
    assert scanned.status_code == 422 and "không có nội dung" in scanned.json()["detail"]
    locked = upload(client, write_encrypted_pdf(tmp_path / "locked.pdf"))
    assert locked.status_code == 422 and "mã hóa" in locked.json()["detail"]
    assert (
        client.put(
            "/documents/khong-co", headers=AUTH, files={"file": ("a.txt", b"x", "text/plain")}
        ).status_code
        == 404
    )
    assert client.delete("/documents/khong-co", headers=AUTH).status_code == 404
    assert client.get("/documents/khong-co/changes").status_code == 404
    assert state(client, services) == before


def test_concurrent_questions_during_a_replace_never_mix_versions(client: TestClient, tmp_path):
    doc_id = upload(client, write_docx(tmp_path / "v1.docx", version=1)).json()["id"]
    question = {"question": "Hạn xây dựng kế hoạch phát triển hạ tầng số của tỉnh là khi nào?"}
    errors: list[str] = []
    seen: list[str] = []
    stop = threading.Event()

    def asker() -> None:
        while not stop.is_set():
            response = client.post("/ask", json=question)
            if response.status_code != 200:
                errors.append(response.text)
                continue
            text = response.json()["answer"]
            if ("3/2026" in text) == ("6/2026" in text):
                errors.append(text)  # both versions, or neither
            seen.append("v1" if "3/2026" in text else "v2")

    threads = [threading.Thread(target=asker) for _ in range(8)]
    for t in threads:
        t.start()
    replaced = upload(
        client, write_docx(tmp_path / "v2.docx", version=2), "put", f"/documents/{doc_id}"
    )
    after = client.post("/ask", json=question).json()["answer"]
    stop.set()
    for t in threads:
        t.join()
    assert replaced.status_code == 200
    assert errors == []
    assert seen and "6/2026" in after and "3/2026" not in after


def test_tokens_are_checked_strictly(services, tmp_path: Path) -> None:
    with make_client(services, tmp_path, admin_token=TOKEN) as client:
        # a header with non-ASCII characters is a wrong token, not a server error
        raw = "Bearer mật-khẩu".encode()
        wrong = client.delete("/documents/x", headers={"Authorization": raw})  # type: ignore[dict-item]
        assert wrong.status_code == 401
        # job states are admin data too
        assert client.get("/jobs/abc").status_code == 401
        assert client.get("/jobs/abc", headers=AUTH).status_code == 404
    with make_client(services, tmp_path, admin_token="x") as client:
        refused = client.delete("/documents/x", headers={"Authorization": "Bearer x"})
        assert refused.status_code == 403 and "quá ngắn" in refused.json()["detail"]


def test_wrong_tokens_are_throttled(services, tmp_path: Path) -> None:
    with make_client(services, tmp_path, admin_token=TOKEN, admin_max_failures=3) as client:
        wrong = {"Authorization": "Bearer not-the-token"}
        for _ in range(3):
            assert client.delete("/documents/x", headers=wrong).status_code == 401
        throttled = client.delete("/documents/x", headers=wrong)
        assert throttled.status_code == 429
        assert int(throttled.headers["Retry-After"]) > 0
        assert "thử lại sau" in throttled.json()["detail"]
        # the client waits out the window before it is heard again, right token or not
        assert client.delete("/documents/x", headers=AUTH).status_code == 429


def test_the_throttle_is_shared_by_every_api_process(services, tmp_path: Path) -> None:
    """Two apps over one database, as two workers behind a load balancer: wrong tokens sent
    to one are refused by the other."""
    wrong = {"Authorization": "Bearer not-the-token"}
    with (
        make_client(services, tmp_path / "a", admin_token=TOKEN, admin_max_failures=2) as a,
        make_client(services, tmp_path / "b", admin_token=TOKEN, admin_max_failures=2) as b,
    ):
        assert a.delete("/documents/x", headers=wrong).status_code == 401
        assert b.delete("/documents/x", headers=wrong).status_code == 401
        assert a.delete("/documents/x", headers=AUTH).status_code == 429
        assert b.delete("/documents/x", headers=AUTH).status_code == 429


def test_admin_actions_are_audited(client: TestClient, tmp_path: Path) -> None:
    first = upload(client, write_docx(tmp_path / "v1.docx", version=1)).json()
    upload(client, write_docx(tmp_path / "v2.docx", version=2), "put", f"/documents/{first['id']}")
    assert client.delete(f"/documents/{first['id']}", headers=AUTH).status_code == 200
    assert client.delete("/documents/khong-co", headers=AUTH).status_code == 404
    wrong = client.delete("/documents/x", headers={"Authorization": "Bearer doan-sai-ma"})
    assert wrong.status_code == 401
    assert client.get("/audit").status_code == 401
    body = client.get("/audit", headers=AUTH)
    assert body.status_code == 200
    entries = body.json()["entries"]
    seen = [(e["action"], e["outcome"], e["document_id"]) for e in reversed(entries)]
    assert seen == [
        ("upload", "accepted", None),
        ("upload", "ok", first["id"]),
        ("replace", "accepted", first["id"]),
        ("replace", "ok", first["id"]),
        ("delete", "ok", first["id"]),
        ("delete", "failed", "khong-co"),
        ("login_failed", "refused", None),
        ("login_failed", "refused", None),  # GET /audit without a token
    ]
    assert all(e["client"] and e["at"] for e in entries)
    prints = {e["token_fingerprint"] for e in entries if e["action"] != "login_failed"}
    assert len(prints) == 1 and None not in prints  # one token, the same fingerprint
    assert TOKEN not in body.text and "doan-sai-ma" not in body.text


def test_the_framework_s_errors_are_said_in_vietnamese(client: TestClient) -> None:
    broken_json = client.post(
        "/ask", content='{"question": "Sở'.encode(), headers={"Content-Type": "application/json"}
    )
    assert broken_json.status_code == 422
    assert broken_json.json()["detail"] == "Yêu cầu không hợp lệ: nội dung JSON bị hỏng."
    not_an_object = client.post("/ask", json=["Sở Y tế"])
    assert not_an_object.status_code == 422 and "đối tượng JSON" in not_an_object.json()["detail"]
    broken_form = client.post(
        "/documents",
        headers={**AUTH, "Content-Type": "multipart/form-data; boundary=xyz"},
        content=b"--xyz\r\nContent-Disposition: form-data; name=file\r\n\r\nabc",
    )
    assert broken_form.status_code in (400, 422)
    assert not broken_form.json()["detail"].isascii()
    no_file = client.post("/documents", headers=AUTH, data={"other": "x"})
    assert no_file.status_code == 422 and "thiếu file" in no_file.json()["detail"]
    assert client.get("/khong-co").json()["detail"].startswith("Không tìm thấy")
    wrong_method = client.put("/ask", json={"question": "x"})
    assert wrong_method.status_code == 405 and "PUT" in wrong_method.json()["detail"]
    for response in (broken_json, not_an_object, no_file):
        assert set(response.json()) <= {"detail", "errors"}


def test_a_plan_s_body_and_appendix_upload_together_or_apart(client: TestClient, tmp_path):
    from tests.ingest.test_parts import ROWS, _appendix, _body

    body, appendix = _body(tmp_path), _appendix(tmp_path)
    together = client.post(
        "/documents",
        headers=AUTH,
        files=[
            ("file", (appendix.name, appendix.read_bytes(), DOCX)),
            ("file", (body.name, body.read_bytes(), "text/plain")),
        ],
    )
    done = finished(client, together)
    assert done.status_code == 200, done.body
    assert done.body["parts"] == ["ke-hoach.txt", "phu-luc.docx"]
    assert done.body["tasks_extracted"] == len(ROWS)
    listed = client.get(f"/documents/{done.body['id']}").json()
    assert listed["parts"] == ["ke-hoach.txt", "phu-luc.docx"] and listed["tasks"] == len(ROWS)
    assert client.delete(f"/documents/{done.body['id']}", headers=AUTH).status_code == 200

    assert post(client, body.name, body.read_bytes()).status_code == 200
    later = post(client, appendix.name, appendix.read_bytes(), DOCX)
    assert later.status_code == 200 and later.body["attached_to"] == done.body["id"]
    assert later.body["version"] == 2 and later.body["tasks_extracted"] == len(ROWS)
    entries = client.get("/audit", headers=AUTH).json()["entries"]
    assert entries[0]["action"] == "attach" and entries[0]["outcome"] == "ok"
    too_many = client.post(
        "/documents",
        headers=AUTH,
        files=[("file", (f"{i}.txt", b"x", "text/plain")) for i in range(11)],
    )
    assert too_many.status_code == 422 and "tối đa 10 tệp" in too_many.json()["detail"]
