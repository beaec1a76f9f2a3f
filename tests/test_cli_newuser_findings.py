"""Regressions from a new-user tester: each test is one finding, with the output
and exit code docs/cli.md promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import fit_ucla_model, run_cli

HEADER = "admit,gre,gpa,rank\n"


@pytest.fixture
def formula_model(workdir):
    return fit_ucla_model(workdir)


def test_formula_model_on_header_only_file(formula_model, workdir, capsys):
    capsys.readouterr()
    (workdir / "h.csv").write_text(HEADER)
    code, out, err = run_cli(capsys, ["predict", formula_model, "h.csv"])
    assert (code, out, err) == (0, '"proba","label","logit"\n', "")
    for command, task in (("evaluate", "evaluate"), ("report", "report on")):
        argv = [command, formula_model, "h.csv"]
        argv += ["-o", "r.html"] if command == "report" else []
        code, out, err = run_cli(capsys, argv)
        assert (code, out) == (65, "")
        assert err == (
            f"error: h.csv: no rows left to {task} (the file has no data rows)\n"
        )


def test_derive_without_sympy_is_a_usage_error(workdir, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "sympy", None)  # import sympy raises
    code, out, err = run_cli(capsys, ["derive"])
    assert (code, out) == (2, "")
    assert err.startswith("error: derive needs the 'derive' extra (sympy): ")
    assert "internal error" not in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("data", "extra", "category", "count"),
    [
        # the fit's separation warning only: the inference's said it again
        ("x,y\n1,0\n2,0\n3,0\n4,1\n5,1\n6,1\n", [], "PerfectSeparationWarning", 1),
        # the solver's (why, and the remedies); the inference's "the model did
        # not converge" after it says the same fact again and is not printed
        (None, ["--target", "admit", "--max-iter", "2"], "ConvergenceWarning", 1),
    ],
)
def test_warnings_are_shown_once_formatted(
    workdir, capsys, data, extra, category, count
):
    from conftest import data_path

    if data is None:
        path = str(data_path("ucla-admissions", "binary.csv"))
    else:
        (workdir / "d.csv").write_text(data)
        path, extra = "d.csv", ["--target", "y"]
    code, _, err = run_cli(capsys, ["fit", path, *extra, "-q", "-o", "m.json"])
    assert code == 0
    lines = err.splitlines()
    # no raw Python warning: no 'file.py:123: Category:' line, no source line
    expected = ("warning: ", "target ", "model ")
    assert not [ln for ln in lines if not ln.startswith(expected)]
    shown = [ln for ln in lines if ln.startswith(f"warning: {category}: ")]
    assert len(shown) == count == len(set(shown))
    assert "penalty='firth'" not in err and "max_iter" not in err
    if category == "ConvergenceWarning":
        assert shown[0].startswith("warning: ConvergenceWarning: Solver 'newton'")


def test_warning_raised_outside_a_collection_is_formatted(workdir, capsys, monkeypatch):
    import warnings

    from logistic.cli import derive as derive_module

    real = derive_module.console.print

    def print_and_warn(*args, **kwargs):
        warnings.warn("use penalty='firth' or raise max_iter", UserWarning, 2)
        warnings.warn("use penalty='firth' or raise max_iter", UserWarning, 2)
        return real(*args, **kwargs)

    monkeypatch.setattr(derive_module.console, "print", print_and_warn)
    code, _, err = run_cli(capsys, ["derive"])
    assert (code, err) == (
        0,
        "warning: UserWarning: use --penalty firth or raise --max-iter\n",
    )


@pytest.mark.parametrize("option", ["--weights", "--offset"])
def test_text_column_for_a_numeric_option_is_named_as_text(workdir, capsys, option):
    (workdir / "d.csv").write_text(
        "x,y,w\n1,0,no\n2,1,yes\n3,0,no\n4,1,yes\n5,0,no\n"
    )
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", option, "w"])
    assert (code, out) == (65, "")
    assert err == (
        f"error: {option} needs a numeric column, but column 'w' in d.csv holds "
        "text ('no' at line 2)\n"
    )


def test_cv_table_says_how_many_strengths_it_leaves_out(workdir, capsys):
    import json
    import re

    from conftest import data_path

    pytest.importorskip("sklearn")
    data = data_path("ucla-admissions", "binary.csv")
    argv = ["fit", data, "-t", "admit", "--cv", "3", "--n-alphas", "20", "-o", "m.json"]
    code, out, _ = run_cli(capsys, argv)
    assert code == 0
    rows = [ln for ln in out.splitlines() if re.match(r"^│ +[0-9.e+-]+ │", ln)]
    saved = json.loads((workdir / "m.json").read_text())["model"]["cross_validation"]
    assert len(saved["alphas"]) == 20
    assert f"{len(rows)} of 20 strengths shown" in out
    assert f"the {20 - len(rows)} others are in the model file" in out
    # 8 strengths, fewer than the 12 rows: all shown, no line about it
    argv[argv.index("20")] = "8"
    code, out, _ = run_cli(capsys, [*argv, "--force"])
    assert code == 0 and "strengths shown" not in out


def test_demo_output_dir_that_is_a_file(workdir, capsys):
    (workdir / "d.csv").write_text("x\n")
    code, out, err = run_cli(capsys, ["demo", "--output-dir", "d.csv"])
    assert (code, out) == (73, "")
    assert err == (
        "error: --output-dir d.csv is a file, not a directory: name a new or an "
        "existing directory\n"
    )
    assert (workdir / "d.csv").read_text() == "x\n"


@pytest.mark.parametrize("typed", ["-o", "--output", "--onnx"])
def test_export_to_stdout_names_the_option_typed(formula_model, capsys, typed):
    capsys.readouterr()
    code, out, err = run_cli(capsys, ["export", formula_model, typed, "-"])
    assert (code, out) == (2, "")
    assert err == (
        f"error: {typed} -: this command writes a file, not standard output; "
        "name a file\n"
    )


@pytest.mark.parametrize(("typed", "name"), [("-o", "r.pdf"), ("--output", "r")])
def test_report_refuses_an_output_that_is_not_html(
    formula_model, workdir, capsys, typed, name
):
    from conftest import data_path

    capsys.readouterr()
    data = data_path("ucla-admissions", "binary.csv")
    code, out, err = run_cli(capsys, ["report", formula_model, data, typed, name])
    assert (code, out) == (2, "")
    assert err == (
        f"error: {typed} must end in .html or .htm (the report is one HTML file), "
        f"got {name!r}\n"
    )
    assert not (workdir / name).exists()


def test_summary_of_a_model_saved_from_python(workdir, capsys):
    import numpy as np

    import logistic

    X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    y = np.array([0, 1, 0, 1, 0, 1])
    logistic.save(logistic.LogisticRegression().fit(X, y), workdir / "py.json")
    code, out, _ = run_cli(capsys, ["summary", "py.json"])
    assert code == 0
    assert "?" not in out
    assert out.splitlines()[1] == (
        "training data: not recorded in the model file (saved from Python)"
    )


def test_version_and_command_list(capsys, monkeypatch):
    import logistic

    code, out, err = run_cli(capsys, ["--version"])
    assert (code, out, err) == (0, f"logistic {logistic.__version__}\n", "")
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run_cli(capsys, ["--help"])
    assert code == 0 and "--version" in out
    listed = out[out.index("Commands"):]
    # each command's description is its one-sentence first paragraph
    assert "Write a self-contained HTML report of a model on DATA." in listed
    assert "Export a model file to ONNX (needs the onnx extra)." in listed
    assert "Marginal effects of a model on its training data" in listed
    assert "history the summary" not in out and "curves," not in listed


def test_demo_refuses_an_existing_output_before_its_first_step(workdir, capsys):
    # with only report.html there, the demo wrote model.json and
    # predictions.csv, then stopped at the report (exit 73): a half-done
    # directory, and a rerun refused model.json. Every output is checked first.
    out = workdir / "out"
    out.mkdir()
    (out / "report.html").write_text("my report")
    code, _, err = run_cli(capsys, ["demo", "--output-dir", "out"])
    assert code == 73
    assert err == (
        f"error: output file(s) {Path('out') / 'report.html'} already exist: pass "
        "--force to replace them, or choose another --output-dir\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]
    assert (out / "report.html").read_text() == "my report"
    code, _, _ = run_cli(capsys, ["demo", "--output-dir", "out", "--force"])
    assert code == 0 and (out / "model.json").is_file()
