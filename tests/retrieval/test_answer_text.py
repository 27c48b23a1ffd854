"""Sentence splitting and answer-type checks of free-text evidence."""

from __future__ import annotations

from datetime import date

import pytest

from domain.agencies import Gazetteer
from retrieval.answer import has_answer_type, split_sentences, trim
from retrieval.query import understand


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
