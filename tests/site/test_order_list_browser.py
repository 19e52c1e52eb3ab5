"""The order list in a real browser (headless Debian Chromium, Playwright): adding from product pages and
cards, /don-hang/ by cooperative with its messages, the share link, a rebuilt price, corrupt storage,
crafted share links, and the site without JavaScript."""

from __future__ import annotations

import json
import sys
from urllib.parse import unquote

import playwright.sync_api  # noqa: F401  (a missing package fails the run, as in the search tests)
import pytest
from conftest import PRODUCT, ROOT, minimal_tree, needs_chromium, run_pelican, write_tree

sys.path.insert(0, str(ROOT / "scripts"))
import search_bytes  # noqa: E402

pytestmark = [pytest.mark.build, needs_chromium]

HOSTILE = 'HTX "Ong" </script><img src=x id=pwned>'
BEES = f"""\
---
name: '{HOSTILE} Là Pán'
short_name: '{HOSTILE}'
kind: hop-tac-xa
province: Lào Cai
commune: Xã Tú Lệ
ethnic_groups: [Thái]
contact:
  phone: 0987 654 321
  email: ong@example.com
---
Nuôi ong trên núi.
"""
HONEY = """\
---
name: Mật ong <b>bạc hà</b> "rừng"
category: mat-ong-nong-san-khac
images: none
price: 300000
unit: chai 500 ml
---
Mật ong bạc hà.
"""
GREEN = PRODUCT.replace("Chè Shan tuyết cổ thụ", "Chè xanh Nà Hang").replace("450000", "lien-he")
KEY = "chophien:order:v1:/"
NOT_FOUND = "Failed to load resource: the server responded with a status of 404"


