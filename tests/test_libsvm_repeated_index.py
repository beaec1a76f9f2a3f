"""A LibSVM line that names one feature index twice is refused (exit 65).

Its values were added (``1:0.5 1:0.7`` read as ``1:1.2``) at fit and at
predict, exit 0; scikit-learn's ``load_svmlight_file`` refuses such a file.
Indices in any order on a line are still read.
"""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from logistic._exceptions import DataValidationError
from logistic.tabular._libsvm import read_libsvm

ROWS = ["+1 3:0.5 1:0.7", "-1 1:0.1 2:3", "+1 2:1 3:2", "-1 3:1 1:0.2"]


def _write(path, rows):
    path.write_text("\n".join(rows) + "\n")
    return path


def test_reader_refuses_a_repeated_index_naming_the_line(tmp_path):
    path = _write(tmp_path / "d.svm", ROWS[:2] + ["# a comment", "+1 2:1 2:2 3:1"])
    with pytest.raises(DataValidationError, match=r"line 4 gives feature index 2 more than once"):
        read_libsvm(str(path), None, name="d.svm")


def test_zero_based_indices_are_named_as_written(tmp_path):
    path = _write(tmp_path / "d.svm", ["+1 0:1 4:1", "-1 0:2 0:1"])
    with pytest.raises(DataValidationError, match=r"line 2 gives feature index 0 more than once"):
        read_libsvm(str(path), None)


def test_unsorted_indices_and_empty_lines_read(tmp_path):
    raw = read_libsvm(str(_write(tmp_path / "d.svm", ROWS + ["-1", "+1 1:1"])), None)
    X = raw.X.toarray()
    assert X.shape == (6, 3)
    assert X[0].tolist() == [0.7, 0.0, 0.5]
    assert X[3].tolist() == [0.2, 0.0, 1.0]
    assert X[4].tolist() == [0.0, 0.0, 0.0]


def test_fit_and_predict_refuse_it(tmp_path, capsys):
    good = _write(tmp_path / "good.svm", ROWS)
    bad = _write(tmp_path / "bad.svm", ROWS[:3] + ["+1 1:0.5 1:0.7"])
    code, _, err = run_cli(capsys, ["fit", bad, "-o", tmp_path / "m.json", "-q"])
    assert code == 65 and "bad.svm: line 4 gives feature index 1 more than once" in err
    code, _, err = run_cli(capsys, ["fit", good, "--penalty", "l2", "-o", tmp_path / "m.json", "-q"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["predict", tmp_path / "m.json", bad, "-o", "-", "-q"])
    assert code == 65 and "line 4 gives feature index 1 more than once" in err
    assert out == ""
    json.loads((tmp_path / "m.json").read_text())  # the fit's model is untouched


ZERO_BASED = ["+1 0:1 1:0.5", "-1 0:0.2 2:1", "+1 1:1 2:0.3", "-1 0:0.1 1:0.2"]


@pytest.mark.parametrize(
    ("rows", "new", "index", "allowed"),
    [
        (ZERO_BASED, "+1 0:1 3:1", 3, "indices 0 to 2"),  # was named index 4
        (ZERO_BASED, "+1 1:1 3:1", 3, "indices 0 to 2"),  # no 0: read one-based
        (ROWS, "+1 1:1 4:1", 4, "indices 1 to 3"),
    ],
)
def test_predict_names_a_too_large_index_as_written(
    tmp_path, capsys, rows, new, index, allowed
):
    train = _write(tmp_path / "train.svm", rows)
    code, _, err = run_cli(capsys, ["fit", train, "--penalty", "l2", "-o", tmp_path / "m.json", "-q"])
    assert code == 0, err
    data = _write(tmp_path / "new.svm", [new])
    code, out, err = run_cli(capsys, ["predict", tmp_path / "m.json", data, "-o", "-", "-q"])
    assert code == 65 and out == ""
    assert (
        f"has feature index {index} at row 1 (the first too large; the largest is "
        f"{index}), but the model has 3 features ({allowed})"
    ) in err


def test_predict_names_the_first_too_large_index_with_its_row(tmp_path, capsys):
    # the largest index (5, row 2) was named with the first one's row (row 1)
    train = _write(tmp_path / "train.svm", ZERO_BASED)
    code, _, err = run_cli(capsys, ["fit", train, "--penalty", "l2", "-o", tmp_path / "m.json", "-q"])
    assert code == 0, err
    data = _write(tmp_path / "new.svm", ["+1 1:1 3:2", "+1 1:1 5:2"])
    code, _, err = run_cli(capsys, ["predict", tmp_path / "m.json", data, "-o", "-", "-q"])
    assert code == 65
    assert "has feature index 3 at row 1 (the first too large; the largest is 5)" in err
