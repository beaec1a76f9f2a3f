"""``logistic summary`` (and ``fit``'s table) say where the fit stopped
against the tolerance it used: ``converged=True (gradient max-norm G, tol T)``,
and ``tol``, ``grad_max_norm`` and ``fit_status`` in ``--json``. The default
tol depends on the solver and the dtype, and a model file's ``params.tol`` is
null for a default, so the summary's ``converged=True`` did not say under
which tolerance. References: the documented defaults (README, ``fit --help``).
"""

from __future__ import annotations

import json

from conftest import data_path, run_cli

UCLA = data_path("ucla-admissions", "binary.csv")


def test_summary_says_where_the_fit_stopped_against_the_tol_it_used(workdir, capsys):
    for solver, tol in (("newton", 1e-10), ("sgd", 1e-3)):
        argv = ["fit", str(UCLA), "-t", "admit", "--solver", solver, "--random-state", "0"]
        code, _, err = run_cli(capsys, [*argv, "-q", "--force"])
        assert code == 0, err
        code, out, err = run_cli(capsys, ["summary", "model.json", "--json"])
        assert code == 0, err
        got = json.loads(out)
        assert got["params"]["tol"] is None and got["tol"] == tol
        assert 0 <= got["grad_max_norm"] <= tol and got["converged"] is True
        code, out, err = run_cli(capsys, ["summary", "model.json"])
        line = next(x for x in out.splitlines() if x.startswith(f"solver {solver},"))
        norm = got["grad_max_norm"]
        assert line.endswith(f"converged=True (gradient max-norm {norm:.2g}, tol {tol:g})")


def test_a_separated_fit_says_no_finite_mle_alone(workdir, capsys):
    """Complete separation: the MLE does not exist, so there is no stop to
    report against tol (``summary`` says ``no finite MLE (separation)``)."""
    with open("sep.csv", "w") as fh:
        fh.write("x,y\n" + "".join(f"{i},{int(i > 5)}\n" for i in range(1, 11)))
    code, _, err = run_cli(capsys, ["fit", "sep.csv", "-t", "y", "-q"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["summary", "model.json"])
    line = next(x for x in out.splitlines() if x.startswith("solver "))
    assert line.endswith("converged=no finite MLE (separation)"), line
