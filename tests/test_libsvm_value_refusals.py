"""A LibSVM file's infinite and missing values are refused in the words every
reader of a CSV or Parquet file uses (logistic._value_refusals): the file, the
column (``label``, or ``x1`` … ``xp`` as the fit names the features), the
line and the value. It said "data.svm: line 2 has a non-finite value (inf)"
with neither column nor the reason 1e999 is infinite.

The same data are written as CSV (a header line) and as LibSVM (a comment
line first), so that a data row is the same line in both: the two files'
refusals must read alike but for the file's name and the remedy (a LibSVM
file's rows are not dropped with --missing drop). Each expected line is what
the test wrote where.
"""

from __future__ import annotations

import pytest

from conftest import run_cli

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

INF = (
    "only finite numbers are allowed (a number beyond float64's ±1.8e308, such as "
    "1e999, reads as infinite)"
)
CSV_REMEDY = "drop those rows with --missing drop or fill them in"
SVM_REMEDY = (
    "fill them in or remove those lines (--missing drop does not apply to LibSVM files)"
)
ROWS = [  # label, x1, x2: every row has both features (no sparse zero)
    ("1", "0.5", "1"),
    ("0", "2", "-0.5"),
    ("1", "3", "2"),
    ("0", "1", "0"),
    ("1", "-1", "0.25"),
    ("0", "0.5", "-2"),
]


def _write(tmp_path, fmt: str, cells: dict[tuple[int, int], str]) -> str:
    """ROWS with ``cells`` ((row, field) -> text; field 0 the label) replaced,
    as CSV (header ``label,x1,x2``) or LibSVM (a comment first): data row
    ``i`` is line ``i + 2`` of either."""
    rows = [[cells.get((i, j), v) for j, v in enumerate(r)] for i, r in enumerate(ROWS)]
    if fmt == "csv":
        text = "label,x1,x2\n" + "".join(",".join(r) + "\n" for r in rows)
    else:
        text = "# label x1 x2\n" + "".join(f"{r[0]} 1:{r[1]} 2:{r[2]}\n" for r in rows)
    name = f"data.{fmt}"
    (tmp_path / name).write_text(text)
    return name


def _refusal(tmp_path, capsys, monkeypatch, fmt, cells) -> str:
    monkeypatch.chdir(tmp_path)
    name = _write(tmp_path, fmt, cells)
    target = ["-t", "label"] if fmt == "csv" else []
    code, out, err = run_cli(capsys, ["fit", name, *target, "-o", "m.json"])
    assert (code, out) == (65, ""), err
    assert not (tmp_path / "m.json").exists()
    return err.strip().removeprefix("error: ")


@pytest.mark.parametrize("fmt", ["csv", "svm"])
@pytest.mark.parametrize(
    ("text", "shown"), [("inf", "inf"), ("-inf", "-inf"), ("1e999", "inf")]
)
def test_infinite_value_names_column_line_and_value(
    tmp_path, capsys, monkeypatch, fmt, text, shown
):
    got = _refusal(tmp_path, capsys, monkeypatch, fmt, {(3, 2): text})
    assert got == (
        f"column 'x2' in data.{fmt} has an infinite value ({shown}) at line 5; {INF}"
    )


@pytest.mark.parametrize("fmt", ["csv", "svm"])
def test_missing_values_name_each_column_with_its_rows(
    tmp_path, capsys, monkeypatch, fmt
):
    """A label missing at row 4, x2 at rows 1, 2, 3 and 5 (four rows, the
    first three named), x1 at row 5; an infinite value beside them waits."""
    nan = {(4, 0): "nan", (5, 1): "nan", (0, 1): "inf"}
    nan.update({(i, 2): "nan" for i in (1, 2, 3, 5)})
    if fmt == "csv":  # an empty field is the CSV reader's missing value
        nan = {k: "" if v == "nan" else v for k, v in nan.items()}
    got = _refusal(tmp_path, capsys, monkeypatch, fmt, nan)
    remedy = CSV_REMEDY if fmt == "csv" else SVM_REMEDY
    assert got == (
        f"missing values in data.{fmt}: column 'label' (1 row(s), first at line 6); "
        "column 'x1' (1 row(s), first at line 7); column 'x2' (4 row(s), first at "
        f"line 3, line 4, line 5); {remedy}"
    )


def test_infinite_label_before_a_later_value(tmp_path, capsys, monkeypatch):
    """The first infinite value in the file is named: a label on line 3
    before a feature's on line 4, the line's label before its features."""
    cells = {(1, 0): "inf", (2, 1): "inf", (1, 2): "-inf"}
    got = _refusal(tmp_path, capsys, monkeypatch, "svm", cells)
    assert (
        got
        == f"column 'label' in data.svm has an infinite value (inf) at line 3; {INF}"
    )


def test_zero_based_file_names_the_index(tmp_path, capsys, monkeypatch):
    """Indices from 0: x2 (the fit's name) is the file's index 1."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "z.svm").write_text("1 0:0.5 1:1\n0 0:2 1:1e999\n1 0:1 1:2\n")
    code, _, err = run_cli(capsys, ["fit", "z.svm", "-o", "m.json"])
    assert code == 65
    assert err.strip() == (
        f"error: column 'x2' in z.svm has an infinite value (inf) at line 2; {INF}; "
        "the file counts its indices from 0: x2 is its index 1"
    )
