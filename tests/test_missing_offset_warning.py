"""A model fitted with an offset, asked for predictions without one, predicts
at offset 0 (statsmodels' GLM ``predict(exog)`` does the same) and says so
with one :class:`MissingOffsetWarning`; ``offset=0`` asks for it on purpose.

Reference values: statsmodels' ``GLM(y, X, family=Binomial(), offset=o)``,
whose ``predict(exog)`` is at offset 0 and ``predict(exog, offset=o)`` at the
rows' offsets.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

import logistic
from conftest import run_cli
from logistic import LogisticRegression, MissingOffsetWarning

sm = pytest.importorskip("statsmodels.api")


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 400
    x, o = rng.normal(size=n), rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.5 * x + o)))).astype(int)
    return pd.DataFrame({"x": x, "o": o, "y": y})


@pytest.fixture(scope="module")
def glm(data: pd.DataFrame):
    exog = sm.add_constant(data[["x"]])
    return sm.GLM(data.y, exog, family=sm.families.Binomial(), offset=data.o).fit(
        tol=1e-12
    )


def _quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingOffsetWarning)
        return call()


def test_python_fit_warns_and_predicts_at_zero(data, glm):
    X = data[["x"]]
    model = LogisticRegression().fit(X, data.y, offset=data.o)
    exog = sm.add_constant(X)
    with pytest.warns(MissingOffsetWarning, match=r"offset=0"):
        p = model.predict_proba(X)[:, 1]
    np.testing.assert_allclose(p, glm.predict(exog), rtol=1e-7)
    p0 = _quiet(lambda: model.predict_proba(X, offset=0)[:, 1])
    np.testing.assert_allclose(p0, glm.predict(exog), rtol=1e-7)
    p1 = _quiet(lambda: model.predict_proba(X, offset=data.o)[:, 1])
    np.testing.assert_allclose(p1, glm.predict(exog, offset=data.o), rtol=1e-7)
    for method in ("predict", "decision_function", "predict_log_proba"):
        with pytest.warns(MissingOffsetWarning):
            getattr(model, method)(X)
    with pytest.warns(MissingOffsetWarning):
        model.score(X, data.y)
    with pytest.warns(MissingOffsetWarning):
        model.predict_interval(X)
    _quiet(lambda: model.score(X, data.y, offset=data.o))


def test_mark_survives_pickle_and_is_reset_by_a_fit(data):
    X = data[["x"]].to_numpy()
    model = LogisticRegression(penalty="l2").fit(X, data.y, offset=data.o)
    with pytest.warns(MissingOffsetWarning):
        pickle.loads(pickle.dumps(model)).predict(X)
    model.fit(X, data.y)  # no offset: nothing to warn about
    _quiet(lambda: model.predict(X))


def test_partial_fit_stream_with_offset_warns(data):
    X = data[["x"]].to_numpy()
    model = LogisticRegression(solver="sgd", penalty=None)
    model.partial_fit(X[:200], data.y[:200], classes=[0, 1], offset=data.o[:200])
    model.partial_fit(X[200:], data.y[200:])
    with pytest.warns(MissingOffsetWarning):
        model.predict(X)


def test_multinomial_fit_with_offset_warns(data):
    X = data[["x"]].to_numpy()
    y3 = np.digitize(data.x + data.o, [-0.5, 0.5])
    off = np.column_stack([data.o, -data.o, 0 * data.o])
    model = LogisticRegression().fit(X, y3, offset=off)
    with pytest.warns(MissingOffsetWarning):
        model.predict_proba(X)
    _quiet(lambda: model.predict_proba(X, offset=off))


def test_command_line_model_names_its_column(data, glm, tmp_path, capsys):
    csv, out = tmp_path / "d.csv", tmp_path / "m.json"
    data.to_csv(csv, index=False)
    args = ["fit", csv, "-t", "y", "--offset", "o", "-o", out, "-q"]
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    model = logistic.load(out)
    exog = sm.add_constant(data[["x"]])
    with pytest.warns(MissingOffsetWarning, match=r"column 'o'.*df\['o'\]"):
        p = model.predict_proba(data[["x"]])[:, 1]
    np.testing.assert_allclose(p, glm.predict(exog), rtol=1e-6)
    p1 = _quiet(lambda: model.predict_proba(data[["x"]], offset=data["o"])[:, 1])
    np.testing.assert_allclose(p1, glm.predict(exog, offset=data.o), rtol=1e-6)


def test_command_line_predict_without_the_offset_column_names_it(data, tmp_path, capsys):
    """logistic predict reads the offset column from DATA; a file without it
    is an error calling the column the model's offset, not a model input."""
    csv, out = tmp_path / "d.csv", tmp_path / "m.json"
    data.to_csv(csv, index=False)
    assert run_cli(capsys, ["fit", csv, "-t", "y", "--offset", "o", "-o", out, "-q"])[0] == 0
    data[["x"]].to_csv(tmp_path / "new.csv", index=False)
    code, _, err = run_cli(capsys, ["predict", out, tmp_path / "new.csv"])
    assert code == 65
    assert err.startswith("error: the model's offset column 'o' not found in ")


def test_cross_validated_fit_with_offset_warns(data):
    pytest.importorskip("sklearn")
    from logistic import LogisticRegressionCV

    X = data[["x"]].to_numpy()
    model = LogisticRegressionCV(Cs=3, cv=3).fit(X, data.y, offset=data.o)
    with pytest.warns(MissingOffsetWarning):
        model.predict_proba(X)
    _quiet(lambda: model.predict_proba(X, offset=data.o))


@pytest.mark.parametrize("classes", [2, 3])
def test_a_model_file_keeps_the_mark(data, tmp_path, classes):
    """A penalized fit (no fit statistics) and a K-class fit saved from Python
    warn once loaded, as they did fitted; a file without the field loads as
    before, and one whose field is no boolean is refused naming it."""
    import hashlib
    import json

    from logistic.io import _canonical

    X = data[["x"]].to_numpy()
    y = data.y.to_numpy() if classes == 2 else np.digitize(data.x + data.o, [-0.5, 0.5])
    off = data.o.to_numpy() if classes == 2 else np.column_stack([data.o] * 3)
    model = LogisticRegression(penalty="l2").fit(X, y, offset=off)
    path = logistic.save(model, tmp_path / "m.json")
    loaded = logistic.load(path, strict=True)
    with pytest.warns(MissingOffsetWarning):
        loaded.predict_proba(X)
    _quiet(lambda: loaded.predict_proba(X, offset=off))
    plain = LogisticRegression(penalty="l2").fit(X, y)
    _quiet(lambda: logistic.load(logistic.save(plain, tmp_path / "p.json")).predict(X))

    def rewrite(edit):
        doc = json.loads(path.read_text())
        edit(doc["model"]["fitted"])
        doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
        path.write_text(json.dumps(doc))

    rewrite(lambda fitted: fitted.update(offset="yes"))
    with pytest.raises(logistic.ModelFormatError, match=r"model\.fitted\.offset"):
        logistic.load(path)
    rewrite(lambda fitted: fitted.pop("offset"))
    _quiet(lambda: logistic.load(path).predict(X))  # an older file: not recorded
