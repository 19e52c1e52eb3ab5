"""The factories build what the loader builds: factory tests and file tests speak of the same objects."""

import datetime as dt

from conftest import PRODUCT, minimal_tree
from factories import (
    make_catalogue,
    make_contact,
    make_cooperative,
    make_marketplace,
    make_ocop,
    make_product,
)

from chophien.site.build import prepare


def load(tree, files):
    content = tree(files)
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    assert prepared.ok, [p.render() for p in prepared.problems.sorted()]
    return prepared.catalogue


def test_defaults_are_what_the_loader_makes_of_the_conftest_templates(tree):
    loaded = load(tree, minimal_tree())
    (product,) = loaded.products
    made = make_product()
    assert made == product  # every compared field, the cooperative's included
    assert (made.summary, made.sort_key) == (product.summary, product.sort_key)
    assert made.cooperative == loaded.cooperatives["htx-che-na-hang"]
    catalogue = make_catalogue()
    assert catalogue.products == loaded.products and catalogue.cooperatives == loaded.cooperatives
    for index in ("by_cooperative", "by_category", "by_group", "by_province", "by_ethnic_group", "by_ocop"):
        assert getattr(catalogue, index) == getattr(loaded, index), index


def test_ocop_order_channels_and_marketplaces_as_the_loader_reads_them(tree):
    text = PRODUCT.replace(
        "unit: hộp 200 g",
        "unit: hộp 200 g\nocop:\n  stars: 4\n  year: 2024\n  date: 15/11/2024\n"
        "order:\n  zalo: 0987 654 321\n  email: ban-hang@example.com\n"
        "marketplaces:\n  - platform: shopee\n    url: https://shopee.vn/che-i.1.2\n"
        "  - platform: Chợ quê Online\n    url: https://choque.example.vn/che",
    )
    (product,) = load(tree, minimal_tree(**{"products/htx-che-na-hang/che-shan-tuyet.md": text})).products
    override = make_contact(phone=None, zalo="+84987654321", messenger=None, email="ban-hang@example.com")
    assert product == make_product(
        ocop=make_ocop(4, 2024, dt.date(2024, 11, 15)),
        contact=make_cooperative().contact.merged_with(override),
        marketplaces=(
            make_marketplace("shopee", "https://shopee.vn/che-i.1.2"),
            make_marketplace("Chợ quê Online", "https://choque.example.vn/che"),
        ),
    )
    assert product.ocop.expires == dt.date(2027, 11, 15)  # 36 months after the decision
    assert product.contact.phone == "+84912345678"  # the cooperative's, not overridden


def test_catalogue_indexes_each_product_under_each_of_its_keys():
    coop = make_cooperative(slug="htx-mat-ong-dong-van", province="lao-cai", ethnic_groups=("h-mong",))
    honey = make_product(
        cooperative=coop, slug="mat-ong", name="Mật ong bạc hà", category="mat-ong-nong-san-khac"
    )
    tea = make_product(ocop=make_ocop(5), origin_province="lao-cai")
    idle = make_cooperative(slug="htx-khong-san-pham")
    catalogue = make_catalogue(honey, tea, cooperatives=(idle,))
    assert catalogue.products == [tea, honey]  # Vietnamese order: Chè before Mật
    assert set(catalogue.cooperatives) == {"htx-che-na-hang", "htx-mat-ong-dong-van", "htx-khong-san-pham"}
    assert catalogue.by_province["lao-cai"] == [tea, honey]  # the tea's origin, not its cooperative's
    assert catalogue.by_ethnic_group["h-mong"] == [honey] and catalogue.by_ocop == {5: [tea]}
