"""Tests for chophien.reference and the YAML files in chophien/reference/data/."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import unicodedata
from importlib import resources

import pytest
import yaml

from chophien import reference as ref
from chophien.core.text import search_key, slugify

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATA_FILES = (
    "provinces.yaml",
    "ethnic_groups.yaml",
    "categories.yaml",
    "certifications.yaml",
    "marketplaces.yaml",
)


def data_text(name: str) -> str:
    return (resources.files("chophien.reference") / "data" / name).read_text(encoding="utf-8")


def raw(name: str) -> dict:
    return yaml.safe_load(data_text(name))


# --- all files -------------------------------------------------------------------


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_file_starts_with_source_comments(name):
    text = data_text(name)
    header = text.split("\n\n", 1)[0]
    assert text.startswith("#")
    assert "Built from ../shared/reference/" in header


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_file_is_nfc(name):
    text = data_text(name)
    assert unicodedata.normalize("NFC", text) == text


def test_check_loads_everything():
    assert ref.check() is None  # raises ReferenceDataError on bad data
    assert (len(ref.provinces()), len(ref.ethnic_groups()), len(ref.categories())) == (34, 54, 26)


def test_check_refuses_bad_data():
    # A fresh interpreter: the loaders are cached for the life of the process.
    planted = """
import sys
from chophien import reference as ref
real = ref._read_text
def read(name):
    text = real(name)
    return text.replace("slug: mat-ong-nong-san-khac", "slug: che") if name == "categories.yaml" else text
ref._read_text = read
try:
    ref.check()
except ref.ReferenceDataError as error:
    print(error)
    sys.exit(0)
