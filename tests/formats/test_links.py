"""Links a buyer taps: a button goes where its label says; phone links carry ASCII digits only.

Lookalike hosts, user-info tricks, impossible ports and malformed addresses are content
problems at the field's line; Unicode digits in phone numbers are read as the digits they
are, letters that look like digits are refused with a suggestion.
"""

from __future__ import annotations

import pytest
from conftest import COOP, PRODUCT, minimal_tree

from chophien import reference
from chophien.catalogue.orders import order_links
from chophien.core.text import TextValueError, parse_phone
from chophien.formats.weblinks import parse_web_address
from chophien.site.build import prepare

COOP_PATH = "content/cooperatives/htx-che-na-hang.md"
PRODUCT_PATH = "content/products/htx-che-na-hang/che-shan-tuyet.md"


def load(tree, coop: str = COOP, product: str = PRODUCT):
    content = tree(
        minimal_tree(
            **{"cooperatives/htx-che-na-hang.md": coop, "products/htx-che-na-hang/che-shan-tuyet.md": product}
        )
    )
    return prepare(content, content.parent / ".cache", with_images=False)


def lines(prepared) -> list[str]:
    return [p.render("en") for p in prepared.problems.sorted()]


def with_listing(platform: str, url: str) -> str:
    return PRODUCT.replace(
        "unit: hộp 200 g", f"unit: hộp 200 g\nmarketplaces:\n  - platform: {platform}\n    url: {url}"
    )


# --- addresses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, host",
    [
        ("https://shopee.vn/che-i.1.2", "shopee.vn"),
        ("HTTPS://Shopee.VN:443/x", "shopee.vn"),
        ("https://www.lazada.vn/products/che-i123.html?spid=4#top", "www.lazada.vn"),
        ("  https://chenahang.vn  ", "chenahang.vn"),
        ("https://postmart.vn/p/chè-shan-tuyết-43160.html", "postmart.vn"),
    ],
)
def test_addresses_read_as_a_browser_reads_them(raw, host):
    assert parse_web_address(raw).host == host


@pytest.mark.parametrize(
    "raw, message",
    [
        (
            "https://shopee.vn@evil.example/x",
            "the part before @ is not the site: this link really goes to “evil.example”",
        ),
        ("https://shopee.vn:99999/x", "the port after the colon is impossible"),
        ("https://shopee.vn:abc/x", "the port after the colon is impossible"),
        ("https://shopee.vn:0/x", "the port after the colon is impossible"),
        ("https://shopee.vn./x", "the domain name ends with a dot"),
        ("https://shopee.vn\\@evil.example/", "cannot contain the character `\\`"),
        ("https://shopee.vn/a b", "cannot contain a space"),
        ("https://xn--shpee-9ua.vn/", "internationalised domain"),
        ("https://shοpee.vn/", "internationalised domain"),  # Greek omicron
        ("shopee.vn/htx", "the address lacks https:// at the start"),
        ("javascript:alert(1)//shopee.vn", "is not a web address starting with https://"),
        ("javascript:alert('shopee.vn')", "cannot contain the character `'`"),
        ("data:text/html,<b>", "cannot contain the character `<`"),
        ("ftp://shopee.vn/x", "is not a web address starting with https://"),
        ("https:/shopee.vn", "is not a web address starting with https://"),
        ("https://1.2.3.4/", "has no valid domain name"),
        ("https://localhost/", "has no valid domain name"),
        ("https://", "has no valid domain name"),
        ("http://shopee.vn/x", "web addresses must start with https://"),
    ],
)
def test_malformed_or_deceptive_addresses_are_refused(raw, message):
    with pytest.raises(TextValueError) as error:
        parse_web_address(raw)
    assert message in error.value.en


@pytest.mark.parametrize(
    "host, imitated",
    [
        ("shopee.vn.something.com", "shopee"),
        ("shopee-vn.com", "shopee"),
        ("sh0pee.vn", "shopee"),
        ("shoppe.vn", "shopee"),
        ("myshopee.vn", "shopee"),
        ("lazda.vn", "lazada"),
        ("tiki.vn.example.com", "tiki"),
        ("facebook-vn.com", "facebook"),
        ("zalo.me.example.com", "zalo"),
        ("shopee.vn", None),
        ("www.facebook.com", None),
        ("chenahang.vn", None),
        ("zalora.com", None),
        ("chonongsan.lamdong.example.com", None),
    ],
)
def test_lookalike_hosts(host, imitated):
    found = reference.imitated_by_host(host)
    assert (found.slug if found else None) == imitated


