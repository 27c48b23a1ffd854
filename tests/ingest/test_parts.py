"""A plan read from several files: its body and its appendix, given together or the
appendix later; the files of a version are kept, so nothing of the body is lost."""

from __future__ import annotations

from pathlib import Path

from stores import TaskQuery
from tests.plans import write_table_docx

BODY = """ỦY BAN NHÂN DÂN TỈNH KON TUM
Số: 45/KH-UBND
Kon Tum, ngày 10 tháng 3 năm 2026
KẾ HOẠCH
Phát triển du lịch cộng đồng năm 2026
I. MỤC TIÊU
Phát triển du lịch cộng đồng gắn với bảo tồn văn hóa các dân tộc.
II. NHIỆM VỤ
Các nhiệm vụ cụ thể tại Phụ lục kèm theo.
"""
HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
ROWS = [
    [
        "1",
        "Xây dựng bản đồ số các làng du lịch",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Xây dựng",
        "Quý II/2026",
    ],
    ["2", "Đào tạo hướng dẫn viên người dân tộc", "Sở Nội vụ", "UBND các huyện", "9/2026"],
    ["3", "Quảng bá sản phẩm du lịch trên nền tảng số", "Sở Khoa học và Công nghệ", "", "12/2026"],
]


def _body(folder: Path) -> Path:
    path = folder / "ke-hoach.txt"
    path.write_text(BODY, "utf-8")
    return path


def _appendix(folder: Path, name: str = "phu-luc.docx", rows: list[list[str]] = ROWS) -> Path:
    lines = [
        "PHỤ LỤC",
        "DANH MỤC NHIỆM VỤ PHÁT TRIỂN DU LỊCH CỘNG ĐỒNG",
        "(Kèm theo Kế hoạch số 45/KH-UBND ngày 10/3/2026 của UBND tỉnh Kon Tum)",
    ]
    return write_table_docx(folder / name, lines, HEADER, rows)


def _tasks(services, document_id: str) -> list[str]:
    found = services.stores.records.tasks(TaskQuery(document_id=document_id))
    return [t.name for t in found]


def test_body_and_appendix_given_together_are_one_plan(services, tmp_path: Path) -> None:
    body, appendix = _body(tmp_path), _appendix(tmp_path)
    # the appendix first: the body is still read first
    result = services.ingestor.ingest_files(
        [(appendix, appendix.read_bytes()), (body, body.read_bytes())]
    )
    assert result.status == "added", result
    assert result.parts == ["ke-hoach.txt", "phu-luc.docx"]
    doc = services.stores.versions.get_document(result.document_id)
    assert doc.number == "45/KH-UBND" and doc.parts == ("ke-hoach.txt", "phu-luc.docx")
    assert "du lịch cộng đồng" in doc.title
    assert _tasks(services, doc.id) == [row[1] for row in ROWS]
    again = services.ingestor.ingest_files(
        [(body, body.read_bytes()), (appendix, appendix.read_bytes())]
    )
    assert again.status == "unchanged"


def test_an_appendix_uploaded_later_is_attached_to_its_plan(services, tmp_path: Path) -> None:
    body = _body(tmp_path)
    first = services.ingestor.ingest_file(body)
    assert first.status == "added" and _tasks(services, first.document_id) == []
    appendix = _appendix(tmp_path)
    attached = services.ingestor.ingest_file(appendix, data=appendix.read_bytes())
    assert attached.status == "updated", attached
    assert (attached.document_id, attached.version) == (first.document_id, 2)
    assert attached.attached_to == first.document_id
    assert attached.parts == ["ke-hoach.txt", "phu-luc.docx"]
    doc = services.stores.versions.get_document(first.document_id)
    assert doc.number == "45/KH-UBND" and doc.source == "ke-hoach.txt"  # the body unchanged
    assert _tasks(services, doc.id) == [row[1] for row in ROWS]
    assert len(services.stores.versions.active_documents()) == 1
    # the same appendix again changes nothing; a revised one replaces it
    assert services.ingestor.ingest_file(appendix).status == "unchanged"
    revised = _appendix(
        tmp_path, rows=[*ROWS, ["4", "Tổ chức lễ hội văn hóa", "Sở Nội vụ", "", "11/2026"]]
    )
    third = services.ingestor.ingest_file(revised)
    assert (third.status, third.version) == ("updated", 3)
    assert len(_tasks(services, doc.id)) == 4
    assert services.stores.versions.files(doc.id, 3)[0][0] == "ke-hoach.txt"


