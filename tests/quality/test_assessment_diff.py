"""scripts/assessment_diff.py: the PR summary of changed assessment figures, from two builds' open data (offline)."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import assessment_diff  # noqa: E402

HEADER = "table,dimension,group,group_name,measure,measure_name,value,status\n"


def site(folder, surveys: dict[str, str]):
    folder.mkdir()
    (folder / "index.html").write_text("<!doctype html>", encoding="utf-8")
    for slug, rows in surveys.items():
        (folder / "danh-gia" / slug).mkdir(parents=True)
        (folder / "danh-gia" / slug / "du-lieu.csv").write_text(HEADER + rows, encoding="utf-8")
    return folder


BASE = (
    "respondents,all,all,Tất cả,n,Số đơn vị trả lời,168,\n"
    "overall_level,province,lao-cai,Lào Cai,level-2,Mức 2 – Hình thành,6,\n"
    "overall_level,province,son-la,Sơn La,level-2,Mức 2 – Hình thành,,suppressed\n"
    "summary,all,all,Tất cả,mean_total,Tổng điểm trung bình,98.5,\n"
)


def test_respondents_and_every_changed_figure_are_listed(tmp_path, capsys):
    head = BASE.replace(",168,", ",170,").replace(",6,\n", ",7,\n").replace(",,suppressed", ",5,")
    head += "overall_level,province,ha-giang,Hà <b>Giang|x,level-1,Mức 1,5,\n"
    head += "overall_level,province,x,##[error]x,level-1,Mức 1,5,\n"
    base = site(
        tmp_path / "base",
        {"khao-sat-mau-2026": BASE, "khao-sat-htx-2022": "respondents,all,all,Tất cả,n,n,200,\n"},
    )
    new = site(
        tmp_path / "head",
        {"khao-sat-mau-2026": head, "khao-sat-htx-2022": "respondents,all,all,Tất cả,n,n,200,\n"},
    )
    assert assessment_diff.main([str(base), str(new)]) == 0
    out = capsys.readouterr().out
    assert "| khao-sat-mau-2026 | 168 → 170 | 5 |" in out
    assert "khao-sat-htx-2022" not in out  # unchanged surveys are not listed
    assert "| respondents | Tất cả | Số đơn vị trả lời | 168 | 170 |" in out
    assert "| overall_level | Lào Cai | Mức 2 – Hình thành | 6 | 7 |" in out
    assert "| overall_level | Sơn La | Mức 2 – Hình thành | ẩn | 5 |" in out  # a cell no longer hidden
    assert (
        "| overall_level | Hà &lt;b>Giang\\|x | Mức 1 | — | 5 |" in out
    )  # new row; markup and pipes escaped
    assert "98.5" not in out and "##[" not in out


def test_nothing_changed_says_so_and_the_limit_holds(tmp_path, capsys):
    base = site(tmp_path / "base", {"s": BASE})
    same = site(tmp_path / "same", {"s": BASE})
    assert assessment_diff.main([str(base), str(same)]) == 0
    assert "Không số liệu công bố nào thay đổi" in capsys.readouterr().out
    many = "".join(f"overall_level,province,p{i},P{i},level-1,Mức 1,{i + 10},\n" for i in range(50))
    other = site(tmp_path / "many", {"s": BASE + many})
    assert assessment_diff.main([str(base), str(other), "--limit", "5"]) == 0
    out = capsys.readouterr().out
    assert "và 45 số liệu khác" in out and out.count("| overall_level |") == 5


def test_a_folder_that_is_not_a_built_site_exits_2(tmp_path, capsys):
    assert assessment_diff.main([str(tmp_path), str(tmp_path)]) == 2
    assert "không phải một trang đã dựng" in capsys.readouterr().err
