"""A warning made an error by Python's warning filters (``-W error``,
``PYTHONWARNINGS=error``) stops the command with its own words, not as an
"internal error" with a request to rerun with --debug."""

from __future__ import annotations

import warnings

from conftest import run_cli


def test_separation_warning_as_error_is_named(workdir, capsys):
    (workdir / "sep.csv").write_text("x,y\n1,0\n2,0\n3,1\n4,1\n")
    argv = ["fit", "sep.csv", "--target", "y", "-o", "m.json", "-q"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, _, err = run_cli(capsys, argv)
    assert code == 1
    assert "internal error" not in err and "--debug" not in err, err
    assert "PerfectSeparationWarning, a warning, stopped the command" in err, err
    assert "PYTHONWARNINGS" in err and "--penalty firth" in err, err
    assert not (workdir / "m.json").exists()
