"""Walks content/, parses and checks every file, builds the Catalogue, collects every Problem."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import re
import shutil
import unicodedata
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from chophien import reference
from chophien.catalogue import canonical
from chophien.catalogue.content_tree import Tree, walk
from chophien.catalogue.model import (
    OCOP_VALIDITY_MONTHS,
    Catalogue,
    CertificationHeld,
    Contact,
    Cooperative,
    Image,
    MarketplaceLink,
    Ocop,
    Product,
)
from chophien.catalogue.schema import (
    COOPERATIVE_FIELDS,
    PRODUCT_FIELDS,
    CheckContext,
    check_mapping,
    field_label,
)
from chophien.core.cache_version import cache_version
from chophien.core.files import read_checked, remove_litter, report_damaged, write_checked
from chophien.core.filestat import FileHashes
from chophien.core.problems import WARNING, ProblemList
from chophien.core.text import SLUG, add_months, collation_key, did_you_mean, hint, nfc, slugify
from chophien.formats.markup import MarkdownRenderer, summary
from chophien.formats.strictyaml import YamlProblem, parse_front_matter
from chophien.photos.formats import ACCEPTED_SUFFIXES

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RESERVED_SLUGS = {"page"}  # /san-pham/page/2/ is a listing page


def slug_refusal(slug: str, kind: str = "product") -> tuple[str, str, str] | None:
    """Why `chophien validate` refuses *slug* as a content file's name: (vi, en, example), else None.

    The one rule for names that become URLs; `chophien new --slug` asks it too.
    """
    if not (SLUG.fullmatch(slug) and unicodedata.is_normalized("NFC", slug)):
        suggestion = slugify(slug) or "ten-tep"
        return (
            f"tên “{nfc(slug)}” phải là chữ thường không dấu, số và dấu gạch ngang, ví dụ “{suggestion}”",
            f"the name “{nfc(slug)}” must be lowercase ASCII letters, digits and dashes, e.g. “{suggestion}”",
            suggestion,
        )
    if kind == "cooperative" and slug in RESERVED_SLUGS:
        return (
            f"tên “{slug}” dành cho phân trang; hãy đặt tên khác, ví dụ htx-{slug}",
            f"the name “{slug}” is reserved for pagination; choose another, e.g. htx-{slug}",
            f"htx-{slug}",
        )
    return None


def _spaces_in_name(name: str, fixed: str) -> tuple[str, str, str]:
    """Message for a file name with invisible spaces at its start or end."""
    return (
        f"tên “{name}” có dấu cách thừa ở đầu hoặc cuối (khó nhìn thấy); hãy đổi tên thành “{fixed}”",
        f"the name “{name}” has extra spaces at its start or end (hard to see); rename it to “{fixed}”",
        fixed,
    )


def product_code(province_code: str, key: str) -> str:
    """Stable short code from the product's path: '08-K7Q2MX'."""
    digest = int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:8], "big")
    chars = []
    for _ in range(6):
        digest, rest = divmod(digest, 32)
        chars.append(CROCKFORD[rest])
    return f"{province_code}-{''.join(chars)}"


