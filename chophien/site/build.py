"""Prepare a build without Pelican: load and check content, process photos, list the pages.

Everything that can fail because of content happens here, before anything is written,
so an invalid tree never leaves a partial site behind.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from chophien.assessment.loader import load_assessments
from chophien.assessment.model import Assessments
from chophien.catalogue.content_tree import walk
from chophien.catalogue.loader import load_catalogue
from chophien.catalogue.model import Catalogue
from chophien.core.files import remove_litter
from chophien.core.filestat import FileHashes
from chophien.core.problems import ProblemList
from chophien.formats.markup import MarkdownRenderer
from chophien.photos.cache import ImageCache
from chophien.photos.formats import HEAD_BYTES, lfs_pointer_problem
from chophien.photos.model import ImageProblem, ProcessedImage, report_at_reference
from chophien.site.content_pages import PageFile, check_pages


@dataclass
class Prepared:
    catalogue: Catalogue
    problems: ProblemList
    files_checked: int
    images: dict[str, ProcessedImage] = field(default_factory=dict)
    image_cache: ImageCache | None = None
    pages: list[PageFile] = field(default_factory=list)  # content/pages checked: all Pelican may read

    @property
    def ok(self) -> bool:
        return not self.problems.errors


def process_images(
    catalogue: Catalogue,
    content_dir: Path,
    cache: ImageCache,
    problems: ProblemList,
    hashes: FileHashes | None = None,
) -> dict[str, ProcessedImage]:
    """Derivatives for every referenced photo; each unusable one becomes a Problem at its reference."""
    references: dict[str, list] = {}
    for image in catalogue.referenced_images():
        references.setdefault(image.source, []).append(image)
    results = cache.process_all([(content_dir / source, source) for source in references], hashes)
    processed: dict[str, ProcessedImage] = {}
    for source, result in results.items():
        if isinstance(result, ImageProblem):
            for image in references[source]:
                report_at_reference(problems, image, result.vi, result.en, result.example)
        else:
            processed[source] = result
    return processed


def report_lfs_pointers(catalogue: Catalogue, content_dir: Path, problems: ProblemList) -> None:
    """Without decoding photos (`validate --no-images`): each referenced photo that is a Git LFS
    pointer (not fetched, or damaged) still becomes a Problem at its reference (first bytes only)."""
    for image in catalogue.referenced_images():
        try:
            with open(content_dir / image.source, "rb") as handle:
                head = handle.read(HEAD_BYTES)
        except OSError:
            continue  # a missing photo is the loader's problem, reported already
        problem = lfs_pointer_problem(head)
        if problem is not None:
            report_at_reference(problems, image, problem.vi, problem.en, problem.example)


def prepare(
    content_dir: str | os.PathLike,
    cache_dir: str | os.PathLike,
    today: dt.date | None = None,
    renderer: MarkdownRenderer | None = None,
    with_images: bool = True,
) -> Prepared:
    content = Path(content_dir)
    remove_litter(cache_dir)  # of a build killed while writing its state or Markdown cache
    markdown_cache = Path(cache_dir) / "markdown.json"
    renderer = renderer or MarkdownRenderer.with_disk_cache(markdown_cache)
    hashes = FileHashes(Path(cache_dir) / "file-hashes.pickle")
    problems = ProblemList()
    tree = walk(content, problems)  # links, special files and strays: before any file is read
    catalogue, loaded, files_checked = load_catalogue(content, renderer, today, cache_dir, hashes, tree)
    problems.extend(loaded)
    renderer.save(markdown_cache)
    assessments = content / "assessments"
    if any(path == assessments or assessments in path.parents for path in tree.refused):
        catalogue.assessments = Assessments()  # the assessment loader follows links: read nothing yet
    else:
        catalogue.assessments, assessment_files = load_assessments(content, problems, catalogue.cooperatives)
        files_checked += assessment_files
    pages, page_files = check_pages(content, problems, tree)
    files_checked += page_files
    prepared = Prepared(catalogue, problems, files_checked, pages=pages)
    if with_images:
        cache = ImageCache(Path(cache_dir) / "images")
        prepared.image_cache = cache
        prepared.images = process_images(catalogue, content, cache, problems, hashes)
    else:
        report_lfs_pointers(catalogue, content, problems)
    hashes.save()
    return prepared
