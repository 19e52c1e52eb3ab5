"""New cooperative and product files from the schema: a few answers, a commented template.

`chophien new` asks only what a page cannot do without (name, kind, province, a phone; or
name, category, price, unit), derives the file name from the Vietnamese name (đ → d), and
writes every other field as a commented-out example with its Vietnamese help, so the
volunteer fills in the rest by removing a `#`. It never overwrites an existing file.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, Field, Warned
from .text import Bilingual, did_you_mean, hint, nfc, slugify
from .yamlwrite import check_readable, emit

# Long legal forms at the start of a name, shortened the way the sample content names files.
_SLUG_PREFIXES = (
    ("lien-hiep-hop-tac-xa-", "lien-hiep-htx-"),
    ("hop-tac-xa-", "htx-"),
    ("ho-kinh-doanh-", "hkd-"),
)
MAX_SLUG = 60

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


def _commented_example(spec: Field, pad: str) -> list[str]:
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
            lines.extend(_commented_example(spec, pad))
            continue
        value = values[spec.name]
        if isinstance(value, dict) and spec.fields and spec.type == "mapping":
            lines.extend(_comment_lines(spec, pad, with_example=False))
            lines.append(f"{pad}{spec.name}:")
            lines.extend(render_fields(spec.fields, value, indent + 2))
            continue
        lines.extend(_comment_lines(spec, pad, with_example=True))
        lines.extend(emit(spec.name, value, indent))
        if spec.name == "images" and value == "none":
            lines.append(f"{pad}# Khi có ảnh, thay dòng trên bằng:")
            lines.extend(_commented_example(spec, pad))
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


def _check_slug(slug: str) -> str:
    if not slug or slug != slugify(slug):
        suggestion = slugify(slug) or "ten-tep"
        raise ScaffoldError(
            f"tên tệp “{slug}” phải là chữ thường không dấu, số và dấu gạch ngang, ví dụ “{suggestion}”",
            f"file name “{slug}” must be lowercase ASCII letters, digits and dashes, e.g. “{suggestion}”",
        )
    return slug


def new_cooperative(
    content: Path,
    given: dict[tuple, str | None],
    ask: Callable[[str], str] | None = None,
    slug: str | None = None,
    say: Callable[[str], None] = print,
) -> Path:
    """Write content/cooperatives/<slug>.md; return its path."""
    answers = collect(COOPERATIVE_FIELDS, COOPERATIVE_QUESTIONS, given, ask, say)
    slug = _check_slug(slug or derive_slug(answers[("name",)]))
    path = content / "cooperatives" / f"{slug}.md"
    _refuse_existing(path, content)
    text = render(COOPERATIVE_FIELDS, _nested(answers), COOPERATIVE_BODY)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
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
    slug = _check_slug(slug or derive_slug(answers[("name",)]))
    folder = content / "products" / coop
    path = folder / f"{slug}.md"
    _refuse_existing(path, content)
    values = _nested(answers)
    names = []
    for image in images:
        source = Path(image)
        name = nfc(source.name.strip())
        if source.is_file() and source.resolve().parent != folder.resolve():
            target = folder / name
            _refuse_existing(target, content)
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        names.append({"file": name, "alt": answers[("name",)]})
    values = {**values, "images": names or "none"}
    ordered = {spec.name: values[spec.name] for spec in PRODUCT_FIELDS if spec.name in values}
    text = render(PRODUCT_FIELDS, ordered, PRODUCT_BODY)
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