# --- the content problems -------------------------------------------------------------------


@pytest.mark.parametrize(
    "platform, url, problem",
    [
        (
            "shopee",
            "https://shopee.vn.something.com/htx",
            f"{PRODUCT_PATH}:8:5: error: marketplaces[1].url: “shopee.vn.something.com” looks like Shopee but is "
            "not one of its addresses (shopee.vn, www.shopee.vn, s.shopee.vn); check the link. "
            "Example: https://shopee.vn/htxchenahang",
        ),
        (
            "shopee",
            "https://www.lazada.vn/products/che-i1.html",
            f"{PRODUCT_PATH}:8:5: error: marketplaces[1].url: the link goes to Lazada, not Shopee; write "
            "`platform: lazada`. Example: url: https://shopee.vn/…",
        ),
        (
            "shopee",
            "https://example.com/shopee.vn",
            f"{PRODUCT_PATH}:8:5: error: marketplaces[1].url: the button says “Shopee” but the link goes to "
            "“example.com”, not one of Shopee's addresses (shopee.vn, www.shopee.vn, s.shopee.vn). "
            "Example: url: https://shopee.vn/…",
        ),
        (
            "shopee",
            "https://shopee.vn@evil.example/htx",
            f"{PRODUCT_PATH}:8:5: error: marketplaces[1].url: “https://shopee.vn@evil.example/htx”: the part before "
            "@ is not the site: this link really goes to “evil.example”. Example: https://shopee.vn/htxchenahang",
        ),
        (
            "Shopee Mall",
            "https://shopeemall.example.com/htx",
            f"{PRODUCT_PATH}:8:5: error: marketplaces[1].url: “shopeemall.example.com” looks like Shopee but is "
            "not one of its addresses (shopee.vn, www.shopee.vn, s.shopee.vn); check the link. "
            "Example: https://shopee.vn/htxchenahang",
        ),
        (
            "Shoppe",
            "https://cho.example.vn/htx",
            f"{PRODUCT_PATH}:7:5: error: marketplaces[1].platform: the platform “Shoppe” looks like Shopee but the "
            "link goes to “cho.example.vn”, not one of Shopee's addresses (shopee.vn, www.shopee.vn, s.shopee.vn). "
            "Example: platform: shopee",
        ),
        (
            "Chợ quê Online",
            "https://tiki.vn/che-p1.html",
            f"{PRODUCT_PATH}:7:5: error: marketplaces[1].platform: the link is a Tiki link; write `platform: tiki`. "
            "Example: platform: tiki",
        ),
        (
            "tiki",
            "https://tiki.vn:99999/che-p1.html",
            f"{PRODUCT_PATH}:8:5: error: marketplaces[1].url: “https://tiki.vn:99999/che-p1.html”: the port after "
            "the colon is impossible (it must be 1 to 65535); usually just remove the “:…” part. "
            "Example: https://shopee.vn/htxchenahang",
        ),
    ],
)
def test_a_marketplace_button_goes_where_its_label_says(tree, platform, url, problem):
    assert lines(load(tree, product=with_listing(platform, url))) == [problem]


@pytest.mark.parametrize(
    "platform, url, label",
    [
        ("shopee", "https://shopee.vn/che-i.1.2", "Shopee"),
        ("Shopee", "https://s.shopee.vn/abc", "Shopee"),
        ("tiktok-shop", "https://vt.tiktok.com/ZS123/", "TikTok Shop"),
        ("Chợ quê Online", "https://choque.example.vn/che", "Chợ quê Online"),
    ],
)
def test_honest_buttons_are_kept(tree, platform, url, label):
    prepared = load(tree, product=with_listing(platform, url))
    assert prepared.ok, lines(prepared)
    (link,) = [link for link in order_links(prepared.catalogue.products[0]) if link.channel == "marketplace"]
    assert (link.label, link.href) == (f"Mua trên {label}", url)


