"""Reorganised agencies (SEMANTICS §1): answers keep the name asked, and say what the other
name holds in one more line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from domain.settings import Settings
from retrieval.tuning import Tuning
from tests.conftest import make_container
from tests.plans import write_table_docx

ROWS = [
    ["1", "Xây dựng cơ sở dữ liệu đất đai", "Sở Tài nguyên và Môi trường", "Sở Tư pháp", "CSDL", "6/2026"],
    ["2", "Số hóa hồ sơ địa chính", "Sở Tài nguyên và Môi trường", "-", "Hồ sơ số", "12/2026"],
    ["3", "Ứng dụng nông nghiệp thông minh", "Sở Nông nghiệp và Môi trường", "Sở Tư pháp", "Mô hình", "2027"],
]  # fmt: skip


def _plan(path: Path) -> Path:
    lines = ["Số: 15/KH-UBND", "KẾ HOẠCH", "Chuyển đổi số tài nguyên tỉnh Tây Ninh", "PHỤ LỤC"]
    header = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời hạn"]
    return write_table_docx(path, lines, header, ROWS)


def test_the_name_asked_and_a_line_about_the_other(services, tmp_path: Path) -> None:
    services.ingestor.ingest_file(_plan(tmp_path / "tay-ninh.docx"))
    settings = Settings(data_dir=tmp_path, today=date(2026, 5, 1))
    assistant = make_container(services, settings).assistant  # type: ignore[attr-defined]
    new = assistant.ask("Sở Nông nghiệp và Môi trường chủ trì những nhiệm vụ nào?")
    assert [t.number for t in new.tasks] == ["3"]
    assert (
        "Sở Tài nguyên và Môi trường, nay hợp nhất vào Sở Nông nghiệp và Môi trường, chủ trì thêm 2 nhiệm vụ"
        in new.answer
    )
    old = assistant.ask("so tn&mt chu tri nhung nv nao")
    assert [t.number for t in old.tasks] == ["1", "2"]
    assert (
        "nay đã hợp nhất vào Sở Nông nghiệp và Môi trường; Sở Nông nghiệp và Môi trường chủ trì 1 nhiệm vụ"
        in old.answer
    )


def test_tuning_is_checked() -> None:
    import pytest

    with pytest.raises(ValueError):
        Tuning(min_support=1.5)
    with pytest.raises(ValueError):
        Tuning(max_each=0)
    assert Tuning().count_lines == 5