sys.exit("check() accepted a duplicate category slug")
"""
    result = subprocess.run([sys.executable, "-c", planted], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "categories.yaml" in result.stdout and "'che'" in result.stdout


def test_records_are_frozen():
    province = ref.provinces()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        province.name = "X"  # type: ignore[misc]


def test_results_are_cached_tuples():
    assert isinstance(ref.provinces(), tuple)
    assert ref.provinces() is ref.provinces()
    assert ref.ethnic_groups() is ref.ethnic_groups()


# --- regions and provinces -------------------------------------------------------


def test_six_regions():
    slugs = [r.slug for r in ref.regions()]
    assert slugs == [
        "trung-du-mien-nui-phia-bac",
        "dong-bang-song-hong",
        "bac-trung-bo-duyen-hai-mien-trung",
        "tay-nguyen",
        "dong-nam-bo",
        "dong-bang-song-cuu-long",
    ]
    assert all(r.name and r.name_en for r in ref.regions())
    assert ref.region_by_slug("tay-nguyen").name == "Tây Nguyên"


def test_exactly_34_provinces():
    assert len(ref.provinces()) == 34


def test_province_codes_and_slugs_unique():
    provinces = ref.provinces()
    codes = [p.code for p in provinces]
    slugs = [p.slug for p in provinces]
    assert len(set(codes)) == 34
    assert all(re.fullmatch(r"\d{2}", code) for code in codes)
    assert len(set(slugs)) == 34
    for p in provinces:
        assert SLUG.match(p.slug) and p.slug.isascii(), p.slug
        assert p.slug == slugify(p.name), p


def test_province_kinds_and_full_names():
    kinds = [p.kind for p in ref.provinces()]
    assert set(kinds) == {"city", "province"}
    # 6 cities from 01/07/2025, plus Đồng Nai from 30/04/2026 [M].
    assert kinds.count("city") == 7
    for p in ref.provinces():
        prefix = "Thành phố " if p.kind == "city" else "Tỉnh "
        assert p.full_name == prefix + p.name, p


def test_every_province_in_a_known_region_and_every_region_used():
    region_slugs = {r.slug for r in ref.regions()}
    used = {p.region for p in ref.provinces()}
    assert used == region_slugs


def test_63_distinct_former_names():
    former = [name for p in ref.provinces() for name in p.former]
    assert len(former) == 63
    assert len(set(former)) == 63
    assert len({search_key(name) for name in former}) == 63


def test_former_codes_parallel_to_former_names():
    units = raw("provinces.yaml")["units"]
    codes = []
    for unit in units:
        assert len(unit["former_codes"]) == len(unit["former"]), unit["name"]
        codes += unit["former_codes"]
    assert len(set(codes)) == 63
    assert all(isinstance(c, str) and re.fullmatch(r"\d{2}", c) for c in codes)


def test_region_confidence_noted():
    for unit in raw("provinces.yaml")["units"]:
        assert unit["region_confidence"] in ("high", "moderate", "low"), unit["name"]


# The 2025 merger (Nghị quyết 202/2025/QH15): each of the 34 units and the pre-2025 provinces it
# absorbed, written out here from the sources named at the top of provinces.yaml (the bando.com.vn
# merger map, field "truocsapnhap") so that the data file is checked against them, not against itself.
MERGER = {
    "Hà Nội": ("Hà Nội",),
    "Cao Bằng": ("Cao Bằng",),
    "Tuyên Quang": ("Tuyên Quang", "Hà Giang"),
    "Điện Biên": ("Điện Biên",),
    "Lai Châu": ("Lai Châu",),
    "Sơn La": ("Sơn La",),
    "Lào Cai": ("Lào Cai", "Yên Bái"),
    "Thái Nguyên": ("Thái Nguyên", "Bắc Kạn"),
    "Lạng Sơn": ("Lạng Sơn",),
    "Quảng Ninh": ("Quảng Ninh",),
    "Bắc Ninh": ("Bắc Ninh", "Bắc Giang"),
    "Phú Thọ": ("Phú Thọ", "Vĩnh Phúc", "Hòa Bình"),
    "Hải Phòng": ("Hải Phòng", "Hải Dương"),
    "Hưng Yên": ("Hưng Yên", "Thái Bình"),
    "Ninh Bình": ("Ninh Bình", "Hà Nam", "Nam Định"),
    "Thanh Hóa": ("Thanh Hóa",),
    "Nghệ An": ("Nghệ An",),
    "Hà Tĩnh": ("Hà Tĩnh",),
    "Quảng Trị": ("Quảng Trị", "Quảng Bình"),
    "Huế": ("Thừa Thiên Huế",),
    "Đà Nẵng": ("Đà Nẵng", "Quảng Nam"),
    "Quảng Ngãi": ("Quảng Ngãi", "Kon Tum"),
    "Gia Lai": ("Gia Lai", "Bình Định"),
    "Khánh Hòa": ("Khánh Hòa", "Ninh Thuận"),
    "Đắk Lắk": ("Đắk Lắk", "Phú Yên"),
    "Lâm Đồng": ("Lâm Đồng", "Đắk Nông", "Bình Thuận"),
    "Đồng Nai": ("Đồng Nai", "Bình Phước"),
    "Hồ Chí Minh": ("Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"),
    "Tây Ninh": ("Tây Ninh", "Long An"),
    "Đồng Tháp": ("Đồng Tháp", "Tiền Giang"),
    "Vĩnh Long": ("Vĩnh Long", "Bến Tre", "Trà Vinh"),
    "An Giang": ("An Giang", "Kiên Giang"),
    "Cần Thơ": ("Cần Thơ", "Sóc Trăng", "Hậu Giang"),
    "Cà Mau": ("Cà Mau", "Bạc Liêu"),
}


def test_every_unit_lists_itself_or_its_predecessor():
    # The documented mapping exactly: no unit missing, no former province lost, moved or invented.
    assert {p.name: p.former for p in ref.provinces()} == MERGER
    for p in ref.provinces():
        # Every unit kept its own name among its predecessors, except Huế (Tỉnh Thừa Thiên Huế).
        assert p.former[0] == p.name or (p.name, p.former) == ("Huế", ("Thừa Thiên Huế",)), p


@pytest.mark.parametrize("old, new", [(old, new) for new, olds in MERGER.items() for old in olds])
def test_each_former_province_maps_to_its_new_unit(old, new):
    assert len({o for olds in MERGER.values() for o in olds}) == 63  # the 63 pre-2025 provinces
    province, former = ref.find_province(old)
    # A name still in use finds its unit as a current name; only a retired name reports "former".
    assert (province.name, former) == (new, None if old == new else old)


@pytest.mark.parametrize(
    "text, name, old",
    [
        ("Hà Giang", "Tuyên Quang", "Hà Giang"),
        ("ha giang", "Tuyên Quang", "Hà Giang"),
        ("Tỉnh Yên Bái", "Lào Cai", "Yên Bái"),
        ("Kon Tum", "Quảng Ngãi", "Kon Tum"),
        ("Sóc Trăng", "Cần Thơ", "Sóc Trăng"),
        ("Bắc Giang", "Bắc Ninh", "Bắc Giang"),
        ("Thừa Thiên Huế", "Huế", "Thừa Thiên Huế"),
        ("Bà Rịa–Vũng Tàu", "Hồ Chí Minh", "Bà Rịa - Vũng Tàu"),
        ("Đắk Nông", "Lâm Đồng", "Đắk Nông"),
        ("Hoà Bình", "Phú Thọ", "Hòa Bình"),
    ],
)
def test_find_province_former_name(text, name, old):
    province, former = ref.find_province(text)
    assert province is not None and province.name == name
    assert former == old


@pytest.mark.parametrize(
    "text, name",
    [
        ("Khánh Hoà", "Khánh Hòa"),
        ("Khánh Hòa", "Khánh Hòa"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("tinh lao cai", "Lào Cai"),
        ("Tỉnh Lào Cai", "Lào Cai"),
        ("Lào Cai", "Lào Cai"),  # also a former name: the current unit wins
        ("Bắc Ninh", "Bắc Ninh"),
        ("lao-cai", "Lào Cai"),
        ("dak-lak", "Đắk Lắk"),
        ("Dak Lak", "Đắk Lắk"),
        ("  ĐIỆN BIÊN ", "Điện Biên"),
        ("Thủ đô Hà Nội", "Hà Nội"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP.HCM", "Hồ Chí Minh"),
        ("Hồ Chí Minh", "Hồ Chí Minh"),
        ("Thành phố Đồng Nai", "Đồng Nai"),
        ("Tỉnh Đồng Nai", "Đồng Nai"),
        ("Huế", "Huế"),
        (unicodedata.normalize("NFD", "Cà Mau"), "Cà Mau"),
    ],
)
def test_find_province_current_name(text, name):
    province, former = ref.find_province(text)
    assert province is not None and province.name == name
    assert former is None


@pytest.mark.parametrize("text", ["", "   ", "Atlantis", "Tỉnh", "Hà", "Huyện Nà Hang"])
def test_find_province_no_match(text):
    assert ref.find_province(text) == (None, None)


def test_province_by_slug():
    assert ref.province_by_slug("tuyen-quang").former == ("Tuyên Quang", "Hà Giang")
    with pytest.raises(KeyError):
        ref.province_by_slug("ha-giang")
    with pytest.raises(KeyError):
        ref.province_by_slug("Tuyên Quang")


# --- ethnic groups ---------------------------------------------------------------


def test_54_ethnic_groups_in_1979_code_order():
    groups = ref.ethnic_groups()
    assert len(groups) == 54
    assert [g.code for g in groups] == [f"{i:02d}" for i in range(1, 55)]
    assert groups[0].name == "Kinh"


def test_ethnic_slugs_unique_ascii():
    slugs = [g.slug for g in ref.ethnic_groups()]
    assert len(set(slugs)) == 54
    for g in ref.ethnic_groups():
        assert SLUG.match(g.slug), g.slug
        assert g.slug == slugify(g.name), g


def test_16_very_small_groups():
    assert sum(g.very_small for g in ref.ethnic_groups()) == 16
    assert ref.ethnic_group_by_slug("o-du").very_small
    assert not ref.ethnic_group_by_slug("tay").very_small


def test_no_derogatory_exonyms_in_ethnic_data():
    text = data_text("ethnic_groups.yaml")
    for form in (text, unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)):
        lowered = form.lower()
        for word in ("Mèo", "Mán"):
            assert word.lower() not in lowered
            assert unicodedata.normalize("NFD", word).lower() not in lowered
    for g in ref.ethnic_groups():
        for text in (g.name, *g.aliases):
            assert search_key(text) not in ("meo", "man"), g


def test_ethnic_lookup_keys_are_unambiguous():
    owners: dict[str, str] = {}
    for g in ref.ethnic_groups():
        for text in (g.name, g.slug, *g.aliases):
            key = search_key(text)
            assert owners.setdefault(key, g.slug) == g.slug, (text, owners[key], g.slug)


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Hmong", "h-mong"),
        ("H'Mông", "h-mong"),
        ("hmông", "h-mong"),
        ("Mông", "h-mong"),
        ("h-mong", "h-mong"),
        ("Ê-đê", "e-de"),
        ("Ê Đê", "e-de"),
        ("ede", "e-de"),
        ("Khơ-me", "khmer"),
        ("Khmer", "khmer"),
        ("Bru-Vân Kiều", "bru-van-kieu"),
        ("M'Nông", "mnong"),
        ("Tày", "tay"),
        ("Thái", "thai"),
        ("Kinh", "kinh"),
    ],
)
def test_find_ethnic_group(text, slug):
    group = ref.find_ethnic_group(text)
    assert group is not None and group.slug == slug


@pytest.mark.parametrize("text", ["", "Klingon", "Người"])
def test_find_ethnic_group_no_match(text):
    assert ref.find_ethnic_group(text) is None


def test_ethnic_group_by_slug():
    assert ref.ethnic_group_by_slug("h-mong").name == "H'Mông"
    with pytest.raises(KeyError):
        ref.ethnic_group_by_slug("hmong")


# --- categories -------------------------------------------------------------------


def test_six_category_groups():
    assert [g.slug for g in ref.category_groups()] == [
        "thuc-pham",
        "do-uong",
        "duoc-lieu",
        "thu-cong-my-nghe",
        "sinh-vat-canh",
        "du-lich",
    ]
    assert all(g.name and g.name_en for g in ref.category_groups())


def test_26_leaf_categories_each_in_an_existing_group():
    leaves = ref.categories()
    assert len(leaves) == 26
    group_slugs = {g.slug for g in ref.category_groups()}
    for leaf in leaves:
        assert leaf.group in group_slugs, leaf
        assert leaf.name and leaf.name_en
    assert {leaf.group for leaf in leaves} == group_slugs
    counts = {g: sum(leaf.group == g for leaf in leaves) for g in group_slugs}
    assert counts == {
        "thuc-pham": 13,
        "do-uong": 4,
        "duoc-lieu": 3,
        "thu-cong-my-nghe": 2,
        "sinh-vat-canh": 3,
        "du-lich": 1,
    }


def test_category_slugs_unique_ascii_and_distinct_from_groups():
    leaf_slugs = [c.slug for c in ref.categories()]
    group_slugs = [g.slug for g in ref.category_groups()]
    assert len(set(leaf_slugs)) == 26
    assert not set(leaf_slugs) & set(group_slugs)
    for slug in leaf_slugs + group_slugs:
        assert SLUG.match(slug) and slug.isascii(), slug


def test_category_nhom_only_for_food_and_drink():
    for record in raw("categories.yaml")["categories"]:
        has_nhom = bool(record.get("nhom"))
        assert has_nhom == (record["group"] in ("thuc-pham", "do-uong")), record["slug"]


@pytest.mark.parametrize(
    "text, slug",
    [
        ("che", "che"),
        ("Chè tươi, chế biến", "che"),
        ("rượu trắng", "ruou-trang"),
        ("Ruou trang", "ruou-trang"),
        ("rau-cu-qua-hat-tuoi", "rau-cu-qua-hat-tuoi"),
        ("Cà phê, ca cao", "ca-phe-ca-cao"),
        ("Mật ong, mật khác và nông sản thực phẩm khác", "mat-ong-nong-san-khac"),
        ("tcmn-gia-dung-trang-tri", "tcmn-gia-dung-trang-tri"),
        ("Vải, may mặc", "vai-may-mac"),
        ("Vải và may mặc", "vai-may-mac"),  # 2019-era label
        ("du-lich-cong-dong", "du-lich-cong-dong"),
    ],
)
def test_find_category(text, slug):
    category = ref.find_category(text)
    assert category is not None and category.slug == slug


@pytest.mark.parametrize(
    "text", ["thuc-pham", "Thực phẩm", "do-uong", "du-lich", "Sinh vật cảnh", "", "xe máy"]
)
def test_find_category_never_returns_groups(text):
    assert ref.find_category(text) is None


def test_category_and_group_by_slug():
    assert ref.category_by_slug("che").group == "thuc-pham"
    assert ref.category_group_by_slug("du-lich").name_en
    with pytest.raises(KeyError):
        ref.category_by_slug("thuc-pham")
    with pytest.raises(KeyError):
        ref.category_group_by_slug("che")


# --- certifications --------------------------------------------------------------


def test_certification_slugs():
    slugs = [c.slug for c in ref.certifications()]
    assert len(set(slugs)) == len(slugs)
    for expected in (
        "vietgap",
        "globalgap",
        "huu-co",
        "huu-co-quoc-te",
        "pgs",
        "chi-dan-dia-ly",
        "nhan-hieu-tap-the",
        "truy-xuat-qr",
        "haccp",
        "iso-22000",
    ):
        assert expected in slugs
    assert "ocop" not in slugs
    for c in ref.certifications():
        assert SLUG.match(c.slug)
        assert c.name and c.name_en and c.description and c.description_en


def test_certification_records_have_issuer_and_confidence():
    for record in raw("certifications.yaml")["certifications"]:
        assert record["issuer"].strip(), record["slug"]
        assert record["confidence"] in ("C", "M", "U"), record["slug"]


@pytest.mark.parametrize(
    "text, slug",
    [
        ("VietGAP", "vietgap"),
        ("vietgap", "vietgap"),
        ("GlobalG.A.P.", "globalgap"),
        ("GLOBALGAP", "globalgap"),
        ("Hữu cơ", "huu-co"),
        ("TCVN 11041", "huu-co"),
        ("USDA Organic", "huu-co-quoc-te"),
        ("Chỉ dẫn địa lý", "chi-dan-dia-ly"),
        ("PGS", "pgs"),
        ("ISO 22000", "iso-22000"),
        ("Truy xuất nguồn gốc", "truy-xuat-qr"),
    ],
)
def test_find_certification(text, slug):
    found = ref.find_certification(text)
    assert found is not None and found.slug == slug


@pytest.mark.parametrize("text", ["OCOP", "sạch", "an toàn", "tự nhiên", ""])
def test_find_certification_rejects_ocop_and_marketing_words(text):
    assert ref.find_certification(text) is None


# --- marketplaces ----------------------------------------------------------------


def test_marketplaces():
    assert [m.slug for m in ref.marketplaces()] == [
        "shopee",
        "lazada",
        "tiki",
        "tiktok-shop",
        "postmart",
        "voso",
        "vcamart",
    ]
    hosts = [h for m in ref.marketplaces() for h in m.hosts]
    assert len(hosts) == len(set(hosts))
    for host in hosts:
        assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", host), host


@pytest.mark.parametrize(
    "text, slug",
    [
        ("TikTok Shop", "tiktok-shop"),
        ("tiktok-shop", "tiktok-shop"),
        ("Shopee", "shopee"),
        ("shopee", "shopee"),
        ("Postmart.vn", "postmart"),
        ("VCAMart", "vcamart"),
    ],
)
def test_find_marketplace(text, slug):
    found = ref.find_marketplace(text)
    assert found is not None and found.slug == slug


def test_find_marketplace_unknown():
    assert ref.find_marketplace("Sendo") is None
    assert ref.find_marketplace("") is None


@pytest.mark.parametrize(
    "url, slug",
    [
        ("https://shopee.vn/abc-i.1.2", "shopee"),
        ("https://shopee.vn/product/123/456", "shopee"),
        ("https://SHOPEE.VN/htxchenahang", "shopee"),
        ("http://shopee.vn/x", "shopee"),
        ("shopee.vn/x", "shopee"),
        ("https://shopee.vn:443/x", "shopee"),
        ("shopee.vn:443/x", "shopee"),
        ("https://shopee.vn./x", "shopee"),
        ("https://www.lazada.vn/products/che-i123.html", "lazada"),
        ("https://tiki.vn/che-shan-p123.html?spid=4", "tiki"),
        ("https://vt.tiktok.com/ZS123/", "tiktok-shop"),
        ("https://www.tiktok.com/view/product/1729", "tiktok-shop"),
        ("https://postmart.vn/p/tao-dai-muong-la-htx-hung-thinh-hop-5kg-43160.html", "postmart"),
        ("https://voso.vn/dac-san-vo-so-s3145375", "voso"),
        ("https://www.vcamart.vn", "vcamart"),
    ],
)
def test_marketplace_for_url(url, slug):
    found = ref.marketplace_for_url(url)
    assert found is not None and found.slug == slug


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/shopee.vn",
        "https://shopee.vn.evil.example/x",
        "https://shopee.vn@evil.example/x",
        "https://evilshopee.vn/x",
        "ftp://shopee.vn/x",
        "mailto:shop@shopee.vn",
        "tel:+84912345678",
        "javascript:alert('shopee.vn')",
        "",
        "https://",
    ],
)
def test_marketplace_for_url_rejects_other_hosts(url):
    assert ref.marketplace_for_url(url) is None
