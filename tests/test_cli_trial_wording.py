"""Messages a new user's trial of the command line found unhelpful, each now
naming the cause and a way on:

* a category holding a line break: ``--drop COLUMN`` as well as recoding
  (a formula: taking the column out of it);
* labels that are a known pair but for spaces around them (``"yes "``);
* ``-`` as MODEL: standard input is read for DATA only (was "model file -
  does not exist");
* a directory as DATA of ``predict``/``evaluate``/``report``: they read one
  file (was "input file pdir is a directory").
"""

from __future__ import annotations

import pytest

from conftest import run_cli

BASE = "y,x\n1,0.5\n0,1.5\n1,0.7\n0,2.0\n1,0.1\n0,1.1\n1,0.3\n0,1.9\n"


def _model(tmp_path, capsys):
    (tmp_path / "base.csv").write_text(BASE)
    model = tmp_path / "m.json"
    assert run_cli(capsys, ["fit", tmp_path / "base.csv", "-t", "y", "-o", model, "-q"])[0] == 0
    return model


@pytest.mark.parametrize(
    ("args", "remedy"),
    [
        (["-t", "y"], "recode the value, or leave the column out with --drop note"),
        (["--formula", "y ~ x + C(note)"],
         "recode the value, or take the column out of the formula"),  # fmt: skip
    ],
)
def test_line_break_in_a_category(tmp_path, capsys, args, remedy):
    data = tmp_path / "q.csv"
    data.write_text('y,x,note\n1,0.5,"a\nb"\n0,1.5,c\n1,0.7,c\n0,2.0,d\n1,0.1,d\n0,1.1,c\n')
    code, _, err = run_cli(capsys, ["fit", data, *args, "-o", tmp_path / "m.json"])
    assert code == 65
    assert "value 'a\\nb' of column 'note' holds the control character" in err
    assert remedy in err


def test_labels_with_spaces_around_them(tmp_path, capsys):
    data = tmp_path / "s.csv"
    data.write_text("y,x\nyes ,0.5\nno ,1.5\nyes ,0.7\nno ,2.0\nyes ,0.1\nno ,1.1\n")
    code, _, err = run_cli(capsys, ["fit", data, "-t", "y", "-o", tmp_path / "m.json"])
    assert code == 65
    assert "pass --positive VALUE (spaces around 'no ', 'yes ': without them" in err


def test_standard_input_as_the_model(tmp_path, capsys):
    _model(tmp_path, capsys)
    code, _, err = run_cli(capsys, ["predict", "-", tmp_path / "base.csv", "-o", "-"])
    assert code == 2
    assert "model file '-': standard input is read for DATA only" in err


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_a_directory_as_data(tmp_path, capsys, command):
    model = _model(tmp_path, capsys)
    (tmp_path / "parts").mkdir()
    extra = ["-o", "-"] if command == "predict" else []
    code, _, err = run_cli(capsys, [command, model, tmp_path / "parts", *extra])
    assert code == 66
    assert "is a directory; this command reads one data file" in err
    assert "read by `logistic fit` only" in err
