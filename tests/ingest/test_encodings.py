"""Text files in the encodings offices save them in: UTF-8, UTF-16 with a byte order mark,
Windows-1258 (tone marks as combining characters), and the legacy TCVN3 and VNI (read in
tests/ingest/test_legacy_text.py); an unknown encoding is refused, saying so."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from domain.errors import UnsupportedFileError
from ingest.loaders import load_file

TEXT = (
    "KẾ HOẠCH\nỨng dụng công nghệ thông tin tỉnh Điện Biên năm 2026\n"
    "1. Sở Y tế triển khai hồ sơ sức khỏe điện tử cho người dân trước tháng 9/2026.\n"
)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    """The text as Windows-1258 stores it: letters with their vowel marks, tones combining."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(p for p in parts if p in _TONES)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def _lines(path: Path) -> str:
    return "\n".join(line.text for line in load_file(path).lines)


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.encode("utf-16"),  # with its byte order mark
        lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
        _cp1258,
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "windows-1258"],
)
def test_known_encodings_read_as_unicode(encode, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(encode(TEXT))
    text = _lines(path)
    assert "Ứng dụng công nghệ thông tin tỉnh Điện Biên" in text
    assert "hồ sơ sức khỏe điện tử" in text


@pytest.mark.parametrize(
    "data",
    [
        # bytes that are neither UTF-8 nor Vietnamese in Windows-1258, TCVN3 or VNI
        bytes(range(0x80, 0xFF)) * 4,
        ("計画書は2027年までに完了します。こうつうぶがたんとうします。" * 5).encode("shift_jis"),
    ],
    ids=["random-bytes", "shift-jis"],
)
def test_an_unknown_encoding_is_refused_saying_so(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(data)
    with pytest.raises(UnsupportedFileError) as raised:
        load_file(path)
    message = str(raised.value)
    assert "bảng mã" in message
    for accepted in ("UTF-8", "UTF-16", "Windows-1258", "TCVN3", "VNI"):
        assert accepted in message
