"""The search lexicon (retrieval/data/lexicon.json), evidence units and the kinds of fact a
question asks for: general rules, each shown on text of no particular plan."""

from __future__ import annotations

from datetime import date

import pytest

from domain.agencies import Gazetteer
from domain.text import vietnamese_syllable
from retrieval.answer import has_answer_type
from retrieval.lexical import SYNONYMS, LexicalIndex, expand_query
from retrieval.query import understand
from retrieval.units import is_boilerplate, split_sentences


@pytest.mark.parametrize(
    ("text", "also"),
    [
        ("Kết nối CSDL quốc gia về đất đai", "co so du lieu"),
        ("xây dựng cơ sở dữ liệu ngành", "csdl"),
        ("tỷ lệ hồ sơ TTHC xử lý trực tuyến", "thu tuc hanh chinh"),
        ("nộp hồ sơ online", "truc tuyen"),
        ("Sở KH&CN chủ trì", "khoa hoc va cong nghe"),
    ],
)
def test_acronyms_and_synonyms_are_searched_both_ways(text: str, also: str) -> None:
    assert also in expand_query(text)


def test_every_lexicon_entry_is_symmetric() -> None:
    for phrase, others in SYNONYMS.items():
        for other in others:
            assert phrase in SYNONYMS[other], (phrase, other)


def test_an_acronym_finds_the_spelled_out_phrase() -> None:
    index = LexicalIndex(
        [("a", "Hoàn thành cơ sở dữ liệu đất đai"), ("b", "Tập huấn cán bộ cấp xã")]
    )
    assert index.search("csdl dat dai", k=1)[0][0] == "a"


@pytest.mark.parametrize(
    ("word", "vietnamese"),
    [("nghieng", True), ("rieng", True), ("khuyen", True), ("cyradar", False), ("zalo", False)],
)
def test_words_that_cannot_be_a_syllable_are_names(word: str, vietnamese: bool) -> None:
    assert vietnamese_syllable(word) is vietnamese


@pytest.mark.parametrize(
    "line",
    [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "- Tự do",
        "NÂNG CAO CHỈ SỐ CHUYỂN ĐỔI SỐ CỦA TỈNH NĂM 2026",
    ],
)
def test_frame_lines_are_never_evidence(line: str) -> None:
    assert is_boilerplate(line)


def test_facts_are_evidence() -> None:
    assert not is_boilerplate("Tỷ lệ hồ sơ xử lý trực tuyến đạt 80% trong năm 2026.")


def test_slide_bullets_split_units() -> None:
    slide = "Thách thức \uf0a7 Thiếu nhân lực số \uf0a7 Hạ tầng chưa đồng bộ"
    assert split_sentences(slide) == ["Thách thức", "Thiếu nhân lực số", "Hạ tầng chưa đồng bộ"]


def _query(text: str):  # type: ignore[no-untyped-def]
    return understand(text, Gazetteer.load(), date(2026, 5, 1))


@pytest.mark.parametrize(
    ("question", "text", "fits"),
    [
        ("kinh phí là bao nhiêu tiền?", "Tổng kinh phí 2 tỷ đồng cho mỗi nội dung", True),
        ("kinh phí là bao nhiêu tiền?", "Thực hiện tại 15 xã trên địa bàn", False),
        ("thử nghiệm ở bao nhiêu huyện?", "triển khai tại 03 huyện, thành phố", True),
        ("thử nghiệm ở bao nhiêu huyện?", "hoàn thành 100% hồ sơ", False),
        ("Xã phối hợp với doanh nghiệp làm những mô hình gì?", "Mô hình nông nghiệp số", True),
        ("Ai chủ trì xây dựng kho dữ liệu?", "Mô hình nông nghiệp số", False),
    ],
)
def test_the_kind_of_fact_asked(question: str, text: str, fits: bool) -> None:
    assert has_answer_type(_query(question), text) is fits
