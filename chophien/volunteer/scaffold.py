"""New cooperative and product files from the schema: a few answers, a commented template.

`chophien new` asks only what a page cannot do without (name, kind, province, a phone; or
name, category, price, unit), derives the file name from the Vietnamese name (đ → d), and
writes every other field as a commented-out example with its Vietnamese help, so the
volunteer fills in the rest by removing a `#`. It never overwrites an existing file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chophien.catalogue.canonical import written
from chophien.catalogue.field_types import Warned
from chophien.catalogue.loader import slug_refusal
from chophien.catalogue.schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, Field
from chophien.core.text import Bilingual, did_you_mean, hint, nfc, slugify
from chophien.formats.yamlwrite import check_readable, emit
from chophien.photos.decode import decode, decode_kind
from chophien.photos.formats import suffix_problem
from chophien.photos.model import ImageProblem

# Long legal forms at the start of a name, shortened the way the sample content names files.
_SLUG_PREFIXES = (
    ("lien-hiep-hop-tac-xa-", "lien-hiep-htx-"),
    ("hop-tac-xa-", "htx-"),
    ("ho-kinh-doanh-", "hkd-"),
)
MAX_SLUG = 60
MAX_PHOTO_BYTES = 40 * 1024 * 1024  # read limit for `--image`: a 48 MP HEIC or JPEG is well under it

COOPERATIVE_BODY = (
    "<!-- Viết câu chuyện của hợp tác xã ở đây (dòng này không hiện trên trang): thành lập năm nào,\n"
    "bao nhiêu thành viên, làm gì, ở đâu, điều gì đặc biệt. -->\n"
)
PRODUCT_BODY = (
    "<!-- Viết mô tả sản phẩm ở đây (dòng này không hiện trên trang): làm thế nào, dùng thế nào,\n"
    "bảo quản ra sao. Đừng hứa hẹn công dụng chữa bệnh. -->\n"
)


class ScaffoldError(Bilingual):
    """A new file cannot be created: messages in vi/en."""


@dataclass(frozen=True)
class Question:
    path: tuple[str, ...]
    prompt_vi: str
    prompt_en: str


COOPERATIVE_QUESTIONS = (
    Question(("name",), "Tên đầy đủ của hợp tác xã", "Full name of the cooperative"),
    Question(("kind",), "Loại hình", "Kind"),
    Question(("province",), "Tỉnh/thành phố", "Province"),
    Question(("contact", "phone"), "Số điện thoại đặt hàng", "Phone number for orders"),
)
PRODUCT_QUESTIONS = (
    Question(("name",), "Tên sản phẩm", "Product name"),
    Question(("category",), "Danh mục", "Category"),
    Question(("price",), "Giá (số đồng, hoặc lien-he)", "Price (whole đồng, or lien-he)"),
    Question(("unit",), "Đơn vị bán (ví dụ hộp 200 g)", "Unit of sale (e.g. hộp 200 g)"),
)


def derive_slug(name: str) -> str:
    """File name (without .md) from a Vietnamese name: 'Hợp tác xã Mật ong Đồng Văn' → 'htx-mat-ong-dong-van'."""
    slug = slugify(name)
    for long, short in _SLUG_PREFIXES:
        if slug.startswith(long):
            slug = short + slug[len(long) :]
            break
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug


def spec_at(fields: tuple[Field, ...], path: tuple[str, ...]) -> Field:
    spec = None
    for part in path:
        spec = next(f for f in fields if f.name == part)
        fields = spec.fields
    assert spec is not None
    return spec


def check_answer(spec: Field, raw: str) -> Bilingual | None:
    """None when *raw* is acceptable for *spec*, else the converter's error."""
    if not raw.strip():
        return ScaffoldError("không được để trống", "must not be empty", spec.example)
    try:
        converted = spec.convert(raw) if spec.convert else raw
    except Bilingual as error:
        return error
    if isinstance(converted, Warned):
        return ScaffoldError(converted.vi, converted.en, spec.example)
    return None


