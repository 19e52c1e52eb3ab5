"""The weekly maintenance issue: its body and the create/update/close decision (offline), and
scripts/maintenance_issue.py running a fake `gh` that records its commands."""

from __future__ import annotations

import copy
import json
import os
import stat
import sys

import pytest
from conftest import ROOT

from chophien.maintenance import issue
from chophien.maintenance.issue import CLOSE, CREATE, NOTHING, UPDATE, decide, issue_body

sys.path.insert(0, str(ROOT / "scripts"))
import maintenance_issue  # noqa: E402

REPO, SHA = "cho-phien/cho-phien", "0123456789abcdef0123456789abcdef01234567"
RUN = "https://github.com/cho-phien/cho-phien/actions/runs/42"
HOSTILE = (
    "@maintainers xem #12 và GH-7 <img src=x onerror=alert(1)> [bấm](javascript:alert(1)) "
    "![ảnh](https://e.vn/p.png) **đậm** `mã` www.evil.vn https://evil.vn a@b.vn \x1b[31m\u202e ##[x]\n# tiêu đề"
)


def finding(severity="high", path="content/products/htx-che/che.md", line=14, **more):
    base = {
        "kind": "ocop-expired",
        "severity": severity,
        "path": path,
        "line": line,
        "field": "ocop.date",
        "message": "Chứng nhận OCOP đã hết hạn ngày 01/03/2026.",
        "action": "Cập nhật ocop.date theo quyết định mới, hoặc xoá mục ocop.",
        "url": None,
    }
    return {**base, **more}


def report(groups=None, date="2026-12-07", links_checked=True) -> dict:
    groups = (
        [
            {
                "cooperative": "htx-che",
                "name": "HTX Chè Shan tuyết Nà Hang",
                "path": "content/cooperatives/htx-che.md",
                "findings": [
                    finding(),
                    finding(
                        "medium", line=9, kind="stale-price", field="price", message="Giá chưa đổi 14 tháng."
                    ),
                ],
            },
            {
                "cooperative": "htx-mien",
                "name": "HTX Miến dong Bình Liêu",
                "path": "content/cooperatives/htx-mien.md",
                "findings": [
                    finding(
                        "low",
                        path="content/products/htx-mien/mien.md",
                        line=22,
                        kind="link-suspicious",
                        field="marketplaces",
                        message="Liên kết Shopee chuyển tới trang đăng nhập.",
                        url="https://shopee.vn/mien-i.1.2",
                    )
                ],
            },
        ]
        if groups is None
        else groups
    )
    findings = [f for g in groups for f in g["findings"]]
    summary = {s: sum(f["severity"] == s for f in findings) for s in ("high", "medium", "low")}
    summary.update(total=len(findings), cooperatives=len(groups), files=112)
    return {
        "format": "chophien-report", "version": 1, "date": date, "lang": "vi", "content": "content",
        "links_checked": links_checked, "summary": summary, "groups": groups,
    }  # fmt: skip


def render(markdown: str):
    import cmarkgfm
    from bs4 import BeautifulSoup
    from cmarkgfm.cmark import Options

    return BeautifulSoup(
        cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE), "html.parser"
    )


def ours(
    number: int, body: str = "", title: str = "Báo cáo bảo trì tuần 48/2026", labels=("bao-tri",)
) -> dict:
    return {
        "number": number, "title": title, "body": body or f"{issue.MARKER}\ncũ", "state": "OPEN",
        "labels": [{"name": name, "color": "FBCA04", "description": "", "id": "x"} for name in labels],
    }  # fmt: skip


# --- the body --------------------------------------------------------------------------------------


