"""Builders for real DOCX and PDF plans with task tables, written by the tests themselves."""

from __future__ import annotations

from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
HEADER = [
    "Stt",
    "Tên nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Kết quả",
    "Thời gian hoàn thành",
]


def plan_rows(version: int = 1) -> list[list[str]]:
    """A small task table; version 2 moves a deadline, changes a lead and drops task 3."""
    rows = [
        [
            "1",
            "Xây dựng kế hoạch phát triển hạ tầng số của tỉnh",
            "Sở TT&TT",
            "Sở Tài chính; UBND các huyện, thị xã, thành phố",
            "Kế hoạch UBND tỉnh",
            "3/2026",
        ],
        [
            "2",
            "Triển khai bệnh án điện tử tại các bệnh viện",
            "Sở Y tế",
            "Bảo hiểm Xã hội tỉnh, Công an tỉnh",
            "Đề án",
            "Quý IV/2025",
        ],
        [
            "3",
            "Đào tạo kỹ năng số cho cán bộ cấp xã",
            "Sở Nội vụ",
            "-",
            "Chương trình đào tạo",
            "Hằng năm",
        ],
    ]
    if version == 2:
        rows[0][5] = "6/2026"
        rows[1][2] = "Sở Khoa học và Công nghệ"
        rows = rows[:2]
    return rows


def write_docx(path: Path, version: int = 1, number: str = "999/KH-UBND") -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(f"Số: {number}")
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Phát triển hạ tầng số tỉnh Bình Phước")
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    document.add_paragraph("1. Mục đích")
    document.add_paragraph("Phấn đấu 100% xã có điểm phát wifi miễn phí nơi công cộng.")
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    group = table.add_row().cells
    merged = group[0].merge(group[-1])
    merged.text = "I. HẠ TẦNG SỐ"
    for values in plan_rows(version):
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    document.save(str(path))
    return path


def write_pdf(path: Path, version: int = 1, number: str = "998/KH-UBND") -> Path:
    from fpdf import FPDF

    pdf = FPDF(orientation="L")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    pdf.multi_cell(
        0,
        8,
        f"Số: {number}\nKẾ HOẠCH\nChuyển đổi số y tế\nI. MỤC TIÊU\n"
        "Phấn đấu 95% người dân có hồ sơ sức khỏe điện tử.\nPHỤ LỤC: DANH MỤC NHIỆM VỤ",
    )
    from fpdf.fonts import FontFace

    with pdf.table(
        col_widths=(8, 60, 30, 45, 25, 22), headings_style=FontFace(emphasis=None)
    ) as table:
        for values in [HEADER, *plan_rows(version)]:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.output(str(path))
    return path


def write_textless_pdf(path: Path) -> Path:
    """A PDF page with a drawing and no text, like a scan."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))
    return path


def write_encrypted_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=12)
    pdf.set_encryption(owner_password="chu", user_password="mat-khau")
    pdf.add_page()
    pdf.cell(0, 10, "Kế hoạch mật")
    pdf.output(str(path))
    return path


def write_table_docx(
    path: Path, lines: list[str], header: list[str], rows: list[list[str]]
) -> Path:
    """A DOCX plan: its opening lines, then one task table."""
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    document.save(str(path))
    return path
