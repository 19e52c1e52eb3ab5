"""Decap CMS for people who won't touch YAML: the /admin/ page and its config.yml, from the schema.

Every form field comes from chophien/catalogue/schema.py (label and help in Vietnamese, required,
example); each value's widget, pattern and choices from its field type
(chophien/catalogue/field_types.py), the object that also converts it, so the forms cannot drift
from what `chophien validate` accepts (tests/volunteer/test_cms.py walks both). Edits go through the
editorial workflow: each save is a branch and a pull request, validated like any other.
Photos upload beside the file that uses them, as the content format requires.
"""

from __future__ import annotations

import filecmp
from pathlib import Path

import yaml
from markupsafe import escape

from chophien.catalogue.field_types import FieldType
from chophien.catalogue.schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, Field
from chophien.core.files import write_atomic, write_text
from chophien.core.settings import Settings

# The CMS's bundle comes from npm (cms/package.json, pinned with its integrity hash in
# cms/package-lock.json; `npm ci --prefix cms --ignore-scripts`) and is served from the site itself:
# /admin/ then makes no request outside the site. Without it installed, /admin/ loads the
# same file from a CDN, pinned and with Subresource Integrity, so the bytes are the same.
DECAP_VERSION = "3.16.3"
DECAP_SCRIPT = f"https://cdn.jsdelivr.net/npm/decap-cms@{DECAP_VERSION}/dist/decap-cms.js"
DECAP_INTEGRITY = "sha384-A/Gdn928CNLufmnGWGs9RM4Q9o8bSNLeJERqBFrBjwzL7FRpoLT3MPF8Tl0+Wd2p"
DECAP_DIST = Path(__file__).resolve().parents[2] / "cms" / "node_modules" / "decap-cms" / "dist"
LOCAL_SCRIPT = "decap-cms.js"
# The project's own admin files: vi.js (the Vietnamese strings Decap lacks; starts the CMS) and
# admin.css (Decap's editor laid out for a 360 px phone).
ADMIN_ASSETS = Path(__file__).resolve().parent / "admin"


def label(spec: Field) -> str:
    """Short Vietnamese label: the help text up to its first ':', ';', ',' or '('."""
    text = spec.help_vi
    for mark in (":", ";", ",", "("):
        text = text.split(mark, 1)[0]
    return text.strip() or spec.name


def field_type(spec: Field) -> FieldType | None:
    """The field type of a scalar (or of a list item given by name), None for a list or mapping."""
    return spec.convert if isinstance(spec.convert, FieldType) else None


def options(spec: Field) -> list[dict] | None:
    """Choices of an enum or reference field, as Decap select options (value = what the file holds)."""
    kind = field_type(spec)
    return kind.options() if kind is not None else None


def _human(spec: Field, value: str) -> str:
    """An example value as the form shows it: the option's label instead of the code word."""
    choices = options(spec) or (options(spec.item) if spec.item is not None else None)
    if not choices:
        return value.strip("[]")
    by_value = {str(o["value"]): o["label"] for o in choices}
    items = [v.strip() for v in value.strip("[]").split(",")]
    return ", ".join(by_value.get(v, v) for v in items)


def hint(spec: Field) -> str:
    """The help text in plain Vietnamese and an example, without the file format's code words."""
    text = spec.help_vi
    if spec.name == "images":
        text = text.split(";")[0]  # the file format's `none` has no place in the form
    if spec.type == "markdown":
        text = text.split(". Trong tệp:")[0]  # how to write it in a file: the form's editor does that
    if options(spec) is not None or (spec.item is not None and options(spec.item) is not None):
        text = text.split(":")[0]  # the choices are in the list: no codes in the hint
    if spec.type == "mapping" and not spec.required and any(f.required for f in spec.fields):
        required = ", ".join(label(f) for f in spec.fields if f.required)
        text += f" (nếu điền thì cần {required})"
    if spec.type == "bool":
        return text.split(" (")[0]
    if "\n" in spec.example or spec.type == "mapping":
        return text
    return f"{text}. Ví dụ: {_human(spec, spec.example)}"


