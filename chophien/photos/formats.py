"""The photo formats the project accepts, and what a file is, told from its first bytes.

ACCEPTED_FORMATS is the one list: the loader, the schema, `chophien images`, `chophien new`,
the audit and the repository's `.gitattributes` (Git LFS, `lfs_attributes`) all use it, and no
other decoder is ever run: a file is recognised by its first bytes (`sniff`) before Pillow sees it
(chophien.photos.decode.open_accepted). A Git LFS pointer whose photo was never fetched
(`git lfs pull`) is recognised too and gets its own message (`lfs_pointer_problem`).
"""

from __future__ import annotations

import re
from pathlib import Path

from chophien.photos.model import ImageProblem

# The one list of photo formats the project accepts (Pillow's format name → file extensions).
ACCEPTED_FORMATS = {
    "JPEG": (".jpg", ".jpeg"),
    "PNG": (".png",),
    "WEBP": (".webp",),
    "AVIF": (".avif",),
    "HEIF": (".heic", ".heif"),
}
ACCEPTED_SUFFIXES = frozenset(suffix for suffixes in ACCEPTED_FORMATS.values() for suffix in suffixes)
ACCEPTED_LIST = ".jpg, .jpeg, .png, .webp, .avif, .heic, .heif"  # as volunteers read it
HEAD_BYTES = 512  # enough for every signature below, including a long ISO-BMFF `ftyp` box

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
_AVIF_BRANDS = {b"avif", b"avis"}
_CONTAINER_BRANDS = {b"mif1", b"msf1"}
# What a refused file most likely is, so the message can say so (first bytes → vi, en).
_KNOWN_OTHERS = (
    (b"%!PS", "tệp PostScript/EPS", "a PostScript/EPS file"),
    (b"\xc5\xd0\xd3\xc6", "tệp PostScript/EPS", "a PostScript/EPS file"),
    (b"%PDF", "tệp PDF", "a PDF file"),
    (b"<svg", "tệp SVG", "an SVG file"),
    (b"<?xml", "tệp XML/SVG", "an XML/SVG file"),
    (b"II*\x00", "ảnh TIFF", "a TIFF image"),
    (b"MM\x00*", "ảnh TIFF", "a TIFF image"),
    (b"BM", "ảnh BMP", "a BMP image"),
    (b"GIF8", "ảnh GIF", "a GIF image"),
    (b"PK\x03\x04", "tệp nén ZIP", "a ZIP archive"),
)


# Git LFS pointer files (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md): what a clone
# without Git LFS, or without `git lfs pull`, holds in place of each photo tracked in LFS.
LFS_VERSION_LINE = b"version https://git-lfs.github.com/spec/v1"
LFS_FETCH = "git lfs pull"
_LFS_OID = re.compile(rb"sha256:[0-9a-f]{64}")
_LFS_SIZE = re.compile(rb"(0|[1-9][0-9]{0,14})")  # bytes, at most 15 digits (under a petabyte)


def lfs_attributes() -> list[str]:
    """The `.gitattributes` lines that put every accepted photo under content/ in Git LFS.

    Patterns are matched case by case by git, and phones name photos `IMG_0001.JPG`: each
    letter of each extension is written as a class (`*.[jJ][pP][gG]`), as the loader's
    `suffix.lower()` reads them.
    """
    lines = []
    for suffixes in ACCEPTED_FORMATS.values():
        for suffix in suffixes:
            pattern = "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in suffix)
            lines.append(f"content/**/*{pattern} filter=lfs diff=lfs merge=lfs -text")
    return lines


def _lfs_pointer(head: bytes) -> tuple[str, str, int] | tuple[str, str] | None:
    """None when *head* is not a Git LFS pointer; (oid, "", size) for a well-formed one; (vi, en),
    why not, for a file that starts like a pointer but is not one."""
    if not head.startswith(LFS_VERSION_LINE):
        return None
    fields: dict[bytes, bytes] = {}
    for line in head.split(b"\n")[1:]:
        key, _space, value = line.partition(b" ")
        if line and key not in fields:
            fields[key] = value
    if not head.endswith(b"\n") or len(head) >= HEAD_BYTES:
        return "tệp bị cắt cụt", "the file is truncated"
    if not _LFS_OID.fullmatch(fields.get(b"oid", b"")):
        return "dòng “oid sha256:…” thiếu hoặc sai", "the “oid sha256:…” line is missing or wrong"
    if not _LFS_SIZE.fullmatch(fields.get(b"size", b"")):
        return "dòng “size” thiếu hoặc sai", "the “size” line is missing or wrong"
    return fields[b"oid"][7:].decode("ascii"), "", int(fields[b"size"])


def lfs_pointer_oid(head: bytes) -> str | None:
    """The SHA-256 of the photo a well-formed Git LFS pointer stands for, else None.

    It is the hash of the original's bytes, the very hash the photo cache is keyed by: a photo
    encoded once is found again from its pointer, with no `git lfs pull`.
    """
    pointer = _lfs_pointer(head)
    return pointer[0] if pointer is not None and len(pointer) == 3 else None