def files(tea_price: str = "450000", honey_status: str = "") -> dict:
    honey = HONEY.replace("price: 300000", f"price: 300000{honey_status}")
    return minimal_tree(
        **{
            "products/htx-che-na-hang/che-shan-tuyet.md": PRODUCT.replace("450000", tea_price),
            "products/htx-che-na-hang/che-xanh.md": GREEN,
            "cooperatives/htx-ong-la-pan.md": BEES,
            "products/htx-ong-la-pan/mat-ong.md": honey,
        }
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("order")
    content = write_tree(root, files())
    output = root / "output"
    result = run_pelican(content, output)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, content, output


@pytest.fixture(scope="module")
def site(built):
    with search_bytes.serve(built[2]) as (base, _traffic):
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=search_bytes.CHROMIUM, args=search_bytes.CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def new_page(browser, **options):
    context = browser.new_context(viewport=search_bytes.PHONE, **options)
    page = context.new_page()
    page.errors = []
    page.dialogs = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page


def codes(output) -> dict[str, str]:
    """Product slug → code, as the build wrote them into don-hang.json."""
    found = {}
    for coop in ("htx-che-na-hang", "htx-ong-la-pan"):
        data = json.loads((output / f"hop-tac-xa/{coop}/don-hang.json").read_text())
        found.update({p["slug"]: p["code"] for p in data["products"]})
    return found


def shown(page) -> None:
    page.wait_for_selector(".coop, .empty:not([hidden])")


def lines(page) -> list[list[str]]:
    """Per cooperative section: its lines as 'code|quantity'."""
    return page.eval_on_selector_all(
        ".coop",
        "ss => ss.map(s => [...s.querySelectorAll('.line')].map(l =>"
        " l.querySelector('.code').textContent + '|' + l.querySelector('.q').textContent))",
    )


def add_three(page, base) -> None:
    """Two of Nà Hang's (2 boxes of tea from its page, the Liên hệ one from a card), Là Pán's honey from a card."""
    page.goto(f"{base}/san-pham/htx-che-na-hang/che-shan-tuyet/")
    page.fill(".add-to-list input", "2")
    page.click(".add-to-list button")
    assert page.inner_text(".in-list") == "Đã có 2 trong danh sách."
    page.goto(f"{base}/hop-tac-xa/htx-che-na-hang/")
    page.click('.card:has-text("Chè xanh Nà Hang") button.add')
    page.goto(f"{base}/san-pham/")
    page.click('.card:has-text("Mật ong") button.add')
    assert page.inner_text("header .order-count") == " (3)"


def list_of_three(browser, site: str):
    """A new page with the three products added, showing /don-hang/."""
    page = new_page(browser)
    add_three(page, site)
    page.goto(f"{site}/don-hang/")
    shown(page)
    return page


def test_three_products_from_two_cooperatives(site, browser, built):
    page = list_of_three(browser, site)
    code = codes(built[2])
    assert page.locator(".coop").count() == 2
    assert lines(page) == [[f"{code['che-shan-tuyet']}|2", f"{code['che-xanh']}|1"], [f"{code['mat-ong']}|1"]]
    sums = page.eval_on_selector_all(".coop .sum", "ss => ss.map(s => s.innerText)")
    assert sums == [
        "Tạm tính: 900.000\u00a0₫ + 1 sản phẩm giá Liên hệ (hỏi giá khi đặt)",
        "Tạm tính: 300.000\u00a0₫",
    ]
    # The hostile cooperative name and product name are text, never markup.
    assert page.locator("#pwned").count() == 0 and page.locator(".coop b").count() == 0
    assert page.inner_text(".coop:nth-child(2) h2") == f"{HOSTILE} Là Pán"
    assert 'Mật ong <b>bạc hà</b> "rừng"' in page.inner_text(".coop:nth-child(2) .line")
    assert not page.errors and not page.dialogs


def test_sms_and_email_carry_every_line(site, browser, built):
    page = list_of_three(browser, site)
    code = codes(built[2])
    first = page.locator(".coop").nth(0)
    sms = [unquote(h) for h in first.locator("a.btn-sms").evaluate_all("as => as.map(a => a.href)")]
    mail = [unquote(h) for h in first.locator("a.btn-email").evaluate_all("as => as.map(a => a.href)")]
    assert len(sms) == 1 and sms[0].startswith("sms:+84912345678?body=Chào HTX Chè Nà Hang, tôi muốn đặt:\n")
    # SMS: plain dash and x, readable on a feature phone; email: the list's own characters, CRLF lines.
    assert f"[{code['che-shan-tuyet']}] Chè Shan tuyết cổ thụ - 2 x hộp 200 g\n" in sms[0]
    assert f"[{code['che-xanh']}] Chè xanh Nà Hang - 1 x hộp 200 g\n" in sms[0]
    assert sms[0].endswith("Tên: ...\nĐịa chỉ nhận hàng: ...")
    assert len(mail) == 1 and mail[0].startswith("mailto:htxchenahang@example.com?subject=Đặt hàng&body=")
    assert f"[{code['che-shan-tuyet']}] Chè Shan tuyết cổ thụ – 2 × hộp 200 g\r\n" in mail[0]
    assert f"[{code['che-xanh']}] Chè xanh Nà Hang – 1 × hộp 200 g\r\n" in mail[0]
    chat = first.locator(".msg textarea").input_value()
    assert f"[{code['che-xanh']}] Chè xanh Nà Hang – 1 × hộp 200 g" in chat
    assert first.locator("a.btn-zalo").get_attribute("href") == "https://zalo.me/0912345678"
    assert first.locator("a.btn-messenger").get_attribute("href") == "https://m.me/htxchenahang"
    second = page.locator(".coop").nth(1)
    honey = unquote(second.locator("a.btn-sms").get_attribute("href"))
    assert f'[{code["mat-ong"]}] Mật ong <b>bạc hà</b> "rừng" - 1 x chai 500 ml' in honey
    assert second.locator(".chat").is_hidden()  # no Zalo, no Messenger: no advice to paste there
    # "Đã gửi" is kept per cooperative, and undone when that cooperative's lines change.
    first.locator(".sent input").check()
    page.reload()
    shown(page)
    assert page.locator(".coop").nth(0).locator(".sent input").is_checked()
    assert not page.locator(".coop").nth(1).locator(".sent input").is_checked()
    page.locator(".coop").nth(0).locator('button[aria-label="Thêm 1"]').first.click()
    page.wait_for_function("() => document.querySelector('.coop .q').textContent.trim() === '3'")
    assert not page.locator(".coop").nth(0).locator(".sent input").is_checked()
    assert not page.errors


def test_a_long_list_is_cut_into_numbered_messages(site, browser, built):
    page = new_page(browser)
    page.goto(f"{site}/")
    tea = {"c": "htx-che-na-hang", "p": "che-shan-tuyet", "q": 1, "pr": 450000, "n": "x"}
    green = {"c": "htx-che-na-hang", "p": "che-xanh", "q": 1, "pr": None, "n": "x"}
    # Duplicated lines stand for a long list: the messages are cut between lines, each within its limit.
    items = [tea, green] * 5
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps({"v": 1, "items": items, "sent": {}})]
    )
    page.goto(f"{site}/don-hang/")
    shown(page)
    sms = page.locator(".coop a.btn-sms").evaluate_all("as => as.map(a => [a.textContent, a.href])")
    assert len(sms) > 1
    for number, (label, href) in enumerate(sms, 1):
        body = unquote(href.split("?body=", 1)[1])
        assert label.startswith(f"Nhắn SMS {number}/{len(sms)}")
        assert len(body) <= 268 and f"({number}/{len(sms)}):" in body.splitlines()[0]
    assert sum(unquote(h).count("\n[") for _, h in sms) == 10
    mail = page.locator(".coop a.btn-email").evaluate_all("as => as.map(a => a.href)")
    assert all(len(h) <= 1600 for h in mail)


