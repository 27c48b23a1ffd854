"""Sentence splitting and answer-type checks of free-text evidence."""

from __future__ import annotations

from datetime import date

import pytest

from domain.agencies import Gazetteer
from domain.text import list_leads
from retrieval.answer import has_answer_type, trim
from retrieval.query import understand
from retrieval.units import split_sentences, units_with_leads


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def test_slide_labels_start_sentences():
    slide = (
        "VỀ HOẠT ĐỘNG XÃ HỘI SỐ Mục tiêu: 100% người dân được cấp danh tính số "
        "Nhiệm vụ: Triển khai nền tảng số Nhiệm vụ 2: Cấp chữ ký số cho người dân"
    )
    assert split_sentences(slide) == [
        "VỀ HOẠT ĐỘNG XÃ HỘI SỐ",
        "Mục tiêu: 100% người dân được cấp danh tính số",
        "Nhiệm vụ: Triển khai nền tảng số",
        "Nhiệm vụ 2: Cấp chữ ký số cho người dân",
    ]


def test_list_items_and_sentences():
    text = "Kết quả như sau:\n- Cấp 7.792 hộp thư. Đạt 100%.\na) Hệ thống họp không giấy."
    assert split_sentences(text) == [
        "Kết quả như sau:",
        "- Cấp 7.792 hộp thư.",
        "Đạt 100%.",
        "a) Hệ thống họp không giấy.",
    ]


def test_a_percentage_question_needs_a_percentage(gaz: Gazetteer):
    query = understand("Bao nhiêu phần trăm người dân có danh tính số?", gaz, date(2025, 9, 10))
    assert not has_answer_type(query, "Nhiệm vụ 47: Xây dựng kế hoạch. Thời gian hoàn thành: 2025")
    assert has_answer_type(query, "Mục tiêu: 100% người dân được cấp danh tính số")
    assert has_answer_type(query, "đạt 80 phần trăm người dân")


def test_a_count_needs_the_counted_noun(gaz: Gazetteer):
    query = understand("Tỉnh có bao nhiêu xã đạt chuẩn?", gaz, date(2025, 9, 10))
    assert has_answer_type(query, "Đã có 15 xã đạt chuẩn chuyển đổi số.")
    assert not has_answer_type(query, "Đã tổ chức 64 kỳ tuyên truyền.")


def test_trim_keeps_the_topic_in_view():
    sentence = "Mở đầu dài. " * 40 + "Kinh tế số chiếm 10% GRDP. " + "Phần cuối dài. " * 40
    cut = trim(sentence, ["kinh", "te", "so"], limit=120)
    assert len(cut) <= 122 and "Kinh tế số chiếm 10% GRDP" in cut
    assert cut.startswith("…") and cut.endswith("…")


def test_list_items_carry_their_lead_in():
    text = (
        "Phấn đấu đến năm 2030, hình thành xã hội số. Cụ thể:\n"
        "- Mỗi trạm y tế xã có bệnh án điện tử.\n- Mỗi trường học có học bạ số.\n"
        "Trên đây là định hướng.\nCác nội dung gồm:\n- Hạ tầng số."
    )
    leads = dict(units_with_leads(text))
    assert "năm 2030" in leads["- Mỗi trạm y tế xã có bệnh án điện tử."]
    assert leads["- Mỗi trường học có học bạ số."].endswith("Cụ thể:")
    assert leads["Trên đây là định hướng."] == ""
    assert leads["- Hạ tầng số."] == "Trên đây là định hướng. Các nội dung gồm:"


def test_a_long_lead_keeps_its_start_and_its_end():
    intro = ["Mục tiêu chung đến năm 2028 của tỉnh."] + ["Câu giữa dài dòng."] * 30 + ["Gồm:"]
    lead = list_leads([*intro, "- Mục một."])[-1]
    assert lead.startswith("Mục tiêu chung đến năm 2028") and lead.endswith("Gồm:")
    assert len(lead) <= 245


@pytest.mark.parametrize(
    ("question", "good", "bad"),
    [
        # a paper's number and date: a symbol and a date, not any sentence about it
        (
            "Kế hoạch về du lịch của tỉnh là kế hoạch số mấy, ban hành ngày nào?",
            "UBND tỉnh ban hành Kế hoạch số 18/KH-UBND ngày 02/3/2024 về du lịch.",
            "UBND tỉnh ban hành kế hoạch về du lịch năm 2024.",
        ),
        (
            "Tổ công tác được lập theo quyết định số mấy?",
            "Ban Thường vụ ban hành Quyết định số 51-QĐ/TU về thành lập Ban chỉ đạo.",
            "Tỉnh ủy đã thành lập Ban chỉ đạo.",
        ),
        # a post's holder: the post must be named
        (
            "ai là trưởng ban chỉ đạo chuyển đổi số của tỉnh",
            "Đồng chí Chủ tịch UBND tỉnh làm Trưởng ban chỉ đạo chuyển đổi số.",
            "Tỉnh ủy ban hành quyết định thành lập Ban chỉ đạo chuyển đổi số.",
        ),
        # a name the question does not give
        (
            "Cổng dịch vụ công của tỉnh có tên gọi là gì?",
            "- Cổng dịch vụ công của tỉnh (HaTinh eGov) đã vận hành.",
            "- Cổng dịch vụ công của tỉnh đã vận hành ổn định.",
        ),
        # a rank, not any figure
        (
            "Chỉ số DTI của tỉnh xếp thứ mấy cả nước?",
            "Năm 2024, tỉnh xếp thứ 12/63 tỉnh, thành phố.",
            "Năm 2024, chỉ số DTI của tỉnh đạt 0,45 điểm.",
        ),
        # "tổng kinh phí … bao nhiêu" is answered by money, not by a task's number or year
        (
            "Tổng kinh phí cho đề án bệnh án điện tử là bao nhiêu?",
            "Tổng kinh phí thực hiện đề án là 12,5 tỷ đồng.",
            "Nhiệm vụ 56: Triển khai đề án bệnh án điện tử. Thời gian hoàn thành: 2025",
        ),
    ],
)
def test_the_kind_of_fact_asked(gaz: Gazetteer, question: str, good: str, bad: str):
    query = understand(question, gaz, date(2025, 9, 10))
    assert has_answer_type(query, good)
    assert not has_answer_type(query, bad)
