"""Accounts for every entry under content/ before any file is read: links, strays, hidden names.

The walk never follows a link. A symlink (file or folder) or a special file (FIFO, socket,
device) anywhere inside content/ is a Problem and joins `refused`, which every loader skips, so
nothing outside content/ can be read or published through the tree. Every other entry is either
something a loader reads or a Problem: nothing is walked past silently (docs/content-format.md,
"What is read").
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from chophien.core.problems import ProblemList
from chophien.core.text import nfc, slugify
from chophien.photos.formats import ACCEPTED_SUFFIXES

SECTIONS = ("cooperatives", "products", "pages", "assessments")
# Files that operating systems and git tools leave behind: never content, never read or published.
IGNORED_NAMES = frozenset({".gitkeep", ".DS_Store", "Thumbs.db", "desktop.ini"})


@dataclass
class Tree:
    """What the walk found: entries nobody may read, and the folders' image files by folder."""

    refused: set[Path] = field(default_factory=set)
    images: dict[Path, list[str]] = field(default_factory=dict)  # photo folder → image file names

    def is_refused(self, path: Path) -> bool:
        return path in self.refused or any(parent in self.refused for parent in path.parents)


class _Walk:
    def __init__(self, content: Path, problems: ProblemList):
        self.content = content
        self.problems = problems
        self.tree = Tree()

    def display(self, path: Path) -> str:
        try:
            return nfc(path.relative_to(self.content.parent).as_posix())
        except ValueError:
            return nfc(path.as_posix())

    def report(self, path: Path, vi: str, en: str, example: str = "", severity: str = "error") -> None:
        self.problems.add(self.display(path), 0, 0, "", vi, en, example, severity)

    def listing(self, folder: Path) -> list[tuple[Path, bool]]:
        """(path, is a folder) of the folder's entries, sorted, without following links (the
        directory listing's own file types: no stat per file); links and special files refused."""
        try:
            with os.scandir(folder) as scan:
                found = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            self.report(
                folder, f"không đọc được thư mục ({error.strerror})", f"cannot read folder ({error.strerror})"
            )
            return []
        entries = []
        for entry in found:
            path = folder / entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
                is_file = not is_link and not is_dir and entry.is_file(follow_symlinks=False)
            except OSError:
                continue  # removed while we walk
            if is_link:
                self.tree.refused.add(path)
                self.report(
                    path,
                    "là liên kết tượng trưng (symlink); trong content/ chỉ dùng tệp và thư mục thật "
                    "(liên kết có thể trỏ ra ngoài content/): hãy đặt tệp thật vào đây",
                    "is a symlink; content/ holds only real files and folders "
                    "(a link can point outside content/): put the real file here",
                )
            elif not (is_dir or is_file):
                self.tree.refused.add(path)
                self.report(
                    path,
                    "không phải tệp thường hay thư mục (FIFO, socket, thiết bị); hãy xoá",
                    "is neither a regular file nor a folder (FIFO, socket, device); remove it",
                )
            elif entry.name not in IGNORED_NAMES:
                entries.append((path, is_dir))
        return entries

    def hidden(self, path: Path) -> bool:
        """A name starting with a dot ('.md', '..md', '.ghi-chu.md') is hidden from most file browsers."""
        if not path.name.startswith("."):
            return False
        shown = path.name.lstrip(".") or "ten-tep"
        self.report(
            path,
            f"tên “{nfc(path.name)}” bắt đầu bằng dấu chấm nên bị ẩn và không được đọc; "
            f"hãy đổi tên, ví dụ “{shown}”",
            f"the name “{nfc(path.name)}” starts with a dot, so it is hidden and not read; "
            f"rename it, e.g. “{shown}”",
            shown,
        )
        return True

    def upper_md(self, path: Path) -> bool:
        """'che.MD': other tools (spreadsheet export, Pelican) look for '.md' only."""
        suffix = path.suffix
        if suffix.lower() != ".md" or suffix == ".md":
            return False
        fixed = path.stem + ".md"
        self.report(
            path,
            f"phần mở rộng “{suffix}” phải viết thường: hãy đổi tên thành “{nfc(fixed)}”",
            f"the extension “{suffix}” must be lowercase: rename it to “{nfc(fixed)}”",
            nfc(fixed),
        )
        return True

    def stray(self, path: Path, is_dir: bool, where_vi: str, where_en: str) -> None:
        what_vi, what_en = ("thư mục", "folder") if is_dir else ("tệp", "file")
        self.report(
            path,
            f"{what_vi} này không được đọc: {where_vi}; hãy chuyển đi hoặc xoá",
            f"this {what_en} is not read: {where_en}; move or remove it",
        )

    def walk_everything(self, folder: Path) -> None:
        """Links and special files at any depth (sections whose loaders check the layout)."""
        for path, is_dir in self.listing(folder):
            if is_dir:
                self.walk_everything(path)

    def photo_name(self, path: Path) -> bool:
        """An image file whose name a reference can match (NFC, like every value read)."""
        if Path(path.name.strip()).suffix.lower() not in ACCEPTED_SUFFIXES:
            return False  # "che.jpg " counts as a photo: its reference reports the spaces
        if not unicodedata.is_normalized("NFC", path.name):
            name = nfc(path.name)
            fixed = (slugify(Path(name).stem) or "anh") + Path(name).suffix.lower()
            self.report(
                path,
                f"tên tệp ảnh “{name}” được ghi dấu tách rời (Unicode NFD, thường do máy Mac); hãy đổi tên "
                f"tệp thành tên không dấu, ví dụ “{fixed}”, và sửa tên trong tệp dùng ảnh này",
                f"the image file “{name}” is stored with separate accent marks (Unicode NFD, often from a "
                f"Mac); rename it without accents, e.g. “{fixed}”, and change the name where it is used",
                fixed,
            )
        return True

    def photo_folder(self, folder: Path, where_vi: str, where_en: str) -> None:
        names = []
        for path, is_dir in self.listing(folder):
            if self.hidden(path):
                continue
            if not is_dir and self.photo_name(path):
                names.append(path.name)
            else:
                self.stray(path, is_dir, where_vi, where_en)
        self.tree.images[folder] = names

    def cooperatives(self, folder: Path) -> None:
        entries = self.listing(folder)
        files = {path.name for path, is_dir in entries if not is_dir}
        for path, is_dir in entries:
            if self.hidden(path) or self.upper_md(path):
                continue
            name = path.name
            if is_dir and name.lower().endswith(".md"):
                self.stray(
                    path,
                    True,
                    "content/cooperatives/ chứa tệp <hop-tac-xa>.md và thư mục ảnh <hop-tac-xa>/",
                    "content/cooperatives/ holds <cooperative>.md files and <cooperative>/ photo folders",
                )
                self.walk_everything(path)
                continue
            if not is_dir:
                if not name.rstrip().lower().endswith(".md"):  # "x.md " is the loader's to report
                    self.stray(
                        path,
                        False,
                        "content/cooperatives/ chứa tệp <hop-tac-xa>.md và thư mục ảnh <hop-tac-xa>/",
                        "content/cooperatives/ holds <cooperative>.md files and <cooperative>/ photo folders",
                    )
                continue
            if f"{name}.md" not in files:
                self.report(
                    path,
                    f"thư mục ảnh không có tệp hợp tác xã content/cooperatives/{nfc(name)}.md, "
                    "nên ảnh trong đó không được dùng",
                    f"photo folder without a cooperative file content/cooperatives/{nfc(name)}.md, "
                    "so its photos are not used",
                    f"content/cooperatives/{nfc(name)}.md",
                )
                self.walk_everything(path)
                continue
            self.photo_folder(
                path,
                "thư mục ảnh của hợp tác xã chỉ chứa ảnh (.jpg, .png, .webp, .heic, .avif), không có thư mục con",
                "a cooperative's photo folder holds only photos (.jpg, .png, .webp, .heic, .avif), no sub-folders",
            )

    def products(self, folder: Path) -> None:
        for path, is_dir in self.listing(folder):
            if self.hidden(path) or self.upper_md(path):
                continue
            if not is_dir:
                if path.suffix.lower() != ".md":  # a product .md here is the loader's to report
                    self.stray(
                        path,
                        False,
                        "content/products/ chỉ chứa các thư mục mang tên hợp tác xã",
                        "content/products/ holds only folders named after cooperatives",
                    )
                continue
            self.product_folder(path)

    def product_folder(self, folder: Path) -> None:
        names = []
        for path, is_dir in self.listing(folder):
            name = path.name
            if not is_dir and name.endswith(".md") and name[0] != ".":
                continue  # a product file (most entries): the loader reads it
            if self.hidden(path) or self.upper_md(path):
                continue
            if is_dir:
                self.stray(
                    path,
                    True,
                    "sản phẩm và ảnh nằm ngay trong content/products/<hop-tac-xa>/, không có thư mục con",
                    "products and photos sit directly in content/products/<cooperative>/, no sub-folders",
                )
                self.walk_everything(path)
            elif path.name.rstrip().lower().endswith(".md"):
                continue  # the loader reads (or reports) it
            elif self.photo_name(path):
                names.append(path.name)
            else:
                self.stray(
                    path,
                    False,
                    "thư mục sản phẩm chỉ chứa tệp .md và ảnh (.jpg, .png, .webp, .heic, .avif)",
                    "a product folder holds only .md files and photos (.jpg, .png, .webp, .heic, .avif)",
                )
        self.tree.images[folder] = names

    def pages(self, folder: Path, english: bool = False) -> None:
        """content/pages/<page>.md, and the English versions in content/pages/en/<page>.md."""
        for path, is_dir in self.listing(folder):
            if self.hidden(path) or self.upper_md(path):
                continue
            if is_dir and not english and path.name == "en":
                self.pages(path, english=True)
            elif is_dir or path.suffix != ".md":
                self.stray(
                    path,
                    is_dir,
                    *(
                        (
                            "content/pages/en/ chỉ chứa bản tiếng Anh <ten-trang>.md của các trang, "
                            "không có thư mục con",
                            "content/pages/en/ holds only the English <page>.md versions, no sub-folders",
                        )
                        if english
                        else (
                            "content/pages/ chỉ chứa các trang <ten-trang>.md và thư mục en/ (bản tiếng "
                            "Anh), không có thư mục con khác",
                            "content/pages/ holds only <page>.md files and the en/ folder (English "
                            "versions), no other sub-folders",
                        )
                    ),
                )
                if is_dir:
                    self.walk_everything(path)

    def run(self) -> Tree:
        root = self.content
        try:
            info = os.lstat(root)
        except OSError:
            return self.tree  # the loader reports a missing content folder
        if stat.S_ISLNK(info.st_mode):
            self.tree.refused.add(root)
            self.report(
                root,
                "thư mục nội dung là liên kết tượng trưng (symlink); hãy dùng thư mục thật",
                "the content folder is a symlink; use a real folder",
            )
            return self.tree
        entries = self.listing(root)
        if stat.S_ISDIR(info.st_mode) and not any(
            is_dir and path.name in SECTIONS for path, is_dir in entries
        ):
            self.report(
                root,
                "thư mục này không có nội dung: không có thư mục cooperatives/, products/, pages/ hay "
                "assessments/ nào; hãy chỉ đúng thư mục nội dung",
                "this folder holds no content: none of cooperatives/, products/, pages/ or assessments/; "
                "name the content folder",
                "chophien validate content",
            )
        for path, is_dir in entries:
            name = path.name
            if name in SECTIONS and is_dir:
                if name == "assessments":
                    self.walk_everything(path)  # the assessment loader reports strays there
                else:
                    getattr(self, name)(path)
            elif not self.hidden(path):
                self.stray(
                    path,
                    is_dir,
                    "content/ chỉ chứa các thư mục cooperatives/, products/, pages/ và assessments/",
                    "content/ holds only the folders cooperatives/, products/, pages/ and assessments/",
                )
                if is_dir:
                    self.walk_everything(path)
        return self.tree


def walk(content: str | os.PathLike, problems: ProblemList) -> Tree:
    """Walk *content* without following links; every link, special file and stray is a Problem."""
    return _Walk(Path(content), problems).run()