def test_the_share_link_opens_the_same_list_in_a_fresh_browser(site, browser):
    page = list_of_three(browser, site)
    link = page.input_value("#share")
    before = lines(page)
    assert "#l=" in link and "<" not in link
    other = new_page(browser)  # a new context: nothing stored
    other.goto(link)
    shown(other)
    assert lines(other) == before
    assert "#" not in other.url  # the list is now stored; the fragment is cleared
    other.reload()
    shown(other)
    assert lines(other) == before
    assert not other.errors


def test_the_print_view_keeps_the_lines_and_contacts_not_the_buttons(site, browser):
    page = list_of_three(browser, site)
    assert page.is_hidden(".coop .contacts") and page.is_visible(".coop .send")
    page.emulate_media(media="print")
    assert page.is_visible(".coop .line") and page.is_visible(".coop .sum")
    assert page.is_visible(".coop .contacts") and "0912 345 678" in page.inner_text(".coop .contacts")
    for hidden in (".coop .send", ".order-tools", "header.site", ".step button"):
        assert page.locator(hidden).first.is_hidden(), hidden


@pytest.mark.parametrize(
    "stored",
    [
        "{not json",
        "null",
        "[]",
        json.dumps({"v": 2, "items": [{"c": "htx-che-na-hang", "p": "che-shan-tuyet", "q": 1}]}),
        json.dumps({"v": 1, "items": "nope", "sent": 5}),
        json.dumps(
            {
                "v": 1,
                "items": [
                    {"c": "../../x", "p": "che-shan-tuyet", "q": 1, "pr": 1, "n": "a"},
                    {"c": "htx-che-na-hang", "p": "che-shan-tuyet", "q": 1e9, "pr": 1, "n": "a"},
                    {"c": "htx-che-na-hang", "p": "che-shan-tuyet", "q": 2, "pr": "1", "n": "a"},
                    {"c": "htx-che-na-hang", "p": "che-shan-tuyet", "q": 2, "pr": 1, "n": {"x": 1}},
                    {"c": "htx-che-na-hang", "p": "<img src=x id=pwned>", "q": 2, "pr": 1, "n": "a"},
                    None,
                    7,
                ],
                "sent": None,
            }
        ),
    ],
    ids=["not-json", "null", "array", "old-version", "wrong-types", "bad-items"],
)
def test_corrupt_storage_is_discarded_without_an_error(site, browser, stored):
    page = new_page(browser)
    page.goto(f"{site}/")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, stored])
    page.goto(f"{site}/don-hang/")
    shown(page)
    assert page.locator(".coop").count() == 0 and page.is_visible(".empty")
    assert page.inner_text("header .order-count") == ""
    page.goto(f"{site}/san-pham/htx-che-na-hang/che-shan-tuyet/")
    page.click(".add-to-list button")
    assert page.inner_text("header .order-count") == " (1)"
    assert json.loads(page.evaluate("k => localStorage.getItem(k)", KEY))["items"][0]["q"] == 1
    assert page.locator("#pwned").count() == 0 and not page.errors


