"""Stale English translations: a Vietnamese text changed in git after its `translations.en` twin.

`chophien validate` warns (never an error) when the newest line of a Vietnamese text — `name`,
`unit`, the Markdown body (for `story`) or its first paragraph (for `summary`, which a card shows)
— was committed after the newest line of its English counterpart. The dates are git's:
one `git blame --line-porcelain` per file that has `translations.en` and more than one commit (or
uncommitted changes); a line not committed yet counts as now. Given a cache folder, what a blame
of a committed file found is kept per file and last commit (catalogue/stale_cache.py), so a
later run blames only the files committed since. Outside a git checkout, for files git does not
track, or without git installed, there is nothing to compare and nothing is said.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from chophien.catalogue.stale_cache import BlameCache, Key, Times
from chophien.core.git import git, log_files
from chophien.core.problems import WARNING, ProblemList
from chophien.formats.strictyaml import Document, YamlProblem, decode, parse_front_matter

UNCOMMITTED = "0" * 40
BODY = "body"  # the Markdown below the front matter
FIRST_PARAGRAPH = "first paragraph"  # what a product card shows as its summary

# English field → the Vietnamese text it translates: a front-matter path or a part of the body.
PAIRS = {"name": ("name",), "unit": ("unit",), "summary": FIRST_PARAGRAPH, "story": BODY}
_WHAT = {
    ("name",): ("tên (name)", "the name (name)"),
    ("unit",): ("đơn vị (unit)", "the unit (unit)"),
    FIRST_PARAGRAPH: ("đoạn đầu phần mô tả (Markdown)", "the first paragraph of the story (Markdown)"),
    BODY: ("phần mô tả (Markdown)", "the story (Markdown)"),
}
WORKERS = 4  # git blame processes at once


@dataclass(frozen=True)
class Pair:
    field: str  # translations.en.<field>
    vi_lines: tuple[int, int]  # first and last line, 1-based, inclusive
    en_lines: tuple[int, int]
    vi_what: object  # a PAIRS value


def _span(doc: Document, path: tuple) -> tuple[int, int]:
    """The lines of *path*'s key and value: up to the next key that is not inside it."""
    start = doc.positions[path][0]
    end = doc.body_line - 2  # the line before the closing ---
    for other, (line, _) in doc.positions.items():
        if start < line <= end and other[: len(path)] != path:
            end = line - 1
    return start, end