def test_the_body_counts_by_severity_and_links_each_file_and_line():
    body = issue_body(report(), repo=REPO, sha=SHA, run_url=RUN)
    lines = body.splitlines()
    assert lines[0] == issue.MARKER
    assert lines[1] == "## Báo cáo bảo trì tuần 50/2026"
    assert "| 🔴 Cần làm ngay | 1 |" in lines and "| 🟠 Nên làm sớm | 1 |" in lines
    assert "| 🟡 Nên xem qua | 1 |" in lines and "| **Tổng** | **3** |" in lines
    assert "Ngày kiểm tra: 07/12/2026 · đã kiểm tra liên kết · 112 tệp nội dung" in body
    che = lines.index("### HTX Chè Shan tuyết Nà Hang (`htx-che`)")
    mien = lines.index("### HTX Miến dong Bình Liêu (`htx-mien`)")
    assert che < mien
    assert lines[che + 1] == (
        f"Hồ sơ: [`content/cooperatives/htx-che.md`](https://github.com/{REPO}/blob/{SHA}/content/cooperatives/htx-che.md)"
    )
    assert lines[che + 3] == (
        f"- 🔴 **Cần làm ngay** · [`content/products/htx-che/che.md:14`](https://github.com/{REPO}/blob/{SHA}"
        "/content/products/htx-che/che.md#L14) · `ocop.date`: Chứng nhận OCOP đã hết hạn ngày 01\\/03\\/2026\\. "
        "*Việc cần làm:* Cập nhật ocop\\.date theo quyết định mới\\, hoặc xoá mục ocop\\."
    )
    assert lines[mien + 3].endswith("Liên kết: `https://shopee.vn/mien-i.1.2`")
    assert f"[lần chạy]({RUN})" in lines[-1]
    soup = render(body)
    assert [a["href"] for a in soup.find_all("a")][:3] == [
        f"https://github.com/{REPO}/blob/{SHA}/content/cooperatives/htx-che.md",
        f"https://github.com/{REPO}/blob/{SHA}/content/products/htx-che/che.md#L14",
        f"https://github.com/{REPO}/blob/{SHA}/content/products/htx-che/che.md#L9",
    ]


def test_the_title_is_the_iso_week():
    assert issue.week_title(report(date="2026-12-07")) == "Báo cáo bảo trì tuần 50/2026"
    assert issue.week_title(report(date="2027-01-01")) == "Báo cáo bảo trì tuần 53/2026"  # ISO year
    assert issue.week_title(report(date="2029-12-31")) == "Báo cáo bảo trì tuần 1/2030"


def test_hostile_content_is_shown_literally_and_notifies_no_one():
    group = {
        "cooperative": "htx-@x",
        "name": HOSTILE,
        "path": "content/cooperatives/x`](javascript:alert(1)) @a.md",
        "findings": [
            finding(
                path="../../../../evil/repo/issues/1 #2",
                field=HOSTILE,
                message=HOSTILE,
                action=HOSTILE,
                url="javascript:alert(1)//@admin #3",
            )
        ],
    }
    body = issue_body(report([group]), repo=REPO, sha=SHA, run_url=RUN)
    soup = render(body)
    tags = {tag.name for tag in soup.find_all(True)}
    assert tags <= {
        "h2",
        "h3",
        "p",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "strong",
        "em",
        "code",
        "ul",
        "li",
        "a",
        "hr",
    }
    assert "img" not in tags and "script" not in tags and len(soup.find_all("h3")) == 1
    # The only links are ours: the run, and the files inside this repository at this commit.
    for a in soup.find_all("a"):
        assert a["href"] == RUN or a["href"].startswith(f"https://github.com/{REPO}/blob/{SHA}/"), a["href"]
    assert "/evil/repo/issues/1%20%232#L14" in body  # "..": never above the repository
    # GitHub notifies and links nowhere inside code spans (the paths, fields and URLs).
    codes = [code.extract().get_text() for code in soup.find_all("code")]
    assert codes[1:3] == ["htx-@x", "content/cooperatives/x`](javascript:alert(1)) @a.md"]
    assert codes[4].startswith(HOSTILE[:60]) and "javascript:alert(1)//@admin #3" in codes
    text = soup.get_text()
    # Shown as written (control characters escaped), with an invisible break after every @ and #:
    # GitHub neither mentions @maintainers nor links #12 or GH-7.
    shown = text.replace("\u200b", "")
    assert "@maintainers xem #12 và GH-7 <img src=x onerror=alert(1)> [bấm](javascript:alert(1))" in shown
    assert "\\x1b[31m\\u202e ##[x]\\n# tiêu đề" in shown
    for word in ("@maintainers", "#12", "GH-7", "a@b.vn"):
        assert word not in text, word
    for needle in ("@\u200bmaintainers", "#\u200b12", "GH-\u200b7", "a@\u200bb.vn"):
        assert needle in text
    assert "\x1b" not in body and "\u202e" not in body and "##[" not in body


