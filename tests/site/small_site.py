"""A small catalogue (one cooperative, two products) for the site tests; not a test file."""

from __future__ import annotations

import datetime as dt

from conftest import PRODUCT, minimal_tree

from chophien.site.build import prepare

TODAY = dt.date(2026, 11, 27)


def small_catalogue(tree):
    """(Catalogue, content folder): a product with tags and OCOP stars, and one priced "Liên hệ"."""
    product = PRODUCT.replace(
        "category: che", "category: che\ntags: [đặc sản]\nocop:\n  stars: 4\n  year: 2024"
    )
    content = tree(
        minimal_tree(
            **{
                "products/htx-che-na-hang/che-shan-tuyet.md": product,
                "products/htx-che-na-hang/che-lien-he.md": PRODUCT.replace("450000", "lien-he"),
            }
        )
    )
    prepared = prepare(content, content.parent / ".cache", TODAY, with_images=False)
    assert prepared.ok, prepared.problems
    return prepared.catalogue, content