def _body_spans(doc: Document, text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """(first paragraph, whole body) of the Markdown body, in file lines; None when it is empty."""
    lines = text.split("\n")
    first = doc.body_line
    while first <= len(lines) and not lines[first - 1].strip():
        first += 1
    last = len(lines)
    while last >= first and not lines[last - 1].strip():
        last -= 1
    if last < first:
        return None
    paragraph_end = first
    while paragraph_end < last and lines[paragraph_end].strip():
        paragraph_end += 1
    return (first, paragraph_end), (first, last)


def pairs(raw: bytes) -> list[Pair]:
    """The Vietnamese/English pairs of one content file, located by line; [] when it has no
    `translations.en` or cannot be read (`chophien validate` reports that elsewhere)."""
    try:
        doc = parse_front_matter(raw)
        text = decode(raw)
    except YamlProblem:
        return []
    english = doc.data.get("translations", {})
    english = english.get("en") if isinstance(english, dict) else None
    if not isinstance(english, dict):
        return []
    body = _body_spans(doc, text)
    found = []
    for field, source in PAIRS.items():
        en_path = ("translations", "en", field)
        if en_path not in doc.positions or not isinstance(english.get(field), str):
            continue
        if source == BODY or source == FIRST_PARAGRAPH:
            if body is None:
                continue
            vi_lines = body[1] if source == BODY else body[0]
        elif source in doc.positions and isinstance(doc.data.get(source[0]), str):
            vi_lines = _span(doc, source)
        else:
            continue
        found.append(Pair(field, vi_lines, _span(doc, en_path), source))
    return found


def blame_times(text: str, now: int) -> dict[int, int]:
    """{line: committer time} from `git blame --line-porcelain`; lines not committed yet get *now*."""
    times: dict[int, int] = {}
    commit_times: dict[str, int] = {}
    sha, line = "", 0
    for row in text.split("\n"):
        if row.startswith("\t"):
            times[line] = now if sha == UNCOMMITTED else commit_times.get(sha, now)
            continue
        parts = row.split(" ")
        if len(parts) >= 3 and len(parts[0]) == 40 and parts[1].isdigit() and parts[2].isdigit():
            sha, line = parts[0], int(parts[2])
        elif parts[0] == "committer-time" and len(parts) == 2 and parts[1].isdigit():
            commit_times[sha] = int(parts[1])
    return times


def _newest(times: dict[int, int], lines: tuple[int, int]) -> int | None:
    found = [times[n] for n in range(lines[0], lines[1] + 1) if n in times]
    return max(found) if found else None


def _date(stamp: int, now: int) -> tuple[str, str]:
    if stamp >= now:
        return "chưa commit", "not committed yet"
    day = datetime.fromtimestamp(stamp, UTC).strftime("%d/%m/%Y")
    return day, datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d")


@dataclass
class _Repo:
    root: Path  # the content folder's parent: where paths are shown from
    prefix: str  # that folder inside the repository ("" at the top)
    tracked: dict[str, str]  # tracked file → its blob in the index
    changed: set[str]  # tracked files with uncommitted changes
    commits: dict[str, int]  # commits that touched each file
    last: dict[str, str]  # the newest of them
    shallow: bool  # a shallow clone: a later fetch can give the same commit another history

    def key(self, source: str) -> Key | None:
        """What the blame of *source* depends on, or None when it has uncommitted changes."""
        if source in self.changed or not self.last.get(source) or not self.tracked.get(source):
            return None
        return self.last[source], self.tracked[source]


def _repo(content: Path) -> _Repo | None:
    root = content.parent
    about = git(root, "rev-parse", "--show-prefix", "--is-shallow-repository")
    if about is None:
        return None
    prefix, _, shallow = about.partition("\n")
    listed = git(root, "ls-files", "-s", "-z", "--", content.name)
    if not listed:
        return None
    tracked = {}
    for row in listed.split("\0"):
        info, _, name = row.partition("\t")
        if name:
            tracked[name] = info.split(" ")[1] if info.count(" ") == 2 else ""
    diff = git(root, "diff", "--name-only", "-z", "--relative", "HEAD", "--", content.name) or ""
    commits: dict[str, int] = {}
    last: dict[str, str] = {}
    for sha, _, names in log_files(root, prefix, "--", content.name) or ():  # newest first
        for name in names:
            commits[name] = commits.get(name, 0) + 1
            last.setdefault(name, sha)
    changed = {name for name in diff.split("\0") if name}
    return _Repo(root, prefix, tracked, changed, commits, last, shallow.strip() != "false")


def _candidates(content: Path, sources) -> dict[str, list[Pair]]:
    """The pairs of each of *sources* that has `translations.en`."""
    candidates: dict[str, list[Pair]] = {}
    for source in sources:
        try:
            raw = (content.parent / source).read_bytes()
        except OSError:
            continue
        if b"translations:" not in raw:
            continue
        found = pairs(raw)
        if found:
            candidates[source] = found
    return candidates


def stale_translations(content_dir, sources, cache=None) -> ProblemList:
    """Warnings for the English texts older than their Vietnamese ones among *sources*
    (content files shown relative to the content folder's parent, as the loader shows them).

    *cache*: the cache folder where the blames' findings are kept (stale_cache); None keeps nothing.
    """
    problems = ProblemList()
    content = Path(content_dir).resolve()
    candidates = _candidates(content, sources)
    if not candidates:
        return problems
    repo = _repo(content)
    if repo is None:
        return problems
    # A file committed once and unchanged since has every line from the same commit: nothing to compare.
    to_blame = [
        s for s in candidates if s in repo.tracked and (repo.commits.get(s, 0) > 1 or s in repo.changed)
    ]
    store = BlameCache.load(cache) if cache is not None and not repo.shallow else BlameCache(None)
    now = int(time.time())
    known = _times(repo, store, candidates, to_blame, now)
    store.save(set(repo.tracked))
    for source in to_blame:
        if source in known:
            _compare(problems, source, candidates[source], known[source], now)
    return problems


def _times(repo: _Repo, store: BlameCache, candidates, to_blame: list[str], now: int) -> dict[str, Times]:
    """The times of each file of *to_blame*: from the cache, else from one `git blame` (then kept)."""
    known: dict[str, Times] = {}
    for source in to_blame:
        key = repo.key(source)
        cached = store.get(source, key) if key else None
        if cached is not None and set(cached) == {pair.field for pair in candidates[source]}:
            known[source] = cached

    def blame(source: str) -> tuple[str, str | None]:
        return source, git(repo.root, "blame", "--line-porcelain", "--", source)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        blamed = list(pool.map(blame, [s for s in to_blame if s not in known]))
    for source, output in blamed:
        if not output:
            continue
        lines = blame_times(output, now)
        known[source] = {
            p.field: (_newest(lines, p.vi_lines), _newest(lines, p.en_lines)) for p in candidates[source]
        }
        key = repo.key(source)
        if key:
            store.put(source, key, known[source])
    return known


def _compare(problems: ProblemList, source: str, found: list[Pair], times: Times, now: int) -> None:
    for pair in found:
        vi_time, en_time = times[pair.field]
        if vi_time is None or en_time is None or vi_time <= en_time:
            continue
        what_vi, what_en = _WHAT[pair.vi_what]
        vi_day, en_day = _date(vi_time, now)
        vi_old, en_old = _date(en_time, now)
        field = f"translations.en.{pair.field}"
        line = pair.vi_lines[0]
        problems.add(
            source,
            pair.en_lines[0],
            0,
            field,
            f"{what_vi} (dòng {line}) đã sửa ({vi_day}) sau bản tiếng Anh ({vi_old}): bản dịch có thể đã cũ; "
            f"hãy cập nhật {field} theo bản tiếng Việt mới",
            f"{what_en} (line {line}) changed ({en_day}) after its English translation ({en_old}): the "
            f"translation may be out of date; update {field} to match the new Vietnamese",
            severity=WARNING,
        )
