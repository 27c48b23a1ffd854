"""Comparing the rows of a table of values (fictional rankings and figures)."""

from __future__ import annotations

import pytest

from retrieval.tables import comparison_asked, parse_row, pick_row

RANKS = [
    parse_row("Chính quyền số — Thứ hạng 2023: Hạng 40/63; Thứ hạng 2024: Hạng 31/63"),
    parse_row("Kinh tế số — Thứ hạng 2023: Hạng 55/63; Thứ hạng 2024: Hạng 57/63"),
    parse_row("Xã hội số — Thứ hạng 2023: Hạng 12/63; Thứ hạng 2024: Hạng 9/63"),
]
FIGURES = [
    parse_row("Hồ sơ trực tuyến — 2024: 45%; 2025: 60%"),
    parse_row("Thanh toán trực tuyến — 2024: 30,5%; 2025: 41%"),
    parse_row("Điểm wifi công cộng — 2024: 1.200; 2025: 1.150"),
]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("trụ cột nào xếp hạng cao nhất năm 2024", "best"),
        ("chi so nao kem nhat", "worst"),
        ("lĩnh vực nào bị tụt hạng mạnh nhất", "fall"),
        ("chỉ tiêu nào tăng nhiều nhất so với năm trước", "rise"),
        ("trụ cột kinh tế số xếp hạng mấy", None),
    ],
)
def test_the_comparison_asked(question: str, kind: str | None) -> None:
    from domain.text import fold

    asked = comparison_asked(fold(question).replace("đ", "d"))
    assert (asked[0] if asked else None) == kind


def test_ranks_are_better_when_smaller() -> None:
    rows = [r for r in RANKS if r]
    assert pick_row(rows, "best", ["2024"])[0].label == "Xã hội số"  # type: ignore[index]
    assert pick_row(rows, "best", ["2023"])[0].label == "Xã hội số"  # type: ignore[index]
    assert pick_row(rows, "worst", ["2024"])[0].label == "Kinh tế số"  # type: ignore[index]
    assert pick_row(rows, "fall", [])[0].label == "Kinh tế số"  # type: ignore[index]
    assert pick_row(rows, "rise", [])[0].label == "Chính quyền số"  # type: ignore[index]


def test_figures_are_better_when_larger() -> None:
    rows = [r for r in FIGURES if r]
    assert pick_row(rows, "best", ["2025"])[0].label == "Điểm wifi công cộng"  # type: ignore[index]
    assert pick_row(rows, "rise", [])[0].label == "Hồ sơ trực tuyến"  # type: ignore[index]
    assert pick_row(rows, "fall", [])[0].label == "Điểm wifi công cộng"  # type: ignore[index]
