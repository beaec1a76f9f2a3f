"""A K-class fit's statistics keep the rows of positive weight
(``training.fit_statistics.rows``), as a two-class file keeps
``labels.rows``, so that ``nobs_counts`` tells a weighted fit whose whole
weights, zeros among them, sum to the row count from an unweighted one.

References, computed here: statsmodels' ``MNLogit`` (Newton to 1e-12) on its
bundled ``anes96`` data (party identification collapsed to three classes,
944 rows) with the rows repeated ``w_i`` times (frequency weights, Stata's
``fweight``: a row of weight 0 is no observation), ``wnobs`` of
statsmodels' ``GLM(..., freq_weights=w)`` for ``nobs``, and numpy's count of
the weights above 0 for the rows of positive weight.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

import logistic
from conftest import run_cli
from logistic import LogisticRegression
from logistic.io import ModelFormatError, _canonical

sm = pytest.importorskip("statsmodels.api")

FIT = {"method": "newton", "tol": 1e-12, "maxiter": 100, "disp": 0}


@pytest.fixture(scope="module")
def anes():
    data = sm.datasets.anes96.load_pandas()
    X = data.exog[["selfLR", "educ"]].astype(float).reset_index(drop=True)
    y = np.digitize(np.asarray(data.endog, dtype=float), [2.0, 5.0])
    return X, y


def _zeros_summing_to_rows(n: int) -> np.ndarray:
    """Whole weights 0 and 2, alternating: Σw = n rows, half of them zero."""
    w = np.tile([0.0, 2.0], n // 2)
    assert w.sum() == n
    return w


def _summary(capsys, path):
    code, out, err = run_cli(capsys, ["summary", path, "--json"])
    assert code == 0, err
    return json.loads(out)["training"]["statistics"]


def _rewrite(path, edit):
    doc = json.loads(path.read_text())
    edit(doc["training"]["fit_statistics"])
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    path.write_text(json.dumps(doc))


def test_zero_weights_summing_to_the_rows_read_as_weighted(workdir, capsys, anes):
    X, y = anes
    w = _zeros_summing_to_rows(len(y))
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y, sample_weight=w)
    positive = int(np.count_nonzero(w > 0))  # numpy: the rows of positive weight
    assert model.fit_statistics_.rows == positive == 472
    path = logistic.save(model, workdir / "kz.json")
    kept = json.loads(path.read_text())["training"]["fit_statistics"]
    assert kept["rows"] == positive and isinstance(kept["rows"], int)
    assert kept["n_samples"] == len(y)  # every row, the zeros too
    assert logistic.load(path).fit_statistics_.rows == positive

    stats = _summary(capsys, "kz.json")
    exog = sm.add_constant(np.asarray(X), prepend=False)
    reps = w.astype(int)
    res = sm.MNLogit(np.repeat(y, reps), np.repeat(exog, reps, axis=0)).fit(**FIT)
    wnobs = sm.GLM(y == 2, exog, family=sm.families.Binomial(), freq_weights=w).wnobs
    assert stats["nobs_counts"] == "sum of weights"
    assert isinstance(stats["nobs"], float) and stats["nobs"] == wnobs == res.nobs
    np.testing.assert_allclose(stats["llf"], res.llf, rtol=1e-6)
    np.testing.assert_allclose(stats["bic"], res.bic, rtol=1e-6)


def test_unit_weights_on_the_positive_rows_count_rows(workdir, capsys, anes):
    """Weights 0 and 1: Σw is the rows of positive weight, an unweighted fit
    on them (the two-class file's reading of ``labels.rows``)."""
    X, y = anes
    w = np.tile([0.0, 1.0], len(y) // 2)
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y, sample_weight=w)
    logistic.save(model, workdir / "k01.json")
    stats = _summary(capsys, "k01.json")
    keep = w > 0
    exog = sm.add_constant(np.asarray(X), prepend=False)
    res = sm.MNLogit(y[keep], exog[keep]).fit(**FIT)
    assert stats["nobs_counts"] == "rows"
    assert stats["nobs"] == int(res.nobs) == 472 and isinstance(stats["nobs"], int)


def test_files_without_the_count_load_and_hostile_counts_are_refused(
    workdir, capsys, anes
):
    X, y = anes
    n = len(y)
    model = LogisticRegression(penalty=None, tol=1e-10).fit(X, y)
    path = logistic.save(model, workdir / "k.json")
    assert json.loads(path.read_text())["training"]["fit_statistics"]["rows"] == n
    _rewrite(path, lambda s: s.pop("rows"))  # a file written before the count
    assert logistic.load(path).fit_statistics_.rows is None
    assert _summary(capsys, "k.json")["nobs_counts"] == "rows"
    for bad in (-1, 0, 1.5, 943.0, n + 1, 10**400, True, "944", None):
        _rewrite(path, lambda s, v=bad: s.update(rows=v))
        with pytest.raises(ModelFormatError, match=r"fit_statistics\.rows"):
            logistic.load(path)
        code, _, err = run_cli(capsys, ["summary", "k.json"])
        assert code == 65 and "fit_statistics.rows" in err, (bad, err)
        assert len(err) < 1000  # names the field, not a 400-digit number
    # fractional weights are on rows of positive weight: at most rows of them
    _rewrite(path, lambda s: s.update(rows=10, fractional=11))
    with pytest.raises(ModelFormatError, match=r"fit_statistics\.fractional"):
        logistic.load(path)
