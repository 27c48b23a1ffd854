"""A fictional two-page plan written as a PDF with a text layer, and the same plan "scanned":
rasterised, turned a little, speckled and saved as an image-only PDF with a signature stamp.

The plan and its task table are the truth the OCR tests and ``bench/ocr_pages.py`` check
against. Tỉnh Sông Mây does not exist.
"""

from __future__ import annotations

import io
from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
PROVINCE = "Sông Mây"
NUMBER = "47/KH-UBND"
HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
GROUPS = {"1": "I. HẠ TẦNG VÀ DỮ LIỆU SỐ", "5": "II. CHÍNH QUYỀN SỐ VÀ KINH TẾ SỐ"}
TASKS = [
    ["1", "Xây dựng cơ sở dữ liệu đất đai của tỉnh", "Sở Nông nghiệp và Môi trường",
     "Sở Tài chính; UBND các xã, phường", "Quý IV/2026"],
    ["2", "Triển khai hồ sơ sức khỏe điện tử cho người dân", "Sở Y tế",
     "Bảo hiểm xã hội tỉnh", "Tháng 6/2026"],
    ["3", "Số hóa học bạ của học sinh trung học phổ thông", "Sở Giáo dục và Đào tạo",
     "Công an tỉnh", "Năm 2027"],
    ["4", "Nâng cấp Trung tâm dữ liệu của tỉnh", "Sở Khoa học và Công nghệ",
     "Sở Tài chính", "Quý II/2027"],
    ["5", "Bồi dưỡng kỹ năng số cho cán bộ, công chức cấp xã", "Sở Nội vụ",
     "UBND các xã, phường", "Tháng 10/2026"],
    ["6", "Phát triển thương mại điện tử cho hợp tác xã", "Sở Công Thương",
     "Liên minh Hợp tác xã tỉnh", "Tháng 9/2026"],
    ["7", "Xây dựng bản đồ số quy hoạch đô thị", "Sở Xây dựng",
     "Sở Nông nghiệp và Môi trường", "Quý III/2026"],
    ["8", "Cấp phiếu lý lịch tư pháp trực tuyến", "Sở Tư pháp", "Công an tỉnh",
     "30/12/2026"],
]  # fmt: skip
PROSE = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Nghị quyết của Tỉnh ủy về chuyển đổi số đến năm 2030;",
    f"Ủy ban nhân dân tỉnh {PROVINCE} ban hành Kế hoạch chuyển đổi số năm 2026 như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích",
    "Đẩy mạnh chuyển đổi số trong hoạt động của các cơ quan nhà nước, nâng cao chất lượng"
    " phục vụ người dân và doanh nghiệp; phấn đấu 80% hồ sơ thủ tục hành chính được giải"
    " quyết trực tuyến toàn trình.",
    "2. Yêu cầu",
    "Các sở, ban, ngành và UBND các xã, phường chủ động triển khai nhiệm vụ được giao, bảo"
    " đảm đúng tiến độ, hiệu quả và an toàn thông tin.",
    "II. NHIỆM VỤ",
    "Các nhiệm vụ cụ thể, cơ quan chủ trì, cơ quan phối hợp và thời gian hoàn thành được"
    " giao tại Phụ lục kèm theo Kế hoạch này.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Sở Khoa học và Công nghệ theo dõi, đôn đốc, tổng hợp kết quả thực hiện, báo cáo Ủy ban"
    " nhân dân tỉnh trước ngày 15 tháng 12 hằng năm.",
]
STAMP = "Ký bởi: Ủy ban nhân dân tỉnh Sông Mây"


def write_text_pdf(path: Path) -> Path:
    """The plan as a PDF with a text layer: prose on page 1, the ruled task table on page 2."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=FONT)
    pdf.add_font("DejaVu", style="B", fname=BOLD)
    pdf.set_margins(20, 15, 15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 11)
    top = pdf.get_y()
    pdf.multi_cell(
        70, 6, f"ỦY BAN NHÂN DÂN\nTỈNH {PROVINCE.upper()}", align="C", new_x="LEFT", new_y="NEXT"
    )
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(70, 6, f"Số: {NUMBER}", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(90, top)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(
        105,
        6,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        align="C",
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.set_x(90)
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(
        105, 6, f"{PROVINCE}, ngày 12 tháng 3 năm 2026", align="C", new_x="LEFT", new_y="NEXT"
    )
    pdf.ln(8)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 7, "KẾ HOẠCH", align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(
        0, 6, f"Chuyển đổi số tỉnh {PROVINCE} năm 2026", align="C", new_x="LEFT", new_y="NEXT"
    )
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 11)
    for paragraph in PROSE:
        pdf.multi_cell(0, 6, paragraph, align="J", new_x="LEFT", new_y="NEXT")
        pdf.ln(1)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(0, 6, "PHỤ LỤC: DANH MỤC NHIỆM VỤ", align="C", new_x="LEFT", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 10)
    with pdf.table(
        col_widths=(12, 55, 35, 40, 28),
        headings_style=FontFace(emphasis="BOLD"),
        line_height=5.5,
        padding=1.5,
    ) as table:
        cells = table.row()
        for text in HEADER:
            cells.cell(text)
        for task in TASKS:
            if task[0] in GROUPS:
                table.row().cell(GROUPS[task[0]], colspan=len(HEADER))
            cells = table.row()
            for text in task:
                cells.cell(text)
    pdf.ln(8)
    pdf.set_x(120)
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(
        75,
        6,
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\n\nTrần Văn Minh",
        align="C",
        new_x="LEFT",
        new_y="NEXT",
    )
    pdf.output(str(path))
    return path


def write_scanned_pdf(
    source: Path, path: Path, *, dpi: int = 300, angle: float = 1.5, seed: int = 7
) -> Path:
    """``source`` as a scanner would give it back: each page a grey image, turned by
    ``angle`` degrees, with noise and specks, and no text layer except a digital signature
    stamp of a few words on the last page."""
    import numpy as np
    import pypdfium2
    from fpdf import FPDF
    from PIL import Image

    rng = np.random.default_rng(seed)
    document = pypdfium2.PdfDocument(str(source))
    out = FPDF(format="A4")
    out.set_auto_page_break(False)
    out.add_font("DejaVu", fname=FONT)
    try:
        for number in range(len(document)):
            page = document[number].render(scale=dpi / 72, grayscale=True).to_pil()
            page = page.convert("L").rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
            pixels = np.asarray(page, dtype=np.float32)
            pixels = pixels * 0.85 + 25 + rng.normal(0, 12, pixels.shape)  # grey paper, noise
            specks = rng.random(pixels.shape)
            pixels[specks < 0.0008] = 30
            pixels[specks > 0.9995] = 255
            image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=80, dpi=(dpi, dpi))
            out.add_page()
            out.image(buffer, x=0, y=0, w=out.w, h=out.h)
            if number == len(document) - 1:
                out.set_font("DejaVu", size=6)
                out.set_xy(130, 280)
                out.cell(0, 3, STAMP)
    finally:
        document.close()
    out.output(str(path))
    return path