def widget(spec: Field, inside_optional: bool = False) -> dict:
    """One Decap field for one schema Field: widget, pattern and choices from its field type.

    Decap enforces the required sub-fields of an optional object even when the whole object
    is left empty (decap-cms issues 2103, 7748), so inside an optional object nothing is
    marked required; `chophien validate` still asks for them when the object is filled in.
    """
    required = spec.required and not inside_optional
    field: dict = {"label": label(spec), "name": spec.name, "required": required, "hint": hint(spec)}
    item = spec.item
    if spec.type == "mapping":
        optional = inside_optional or not spec.required
        field.update(
            widget="object", collapsed=not spec.required, fields=[widget(f, optional) for f in spec.fields]
        )
    elif item is not None and item.fields:
        # Certifications, photos, marketplaces: always a list of mappings (canonical.written).
        field.update(widget="list", collapsed=False, fields=[widget(f) for f in item.fields])
        if spec.required:
            field["min"] = 1
    elif item is not None and options(item) is not None:
        field.update(widget="select", multiple=True, options=options(item))
    elif item is not None:
        field.update(widget="list")
    else:
        kind = field_type(spec)
        if kind is None:
            raise TypeError(f"{spec.name}: a scalar without a field type has no CMS widget")
        field.update(kind.form())
    return field


def _body(label_vi: str) -> dict:
    return {"label": label_vi, "name": "body", "widget": "markdown", "required": False}


def _common(label_vi: str, singular: str, folder: str) -> dict:
    return {
        "label": label_vi,
        "label_singular": singular,
        "folder": folder,
        "create": True,
        "extension": "md",
        "format": "frontmatter",
        "identifier_field": "name",
        "slug": "{{slug}}",
        "summary": "{{name}}",
    }


# A page title Pelican reads as it is written: no YAML quoting (Decap quotes `a: b`, `#x`, …).
PAGE_TITLE = r"^[^\s:#\"'\[\]{}&*!|>%@`,?-][^:#\"'\[\]{}]{0,118}[^\s:#\"'\[\]{}]$"
PAGE_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def pages_collection() -> dict:
    """The site's own pages (content/pages/): Pelican `Title:`/`Slug:` lines between `---` lines."""
    return {
        "name": "trang",
        "label": "Trang giới thiệu",
        "label_singular": "Trang",
        "folder": "content/pages",
        "create": True,
        "extension": "md",
        "format": "frontmatter",
        "identifier_field": "Title",
        "slug": "{{slug}}",
        "summary": "{{Title}}",
        "media_folder": "",
        "public_folder": "",
        "fields": [
            {
                "label": "Tiêu đề", "name": "Title", "widget": "string", "required": True,
                "hint": "Tiêu đề trang, không có dấu hai chấm. Ví dụ: Cách đặt hàng",
                "pattern": [PAGE_TITLE, "Tiêu đề 2–120 ký tự, không có : # \" ' [ ] { }"],
            },
            {
                "label": "Địa chỉ trang", "name": "Slug", "widget": "string", "required": True,
                "hint": "Phần cuối của địa chỉ trang: chữ thường không dấu, số, dấu -. Ví dụ: cach-dat-hang",
                "pattern": [PAGE_SLUG, "Chữ thường không dấu, số và dấu -, ví dụ cach-dat-hang"],
            },
            {"label": "Nội dung", "name": "body", "widget": "markdown", "required": True},
        ],
    }  # fmt: skip


