"""The ``... written to NAME`` notes show an output name's line break
escaped, as its other control characters.

Found by a shell scripter: ``logistic fit d.csv -t y -o $'m\\nl.json'`` said
``model written to m l.json`` (the line break turned into a space when the
note was made one line, before its control characters were escaped), a name
that is not the file's, while ``summary`` of the same file said ``model file
m\\nl.json`` (docs/cli.md: a file name in a note is shown with its control
characters escaped). The same for ``predict``, ``report``, ``margins`` and
``export`` notes.
"""

from __future__ import annotations

import importlib.util

import pytest

from conftest import data_path, run_cli
from logistic.cli._codes import EX_OK

UCLA = data_path("ucla-admissions", "binary.csv")


@pytest.fixture
def model(workdir, capsys):
    code, _, err = run_cli(capsys, ["fit", UCLA, "-t", "admit", "-o", "m.json"])
    assert code == EX_OK, err
    return "m.json"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["fit", UCLA, "-t", "admit", "-o", "a\nb.json"], "model written to a\\nb.json"),
        (["predict", "m.json", UCLA, "-o", "a\nb.csv"], "400 predictions written to a\\nb.csv"),
        (["report", "m.json", UCLA, "-o", "a\nb.html", "-q"], "report written to a\\nb.html"),
        (["margins", "m.json", UCLA, "-o", "a\nb.csv"], "marginal effects written to a\\nb.csv"),
    ],
)
def test_written_name_escaped(model, capsys, workdir, args, said):
    code, _, err = run_cli(capsys, args)
    assert code == EX_OK, err
    assert said in err.splitlines(), err
    assert (workdir / args[args.index("-o") + 1]).is_file()


@pytest.mark.skipif(importlib.util.find_spec("onnx") is None, reason="onnx extra")
def test_export_name_escaped(model, capsys, workdir):
    code, _, err = run_cli(capsys, ["export", "m.json", "-o", "a\nb.onnx"])
    assert code == EX_OK, err
    assert "ONNX model written to a\\nb.onnx" in err.splitlines(), err
