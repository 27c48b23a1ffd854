"""Text in the legacy Vietnamese encodings TCVN3 (ABC) and VNI, read as Unicode.

The encoders below are built from the same JSON tables, inverted; the byte literals are the
ones the published tables give (UniKey's VnConv, xvnkb, glibc's TCVN5712-1), so a wrong table
cannot pass by symmetry.
"""

from __future__ import annotations

import json
import tomllib
import unicodedata
from importlib import resources
from pathlib import Path

import pytest

from domain.errors import UnsupportedFileError
from ingest.legacy_text import (
    decode_legacy,
    detect_legacy,
    from_tcvn3,
    from_vni,
    syllable_share,
)
from ingest.loaders import decode_text, load_file

ROOT = Path(__file__).resolve().parents[2]

# A fictional plan: every toned vowel, đ/Đ, ư/ơ, capitals in title case and in headings.
TEXT = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
ĐỘC LẬP - TỰ DO - HẠNH PHÚC
KẾ HOẠCH
Triển khai đề án "Đường phố xanh" của Sở Giao thông vận tải tỉnh Bắc Lạc năm 2027
1. Sở Giao thông vận tải chủ trì xây dựng đề án cải tạo đường Nguyễn Trãi và ngõ Ấp Đông; hoàn thành trong Quý III/2027.
2. UBND huyện Yên Thủy phối hợp rà soát lũ, sạt lở; bảo đảm an toàn kỹ thuật, tiết kiệm chi phí, tỷ lệ hồ sơ đúng hạn đạt 95%.
3. Đoàn kiểm tra liên ngành báo cáo kết quả trước ngày 15/10/2027, nhằm chấn chỉnh kịp thời những sai sót, hư hỏng.
4. Trung tâm Điều hành giao thông thông minh cập nhật dữ liệu lưu lượng xe ở các nút giao, nâng cấp hệ thống đèn tín hiệu.
5. Ban Quản lý dự án sẵn sàng thẳng thắn tiếp thu ý kiến; mọi vướng mắc gửi về thị trấn huyện lỵ trước Quý IV/2027.
Ổn định tổ chức, sắp xếp chỗ làm việc, vỡ ống nước được khắc phục ngay; chú ý đặc thù miền núi, kẻ vạch, lõi đô thị.
Ồ ạt chi tiêu là điều cấm kỵ; ưu tiên thủ tục đơn giản, mở rộng hợp tác, nhẹ nhàng mà hiệu quả."""

# The 67 lowercase Vietnamese letters outside ASCII.
_TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
VIETNAMESE_LETTERS = {
    unicodedata.normalize("NFC", base + tone)
    for base in ("a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031b", "u")
    + ("u\u031b", "y")
    for tone in _TONES
} - set("aeiouy") | {"đ"}


def _tables() -> dict:  # type: ignore[type-arg]
    raw = resources.files("ingest").joinpath("data/legacy_encodings.json").read_text("utf-8")
    return json.loads(raw)  # type: ignore[no-any-return]


def _tcvn3_bytes(text: str, vn1_uppercase: bool = True) -> bytes:
    """Encode as TCVN3 from the inverted tables. A capital without a byte takes the
    lowercase byte, as text set in the uppercase-only ".VnTimeH" fonts does; without
    ``vn1_uppercase`` only the ABC letters are used (as UniKey writes TCVN3)."""
    sections = ("letters", "vn1_uppercase") if vn1_uppercase else ("letters",)
    table = {
        letter: int(code, 16)
        for section in sections
        for code, letter in _tables()["tcvn3"][section].items()
    }
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in table:
            out.append(table[ch])
        elif ch.lower() in table:
            out.append(table[ch.lower()])
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def _vni_bytes(text: str) -> bytes:
    inverse = {letter: seq for seq, letter in _tables()["vni"]["sequences"].items()}
    return "".join(inverse.get(ch, ch) for ch in unicodedata.normalize("NFC", text)).encode(
        "cp1252"
    )


def _as_read(data: bytes) -> str:
    """Bytes as a text extractor hands them over: Latin-1 characters."""
    return data.decode("latin-1")


# --- the tables --------------------------------------------------------------------------

# (Unicode, TCVN3 bytes, VNI bytes) as the published tables give them.
PUBLISHED = [
    ("Việt Nam", b"Vi\xd6t Nam", b"Vie\xe4t Nam"),
    ("đường", b"\xae\xad\xeang", b"\xf1\xf6\xf4\xf8ng"),
    ("Hà Nội", b"H\xb5 N\xe9i", b"Ha\xf8 No\xe4i"),
    ("Nghị định", b"Ngh\xde \xae\xdenh", b"Ngh\xf2 \xf1\xf2nh"),
    ("Đồng Tháp", b"\xa7\xe5ng Th\xb8p", b"\xd1o\xe0ng Tha\xf9p"),
    ("thẳng, sẵn, lỵ", b"th\xbcng, s\xbdn, l\xfe", b"tha\xfang, sa\xfcn, l\xee"),
    ("ước, ở, ủy", b"\xad\xedc, \xeb, \xf1y", b"\xf6\xf4\xf9c, \xf4\xfb, u\xfby"),
]


@pytest.mark.parametrize(("text", "tcvn3", "vni"), PUBLISHED, ids=[p[0] for p in PUBLISHED])
def test_tables_give_the_published_bytes(text: str, tcvn3: bytes, vni: bytes) -> None:
    assert _tcvn3_bytes(text) == tcvn3
    assert _vni_bytes(text) == vni
    assert from_tcvn3(tcvn3.decode("cp1252")) == text
    assert from_vni(vni.decode("cp1252")) == text


def test_vni_capitals_take_capital_marks() -> None:
    assert _vni_bytes("QUYẾT ĐỊNH") == b"QUYE\xc1T \xd1\xd2NH"
    assert _vni_bytes("ƯỚC") == b"\xd6\xd4\xd9C"
    assert from_vni("QUYE\xc1T \xd1\xd2NH") == "QUYẾT ĐỊNH"


def test_tcvn3_reads_the_full_tcvn_5712_capitals() -> None:
    # VN1 capitals outside the Windows-1252 punctuation: Ế 0xDA, Ấ 0xC4, Ý 0x16, Ả 0x81
    assert from_tcvn3("K\xda, \xc4p, \x16, \x81nh") == "KẾ, Ấp, Ý, Ảnh"
    # 0x80-0x9F keep their Windows-1252 quotes and dashes, in either reading
    assert from_tcvn3("\u201cH\xb5 N\xe9i\u201d \u2013 x") == "\u201cHà Nội\u201d \u2013 x"
    assert from_tcvn3("\x93H\xb5 N\xe9i\x94 \x96 x") == "\u201cHà Nội\u201d \u2013 x"


def test_tables_cover_every_vietnamese_letter_once() -> None:
    tables = _tables()
    abc = tables["tcvn3"]["letters"].values()
    assert set(abc) == VIETNAMESE_LETTERS | set("ĂÂÊÔƠƯĐ")
    assert len(list(abc)) == len(set(abc)) == 74
    vni = list(tables["vni"]["sequences"].values())
    assert set(vni) == VIETNAMESE_LETTERS | {c.upper() for c in VIETNAMESE_LETTERS}
    assert len(vni) == len(set(vni)) == 134
    codes = [int(c, 16) for s in ("letters", "vn1_uppercase") for c in tables["tcvn3"][s]]
    assert len(codes) == len(set(codes)) and all(0 < c <= 0xFF for c in codes)


def test_vni_is_greedy_on_the_longest_sequence() -> None:
    assert from_vni("o\xe2 \xf4 \xf4\xf9 \xf6\xf4\xf8") == "ô ơ ớ ườ"
    assert from_vni("a\xea a\xe9 a\xe2 a\xe1") == "ă ắ â ấ"


def test_the_json_ships_as_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "data/*.json" in config["tool"]["setuptools"]["package-data"]["ingest"]


# --- round trips ----------------------------------------------------------------------------


def test_round_trips_are_exact() -> None:
    text = unicodedata.normalize("NFC", TEXT)
    assert from_tcvn3(_as_read(_tcvn3_bytes(text))) == text
    assert from_vni(_as_read(_vni_bytes(text))) == text
    # a Windows-1252 reading gives the same as a Latin-1 one
    assert from_vni(_vni_bytes(text).decode("cp1252")) == text


def test_headings_in_an_uppercase_only_font_come_back_in_capitals() -> None:
    heading = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nKẾ HOẠCH\nQUYẾT ĐỊNH VỀ VIỆC"
    # the ".VnTimeH" way: capital ASCII letters, the lowercase bytes for toned letters
    data = _tcvn3_bytes(heading, vn1_uppercase=False)
    assert b"X\xb7" in data  # XÃ written with the byte of ã
    assert from_tcvn3(_as_read(data)) == heading


def test_tcvn3_capitals_without_a_byte_stay_lowercase_outside_headings() -> None:
    data = _tcvn3_bytes("Ủy ban nhân dân; Sở GTVT; mạng LAN; Hệ thống", vn1_uppercase=False)
    assert from_tcvn3(_as_read(data)) == "ủy ban nhân dân; Sở GTVT; mạng LAN; Hệ thống"


# --- detection --------------------------------------------------------------------------------


def test_detect_names_the_encoding() -> None:
    assert detect_legacy(_as_read(_tcvn3_bytes(TEXT))) == "tcvn3"
    assert detect_legacy(_as_read(_tcvn3_bytes(TEXT, vn1_uppercase=False))) == "tcvn3"
    assert detect_legacy(_as_read(_vni_bytes(TEXT))) == "vni"


@pytest.mark.parametrize(
    "text",
    [
        "The Department of Transport will finish the project by the third quarter of 2027.",
        TEXT,  # already Unicode
        TEXT.encode("utf-8").decode("cp1252", errors="replace"),  # UTF-8 read as cp1252
        "",
    ],
    ids=["english", "unicode-vietnamese", "utf-8-mojibake", "empty"],
)
def test_detect_gives_none_for_text_that_is_no_legacy_text(text: str) -> None:
    assert detect_legacy(text) is None


def test_real_vietnamese_reads_as_valid_syllables() -> None:
    assert syllable_share(TEXT) == 1.0
    assert syllable_share("Sở Giao thông vận tải chủ trì, phối hợp với HĐND, UBND") == 1.0
    assert syllable_share(_as_read(_tcvn3_bytes(TEXT))) < 0.6
    assert syllable_share(_as_read(_vni_bytes(TEXT))) < 0.6


def test_decode_legacy_refuses_what_is_no_legacy_text() -> None:
    assert decode_legacy(TEXT.encode("utf-8")) is None
    assert decode_legacy("計画書は2027年までに完了します。".encode("shift_jis")) is None
    assert decode_legacy(b"plain ASCII words only") is None


# --- files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [_tcvn3_bytes, _vni_bytes],
    ids=["tcvn3", "vni"],
)
def test_decode_text_reads_legacy_files(encode) -> None:  # type: ignore[no-untyped-def]
    data = encode(TEXT)
    assert decode_legacy(data) == unicodedata.normalize("NFC", TEXT)
    assert decode_text(data, "ke-hoach.txt") == unicodedata.normalize("NFC", TEXT)


def test_windows_1258_still_wins_over_the_legacy_readings() -> None:
    tones = set(_TONES) - {""}
    parts = []
    for ch in TEXT:
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones))
        parts.append(base + "".join(c for c in nfd if c in tones))
    data = "".join(parts).encode("cp1258")
    assert decode_text(data, "ke-hoach.txt") == unicodedata.normalize("NFC", TEXT)


@pytest.mark.parametrize("encode", [_tcvn3_bytes, _vni_bytes], ids=["tcvn3", "vni"])
def test_load_file_parses_legacy_text_into_unicode_lines(encode) -> None:  # type: ignore[no-untyped-def]
    doc = load_file(Path("ke-hoach.txt"), data=encode(TEXT))
    assert doc.kind == "txt"
    assert [line.text for line in doc.lines] == unicodedata.normalize("NFC", TEXT).split("\n")
    assert unicodedata.is_normalized("NFC", doc.text())


def test_an_unknown_encoding_names_the_accepted_ones() -> None:
    with pytest.raises(UnsupportedFileError) as raised:
        decode_text("交通运输厅负责制定方案，于2027年第三季度完成。".encode("gbk"), "ke-hoach.txt")
    message = str(raised.value)
    for name in ("UTF-8", "UTF-16", "UTF-32", "Windows-1258", "TCVN3", "VNI"):
        assert name in message
