"""The /admin/ CMS config is generated from the schema: every field, widget, required flag and choice,
each checked against the field type's converter (what `chophien validate` runs)."""

import json
import re
import subprocess

import pytest
import yaml

from chophien import reference
from chophien.catalogue.model import KINDS, STATUSES
from chophien.catalogue.schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, Field
from chophien.core.settings import Settings
from chophien.quality.budgets import measure_site
from chophien.volunteer.cms import DECAP_INTEGRITY, DECAP_SCRIPT, config, config_yaml

COOPS = [("htx-che-na-hang", "Hợp tác xã Chè Nà Hang"), ("htx-mat-ong", "HTX Mật ong")]

REFERENCE_CHOICES = {
    "province": lambda: [p.name for p in reference.provinces()],
    "ethnic_group": lambda: [g.name for g in reference.ethnic_groups()],
    "category": lambda: [c.slug for c in reference.categories()],
    "certification": lambda: [c.slug for c in reference.certifications()],
    "enum": None,
}
SCALAR_WIDGETS = {
    "text": "string", "messenger": "string", "platform": "string", "phone": "string", "email": "string",
    "url": "string", "price": "string", "date": "string", "code": "string",
    "int": "number", "year": "number", "bool": "boolean", "file": "image", "markdown": "markdown",
}  # fmt: skip
CODE_WORDS = re.compile(r"\b(?:con-hang|het-hang|hop-tac-xa|doanh-nghiep|none|vietgap|huu-co)\b|\[")


def values(field: dict) -> list[str]:
    return [option["value"] for option in field["options"]]


def expected_choices(spec: Field) -> list[str] | None:
    if spec.type == "enum":
        return list({"kind": KINDS, "status": STATUSES}[spec.name])
    if spec.type in REFERENCE_CHOICES:
        return REFERENCE_CHOICES[spec.type]()
    if spec.name == "month":
        return list(range(1, 13))  # numbers, as YAML reads `season: [9, 10]`
    return None


def assert_converter_takes(spec: Field, choices: list, at: str) -> None:
    """Every choice the form offers is a value the field type's converter accepts."""
    refused = [value for value in choices if not spec.convert.accepts(str(value))]
    assert not refused, (at, refused)


def assert_matches(specs: tuple[Field, ...], fields: list[dict], where: str, optional: bool = False) -> None:
    """Every schema Field has exactly one CMS field, with the right widget, required flag and choices;
    every choice passes the field's converter, every pattern is the field type's own.

    Inside an optional group nothing is required: Decap would refuse to save the group left empty.
    """
    by_name = {f["name"]: f for f in fields}
    assert sorted(by_name) == sorted(spec.name for spec in specs), where
    for spec in specs:
        field = by_name[spec.name]
        at = f"{where}.{spec.name}"
        assert field["required"] is (spec.required and not optional), at
        assert field["label"] and field["hint"].startswith(field["label"]), at
        assert not CODE_WORDS.search(field["hint"]), (at, field["hint"])
        assert "default" not in field, at  # nothing written that the volunteer did not enter
        item = spec.item
        if spec.type == "mapping":
            assert field["widget"] == "object", at
            assert_matches(spec.fields, field["fields"], at, optional or not spec.required)
        elif item is not None and item.fields:
            assert field["widget"] == "list", at
            assert_matches(item.fields, field["fields"], at)
            if item.type == "image":
                assert field["fields"][0]["widget"] == "image", at
        elif item is not None and expected_choices(item) is not None:
            assert (field["widget"], field["multiple"]) == ("select", True), at
            assert values(field) == expected_choices(item), at
            assert_converter_takes(item, values(field), at)
        elif item is not None:
            assert field["widget"] == "list", at
        elif expected_choices(spec) is not None:
            assert field["widget"] == "select", at
            assert values(field) == expected_choices(spec), at
            assert_converter_takes(spec, values(field), at)
        else:
            assert field["widget"] == SCALAR_WIDGETS[spec.type], at
            if field["widget"] == "string":
                assert field["pattern"] == [spec.convert.pattern, spec.convert.message_vi], at
            if field["widget"] == "number":
                assert_converter_takes(spec, [field["min"], field["max"]], at)
                assert not spec.convert.accepts(str(field["max"] + 1)), at