def _comment_lines(spec: Field, pad: str, with_example: bool) -> list[str]:
    needed = " (bắt buộc)" if spec.required else ""
    text = f"{pad}# {spec.help_vi}{needed}"
    if with_example and "\n" not in spec.example:
        text += f". Ví dụ: {spec.example}"
    return [text]


def commented_example(spec: Field, pad: str) -> list[str]:
    if "\n" in spec.example or (spec.type == "mapping" and spec.fields):
        return [f"{pad}# {spec.name}:"] + [f"{pad}#   {line}" for line in spec.example.split("\n")]
    return [f"{pad}# {spec.name}: {spec.example}"]


def render_fields(fields: tuple[Field, ...], values: dict, indent: int = 0) -> list[str]:
    """Every field of *fields*: the ones in *values* written out, the others as commented examples."""
    pad = " " * indent
    lines: list[str] = []
    for spec in fields:
        if spec.name not in values:
            lines.extend(_comment_lines(spec, pad, with_example=False))
            lines.extend(commented_example(spec, pad))
            continue
        value = values[spec.name]
        if isinstance(value, dict) and spec.fields and spec.type == "mapping":
            lines.extend(_comment_lines(spec, pad, with_example=False))
            lines.append(f"{pad}{spec.name}:")
            lines.extend(render_fields(spec.fields, value, indent + 2))
            continue
        lines.extend(_comment_lines(spec, pad, with_example=True))
        lines.extend(emit(spec.name, written(spec, value), indent))
        if spec.name == "images" and value == "none":
            lines.append(f"{pad}# Khi có ảnh, thay dòng trên bằng:")
            lines.extend(commented_example(spec, pad))
    return lines


def render(fields: tuple[Field, ...], values: dict, body: str) -> str:
    """A whole content file: front matter from *values* with commented help, then *body*."""
    text = "---\n" + "\n".join(render_fields(fields, values)) + "\n---\n" + body
    check_readable(text)
    return text


def _nested(answers: dict[tuple, str]) -> dict:
    values: dict = {}
    for path, value in answers.items():
        target = values
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return values


def collect(
    fields: tuple[Field, ...],
    questions: tuple[Question, ...],
    given: dict[tuple, str | None],
    ask: Callable[[str], str] | None,
    say: Callable[[str], None] = print,
) -> dict[tuple, str]:
    """Answers for every question: from *given*, else asked (re-asked until valid)."""
    answers: dict[tuple, str] = {}
    missing = []
    for question in questions:
        spec = spec_at(fields, question.path)
        raw = given.get(question.path)
        if raw is not None:
            error = check_answer(spec, raw)
            if error is not None:
                raise ScaffoldError(
                    f"{'.'.join(question.path)}: {error.vi}",
                    f"{'.'.join(question.path)}: {error.en}",
                    spec.example,
                )
            answers[question.path] = nfc(raw.strip())
            continue
        if ask is None:
            missing.append(question)
            continue
        while True:
            raw = ask(f"{question.prompt_vi} (ví dụ: {spec.example}): ")
            error = check_answer(spec, raw)
            if error is None:
                answers[question.path] = nfc(raw.strip())
                break
            message = error.vi.rstrip(".")
            message += "" if message.endswith("?") else "."
            say(f"  ✗ {message} Ví dụ: {error.example or spec.example}")
    if missing:
        names = ", ".join("--" + q.path[-1].replace("_", "-") for q in missing)
        raise ScaffoldError(f"còn thiếu: {names}", f"missing: {names}")
    return answers


def _refuse_existing(path: Path, content: Path) -> None:
    if path.exists():
        shown = path.relative_to(content.parent).as_posix()
        raise ScaffoldError(
            f"tệp {shown} đã có; không ghi đè. Hãy sửa tệp đó, hoặc chọn tên khác bằng --slug",
            f"{shown} already exists; not overwriting. Edit it, or choose another name with --slug",
        )


