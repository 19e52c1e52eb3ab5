"""Each field type's two sides agree: the CMS form accepts exactly what the converter accepts in canonical
form. The form fields are read from the generated CMS config (every scalar field of both schemas),
their JavaScript patterns run under Node.js, and the same values go through the field type's converter."""

import json
import subprocess
from collections.abc import Iterator

import pytest

from chophien.catalogue import field_types
from chophien.catalogue.canonical import written
from chophien.catalogue.field_types import FieldType, TextType
from chophien.catalogue.schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, Field
from chophien.volunteer.cms import config

# field type name → values a volunteer may type: valid and canonical, valid but not canonical, invalid.
SAMPLES = {
    "price": [
        "1000", "450000", "500000000", "lien-he", "4.5", "4,5", "450.000", "450.000 ₫", "450000đ", "0450000",
        "999", "500000001", "-450000", "Liên hệ", "bốn trăm", "45 0000", "1e6", "450000 ", " 450000", "4.500",
        "450000.5", "450000,0",
    ],
    "phone": [
        "0912 345 678", "0912345678", "0912.345.678", "(0912) 345-678", "+84 912 345 678", "+84912345678",
        "84912345678", "0203 3823 456", "02033823456", "12345", "0112 345 678", "0912 345 67", "0912 345 6789",
        "+85 912 345 678", "0912 345 678 ext", "091234567a", "8491234567", "+840912345678", " 0912345678 ",
    ],
    "email": [
        "htx@example.com", "a.b+c@mail.co.vn", "htx@example", "htx @example.com", "@example.com", "htx@ex.c",
        " htx@example.com ", "htx@example.com.", "hợp@example.com",
    ],
    "url": [
        "https://chenahang.vn", "https://chenahang.vn/", "https://a.vn:8443/x?y=1", "http://chenahang.vn",
        "https://localhost", "https://chenahang", "chenahang.vn", "https://a.vn/x y", 'https://a.vn/"x',
        " https://chenahang.vn ", "https://www.facebook.com/htxchenahang", "https://WWW.Facebook.com/htx",
        "https://fb.me/htx", "https://facebook.com", "https://m.me/htxchenahang", "https://www.fb.com:443/x",
        "https://shopee.vn/htxchenahang",
    ],
    "messenger": [
        "htxchenahang", "htx.che.na.hang", "abcd", "https://m.me/htxchenahang", "https://www.facebook.com/htxche/",
        "https://facebook.com/htx", "htx_che", "https://m.me/htxchenahang//", "x" * 50, "x" * 51,
    ],
    "date": [
        "15/11/2023", "1/2/2024", "29/02/2024", "29/02/2023", "31/04/2023", "30/04/2023", "31/12/2023",
        "32/01/2023", "15/13/2023", "2023-11-15", "15.11.2023", "15-11-2023", "00/01/2023", "15/11/23",
        "29/02/2000", "29/02/1900", "01/01/0000",
    ],
    "code": ["TQ-CHE01", "tq-che01", "ABC", "AB", "-ABC", "A" * 16, "A" * 17, "TQ_CHE", " TQ-CHE01 "],
    "platform": ["shopee", "Shopee", "Chợ quê", "x" * 40, "x" * 41, "", "   ", " tiki "],
}  # fmt: skip