def lfs_pointer_problem(head: bytes) -> ImageProblem | None:
    """The problem for a Git LFS pointer standing in for a photo, or None when *head* is not one.

    A well-formed pointer means the photo is in LFS but was not fetched: the fix is `git lfs
    pull`. A file that starts like a pointer but is not one (a wrong or huge size line, a
    truncated file, a pointer edited by hand) cannot be fetched at all: upload the photo again.
    """
    pointer = _lfs_pointer(head)
    if pointer is None:
        return None
    if len(pointer) == 2:
        return ImageProblem(
            f"không phải ảnh mà là một tệp con trỏ Git LFS bị hỏng ({pointer[0]}); hãy xoá tệp này "
            "rồi tải ảnh gốc lên lại (trên trang GitHub, trong trang quản trị /admin/ hoặc bằng "
            "`chophien new --image`)",
            f"not a photo but a damaged Git LFS pointer file ({pointer[1]}); delete this file and "
            "upload the original photo again (on GitHub, in the /admin/ forms or with "
            "`chophien new --image`)",
            "che-shan-tuyet.jpg",
        )
    size = pointer[2]
    shown = f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"
    return ImageProblem(
        f"ảnh gốc ({shown.replace('.', ',')}) nằm trong Git LFS nhưng chưa được tải về máy "
        "này: tệp chỉ là con trỏ Git LFS. Hãy cài Git LFS (gói `git-lfs`) rồi chạy `git lfs "
        f"install` và `{LFS_FETCH}` trong thư mục kho",
        f"the original photo ({shown}) is in Git LFS but was not downloaded to this "
        "machine: the file is only a Git LFS pointer. Install Git LFS (package `git-lfs`), then run "
        f"`git lfs install` and `{LFS_FETCH}` in the repository folder",
        LFS_FETCH,
    )


def sniff(head: bytes) -> str | None:
    """The accepted format (a key of ACCEPTED_FORMATS) whose signature *head* starts with, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp":  # ISO base media file: AVIF or HEIF, told apart by the brands
        size = int.from_bytes(head[:4], "big")
        major = head[8:12]
        compatible = {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
        if major in _AVIF_BRANDS or (major in _CONTAINER_BRANDS and compatible & _AVIF_BRANDS):
            return "AVIF"
        if major in _HEIF_BRANDS or (major in _CONTAINER_BRANDS and compatible & _HEIF_BRANDS):
            return "HEIF"
    return None


def _what_it_is(head: bytes) -> tuple[str, str]:
    if not head:
        return "tệp rỗng (0 byte)", "an empty file (0 bytes)"
    stripped = head.lstrip()
    for signature, vi, en in _KNOWN_OTHERS:
        if stripped.startswith(signature):
            return vi, en
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:  # the head may end inside a character
        text = head[: error.start].decode("utf-8") if error.start > len(head) - 4 else ""
    if text and all(ch.isprintable() or ch in "\t\r\n" for ch in text):
        return "tệp văn bản", "a text file"
    return "định dạng không rõ", "an unknown format"


def not_accepted(head: bytes) -> ImageProblem:
    """The problem for a file that is not in an accepted format (nothing has decoded it)."""
    pointer = lfs_pointer_problem(head)
    if pointer is not None:
        return pointer
    vi, en = _what_it_is(head)
    return ImageProblem(
        f"không phải ảnh JPEG, PNG, WebP, AVIF hay HEIC (đây là {vi}); hãy lưu lại ảnh dạng JPEG "
        "rồi đặt đúng tên đó",
        f"not a JPEG, PNG, WebP, AVIF or HEIC photo (this is {en}); save the photo again as JPEG "
        "under that name",
        "che-shan-tuyet.jpg",
    )


def suffix_problem(name: str, kind: str) -> ImageProblem | None:
    """A problem when *name*'s extension does not say what its bytes are (a PNG named .jpg)."""
    suffix = Path(name).suffix.lower()
    if suffix in ACCEPTED_FORMATS.get(kind, ()) or (kind == "AVIF" and suffix in ACCEPTED_FORMATS["HEIF"]):
        return None  # AVIF is a kind of HEIF: an iPhone-style .heic holding AVIF is fine
    right = Path(name).stem + ACCEPTED_FORMATS[kind][0]
    label = {"WEBP": "WebP", "HEIF": "HEIC/HEIF"}.get(kind, kind)
    return ImageProblem(
        f"đuôi tên tệp “{suffix or '(không có)'}” không khớp nội dung (đây là ảnh {label}); "
        f"hãy đổi tên tệp thành “{right}” và sửa tên ở đây",
        f"the extension “{suffix or '(none)'}” does not match the content (this is a {label} image); "
        f"rename the file to “{right}” and change the name here",
        right,
    )
