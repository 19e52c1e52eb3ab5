"""federation.yaml: members read strictly; every problem at once, in Vietnamese, with line, field and example."""

from __future__ import annotations

import pytest

from chophien.core.problems import ERROR, WARNING, ProblemList
from chophien.federation.members import MAX_MEMBERS, parse_members, read_members
from chophien.federation.model import Member

GOOD = """\
members:
  - id: tuyen-quang
    name: Chợ phiên Tuyên Quang
    url: https://Tuyen-Quang.example.vn:443
    province: Tuyên Quang
  - id: son-la
    name: Chợ phiên Sơn La
    url: https://chophien.example.org/son-la
    province: son-la
    media: https://anh.example.org
"""


def read(text: str | bytes) -> tuple[tuple[Member, ...], list]:
    problems = ProblemList()
    members = parse_members(text.encode() if isinstance(text, str) else text, "federation.yaml", problems)
    return members, problems.sorted()


def test_a_good_file_gives_normalised_members():
    members, problems = read(GOOD)
    assert problems == []
    assert members == (
        Member("tuyen-quang", "Chợ phiên Tuyên Quang", "https://tuyen-quang.example.vn/", "tuyen-quang"),
        Member(
            "son-la",
            "Chợ phiên Sơn La",
            "https://chophien.example.org/son-la/",
            "son-la",
            "https://anh.example.org",
        ),
    )
    assert [m.line for m in members] == [2, 6]
    assert members[1].catalogue_url == "https://chophien.example.org/son-la/danh-muc.json"


BAD = """\
members:
  - id: tuyen-quang
    name: Chợ phiên Tuyên Quang
    url: https://tuyen-quang.example.vn/
    province: tuyen-quang
  - id: tuyen-quang
    name: Trùng mã
    url: https://khac.example.vn/
    province: tuyen-quang
  - id: son-la
    name: Trùng địa chỉ
    url: HTTPS://tuyen-quang.example.vn:443/
    province: son-la
  - id: Sai Mã
    name: Sai nhiều chỗ
    url: ftp://a.example.vn/
    province: atlantis
    medai: https://x.example.vn
  - chỉ một dòng chữ
  - id: anh-co-duong-dan
    name: Ảnh có đường dẫn
    url: https://b.example.vn/
    province: hue
    media: https://cdn.example.vn/anh/
  - id: script
    name: Script
    url: "javascript:alert(1)//"
    province: hue
  - id: dang-nhap
    name: Đăng nhập
    url: https://user:mat-khau@c.example.vn/
    province: hue
  - id: thieu
    name: Thiếu địa chỉ
    province: hue
  - id: http
    name: Không mã hoá
    url: http://d.example.vn/
    province: hue
thua: 1
"""


def test_every_problem_is_reported_at_once_with_line_field_and_example():
    members, problems = read(BAD)
    found = [(p.line, p.field, p.severity) for p in problems]
    assert found == [
        (6, "members[2].id", ERROR),
        (12, "members[3].url", ERROR),
        (14, "members[4].id", ERROR),
        (16, "members[4].url", ERROR),
        (17, "members[4].province", ERROR),
        (18, "members[4].medai", ERROR),
        (19, "members[5]", ERROR),
        (24, "members[6].media", ERROR),
        (27, "members[7].url", ERROR),
        (31, "members[8].url", ERROR),
        (33, "members[9]", ERROR),
        (38, "members[10].url", WARNING),
        (40, "thua", ERROR),
    ]
    assert all(p.message_vi and p.path == "federation.yaml" for p in problems)
    assert all(p.example for p in problems if p.field != "thua")
    assert "atlantis" in problems[4].message_vi and "có phải `media`?" in problems[5].message_vi
    # only the members without an error are kept (the first of two with one id or address)
    assert [m.id for m in members] == ["tuyen-quang", "http"]


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"members: [\n", "members"),
        (b"members:\n  - &a {id: x}\n  - *a\n", ""),
        (b"members:\n  - id: a\n    id: b\n", ""),
        (b"\xff\xfe\x00\x00garbage", ""),
        (b"- a list\n", ""),
        (b"other: 1\n", ""),
    ],
)
def test_a_broken_file_is_a_problem_not_a_traceback(raw, expected):
    members, problems = read(raw)
    assert members == () and problems and problems[0].severity == ERROR
    assert all(p.message_vi for p in problems)


def test_too_many_members_and_a_missing_file(tmp_path):
    text = "members:\n" + "".join(
        f"  - {{id: m{i}, name: M, url: 'https://m{i}.vn/', province: hue}}\n" for i in range(MAX_MEMBERS + 1)
    )
    members, problems = read(text)
    assert members == () and f"at most {MAX_MEMBERS}" in problems[0].message_en
    members, problems = read_members(tmp_path / "federation.yaml")
    assert members == () and "không đọc được" in problems.items[0].message_vi