class Loader:
    def __init__(
        self,
        content_dir: str | os.PathLike,
        renderer: MarkdownRenderer | None = None,
        today: dt.date | None = None,
        parse_cache: ParseCache | None = None,
        hashes: FileHashes | None = None,
        tree: Tree | None = None,
    ):
        self.root = Path(content_dir)
        self.tree = tree or Tree()  # content_tree.walk: links and special files are never read
        self._references: dict[Path, set[str] | None] = {}  # photo folder → names used (None: unknown)
        self.parse_cache = parse_cache
        self.hashes = hashes or FileHashes()
        self.problems = ProblemList()
        self.renderer = renderer or MarkdownRenderer()
        self.today = today or dt.date.today()
        self.files_checked = 0
        self.digests: dict[str, str] = {}  # displayed path → content hash, for page fingerprints
        self._displayed: dict[Path, str] = {}
        self._folders: dict[Path, dict[str, os.DirEntry]] = {}
        self._parsed_problems: list = []  # what the last _parse reported for its file
        self._parse_key: tuple | None = None  # and its parse-cache key

    # -- helpers ---------------------------------------------------------------

    def display(self, path: Path) -> str:
        """Path as shown in messages: relative to the content folder's parent, NFC, POSIX."""
        shown = self._displayed.get(path)
        if shown is None:
            try:
                relative = path.relative_to(self.root.parent)
            except ValueError:
                relative = path
            shown = self._displayed[path] = nfc(relative.as_posix())
        return shown

    def _file_problem(
        self, path: Path, vi: str, en: str, example: str = "", line: int = 0, col: int = 0, field: str = ""
    ):
        self.problems.add(self.display(path), line, col, field, vi, en, example)

    def _check_slug(self, path: Path, what_vi: str, what_en: str) -> str:
        stem = path.stem if path.suffix else path.name
        if slug_refusal(stem) is None:
            return stem
        suggestion = slugify(stem) or "ten-tep"
        if stem != stem.strip() and SLUG.fullmatch(stem.strip()):
            self._file_problem(path, *_spaces_in_name(path.name, suggestion + path.suffix))
            return suggestion
        self._file_problem(
            path,
            f"tên {what_vi} “{nfc(stem)}” phải là chữ thường không dấu, số và dấu gạch ngang; "
            f"hãy đổi thành “{suggestion}{path.suffix}”",
            f"{what_en} name “{nfc(stem)}” must be lowercase ASCII letters, digits and dashes; "
            f"rename it to “{suggestion}{path.suffix}”",
            f"{suggestion}{path.suffix}",
        )
        return suggestion

    def _cached_object(self, path: Path, kind: str, coop: Cooperative | None = None):
        """(the object loaded from these exact bytes by an earlier build or None, its cache key).

        A cooperative or product whose file (and, for a product, cooperative: the very object
        loaded this build) is unchanged and whose photos are all still there is taken whole from
        the cache: no parsing, checking, Markdown or object building. Anything else goes the long
        way, which reports problems.
        """
        if self.parse_cache is None:
            return None, None
        try:
            full_digest = self.hashes.sha256(path)
        except OSError:
            return None, None  # _parse reports it
        key = (f"object:{kind}", self.display(path), full_digest, coop.digest if coop else "")
        cached = self.parse_cache.get(key)
        if cached is None:
            return None, key
        loaded, problems = cached
        if coop is not None and loaded.cooperative is not coop:  # its cooperative was rebuilt
            self.parse_cache.forget(key)
            return None, key
        if isinstance(loaded, Product):
            images, folder = loaded.images, path.parent
        else:
            images, folder = (
                (loaded.logo, *loaded.photos) if loaded.logo else loaded.photos,
                path.parent / loaded.slug,
            )
        for image in images:
            self._used(folder, image.file)
            entry = self._folder(folder).get(image.file)
            if entry is None or entry.is_symlink() or not entry.is_file():
                self.parse_cache.forget(key)
                return None, key
        self.files_checked += 1
        self.digests[self.display(path)] = full_digest[:16]
        self.problems.items.extend(problems)
        return loaded, key

    def _remember(self, key: tuple | None, loaded, parse_key: tuple | None) -> None:
        """Cache a loaded object in place of its file's parse entry (what it was built from)."""
        if key is not None and self.parse_cache is not None:
            self.parse_cache.put(key, (loaded, list(self._parsed_problems)))
            self.parse_cache.forget(parse_key)

    def _parse(self, path: Path, fields, kind: str):
        self.files_checked += 1
        self._parsed_problems, self._parse_key = [], None
        try:
            raw = path.read_bytes()
            full_digest = self.hashes.sha256(path, raw)
            self.digests[self.display(path)] = full_digest[:16]
            cache_key = self._parse_key = (kind, self.display(path), full_digest)
            cached = self.parse_cache.get(cache_key) if self.parse_cache else None
            if cached is not None:
                doc, values, problems = cached
                self.problems.items.extend(problems)
                self._parsed_problems = problems
                ok = not any(p.severity == "error" for p in problems)
                return doc, (values, CheckContext(self.display(path), doc, self.problems), ok)
            doc = parse_front_matter(raw)
        except YamlProblem as error:
            self._file_problem(path, error.vi, error.en, error.example, error.line, error.column)
            return None, None
        except OSError as error:
            self._file_problem(
                path, f"không đọc được tệp ({error.strerror})", f"cannot read file ({error.strerror})"
            )
            return None, None
        ctx = CheckContext(self.display(path), doc, self.problems)
        start = len(self.problems.items)
        for vi, en in doc.warnings:
            self.problems.add(self.display(path), 1, 0, "", vi, en, severity="warning")
        values = check_mapping(fields, doc.data, (), ctx)
        canonical.report(fields, doc, ctx)  # values a standard YAML parser (the CMS) reads otherwise
        added = self.problems.items[start:]
        self._parsed_problems = list(added)
        if self.parse_cache is not None:
            self.parse_cache.put(cache_key, (doc, values, list(added)))
        return doc, (values, ctx, not any(p.severity == "error" for p in added))

    def _images(
        self, entries, folder: Path, rel_folder: str, ctx: CheckContext, where: tuple, default_alt: str
    ) -> tuple[Image, ...]:
        images = []
        for index, entry in enumerate(entries or ()):
            if "file" not in entry:
                continue  # its file name was already reported
            image = self._image(
                entry["file"], entry.get("alt") or default_alt, folder, rel_folder, ctx, where + (index,)
            )
            if image:
                images.append(replace(image, alt_missing=not entry.get("alt")))
        return tuple(images)

    def _image(
        self, name: str, alt: str, folder: Path, rel_folder: str, ctx: CheckContext, where: tuple
    ) -> Image | None:
        self._used(folder, name)
        if self.tree.is_refused(folder):
            return None  # a linked folder: content_tree reported it
        entry = self._folder(folder).get(name)
        if entry is not None and entry.is_symlink():
            ctx.report(
                where,
                f"“{name}” là liên kết tượng trưng (symlink); hãy đặt tệp ảnh thật",
                f"“{name}” is a symlink; put the real image file there",
            )
            return None
        if entry is None or not entry.is_file(follow_symlinks=False):
            if any(nfc(other) == name for other in self._folder(folder)):
                return None  # a non-NFC file name: content_tree reported it
            present = (
                sorted(p.name for p in folder.iterdir() if p.suffix.lower() in ACCEPTED_SUFFIXES)
                if folder.is_dir()
                else []
            )
            spaced = [p.name for p in folder.iterdir() if p.name.strip() == name] if folder.is_dir() else []
            if spaced:
                vi, en, example = _spaces_in_name(spaced[0], name)
                ctx.report(where, vi, en, example)
                return None
            guess = did_you_mean(name, present) if present else None
            hint_vi, hint_en = hint(guess)
            ctx.report(
                where,
                f"không tìm thấy tệp ảnh “{name}” trong {self.display(folder)}/{hint_vi}",
                f"image file “{name}” not found in {self.display(folder)}/{hint_en}",
                guess or "",
            )
            return None
        line, column = ctx.doc.where(where)
        return Image(name, alt, f"{rel_folder}/{name}", (ctx.path, line, column, field_label(where)))

    def _used(self, folder: Path, name: str | None) -> None:
        """Note a photo reference (*name* None: the file's references are unknown)."""
        used = self._references.setdefault(folder, set())
        if used is not None:
            if name is None:
                self._references[folder] = None
            else:
                used.add(name)

    def unreferenced_photos(self) -> None:
        """A photo no file refers to is never published: say so (a forgotten `images:` line)."""
        for folder, names in sorted(self.tree.images.items()):
            used = self._references.get(folder, set())
            if used is None:
                continue  # a file there could not be read: its references are unknown
            for name in names:
                if name not in used and name.strip() not in used and nfc(name) == name:
                    self.problems.add(
                        self.display(folder / name),
                        vi="ảnh này không được tệp nào dùng nên không được đăng; hãy thêm vào images: "
                        "(hoặc photos:, logo:) hoặc xoá tệp",
                        en="no file uses this photo, so it is not published; add it to images: "
                        "(or photos:, logo:) or remove the file",
                        example=f"images: [{name}]",
                        severity=WARNING,
                    )

    def _folder(self, folder: Path) -> dict[str, os.DirEntry]:
        """A folder's entries by name, listed once (photos are checked per reference)."""
        listing = self._folders.get(folder)
        if listing is None and self.tree.is_refused(folder):
            listing = self._folders[folder] = {}
        if listing is None:
            try:
                with os.scandir(folder) as entries:
                    listing = {entry.name: entry for entry in entries}
            except OSError:
                listing = {}
            self._folders[folder] = listing
        return listing

    @staticmethod
    def _certifications(entries) -> tuple[CertificationHeld, ...]:
        held = []
        for entry in entries or ():
            if isinstance(entry, dict):
                held.append(
                    CertificationHeld(
                        entry["type"],
                        entry.get("number", ""),
                        entry.get("issuer", ""),
                        entry.get("valid_until"),
                    )
                )
            else:
                held.append(CertificationHeld(entry))
        return tuple(held)

    @staticmethod
    def _marketplaces(entries) -> tuple[MarketplaceLink, ...]:
        links = []
        for entry in entries or ():
            platform = entry["platform"]
            if isinstance(platform, reference.Marketplace):
                links.append(MarketplaceLink(platform.name, entry["url"], platform))
            else:
                links.append(
                    MarketplaceLink(platform, entry["url"], reference.marketplace_for_url(entry["url"]))
                )
        return tuple(links)

    # -- cooperatives ------------------------------------------------------------

    def load_cooperative(self, path: Path) -> Cooperative | None:
        slug = self._check_slug(path, "tệp", "file")
        refused = slug_refusal(slug, "cooperative")
        if refused:
            vi, en, example = refused
            self._file_problem(path, vi, en, f"{example}.md")
            return None
        cached, object_key = self._cached_object(path, "cooperative")
        if cached is not None:
            return cached
        doc, checked = self._parse(path, COOPERATIVE_FIELDS, "cooperative")
        if doc is None:
            return None
        values, ctx, ok = checked
        contact = Contact(**values.get("contact", {}))
        if "contact" in values and not contact.any():
            ctx.report(
                ("contact",),
                "cần ít nhất một cách đặt hàng: phone, zalo, messenger hoặc email",
                "at least one order channel is needed: phone, zalo, messenger or email",
                "phone: 0912 345 678",
            )
            ok = False
        folder = path.parent / slug
        rel = f"cooperatives/{slug}"
        logo = None
        if "logo" in values:
            logo = self._image(values["logo"], "", folder, rel, ctx, ("logo",))
            ok = ok and logo is not None
        name = values.get("name", "")
        photos = self._images(values.get("photos"), folder, rel, ctx, ("photos",), name)
        if len(photos) != len(values.get("photos", ())):
            ok = False
        if not ok:
            return None
        coop = self._cooperative(path, slug, values, doc.body, contact, logo, photos)
        self._remember(object_key, coop, self._parse_key)
        return coop

    def _cooperative(
        self,
        path: Path,
        slug: str,
        values: dict,
        body: str,
        contact: Contact,
        logo: Image | None,
        photos: tuple[Image, ...],
    ) -> Cooperative:
        """The Cooperative of a checked file, its story rendered."""
        name = values.get("name", "")
        body_html = self.renderer.render(body)
        english = values.get("translations", {}).get("en", {})
        return Cooperative(
            slug=slug,
            name=name,
            short_name=values.get("short_name", name),
            kind=values["kind"],
            province=values["province"],
            commune=values.get("commune", ""),
            address=values.get("address", ""),
            ethnic_groups=tuple(dict.fromkeys(values.get("ethnic_groups", ()))),
            founded=values.get("founded"),
            members=values.get("members"),
            contact=contact,
            logo=logo and Image(logo.file, f"Logo {name}", logo.source, logo.referenced_at),
            photos=photos,
            certifications=self._certifications(values.get("certifications")),
            marketplaces=self._marketplaces(values.get("marketplaces")),
            languages=values.get("languages", ()),
            name_en=english.get("name", ""),
            body_html=body_html,
            source=self.display(path),
            digest=self.digests[self.display(path)],
            body_html_en=self.renderer.render(english["story"]) if "story" in english else "",
        )

    # -- products --------------------------------------------------------------------

    def load_product(self, path: Path, coop: Cooperative) -> Product | None:
        before = len(self.problems.items)
        slug = self._check_slug(path, "tệp", "file")
        object_key = None
        if len(self.problems.items) == before:  # a file name that needs fixing goes the long way
            cached, object_key = self._cached_object(path, "product", coop)
            if cached is not None:
                return cached
        doc, checked = self._parse(path, PRODUCT_FIELDS, "product")
        if doc is None:
            return None
        values, ctx, ok = checked
        raw_images = values.get("images", ())
        images = self._images(
            raw_images, path.parent, f"products/{coop.slug}", ctx, ("images",), values.get("name", "")
        )
        if len(images) != len(raw_images) or not ok:
            return None
        ocop_ok, ocop = self._ocop(values.get("ocop"), ctx)
        if not ocop_ok:
            return None
        product = self._product(path, slug, coop, values, doc.body, images, ocop)
        self._remember(object_key, product, self._parse_key)
        return product

    @staticmethod
    def _ocop(values: dict | None, ctx: CheckContext) -> tuple[bool, Ocop | None]:
        """The OCOP rating, its expiry counted from the decision date; (False, None) when the
        decision date is not in the year awarded."""
        if values is None:
            return True, None
        date = values.get("date")
        if date and date.year != values["year"]:
            ctx.report(
                ("ocop", "date"),
                f"ngày quyết định {date:%d/%m/%Y} không thuộc năm {values['year']}",
                f"decision date {date:%d/%m/%Y} is not in year {values['year']}",
                f"15/11/{values['year']}",
            )
            return False, None
        expires = add_months(date, OCOP_VALIDITY_MONTHS) if date else None
        return True, Ocop(values["stars"], values["year"], values.get("decision", ""), date, expires)

    def _product(
        self,
        path: Path,
        slug: str,
        coop: Cooperative,
        values: dict,
        body: str,
        images: tuple[Image, ...],
        ocop: Ocop | None,
    ) -> Product:
        """The Product of a checked file: defaults from its cooperative, the story rendered."""
        name = values.get("name", "")
        origin = values.get("origin", {})
        origin_province = origin.get("province")
        if origin_province == coop.province:
            origin_province = None
        override = Contact(**values["order"]) if "order" in values else None
        body_html = self.renderer.render(body)
        english = values.get("translations", {}).get("en", {})
        body_html_en = self.renderer.render(english["story"]) if "story" in english else ""
        key = f"{coop.slug}/{slug}"
        return Product(
            slug=slug,
            cooperative=coop,
            code=values.get("code") or product_code(coop.province.code, key),
            name=name,
            category=values["category"],
            price=values["price"],
            unit=values.get("unit", ""),
            min_order=values.get("min_order", ""),
            images=images,
            status=values.get("status", "con-hang"),
            season=tuple(sorted(set(values.get("season", ())), key=lambda m: m)),
            ocop=ocop,
            certifications=self._certifications(values.get("certifications")) or (),
            shelf_life=values.get("shelf_life", ""),
            origin_commune=origin.get("commune", ""),
            origin_province=origin_province,
            contact=coop.contact.merged_with(override),
            marketplaces=self._marketplaces(values.get("marketplaces")),
            featured=values.get("featured", False),
            tags=values.get("tags", ()),
            name_en=english.get("name", ""),
            body_html=body_html,
            source=self.display(path),
            digest=self.digests[self.display(path)] + coop.digest,
            summary=summary(body_html),
            sort_key=(collation_key(name), key),
            unit_en=english.get("unit", ""),
            summary_en=english.get("summary") or (summary(body_html_en) if body_html_en else ""),
            body_html_en=body_html_en,
        )

    # -- the whole tree ------------------------------------------------------------------

    def _md_files(self, folder: Path) -> list[Path]:
        entries = self._folder(folder)  # listed once: photos are looked up in the same listing
        files = []
        for name in sorted(entries):
            # "che.md " (a trailing space added by a phone or a zip tool) would be skipped silently.
            if name != name.rstrip() and name.rstrip().lower().endswith(".md"):
                self.files_checked += 1
                self._file_problem(folder / name, *_spaces_in_name(name, name.strip()))
                self._used(folder, None)  # a file not read: the photos it uses are unknown
            elif (  # links, '.x.md' and 'x.MD' are content_tree's to report, never read
                name.endswith(".md")
                and not name.startswith(".")
                and entries[name].is_file(follow_symlinks=False)
            ):
                files.append(folder / name)
        return files

    def _duplicates(
        self,
        entries: dict[str, list[Path]],
        what_vi: str,
        what_en: str,
        fix_vi: str = "mỗi tệp cần một tên riêng",
        fix_en: str = "give each file its own name",
    ) -> None:
        for slug, paths in sorted(entries.items()):
            if len(paths) > 1:
                names = ", ".join(self.display(p) for p in paths)
                for path in paths:
                    self._file_problem(
                        path,
                        f"{what_vi} “{slug}” bị trùng ở {len(paths)} tệp: {names}; {fix_vi}",
                        f"{what_en} “{slug}” is used by {len(paths)} files: {names}; {fix_en}",
                    )

    def _real_folder(self, path: Path) -> bool:
        return not self.tree.is_refused(path) and path.is_dir() and not path.is_symlink()

    def load(self) -> Catalogue:
        """Every cooperative, then every product folder; duplicates and unused photos; the indexes."""
        catalogue = Catalogue()
        if not self.root.is_dir():
            self._file_problem(self.root, "không tìm thấy thư mục nội dung", "content folder not found")
            return catalogue
        if self.tree.is_refused(self.root):
            return catalogue
        known_coops = self._load_cooperatives(catalogue)
        codes: dict[str, list[Path]] = defaultdict(list)
        product_dir = self.root / "products"
        if self._real_folder(product_dir):
            for entry in sorted(product_dir.iterdir()):
                if entry.is_symlink() or entry.name.startswith("."):
                    continue  # content_tree reported it
                if entry.is_file() and entry.suffix == ".md":
                    self._file_problem(
                        entry,
                        "tệp sản phẩm phải nằm trong thư mục mang tên hợp tác xã, "
                        f"ví dụ content/products/<hop-tac-xa>/{entry.name}",
                        "a product file must be inside a folder named after its cooperative, "
                        f"e.g. content/products/<cooperative>/{entry.name}",
                    )
                elif entry.is_dir():
                    self._load_product_folder(entry, catalogue, known_coops, codes)
        self._duplicates(
            codes,
            "Mã sản phẩm",
            "Product code",
            "mỗi sản phẩm cần một mã riêng (trường code)",
            "give each product its own code (field code)",
        )
        self.unreferenced_photos()
        catalogue.index()
        return catalogue

    def _load_cooperatives(self, catalogue: Catalogue) -> set[str]:
        """Load content/cooperatives/*.md into *catalogue*; the slugs of every cooperative file."""
        coop_dir = self.root / "cooperatives"
        coop_files = self._md_files(coop_dir) if self._real_folder(coop_dir) else []
        seen: dict[str, list[Path]] = defaultdict(list)
        for path in coop_files:
            seen[slugify(path.stem)].append(path)
        self._duplicates(seen, "Tên hợp tác xã", "Cooperative slug")
        for path in coop_files:
            coop = self.load_cooperative(path)
            if coop is None:  # a file with errors: its photo references are unknown
                self._used(coop_dir / path.stem, None)
            if coop is not None and len(seen[slugify(path.stem)]) == 1:
                catalogue.cooperatives[coop.slug] = coop
        return {slugify(p.stem) for p in coop_files}

    def _load_product_folder(
        self, folder: Path, catalogue: Catalogue, known_coops: set[str], codes: dict[str, list[Path]]
    ) -> None:
        """Load one cooperative's product folder into *catalogue*, noting each product's code in *codes*."""
        folder_slug = self._check_slug(folder, "thư mục", "folder")
        md_files = self._md_files(folder)
        if folder_slug not in known_coops:
            guess = did_you_mean(folder_slug, sorted(known_coops))
            hint_vi, hint_en = hint(guess)
            self._file_problem(
                folder,
                f"thư mục sản phẩm không có tệp hợp tác xã content/cooperatives/{folder_slug}.md{hint_vi}",
                f"product folder has no cooperative file content/cooperatives/{folder_slug}.md{hint_en}",
                f"content/cooperatives/{guess or folder_slug}.md",
            )
            self.files_checked += len(md_files)
            self._used(folder, None)
            return
        coop = catalogue.cooperatives.get(folder_slug)
        product_slugs: dict[str, list[Path]] = defaultdict(list)
        for path in md_files:
            product_slugs[slugify(path.stem)].append(path)
        self._duplicates(product_slugs, "Tên sản phẩm", "Product slug")
        for path in md_files:
            if coop is None:  # the cooperative itself has errors; still check the product
                self._parse(path, PRODUCT_FIELDS, "product")
                self._used(folder, None)
                continue
            product = self.load_product(path, coop)
            if product is None:
                self._used(folder, None)
            else:
                codes[product.code].append(path)
                catalogue.products.append(product)


