"""Regressions from a new-user tester: each test is one finding, with the output
and exit code docs/cli.md promises."""

from __future__ import annotations

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
