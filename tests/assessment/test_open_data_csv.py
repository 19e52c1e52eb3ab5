"""The open-data CSV in front of a spreadsheet program: content text never becomes a formula."""

from __future__ import annotations

import csv
import io

from chophien.assessment.open_data import COLUMNS, to_csv
from chophien.core.text import reads_as_formula


def _rows(name: str) -> list[dict]:
    base = dict.fromkeys(COLUMNS, "")
    return [
        {**base, "table": "levels", "group_name": name, "measure_name": "Mức 1", "value": 12},
        {**base, "table": "levels", "group_name": "Tất cả", "measure_name": name, "value": None},
    ]


def test_a_formula_like_name_from_a_content_file_stays_text_and_numbers_stay_numbers():
    for hostile in ('=HYPERLINK("http://x","bấm")', "+1", "-2+3", "@SUM(A1)", "\t=1", "＝1"):
        text = to_csv(_rows(hostile))
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert not [cell for cell in cells if reads_as_formula(cell)], (hostile, text)
        assert "'" + hostile in cells  # shown as written, with the text mark Excel hides
        assert "12" in cells


def test_ordinary_names_are_written_unchanged():
    text = to_csv(_rows("Lào Cai"))
    assert "'" not in text and "Lào Cai" in text
