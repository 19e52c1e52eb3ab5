"""The weekly maintenance issue on GitHub: its body from the report JSON, and whether to create, update or close it.

Pure functions, no network: `scripts/maintenance_issue.py` runs `gh` with what `decide` returns.
- `read_report` checks the report JSON (`chophien report --format json`, docs/maintenance.md) as
  untrusted input: a file that is not such a report is a `ReportError` in one line, vi and en.
- `issue_body` renders it in Vietnamese for GitHub: counts per severity, then each cooperative's
  findings with a link to the file and line at the commit the report was made from. Every text
  from content is hostile: Markdown and HTML are escaped, `@mention`, `#123` and `GH-123` cannot
  notify anyone or link an issue, control characters are shown escaped, and the body stays under
  GitHub's 65,536 characters (what is left out is counted, with a pointer to the run's artifact).
- `decide` takes the open issues (`gh issue list --json number,title,body,labels,state`): the
  bot's issues are those with both the label and the hidden marker (only people who can triage
  can label an issue, so an outsider's issue quoting the marker is never overwritten).
  Findings and no bot issue: create; findings and a bot issue: update the oldest (same issue, new
  title and body; nothing when both are unchanged); no findings: close it with a comment, or
  nothing. Other open bot issues are duplicates: closed with a comment naming the one kept.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from chophien.core.text import Bilingual, printable

MARKER = "<!-- chophien:bao-cao-bao-tri -->"
LABEL = "bao-tri"
LABEL_COLOUR = "FBCA04"
LABEL_DESCRIPTION = "Báo cáo bảo trì hằng tuần (tự động) · weekly maintenance report"
ARTIFACT = "bao-cao-bao-tri"
GITHUB_LIMIT = 65_536  # characters in an issue body
BODY_BUDGET = 64_000  # what the body may use, the truncation note and the footer included
MAX_TEXT = 600  # characters of one message, action or name before it is cut
SEVERITIES = ("high", "medium", "low")
SEVERITY_LABELS = {
    "high": ("🔴", "Cần làm ngay"),
    "medium": ("🟠", "Nên làm sớm"),
    "low": ("🟡", "Nên xem qua"),
}
CREATE, UPDATE, CLOSE, NOTHING = "create", "update", "close", "nothing"
ZERO_WIDTH_SPACE = "&#8203;"  # after @ and #: shown as nothing, it keeps GitHub from linking


class ReportError(Bilingual):
    """The file given is not a maintenance report this code can read."""


# --- the report, checked -------------------------------------------------------------------------


def read_report(path: str | Path) -> dict:
    """The report JSON, its shape checked; ReportError (vi, en) for anything else."""
    try:
        data = json.loads(Path(path).read_bytes())
    except OSError as error:
        raise ReportError(
            f"không đọc được {path}: {error.strerror}", f"cannot read {path}: {error.strerror}"
        ) from None
    except (ValueError, RecursionError):
        raise ReportError(f"{path} không phải JSON", f"{path} is not JSON") from None
    return check_report(data, str(path))


def check_report(data, where: str = "report") -> dict:
    if not isinstance(data, dict) or data.get("format") != "chophien-report" or data.get("version") != 1:
        raise _bad(where, "không phải báo cáo chophien-report phiên bản 1", "not a chophien-report version 1")
    try:
        dt.date.fromisoformat(data.get("date") if isinstance(data.get("date"), str) else "")
    except ValueError:
        raise _bad(
            where, "trường date không phải ngày NĂM-THÁNG-NGÀY", "date is not a YEAR-MONTH-DAY date"
        ) from None
    groups = data.get("groups")
    if not isinstance(groups, list) or not isinstance(data.get("summary"), dict):
        raise _bad(where, "thiếu groups hoặc summary", "groups or summary missing")
    for group in groups:
        if not isinstance(group, dict) or not isinstance(group.get("findings"), list):
            raise _bad(where, "một nhóm không có danh sách findings", "a group without a findings list")
        for field in ("cooperative", "name", "path"):
            if not isinstance(group.get(field) or "", str):
                raise _bad(where, f"trường {field} của nhóm không phải chữ", f"a group's {field} is not text")
        for finding in group["findings"]:
            _check_finding(finding, where)
    return data


def _check_finding(finding, where: str) -> None:
    if not isinstance(finding, dict) or finding.get("severity") not in SEVERITIES:
        raise _bad(
            where,
            "một việc có mức không phải high/medium/low",
            "a finding whose severity is not high/medium/low",
        )
    line = finding.get("line")
    if line is not None and (type(line) is not int or line < 0):
        raise _bad(where, "trường line không phải số dòng", "a finding's line is not a line number")
    for field in ("kind", "path", "field", "message", "action", "url"):
        if finding.get(field) is not None and not isinstance(finding[field], str):
            raise _bad(
                where, f"trường {field} của một việc không phải chữ", f"a finding's {field} is not text"
            )


def _bad(where: str, vi: str, en: str) -> ReportError:
    return ReportError(f"{where}: {vi}", f"{where}: {en}")


def findings_count(report: dict) -> int:
    """The distinct findings (one shared by two cooperatives is in both groups, counted once)."""
    seen = set()
    for group in report["groups"]:
        for f in group["findings"]:
            seen.add(json.dumps(f, sort_keys=True))
    return len(seen)


def severity_counts(report: dict) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    seen = set()
    for group in report["groups"]:
        for f in group["findings"]:
            key = json.dumps(f, sort_keys=True)
            if key not in seen:
                seen.add(key)
                counts[f["severity"]] += 1
    return counts


# --- hostile text as Markdown --------------------------------------------------------------------

_PUNCTUATION = frozenset("""!"$%'()*+,-./:;=?[\\]^_`{|}~""")
_GH_REFERENCE = re.compile(r"(?i)\b(gh)-(?=\d)")


