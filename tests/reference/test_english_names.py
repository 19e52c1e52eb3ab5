"""English names of the reference data (issue 16): every record has one, in the documented form."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chophien import reference as ref
from chophien.core.text import fold, search_key


def nonempty(text) -> bool:
    return isinstance(text, str) and bool(text.strip()) and text == text.strip()


def test_every_record_has_an_english_name():
    records = (
        *ref.regions(),
        *ref.provinces(),
        *ref.ethnic_groups(),
        *ref.category_groups(),
        *ref.categories(),
        *ref.certifications(),
    )
    missing = [record for record in records if not nonempty(record.name_en)]
    assert missing == []
    assert len(records) == 6 + 34 + 54 + 6 + 26 + len(ref.certifications())


def test_certifications_have_english_descriptions():
    assert all(nonempty(c.description_en) for c in ref.certifications())


@pytest.mark.parametrize("province", ref.provinces(), ids=lambda p: p.slug)
def test_province_english_names_follow_the_convention(province):
    # Official English sources: the name without diacritics, then "Province"/"City".
    assert province.name_en.isascii() and province.full_name_en.isascii()
    assert search_key(province.name_en) == search_key(province.name) or province.slug == "ho-chi-minh"
    if province.slug == "ha-noi":
        assert (province.name_en, province.full_name_en) == ("Ha Noi", "Ha Noi")
    elif province.slug == "ho-chi-minh":
        assert (province.name_en, province.full_name_en) == ("Ho Chi Minh City", "Ho Chi Minh City")
    else:
        suffix = " City" if province.kind == "city" else " Province"
        assert province.full_name_en == province.name_en + suffix


def test_former_names_in_english():
    hcm = ref.province_by_slug("ho-chi-minh")
    assert hcm.former_en == ("Ho Chi Minh City", "Binh Duong", "Ba Ria - Vung Tau")
    hue = ref.province_by_slug("hue")
    assert hue.former_en == ("Thua Thien Hue",)
    for province in ref.provinces():
        assert len(province.former_en) == len(province.former)
        assert all(old.isascii() for old in province.former_en), province.slug
        assert (province.name in province.former) == (province.name_en in province.former_en)


def test_english_place_name_strips_marks_and_keeps_case():
    assert ref.english_place_name("Đắk Lắk") == "Dak Lak"
    assert ref.english_place_name("Thừa Thiên Huế") == "Thua Thien Hue"


def test_english_province_names_are_found():
    assert ref.find_province("Tuyen Quang Province") == (ref.province_by_slug("tuyen-quang"), None)
    assert ref.find_province("Ho Chi Minh City")[0].slug == "ho-chi-minh"
    assert ref.find_province("Hanoi")[0].slug == "ha-noi"


ETHNIC_EN = {
    # Spot checks against the en.vinaculto.vn list (provenance in ethnic_groups.yaml).
    "h-mong": "Hmong",
    "e-de": "Ede",
    "tay": "Tay",
    "thai": "Thai",
    "dao": "Dao",
    "kho-mu": "Kho Mu",
    "bru-van-kieu": "Bru-Van Kieu",
    "ro-mam": "Ro Mam",
    "lao": "Lao",
    "cham": "Cham",
}


def test_ethnic_english_names():
    groups = ref.ethnic_groups()
    names = [g.name_en for g in groups]
    assert len(set(names)) == 54
    assert all(name.isascii() for name in names)
    for slug, english in ETHNIC_EN.items():
        assert ref.ethnic_group_by_slug(slug).name_en == english
    # The English name is the Vietnamese one without marks (H'Mông → Hmong, Ê Đê → Ede fold equal).
    assert [g.slug for g in groups if search_key(g.name_en) != search_key(g.name)] == []
    assert ref.find_ethnic_group("Ede") is ref.ethnic_group_by_slug("e-de")


def test_no_derogatory_exonym_in_english():
    for group in ref.ethnic_groups():
        assert fold(group.name_en) not in {"meo", "man"}, group


PLANT = """
import sys
from chophien import reference as ref
real = ref._read_text
def read(name):
    text = real(name)
    return text.replace({old!r}, {new!r}, 1) if name == {file!r} else text
ref._read_text = read
try:
    ref.check()
except ref.ReferenceDataError as error:
    print(error)
    sys.exit(0)
sys.exit("check() accepted " + {new!r})
"""


@pytest.mark.parametrize(
    ("file", "old", "new", "where"),
    [
        ("ethnic_groups.yaml", 'name_en: "Hmong"', "name_en: 3", "h-mong"),
        ("ethnic_groups.yaml", 'name_en: "Tay", ', "", "tay"),
        ("provinces.yaml", "name_en: Cao Bang\n", "name_en: [Cao Bang]\n", "cao-bang"),
        ("provinces.yaml", "full_name_en: Lai Chau Province", "full_name_en: ''", "lai-chau"),
        ("categories.yaml", "name_en: Flowers", "name_en: 12", "hoa"),
        ("certifications.yaml", "name_en: Collective trade mark", "name_en: null", "nhan-hieu-tap-the"),
    ],
)
def test_loader_refuses_a_missing_or_non_text_english_name(file, old, new, where):
    program = PLANT.format(old=old, new=new, file=file)
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert file in result.stdout and where in result.stdout and "name_en" in result.stdout
