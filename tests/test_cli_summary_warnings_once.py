"""``logistic summary`` says each warning once (docs/cli.md, "Errors and exit
codes"). It printed the fit's stored separation warning (``fit warning:``,
naming the separating direction) and then inference's own ("the training
data are separated ...") on stderr; a stored NumericalStabilityWarning raised
again by inference was printed twice as well."""

from __future__ import annotations

import numpy as np

from conftest import run_cli, run_cli_process


def _quasi_separated(path, n=300, seed=0):
    rng = np.random.default_rng(seed)
    lines = ["d,x,z,y"]  # z = x + d: aliased, so summary runs inference
    for _ in range(n):
        d = int(rng.random() < 0.3)
        x = rng.normal()
        y = 1 if d else int(rng.random() < 1 / (1 + np.exp(-x)))  # d = 1: y = 1 always
        lines.append(f"{d},{x:.5f},{x + d:.5f},{y}")
    path.write_text("\n".join(lines) + "\n")


def test_summary_says_a_stored_separation_once(workdir, capsys):
    _quasi_separated(workdir / "q.csv")
    code, _, err = run_cli(capsys, ["fit", "q.csv", "-t", "y", "-o", "q.json", "-q"])
    assert code == 0, err
    assert err.count("PerfectSeparationWarning") == 1, err
    # a process of its own, as a user runs it (in-process, the fit's warning
    # registry can hide inference's repeat)
    code, out, err = run_cli_process(workdir, ["summary", "q.json"])
    assert code == 0, err
    assert out.count("fit warning: PerfectSeparationWarning: Quasi-complete separation") == 1
    assert "PerfectSeparationWarning" not in err, err
    assert "Separation (quasi-complete)" in out  # the table's note says what it means
    # with the training data, inference runs on the rows: still said once
    code, out, err = run_cli_process(workdir, ["summary", "q.json", "q.csv"])
    assert code == 0, err
    assert out.count("fit warning: PerfectSeparationWarning") == 1
    assert "PerfectSeparationWarning" not in err, err