def test_a_huge_report_stays_under_githubs_limit_and_says_what_is_left_out():
    groups = [
        {
            "cooperative": f"htx-{i}",
            "name": f"HTX số {i} " + "<&>" * 50,
            "path": f"content/cooperatives/htx-{i}.md",
            "findings": [finding(message=HOSTILE * 30, action="@" * 2000, line=n + 1) for n in range(20)],
        }
        for i in range(300)
    ]
    body = issue_body(report(groups), repo=REPO, sha=SHA, run_url=RUN)
    assert len(body) <= issue.BODY_BUDGET < issue.GITHUB_LIMIT
    shown = body.count("\n- 🔴")
    assert 0 < shown < 6000
    assert f"Còn **{6000 - shown} việc** không hiện ở đây" in body
    assert "`bao-cao-bao-tri`" in body and body.startswith(issue.MARKER)
    # Whole findings only: every finding line ends as one does.
    assert all(line.endswith("…") for line in body.splitlines() if line.startswith("- 🔴"))
    assert "Còn" not in issue_body(report(), repo=REPO, sha=SHA, run_url=RUN)


def test_a_link_to_the_run_is_only_an_https_address():
    body = issue_body(report(), repo=REPO, sha=SHA, run_url="javascript:alert(1)")
    assert "javascript" not in body and "(lần chạy;" in body


# --- the decision -----------------------------------------------------------------------------------


def test_findings_and_no_issue_create_one():
    decision = decide(report(), [], repo=REPO, sha=SHA, run_url=RUN)
    assert (decision.action, decision.number, decision.title) == (
        CREATE,
        None,
        "Báo cáo bảo trì tuần 50/2026",
    )
    assert decision.body == issue_body(report(), repo=REPO, sha=SHA, run_url=RUN)


def test_findings_update_the_oldest_bot_issue_and_close_the_others_as_duplicates():
    issues = [
        ours(31),
        ours(12),
        ours(40, labels=()),
        {"number": 5, "title": "x", "body": "câu hỏi", "labels": []},
    ]
    decision = decide(report(), issues, repo=REPO, sha=SHA, run_url=RUN)
    assert (decision.action, decision.number, decision.duplicates) == (UPDATE, 12, (31,))
    assert decision.title == "Báo cáo bảo trì tuần 50/2026" and decision.body.startswith(issue.MARKER)
    assert decision.duplicate_comment == "Báo cáo bảo trì được gộp vào #12: đóng bản trùng này."
    assert decision.explain() == (
        "cập nhật issue #12 «Báo cáo bảo trì tuần 50/2026» · update issue #12; đóng bản trùng #31 · close the duplicates #31"
    )


def test_an_issue_needs_both_the_label_and_the_marker():
    # An outsider quoting the marker cannot label their issue; a labelled issue without the marker is a person's.
    issues = [
        ours(3, labels=("question",)),
        ours(4, body="Báo cáo bảo trì tuần 1/2026 của tôi"),
        ours(5, labels=("bao-tri", "bug")),
    ]
    assert decide(report(), issues, repo=REPO, sha=SHA).number == 5
    assert decide(report(), issues[:2], repo=REPO, sha=SHA).action == CREATE
    assert decide(report(), [ours(6) | {"state": "CLOSED"}], repo=REPO, sha=SHA).action == CREATE


def test_an_unchanged_issue_is_left_alone():
    first = decide(report(), [], repo=REPO, sha=SHA, run_url=RUN)
    same = decide(report(), [ours(7, first.body, first.title)], repo=REPO, sha=SHA, run_url=RUN)
    assert (same.action, same.number) == (NOTHING, 7)
    other_run = decide(report(), [ours(7, first.body, first.title)], repo=REPO, sha=SHA, run_url=RUN + "1")
    assert other_run.action == UPDATE


