"""The load cache: unchanged files come back whole, anything changed goes the long way."""

import pytest
from conftest import COOP, minimal_tree

from chophien.catalogue import loader as loader_module
from chophien.catalogue.loader import load_catalogue
from chophien.formats.markup import MarkdownRenderer

COOP_FILE = "cooperatives/htx-che-na-hang.md"
PRODUCT_FILE = "products/htx-che-na-hang/che-shan-tuyet.md"
TODAY = __import__("datetime").date(2026, 11, 27)


def load(content):
    catalogue, problems, checked = load_catalogue(content, MarkdownRenderer(), TODAY, content.parent / ".cache")
    return catalogue, [p.render() for p in problems.sorted()], checked


@pytest.fixture
def forbid_parsing(monkeypatch):
    """Call it to make parsing impossible: whatever loads afterwards came from the cache."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("parsed a file the cache should have served")

    return lambda: monkeypatch.setattr(loader_module, "parse_front_matter", refuse)


def test_unchanged_files_are_served_whole_without_parsing(tree, forbid_parsing):
    content = tree(minimal_tree())
    first, problems, checked = load(content)
    assert problems == [] and checked == 2
    forbid_parsing()
    again, problems, checked = load(content)
    assert problems == [] and checked == 2
    assert again.products == first.products and again.products[0].digest == first.products[0].digest
    assert again.products[0].cooperative is again.cooperatives["htx-che-na-hang"]
    assert again.products[0].body_html == first.products[0].body_html


def test_an_edited_product_is_parsed_again(tree):
    content = tree(minimal_tree())
    load(content)
    path = content / PRODUCT_FILE
    path.write_text(path.read_text().replace("450000", "470000"), encoding="utf-8")
    catalogue, problems, _ = load(content)
    assert problems == [] and catalogue.products[0].price == 470000


def test_an_edited_cooperative_reloads_its_products(tree):
    content = tree(minimal_tree())
    load(content)
    path = content / COOP_FILE
    path.write_text(COOP.replace("members: 32", "members: 40").replace("0912 345 678", "0987 654 321"))
    catalogue, problems, _ = load(content)
    product = catalogue.products[0]
    assert problems == []
    assert product.cooperative is catalogue.cooperatives["htx-che-na-hang"]
    assert product.cooperative.members == 40 and product.contact.phone == "+84987654321"


def test_a_cached_product_whose_photo_is_gone_is_reported(tree):
    content = tree(minimal_tree())
    load(content)
    (content / "products/htx-che-na-hang/che.jpg").unlink()
    catalogue, problems, _ = load(content)
    assert catalogue.products == []
    assert any("không tìm thấy tệp ảnh “che.jpg”" in line for line in problems)


def test_warnings_survive_the_cache(tree):
    old_name = COOP.replace("province: Tuyên Quang", "province: Hà Giang")
    content = tree(minimal_tree(**{COOP_FILE: old_name}))
    _, first, _ = load(content)
    _, again, _ = load(content)
    assert len(first) == 1 and "trước năm 2025" in first[0]
    assert again == first


def test_a_cooperative_whose_photo_went_and_came_back_is_rebuilt_with_its_products(tree):
    """Same bytes, but the cached objects are not trusted while a photo is missing: the
    cooperative is reported, then rebuilt with its products, each file counted once."""
    coop_with_photo = COOP.replace("members: 32\n", "members: 32\nphotos:\n  - file: vuon.jpg\n")
    files = minimal_tree(**{COOP_FILE: coop_with_photo, "cooperatives/htx-che-na-hang/vuon.jpg": b"x"})
    content = tree(files)
    load(content)
    photo = content / "cooperatives/htx-che-na-hang/vuon.jpg"
    photo.rename(photo.with_name("moved.jpg"))
    _, problems, _ = load(content)
    assert len(problems) == 1 and "vuon.jpg" in problems[0]
    photo.with_name("moved.jpg").rename(photo)
    catalogue, problems, checked = load(content)
    assert problems == [] and checked == 2
    assert catalogue.products[0].cooperative is catalogue.cooperatives["htx-che-na-hang"]
