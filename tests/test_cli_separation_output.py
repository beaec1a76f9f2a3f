"""What the command line says about a fit the separation stop ended
(logistic._separation_stop): ``fit --json`` says why the fit stopped
(``fit_status``), the summary says once that the fit has no finite MLE (not
also "The fit did not converge."), and every warning is printed once.

The data: 100 sparse rows × 40 columns with random labels, their first 20
rows repeated with the other label. A point seen with both labels lies on the
boundary of every separating hyperplane, so where the data separate they do
so quasi-completely and the maximum-likelihood estimate does not exist
(Albert & Anderson 1984, Biometrika 71:1-10); the separation's linear program
(scipy.optimize.linprog) finds the direction. With seed 3 Newton's iterations
are ended by the separation stop (25 iterations, not ``tol``); with seed 0 it
reaches ``tol`` with two near-collinear pairs of columns in the information.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import scipy.sparse as sp

from conftest import data_path, run_cli, run_cli_process

UCLA = data_path("ucla-admissions", "binary.csv")


def _write(path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    X = sp.random(100, 40, density=0.03, random_state=seed, format="csr")
    y = (rng.random(100) < 0.3).astype(int)
    X = sp.vstack([X, X[:20]], format="csr").toarray()
    y = np.r_[y, 1 - y[:20]]
    head = ",".join([f"x{i}" for i in range(40)] + ["y"])
    cells = [[f"{v:.6g}" for v in r] + [str(t)] for r, t in zip(X, y, strict=True)]
    rows = [",".join(c) for c in cells]
    path.write_text("\n".join([head, *rows]) + "\n")


def _fit(capsys, name: str, *more: str) -> tuple[int, str, str]:
    argv = ["fit", name, "-t", "y", "--solver", "newton", "-q", "--force", *more]
    return run_cli(capsys, argv)


def test_fit_json_says_why_the_fit_stopped(workdir, capsys):
    _write(workdir / "stop.csv", 3)
    code, out, err = _fit(capsys, "stop.csv", "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["separation"] == "quasi-complete"  # rows seen with both labels
    assert got["converged"] is False
    assert got["fit_status"].startswith("stopped under quasi-complete separation")
    # a fit that reaches tol: UCLA admissions (statsmodels' Logit converges
    # there in 4-5 Newton iterations, to the coefficients of UCLA's page)
    argv = ["fit", str(UCLA), "-t", "admit", "--solver", "newton", "-q", "--json", "--force"]
    code, out, err = run_cli(capsys, argv)
    assert code == 0, err
    got = json.loads(out)
    assert got["converged"] is True
    assert got["fit_status"] == "gradient max-norm below tol"


def test_a_separation_stopped_summary_says_why_once(workdir, capsys):
    _write(workdir / "stop.csv", 3)
    code, out, err = _fit(capsys, "stop.csv", "-o", "stop.json")
    assert code == 0, err
    code, saved, err = run_cli(capsys, ["summary", "stop.json"])
    assert code == 0, err
    code, on_data, err = run_cli(capsys, ["summary", "stop.json", "stop.csv"])
    assert code == 0, err
    code, doc, err = run_cli(capsys, ["summary", "stop.json", "stop.csv", "--json"])
    assert code == 0, err
    notes = json.loads(doc)["inference"]["notes"]
    for text in (out, saved, on_data, "\n".join(notes)):
        assert "did not converge" not in text, text
        assert "Separation (quasi-complete): the MLE does not exist" in text
        # the stop ends the fit once more iterations cannot help: a larger
        # --max-iter ends at the same place, so the LR note does not ask for it
        assert "max-iter" not in text and "max_iter" not in text
        assert "once the separation was established" in text
    for text in (out, saved, on_data):
        assert "Converged:        no finite MLE (separation)" in text


def test_the_library_summary_of_a_stopped_fit_says_why_once(workdir):
    from logistic import LogisticRegression

    _write(workdir / "stop.csv", 3)
    data = np.loadtxt(workdir / "stop.csv", delimiter=",", skiprows=1)
    X, y = data[:, :-1], data[:, -1].astype(int)
    with warnings.catch_warnings():  # separation and near-collinearity
        warnings.simplefilter("ignore")
        model = LogisticRegression(solver="newton").fit(X, y)
        res = model.inference(X, y)
    assert model.fit_status_.startswith("stopped under quasi-complete separation")
    for text in (res.summary().as_text(), res.summary().as_html()):
        assert "did not converge" not in text
        assert "no finite MLE (separation)" in text
        assert "max_iter" not in text


def test_summary_prints_a_near_collinearity_once(workdir, capsys):
    # an eigenvector's sign is arbitrary: the relation stored at fit
    # ("- 1·x4 + 0.498·x33 ≈ 0") came back from summary's inference as
    # "1·x4 - 0.498·x33 ≈ 0", so the same warning was printed twice (summary
    # in a process of its own, as test_cli_summary_warnings_once explains)
    _write(workdir / "near.csv", 0)
    code, out, err = run_cli(
        capsys, ["fit", "near.csv", "-t", "y", "--solver", "newton", "-q"]
    )
    assert code == 0, err
    assert err.count("NumericalStabilityWarning") == 1, err
    code, out, err = run_cli_process(workdir, ["summary", "model.json"])
    assert code == 0, err
    both = out + err
    assert both.count("NumericalStabilityWarning") == 1, both
    assert out.count("fit warning: NumericalStabilityWarning") == 1
    assert both.count("PerfectSeparationWarning") == 1, both


def test_a_relation_reads_the_same_whichever_sign_its_eigenvector_has():
    from logistic.inference._covariance import _describe_null

    vec = np.array([0.6, -0.3, 0.05, -0.74])
    root = np.array([1.0, 2.0, 0.5, 1.0])
    names = ["a", "b", "c", "d"]
    text, cols = _describe_null(vec, root, names)
    assert _describe_null(-vec, root, names) == (text, cols)
    # u = vec / root = (0.6, -0.15, 0.1, -0.74): the largest term leads, positive
    assert text == "1·d - 0.811·a + 0.203·b - 0.135·c"


def test_a_fit_short_of_tol_says_so_once(workdir, capsys):
    # 5 L-BFGS iterations on UCLA's unscaled gre (200-800) stop far from tol:
    # the solver's ConvergenceWarning says why and what to do; the
    # inference's "the model did not converge; inference at these
    # coefficients is unreliable" said the same fact again after it
    argv = ["fit", str(UCLA), "-t", "admit", "--solver", "lbfgs", "--max-iter", "5"]
    code, out, err = run_cli(capsys, [*argv, "-q"])
    assert code == 0, err
    assert err.count("ConvergenceWarning") == 1, err
    assert "ConvergenceWarning: Solver 'lbfgs' did not converge" in err
    code, out, err = run_cli_process(workdir, ["summary", "model.json", str(UCLA)])
    assert code == 0, err
    assert (out + err).count("ConvergenceWarning") == 1, out + err
    assert "Note: The fit did not converge." in out  # not stopped by separation