def crafted(code: dict) -> list[tuple[str, int]]:
    """(fragment, lines expected): links someone else wrote."""
    tea = code["che-shan-tuyet"]
    many = ",".join(f"X{i}*1" for i in range(10_000))
    return [
        ("#l=<script>alert(1)</script>", 0),
        ("#l=htx-che-na-hang:<img src=x id=pwned>*2", 0),
        (f"#l=htx-che-na-hang:{tea}*99999999", 0),
        (f"#l=htx-che-na-hang:{tea}*-1,{tea}*1.5,{tea}*abc", 0),
        ("#l=%E0%A4%A", 0),  # not percent-decodable
        ("#l=__proto__:X*1;constructor:X*1", 0),
        ("#l=..%2F..%2Fx:X*1", 0),
        (f"#l=htx-che-na-hang:{many}", 0),  # 10,000 items: too long, ignored
        ("#l=htx-che-na-hang:" + ",".join(f"NO-{i}*1" for i in range(300)), 0),  # unknown codes
        ("#l=htx-khong-co:ABC*1", 0),  # an unknown cooperative
        (f"#l=htx-che-na-hang:{tea}*3;;:;htx-che-na-hang", 1),
    ]


def test_crafted_share_links_never_inject_or_crash(site, browser, built):
    for fragment, expected in crafted(codes(built[2])):
        page = new_page(browser)
        page.goto(f"{site}/don-hang/{fragment}")
        shown(page)
        assert page.locator(".line").count() == expected, fragment
        assert page.locator("#pwned").count() == 0 and page.locator("#orders script").count() == 0
        # An unknown cooperative's don-hang.json is a 404 (a cooperative since removed): only that.
        errors = [e for e in page.errors if not e.startswith(NOT_FOUND)]
        assert not errors and not page.dialogs, (fragment, page.errors)
        stored = page.evaluate("k => localStorage.getItem(k)", KEY)
        assert len(json.loads(stored)["items"]) == expected
        page.context.close()
    page = new_page(browser)
    page.goto(f"{site}/don-hang/#l=htx-che-na-hang:NO-1*1,NO-2*1")
    shown(page)
    assert page.inner_text(".lost") == "2 sản phẩm trong đường link không còn trên trang."


def test_without_javascript_every_order_link_stays(site, browser):
    with_js = new_page(browser)
    with_js.goto(f"{site}/san-pham/htx-che-na-hang/che-shan-tuyet/")
    expected = with_js.eval_on_selector_all(".order .buttons a", "as => as.map(a => a.getAttribute('href'))")
    page = new_page(browser, java_script_enabled=False)
    page.goto(f"{site}/san-pham/htx-che-na-hang/che-shan-tuyet/")
    links = page.eval_on_selector_all(".order .buttons a", "as => as.map(a => a.getAttribute('href'))")
    assert links == expected and len(links) == 5  # Zalo, call, SMS, Messenger, email
    assert [link.split(":", 1)[0] for link in links] == ["https", "tel", "sms", "https", "mailto"]
    assert page.is_hidden(".add-to-list") and page.locator("button.add:visible").count() == 0
    assert page.inner_text("header a.order-link") == "Đơn hàng"
    page.goto(f"{site}/don-hang/")
    text = page.inner_text("#orders")
    assert "Bạn vẫn đặt hàng được từng sản phẩm" in text and "Mã SP" in text
    assert page.is_hidden(".order-tools")


def test_a_price_changed_and_rebuilt_is_flagged(site, browser, built):
    """Last: it rebuilds the module's site with a new price and the honey sold out."""
    root, content, output = built
    page = list_of_three(browser, site)
    assert page.locator(".line .flag:visible").count() == 0
    write_tree(root, files(tea_price="480000", honey_status="\nstatus: het-hang"))
    result = run_pelican(content, output)
    assert result.returncode == 0, result.stderr
    page.reload()
    shown(page)
    flags = page.eval_on_selector_all(
        ".line .flag", "fs => fs.map(f => (f.hidden ? '' : f.innerText.trim()))"
    )
    assert flags[0] == "giá đã đổi, trước: 450.000\u00a0₫"
    assert flags[1] == ""  # the Liên hệ product did not change
    assert flags[2] == "hết hàng"
    assert page.inner_text(".coop .sum").startswith("Tạm tính: 960.000\u00a0₫")
    assert not page.errors
