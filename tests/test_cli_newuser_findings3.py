"""Findings of a new user's trial of the command line, each fixed:

- ``margins MODEL DATA`` on a file with a category the fit never saw
  suggested ``--unknown-levels na``, an option ``margins`` does not have:
  such rows cannot be the training rows, which is what it needs.
- ``--checkpoint DIR/ck`` in a directory that cannot be written was found only
  at the first checkpoint, after the data were read, as exit 74 naming a
  temporary file; every other output is refused up front (exit 73).
- ``predict DATA MODEL`` (the arguments swapped) said only that DATA is not a
  model file.
"""

from __future__ import annotations

import csv
import os

import pytest

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture
def fitted(workdir, capsys):
    argv = ["fit", UCLA, "--formula", "admit ~ gre + gpa + C(rank)", "-o", "m.json"]
    code, _, err = run_cli(capsys, [*argv, "-q"])
    assert code == 0, err
    return workdir / "m.json"


def _with_unseen_rank(workdir):
    rows = list(csv.reader(open(UCLA, newline="")))
    rows[5][3] = "9"  # rank 9: the fit saw 1 to 4
    with open(workdir / "u.csv", "w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return workdir / "u.csv"


def test_margins_on_unseen_levels_asks_for_the_training_file(fitted, capsys, workdir):
    data = _with_unseen_rank(workdir)
    code, out, err = run_cli(capsys, ["margins", fitted, data])
    assert (code, out) == (65, "")
    assert "categories not seen at fit time: [9] (first at line 6)" in err
    assert "--unknown-levels" not in err
    assert "is not the file the model was fitted on" in err
    assert err.rstrip().endswith("pass the training file")
    # predict still offers the option it has
    code, _, err = run_cli(capsys, ["predict", fitted, data, "-o", "p.csv"])
    assert code == 65 and "--unknown-levels na" in err


def test_checkpoint_in_an_unwritable_directory_is_refused_first(
    workdir, capsys, monkeypatch
):
    (workdir / "ro").mkdir()
    real = os.access

    def access(path, mode, *args, **kwargs):
        if os.path.abspath(path) == str(workdir / "ro") and mode & os.W_OK:
            return False  # as on a read-only mount (root passes chmod 555)
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    argv = ["fit", UCLA, "-t", "admit", "--checkpoint", "ro/ck", "-o", "m.json"]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (73, "")
    assert err == "error: cannot create checkpoint ro/ck: directory ro is not writable\n"


def test_swapped_model_and_data_are_named(fitted, capsys):
    for command in (["predict", UCLA, fitted, "-o", "p.csv"], ["summary", UCLA, fitted]):
        code, out, err = run_cli(capsys, command)
        assert (code, out) == (65, "")
        assert f"{fitted} is a model file: the arguments are MODEL DATA" in err
    code, _, err = run_cli(capsys, ["predict", UCLA, UCLA, "-o", "p.csv"])
    assert code == 65 and "MODEL DATA" not in err  # nothing to swap


def _with_column(workdir, name, values):
    rows = list(csv.reader(open(UCLA, newline="")))
    rows[0].append(name)
    for i, row in enumerate(rows[1:]):
        row.append(values[i % len(values)])
    with open(workdir / "d.csv", "w", newline="") as fh:
        csv.writer(fh).writerows(rows)  # a line break in a value is quoted
    return workdir / "d.csv"


@pytest.mark.parametrize("formula", [False, True])
def test_line_break_in_a_category_is_named_as_the_data_s(workdir, capsys, formula):
    """It was refused only by the model file's check, as a field of a file
    that does not exist: "model file m.json: field 'encoding.feature_names[4]'
    holds the control character '\\n'"."""
    data = _with_column(workdir, "comment", ["fine", "line one\nline two"])
    argv = ["fit", data, "-t", "admit", "-o", "m.json"]
    if formula:
        argv = ["fit", data, "--formula", "admit ~ gre + C(comment)", "-o", "m.json"]
    code, out, err = run_cli(capsys, argv)
    assert (code, out) == (65, "")
    assert err.startswith(f"error: {data}: value 'line one\\nline two' of column ")
    assert "'comment' holds the control character '\\n'" in err
    assert "model file" in err and "field" not in err
    assert not (workdir / "m.json").exists()


def test_a_one_level_text_column_is_said_to_add_nothing(workdir, capsys):
    """R's glm refuses a factor of one level; the fit goes on without it and
    says so (it said "1 levels one-hot encoded")."""
    data = _with_column(workdir, "country", ["US"])
    argv = ["fit", data, "-t", "admit", "--features", "gre,country", "-o", "m.json"]
    code, _, err = run_cli(capsys, argv)
    assert code == 0, err
    assert (
        "column 'country' holds one value ('US') on every row used: it adds no "
        "feature" in err
    )
    assert "1 levels" not in err
