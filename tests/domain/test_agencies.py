import json
from pathlib import Path

import pytest

from domain.agencies import Gazetteer
from domain.errors import ConfigurationError


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
        ("so thong tin va truyen thong", "Sở Thông tin và Truyền thông"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("Sở Khoa học và công nghệ", "Sở Khoa học và Công nghệ"),
        ("Văn phòng Uỷ ban nhân dân tỉnh", "Văn phòng UBND tỉnh"),
        ("Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh"),
        ("so y te", "Sở Y tế"),
        ("NHNN", "Chi nhánh Ngân hàng Nhà nước tỉnh Bình Phước"),
    ],
)
def test_aliases_and_spelling_variants(gaz: Gazetteer, alias: str, name: str):
    assert gaz.canonical(alias) == name


def test_split_keeps_names_with_commas_and_collectives(gaz: Gazetteer):
    cell = (
        "Sở Thông tin và Truyền thông, Sở Khoa học và Công nghệ, Ban Tuyên giáo Tỉnh ủy; "
        "Sở Văn hóa, Thể thao và Du lịch; Đài Phát thanh - Truyền hình và Báo Bình Phước"
    )
    assert gaz.split(cell) == [
        "Sở Thông tin và Truyền thông",
        "Sở Khoa học và Công nghệ",
        "Ban Tuyên giáo Tỉnh ủy",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Đài Phát thanh - Truyền hình và Báo Bình Phước",
    ]
    assert gaz.split("Các sở, ban, ngành, UBND các huyện, thị xã, thành phố") == [
        "Các sở, ban, ngành",
        "UBND các huyện, thị xã, thành phố",
    ]
    assert gaz.split("Sở Tư pháp và các sở, ngành; UBND các huyện, thị xã, thành phố") == [
        "Sở Tư pháp",
        "Các sở, ngành",
        "UBND các huyện, thị xã, thành phố",
    ]


def test_split_names_written_side_by_side(gaz: Gazetteer):
    assert gaz.split("Sở Khoa học và Công nghệ Sở Thông tin và Truyền thông") == [
        "Sở Khoa học và Công nghệ",
        "Sở Thông tin và Truyền thông",
    ]


def test_dash_is_no_agency(gaz: Gazetteer):
    assert gaz.split("-") == []


def test_admin_file_extends_and_records_mergers(tmp_path: Path):
    extra = tmp_path / "agencies.json"
    extra.write_text(
        json.dumps(
            {
                "agencies": [
                    {"name": "Sở Khoa học và Công nghệ", "aliases": ["SKHCN mới"]},
                    {
                        "name": "Sở Thông tin và Truyền thông",
                        "aliases": [],
                        "merged_into": "Sở Khoa học và Công nghệ",
                    },
                ]
            }
        ),
        "utf-8",
    )
    gaz = Gazetteer.load([extra])
    assert gaz.canonical("SKHCN mới") == "Sở Khoa học và Công nghệ"
    assert gaz.canonical("Sở TT&TT") == "Sở Khoa học và Công nghệ"


def test_broken_admin_file_is_a_configuration_error(tmp_path: Path):
    bad = tmp_path / "agencies.json"
    bad.write_text("{not json", "utf-8")
    with pytest.raises(ConfigurationError, match="agencies.json"):
        Gazetteer.load([bad])


def test_names_learnt_from_plans_are_found_without_diacritics():
    gaz = Gazetteer.load()
    learnt = gaz.with_names(["Trường Chính trị tỉnh", "Các sở, ngành liên quan", "Sở Y tế"])
    assert learnt.find("truong chinh tri tinh chu tri nhiem vu nao") == ["Trường Chính trị tỉnh"]
    assert learnt.find("các sở, ngành liên quan") == []  # a collective names no one agency
    assert learnt.canonical("SYT") == "Sở Y tế"
    assert gaz.find("Trường Chính trị tỉnh") == []  # the loaded gazetteer is unchanged