def english_pages_collection() -> dict:
    """The English versions of the site's pages (content/pages/en/, docs/i18n.md): the same file name as
    the Vietnamese page (its Slug), `Lang: en` written by a hidden field."""
    collection = pages_collection()
    collection.update(
        name="trang-tieng-anh",
        label="Trang tiếng Anh (English pages)",
        label_singular="Trang tiếng Anh",
        folder="content/pages/en",
    )
    title, slug, body = collection["fields"]
    collection["fields"] = [
        {
            **title,
            "label": "Tiêu đề tiếng Anh",
            "hint": "Tiêu đề bằng tiếng Anh, không có dấu hai chấm. Ví dụ: How to order",
        },
        {
            **slug,
            "hint": "Giống hệt địa chỉ của trang tiếng Việt (bản tiếng Anh của trang đó). Ví dụ: cach-dat-hang",
        },
        {"label": "Ngôn ngữ", "name": "Lang", "widget": "hidden", "default": "en"},
        {**body, "label": "Nội dung tiếng Anh"},
    ]
    return collection


def config(cooperatives: list[tuple[str, str]], settings: Settings | None = None) -> dict:
    """The Decap configuration: one collection of cooperatives, one of products per cooperative.

    *cooperatives* is [(slug, name)]. A product's folder must be its cooperative's slug
    and Decap cannot compute a folder from a field without writing that field into the
    file, so each cooperative gets its own product collection.
    """
    settings = settings or Settings()
    backend = {
        "name": "github",
        "repo": settings.cms_repo or "OWNER/REPO",
        "branch": settings.cms_branch or "main",
        "open_authoring": True,
        # "Công bố" squash-merges the pull request: a photo uploaded in the form is committed as
        # an ordinary file, turned into a Git LFS pointer on the branch by .github/workflows/lfs.yml,
        # and only the pointer reaches main's history (docs/scale.md §3).
        "squash_merges": True,
        "commit_messages": {
            "create": "Thêm {{collection}} “{{slug}}” (qua CMS)",
            "update": "Sửa {{collection}} “{{slug}}” (qua CMS)",
            "delete": "Xoá {{collection}} “{{slug}}” (qua CMS)",
            "uploadMedia": "Tải ảnh “{{path}}” (qua CMS)",
            "deleteMedia": "Xoá ảnh “{{path}}” (qua CMS)",
        },
    }
    for key, value in (("base_url", settings.cms_auth_url), ("auth_endpoint", settings.cms_auth_endpoint)):
        if value:
            backend[key] = value
    coop_collection = {
        "name": "hop-tac-xa",
        **_common("Hợp tác xã", "Hợp tác xã", "content/cooperatives"),
        # Logo and photos go in content/cooperatives/<slug>/, referenced by bare file name.
        "media_folder": "{{filename}}",
        "public_folder": "",
        "fields": [widget(f) for f in COOPERATIVE_FIELDS] + [_body("Câu chuyện của hợp tác xã")],
    }
    collections = [coop_collection]
    # One list shared by every product collection: YAML writes it once (&id001) and aliases it.
    product_fields = [widget(f) for f in PRODUCT_FIELDS] + [_body("Mô tả sản phẩm")]
    for slug, name in cooperatives:
        collections.append(
            {
                "name": f"san-pham-{slug}",
                **_common(f"Sản phẩm · {name}", "Sản phẩm", f"content/products/{slug}"),
                # Product photos sit beside the product file, referenced by bare file name.
                "media_folder": "",
                "public_folder": "",
                "fields": product_fields,
            }
        )
    collections.append(pages_collection())
    collections.append(english_pages_collection())
    return {
        "backend": backend,
        "publish_mode": "editorial_workflow",
        "local_backend": True,
        "locale": "vi",
        **({"site_url": settings.siteurl} if settings.siteurl else {}),
        "media_folder": "content/cooperatives",
        "public_folder": "",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": collections,
    }