def example_checks(specs: tuple[Field, ...], fields: list[dict]) -> list[tuple[str, str, str]]:
    """(pattern, example, field name) for every patterned form field: what the volunteer is shown."""
    by_name = {f["name"]: f for f in fields}
    found = []
    for spec in specs:
        field = by_name[spec.name]
        if "fields" in field:
            found += example_checks(spec.fields if spec.type == "mapping" else spec.item.fields, field["fields"])
        elif "pattern" in field:
            assert spec.convert.accepts(spec.example), spec.name  # the converter takes the example
            found.append((field["pattern"][0], spec.example, spec.name))
    return found


def test_every_example_in_a_hint_passes_the_form_and_the_converter():
    cms = collections()
    checks = example_checks(COOPERATIVE_FIELDS, cms["hop-tac-xa"]["fields"][:-1])
    checks += example_checks(PRODUCT_FIELDS, cms["san-pham-htx-mat-ong"]["fields"][:-1])
    assert len(checks) > 25
    script = (
        "let s='';process.stdin.on('data',c=>s+=c).on('end',()=>"
        "console.log(JSON.stringify(JSON.parse(s).map(([p,v])=>RegExp(p).test(v)))))"
    )
    run = subprocess.run(["node", "-e", script], input=json.dumps(checks), capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert [name for (_, _, name), ok in zip(checks, json.loads(run.stdout), strict=True) if not ok] == []


def collections():
    return {c["name"]: c for c in yaml.safe_load(config_yaml(COOPS))["collections"]}


def test_cooperative_form_matches_the_schema():
    coop = collections()["hop-tac-xa"]
    assert coop["fields"][-1] == {
        "label": "Câu chuyện của hợp tác xã", "name": "body", "widget": "markdown", "required": False,
    }  # fmt: skip
    assert_matches(COOPERATIVE_FIELDS, coop["fields"][:-1], "cooperative")
    assert (coop["folder"], coop["media_folder"], coop["public_folder"]) == (
        "content/cooperatives",
        "{{filename}}",
        "",
    )


@pytest.mark.parametrize("slug", [slug for slug, _ in COOPS])
def test_product_form_per_cooperative_matches_the_schema(slug):
    products = collections()[f"san-pham-{slug}"]
    assert products["fields"][-1]["name"] == "body"
    assert_matches(PRODUCT_FIELDS, products["fields"][:-1], "product")
    # Photos upload beside the product file and are written as bare file names.
    assert (products["folder"], products["media_folder"], products["public_folder"]) == (
        f"content/products/{slug}",
        "",
        "",
    )
    assert products["label"] == f"Sản phẩm · {dict(COOPS)[slug]}"


def test_pull_request_workflow_and_vietnamese_interface():
    settings = Settings.from_pelican(
        {"CHOPHIEN_CMS_REPO": "lienminh/chophien", "CHOPHIEN_CMS_AUTH_URL": "https://auth.example.org"}, {}
    )
    cms = config(COOPS, settings)
    assert cms["publish_mode"] == "editorial_workflow"
    assert cms["backend"]["name"] == "github" and cms["backend"]["open_authoring"] is True
    assert cms["backend"]["squash_merges"] is True  # the uploaded photo's full blob stays off main
    assert (cms["backend"]["repo"], cms["backend"]["base_url"]) == (
        "lienminh/chophien",
        "https://auth.example.org",
    )
    assert cms["locale"] == "vi"
    assert cms["slug"] == {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}


def test_product_fields_are_written_once_in_the_yaml():
    text = config_yaml([(f"htx-{n}", f"HTX {n}") for n in range(50)])
    assert text.count("name: price") == 1
    assert len(text) < 50_000  # 50 collections sharing one field list with its patterns


def test_optional_groups_can_be_left_empty_and_hints_say_what_they_need():
    fields = {f["name"]: f for f in collections()["san-pham-htx-mat-ong"]["fields"]}
    ocop = fields["ocop"]
    assert (ocop["required"], ocop["collapsed"]) == (False, True)
    assert [f["required"] for f in ocop["fields"]] == [False, False, False, False]
    assert ocop["hint"] == "Xếp hạng OCOP (nếu điền thì cần Số sao OCOP, Năm được công nhận)"
    assert fields["status"]["hint"] == "Tình trạng. Ví dụ: Còn hàng"
    assert fields["featured"] == {
        "label": "Nổi bật trên trang chủ", "name": "featured", "required": False,
        "hint": "Nổi bật trên trang chủ", "widget": "boolean",
    }  # fmt: skip
    certification = fields["certifications"]
    assert certification["widget"] == "list" and certification["fields"][0]["name"] == "type"
    assert certification["fields"][0]["required"] is True  # within one certification, its type is needed


@pytest.mark.build
def test_admin_is_built_with_one_pinned_script_outside_budgets(built_demo):
    html = (built_demo / "admin/index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert '<body data-pagefind-ignore="all">' in html
    # The CMS bundle from npm when installed (cms/, as CI does), else the same file from the CDN.
    script = "decap-cms.js" if (built_demo / "admin/decap-cms.js").is_file() else DECAP_SCRIPT
    assert re.findall(r'(?:src|href)="([^"]+)"', html) == ["config.yml", "admin.css", "vi.js", script]
    assert f'src="{script}" integrity="{DECAP_INTEGRITY}"' in html
    assert "@3.16.3/" in DECAP_SCRIPT
    built = yaml.safe_load((built_demo / "admin/config.yml").read_text(encoding="utf-8"))
    product_collections = [c for c in built["collections"] if c["name"].startswith("san-pham-")]
    assert len(product_collections) == len(list((built_demo / "hop-tac-xa").glob("*/index.html")))
    assert not [m.path for m in measure_site(built_demo) if m.path.startswith("admin/")]


@pytest.mark.parametrize(
    ("name", "folder", "keys"),
    [
        ("trang", "content/pages", ["Title", "Slug"]),
        ("trang-tieng-anh", "content/pages/en", ["Title", "Slug", "Lang"]),  # docs/i18n.md
    ],
)
def test_pages_are_a_collection_whose_files_a_save_leaves_unchanged(name, folder, keys):
    import json
    import subprocess

    from conftest import yamljs

    from chophien.formats.strictyaml import split_front_matter

    pages = collections()[name]
    assert (pages["folder"], pages["format"], [f["name"] for f in pages["fields"]]) == (
        folder, "frontmatter", [*keys, "body"],
    )  # fmt: skip
    title, slug = (re.compile(f["pattern"][0]) for f in pages["fields"][:2])
    node = yamljs()
    files = sorted((node.parent.parent / folder).glob("*.md"))
    assert files
    items = []
    for path in files:
        front, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
        data = yaml.safe_load(front)
        assert list(data) == keys and title.match(data["Title"]) and slug.match(data["Slug"])
        assert data.get("Lang", "en") == "en" == pages["fields"][-2].get("default", "en")
        items.append({"front": front, "keys": keys})
    assert not title.match("Chợ phiên: giới thiệu")  # Decap would quote it, and Pelican keep the quotes
    saved = subprocess.run(
        ["node", str(node / "roundtrip.mjs")],
        input=json.dumps(items), capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert json.loads(saved) == [item["front"] + "\n" for item in items]


def test_the_english_version_is_a_group_of_name_unit_summary_and_a_markdown_story():
    made = config([("htx-che-na-hang", "HTX Chè Nà Hang")])
    coop, product = made["collections"][0], made["collections"][1]

    def english(collection):
        (translations,) = [f for f in collection["fields"] if f["name"] == "translations"]
        (en,) = translations["fields"]
        return {f["name"]: f for f in en["fields"]}

    fields = english(product)
    assert {name: f["widget"] for name, f in fields.items()} == {
        "name": "string", "unit": "string", "summary": "string", "story": "markdown",
    }  # fmt: skip
    assert not any(f["required"] for f in fields.values())  # an optional group: nothing required
    assert fields["story"]["hint"].startswith("Câu chuyện / mô tả bằng tiếng Anh")
    assert "story: |" not in fields["story"]["hint"]  # how to write a file is not the form's business
    assert {name: f["widget"] for name, f in english(coop).items()} == {"name": "string", "story": "markdown"}
