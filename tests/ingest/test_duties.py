"""Duties assigned in prose, agency by agency, become task records (ingest/duties.py).

The plan here is fictional: a province's plan for digital agriculture whose "Tổ chức thực hiện"
part gives eleven agencies (two of them no gazetteer lists) their duties, in the layouts plans
use: a label and bullets, a label and the duty after its colon, a label without a colon, a
label with "Đề nghị", an intro ("… các nhiệm vụ sau:") over "+" items, and a deadline on a
paragraph of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from domain.agencies import Gazetteer
from domain.records import TaskRecord
from domain.settings import Settings
from ingest.duties import SAME_DUTY, duty_similarity, read_duties
from ingest.loaders import load_file
from ingest.records import extract_records
from tests.conftest import CORPUS, make_container
from tests.plans import FONT, write_table_docx

NNMT = "Sở Nông nghiệp và Môi trường"
KHCN = "Sở Khoa học và Công nghệ"
STC = "Sở Tài chính"
SCT = "Sở Công Thương"
SNV = "Sở Nội vụ"
GDDT = "Sở Giáo dục và Đào tạo"
KNS = "Trung tâm Khuyến nông số tỉnh"  # made up: no gazetteer lists it
HND = "Hội Nông dân tỉnh"
BD = "Bưu điện tỉnh"
HUYEN = "UBND các huyện, thành phố"

OPENING = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH CAO BẰNG",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: 214/KH-UBND",
    "Cao Bằng, ngày 12 tháng 1 năm 2026",
    "KẾ HOẠCH",
    "Phát triển nông nghiệp số tỉnh Cao Bằng năm 2026",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Phấn đấu đến hết năm 2026, 60% hợp tác xã nông nghiệp bán hàng qua sàn thương mại điện tử.",
    "II. NHIỆM VỤ TRỌNG TÂM",
    "1. Số hóa dữ liệu vùng trồng cây đặc sản của tỉnh.",
    "2. Đưa nông sản của hợp tác xã lên sàn thương mại điện tử.",
]
DUTIES = [
    "III. TỔ CHỨC THỰC HIỆN",
    f"1. {NNMT}:",
    f"- Chủ trì, phối hợp với {KHCN} xây dựng cơ sở dữ liệu vùng trồng cây đặc sản; "
    "hoàn thành trong Quý III/2026.",
    "- Chủ trì tổ chức tập huấn ứng dụng nhật ký sản xuất điện tử cho hợp tác xã, hoàn thành "
    "trước ngày 30/6/2026.",
    f"- Phối hợp với {STC} bố trí kinh phí thực hiện kế hoạch.",
    "- Chủ trì triển khai các nhiệm vụ được giao tại Phụ lục kèm theo.",
    f"2. {STC}:",
    "- Chủ trì tham mưu bố trí kinh phí thực hiện kế hoạch; hoàn thành trước 31/12/2026.",
    "- Hướng dẫn các đơn vị lập dự toán kinh phí chuyển đổi số nông nghiệp trong tháng 3/2026.",
    "- Theo chức năng, nhiệm vụ được giao, chủ động triển khai.",
    "3. Sở KH&CN:",
    f"- Phối hợp với {NNMT} xây dựng cơ sở dữ liệu vùng trồng cây đặc sản của tỉnh.",
    f"- Chủ trì, phối hợp với {KNS} thẩm định giải pháp truy xuất nguồn gốc nông sản "
    "(sản phẩm: Báo cáo thẩm định); thời hạn: tháng 9/2026.",
    f"4. {KNS}:",
    "- Vận hành sàn giao dịch nông sản trực tuyến của tỉnh, thường xuyên.",
    f"- Phối hợp với {SCT} tổ chức hội chợ nông sản trực tuyến, hoàn thành trong năm 2026.",
    f"5. {SCT}:",
    "- Chủ trì hỗ trợ hợp tác xã đưa sản phẩm OCOP lên sàn thương mại điện tử; hoàn thành "
    "trong 6 tháng đầu năm 2026.",
    f"6. Đề nghị {HND}:",
    "- Tuyên truyền, vận động hội viên tham gia sàn giao dịch nông sản trực tuyến.",
    f"- Báo cáo kết quả vận động hội viên về {NNMT} định kỳ hằng quý.",
    f"7. {HUYEN}: Chỉ đạo UBND cấp xã cập nhật dữ liệu vùng trồng lên cơ sở dữ liệu của tỉnh; "
    "hoàn thành chậm nhất ngày 15/11/2026.",
    f"8. {SNV}",
    "- Chủ trì đưa tiêu chí ứng dụng nông nghiệp số vào đánh giá thi đua, khen thưởng hằng năm.",
    f"- Phối hợp với {NNMT} tổ chức tập huấn ứng dụng nhật ký sản xuất điện tử cho các hợp tác xã.",
    f"9. {BD}:",
    f"- Chủ trì, phối hợp với {SCT} thực hiện các nhiệm vụ sau:",
    "+ Vận chuyển nông sản bán qua sàn thương mại điện tử;",
    "+ Lắp đặt điểm thu gom nông sản tại các xã vùng cao, hoàn thành trong Quý IV/2026.",
    "10. Các sở, ban, ngành: Chủ động triển khai các nội dung của kế hoạch thuộc lĩnh vực phụ "
    "trách.",
    f"11. {GDDT}:",
    "- Đưa nội dung kỹ năng số nông nghiệp vào chương trình giáo dục nghề nghiệp tại trường "
    "phổ thông.",
    "Thời gian hoàn thành: tháng 10/2026.",
    "- Phối hợp với các cơ quan, đơn vị liên quan tổ chức Ngày hội nông sản số vào tháng 11/2026.",
    "IV. KINH PHÍ THỰC HIỆN",
    "Kinh phí thực hiện kế hoạch do ngân sách tỉnh bảo đảm theo phân cấp hiện hành.",
    "Trên đây là Kế hoạch phát triển nông nghiệp số tỉnh Cao Bằng năm 2026.",
]


@dataclass(frozen=True)
class Truth:
    """What the plan assigns: one task."""

    name: str
    lead: tuple[str, ...]
    coordinating: tuple[str, ...]
    deadline: str
    output: str = ""


TRUTH = [
    Truth("xây dựng cơ sở dữ liệu vùng trồng cây đặc sản", (NNMT,), (KHCN,), "Quý III/2026"),
    Truth(
        "tổ chức tập huấn ứng dụng nhật ký sản xuất điện tử cho hợp tác xã",
        (NNMT,),
        (SNV,),
        "Trước ngày 30/6/2026",
    ),
    Truth("tham mưu bố trí kinh phí thực hiện kế hoạch", (STC,), (NNMT,), "Trước 31/12/2026"),
    Truth(
        "Hướng dẫn các đơn vị lập dự toán kinh phí chuyển đổi số nông nghiệp",
        (STC,),
        (),
        "Tháng 3/2026",
    ),
    Truth(
        "thẩm định giải pháp truy xuất nguồn gốc nông sản",
        (KHCN,),
        (KNS,),
        "Tháng 9/2026",
        "Báo cáo thẩm định",
    ),
    Truth("Vận hành sàn giao dịch nông sản trực tuyến của tỉnh", (KNS,), (), "Thường xuyên"),
    Truth("tổ chức hội chợ nông sản trực tuyến", (SCT,), (KNS,), "Năm 2026"),
    Truth(
        "hỗ trợ hợp tác xã đưa sản phẩm OCOP lên sàn thương mại điện tử",
        (SCT,),
        (),
        "6 tháng đầu năm 2026",
    ),
    Truth(
        "Tuyên truyền, vận động hội viên tham gia sàn giao dịch nông sản trực tuyến",
        (HND,),
        (),
        "",
    ),
    Truth(
        f"Báo cáo kết quả vận động hội viên về {NNMT}",
        (HND,),
        (),
        "Định kỳ hằng quý",
    ),
    Truth(
        "Chỉ đạo UBND cấp xã cập nhật dữ liệu vùng trồng lên cơ sở dữ liệu của tỉnh",
        (HUYEN,),
        (),
        "Chậm nhất ngày 15/11/2026",
    ),
    Truth(
        "đưa tiêu chí ứng dụng nông nghiệp số vào đánh giá thi đua, khen thưởng",
        (SNV,),
        (),
        "Hằng năm",
    ),
    Truth("Vận chuyển nông sản bán qua sàn thương mại điện tử", (BD,), (SCT,), ""),
    Truth("Lắp đặt điểm thu gom nông sản tại các xã vùng cao", (BD,), (SCT,), "Quý IV/2026"),
    Truth(
        "Đưa nội dung kỹ năng số nông nghiệp vào chương trình giáo dục nghề nghiệp tại trường "
        "phổ thông",
        (GDDT,),
        (),
        "Tháng 10/2026",
    ),
    Truth(
        "tổ chức Ngày hội nông sản số",
        (GDDT,),
        ("Các cơ quan, đơn vị liên quan",),
        "Tháng 11/2026",
    ),
]
# The share of fields (lead, coordinating, name, deadline, output of every task, and the
# count) read right, at least.
FIELD_SHARE = 0.95


def write_prose_docx(path: Path) -> Path:
    """The plan as a DOCX: one paragraph a line."""
    import docx

    document = docx.Document()
    for line in OPENING + DUTIES:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def write_prose_pdf(path: Path) -> Path:
    """The plan as a PDF: lines wrapped at the page width."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    for line in OPENING + DUTIES:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def _tasks(path: Path) -> list[TaskRecord]:
    doc = load_file(path)
    return extract_records(doc, document_id="cb", version=1, gazetteer=Gazetteer.load()).tasks


