"""A plan unlike the seeds: another province, other header words, agencies no gazetteer lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.settings import Settings
from tests.conftest import make_container

HEADER = ["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Sản phẩm",
          "Thời gian thực hiện", "Ghi chú"]  # fmt: skip
ROWS: list[list[str] | str] = [
    "I. CẢI CÁCH THỂ CHẾ",
    ["1", "Rà soát thủ tục hành chính thuộc thẩm quyền của tỉnh", "Văn phòng UBND tỉnh",
     "Các sở, ban, ngành", "Báo cáo kết quả rà soát", "Quý II/2026", ""],
    ["2", "Bồi dưỡng kỹ năng số cho cán bộ, công chức", "Trường Chính trị tỉnh", "Sở Nội vụ",
     "Lớp bồi dưỡng", "Tháng 9/2026", ""],
    "II. HIỆN ĐẠI HÓA HÀNH CHÍNH",
    ["3", "Đánh giá chỉ số hài lòng của người dân", "Sở Nội vụ", "Hội Cựu chiến binh tỉnh",
     "Báo cáo", "Hằng năm", ""],
]  # fmt: skip


def write_plan(path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in [
        "Số: 123/KH-UBND",
        "KẾ HOẠCH",
        "Cải cách hành chính năm 2026",
        "I. TỔ CHỨC THỰC HIỆN",
        "1. Sở Tài chính bố trí kinh phí thực hiện Kế hoạch.",
        "2. Tỷ lệ hồ sơ giải quyết đúng hạn đạt trên 98%.",
        "PHỤ LỤC",
    ]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for row in ROWS:
        cells = table.add_row().cells
        if isinstance(row, str):
            cells[0].merge(cells[-1]).text = row
        else:
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
    document.save(str(path))
    return path


def _assistant(services, tmp_path: Path, *files: Path):
    for path in files:
        services.ingestor.ingest_file(path)
    settings = Settings(data_dir=tmp_path, today=date(2026, 1, 5))
    return make_container(services, settings).assistant


@pytest.fixture
def assistant(services, tmp_path: Path):
    return _assistant(services, tmp_path, write_plan(tmp_path / "cai-cach-hanh-chinh.docx"))


def test_tasks_read_from_other_header_words(assistant):
    answer = assistant.ask("Hạn rà soát thủ tục hành chính là khi nào?")
    assert answer.answer.startswith("Thời hạn hoàn thành: Quý II/2026. Nhiệm vụ 1")
    assert answer.sources[0].locator == "PHỤ LỤC, nhiệm vụ 1"
    answer = assistant.ask("Sản phẩm của nhiệm vụ đánh giá chỉ số hài lòng là gì?")
    assert answer.answer.startswith("Kết quả (sản phẩm) cần đạt: Báo cáo. Nhiệm vụ 3")


def test_an_agency_only_the_plan_names_is_understood(assistant):
    answer = assistant.ask("truong chinh tri tinh chu tri nhung nhiem vu nao")
    assert answer.answer.startswith("Trường Chính trị tỉnh chủ trì 1 nhiệm vụ")
    assert [t.number for t in answer.tasks] == ["2"]
    assert assistant.resolve_agency("Trường Chính trị tỉnh") == "Trường Chính trị tỉnh"


def test_an_agency_that_leads_nothing_gets_what_it_takes_part_in(assistant):
    answer = assistant.ask("Hội Cựu chiến binh tỉnh chủ trì nhiệm vụ nào?")
    assert answer.answer.startswith("Hội Cựu chiến binh tỉnh không chủ trì nhiệm vụ nào")
    assert [t.number for t in answer.tasks] == ["3"]


def test_an_agency_given_work_only_in_the_text(assistant):
    answer = assistant.ask("Sở Tài chính làm gì?")
    assert answer.found and "bố trí kinh phí" in answer.answer
    assert answer.sources[0].document_id == "cai-cach-hanh-chinh"


def test_a_task_row_found_by_its_words_reads_as_the_task(assistant):
    answer = assistant.ask("Nhiệm vụ bồi dưỡng kỹ năng số cho cán bộ là gì?")
    assert answer.found
    assert answer.answer.startswith("Nhiệm vụ 2 – “Bồi dưỡng kỹ năng số cho cán bộ, công chức”")
    assert "Cơ quan chủ trì: Trường Chính trị tỉnh" in answer.answer


@pytest.fixture
def two_plans(services, tmp_path: Path):
    from tests.plans import write_pdf

    return _assistant(
        services,
        tmp_path,
        write_plan(tmp_path / "cai-cach-hanh-chinh.docx"),
        write_pdf(tmp_path / "chuyen-doi-so-y-te.pdf"),
    )


def test_a_task_number_two_plans_share_is_answered_for_each(two_plans):
    answer = two_plans.ask("Ai chủ trì nhiệm vụ 2?")
    assert answer.answer.startswith("Có 2 kế hoạch có nhiệm vụ 2:")
    assert "Trường Chính trị tỉnh" in answer.answer and "Sở Y tế" in answer.answer
    assert sorted(t.document_id for t in answer.tasks) == [
        "cai-cach-hanh-chinh",
        "chuyen-doi-so-y-te",
    ]
    # the question's own words pick one plan
    answer = two_plans.ask("Ai chủ trì nhiệm vụ 2 về bệnh án điện tử?")
    assert answer.answer.startswith("Cơ quan chủ trì: Sở Y tế")
    assert [t.document_id for t in answer.tasks] == ["chuyen-doi-so-y-te"]


def test_a_list_over_several_plans_is_grouped_by_plan(two_plans):
    answer = two_plans.ask("Sở Nội vụ chủ trì những nhiệm vụ nào?")
    lines = answer.answer.splitlines()
    groups = [line for line in lines if line.endswith(":")][1:]
    assert len(groups) == 2 and {t.document_id for t in answer.tasks} == {
        "cai-cach-hanh-chinh",
        "chuyen-doi-so-y-te",
    }
    # each plan's tasks sit under its own title
    first = lines.index(groups[0])
    second = lines.index(groups[1])
    assert all(line.startswith("• NV") for line in lines[first + 1 : second])