def text(value: str, limit: int = MAX_TEXT) -> str:
    """*value* shown literally in GitHub Markdown: no emphasis, link, image, HTML, heading, mention
    or issue reference can start inside it; control and invisible characters are shown escaped."""
    value = printable(value)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    value = _GH_REFERENCE.sub(lambda m: m.group(1) + "\0", value)  # GH-123: the \0 becomes a break
    out = []
    for ch in value:
        if ch in "&<>":
            out.append({"&": "&amp;", "<": "&lt;", ">": "&gt;"}[ch])
        elif ch in "@#":
            out.append(ch + ZERO_WIDTH_SPACE)
        elif ch == "\0":
            out.append("-" + ZERO_WIDTH_SPACE)
        elif ch in _PUNCTUATION:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def code(value: str, limit: int = MAX_TEXT) -> str:
    """*value* as a code span: nothing inside is Markdown, HTML, a mention or a reference."""
    value = printable(value)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    if not value:
        return ""
    fence = "`" * (max(map(len, re.findall("`+", value)), default=0) + 1)
    pad = " " if value[0] in "` " or value[-1] in "` " else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def file_link(repo: str, sha: str, path: str, line: int | None = None) -> str:
    """[`path:line`](https://github.com/<repo>/blob/<sha>/<path>#L<line>), the path percent-encoded."""
    shown = f"{path}:{line}" if line else path
    clean = "/".join(
        part for part in path.split("/") if part not in ("", ".", "..")
    )  # stays in the repository
    target = f"https://github.com/{quote(repo, safe='/')}/blob/{quote(sha, safe='')}/{quote(clean, safe='/')}"
    if line:
        target += f"#L{line}"
    return f"[{code(shown)}]({target})"


# --- the body ------------------------------------------------------------------------------------


def week_title(report: dict) -> str:
    """ "Báo cáo bảo trì tuần 49/2026": the ISO week of the report's date."""
    year, week, _ = dt.date.fromisoformat(report["date"]).isocalendar()
    return f"Báo cáo bảo trì tuần {week}/{year}"


