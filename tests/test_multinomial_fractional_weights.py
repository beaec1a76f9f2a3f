"""K-class inference warns that non-integer sample weights are read as
frequency weights, as two-class inference does.

A K-class fit has one weight kind, frequency (statsmodels' ``freq_weights``,
Stata's ``[fw=]``): row i counts as ``w_i`` observations, ``nobs = Σw``. With
non-integer weights, usually survey or inverse-probability weights, the
warning names the row count and the way to sampling-weight standard errors:
``cov_type="cluster"`` with every row its own group, whose sandwich is the
pweight one, ``n/(n-1) I⁻¹ Σ (w_i g_i)(w_i g_i)ᵀ I⁻¹`` (Stata's ``mlogit
[pw=w]``, vce(robust)); checked here against that formula in plain numpy.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.special import softmax

from conftest import data_path, run_cli
from logistic import LogisticRegression

UCLA = data_path("ucla-admissions", "binary.csv")
FEATURES = ["gre", "gpa", "admit"]
MESSAGE = "rows have non-integer sample weights: inference treats them as frequency"


def _data():
    d = pd.read_csv(UCLA)
    return d[FEATURES], d["rank"].to_numpy()


def _weights(n_fractional: int, n: int) -> np.ndarray:
    w = np.random.default_rng(0).integers(1, 4, n).astype(float)
    w[:n_fractional] += 0.5
    return w


def _fractional_warnings(record) -> list[str]:
    return [str(w.message) for w in record if MESSAGE in str(w.message)]


def test_fractional_weights_warn_once_with_the_row_count():
    X, y = _data()
    w = _weights(37, len(y))
    model = LogisticRegression().fit(X, y, sample_weight=w)
    for call in (
        lambda: model.inference(X, y, w),
        lambda: model.inference(),  # from the statistics fit kept
        lambda: model.summary(),
        lambda: model.inference(X, y, w, cov_type="HC1"),
    ):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            res = call()
        found = _fractional_warnings(record)
        assert len(found) == 1, found
        assert found[0].startswith("37 rows have non-integer sample weights")
        assert "sample_weight_kind='sampling') are for two classes only" in found[0]
        assert "one-vs-rest" in found[0]
    assert res.nobs == pytest.approx(w.sum())  # what the warning says: nobs = Σw


def test_integer_weights_do_not_warn():
    X, y = _data()
    w = _weights(0, len(y))  # whole numbers stored as floats
    model = LogisticRegression().fit(X, y, sample_weight=w)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.inference(X, y, w)
        model.inference()
        model.summary()


def test_integer_weights_are_clean_under_python_W_error():
    code = (
        "import numpy as np, pandas as pd\n"
        "from logistic import LogisticRegression\n"
        f"d = pd.read_csv({str(UCLA)!r})\n"
        f"X, y = d[{FEATURES!r}], d['rank']\n"
        "w = np.random.default_rng(0).integers(1, 4, len(y)).astype(float)\n"
        "m = LogisticRegression().fit(X, y, sample_weight=w)\n"
        "m.inference(X, y, w); m.inference(); print(m.summary())\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr


def test_class_weights_keep_their_own_warning():
    X, y = _data()
    model = LogisticRegression(class_weight="balanced").fit(X, y)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        model.inference(X, y)
    assert not _fractional_warnings(record)


def test_cluster_on_rows_is_the_sampling_weight_sandwich():
    """The remedy the warning names: Stata's mlogit [pw=w] robust covariance,
    n/(n-1) I⁻¹ (Σ (w_i g_i)(w_i g_i)ᵀ) I⁻¹ over the rows of positive weight,
    g_i = (p_i - e_{y_i})[1:] ⊗ [x_i, 1] (reference class 0)."""
    X, y = _data()
    w = np.random.default_rng(1).uniform(1.0, 4.0, len(y))
    w[:5] = 0.0
    model = LogisticRegression().fit(X, y, sample_weight=w)
    with pytest.warns(UserWarning, match="395 rows have non-integer"):
        res = model.inference(X, y, w, cov_type="cluster", groups=np.arange(len(y)))
    classes = np.unique(y)
    Xt = np.column_stack([X.to_numpy(float), np.ones(len(y))])
    B = np.column_stack([model.coef_, model.intercept_])
    P = softmax(Xt @ (B - B[0]).T, axis=1)
    R = (P - (y[:, None] == classes).astype(float))[:, 1:]
    scores = (R[:, :, None] * Xt[:, None, :]).reshape(len(y), -1)
    info = sum(
        w[i] * np.kron(np.diag(P[i, 1:]) - np.outer(P[i, 1:], P[i, 1:]),
                       np.outer(Xt[i], Xt[i]))
        for i in range(len(y))
    )  # fmt: skip
    bread = np.linalg.inv(info)
    S = scores * w[:, None]
    n = np.count_nonzero(w > 0)
    V = n / (n - 1) * bread @ S.T @ S @ bread
    np.testing.assert_allclose(res.bse.ravel(), np.sqrt(np.diag(V)), rtol=1e-9)


def test_cli_fit_warns_about_fractional_weights(workdir, capsys):
    d = pd.read_csv(UCLA)
    d["pw"] = _weights(12, len(d))
    d["iw"] = _weights(0, len(d))
    d.to_csv(workdir / "w.csv", index=False)
    args = ["fit", "w.csv", "--target", "rank", "--features", ",".join(FEATURES)]
    code, _, err = run_cli(capsys, [*args, "--weights", "pw", "-o", "f.json"])
    assert code == 0, err
    assert err.count(MESSAGE) == 1 and "12 rows have non-integer" in err
    assert "--weights-kind sampling) are for two classes only" in err
    code, _, err = run_cli(capsys, [*args, "--weights", "iw", "-o", "i.json"])
    assert code == 0, err
    assert MESSAGE not in err


def test_a_model_file_keeps_the_count_and_its_summary_warns(tmp_path):
    """``training.fit_statistics.fractional``: a loaded model's summary warns
    as the fitted one's does; files without the field load silently; a count
    that is not a row count is refused naming the field."""
    import json

    import logistic
    from logistic.io import ModelFormatError, _canonical

    X, y = _data()
    model = LogisticRegression().fit(X, y, sample_weight=_weights(37, len(y)))
    path = logistic.save(model, tmp_path / "mn.json")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        logistic.load(path).summary()
    assert len(_fractional_warnings(record)) == 1
    assert "37 rows" in _fractional_warnings(record)[0]

    def rewrite(edit):
        doc = json.loads(path.read_text())
        edit(doc["training"]["fit_statistics"])
        doc["checksum"]["value"] = __import__("hashlib").sha256(
            _canonical(doc)
        ).hexdigest()
        path.write_text(json.dumps(doc))

    rewrite(lambda stats: stats.pop("fractional"))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        logistic.load(path).summary()
    assert _fractional_warnings(record) == []
    rewrite(lambda stats: stats.update(fractional=len(y) + 1))
    with pytest.raises(ModelFormatError, match="fit_statistics.fractional"):
        logistic.load(path)