def test_contact_links_are_checked_the_same_way(tree):
    coop = COOP.replace(
        "  email: htxchenahang@example.com",
        "  email: htxchenahang@example.com\n  website: https://chenahang.vn:abc/\n"
        "  facebook: https://facebook.com.evil.example/htx",
    )
    assert lines(load(tree, coop=coop)) == [
        f"{COOP_PATH}:15:3: error: contact.website: “https://chenahang.vn:abc/”: the port after the colon is "
        "impossible (it must be 1 to 65535); usually just remove the “:…” part. Example: https://chenahang.vn",
        f"{COOP_PATH}:16:3: error: contact.facebook: “facebook.com.evil.example” looks like Facebook but is not "
        "one of its addresses (facebook.com, www.facebook.com, m.facebook.com, web.facebook.com, "
        "mbasic.facebook.com, fb.com, www.fb.com, fb.me); check the link. "
        "Example: https://www.facebook.com/htxchenahang",
    ]


def test_a_facebook_link_must_be_on_facebook(tree):
    coop = COOP.replace(
        "  email: htxchenahang@example.com",
        "  email: htxchenahang@example.com\n  facebook: https://chenahang.vn/facebook",
    )
    assert lines(load(tree, coop=coop)) == [
        f"{COOP_PATH}:15:3: error: contact.facebook: “https://chenahang.vn/facebook” is not a Facebook page: "
        "the link goes to “chenahang.vn”, not facebook.com, www.facebook.com. "
        "Example: https://www.facebook.com/htxchenahang",
    ]


def test_the_sample_content_links_are_all_accepted():
    from conftest import ROOT

    prepared = prepare(ROOT / "content", ROOT / ".cache", with_images=False)
    assert prepared.ok, lines(prepared)


# --- phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "٠٩١٢ ٣٤٥ ٦٧٨",  # Arabic-Indic
        "۰۹۱۲ ۳۴۵ ۶۷۸",  # Extended Arabic-Indic (Persian)
        "０９１２－３４５－６７８",  # full-width, from CJK input methods
        "＋８４ ９１２ ３４５ ６７８",
        "०९१२ ३४५ ६७८",  # Devanagari
        "09١٢ 345 ６78",  # mixed
        "0912\u2011345\u2011678",  # non-breaking hyphens
    ],
)
def test_digits_of_any_script_become_ascii(raw):
    assert parse_phone(raw) == "+84912345678"


@pytest.mark.parametrize("raw", ["09¹2 345 678", "0912 345 67⁸", "①912345678", "0912 345 6７8 x"])
def test_digit_lookalikes_that_are_not_digits_are_refused(raw):
    with pytest.raises(TextValueError) as error:
        parse_phone(raw)
    assert error.value.en == (
        f"“{raw}” is not a valid Vietnamese phone number (mobile: 10 digits starting 03, 05, 07, 08, 09; "
        "landline: 11 digits starting 02)"
    )


@pytest.mark.parametrize("raw, meant", [("O912 345 678", "0912 345 678"), ("0912 345 67l", "0912 345 671")])
def test_letters_for_digits_are_refused_with_the_number_meant(raw, meant):
    with pytest.raises(TextValueError) as error:
        parse_phone(raw)
    assert (
        error.value.vi
        == f"“{raw}” có chữ cái thay cho chữ số (chữ O thay số 0, chữ l thay số 1); có phải “{meant}”?"
    )


def test_phone_links_carry_ascii_only(tree):
    coop = COOP.replace(
        "  phone: 0912 345 678\n  zalo: 0912 345 678", "  phone: ٠٩١٢ ٣٤٥ ٦٧٨\n  zalo: ０９８７６５４３２１"
    )
    prepared = load(tree, coop=coop)
    assert prepared.ok, lines(prepared)
    links = {link.channel: link for link in order_links(prepared.catalogue.products[0])}
    assert links["call"].href == "tel:+84912345678"
    assert links["sms"].href.startswith("sms:+84912345678?body=")
    assert links["zalo"].href == "https://zalo.me/0987654321"
    assert (links["call"].detail, links["zalo"].detail) == ("0912 345 678", "0987 654 321")
    assert all(link.href.isascii() for link in links.values())
