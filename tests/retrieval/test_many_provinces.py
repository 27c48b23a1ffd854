"""The seed plans with fifteen fictional plans of other provinces that share their agencies
and topics (SEMANTICS §4 scope): questions naming the seed plan or its province keep their
answers; unscoped ones list each province's plans under its name."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.settings import Settings
from tests.conftest import CORPUS, make_container
from tests.plans import write_table_docx

PROVINCES = [
    "Gia Lai", "Lâm Đồng", "Đồng Tháp", "An Giang", "Quảng Trị", "Tuyên Quang", "Phú Thọ",
    "Nghệ An", "Khánh Hòa", "Lào Cai", "Thái Nguyên", "Hà Tĩnh", "Quảng Ngãi", "Tây Ninh",
    "Vĩnh Long",
]  # fmt: skip
HEADER = ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Sản phẩm", "Thời hạn"]
# the seeds' agencies and topics, with other words and dates
DUTIES = [
    ("Triển khai bệnh án điện tử tại bệnh viện tuyến tỉnh", "Sở Y tế", "Bảo hiểm xã hội tỉnh"),
    ("Xây dựng cơ sở dữ liệu khoa học và công nghệ", "Sở Khoa học và Công nghệ", "Sở Tài chính"),
    ("Tuyên truyền về chuyển đổi số trên báo chí", "Sở Văn hóa, Thể thao và Du lịch", "Báo tỉnh"),
    ("Đào tạo kỹ năng số cho cán bộ cấp xã", "Sở Nội vụ", "UBND các xã, phường"),
]


def _plan(folder: Path, i: int, province: str) -> Path:
    lines = [
        "ỦY BAN NHÂN DÂN",
        f"TỈNH {province.upper()}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {100 + i}/KH-UBND",
        f"{province}, ngày {i + 1} tháng 3 năm 2026",
        "KẾ HOẠCH",
        f"Thực hiện chuyển đổi số và khoa học công nghệ tỉnh {province} năm 2026",
        "I. NHIỆM VỤ",
    ]
    rows = [
        [str(n + 1), name, lead, other, "Báo cáo", f"Quý {n % 4 + 1}/2026"]
        for n, (name, lead, other) in enumerate(DUTIES)
    ]
    return write_table_docx(folder / f"plan-{i}.docx", lines, HEADER, rows)


SCOPED = [
    "Sở Y tế tỉnh Bình Phước chủ trì những nhiệm vụ nào?",
    "Theo Kế hoạch 57, ai chủ trì triển khai bệnh án điện tử tại Bệnh viện tỉnh?",
    "Kế hoạch thực hiện Nghị quyết 57 của Bình Phước có bao nhiêu nhiệm vụ?",
    "đến 2030 bình phước phấn đấu bao nhiêu phần trăm doanh nghiệp có hoạt động đổi mới sáng tạo",
    "sở khcn binh phuoc chu tri bao nhieu nhiem vu",
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "other-provinces"
    path.mkdir()
    return path


@pytest.mark.slow
def test_scoped_questions_keep_their_answers(services, folder: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services.ingestor.ingest_paths([CORPUS])
    settings = Settings(data_dir=tmp_path, today=date(2025, 9, 10))
    before = {q: make_container(services, settings).assistant.ask(q).answer for q in SCOPED}  # type: ignore[attr-defined]
    for i, province in enumerate(PROVINCES):
        services.ingestor.ingest_file(_plan(folder, i, province))
    documents = services.stores.versions.active_documents()
    assert {d.province for d in documents} >= set(PROVINCES) | {"Bình Phước"}
    assistant = make_container(services, settings).assistant  # type: ignore[attr-defined]
    for question in SCOPED:
        assert assistant.ask(question).answer == before[question], question
    # unscoped: every province's plans, each under its province's name
    answer = assistant.ask("Sở Y tế chủ trì những nhiệm vụ nào?")
    plans = {t.document_id for t in answer.tasks}
    assert {f"plan-{i}" for i in range(len(PROVINCES))} < plans  # and the seed plan's
    headed = [line for line in answer.answer.splitlines() if line.startswith("[")]
    assert headed and all(line.split("]")[0][1:] in [*PROVINCES, "Bình Phước"] for line in headed)
    # a province with no plan: nothing from another province's
    refused = assistant.ask("Sở Y tế tỉnh Cà Mau chủ trì những nhiệm vụ nào?")
    assert not refused.tasks
