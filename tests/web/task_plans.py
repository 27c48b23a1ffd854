"""Two fictional plans of other provinces whose deadlines lie all around the console's
today (2026-03-01): past, within 30 days (today and today + 30 included), later this year,
next year, "hằng năm" and "thường xuyên". Shared by the task page, dashboard and export
tests."""

from __future__ import annotations

from pathlib import Path

from tests.plans import write_table_docx

HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời hạn"]
LANG_SON = [
    ["1", "Rà soát hạ tầng mạng tại các xã biên giới", "Sở Xây dựng", "Công an tỉnh", "Báo cáo", "Quý IV/2025"],
    ["2", "Số hóa hồ sơ bệnh án tại trạm y tế xã", "Sở Y tế", "Sở Tài chính", "Hệ thống", "Trước 15/02/2026"],
    ["3", "Cấp chữ ký số cho công chức cấp xã", "Sở Nội vụ", "Công an tỉnh; Sở Y tế", "Chữ ký số", "3/2026"],
    ["4", "Ban hành quy chế chia sẻ dữ liệu", "Sở Tài chính", "Sở Nội vụ", "Quy chế", "Trước 01/3/2026"],
    ["5", "Triển khai y tế từ xa tại bệnh viện huyện", "Sở Y tế", "Sở Tài chính", "Nền tảng", "Quý II/2026"],
    ["6", "Xây dựng kho dữ liệu dân cư dùng chung", "Công an tỉnh", "Sở Nội vụ", "Kho dữ liệu", "9/2026"],
    ["7", "Giám sát an toàn thông tin mạng", "Công an tỉnh", "Sở Xây dựng", "Báo cáo", "2027"],
    ["8", "Đào tạo kỹ năng số cho người dân", "Sở Nội vụ", "Sở Y tế", "Lớp học", "Hằng năm"],
    ["9", "Tuyên truyền về chuyển đổi số", "Sở Văn hóa, Thể thao và Du lịch", "Sở Nội vụ", "Tin bài", "Thường xuyên"],
    ["10", "Cập nhật cơ sở dữ liệu đất đai", "Sở Nông nghiệp và Môi trường", "Sở Tài chính", "Cơ sở dữ liệu", "Tháng 8/2025 và thường xuyên"],
    ["11", "Đánh giá mức độ hài lòng của người dân", "Sở Nội vụ", "Công an tỉnh", "Báo cáo", "12/2026"],
    ["12", "Bố trí kinh phí chuyển đổi số năm 2027", "Sở Tài chính", "Sở Y tế, Sở Nội vụ", "Dự toán", "Quý I/2027"],
    ["13", "Nâng cấp cổng dịch vụ công của tỉnh", "Sở Khoa học và Công nghệ", "Sở Nội vụ", "Cổng dịch vụ", "Tháng 4/2026"],
]  # fmt: skip
CA_MAU = [
    ["1", "Lập danh mục dữ liệu mở của tỉnh", "Sở Khoa học và Công nghệ", "Sở Tài chính", "Danh mục", "Quý III/2025", "Đã giao"],
    ["2", "Thí điểm trường học số", "Sở Giáo dục và Đào tạo", "Sở Khoa học và Công nghệ", "Mô hình", "Trước 20/3/2026", ""],
    ["3", "Số hóa sổ bộ hộ tịch", "Sở Tư pháp", "UBND các huyện, thị xã, thành phố", "Cơ sở dữ liệu", "Tháng 3 năm 2026", "Nguồn ngân sách tỉnh"],
    ["4", "Xây dựng trung tâm điều hành thông minh", "Sở Khoa học và Công nghệ", "Công an tỉnh; Sở Xây dựng", "Trung tâm IOC", "6 tháng đầu năm 2026", ""],
    ["5", "Kết nối camera giao thông", "Công an tỉnh", "Sở Xây dựng", "Hệ thống camera", "8/2026", ""],
    ["6", "Đào tạo giáo viên về học liệu số", "Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Khóa đào tạo", "Quý IV/2026", ""],
    ["7", "Chuyển đổi số ngành y tế giai đoạn 2026-2030", "Sở Y tế", "Sở Tài chính", "Đề án", "giai đoạn 2026-2030", ""],
    ["8", "Báo cáo kết quả chuyển đổi số", "Sở Khoa học và Công nghệ", "Các sở, ban, ngành", "Báo cáo", "Hằng năm, trước 15/12", ""],
    ["9", "Hỗ trợ doanh nghiệp chuyển đổi số", "Sở Công Thương", "Sở Tài chính", "Chương trình", "Thường xuyên", ""],
    ["10", "Kiểm tra an toàn hệ thống thông tin", "Công an tỉnh", "Sở Khoa học và Công nghệ", "Biên bản", "Trước 10/01/2026", ""],
    ["11", "Phổ cập thanh toán không dùng tiền mặt tại chợ", "Sở Công Thương", "UBND các huyện, thị xã, thành phố", "Mô hình chợ số", "Tháng 5/2026", ""],
    ["12", "Tổng kết kế hoạch", "Sở Khoa học và Công nghệ", "Các sở, ban, ngành", "Báo cáo tổng kết", "Quý I/2027", ""],
]  # fmt: skip


def write_plans(folder: Path) -> list[Path]:
    """The two plans as DOCX files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    lang_son = write_table_docx(
        folder / "lang-son.docx",
        [
            "UBND TỈNH LẠNG SƠN",
            "Số: 45/KH-UBND",
            "KẾ HOẠCH",
            "Chuyển đổi số tỉnh Lạng Sơn năm 2026",
            "PHỤ LỤC",
        ],
        HEADER,
        LANG_SON,
    )
    ca_mau = write_table_docx(
        folder / "ca-mau.docx",
        [
            "UBND TỈNH CÀ MAU",
            "Số: 212/KH-UBND",
            "KẾ HOẠCH",
            "Phát triển chính quyền số tỉnh Cà Mau",
            "PHỤ LỤC",
        ],
        [*HEADER, "Ghi chú"],
        CA_MAU,
    )
    return [lang_son, ca_mau]
