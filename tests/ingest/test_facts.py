"""A document's own facts (SEMANTICS §4): header, opening and signature block, as Nghị định
30/2020/NĐ-CP lays them down, read from a plan the test writes; then asked about."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.settings import Settings
from ingest.facts import read_facts
from ingest.loaders import Line, ParsedDocument, load_file
from tests.conftest import make_container

LINES = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH VĨNH LONG",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: 45/KH-UBND",
    "Vĩnh Long, ngày 3 tháng 2 năm 2026",
    "KẾ HOẠCH",
    "Chuyển đổi số tỉnh Vĩnh Long năm 2026",
    "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển",
    "khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia;",
    "Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ;",
    "Theo đề nghị của Sở Khoa học và Công nghệ tại Tờ trình số 12/TTr-SKHCN ngày 20/01/2026.",
    "I. MỤC TIÊU",
    "1. Hoàn thành cơ sở dữ liệu đất đai trong năm 2026.",
    "II. TỔ CHỨC THỰC HIỆN",
    "Các sở, ban, ngành triển khai Kế hoạch này.",
    "Nơi nhận:",
    "- Bộ KH&CN;",
    "TM. ỦY BAN NHÂN DÂN",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "Lê Văn An",
]


def _parsed(lines: list[str]) -> ParsedDocument:
    return ParsedDocument("plan.txt", "txt", [Line(text) for text in lines])


def test_the_header_opening_and_signature_are_read() -> None:
    facts = read_facts(_parsed(LINES))
    assert facts.number == "45/KH-UBND"
    assert facts.issuer == "ỦY BAN NHÂN DÂN TỈNH VĨNH LONG"
    assert (facts.place, facts.issued) == ("Vĩnh Long", "2026-02-03")
    assert facts.legal_bases == (
        "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển"
        " khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        "Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ",
    )
    assert facts.proposer == "Sở Khoa học và Công nghệ (Tờ trình số 12/TTr-SKHCN ngày 20/01/2026)"
    assert (facts.signer, facts.signer_title) == ("Lê Văn An", "Phó chủ tịch")
    assert facts.recipients == ("Bộ KH&CN",)


def test_a_document_without_a_header_states_nothing() -> None:
    facts = read_facts(
        _parsed(["KẾ HOẠCH", "Phát triển hạ tầng số", "I. MỤC TIÊU", "1. Nội dung."])
    )
    assert facts.number is None and facts.issued is None and facts.signer is None
    assert facts.legal_bases == () and facts.proposer is None


def test_the_proposal_ends_where_other_opinions_start() -> None:
    facts = read_facts(
        _parsed(
            [
                "KẾ HOẠCH",
                "Theo đề nghị của Sở Y tế tại Tờ trình số 7/TTr-SYT ngày 02/01/2026; ý kiến của",
                "Sở Tài chính tại Công văn số 88/STC-NS ngày 05/01/2026,",
                "I. MỤC TIÊU",
            ]
        )
    )
    assert facts.proposer == "Sở Y tế (Tờ trình số 7/TTr-SYT ngày 02/01/2026)"


def test_recipients_wrapped_and_in_two_columns() -> None:
    facts = read_facts(
        _parsed(
            [
                "Kính gửi:",
                "- UBND huyện Mèo Vạc;",
                "- UBND huyện Đồng Văn.",
                "Căn cứ Kế hoạch số 9/KH-UBND ngày 02/01/2025 của UBND tỉnh;",
                "1. Nội dung.",
                "Nơi nhận:             KT. GIÁM ĐỐC",
                "- Như trên;",
                "- UBND các xã: Lũng Cú, Má Lé,",
                "Sủng Là (huyện Đồng Văn);",
                "- Lưu: VT.",
                "PHÓ GIÁM ĐỐC",
            ]
        )
    )
    assert facts.recipients == (
        "UBND huyện Mèo Vạc",
        "UBND huyện Đồng Văn",
        "Như trên",
        "UBND các xã: Lũng Cú, Má Lé, Sủng Là (huyện Đồng Văn)",
    )


def test_a_number_the_opening_quotes_is_not_the_documents() -> None:
    # no number in the header; the opening quotes another paper's number at a line's start
    facts = read_facts(
        _parsed(
            [
                "KẾ HOẠCH",
                "Thực hiện Chương trình hành động về chuyển đổi số",
                "Theo đề nghị của Sở Khoa học và Công nghệ; ý kiến của Sở Tài chính tại Công văn số",
                "88/STC-NS ngày 05/02/2026 và ý kiến thống nhất của các thành viên UBND tỉnh,",
                "I. MỤC TIÊU",
            ]
        )
    )
    assert facts.number is None


@pytest.fixture
def assistant(services, tmp_path: Path):  # type: ignore[no-untyped-def]
    import docx

    document = docx.Document()
    for line in LINES:
        document.add_paragraph(line)
    path = tmp_path / "vinh-long.docx"
    document.save(str(path))
    assert read_facts(load_file(path, path.read_bytes())).signer == "Lê Văn An"
    services.ingestor.ingest_file(path)
    settings = Settings(data_dir=tmp_path, today=date(2026, 5, 1))
    return make_container(services, settings).assistant  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Kế hoạch chuyển đổi số Vĩnh Long do ai ký?", "Lê Văn An"),
        ("ke hoach chuyen doi so tinh vinh long ban hanh ngay nao vay", "03/02/2026"),
        ("Số hiệu của kế hoạch chuyển đổi số tỉnh Vĩnh Long là gì?", "45/KH-UBND"),
        ("kế hoạch chuyển đổi số vĩnh long căn cứ vào những văn bản nào", "749/QĐ-TTg"),
        (
            "Kế hoạch chuyển đổi số Vĩnh Long được ban hành theo đề nghị của cơ quan nào?",
            "Tờ trình số 12/TTr-SKHCN",
        ),
        ("kh chuyển đổi số vĩnh long gửi tới những cơ quan nào", "Bộ KH&CN"),
    ],
)
def test_document_facts_are_answered(assistant, question: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    answer = assistant.ask(question)
    assert answer.found and expected in answer.answer, answer.answer


def test_the_version_keeps_its_facts(services, assistant) -> None:  # type: ignore[no-untyped-def]
    doc = services.stores.versions.active_documents()[0]
    assert (doc.signer, doc.place, doc.issued) == ("Lê Văn An", "Vĩnh Long", "2026-02-03")
    assert len(doc.legal_bases) == 2
    assert doc.recipients == ("Bộ KH&CN",)


def _plan_lines(number: str, year: int, extra: list[str]) -> list[str]:
    return [
        "ỦY BAN NHÂN DÂN",
        "TỈNH HÀ TĨNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {number}",
        f"Hà Tĩnh, ngày 5 tháng 1 năm {year}",
        "KẾ HOẠCH",
        f"Phát triển thương mại điện tử tỉnh Hà Tĩnh năm {year}",
        "I. MỤC TIÊU",
        f"1. Tỷ lệ doanh nghiệp bán hàng qua sàn thương mại điện tử đạt {year - 1990}% năm {year}.",
        *extra,
    ]


def test_a_replaced_plan_is_marked_and_answers_from_it_say_so(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old = tmp_path / "old.txt"
    old.write_text("\n".join(_plan_lines("12/KH-UBND", 2025, [])), "utf-8")
    new = tmp_path / "new.txt"
    relation = ["II. HIỆU LỰC", "Kế hoạch này thay thế Kế hoạch số 12/KH-UBND ngày 05/01/2025."]
    new.write_text("\n".join(_plan_lines("30/KH-UBND", 2026, relation)), "utf-8")
    services.ingestor.ingest_file(old)
    services.ingestor.ingest_file(new)
    container = make_container(services, Settings(data_dir=tmp_path, today=date(2026, 5, 1)))
    assistant = container.assistant  # type: ignore[attr-defined]
    docs = {d.number: d for d in services.stores.versions.active_documents()}
    assert docs["30/KH-UBND"].replaces == "12/KH-UBND"
    assert docs["30/KH-UBND"].province == docs["12/KH-UBND"].province == "Hà Tĩnh"
    assert assistant.superseded_by(docs["12/KH-UBND"].id).number == "30/KH-UBND"
    assert assistant.superseded_by(docs["30/KH-UBND"].id) is None
    answer = assistant.ask(
        "năm 2025 tỷ lệ doanh nghiệp bán hàng qua sàn thương mại điện tử là bao nhiêu"
    )
    assert answer.found and "35%" in answer.answer
    assert "thay thế" in answer.answer and "30/KH-UBND" in answer.answer
    # "bản sửa đổi" asks the plan that replaces the other
    revised = assistant.ask(
        "theo bản sửa đổi, tỷ lệ doanh nghiệp bán hàng qua sàn thương mại điện tử là bao nhiêu"
    )
    assert revised.found and "36%" in revised.answer and "35%" not in revised.answer
    assert revised.sources[0].document_id == docs["30/KH-UBND"].id


def test_no_revised_plan_means_no_answer(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = tmp_path / "plan.txt"
    plan.write_text("\n".join(_plan_lines("12/KH-UBND", 2025, [])), "utf-8")
    services.ingestor.ingest_file(plan)
    assistant = make_container(
        services, Settings(data_dir=tmp_path, today=date(2026, 5, 1))
    ).assistant  # type: ignore[attr-defined]
    answer = assistant.ask(
        "bản sửa đổi đặt tỷ lệ doanh nghiệp bán hàng qua sàn thương mại điện tử bao nhiêu"
    )
    assert not answer.found
