"""predict, report, margins and export name a mistake in their model or data
before refusing an existing output (as fit does), and still refuse the output
(exit 73, file untouched) before writing when the inputs are fine.

Expected messages are the CLI's documented ones (exit codes of
``logistic.cli._codes``: 65 data error, 73 cannot create output).
"""

from __future__ import annotations

import shutil

import pytest

from conftest import data_path, fit_ucla_model, run_cli

#: UCLA's columns but 'gpa' and 'rank': the model's inputs are missing.
BAD = b"admit,gre,other\n1,500,1\n0,600,2\n"

COMMANDS = {
    "predict": lambda m, d, o: ["predict", m, d, "-o", o],
    "report": lambda m, d, o: ["report", m, d, "-o", o],
    "margins": lambda m, d, o: ["margins", m, d, "-o", o],
}
OUTPUTS = {"predict": "p.csv", "report": "r.html", "margins": "me.csv"}


@pytest.fixture
def model(workdir, capsys):
    path = fit_ucla_model(workdir)
    capsys.readouterr()  # the fit's own output
    return path


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_data_mistake_is_named_before_the_existing_output(
    workdir, capsys, model, command
):
    (workdir / "bad.csv").write_bytes(BAD)
    out = workdir / OUTPUTS[command]
    out.write_bytes(b"precious")
    code, _, err = run_cli(capsys, COMMANDS[command](model, "bad.csv", out.name))
    assert code == 65, err
    assert "not found in bad.csv" in err, err
    assert "--force" not in err
    assert out.read_bytes() == b"precious"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_existing_output_is_still_refused_with_good_data(
    workdir, capsys, model, command
):
    shutil.copy(data_path("ucla-admissions", "binary.csv"), workdir / "u.csv")
    out = workdir / OUTPUTS[command]
    out.write_bytes(b"precious")
    args = COMMANDS[command](model, "u.csv", out.name)
    code, _, err = run_cli(capsys, args)
    assert (code, err) == (
        73,
        f"error: {out.name} already exists; pass --force to overwrite it\n",
    )
    assert out.read_bytes() == b"precious"
    code, _, err = run_cli(capsys, [*args, "--force"])
    assert code == 0, err
    assert out.read_bytes() != b"precious"


def test_export_names_a_broken_model_before_the_existing_output(workdir, capsys):
    (workdir / "broken.json").write_text('{"format": "logistic-model"')
    (workdir / "m.onnx").write_bytes(b"precious")
    code, _, err = run_cli(capsys, ["export", "broken.json", "--onnx", "m.onnx"])
    assert code == 65, err
    assert "broken.json" in err and "--force" not in err
    assert (workdir / "m.onnx").read_bytes() == b"precious"


def test_export_refuses_an_existing_output_of_a_good_model(workdir, capsys, model):
    (workdir / "m.onnx").write_bytes(b"precious")
    code, _, err = run_cli(capsys, ["export", model, "--onnx", "m.onnx"])
    assert (code, err) == (
        73,
        "error: m.onnx already exists; pass --force to overwrite it\n",
    )
    assert (workdir / "m.onnx").read_bytes() == b"precious"
