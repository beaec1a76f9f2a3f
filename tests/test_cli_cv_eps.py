"""``logistic fit --cv K --eps E``: the grid's smallest strength as a share of
the largest (glmnet's ``lambda.min.ratio``, scikit-learn's ``eps``).

Reference for the grid: glmnet's sequence, computed here with numpy: L1
strengths log-spaced from ``alpha_max = max_j |x_jᵀ(ȳ - y)| / n`` (the
smallest strength at which every coefficient is zero, for the mean log loss
with an unpenalized intercept) down to ``alpha_max x eps``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("sklearn")

from conftest import run_cli  # noqa: E402


@pytest.fixture
def strong_csv(workdir):
    """Well-posed data with a strong signal: cross-validation prefers the
    weakest L1 strength of a short default grid."""
    rng = np.random.default_rng(0)
    n = 2000
    X = rng.standard_normal((n, 3)) * np.array([1.0, 5.0, 0.2])
    z = X @ np.array([1.5, -0.3, 4.0]) + 0.5
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    lines = ["a,b,c,y"]
    rows = zip(X, y, strict=True)
    lines += [",".join(repr(float(v)) for v in r) + f",{t}" for r, t in rows]
    (workdir / "d.csv").write_text("\n".join(lines) + "\n")
    return workdir / "d.csv", X, y


def _fit(capsys, path, *extra):
    args = ["fit", path, "--target", "y", "--cv", "3", "--penalty", "l1"]
    return run_cli(capsys, [*args, "--n-alphas", "5", *extra, "-o", "m.json"])


def test_eps_sets_the_end_of_glmnets_grid(capsys, strong_csv, workdir):
    path, X, y = strong_csv
    code, _, err = _fit(capsys, path, "--eps", "1e-6")
    assert code == 0, err
    alphas = json.loads((workdir / "m.json").read_text())["model"]["cross_validation"][
        "alphas"
    ]
    alpha_max = np.abs(X.T @ (y.mean() - y)).max() / len(y)
    np.testing.assert_allclose(
        alphas, np.geomspace(alpha_max, alpha_max * 1e-6, 5), rtol=1e-9
    )


def test_the_edge_warning_names_eps_and_a_smaller_one_moves_the_best(
    capsys, strong_csv, workdir
):
    path = strong_csv[0]
    code, _, err = _fit(capsys, path)
    assert code == 0, err
    assert "best score is at the weakest penalty strength" in err
    assert "down to alpha_max x 0.0001" in err
    assert "give a smaller --eps (below 0.0001)" in err
    cv = json.loads((workdir / "m.json").read_text())["model"]["cross_validation"]
    assert cv["best_index"] == len(cv["alphas"]) - 1
    # following the advice: the grid reaches further and the best lies inside
    code, _, err = _fit(capsys, path, "--eps", "1e-6", "--force")
    assert code == 0, err
    assert "weakest penalty strength" not in err
    cv = json.loads((workdir / "m.json").read_text())["model"]["cross_validation"]
    assert cv["best_index"] < len(cv["alphas"]) - 1


@pytest.mark.parametrize("value", ["0", "1", "-0.5", "2", "nan", "inf"])
def test_eps_outside_zero_one_is_a_usage_error(capsys, strong_csv, value):
    code, out, err = _fit(capsys, strong_csv[0], f"--eps={value}")
    assert code == 2
    assert "--eps must be a number between 0 and 1" in err
    assert f"got {float(value):g}" in err


def test_eps_without_cv_is_a_usage_error(capsys, strong_csv):
    args = ["fit", strong_csv[0], "--target", "y", "--eps", "1e-3"]
    code, _, err = run_cli(capsys, args)
    assert code == 2 and "--eps is used only with --cv K" in err


def test_eps_is_not_a_non_numeric_value(capsys, strong_csv):
    code, _, err = _fit(capsys, strong_csv[0], "--eps", "small")
    assert code == 2 and "--eps" in err


def test_cv_with_a_target_of_three_classes_is_a_usage_error(capsys, workdir):
    rng = np.random.default_rng(3)
    rows = [f"{x!r},{'abc'[i % 3]}" for i, x in enumerate(rng.random(60).tolist())]
    (workdir / "k.csv").write_text("x,y\n" + "\n".join(rows) + "\n")
    args = ["fit", "k.csv", "--target", "y", "--cv", "3", "--eps", "1e-3"]
    code, _, err = run_cli(capsys, args)
    assert code == 2
    assert "--cv 3 supports targets of two classes only so far" in err
    assert "target 'y' has 3 levels" in err and not (workdir / "model.json").exists()


def test_the_edge_warning_is_a_warning_of_the_fit(capsys, strong_csv, workdir):
    """The cross-validation's warnings were printed on stderr only: ``--json``
    listed ``"warnings": []`` (and printed nothing else of them), and the
    model file's ``training.warnings`` (``summary``'s ``fit warning:`` lines)
    did not hold them. They are the fit's warnings now, as the others."""
    path = strong_csv[0]
    code, out, err = _fit(capsys, path, "--json")
    assert code == 0, err
    said = [m for m in json.loads(out)["warnings"] if "weakest penalty" in m]
    assert len(said) == 1 and said[0].startswith("cross-validation: GridEdgeWarning")
    assert "give a smaller --eps (below 0.0001)" in said[0]
    stored = json.loads((workdir / "m.json").read_text())["training"]["warnings"]
    assert said == [m for m in stored if "weakest penalty" in m]
    code, out, err = run_cli(capsys, ["summary", "m.json"])
    assert code == 0 and "fit warning: cross-validation: GridEdgeWarning" in out + err
    # printed once without --json
    code, out, err = _fit(capsys, path, "--force")
    assert code == 0 and err.count("weakest penalty strength") == 1
