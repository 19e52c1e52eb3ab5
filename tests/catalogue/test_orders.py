from urllib.parse import parse_qs, unquote, urlsplit

from conftest import PRODUCT, minimal_tree

from chophien.catalogue.orders import order_links, order_message
from chophien.site.build import prepare


def load(tree, files):
    content = tree(files)
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    assert prepared.ok, [p.render() for p in prepared.problems.sorted()]
    return prepared.catalogue.products[0]


def test_message_names_cooperative_code_product_and_unit(tree):
    product = load(tree, minimal_tree())
    assert order_message(product) == (
        f"Chào HTX Chè Nà Hang, tôi muốn đặt: [Mã SP: {product.code}] Chè Shan tuyết cổ thụ – hộp 200 g. "
        "Số lượng: … Giao đến: …"
    )


def test_every_channel_in_order_with_exact_links(tree):
    product = load(tree, minimal_tree())
    links = {link.channel: link for link in order_links(product)}
    assert [link.channel for link in order_links(product)] == ["zalo", "call", "sms", "messenger", "email"]
    assert links["zalo"].href == "https://zalo.me/0912345678"
    assert links["call"].href == "tel:+84912345678"
    assert links["call"].detail == "0912 345 678"
    sms = urlsplit(links["sms"].href)
    assert sms.scheme == "sms" and sms.path == "+84912345678"
    assert parse_qs(sms.query)["body"] == [order_message(product)]
    assert links["messenger"].href == f"https://m.me/htxchenahang?ref={product.code}"
    mail = urlsplit(links["email"].href)
    assert mail.path == "htxchenahang@example.com"
    query = parse_qs(mail.query)
    assert query["subject"] == [f"Đặt hàng [Mã SP: {product.code}] Chè Shan tuyết cổ thụ"]
    assert query["body"] == [order_message(product)]
    assert "+" not in links["email"].href.split("?", 1)[1]  # spaces are %20, not '+', in mailto


def test_product_overrides_cooperative_channels(tree):
    text = PRODUCT.replace(
        "unit: hộp 200 g", "unit: hộp 200 g\norder:\n  zalo: 0987 654 321\n  email: ban-hang@example.com"
    )
    product = load(tree, minimal_tree(**{"products/htx-che-na-hang/che-shan-tuyet.md": text}))
    links = {link.channel: link for link in order_links(product)}
    assert links["zalo"].href == "https://zalo.me/0987654321"
    assert links["call"].href == "tel:+84912345678"  # not overridden: the cooperative's
    assert unquote(urlsplit(links["email"].href).path) == "ban-hang@example.com"


def test_marketplace_links_known_and_custom(tree):
    text = PRODUCT.replace(
        "unit: hộp 200 g",
        "unit: hộp 200 g\nmarketplaces:\n  - platform: shopee\n    url: https://shopee.vn/che-i.1.2\n"
        "  - platform: Chợ quê Online\n    url: https://choque.example.vn/che",
    )
    product = load(tree, minimal_tree(**{"products/htx-che-na-hang/che-shan-tuyet.md": text}))
    market = [link for link in order_links(product) if link.channel == "marketplace"]
    assert [(m.label, m.href) for m in market] == [
        ("Mua trên Shopee", "https://shopee.vn/che-i.1.2"),
        ("Mua trên Chợ quê Online", "https://choque.example.vn/che"),
    ]


def test_product_code_is_stable_and_short(tree):
    first = load(tree, minimal_tree())
    assert first.code == "08-9388SH"  # derived from province code + path hash: must never change
