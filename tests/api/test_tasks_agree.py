"""/ask and /tasks give the same tasks for the same agency, role, period and status."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain.settings import Settings
from tests.conftest import make_container
from tests.plans import write_table_docx

HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời hạn"]
ROWS = [
    ["1", "Số hóa hồ sơ bệnh án tại trạm y tế xã", "Sở Y tế", "Sở Tài chính", "Hệ thống", "Quý I/2026"],
    ["2", "Cấp chữ ký số cho công chức", "Sở Nội vụ", "Công an tỉnh; Sở Y tế", "Chữ ký số", "6/2026"],
    ["3", "Xây dựng kho dữ liệu dân cư dùng chung", "Công an tỉnh", "Sở Nội vụ", "Kho dữ liệu", "Quý III/2026"],
    ["4", "Bố trí kinh phí chuyển đổi số", "Sở Tài chính", "Sở Y tế, Sở Nội vụ", "Dự toán", "Trước 30/6/2026"],
    ["5", "Triển khai y tế từ xa", "Sở Y tế; Công an tỉnh", "Sở Tài chính", "Nền tảng", "12/2026"],
    ["6", "Đào tạo kỹ năng số cho người dân", "Sở Nội vụ", "Sở Y tế", "Lớp học", "Thường xuyên"],
    ["7", "Giám sát an toàn thông tin", "Công an tỉnh", "Sở Tài chính; Sở Nội vụ", "Báo cáo", "2027"],
    ["8", "Đánh giá mức độ hài lòng", "Sở Nội vụ", "Công an tỉnh", "Báo cáo", "Quý IV/2025"],
]  # fmt: skip
AGENCIES = ["Sở Y tế", "Sở Nội vụ", "Sở Tài chính", "Công an tỉnh"]
ROLES = {"lead": "chủ trì", "coordinating": "phối hợp", "any": "tham gia"}
PERIODS = {
    "quý 3/2026": (date(2026, 7, 1), date(2026, 9, 30)),
    "6 tháng đầu năm 2026": (date(2026, 1, 1), date(2026, 6, 30)),
    "năm 2026": (date(2026, 1, 1), date(2026, 12, 31)),
    "năm 2027": (date(2027, 1, 1), date(2027, 12, 31)),
}


def _plan(path: Path) -> Path:
    lines = ["Số: 77/KH-UBND", "KẾ HOẠCH", "Chuyển đổi số tỉnh Hà Tĩnh năm 2026", "PHỤ LỤC"]
    return write_table_docx(path, lines, HEADER, ROWS)


@pytest.fixture
def client(services, tmp_path: Path):  # type: ignore[no-untyped-def]
    services.ingestor.ingest_file(_plan(tmp_path / "ha-tinh.docx"))
    settings = Settings(data_dir=tmp_path, today=date(2026, 5, 15))
    with TestClient(create_app(settings, make_container(services, settings))) as test_client:  # type: ignore[arg-type]
        yield test_client


def _numbers(body: dict[str, object]) -> list[str]:
    return sorted(str(t["number"]) for t in body["tasks"])  # type: ignore[attr-defined,index]


@pytest.mark.parametrize("agency", AGENCIES)
@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("period", list(PERIODS))
def test_agency_role_period(client: TestClient, agency: str, role: str, period: str) -> None:
    start, end = PERIODS[period]
    question = f"{agency} {ROLES[role]} những nhiệm vụ nào phải xong trong {period}?"
    asked = client.post("/ask", json={"question": question}).json()
    listed = client.get(
        "/tasks",
        params={"agency": agency, "role": role, "due_from": str(start), "due_to": str(end)},
    ).json()
    assert _numbers(asked) == _numbers(listed), asked["answer"]


@pytest.mark.parametrize("agency", AGENCIES)
@pytest.mark.parametrize(
    ("words", "status"),
    [("đã quá hạn", "overdue"), ("còn hạn", "open"), ("làm thường xuyên", "recurring")],
)
def test_agency_status(client: TestClient, agency: str, words: str, status: str) -> None:
    asked = client.post("/ask", json={"question": f"{agency} chủ trì nhiệm vụ nào {words}?"}).json()
    listed = client.get(
        "/tasks", params={"agency": agency, "role": "lead", "status": status}
    ).json()
    assert _numbers(asked) == _numbers(listed), asked["answer"]


def test_no_role_said_means_the_tasks_it_leads(client: TestClient) -> None:
    asked = client.post("/ask", json={"question": "so y te co nv nao trong nam 2026 ko"}).json()
    listed = client.get(
        "/tasks",
        params={
            "agency": "Sở Y tế",
            "role": "lead",
            "due_from": "2026-01-01",
            "due_to": "2026-12-31",
        },
    ).json()
    assert _numbers(asked) == _numbers(listed) == ["1", "5"]
    assert "phối hợp thực hiện" in asked["answer"]  # and how many more it takes part in


def test_bên_mình_is_the_asker_s_agency(client: TestClient) -> None:
    question = "bên mình có việc gì phải xong trong năm 2026 ko"
    unknown = client.post("/ask", json={"question": question, "conversation_id": "c1"}).json()
    assert unknown["found"] is False and "đơn vị nào" in unknown["answer"]
    told = client.post(
        "/ask", json={"question": question, "conversation_id": "c1", "user_agency": "so y te"}
    ).json()
    named = client.post(
        "/ask", json={"question": "Sở Y tế có việc gì phải xong trong năm 2026?"}
    ).json()
    assert _numbers(told) == _numbers(named) == ["1", "5"]
    # said once, it holds for the conversation
    later = client.post(
        "/ask",
        json={"question": "đơn vị mình có nhiệm vụ nào quá hạn không", "conversation_id": "c1"},
    ).json()
    listed = client.get("/tasks", params={"agency": "Sở Y tế", "role": "lead", "status": "overdue"})
    assert _numbers(later) == _numbers(listed.json())
    # an agency named in the question wins over the asker's
    other = client.post(
        "/ask",
        json={"question": "Sở Nội vụ bên mình chủ trì những việc gì?", "conversation_id": "c1"},
    ).json()
    assert _numbers(other) == ["2", "6", "8"]