def test_nothing_left_closes_the_issue_with_a_comment():
    empty = report([])
    decision = decide(empty, [ours(12), ours(31)], repo=REPO, sha=SHA, run_url=RUN)
    assert (decision.action, decision.number, decision.duplicates) == (CLOSE, 12, (31,))
    assert decision.comment.startswith("✅ Báo cáo ngày 07/12/2026 không còn việc bảo trì nào")
    assert decide(empty, [], repo=REPO, sha=SHA).action == NOTHING
    # Groups with no findings are nothing left either.
    assert (
        decide(
            report([{"cooperative": "a", "name": "A", "path": "", "findings": []}]), [], repo=REPO, sha=SHA
        ).action
        == NOTHING
    )


def test_a_finding_shared_by_two_cooperatives_counts_once():
    shared = finding("high", path="content/cooperatives/a.md", kind="shared-phone")
    groups = [{"cooperative": c, "name": c, "path": "", "findings": [shared]} for c in ("a", "b")]
    body = issue_body(report(groups), repo=REPO, sha=SHA)
    assert "| **Tổng** | **1** |" in body and body.count("\n- 🔴") == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(format="other"), "not a chophien-report version 1"),
        (lambda r: r.update(version=2), "not a chophien-report version 1"),
        (lambda r: r.update(date="07/12/2026"), "date is not a YEAR-MONTH-DAY date"),
        (lambda r: r.pop("groups"), "groups or summary missing"),
        (lambda r: r["groups"][0].update(findings={}), "a group without a findings list"),
        (lambda r: r["groups"][0].update(name=["x"]), "a group's name is not text"),
        (
            lambda r: r["groups"][0]["findings"][0].update(severity="urgent"),
            "severity is not high/medium/low",
        ),
        (lambda r: r["groups"][0]["findings"][0].update(line="14"), "line is not a line number"),
        (lambda r: r["groups"][0]["findings"][0].update(line=True), "line is not a line number"),
        (lambda r: r["groups"][0]["findings"][0].update(message={"a": 1}), "a finding's message is not text"),
    ],
)
def test_a_file_that_is_not_a_report_is_refused_in_one_line(tmp_path, change, message):
    data = copy.deepcopy(report())
    change(data)
    path = tmp_path / "bao-cao.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(issue.ReportError) as error:
        issue.read_report(path)
    assert message in error.value.en and str(path) in error.value.vi


# --- the wrapper, with a fake gh -------------------------------------------------------------------

FAKE_GH = """#!{python}
import json, os, sys
args = sys.argv[1:]
record = {{"args": args}}
if "--body-file" in args:
    record["body"] = open(args[args.index("--body-file") + 1], encoding="utf-8").read()
with open(os.environ["FAKE_GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(record) + "\\n")
if args[:2] == ["issue", "list"]:
    sys.stdout.write(open(os.environ["FAKE_GH_ISSUES"], encoding="utf-8").read())
if os.environ.get("FAKE_GH_FAIL") and args[:2] == os.environ["FAKE_GH_FAIL"].split():
    sys.stderr.write("HTTP 403: Resource not accessible by integration\\n")
    sys.exit(1)
"""