def text_samples(max_length: int) -> list[str]:
    """Text at and around *max_length*, blank text, and runs of spaces that count as one."""
    n = max_length
    return [
        "Chè Shan tuyết", "  Chè   Shan  ", "a", "", "   ", "x" * n, "x" * (n + 1), ("x " * n).strip(),
        ("x " * (n // 2)).strip() + " " * 300 + "y", "\u00a0hộp\u00a0", "x" * (n - 1) + "\t",
    ]  # fmt: skip


def scalar_form_fields() -> Iterator[tuple[tuple, Field, dict]]:
    """(path, schema Field, CMS field) for every scalar form field of both collections (list items
    of a list of mappings included)."""
    collections = config([("htx-a", "HTX A")])["collections"]

    def walk(specs, fields, path):
        by_name = {f["name"]: f for f in fields}
        for spec in specs:
            field = by_name[spec.name]
            if "fields" in field:
                children = spec.fields if spec.type == "mapping" else spec.item.fields
                yield from walk(children, field["fields"], path + (spec.name,))
            elif field.get("multiple"):
                yield path + (spec.name,), spec.item, field  # a select of several: each is an item
            elif field["widget"] != "list":
                yield path + (spec.name,), spec, field

    yield from walk(COOPERATIVE_FIELDS, collections[0]["fields"][:-1], ("cooperative",))
    yield from walk(PRODUCT_FIELDS, collections[1]["fields"][:-1], ("product",))


PATTERNED = [(path, spec, field) for path, spec, field in scalar_form_fields() if "pattern" in field]


def validator_accepts(spec: Field, value: str) -> bool:
    """Accepted by the field type's converter, and already in the canonical form the CMS writes."""
    if not spec.convert.accepts(value):
        return False
    canonical = written(spec, value)
    return (str(canonical) if isinstance(canonical, int) else canonical) == value


def samples(spec: Field) -> list[str]:
    if isinstance(spec.convert, TextType):
        return text_samples(spec.convert.max_length)
    return SAMPLES[spec.convert.name]


def js_tests(pattern: str, values: list[str]) -> list[bool]:
    script = (
        "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>{const {p,v}=JSON.parse(s);"
        "console.log(JSON.stringify(v.map(x=>RegExp(p).test(x))))})"
    )
    result = subprocess.run(
        ["node", "-e", script], input=json.dumps({"p": pattern, "v": values}), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_scalar_form_field_has_a_field_type_that_gives_its_widget():
    found = list(scalar_form_fields())
    assert len(found) > 40
    for path, spec, field in found:
        assert isinstance(spec.convert, FieldType), path
        assert {k: field[k] for k in spec.convert.form()} == spec.convert.form(), path
    # every kind of widget a scalar gets, so none escapes the checks below
    widgets = {"string", "number", "boolean", "image", "select", "markdown"}
    assert {field["widget"] for _, _, field in found} == widgets


@pytest.mark.parametrize(("path", "spec", "field"), PATTERNED, ids=[".".join(p) for p, _, _ in PATTERNED])
def test_form_pattern_and_converter_agree_on_every_sample(path, spec, field):
    """Every value the CMS pattern accepts passes the converter in canonical form, and vice versa."""
    values = samples(spec) + [spec.example]
    form = dict(zip(values, js_tests(field["pattern"][0], values), strict=True))
    validator = {value: validator_accepts(spec, value) for value in values}
    assert form == validator
    assert any(validator.values()) and not all(validator.values())
    assert validator[spec.example], "the schema's example must be accepted"


def test_the_agreement_check_can_fail():
    """A pattern looser than the converter (the CMS's old `[0-9]+([.,][0-9]+)?` for a price) is caught."""
    price = next(spec for spec in PRODUCT_FIELDS if spec.name == "price")
    values = SAMPLES["price"]
    loose = dict(zip(values, js_tests(r"^[0-9]+(?:[.,][0-9]+)?$|^lien-he$", values), strict=True))
    assert loose != {value: validator_accepts(price, value) for value in values}


def test_price_4_5_and_phone_12345_are_refused_by_both_with_the_validators_wording():
    fields = {path: (spec, field) for path, spec, field in PATTERNED}
    (price, price_field), (phone, phone_field) = fields["product", "price"], fields["cooperative", "contact", "phone"]
    assert js_tests(price_field["pattern"][0], ["4.5", "4.500"]) == [False, False]
    assert js_tests(phone_field["pattern"][0], ["12345"]) == [False]
    assert price.convert.accepts("4.500") and not validator_accepts(price, "4.500")  # 4500 đồng, written 4500
    assert not price.convert.accepts("4.5") and not phone.convert.accepts("12345")
    assert price_field["pattern"][1].startswith("Giá không rõ là bao nhiêu đồng: ghi số đồng tròn")
    assert phone_field["pattern"][1].startswith(
        "Số này không phải là số điện thoại Việt Nam hợp lệ: di động 10 số bắt đầu 03, 05, 07, 08, 09"
    )


def test_a_facebook_field_takes_only_facebooks_hosts_in_the_form_too():
    fields = {path: field for path, _, field in PATTERNED}
    facebook, website = fields["cooperative", "contact", "facebook"], fields["cooperative", "contact", "website"]
    values = ["https://www.facebook.com/htx", "https://FB.me/htx", "https://chenahang.vn", "https://m.me/htx"]
    assert js_tests(facebook["pattern"][0], values) == [True, True, False, False]
    assert js_tests(website["pattern"][0], values) == [True, True, True, True]


def test_look_alike_hosts_are_refused_by_the_validator_only():
    """A pattern cannot hold the reference data's fuzzy look-alikes (sh0pee, faceb00k): the form lets
    them through, `chophien validate` (run on every CMS pull request) refuses them."""
    url = next(spec for spec in PRODUCT_FIELDS if spec.name == "marketplaces").item.fields[1]
    pattern = field_types.URL.pattern
    assert js_tests(pattern, ["https://sh0pee.vn/x", "https://www.faceb00k.com/x"]) == [True, True]
    assert not url.convert.accepts("https://sh0pee.vn/x")
    assert not url.convert.accepts("https://www.faceb00k.com/x")


NUMBERS = [(path, spec, field) for path, spec, field in scalar_form_fields() if field["widget"] == "number"]


@pytest.mark.parametrize(("path", "spec", "field"), NUMBERS, ids=[".".join(p) for p, _, _ in NUMBERS])
def test_number_widgets_take_the_converters_range(path, spec, field):
    assert (field["value_type"], field["step"]) == ("int", 1)
    for n, ok in ((field["min"] - 1, False), (field["min"], True), (field["max"], True), (field["max"] + 1, False)):
        assert validator_accepts(spec, str(n)) is ok, n


def test_number_widgets_are_the_expected_ones():
    ranges = {path: (field["min"], field["max"]) for path, _, field in NUMBERS}
    assert ranges.keys() == {
        ("cooperative", "founded"), ("cooperative", "members"), ("product", "ocop", "stars"), ("product", "ocop", "year"),
    }  # fmt: skip
    assert ranges["cooperative", "members"] == (1, 100000) and ranges["product", "ocop", "stars"] == (3, 5)
    assert ranges["cooperative", "founded"][0] == 1900


CHOICES = [(path, spec, field) for path, spec, field in scalar_form_fields() if field["widget"] == "select"]


@pytest.mark.parametrize(("path", "spec", "field"), CHOICES, ids=[".".join(p) for p, _, _ in CHOICES])
def test_every_choice_the_form_offers_is_accepted_by_the_converter(path, spec, field):
    choices = [str(option["value"]) for option in field["options"]]
    assert choices and all(validator_accepts(spec, value) for value in choices), path
    assert not spec.convert.accepts("khong-co-trong-danh-sach")


def test_list_choices_are_accepted_by_the_item_converter():
    """Selects of several values (season, ethnic groups): each option is a value the item's type takes."""
    for specs in (COOPERATIVE_FIELDS, PRODUCT_FIELDS):
        for spec in specs:
            if spec.item is not None and spec.item.fields == () and spec.item.convert.options() is not None:
                for option in spec.item.convert.options():
                    assert spec.item.convert.accepts(str(option["value"])), (spec.name, option)


def test_season_choices_are_the_numbers_yaml_reads():
    season = next(f for f in config([("htx-a", "HTX A")])["collections"][1]["fields"] if f["name"] == "season")
    assert [o["value"] for o in season["options"]] == list(range(1, 13))
    assert season["options"][8] == {"label": "Tháng 9", "value": 9}


def test_a_boolean_widget_writes_what_the_converter_reads():
    booleans = [spec for _, spec, field in scalar_form_fields() if field["widget"] == "boolean"]
    assert booleans
    for spec in booleans:
        assert (spec.convert("true"), spec.convert("false")) == (True, False)
        assert (written(spec, "true"), written(spec, "false")) == (True, False)


def test_a_markdown_field_keeps_its_lines_and_the_form_gives_the_markdown_editor():
    from chophien.catalogue.field_types import MARKDOWN, Invalid

    assert MARKDOWN("\nBuds from old trees.  \n\n## Brewing\n  - 90 °C\n\n") == (
        "Buds from old trees.  \n\n## Brewing\n  - 90 °C"
    )  # only the blank lines around it go: a hard line break and a list's indent stay
    with pytest.raises(Invalid):
        MARKDOWN(" \n\n ")
    assert MARKDOWN.form() == {"widget": "markdown"}