class ParseCache:
    """Checked front matter and loaded objects, keyed by file content and the one cache version.

    Parsing, checking and building objects are most of loading 10,000 files; an unchanged file
    (same bytes, same code, reference data, libraries, Python and year) gives the same result.
    Entries are pickled in one file per cooperative (its own file and its products' files), so
    a one-product edit rewrites a few kilobytes, not the whole cache. The folder lives in the
    local build cache (.cache/), which only this tool writes.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.loaded: dict[str, dict] = {}  # shard → entries as read
        self.used: dict[str, dict] = {}  # shard → entries this build used or added

    @staticmethod
    def shard_of(key: tuple) -> str:
        """'content/products/<coop>/<file>.md' and 'content/cooperatives/<coop>.md' → '<coop>'."""
        parts = key[1].split("/")
        name = parts[-2] if len(parts) >= 3 and parts[-3] == "products" else parts[-1].removesuffix(".md")
        return re.sub(r"[^a-z0-9-]", "_", name.lower()) or "_"

    def _entries(self, shard: str) -> dict:
        entries = self.loaded.get(shard)
        if entries is None:
            path = self.folder / f"{shard}.pickle"
            payload = read_checked(path)  # length and hash checked: a damaged shard is never unpickled
            try:
                entries = pickle.loads(payload) if payload is not None else {}
            except (EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
                report_damaged(path, "unknown format")
                entries = {}
            self.loaded[shard] = entries if isinstance(entries, dict) else {}
        return self.loaded[shard]

    def get(self, key: tuple):
        shard = self.shard_of(key)
        value = self._entries(shard).get(key)
        if value is not None:
            self.used.setdefault(shard, {})[key] = value
        return value

    def put(self, key: tuple, value) -> None:
        shard = self.shard_of(key)
        self._entries(shard)
        self.used.setdefault(shard, {})[key] = value

    def forget(self, key: tuple | None) -> None:
        if key is not None:
            self.used.get(self.shard_of(key), {}).pop(key, None)

    def save(self) -> None:
        """Rewrite the shards whose entries changed; remove those of cooperatives that are gone."""
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_litter(self.folder)
        for shard, entries in self.used.items():
            if entries.keys() == self.loaded.get(shard, {}).keys():
                continue
            payload = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
            write_checked(self.folder / f"{shard}.pickle", payload, durable=False)  # one per cooperative
        for old in self.folder.glob("*.pickle"):
            if old.stem not in self.used:
                old.unlink(missing_ok=True)
        for old in self.folder.parent.glob("parsed-*"):  # caches of older code, libraries or years
            if old != self.folder:
                shutil.rmtree(old) if old.is_dir() else old.unlink(missing_ok=True)


def parse_cache_key(today: dt.date) -> str:
    """The parse cache's folder key: the one cache version (code, reference data, libraries,
    Python) and the year (age and expiry checks depend on it)."""
    return hashlib.sha256(f"{cache_version()}\x1f{today.year}".encode()).hexdigest()[:16]


def load_catalogue(
    content_dir,
    renderer: MarkdownRenderer | None = None,
    today: dt.date | None = None,
    cache_dir: str | os.PathLike | None = None,
    hashes: FileHashes | None = None,
    tree: Tree | None = None,
) -> tuple[Catalogue, ProblemList, int]:
    """Load *content_dir*; return the catalogue, every problem, and the number of files checked.

    *tree* is content_tree.walk's result when the caller walked already (its problems are the
    caller's); otherwise the tree is walked here and its problems are returned with the rest.
    """
    today = today or dt.date.today()
    parse_cache = None
    if cache_dir is not None:
        parse_cache = ParseCache(Path(cache_dir) / f"parsed-{parse_cache_key(today)}")
    loader = Loader(content_dir, renderer, today, parse_cache, hashes, tree)
    if tree is None:
        loader.tree = walk(content_dir, loader.problems)
    catalogue = loader.load()
    if parse_cache is not None:
        parse_cache.save()
    return catalogue, loader.problems, loader.files_checked
