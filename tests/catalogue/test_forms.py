"""The CMS form accepts exactly what the validator accepts in canonical form: one shared list of values,
run through the schema's converters and through the form's JavaScript patterns under Node.js."""

import json
import subprocess

import pytest

from chophien.catalogue.canonical import written
from chophien.catalogue.schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, Bilingual, Field
from chophien.volunteer.cms import config, widget

# field path → values a volunteer may type: valid and canonical, valid but not canonical, invalid.
SHARED = {
    ("price",): [
        "1000", "450000", "500000000", "lien-he", "4.5", "4,5", "450.000", "450.000 ₫", "450000đ", "0450000",
        "999", "500000001", "-450000", "Liên hệ", "bốn trăm", "45 0000", "1e6", "450000 ", " 450000",
    ],
    ("contact", "phone"): [
        "0912 345 678", "0912345678", "0912.345.678", "(0912) 345-678", "+84 912 345 678", "+84912345678",
        "84912345678", "0203 3823 456", "02033823456", "12345", "0112 345 678", "0912 345 67", "0912 345 6789",
        "+85 912 345 678", "0912 345 678 ext", "091234567a", "8491234567", "+840912345678", " 0912345678 ",
    ],
    ("contact", "email"): [
        "htx@example.com", "a.b+c@mail.co.vn", "htx@example", "htx @example.com", "@example.com", "htx@ex.c",
        " htx@example.com ", "htx@example.com.", "hợp@example.com",
    ],
    ("contact", "website"): [
        "https://chenahang.vn", "https://chenahang.vn/", "https://a.vn:8443/x?y=1", "http://chenahang.vn",
        "https://localhost", "https://chenahang", "chenahang.vn", "https://a.vn/x y", 'https://a.vn/"x',
        " https://chenahang.vn ",
    ],
    ("contact", "messenger"): [
        "htxchenahang", "htx.che.na.hang", "abcd", "https://m.me/htxchenahang", "https://www.facebook.com/htxche/",
        "https://facebook.com/htx", "htx_che", "https://m.me/htxchenahang//", "x" * 50, "x" * 51,
    ],
    ("ocop", "date"): [
        "15/11/2023", "1/2/2024", "29/02/2024", "29/02/2023", "31/04/2023", "30/04/2023", "31/12/2023",
        "32/01/2023", "15/13/2023", "2023-11-15", "15.11.2023", "15-11-2023", "00/01/2023", "15/11/23",
        "29/02/2000", "29/02/1900", "01/01/0000",
    ],
    ("code",): ["TQ-CHE01", "tq-che01", "ABC", "AB", "-ABC", "A" * 16, "A" * 17, "TQ_CHE", " TQ-CHE01 "],
    ("name",): [
        "Chè Shan tuyết", "  Chè   Shan  ", "a", "", "   ", "x" * 160, "x" * 161, ("x " * 80).strip(),
        "x" + " " * 300 + "y",
    ],
    ("unit",): ["hộp 200 g", "x" * 40, "x" * 41, "\u00a0hộp\u00a0"],
}  # fmt: skip


def _spec(path: tuple) -> Field:
    fields = PRODUCT_FIELDS if path[0] != "contact" else COOPERATIVE_FIELDS
    spec = None
    for part in path:
        spec = next(f for f in (fields if spec is None else spec.fields) if f.name == part)
    return spec


def _form_field(path: tuple) -> dict:
    fields = config([("htx-a", "HTX A")])["collections"][0 if path[0] == "contact" else 1]["fields"]
    field = None
    for part in path:
        field = next(f for f in (fields if field is None else field["fields"]) if f["name"] == part)
    return field


def validator_accepts(spec: Field, value: str) -> bool:
    """Accepted by the converter, and already in the canonical form the CMS writes."""
    try:
        spec.convert(value)
    except Bilingual:
        return False
    canonical = written(spec, value)
    return (str(canonical) if isinstance(canonical, int) else canonical) == value


def _js_tests(pattern: str, values: list[str]) -> list[bool]:
    script = (
        "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>{const {p,v}=JSON.parse(s);"
        "console.log(JSON.stringify(v.map(x=>RegExp(p).test(x))))})"
    )
    result = subprocess.run(
        ["node", "-e", script], input=json.dumps({"p": pattern, "v": values}), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("path", list(SHARED), ids=".".join)
def test_form_pattern_and_converter_agree_on_every_shared_value(path):
    spec, field = _spec(path), _form_field(path)
    assert field["widget"] == "string"
    values = SHARED[path]
    form = dict(zip(values, _js_tests(field["pattern"][0], values), strict=True))
    schema = {value: validator_accepts(spec, value) for value in values}
    assert form == schema
    assert any(schema.values()) and not all(schema.values())


def test_price_4_5_and_phone_12345_are_refused_by_both_with_the_validators_wording():
    price, phone = _form_field(("price",)), _form_field(("contact", "phone"))
    assert _js_tests(price["pattern"][0], ["4.5"]) == [False]
    assert _js_tests(phone["pattern"][0], ["12345"]) == [False]
    assert not validator_accepts(_spec(("price",)), "4.5")
    assert not validator_accepts(_spec(("contact", "phone")), "12345")
    assert price["pattern"][1].startswith("Giá không rõ là bao nhiêu đồng: ghi số đồng tròn")
    assert phone["pattern"][1].startswith(
        "Số này không phải là số điện thoại Việt Nam hợp lệ: di động 10 số bắt đầu 03, 05, 07, 08, 09"
    )


@pytest.mark.parametrize(
    ("path", "low", "high"),
    [
        (("founded",), 1900, None),
        (("members",), 1, 100000),
        (("ocop", "stars"), 3, 5),
        (("ocop", "year"), 1900, None),
    ],
)
def test_number_widgets_take_the_converters_range(path, low, high):
    fields = PRODUCT_FIELDS if path[0] == "ocop" else COOPERATIVE_FIELDS
    spec = next(f for f in fields if f.name == path[0])
    if len(path) > 1:
        spec = next(f for f in spec.fields if f.name == path[1])
    field = widget(spec)
    assert (field["widget"], field["value_type"], field["min"]) == ("number", "int", low)
    for n, ok in (
        (field["min"] - 1, False),
        (field["min"], True),
        (field["max"], True),
        (field["max"] + 1, False),
    ):
        assert validator_accepts(spec, str(n)) is ok, n
    if high is not None:
        assert field["max"] == high


def test_season_choices_are_the_numbers_yaml_reads():
    season = _form_field(("season",))
    assert [o["value"] for o in season["options"]] == list(range(1, 13))
    assert season["options"][8] == {"label": "Tháng 9", "value": 9}