def _check_slug(slug: str, kind: str) -> str:
    """*slug* if `chophien validate` would accept it as the file's name (the very same rule), else ScaffoldError."""
    refused = slug_refusal(slug, kind)
    if refused:
        vi, en, example = refused
        raise ScaffoldError(f"--slug: {vi}", f"--slug: {en}", example)
    return slug


@dataclass(frozen=True)
class Photo:
    """A photo given with `--image`, checked and read before anything is written."""

    source: Path
    name: str  # its file name beside the product, as the front matter names it
    data: bytes | None  # None when it already is that file


def _photo_error(shown: str, vi: str, en: str) -> tuple[str, str]:
    return f"--image {shown}: {vi}", f"--image {shown}: {en}"


def _check_photo(image: str, folder: Path, content: Path) -> Photo | tuple[str, str]:
    """The Photo to copy for one `--image`, or the (vi, en) reason it cannot be used."""
    source = Path(image)
    name = nfc(source.name.strip())
    try:
        mode = source.lstat().st_mode
    except OSError:
        return _photo_error(image, "không tìm thấy tệp ảnh này", "this image file does not exist")
    if stat.S_ISLNK(mode):
        return _photo_error(
            image,
            "là liên kết tượng trưng (symlink); hãy đưa tệp ảnh thật",
            "is a symlink; give the real photo file",
        )
    if stat.S_ISDIR(mode):
        return _photo_error(image, "là thư mục, không phải tệp ảnh", "is a folder, not a photo file")
    if not stat.S_ISREG(mode):
        return _photo_error(image, "không phải tệp bình thường", "is not a regular file")
    file_spec = spec_at(PRODUCT_FIELDS, ("images",)).item
    name_spec = next(f for f in file_spec.fields if f.name == "file")
    try:
        name_spec.convert(name)  # the name as `chophien validate` will check it
    except Bilingual as error:
        return _photo_error(image, error.vi, error.en)
    size = source.stat().st_size
    if size > MAX_PHOTO_BYTES:
        return _photo_error(
            image,
            f"tệp quá nặng ({size // (1024 * 1024)} MB, tối đa {MAX_PHOTO_BYTES // (1024 * 1024)} MB)",
            f"file too heavy ({size // (1024 * 1024)} MB, at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB)",
        )
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_PHOTO_BYTES + 1)
    except OSError as error:
        return _photo_error(image, f"không đọc được ({error.strerror})", f"cannot be read ({error.strerror})")
    try:
        decode(data)  # only an accepted format is opened; a bomb or a damaged photo is refused here
        problem = suffix_problem(name, decode_kind(data))
        if problem:
            raise problem
    except ImageProblem as error:
        return _photo_error(image, error.vi, error.en)
    target = folder / name
    if target.exists() or target.is_symlink():
        if target.resolve() == source.resolve() or (target.is_file() and target.read_bytes() == data):
            return Photo(source, name, None)  # already there (a second product with the same photo)
        shown = target.relative_to(content.parent).as_posix()
        return _photo_error(
            image,
            f"đã có tệp {shown}; không ghi đè. Hãy đổi tên ảnh",
            f"{shown} already exists; not overwriting. Rename the photo",
        )
    return Photo(source, name, data)


def check_photos(images: tuple[str, ...], folder: Path, content: Path) -> list[Photo]:
    """Every `--image`, checked before anything is written; ScaffoldError listing every bad one."""
    photos: list[Photo] = []
    errors: list[tuple[str, str]] = []
    by_name: dict[str, Path] = {}
    for image in images:
        checked = _check_photo(image, folder, content)
        if isinstance(checked, tuple):
            errors.append(checked)
            continue
        earlier = by_name.get(checked.name)
        if earlier is not None:
            if earlier.resolve() != checked.source.resolve():
                errors.append(
                    _photo_error(
                        image,
                        f"trùng tên với --image {earlier}; hãy đổi tên một trong hai ảnh",
                        f"same name as --image {earlier}; rename one of the two photos",
                    )
                )
            continue  # the same photo given twice is copied once
        by_name[checked.name] = checked.source
        photos.append(checked)
    if errors:
        raise ScaffoldError("\n".join(vi for vi, _ in errors), "\n".join(en for _, en in errors))
    return photos


