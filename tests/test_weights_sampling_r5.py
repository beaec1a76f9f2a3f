"""Sampling weights after review R5: a loaded model keeps its weight kind,
pseudo-likelihood statistics are refused, the CLI refuses what the library
refuses, and the Hosmer–Lemeshow test is not computed on sampling weights.

Data: lbw (birthwt_MASS.csv) ``low ~ age + lwt + smoke + ht`` with sampling
weights ``pw ~ U(0.2, 3)`` (seed 0), the first 25 set to 0 (R5's lbwpw.csv).
References: statsmodels 0.15 ``GLM(var_weights=pw).fit(cov_type="HC0")`` on
the rows of positive weight, and an independent numpy sandwich.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import logistic
from conftest import data_path
from logistic import LogisticRegression
from logistic._exceptions import InvalidParameterError
from logistic.cli.app import main

FEATURES = ["age", "lwt", "smoke", "ht"]


def _lbw(scale: float = 1.0):
    pd = pytest.importorskip("pandas")
    d = pd.read_csv(data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv"))
    rng = np.random.default_rng(0)
    pw = rng.uniform(0.2, 3.0, len(d))
    pw[:25] = 0.0
    d = d[[*FEATURES, "low"]].astype(float)
    d["pw"] = np.round(pw, 6) * scale
    return d


def _csv(tmp_path: Path, scale: float = 1.0) -> Path:
    path = tmp_path / f"lbwpw{scale:g}.csv"
    _lbw(scale).to_csv(path, index=False, float_format="%.17g")
    return path


def _fit_file(tmp_path: Path, csv: Path, *extra: str, name: str = "s.json") -> Path:
    out = tmp_path / name
    args = ["fit", str(csv), "--target", "low", "--features", ",".join(FEATURES)]
    args += ["--weights", "pw", "-o", str(out), "--quiet", *extra]
    assert main(args) == 0
    return out


def _numpy_hc0(X, y, w, coef, intercept):
    """``I⁻¹ M I⁻¹`` with ``M = Σ (w r)² x xᵀ`` (objective order: intercept last)."""
    Xt = np.column_stack([X, np.ones(len(X))])
    p = 1 / (1 + np.exp(-(X @ coef + intercept)))
    info = (Xt * (w * p * (1 - p))[:, None]).T @ Xt
    scores = Xt * (w * (y - p))[:, None]
    inv = np.linalg.inv(info)
    return inv @ (scores.T @ scores) @ inv


@pytest.fixture(scope="module")
def sampling_file(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("r5")
    csv = _csv(tmp)
    return csv, _fit_file(tmp, csv, "--weights-kind", "sampling")


def test_loaded_model_keeps_sampling_kind(sampling_file):
    csv, path = sampling_file
    d = _lbw()
    X, y, w = d[FEATURES].to_numpy(), d["low"].to_numpy(), d["pw"].to_numpy()
    m = logistic.load(path)
    res = m.inference(X, y, w)
    assert res.sample_weight_kind == "sampling"
    assert res.cov_type == "HC0"
    assert res.nobs == np.count_nonzero(w > 0)
    cov = _numpy_hc0(X, y, w, m.coef_.ravel(), float(m.intercept_[0]))
    se = np.sqrt(np.diag(cov))
    np.testing.assert_allclose(res.bse, np.r_[se[-1], se[:-1]], rtol=1e-6)
    # the file's own covariance (the CLI's HC0, display order)
    doc = json.loads(path.read_text())
    file_se = np.sqrt(np.diag(doc["covariance"]["matrix"]))
    np.testing.assert_allclose(file_se, res.bse, rtol=1e-6)
    sm = pytest.importorskip("statsmodels.api")
    keep = w > 0
    ref = sm.GLM(y[keep], sm.add_constant(X[keep]), family=sm.families.Binomial(),
                 var_weights=w[keep]).fit(cov_type="HC0")  # fmt: skip
    np.testing.assert_allclose(res.bse, ref.bse, rtol=1e-5)
    # an explicit kind still wins; without data the kind needs the data
    freq = m.inference(X, y, w, sample_weight_kind="frequency")
    assert freq.cov_type == "nonrobust" and freq.nobs == pytest.approx(w.sum())
    with pytest.raises(InvalidParameterError, match="sampling"):
        m.inference()
    # a new fit decides afresh (frequency weights by default)
    m.fit(X, y, sample_weight=w)
    with pytest.warns(UserWarning):
        assert m.inference(X, y, w).sample_weight_kind == "frequency"


def test_pseudo_likelihood_statistics_refused(sampling_file):
    d = _lbw()
    X, y, w = d[FEATURES].to_numpy(), d["low"].to_numpy(), d["pw"].to_numpy()
    model = LogisticRegression().fit(X, y, sample_weight=w)
    res = model.inference(X, y, w, sample_weight_kind="sampling")
    for name in ("llr", "llr_pvalue", "aic", "bic", "pseudo_rsquared", "prsquared"):
        with pytest.raises(InvalidParameterError, match="sampling weights"):
            getattr(res, name)
    with pytest.raises(InvalidParameterError, match="sampling weights"):
        res.lr_test(res)  # the same rule as lr_test
    assert np.isfinite(res.llf) and np.isfinite(res.deviance)
    text = str(res.summary())
    assert text.count("n/a (sampling weights)") == 5  # R2, LR chi2, p, AIC, BIC
    # the Wald test of all slopes stays (the valid overall test)
    wald = res.wald_test(np.eye(5)[1:])
    assert np.isfinite(float(np.squeeze(wald.statistic)))
    with pytest.warns(UserWarning):
        freq = model.inference(X, y, w)
    assert np.isfinite(freq.llr_pvalue) and np.isfinite(freq.aic)


def test_cli_sampling_summary_and_file(sampling_file, capsys):
    csv, path = sampling_file
    doc = json.loads(path.read_text())
    stats = doc["training"]["statistics"]
    assert not {"aic", "bic", "pseudo_rsquared"} & set(stats)
    capsys.readouterr()
    assert main(["summary", str(path), str(csv)]) == 0
    out = capsys.readouterr().out
    assert "n/a (sampling weights)" in out and "HC0" in out


def test_cli_explicit_nonrobust_refused(sampling_file, capsys):
    csv, path = sampling_file
    for cmd in ("summary", "margins"):
        capsys.readouterr()
        assert main([cmd, str(path), str(csv), "--cov-type", "nonrobust"]) == 2
        assert "nonrobust" in capsys.readouterr().err
        assert main([cmd, str(path), str(csv)]) == 0
        assert "HC0" in capsys.readouterr().out
        assert main([cmd, str(path), str(csv), "--cov-type", "HC1"]) == 0


def test_cli_firth_with_sampling_refused_l2_records_kind(tmp_path, capsys):
    csv = _csv(tmp_path)
    out = tmp_path / "f.json"
    args = ["fit", str(csv), "--target", "low", "--features", "age,lwt"]
    args += ["--weights", "pw", "--weights-kind", "sampling", "-o", str(out)]
    assert main([*args, "--penalty", "firth", "--quiet"]) == 2
    assert "--penalty firth" in capsys.readouterr().err
    assert not out.exists()
    assert main([*args, "--penalty", "l2", "--quiet"]) == 0
    assert json.loads(out.read_text())["training"]["sample_weight_kind"] == "sampling"
    # the library refuses Firth with sampling weights too
    d = _lbw()
    X, y, w = d[["age", "lwt"]].to_numpy(), d["low"].to_numpy(), d["pw"].to_numpy()
    firth = LogisticRegression(penalty="firth").fit(X, y, sample_weight=w)
    with pytest.raises(InvalidParameterError, match="Firth"):
        firth.inference(X, y, w, sample_weight_kind="sampling")


def test_hosmer_lemeshow_not_computed_on_sampling_weights(tmp_path, capsys):
    results = []
    for scale in (1.0, 10.0):
        csv = _csv(tmp_path, scale)
        path = _fit_file(tmp_path, csv, "--weights-kind", "sampling",
                         name=f"s{scale:g}.json")  # fmt: skip
        capsys.readouterr()
        assert main(["evaluate", str(path), str(csv), "--json"]) == 0
        results.append(json.loads(capsys.readouterr().out))
    for m in results:
        assert m["hosmer_lemeshow"] is None
        assert "sampling weights" in m["hosmer_lemeshow_note"]
    # frequency weights (the same file read as frequencies): the test is there
    csv = _csv(tmp_path)
    freq = _fit_file(tmp_path, csv, name="f.json")
    capsys.readouterr()
    assert main(["evaluate", str(freq), str(csv), "--json"]) == 0
    m = json.loads(capsys.readouterr().out)
    assert m["hosmer_lemeshow"] is not None and m["hosmer_lemeshow_note"] is None


def test_report_hosmer_lemeshow_note(sampling_file, tmp_path):
    pytest.importorskip("matplotlib")
    csv, path = sampling_file
    out = tmp_path / "r.html"
    assert main(["report", str(path), str(csv), "-o", str(out)]) == 0
    text = out.read_text()
    assert "Not computed: the rows carry sampling weights" in text
    assert "Hosmer–Lemeshow χ²" not in text and "chi2 = " not in text
    assert "not shown: the model was fitted with sampling weights" in text


def test_saving_a_loaded_sampling_model_keeps_the_kind(sampling_file, tmp_path):
    csv, path = sampling_file
    d = _lbw()
    X, y, w = d[FEATURES].to_numpy(), d["low"].to_numpy(), d["pw"].to_numpy()
    again = logistic.save(logistic.load(path), tmp_path / "again.json")
    training = json.loads(Path(again).read_text())["training"]
    assert training["sample_weight_kind"] == "sampling"
    assert training["cov_type"] == "HC0"
    reloaded = logistic.load(again)
    res = reloaded.inference(X, y, w)
    assert res.cov_type == "HC0" and res.nobs == np.count_nonzero(w > 0)
    refit = logistic.load(path).fit(X, y, sample_weight=w)  # a new fit: no mark
    saved = logistic.save(refit, tmp_path / "refit.json")
    assert "sample_weight_kind" not in json.loads(Path(saved).read_text())["training"]
