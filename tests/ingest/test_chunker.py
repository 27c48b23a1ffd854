"""Chunks carry their heading path; a chunk that goes on with a list carries its lead-in."""

from __future__ import annotations

from domain.records import TargetRecord
from ingest.chunker import chunk_document
from ingest.loaders import Line, ParsedDocument


def test_a_list_split_across_chunks_keeps_its_lead_in() -> None:
    lines = ["I. Định hướng.", "Phấn đấu đến năm 2030, mỗi xã có trạm y tế số. Cụ thể:"]
    lines += [f"- Mục thứ {i} của danh sách định hướng về y tế và giáo dục số." for i in range(40)]
    doc = ParsedDocument("plan.txt", "txt", [Line(t) for t in lines])
    chunks = chunk_document(
        doc,
        document_id="d",
        version=1,
        title="Kế hoạch",
        tasks=[],
        targets=[],
        skip_ranges=[],
        chunk_size=400,
    )
    assert len(chunks) > 2
    first, *rest = chunks
    assert first.heading_path == ("I. Định hướng.",)
    for chunk in rest:
        assert chunk.text.startswith("- Mục thứ")
        assert chunk.heading_path[0] == "I. Định hướng."
        assert "năm 2030" in chunk.heading_path[1] and chunk.heading_path[1].endswith("Cụ thể:")


def test_a_criterion_names_its_group() -> None:
    row = TargetRecord(
        "d", 1, "8", "PHỤ LỤC 1, III XÃ HỘI SỐ", "Người dân nhận lịch thu gom rác", "", ""
    )
    assert row.group() == "Xã hội số"
    assert "Nhóm: Xã hội số" in row.indexed_text()
    assert TargetRecord("d", 1, "1", "PHỤ LỤC 2", "x", "", "").group() == ""