def _field_share(tasks: list[TaskRecord]) -> tuple[float, list[str]]:
    """Each truth task matched with the extracted task of the most alike name; every field
    compared; extracted tasks no truth task matches count as wrong fields too."""
    right, total, wrong = 0, 1, []
    unmatched = list(tasks)
    for truth in TRUTH:
        best = max(unmatched, key=lambda t: duty_similarity(t.name, truth.name), default=None)
        found = best if best and duty_similarity(best.name, truth.name) >= SAME_DUTY else None
        fields = {
            "name": (found.name if found else None, truth.name),
            "lead": (found.lead_agencies if found else None, truth.lead),
            "coordinating": (
                tuple(sorted(found.coordinating_agencies)) if found else None,
                tuple(sorted(truth.coordinating)),
            ),
            "deadline": (found.deadline.text if found else None, truth.deadline),
            "output": (found.output if found else None, truth.output),
        }
        for key, (got, want) in fields.items():
            total += 1
            if got == want:
                right += 1
            else:
                wrong.append(f"{truth.name[:40]} {key}: {got!r} != {want!r}")
        if found:
            unmatched.remove(found)
    total += 5 * len(unmatched)
    wrong += [f"extra task: {t.name}" for t in unmatched]
    if len(tasks) == len(TRUTH):
        right += 1
    else:
        wrong.append(f"count: {len(tasks)} != {len(TRUTH)}")
    return right / total, wrong