def _write_new(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:  # never replaces a file that appeared meanwhile
        handle.write(data)


def write_all(files: list[tuple[Path, bytes]]) -> None:
    """Create every file or none: on a failure, the ones already written are removed."""
    written: list[Path] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_new(path, data)
            written.append(path)
    except OSError as error:
        for done in written:
            done.unlink(missing_ok=True)
        raise ScaffoldError(
            f"không ghi được {path.name} ({error.strerror or error}); chưa tạo tệp nào",
            f"cannot write {path.name} ({error.strerror or error}); nothing was created",
        ) from None


def new_cooperative(
    content: Path,
    given: dict[tuple, str | None],
    ask: Callable[[str], str] | None = None,
    slug: str | None = None,
    say: Callable[[str], None] = print,
) -> Path:
    """Write content/cooperatives/<slug>.md; return its path."""
    answers = collect(COOPERATIVE_FIELDS, COOPERATIVE_QUESTIONS, given, ask, say)
    slug = _check_slug(slug if slug is not None else derive_slug(answers[("name",)]), "cooperative")
    path = content / "cooperatives" / f"{slug}.md"
    _refuse_existing(path, content)
    text = render(COOPERATIVE_FIELDS, _nested(answers), COOPERATIVE_BODY)
    write_all([(path, text.encode("utf-8"))])
    return path


def find_cooperative(content: Path, name_or_slug: str) -> str:
    """The slug of an existing cooperative file, given its slug or its name; else ScaffoldError."""
    folder = content / "cooperatives"
    known = sorted(p.stem for p in folder.glob("*.md")) if folder.is_dir() else []
    for candidate in (name_or_slug.strip(), slugify(name_or_slug), derive_slug(name_or_slug)):
        if candidate in known:
            return candidate
    guess = did_you_mean(name_or_slug, known)
    hint_vi, hint_en = hint(guess)
    raise ScaffoldError(
        f"chưa có hợp tác xã “{name_or_slug}” (content/cooperatives/{slugify(name_or_slug)}.md){hint_vi} "
        "Hãy tạo hợp tác xã trước: chophien new cooperative",
        f"there is no cooperative “{name_or_slug}” (content/cooperatives/{slugify(name_or_slug)}.md){hint_en} "
        "Create it first: chophien new cooperative",
    )


def new_product(
    content: Path,
    cooperative: str,
    given: dict[tuple, str | None],
    ask: Callable[[str], str] | None = None,
    slug: str | None = None,
    images: tuple[str, ...] = (),
    say: Callable[[str], None] = print,
) -> Path:
    """Write content/products/<cooperative>/<slug>.md (copying given photos beside it); return its path."""
    coop = find_cooperative(content, cooperative)
    answers = collect(PRODUCT_FIELDS, PRODUCT_QUESTIONS, given, ask, say)
    slug = _check_slug(slug if slug is not None else derive_slug(answers[("name",)]), "product")
    folder = content / "products" / coop
    path = folder / f"{slug}.md"
    _refuse_existing(path, content)
    photos = check_photos(images, folder, content)
    names = [{"file": photo.name, "alt": answers[("name",)]} for photo in photos]
    values = {**_nested(answers), "images": names or "none"}
    ordered = {spec.name: values[spec.name] for spec in PRODUCT_FIELDS if spec.name in values}
    text = render(PRODUCT_FIELDS, ordered, PRODUCT_BODY)
    copies = [(folder / photo.name, photo.data) for photo in photos if photo.data is not None]
    write_all([*copies, (path, text.encode("utf-8"))])
    return path
