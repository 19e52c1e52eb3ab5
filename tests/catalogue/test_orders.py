"""Order links and the prefilled message, from products built directly (tests/factories.py)."""

from urllib.parse import parse_qs, unquote, urlsplit

from factories import make_contact, make_cooperative, make_marketplace, make_product

from chophien.catalogue.loader import product_code
from chophien.catalogue.orders import needs_copied_message, order_links, order_message


def test_message_names_cooperative_code_product_and_unit():
    product = make_product()
    assert order_message(product) == (
        "Chào HTX Chè Nà Hang, tôi muốn đặt: [Mã SP: 08-9388SH] Chè Shan tuyết cổ thụ – hộp 200 g. "
        "Số lượng: … Giao đến: …"
    )


def test_message_without_a_unit_has_no_dash():
    product = make_product(unit="", cooperative=make_cooperative(short_name="Tổ hợp tác Sà Phìn"))
    assert order_message(product) == (
        "Chào Tổ hợp tác Sà Phìn, tôi muốn đặt: [Mã SP: 08-9388SH] Chè Shan tuyết cổ thụ. "
        "Số lượng: … Giao đến: …"
    )


def test_every_channel_in_order_with_exact_links():
    product = make_product()
    links = {link.channel: link for link in order_links(product)}
    assert [link.channel for link in order_links(product)] == ["zalo", "call", "sms", "messenger", "email"]
    assert links["zalo"].href == "https://zalo.me/0912345678"
    assert links["call"].href == "tel:+84912345678"
    assert links["call"].detail == "0912 345 678"
    sms = urlsplit(links["sms"].href)
    assert sms.scheme == "sms" and sms.path == "+84912345678"
    assert parse_qs(sms.query)["body"] == [order_message(product)]
    assert links["messenger"].href == "https://m.me/htxchenahang?ref=08-9388SH"
    mail = urlsplit(links["email"].href)
    assert mail.path == "htxchenahang@example.com"
    query = parse_qs(mail.query)
    assert query["subject"] == ["Đặt hàng [Mã SP: 08-9388SH] Chè Shan tuyết cổ thụ"]
    assert query["body"] == [order_message(product)]
    assert "+" not in links["email"].href.split("?", 1)[1]  # spaces are %20, not '+', in mailto
    assert [link.prefilled for link in order_links(product)] == [False, False, True, False, True]


def test_only_the_channels_given_and_the_message_shown_when_one_cannot_carry_it():
    by_phone = make_product(contact=make_contact(zalo=None, messenger=None, email=None))
    assert [link.channel for link in order_links(by_phone)] == ["call", "sms"]
    assert not needs_copied_message(order_links(by_phone))  # SMS carries the message itself
    by_zalo = make_product(contact=make_contact(phone=None, messenger=None, email=None))
    assert [link.channel for link in order_links(by_zalo)] == ["zalo"]
    assert needs_copied_message(order_links(by_zalo))  # Zalo cannot: the page shows it to paste


def test_product_overrides_cooperative_channels():
    override = make_contact(phone=None, zalo="+84987654321", messenger=None, email="ban-hang@example.com")
    product = make_product(contact=make_cooperative().contact.merged_with(override))
    links = {link.channel: link for link in order_links(product)}
    assert links["zalo"].href == "https://zalo.me/0987654321"
    assert links["call"].href == "tel:+84912345678"  # not overridden: the cooperative's
    assert links["messenger"].href.startswith("https://m.me/htxchenahang?")  # not overridden either
    assert unquote(urlsplit(links["email"].href).path) == "ban-hang@example.com"


def test_marketplace_links_known_and_custom():
    product = make_product(
        marketplaces=(
            make_marketplace("shopee", "https://shopee.vn/che-i.1.2"),
            make_marketplace("Chợ quê Online", "https://choque.example.vn/che"),
        )
    )
    market = [link for link in order_links(product) if link.channel == "marketplace"]
    assert [(m.label, m.href) for m in market] == [
        ("Mua trên Shopee", "https://shopee.vn/che-i.1.2"),
        ("Mua trên Chợ quê Online", "https://choque.example.vn/che"),
    ]
    assert order_links(product)[-2:] == market  # after the direct channels


def test_product_code_is_stable_and_short():
    # Derived from province code + path hash: must never change (buyers quote it in messages).
    assert product_code("08", "htx-che-na-hang/che-shan-tuyet") == "08-9388SH"
    assert product_code("08", "htx-che-na-hang/che-bup") != "08-9388SH"
    assert product_code("01", "htx-che-na-hang/che-shan-tuyet").startswith("01-")