@pytest.mark.parametrize("writer", [write_prose_docx, write_prose_pdf], ids=["docx", "pdf"])
def test_prose_duties_field_by_field(writer, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    tasks = _tasks(writer(tmp_path / "nong-nghiep-so"))
    share, wrong = _field_share(tasks)
    with capsys.disabled():
        print(f"\n{writer.__name__}: {share:.1%} of fields right ({len(tasks)} tasks)")  # noqa: T201
    assert share >= FIELD_SHARE, wrong
    assert len(tasks) == len(TRUTH)


def test_records_cite_the_duty_and_name_the_part_and_agency(tmp_path: Path) -> None:
    tasks = {t.name: t for t in _tasks(write_prose_docx(tmp_path / "plan.docx"))}
    task = tasks["Hướng dẫn các đơn vị lập dự toán kinh phí chuyển đổi số nông nghiệp"]
    assert task.number == "III.2.2"
    assert task.section == f"III. TỔ CHỨC THỰC HIỆN, 2. {STC}"
    assert task.locator == f"III. TỔ CHỨC THỰC HIỆN, 2. {STC}, ý 2"
    assert task.raw.startswith(f"2. {STC}: Hướng dẫn các đơn vị") and "tháng 3/2026" in task.raw
    assert task.deadline.end == date(2026, 3, 31)
    # the duty named under two agencies cites both sentences, the lead's first
    merged = tasks["tham mưu bố trí kinh phí thực hiện kế hoạch"]
    assert merged.raw.startswith(f"2. {STC}: Chủ trì tham mưu") and f"1. {NNMT}: Phối hợp" in (
        merged.raw
    )
    assert merged.deadline.end == date(2026, 12, 31) and merged.deadline.start is None
    assert len({t.number for t in tasks.values()}) == len(tasks)


# (what the part says, the lead, the coordinating agencies) for one agency's label "Sở A"
ROLES = [
    ("Chủ trì, phối hợp với Sở Y tế xây dựng đề án", ("Sở Tư pháp",), ("Sở Y tế",)),
    ("Chủ trì xây dựng đề án", ("Sở Tư pháp",), ()),
    ("Xây dựng đề án", ("Sở Tư pháp",), ()),
    ("Có trách nhiệm xây dựng đề án", ("Sở Tư pháp",), ()),
    ("Phối hợp với Sở Y tế xây dựng đề án", ("Sở Y tế",), ("Sở Tư pháp",)),
    (
        "Phối hợp với Sở Y tế, Sở Xây dựng và UBND các huyện xây dựng đề án",
        ("Sở Y tế", "Sở Xây dựng", "UBND các huyện, thị xã, thành phố"),
        ("Sở Tư pháp",),
    ),
    (
        "Phối hợp với Trung tâm Lưu trữ lịch sử tỉnh xây dựng đề án",
        ("Trung tâm Lưu trữ lịch sử tỉnh",),
        ("Sở Tư pháp",),
    ),
    # partners only "liên quan": no one else leads
    (
        "Phối hợp với các sở, ngành liên quan xây dựng đề án",
        ("Sở Tư pháp",),
        ("Các sở, ngành liên quan",),
    ),
    (
        "Chủ trì, phối hợp chặt chẽ với Sở Y tế và các cơ quan, đơn vị có liên quan để xây "
        "dựng đề án",
        ("Sở Tư pháp",),
        ("Sở Y tế", "Các cơ quan, đơn vị có liên quan"),
    ),
]


def _one(text: str, label: str = "1. Sở Tư pháp:") -> list[TaskRecord]:
    lines = ["V. PHÂN CÔNG NHIỆM VỤ", label, f"- {text}"]
    return read_duties(lines, joined=False, document_id="d", version=1, gazetteer=Gazetteer.load())


@pytest.mark.parametrize(("text", "lead", "coordinating"), ROLES)
def test_roles(text: str, lead: tuple[str, ...], coordinating: tuple[str, ...]) -> None:
    (task,) = _one(text)
    assert (task.lead_agencies, task.coordinating_agencies) == (lead, coordinating)
    assert task.name.lower() == "xây dựng đề án"  # in the case the plan wrote it


# (the duty as written, its name, its deadline text)
DEADLINES = [
    ("Xây dựng đề án; hoàn thành trong Quý II/2027", "Xây dựng đề án", "Quý II/2027"),
    ("Xây dựng đề án, hoàn thành trước 30/9/2026", "Xây dựng đề án", "Trước 30/9/2026"),
    ("Xây dựng đề án (hoàn thành tháng 5/2026)", "Xây dựng đề án", "Tháng 5/2026"),
    ("Xây dựng đề án trước ngày 15/4/2026", "Xây dựng đề án", "Trước ngày 15/4/2026"),
    ("Xây dựng đề án, chậm nhất ngày 1/7/2026", "Xây dựng đề án", "Chậm nhất ngày 1/7/2026"),
    ("Xây dựng đề án; thời gian thực hiện: năm 2027", "Xây dựng đề án", "Năm 2027"),
    (
        "Xây dựng đề án; thời hạn hoàn thành: giai đoạn 2026-2028",
        "Xây dựng đề án",
        "Giai đoạn 2026-2028",
    ),
    ("Hoàn thành xây dựng đề án trong năm 2026", "Hoàn thành xây dựng đề án", "Năm 2026"),
    ("Rà soát đề án hằng năm", "Rà soát đề án", "Hằng năm"),
    ("Rà soát đề án thường xuyên", "Rà soát đề án", "Thường xuyên"),
    ("Báo cáo kết quả định kỳ 6 tháng", "Báo cáo kết quả", "Định kỳ 6 tháng"),
    # years that belong to the name stay in it
    ("Xây dựng đề án giai đoạn 2026-2030", "Xây dựng đề án giai đoạn 2026-2030", ""),
    ("Xây dựng kế hoạch năm 2027", "Xây dựng kế hoạch năm 2027", ""),
    (
        "Thường xuyên kiểm tra việc thực hiện đề án",
        "Thường xuyên kiểm tra việc thực hiện đề án",
        "",
    ),
    ("Đánh giá trước khi nhân rộng mô hình", "Đánh giá trước khi nhân rộng mô hình", ""),
]


@pytest.mark.parametrize(("text", "name", "deadline"), DEADLINES)
def test_deadline_phrases(text: str, name: str, deadline: str) -> None:
    (task,) = _one(text)
    assert (task.name, task.deadline.text) == (name, deadline)


# Duties that name no work of their own, in the words of several plans
GENERIC = [
    "Chủ trì triển khai các nhiệm vụ được giao tại Phụ lục kèm theo.",
    "Theo chức năng, nhiệm vụ được giao, chủ động triển khai.",
    "Tổ chức triển khai thực hiện Kế hoạch này.",
    "Chủ động, tích cực triển khai các nội dung của Kế hoạch thuộc lĩnh vực phụ trách.",
    "Thực hiện nghiêm túc, có hiệu quả các nhiệm vụ được phân công.",
    "Theo chức năng, nhiệm vụ, thẩm quyền, tổ chức thực hiện kế hoạch trên địa bàn.",
]
# … and duties that do, however short
CONCRETE = [
    "Thực hiện số hóa hồ sơ đất đai.",
    "Triển khai Đề án 06 tại cấp xã.",
    "Tổ chức tập huấn cho cán bộ.",
    "Báo cáo kết quả thực hiện định kỳ hằng quý.",
    "Theo chức năng, nhiệm vụ được giao, xây dựng cơ sở dữ liệu ngành.",
]


@pytest.mark.parametrize("text", GENERIC)
def test_generic_duties_are_no_tasks(text: str) -> None:
    assert _one(text) == []


@pytest.mark.parametrize("text", CONCRETE)
def test_concrete_duties_are_tasks(text: str) -> None:
    assert len(_one(text)) == 1


# Names of one duty written in two places (same leads): merged. Different work of the same
# leads: kept apart. SAME_DUTY lies between the two tables' scores.
SAME = [
    ("Bố trí kinh phí thực hiện kế hoạch", "Tham mưu bố trí kinh phí thực hiện kế hoạch"),
    ("Xây dựng cơ sở dữ liệu đất đai số", "Xây dựng cơ sở dữ liệu đất đai số của tỉnh"),
    ("Tập huấn kỹ năng số cho cán bộ cấp xã", "Tổ chức tập huấn kỹ năng số cho cán bộ cấp xã"),
    (
        "Xây dựng Đề án phát triển du lịch thông minh",
        "Xây dựng đề án phát triển du lịch thông minh tỉnh",
    ),
    ("Tổ chức hội chợ nông sản trực tuyến", "Tổ chức hội chợ nông sản trực tuyến năm 2026"),
]
DIFFERENT = [
    ("Xây dựng hồ sơ dự án", "Thẩm định hồ sơ dự án"),
    ("Xây dựng cơ sở dữ liệu đất đai", "Vận hành cơ sở dữ liệu đất đai"),
    ("Tổ chức tập huấn kỹ năng số", "Tổ chức hội thi kỹ năng số"),
    ("Bố trí kinh phí thực hiện kế hoạch", "Thẩm định kinh phí thực hiện đề án"),
    ("Xây dựng kế hoạch tuyên truyền", "Xây dựng kế hoạch kiểm tra"),
]


def test_same_duty_threshold_separates_repeats_from_other_work() -> None:
    same = [duty_similarity(a, b) for a, b in SAME]
    different = [duty_similarity(a, b) for a, b in DIFFERENT]
    assert max(different) < SAME_DUTY <= min(same), (same, different)


def test_a_duty_named_under_two_agencies_is_one_task() -> None:
    lines = [
        "V. TRÁCH NHIỆM CỦA CÁC CƠ QUAN, ĐƠN VỊ",
        "1. Sở Xây dựng:",
        "- Chủ trì, phối hợp với Sở Tư pháp xây dựng quy chế quản lý kiến trúc; hoàn thành "
        "trong Quý I/2027.",
        "2. Sở Tư pháp:",
        "- Phối hợp với Sở Xây dựng xây dựng quy chế quản lý kiến trúc đô thị.",
        "- Phối hợp với Sở Xây dựng thẩm định quy chế quản lý kiến trúc.",
    ]
    tasks = read_duties(lines, joined=False, document_id="d", version=1, gazetteer=Gazetteer.load())
    assert [(t.name, t.lead_agencies, t.coordinating_agencies, t.deadline.text) for t in tasks] == [
        ("xây dựng quy chế quản lý kiến trúc", ("Sở Xây dựng",), ("Sở Tư pháp",), "Quý I/2027"),
        ("thẩm định quy chế quản lý kiến trúc", ("Sở Xây dựng",), ("Sở Tư pháp",), ""),
    ]


def test_labels_that_give_roles_intros_and_duties_in_parts() -> None:
    lines = [
        "3. Phân công trách nhiệm",
        "a) Sở Y tế chủ trì, phối hợp với Sở Tài chính thực hiện các nhiệm vụ sau:",
        "- Mua sắm thiết bị khám chữa bệnh từ xa; hoàn thành trong Quý II/2026;",
        "- Đào tạo nhân viên y tế xã sử dụng thiết bị.",
        "b) Trách nhiệm của Sở Nội vụ: chủ trì, phối hợp với Sở Tư pháp thực hiện như sau:",
        "- Rà soát vị trí việc làm.",
        "c) Các sở, ngành:",
        "- Sở Xây dựng: xây dựng bản đồ số quy hoạch, gồm:",
        "+ bản đồ quy hoạch chung;",
        "+ bản đồ quy hoạch phân khu.",
        "- Sở Công Thương: hỗ trợ doanh nghiệp bán hàng trực tuyến.",
        "4. Chế độ báo cáo",
        "- Sở Xây dựng: báo cáo UBND tỉnh hằng năm.",
    ]
    tasks = read_duties(lines, joined=False, document_id="d", version=1, gazetteer=Gazetteer.load())
    assert [
        (t.number, t.lead_agencies, t.coordinating_agencies, t.name, t.deadline.text) for t in tasks
    ] == [
        (
            "3.a.1",
            ("Sở Y tế",),
            ("Sở Tài chính",),
            "Mua sắm thiết bị khám chữa bệnh từ xa",
            "Quý II/2026",
        ),
        (
            "3.a.2",
            ("Sở Y tế",),
            ("Sở Tài chính",),
            "Đào tạo nhân viên y tế xã sử dụng thiết bị",
            "",
        ),
        ("3.b.1", ("Sở Nội vụ",), ("Sở Tư pháp",), "Rà soát vị trí việc làm", ""),
        (
            "3.c.1.1",
            ("Sở Xây dựng",),
            (),
            "xây dựng bản đồ số quy hoạch, gồm: bản đồ quy hoạch chung; bản đồ quy hoạch phân khu",
            "",
        ),
        ("3.c.2.1", ("Sở Công Thương",), (), "hỗ trợ doanh nghiệp bán hàng trực tuyến", ""),
    ]


def test_labels_and_duties_without_markers() -> None:
    """A word processor's numbered list keeps its numbers out of the text."""
    lines = [
        "TỔ CHỨC THỰC HIỆN",
        "Sở Y tế:",
        "Chủ trì, phối hợp với Sở Tài chính xây dựng đề án y tế số; hoàn thành trong năm 2026.",
        "Triển khai hồ sơ sức khỏe điện tử, thường xuyên.",
        "Sở Nội vụ:",
        "- Chủ trì đào tạo kỹ năng số cho công chức.",
        "Trung tâm Phục vụ hành chính công tỉnh: Số hóa hồ sơ thủ tục trước ngày 30/6/2026.",
        "NƠI NHẬN",
        "Sở Y tế: lưu.",
    ]
    tasks = read_duties(lines, joined=False, document_id="d", version=1, gazetteer=Gazetteer.load())
    assert [(t.number, t.lead_agencies, t.name, t.deadline.text) for t in tasks] == [
        ("TCTH.1.1", ("Sở Y tế",), "xây dựng đề án y tế số", "Năm 2026"),
        ("TCTH.1.2", ("Sở Y tế",), "Triển khai hồ sơ sức khỏe điện tử", "Thường xuyên"),
        ("TCTH.2.1", ("Sở Nội vụ",), "đào tạo kỹ năng số cho công chức", ""),
        (
            "TCTH.3.1",
            ("Trung tâm Phục vụ hành chính công tỉnh",),
            "Số hóa hồ sơ thủ tục",
            "Trước ngày 30/6/2026",
        ),
    ]


def test_only_labelled_duties_of_the_assigning_part_are_read() -> None:
    lines = [
        "II. NHIỆM VỤ",
        "1. Sở Y tế: Chủ trì xây dựng bệnh án điện tử.",  # not the assigning part
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Sở Y tế chủ trì, phối hợp với Sở Tài chính theo dõi việc thực hiện Kế hoạch.",
        "2. Chế độ báo cáo: các đơn vị báo cáo kết quả trước ngày 15/12 hằng năm.",
        "3. Sở Nội vụ:",
        "- Chủ trì đánh giá kết quả cải cách hành chính; hoàn thành trong tháng 12/2026.",
        "4. Kinh phí: từ ngân sách tỉnh.",
        "- Phân bổ theo tiến độ.",
        "Trên đây là Kế hoạch của UBND tỉnh.",
        "1. Sở Y tế: Chủ trì xây dựng bệnh án điện tử.",
    ]
    tasks = read_duties(lines, joined=False, document_id="d", version=1, gazetteer=Gazetteer.load())
    assert [(t.lead_agencies, t.name) for t in tasks] == [
        (("Sở Nội vụ",), "đánh giá kết quả cải cách hành chính")
    ]


def test_prose_duties_that_repeat_a_table_row_are_left_to_the_table(tmp_path: Path) -> None:
    lines = [
        "Số: 31/KH-UBND",
        "KẾ HOẠCH",
        "Chuyển đổi số ngành xây dựng tỉnh Kon Tum năm 2026",
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Sở Xây dựng:",
        "- Chủ trì xây dựng cơ sở dữ liệu nhà ở và thị trường bất động sản; hoàn thành trong "
        "Quý IV/2026.",
        "- Chủ trì hướng dẫn cấp giấy phép xây dựng trực tuyến, hoàn thành trong tháng 6/2026.",
        "PHỤ LỤC: DANH MỤC NHIỆM VỤ",
    ]
    header = ["Stt", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
    rows = [
        ["1", "Xây dựng cơ sở dữ liệu nhà ở và thị trường bất động sản", "Sở Xây dựng",
         "Sở Tài chính", "Quý IV/2026"],
    ]  # fmt: skip
    tasks = _tasks(write_table_docx(tmp_path / "xay-dung.docx", lines, header, rows))
    assert [(t.number, t.name) for t in tasks] == [
        ("1", "Xây dựng cơ sở dữ liệu nhà ở và thị trường bất động sản"),
        ("IV.1.2", "hướng dẫn cấp giấy phép xây dựng trực tuyến"),
    ]
    assert tasks[0].coordinating_agencies == ("Sở Tài chính",)


def test_seed_plans_gain_no_prose_tasks() -> None:
    gazetteer = Gazetteer.load()
    for path in sorted(CORPUS.glob("*.txt")):
        tasks = extract_records(
            load_file(path), document_id="d", version=1, gazetteer=gazetteer
        ).tasks
        assert all(t.number.isdigit() for t in tasks), path.name


# --- answered through the service ------------------------------------------------------------


@pytest.fixture
def assistant(services, tmp_path: Path):  # type: ignore[no-untyped-def]
    services.ingestor.ingest_file(write_prose_docx(tmp_path / "nong-nghiep-so-cao-bang.docx"))
    settings = Settings(data_dir=tmp_path, today=date(2026, 2, 1))
    return make_container(services, settings).assistant  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "Sở Tài chính phải làm gì, hạn khi nào?",
            [
                ("Tham mưu bố trí kinh phí thực hiện kế hoạch", "Trước 31/12/2026"),
                ("Hướng dẫn các đơn vị lập dự toán", "Tháng 3/2026"),
            ],
        ),
        (
            "sở công thương được giao những việc gì, thời hạn thế nào",
            [
                ("Tổ chức hội chợ nông sản trực tuyến", "Năm 2026"),
                ("Hỗ trợ hợp tác xã đưa sản phẩm OCOP", "6 tháng đầu năm 2026"),
            ],
        ),
        (
            "Hội Nông dân tỉnh có nhiệm vụ gì?",
            [
                ("Tuyên truyền, vận động hội viên", ""),
                ("Báo cáo kết quả vận động hội viên", "Định kỳ hằng quý"),
            ],
        ),
    ],
)
def test_an_agency_s_duties_are_answered_with_deadlines(  # type: ignore[no-untyped-def]
    assistant, question: str, expected: list[tuple[str, str]]
) -> None:
    answer = assistant.ask(question)
    assert answer.found, answer.answer
    for name, deadline in expected:
        assert name.lower() in answer.answer.lower(), answer.answer
        assert deadline in answer.answer, answer.answer
    assert len(answer.tasks) == len(expected)
