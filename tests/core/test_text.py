import datetime as dt

import pytest

from chophien.core.text import (
    TextValueError,
    add_months,
    collation_key,
    did_you_mean,
    fold,
    format_date,
    format_money,
    format_phone,
    parse_date,
    parse_phone,
    parse_price,
    slugify,
    vi_sorted,
)


@pytest.mark.parametrize(
    "text, slug",
    [
        ("Chè Shan tuyết Hà Giang", "che-shan-tuyet-ha-giang"),
        ("Đắk Lắk", "dak-lak"),
        ("H'Mông", "h-mong"),
        ("Mật ong bạc hà Đồng Văn", "mat-ong-bac-ha-dong-van"),
        ("  Gạo   Séng Cù!! ", "gao-seng-cu"),
        ("Ư ơ ư", "u-o-u"),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_fold_removes_every_mark_including_d_stroke():
    assert fold("ĐIỆN BIÊN đặc sản") == "dien bien dac san"
    assert fold("Khánh Hoà") == fold("Khánh Hòa") == "khanh hoa"


def test_format_money_uses_dots_and_no_break_space():
    assert format_money(450000) == "450.000\u00a0₫"
    assert format_money(1234567) == "1.234.567\u00a0₫"
    assert format_money(1000) == "1.000\u00a0₫"


@pytest.mark.parametrize(
    "raw", ["450000", "450.000", "450.000 ₫", "450.000đ", "450.000 đ", "450.000 VNĐ", " 450000 "]
)
def test_parse_price_accepts_common_spellings(raw):
    assert parse_price(raw) == 450000


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("4.5", "không rõ là bao nhiêu đồng"),
        ("4,5", "không rõ là bao nhiêu đồng"),
        ("120,000", "không rõ là bao nhiêu đồng"),
        ("-5000", "giá không được âm"),
        ("450", "quá thấp"),
        ("900.000.000", "quá cao"),
        ("rẻ", "không phải là giá tiền"),
        ("12 nghìn", "không phải là giá tiền"),
    ],
)
def test_parse_price_rejects_ambiguous_and_absurd(raw, fragment):
    with pytest.raises(TextValueError) as error:
        parse_price(raw)
    assert fragment in error.value.vi
    assert error.value.example == "450000"  # the canonical written form


def test_price_too_low_suggests_thousands():
    with pytest.raises(TextValueError) as error:
        parse_price("450")
    assert "có phải 450.000?" in error.value.vi


@pytest.mark.parametrize(
    "raw, e164",
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("0389-123-456", "+84389123456"),
        ("0203 3823 456", "+842033823456"),
    ],
)
def test_parse_phone_to_e164(raw, e164):
    assert parse_phone(raw) == e164


@pytest.mark.parametrize(
    "raw", ["091234567", "09123456789", "0112345678", "1900 1234", "abc", "+1 202 555 0100", "0612345678"]
)
def test_parse_phone_rejects(raw):
    with pytest.raises(TextValueError) as error:
        parse_phone(raw)
    assert "không phải là số điện thoại Việt Nam hợp lệ" in error.value.vi
    assert error.value.example == "0912 345 678"


def test_format_phone():
    assert format_phone("+84912345678") == "0912 345 678"
    assert format_phone("+842033823456") == "0203 3823 456"


def test_dates():
    assert format_date(dt.date(2025, 7, 1)) == "01/07/2025"
    assert parse_date("15/11/2023") == dt.date(2023, 11, 15)
    assert parse_date("2023-11-15") == dt.date(2023, 11, 15)
    with pytest.raises(TextValueError):
        parse_date("31/02/2023")
    assert add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2021, 5, 10), 36) == dt.date(2024, 5, 10)


def test_vietnamese_alphabetical_order():
    words = ["Đồng Tháp", "Zalo", "Dương", "Ân", "Bắc", "An", "Ăn", "Da", "Ơn", "Ôn", "On", "Ưa", "Ua"]
    assert vi_sorted(words) == [
        "An",
        "Ăn",
        "Ân",
        "Bắc",
        "Da",
        "Dương",
        "Đồng Tháp",
        "On",
        "Ôn",
        "Ơn",
        "Ua",
        "Ưa",
        "Zalo",
    ]


def test_tones_sort_after_base_letter_in_dictionary_order():
    # ngang, huyền, hỏi, ngã, sắc, nặng
    words = ["má", "mạ", "mà", "ma", "mã", "mả"]
    assert sorted(words, key=collation_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_did_you_mean_ignores_diacritics():
    assert did_you_mean("tuyen quan", ["Tuyên Quang", "Lào Cai"]) == "Tuyên Quang"
    assert did_you_mean("zzz", ["Tuyên Quang"]) is None
