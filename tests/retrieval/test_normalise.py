"""Chat wording read as plain Vietnamese (retrieval/data/chat.json)."""

from __future__ import annotations

import pytest

from retrieval.normalise import normalise


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (
            "sở y tế có bn nv phải xong trc t9 ko ạ",
            "sở y tế có bao nhiêu nhiệm vụ phải xong trước t9 không",
        ),
        ("Nhiệm vụ 27 do ai chủ trì? Xin cảm ơn", "Nhiệm vụ 27 do ai chủ trì"),
        ("cho em hỏi ai chủ trì ạ", "ai chủ trì"),
        ("bn oi cho hoi kh 57 co bn nhiem vu", "kế hoạch 57 co bao nhiêu nhiem vu"),
        ("cam on ad, cds la gi vay", "chuyển đổi số la gì"),
        ("sp cua nv nay la j v", "sản phẩm cua nhiệm vụ nay la gì"),
        ("viec nay xong dc chua", "viec nay xong được chua"),
        (
            "bệnh án điện tử ở bv tỉnh bao h xong vậy ad",
            "bệnh án điện tử ở bệnh viện tỉnh bao giờ xong",
        ),
        ("sở tt&tt phối hợp vs ai", "sở thông tin và truyền thông phối hợp với ai"),
        # several readings, picked by the words around them
        ("cảm ơn bn nhé", "cảm ơn bạn"),
        ("tỷ lệ đạt bn %", "tỷ lệ đạt bao nhiêu %"),
        ("so dt lien he cua so y te", "so điện thoại lien he cua so y te"),
        ("chinh quyen dt la gi", "chinh quyen điện tử la gì"),
        ("von dt cong nam 2026", "von đầu tư cong nam 2026"),
        ("mo tk dinh danh dien tu", "mo tài khoản dinh danh dien tu"),
        # symbols, words with marks and meaningful endings stay as they are
        ("Kế hoạch 57/KH-UBND có bao nhiêu nhiệm vụ?", "Kế hoạch 57/KH-UBND có bao nhiêu nhiệm vụ"),
        ("Tỷ lệ 100% hồ sơ (năm 2025)?", "Tỷ lệ 100% hồ sơ (năm 2025)"),
        ("Sở Y tế chủ trì đúng không?", "Sở Y tế chủ trì đúng không"),
        ("hồng", "hồng"),
        ("cảm ơn", "cảm ơn"),
    ],
)
def test_chat_wording(typed: str, read: str) -> None:
    assert normalise(typed).text == read


def test_folded_twin() -> None:
    assert normalise("Đơn vị nào phối hợp ạ?").folded == "don vi nao phoi hop"
