"""Page fingerprints: what a page shows changes its fingerprint; nothing else does."""

import dataclasses

from factories import make_catalogue, make_contact, make_cooperative, make_product

from chophien.catalogue.orders import order_links
from chophien.site import fingerprint as fp


def page_context(product, **extra) -> dict:
    """A product page's context, in the shape the page builder gives it."""
    return {
        "product": product,
        "links": order_links(product),
        "province": product.cooperative.province,
        "title": product.name,
        **extra,
    }


def test_same_page_same_fingerprint_and_dict_order_does_not_matter():
    product = make_product()
    first = fp.fingerprint(page_context(product), "build-1")
    reordered = dict(reversed(list(page_context(product).items())))
    assert fp.fingerprint(reordered, "build-1") == first
    assert len(first) == 24 and int(first, 16) >= 0


def test_products_stand_for_their_content_hash():
    product = make_product()
    first = fp.fingerprint(page_context(product), "build-1")
    # The same source bytes (same digest): the page depends on nothing else of the object.
    same_source = dataclasses.replace(product, body_html="<p>Khác</p>")
    assert fp.fingerprint({**page_context(product), "product": same_source}, "build-1") == first
    edited = dataclasses.replace(product, digest=product.digest + "x")
    assert fp.fingerprint({**page_context(product), "product": edited}, "build-1") != first


def test_anything_shown_or_the_build_changes_the_fingerprint():
    product = make_product()
    first = fp.fingerprint(page_context(product), "build-1")
    assert fp.fingerprint(page_context(product), "build-2") != first  # templates, settings, code
    assert fp.fingerprint(page_context(product, title="Chè búp"), "build-1") != first
    other = make_product(cooperative=make_cooperative(province="lao-cai"))
    assert (
        fp.fingerprint({**page_context(product), "province": other.cooperative.province}, "build-1") != first
    )
    # Frozen records (order links, provinces) are memoised, still told apart by their content.
    links = order_links(make_product(contact=make_contact(zalo=None)))
    assert fp.fingerprint({**page_context(product), "links": links}, "build-1") != first


def test_listing_pages_follow_their_products():
    tea, honey = make_product(), make_product(slug="mat-ong", name="Mật ong bạc hà")
    catalogue = make_catalogue(tea, honey)
    listing = {"products": catalogue.products, "page": 1}
    first = fp.fingerprint(listing, "b")
    assert fp.fingerprint({"products": [tea], "page": 1}, "b") != first
    assert fp.fingerprint({"products": list(reversed(catalogue.products)), "page": 1}, "b") != first


def test_files_digest_follows_bytes_and_names(tmp_path):
    (tmp_path / "base.html").write_text("<p>{{ title }}</p>", encoding="utf-8")
    first = fp.files_digest([tmp_path])
    assert fp.files_digest([tmp_path]) == first
    (tmp_path / "base.html").write_text("<p>{{ title }}!</p>", encoding="utf-8")
    second = fp.files_digest([tmp_path])
    assert second != first
    (tmp_path / "base.html").rename(tmp_path / "page.html")
    assert fp.files_digest([tmp_path]) != second
