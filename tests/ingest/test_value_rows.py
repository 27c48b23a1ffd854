"""Tables of values flattened into lines: rows bound to their header (fictional tables)."""

from __future__ import annotations

from ingest.value_rows import find_value_tables

RANKING = [
    "Kết quả xếp hạng của tỉnh Hà Giang như sau:",
    "STT Trụ cột Thứ hạng 2023 Thứ hạng 2024",
    "",
    "1 Chính quyền số Hạng 40/63 Hạng 31/63",
    "2 Kinh tế số Hạng 55/63 Hạng 57/63",
    "3 Xã hội số Hạng 12/63 Hạng 9/63",
    "Chung 44/63 38/63",
    "Tỉnh tiếp tục cải thiện các chỉ số.",
]


def test_a_ranking_by_year_reads_as_rows_with_their_columns() -> None:
    (table,) = find_value_tables(RANKING)
    assert table.label_name == "Trụ cột"
    assert table.columns == ("Thứ hạng 2023", "Thứ hạng 2024")
    assert table.row_texts() == [
        "Chính quyền số — Thứ hạng 2023: Hạng 40/63; Thứ hạng 2024: Hạng 31/63",
        "Kinh tế số — Thứ hạng 2023: Hạng 55/63; Thứ hạng 2024: Hạng 57/63",
        "Xã hội số — Thứ hạng 2023: Hạng 12/63; Thứ hạng 2024: Hạng 9/63",
        "Chung — Thứ hạng 2023: 44/63; Thứ hạng 2024: 38/63",
    ]
    assert [r.line for r in table.rows] == [3, 4, 5, 6]


def test_years_as_column_names_and_percentages() -> None:
    lines = [
        "TT Chỉ tiêu 2024 2025",
        "1. Tỷ lệ hồ sơ trực tuyến toàn trình 45% 60%",
        "2. Tỷ lệ thanh toán trực tuyến 30,5% 41%",
        "3. Số xã có điểm wifi công cộng 12 20",
    ]
    (table,) = find_value_tables(lines)
    assert table.columns == ("2024", "2025")
    assert table.row_texts()[1] == "Tỷ lệ thanh toán trực tuyến — 2024: 30,5%; 2025: 41%"


def test_one_value_column_whose_name_is_unknown() -> None:
    lines = ["Điểm đánh giá các huyện", "1 Huyện Bắc Mê 512,4 điểm", "2 Huyện Yên Minh 498 điểm",
             "3 Huyện Đồng Văn 471,25 điểm"]  # fmt: skip
    (table,) = find_value_tables(lines)
    assert table.rows[0].label == "Huyện Bắc Mê" and table.rows[0].values == ("512,4 điểm",)


def test_numbered_prose_is_no_table() -> None:
    lines = [
        "1. Sở Y tế chủ trì triển khai bệnh án điện tử.",
        "2. Sở Giáo dục và Đào tạo triển khai học bạ số.",
        "3. Các huyện bố trí kinh phí.",
        "1 Chính quyền số Hạng 40/63",  # two rows are not a table
        "2 Kinh tế số Hạng 55/63",
    ]
    assert find_value_tables(lines) == []