def _vi_date(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


def _head(report: dict) -> list[str]:
    counts = severity_counts(report)
    summary = report["summary"]
    links = (
        "đã kiểm tra liên kết"
        if report.get("links_checked")
        else "chưa kiểm tra liên kết (không có --check-links)"
    )
    lines = [
        MARKER,
        f"## {week_title(report)}",
        "",
        f"Ngày kiểm tra: {_vi_date(report['date'])} · {links} · "
        f"{_number(summary.get('files'))} tệp nội dung, {_number(summary.get('cooperatives'))} hợp tác xã có việc cần làm.",
        "",
        "| Mức | Số việc |",
        "| --- | ---: |",
    ]
    lines += [f"| {SEVERITY_LABELS[s][0]} {SEVERITY_LABELS[s][1]} | {counts[s]} |" for s in SEVERITIES]
    lines += [f"| **Tổng** | **{sum(counts.values())}** |", ""]
    lines.append(
        "Mỗi việc ghi tệp và dòng cần sửa. Sửa xong và gộp vào `main`, lần chạy tuần sau sẽ cập nhật "
        "báo cáo này, và đóng nó khi không còn việc gì."
    )
    return lines


def _number(value) -> str:
    return str(value) if type(value) is int and value >= 0 else "?"


def _group_lines(group: dict, repo: str, sha: str) -> list[str]:
    name = text(group.get("name") or group.get("cooperative") or "Không thuộc hợp tác xã nào")
    heading = f"### {name}"
    if group.get("cooperative"):
        heading += f" ({code(group['cooperative'], 120)})"
    lines = ["", heading]
    if group.get("path"):
        lines.append(f"Hồ sơ: {file_link(repo, sha, group['path'])}")
    return lines + [""]


def _finding_line(finding: dict, repo: str, sha: str) -> str:
    icon, label = SEVERITY_LABELS[finding["severity"]]
    parts = [f"- {icon} **{label}**"]
    if finding.get("path"):
        parts.append(file_link(repo, sha, finding["path"], finding.get("line")))
    if finding.get("field"):
        parts.append(code(finding["field"], 120))
    line = " · ".join(parts) + ": " + text(finding.get("message") or finding.get("kind") or "")
    if finding.get("action"):
        line += f" *Việc cần làm:* {text(finding['action'])}"
    if finding.get("url"):
        line += f" Liên kết: {code(finding['url'], 300)}"
    return line


def _footer(run_url: str, left_out: int) -> list[str]:
    run = f"[lần chạy]({run_url})" if run_url.startswith("https://") else "lần chạy"
    lines = ["", "---"]
    if left_out:
        lines.append(
            f"⚠️ Còn **{left_out} việc** không hiện ở đây vì GitHub giới hạn độ dài một issue: xem báo cáo đầy đủ "
            f"(tệp `{ARTIFACT}`, Markdown và JSON) trong phần Artifacts của {run}."
        )
    lines.append(f"Báo cáo tự động của quy trình bảo trì hằng tuần ({run}; bản đầy đủ: tệp `{ARTIFACT}`).")
    return lines


def issue_body(report: dict, *, repo: str, sha: str, run_url: str = "", budget: int = BODY_BUDGET) -> str:
    """The issue's Markdown body, whole findings only, within *budget* characters."""
    lines = _head(report)
    reserve = len("\n".join(_footer(run_url, 10**9))) + 1
    size = len("\n".join(lines))
    total = sum(len(g["findings"]) for g in report["groups"])
    shown = 0
    for group in report["groups"]:
        block = _group_lines(group, repo, sha)
        for finding in group["findings"]:
            line = _finding_line(finding, repo, sha)
            extra = len("\n".join(block + [line])) + 1
            if size + extra + reserve > budget:
                return "\n".join(lines + _footer(run_url, total - shown)) + "\n"
            lines += block + [line]
            size += extra
            block = []
            shown += 1
    return "\n".join(lines + _footer(run_url, 0)) + "\n"


# --- the decision --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    action: str  # CREATE, UPDATE, CLOSE or NOTHING
    number: int | None = None  # the issue updated or closed
    title: str = ""
    body: str = ""
    comment: str = ""  # said when closing
    duplicates: tuple[int, ...] = ()  # other open bot issues, closed as duplicates of `number`
    duplicate_comment: str = ""

    def explain(self) -> str:
        """One line for the log: what will be done."""
        what = {
            CREATE: f"mở issue mới «{self.title}» · create a new issue",
            UPDATE: f"cập nhật issue #{self.number} «{self.title}» · update issue #{self.number}",
            CLOSE: f"đóng issue #{self.number}: không còn việc gì · close issue #{self.number}: nothing left",
            NOTHING: "không làm gì · nothing to do",
        }[self.action]
        if self.duplicates:
            numbers = ", ".join(f"#{n}" for n in self.duplicates)
            what += f"; đóng bản trùng {numbers} · close the duplicates {numbers}"
        return printable(what)


def bot_issues(issues) -> list[dict]:
    """The open issues this bot made (label and marker both), oldest first."""
    found = []
    for issue in issues if isinstance(issues, list) else []:
        if not isinstance(issue, dict) or type(issue.get("number")) is not int:
            continue
        labels = issue.get("labels") if isinstance(issue.get("labels"), list) else []
        names = {label.get("name") if isinstance(label, dict) else label for label in labels}
        body = issue.get("body") if isinstance(issue.get("body"), str) else ""
        if LABEL in names and MARKER in body and str(issue.get("state", "OPEN")).upper() == "OPEN":
            found.append(issue)
    return sorted(found, key=lambda issue: issue["number"])


def decide(report: dict, issues, *, repo: str, sha: str, run_url: str = "") -> Decision:
    """Create, update, close or nothing, from the report and the open issues."""
    ours = bot_issues(issues)
    kept = ours[0] if ours else None
    duplicates = tuple(issue["number"] for issue in ours[1:])
    dup_comment = f"Báo cáo bảo trì được gộp vào #{kept['number']}: đóng bản trùng này." if kept else ""
    if findings_count(report) == 0:
        if kept is None:
            return Decision(NOTHING)
        comment = (
            f"✅ Báo cáo ngày {_vi_date(report['date'])} không còn việc bảo trì nào: đóng báo cáo này. "
            "Lần chạy sau sẽ mở báo cáo mới nếu có việc cần làm."
        )
        return Decision(
            CLOSE, kept["number"], comment=comment, duplicates=duplicates, duplicate_comment=dup_comment
        )
    title = week_title(report)
    body = issue_body(report, repo=repo, sha=sha, run_url=run_url)
    if kept is None:
        return Decision(CREATE, title=title, body=body)
    if kept.get("title") == title and kept.get("body") == body:
        return Decision(NOTHING, kept["number"], duplicates=duplicates, duplicate_comment=dup_comment)
    return Decision(UPDATE, kept["number"], title, body, duplicates=duplicates, duplicate_comment=dup_comment)