def config_yaml(cooperatives: list[tuple[str, str]], settings: Settings | None = None) -> str:
    header = (
        "# Sinh tự động từ chophien/catalogue/schema.py và dữ liệu tham chiếu khi dựng trang; đừng sửa tay.\n"
        "# Generated from chophien/catalogue/schema.py and the reference data at build time; do not edit.\n"
    )
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: ~10× faster at 10,000 products
    return header + yaml.dump(
        config(cooperatives, settings), Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000
    )


ADMIN_HTML = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>Quản lý nội dung · {sitename}</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
<link href="admin.css" rel="stylesheet">
</head>
<body data-pagefind-ignore="all">
<noscript>Trang quản lý nội dung cần JavaScript. Bạn vẫn có thể sửa tệp trực tiếp trên GitHub: xem trang Đóng góp nội dung.</noscript>
<script src="vi.js"></script>
<script src="{script}" integrity="{integrity}"{crossorigin}></script>
</body>
</html>
"""


class BundleMismatch(RuntimeError):
    """cms/node_modules holds another Decap CMS than DECAP_VERSION / DECAP_INTEGRITY name."""


def sri(data: bytes) -> str:
    import base64
    import hashlib

    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def bundle_files(dist: Path = DECAP_DIST) -> list[Path]:
    """The files of the installed Decap bundle that /admin/ needs: the script and its lazy chunks
    (webpack loads `<n>.decap-cms.js` beside the script); no source maps, no other builds."""
    if not (dist / LOCAL_SCRIPT).is_file():
        return []
    chunks = sorted(p for p in dist.glob("*.decap-cms.js") if p.name.split(".", 1)[0].isdigit())
    return [dist / LOCAL_SCRIPT, *chunks]


def admin_html(sitename: str = "Chợ phiên", local_integrity: str | None = None) -> str:
    """The /admin/ page: the site's own copy of the bundle if *local_integrity* is given, else the CDN."""
    if local_integrity:
        script, integrity, crossorigin = LOCAL_SCRIPT, local_integrity, ""
    else:
        script, integrity, crossorigin = DECAP_SCRIPT, DECAP_INTEGRITY, ' crossorigin="anonymous"'
    return ADMIN_HTML.format(
        sitename=escape(sitename), script=script, integrity=integrity, crossorigin=crossorigin
    )


def copy_bundle(folder: Path, dist: Path = DECAP_DIST) -> str | None:
    """Copy the npm-installed bundle into *folder*; its SRI hash, or None if it is not installed.

    The script must be the very file DECAP_INTEGRITY pins (the CDN fallback's): a cms/package.json
    upgraded without DECAP_VERSION/DECAP_INTEGRITY fails the build instead of serving two CMSs.
    """
    files = bundle_files(dist)
    if not files:
        return None
    integrity = sri(files[0].read_bytes())
    if integrity != DECAP_INTEGRITY:
        raise BundleMismatch(
            f"{files[0]} is not decap-cms@{DECAP_VERSION} ({integrity} ≠ {DECAP_INTEGRITY}): "
            "run `npm ci --prefix cms --ignore-scripts`, or update DECAP_VERSION and DECAP_INTEGRITY"
        )
    for source in files:
        target = folder / source.name
        if not (target.is_file() and filecmp.cmp(source, target, shallow=False)):
            write_atomic(target, source.read_bytes())
    return integrity


def write_admin(output: Path, cooperatives: list[tuple[str, str]], settings: Settings | None = None) -> None:
    """Write output/admin/index.html and output/admin/config.yml, and copy the CMS bundle beside them."""
    folder = output / "admin"
    folder.mkdir(parents=True, exist_ok=True)
    settings = settings or Settings()
    integrity = copy_bundle(folder, Path(settings.cms_dist or DECAP_DIST))
    for asset in sorted(ADMIN_ASSETS.iterdir()):
        if asset.suffix in (".js", ".css"):
            write_atomic(folder / asset.name, asset.read_bytes())
    write_text(folder / "index.html", admin_html(settings.sitename, integrity))
    write_text(folder / "config.yml", config_yaml(cooperatives, settings))