@pytest.fixture
def gh(tmp_path, monkeypatch):
    """A fake `gh` first on PATH: records each command (and the --body-file text), answers `issue list`."""
    folder = tmp_path / "bin"
    folder.mkdir()
    program = folder / "gh"
    program.write_text(FAKE_GH.format(python=sys.executable), encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_GH_LOG", str(tmp_path / "gh.log"))
    monkeypatch.setenv("FAKE_GH_ISSUES", str(tmp_path / "issues.json"))

    def run(issues, data=None, *extra, fail=""):
        (tmp_path / "issues.json").write_text(json.dumps(issues), encoding="utf-8")
        (tmp_path / "bao-cao.json").write_text(json.dumps(data or report()), encoding="utf-8")
        if (tmp_path / "gh.log").exists():
            (tmp_path / "gh.log").unlink()
        monkeypatch.setenv("FAKE_GH_FAIL", fail)
        env = {
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_SHA": SHA,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": "42",
        }
        code = maintenance_issue.main([str(tmp_path / "bao-cao.json"), *extra], environ=env)
        log = tmp_path / "gh.log"
        calls = (
            [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
            if log.exists()
            else []
        )
        return code, calls

    return run


LIST = ["issue", "list", "--repo", REPO, "--label", "bao-tri", "--state", "open",
        "--json", "number,title,body,labels,state", "--limit", "100"]  # fmt: skip


def test_the_wrapper_creates_the_label_and_the_issue(gh, capsys):
    code, calls = gh([])
    assert code == 0
    assert [call["args"][:2] for call in calls] == [
        ["issue", "list"],
        ["label", "create"],
        ["issue", "create"],
    ]
    assert calls[0]["args"] == LIST
    assert calls[1]["args"] == ["label", "create", "bao-tri", "--repo", REPO, "--color", "FBCA04",
                                "--description", issue.LABEL_DESCRIPTION, "--force"]  # fmt: skip
    create = calls[2]["args"]
    assert create[:6] == ["issue", "create", "--repo", REPO, "--title", "Báo cáo bảo trì tuần 50/2026"]
    assert create[6] == "--body-file" and create[8:] == ["--label", "bao-tri"]
    assert calls[2]["body"] == issue_body(report(), repo=REPO, sha=SHA, run_url=RUN)
    assert capsys.readouterr().out.startswith("mở issue mới «Báo cáo bảo trì tuần 50/2026»")


def test_the_wrapper_updates_the_oldest_and_closes_duplicates(gh):
    code, calls = gh([ours(31), ours(12)])
    assert code == 0
    assert [call["args"][:3] for call in calls] == [
        ["issue", "list", "--repo"], ["issue", "edit", "12"], ["issue", "comment", "31"], ["issue", "close", "31"]
    ]  # fmt: skip
    assert calls[1]["args"][3:7] == ["--repo", REPO, "--title", "Báo cáo bảo trì tuần 50/2026"]
    assert calls[1]["body"].startswith(issue.MARKER)
    assert calls[2]["body"] == "Báo cáo bảo trì được gộp vào #12: đóng bản trùng này."
    assert calls[3]["args"] == ["issue", "close", "31", "--repo", REPO, "--reason", "not planned"]


def test_the_wrapper_closes_when_nothing_is_left(gh):
    code, calls = gh([ours(12)], report([]))
    assert code == 0
    assert [call["args"] for call in calls[1:]] == [
        ["issue", "comment", "12", "--repo", REPO, "--body-file", calls[1]["args"][-1]],
        ["issue", "close", "12", "--repo", REPO, "--reason", "completed"],
    ]
    assert calls[1]["body"].startswith("✅ Báo cáo ngày 07/12/2026")
    code, calls = gh([], report([]))
    assert code == 0 and [call["args"] for call in calls] == [LIST]


def test_the_wrapper_dry_run_changes_nothing(gh, capsys, tmp_path):
    code, calls = gh([ours(12)], None, "--dry-run")
    assert code == 0 and [call["args"] for call in calls] == [LIST]
    out = capsys.readouterr().out
    assert out.startswith(
        "cập nhật issue #12 «Báo cáo bảo trì tuần 50/2026» · update issue #12\n" + issue.MARKER
    )
    issues = tmp_path / "open.json"
    issues.write_text("[]", encoding="utf-8")
    code, calls = gh([ours(12)], None, "--dry-run", "--issues-json", str(issues))
    assert code == 0 and calls == [] and capsys.readouterr().out.startswith("mở issue mới")


def test_the_wrapper_reports_failures_in_one_line(gh, capsys, tmp_path):
    code, calls = gh([], None, fail="issue create")
    assert code == 1 and [call["args"][:2] for call in calls][-1] == ["issue", "create"]
    err = capsys.readouterr().err
    assert (
        err.startswith("gh thất bại · gh failed: gh issue create (exit 1): HTTP 403") and err.count("\n") == 1
    )
    (tmp_path / "bao-cao.json").write_text("{", encoding="utf-8")
    assert (
        maintenance_issue.main([str(tmp_path / "bao-cao.json"), "--repo", REPO, "--sha", SHA], environ={})
        == 2
    )
    assert "không phải JSON" in capsys.readouterr().err
    assert maintenance_issue.main([str(tmp_path / "bao-cao.json")], environ={}) == 2