def test_an_appendix_of_a_plan_not_held_is_its_own_document(services, tmp_path: Path) -> None:
    appendix = _appendix(tmp_path)
    result = services.ingestor.ingest_file(appendix)
    assert result.status == "added" and result.attached_to is None
    assert _tasks(services, result.document_id) == [row[1] for row in ROWS]


def test_a_folder_reads_each_plan_s_files_together(services, tmp_path: Path) -> None:
    folder = tmp_path / "kon-tum"
    folder.mkdir()
    _body(folder)
    _appendix(folder, name="a-phu-luc.docx")  # sorts before the body
    other = folder / "z-cong-van.txt"
    other.write_text("Số: 7/CV-SNV\nCÔNG VĂN\nVề việc báo cáo kết quả.\n", "utf-8")
    results = services.ingestor.ingest_paths([folder])
    assert sorted(r.status for r in results) == ["added", "added"]
    plan = next(r for r in results if r.parts and len(r.parts) == 2)
    assert plan.parts == ["ke-hoach.txt", "a-phu-luc.docx"]
    # nothing changed: nothing read again
    again = services.ingestor.ingest_paths([folder])
    assert sorted(r.status for r in again) == ["unchanged"] * 3
    # the body changed: read with its unchanged appendix, which it keeps
    (folder / "ke-hoach.txt").write_text(
        BODY.replace("năm 2026\nI.", "năm 2026 (sửa đổi)\nI."), "utf-8"
    )
    changed = services.ingestor.ingest_paths([folder])
    updated = [r for r in changed if r.status == "updated"]
    assert len(updated) == 1 and updated[0].parts == ["ke-hoach.txt", "a-phu-luc.docx"]
    assert len(_tasks(services, updated[0].document_id)) == 3


def _docx_body(folder: Path) -> Path:
    import docx

    document = docx.Document()
    for line in (
        "ỦY BAN NHÂN DÂN TỈNH SÔNG LAM",
        "Số: 45/KH-UBND",
        "Sông Lam, ngày 12 tháng 3 năm 2026",
        "KẾ HOẠCH",
        "Chuyển đổi số ngành văn hóa, thể thao và du lịch năm 2026",
        "I. MỤC TIÊU",
        "Số hóa di sản và quảng bá du lịch trên nền tảng số.",
        "II. NHIỆM VỤ",
        "Danh mục nhiệm vụ tại Phụ lục I kèm theo.",
    ):
        document.add_paragraph(line)
    path = folder / "ke-hoach-45.docx"
    document.save(str(path))
    return path


def test_a_docx_body_and_its_xlsx_appendix_are_one_plan(services, tmp_path: Path) -> None:
    from tests.ingest.test_xlsx import TRUTH, appendix_bytes

    body = _docx_body(tmp_path)
    appendix = tmp_path / "phu-luc-i.xlsx"
    appendix.write_bytes(appendix_bytes())
    result = services.ingestor.ingest_files(
        [(appendix, appendix.read_bytes()), (body, body.read_bytes())]
    )
    assert result.status == "added", result
    assert result.parts == ["ke-hoach-45.docx", "phu-luc-i.xlsx"]
    doc = services.stores.versions.get_document(result.document_id)
    assert doc.number == "45/KH-UBND" and doc.issued and "Chuyển đổi số" in doc.title
    assert _tasks(services, doc.id) == [t.name for t in TRUTH]
