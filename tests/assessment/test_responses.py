"""chophien.assessment.responses: responses.csv checked cell by cell, every problem at file:row:column."""

from __future__ import annotations

import pytest
from survey_samples import CSV_PATH, GOOD, HEADER, check, survey_tree

from chophien.assessment.responses import sniff_delimiter


@pytest.mark.parametrize(
    "text, delimiter",
    [
        ("respondent,province\nan-1,Lào Cai\n", ","),
        ("respondent;province;sector\nan-1;Lào Cai;che-bien\n", ";"),  # Excel, Vietnamese locale
        ("respondent;province,sector\nan-1;a,b;c\n", ","),  # a tie is a comma
        ("respondent\nan-1;an-2;an-3\n", ","),  # only the header row counts
    ],
)
def test_the_delimiter_is_sniffed_from_the_header_row(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_csv_errors_name_file_row_and_column(tree):
    rows = [
        "htx-che-na-hang,Tuyen Quang,nong-nghiep,hop-tac-xa,10-29,co-may,yes,3,6,4,1",
        "Nguyễn Văn A,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,no,1,1,1,0",
        "an-2,Hà Giang,che-bien,htx,duoi-10,tu-dong,no,11,1,x,0",
        "an-3,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,no,1,1",
        "htx-che-na-hang,Tuyên Quang,nong-nghiep,hop-tac-xa,10-29,co-may,yes,3,6,4,1",
    ]
    lines, prepared = check(tree, survey_tree(rows))
    assert lines == [
        f"{CSV_PATH}:3:1: lỗi: respondent: “Nguyễn Văn A” không phải tên tệp hợp tác xã trong "
        "content/cooperatives/ hay mã ẩn danh an-…; không ghi tên người. Ví dụ: an-001 hoặc htx-che-shan-tuyet-ho-thau",
        f"{CSV_PATH}:4:2: cảnh báo: province: “Hà Giang” là tên tỉnh trước năm 2025; nay thuộc Tỉnh Tuyên Quang. "
        "Hãy ghi `Tuyên Quang`.",
        f"{CSV_PATH}:4:4: lỗi: kind: “htx” không nằm trong danh sách (hop-tac-xa, to-hop-tac, "
        "lien-hiep-hop-tac-xa, doanh-nghiep, ho-kinh-doanh). Ví dụ: hop-tac-xa",
        f"{CSV_PATH}:4:6: lỗi: equipment: “tu-dong” không nằm trong danh sách (khong-co, co-may). Ví dụ: khong-co",
        f"{CSV_PATH}:4:8: lỗi: a1: 11 nằm ngoài khoảng 0–10. Ví dụ: 10",
        f"{CSV_PATH}:4:10: lỗi: c1: “x” không phải số điểm (một số nguyên). Ví dụ: 6",
        f"{CSV_PATH}:5:10: lỗi: dòng có 9 ô nhưng tiêu đề có 11 cột.",
        f"{CSV_PATH}:6:1: lỗi: respondent: “htx-che-na-hang” đã có ở dòng 2; mỗi đơn vị trả lời một dòng.",
    ]
    assert not prepared.ok


def test_unknown_and_missing_columns_are_errors(tree):
    files = survey_tree(GOOD)
    files["assessments/thu/responses.csv"] = (
        "respondent,province,sector,kind,size,equipment,phone,a1,b1,c1\n"
        "an-1,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,0912345678,1,1,1\n"
    )
    lines, _ = check(tree, files)
    assert lines == [
        f"{CSV_PATH}:1: lỗi: thiếu cột: c2. Ví dụ: respondent,province,sector,kind,size,equipment,a1,b1,…",
        f"{CSV_PATH}:1:7: lỗi: phone: cột không có trong mẫu (không đưa tên người, số điện thoại hay câu trả lời tự do vào tệp).",
    ]


def test_region_must_match_the_province_and_sample_size_the_rows(tree):
    files = survey_tree(GOOD, n=3)
    files["assessments/thu/responses.csv"] = (
        "respondent,province,region,sector,kind,size,equipment,a1,b1,c1,c2\n"
        "an-1,Lào Cai,tay-nguyen,che-bien,to-hop-tac,duoi-10,khong-co,1,1,1,0\n"
        "an-2,Lào Cai,Trung du và miền núi phía Bắc,che-bien,to-hop-tac,duoi-10,khong-co,1,1,1,0\n"
    )
    lines, _ = check(tree, files)
    assert lines == [
        f"{CSV_PATH}:2:3: lỗi: region: Lào Cai thuộc vùng “Trung du và miền núi phía Bắc” (theo danh mục tỉnh); "
        "để trống hoặc ghi trung-du-mien-nui-phia-bac. Ví dụ: trung-du-mien-nui-phia-bac",
    ]
    lines, _ = check(tree, {**files, "assessments/thu/responses.csv": HEADER + GOOD[1] + "\n"})
    assert lines == [
        "content/assessments/thu/survey.yaml:6:1: lỗi: sample_size: sample_size là 3 nhưng responses.csv có 1 "
        "dòng trả lời. Ví dụ: sample_size: 1"
    ]


def test_free_text_over_several_lines_is_refused(tree):
    rows = [GOOD[1], 'an-2,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,"ghi chú\ndài",1,1,1,0']
    lines, _ = check(tree, survey_tree(rows))
    assert lines == [
        f"{CSV_PATH}:3: lỗi: có ô xuống dòng trong dấu nháy: không ghi câu trả lời tự do vào tệp này."
    ]


def test_an_unclosed_quote_running_past_the_csv_cell_limit_is_a_problem(tree):
    rows = [GOOD[1], 'an-2,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,"' + "x" * 140_000]
    lines, _ = check(tree, survey_tree(rows, n=2))
    assert lines == [
        f"{CSV_PATH}:3: lỗi: không đọc được từ dòng này: có ô dài quá 131.072 ký tự (thường do một dấu nháy "
        '`"` không được đóng).'
    ]
    files = survey_tree(GOOD)
    files["assessments/thu/responses.csv"] = '"' + "x" * 140_000
    lines, _ = check(tree, files)
    assert lines == [
        f"{CSV_PATH}:1: lỗi: không đọc được từ dòng này: có ô dài quá 131.072 ký tự (thường do một dấu nháy "
        '`"` không được đóng).'
    ]
