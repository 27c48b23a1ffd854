"""Facts a report states outside task tables, asked of a fictional report of another province:
a ranking table flattened into lines, a list whose lead-in sets its year, a figure stated in
the list item after the one that names its subject."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.settings import Settings
from tests.conftest import make_container

REPORT = """BÁO CÁO
Kết quả chuyển đổi số tỉnh Hà Giang năm 2024
I. Kết quả xếp hạng.
Kết quả xếp hạng các trụ cột của tỉnh như sau:
STT Trụ cột Thứ hạng 2023 Thứ hạng 2024
1 Chính quyền số Hạng 40/63 Hạng 31/63
2 Kinh tế số Hạng 55/63 Hạng 57/63
3 Xã hội số Hạng 12/63 Hạng 9/63
II. Kết quả vận hành.
- Duy trì hoạt động của Trung tâm điều hành thông minh (IOC) tỉnh, kết nối camera giám sát
giao thông và các hệ thống chuyên ngành.
- Từ đầu năm đến nay, đã tiếp nhận và xử lý 12.345 phản ánh của người dân.
- Mạng 5G đã phủ sóng 45% dân số của tỉnh.
III. Định hướng thời gian tới.
Phấn đấu đến năm 2028, cơ bản hình thành chính quyền số của tỉnh. Cụ thể:
- Mỗi người dân có danh tính số và tài khoản thanh toán điện tử.
- Mỗi trạm y tế xã triển khai bệnh án điện tử và khám chữa bệnh từ xa.
- Mỗi trường học triển khai học bạ số.
IV. Tổ chức thực hiện.
1. Sở Khoa học và Công nghệ: chủ trì vận hành Trung tâm IOC; tổng hợp báo cáo hằng quý.
"""


@pytest.fixture
def assistant(services, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "bao-cao-ha-giang-2024.txt"
    path.write_text(REPORT, encoding="utf-8")
    services.ingestor.ingest_file(path)
    settings = Settings(data_dir=tmp_path, today=date(2025, 1, 10))
    return make_container(services, settings).assistant  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("question", "want"),
    [
        ("xã hội số năm 2024 của tỉnh xếp hạng mấy", "9/63"),
        ("Năm 2024, trụ cột kinh tế số của tỉnh đứng thứ bao nhiêu?", "57/63"),
        ("dinh huong den 2028 tram y te xa phai trien khai gi", "bệnh án điện tử"),
        ("Từ đầu năm, Trung tâm IOC đã tiếp nhận bao nhiêu phản ánh?", "12.345"),
        # the rows compared, not matched by their words
        ("Năm 2024 trụ cột nào của tỉnh có thứ hạng cao nhất?", "Xã hội số"),
        ("tru cot nao tut hang manh nhat", "Kinh tế số"),
        ("Sở Khoa học và Công nghệ có trách nhiệm gì theo báo cáo?", "vận hành Trung tâm IOC"),
        ("mạng 5G phủ sóng bao nhiêu phần trăm dân số", "45%"),
    ],
)
def test_answered(assistant, question: str, want: str) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask(question)
    assert answer.found, answer.answer
    assert want in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Trung tâm IOC tiếp nhận bao nhiêu phản ánh năm 2020?",  # a year the report lacks
        "ai là giám đốc trung tâm IOC của tỉnh",  # a post the report never names
        "Sở Xây dựng có trách nhiệm gì theo báo cáo?",  # an agency the report never names
        "KẾ HOẠCH số mấy",  # a title line is no answer
        "Tỉnh nào đứng đầu cả nước về xã hội số năm 2024?",  # the rows are pillars, not provinces
        "mạng 6G phủ sóng bao nhiêu phần trăm dân số",  # a generation the report never names
        "Năm 2022 trụ cột xã hội số xếp thứ mấy?",  # the table gives 2023 and 2024
    ],
)
def test_refused(assistant, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask(question)
    assert not answer.found, answer.answer
