"""Inference whose dense parameter × parameter matrices cannot fit in memory
is refused before any is made, in words; ``logistic fit`` keeps the fit and
says why it has no standard errors.

Found by a security reviewer: a Parquet file of 4 rows and 20 000 zero
columns made ``logistic fit FILE --target y`` (unpenalized: the summary's
inference) take 16 GB of memory and 107 s; with 50 000 columns the
matrices (~120 GB) go past the machine's memory and the process is killed
with no message. The memory the process may use is faked here (as
``tests/test_auto_memory_check.py`` does for the solvers' Hessian).
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import data_path, run_cli
from logistic import InvalidParameterError, LogisticRegression, _memory
from logistic.inference import fit_inference
from logistic.inference._checks import INFERENCE_MATRICES

UCLA = data_path("ucla-admissions", "binary.csv")
K = 4  # gre, gpa, rank and the intercept


def _fake_memory(monkeypatch, size):
    monkeypatch.setattr(_memory, "MEMORY_CHECK_MIN_BYTES", 0)
    monkeypatch.setattr(_memory, "process_memory", lambda: size)


def _data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, K - 1))
    y = (X @ np.array([1.0, -0.5, 0.3]) + rng.logistic(size=300) > 0).astype(float)
    return X, y


def test_inference_beyond_the_memory_is_refused_before_it_starts(monkeypatch):
    X, y = _data()
    model = LogisticRegression().fit(X, y)
    _fake_memory(monkeypatch, INFERENCE_MATRICES * 8 * K * K - 1)
    with pytest.raises(InvalidParameterError, match=rf"inference on {K} parameters .*memory"):
        fit_inference(model, X, y)
    _fake_memory(monkeypatch, INFERENCE_MATRICES * 8 * K * K)
    assert fit_inference(model, X, y).bse.shape == (K,)


def test_the_cli_keeps_the_fit_without_standard_errors(monkeypatch, tmp_path, capsys):
    k = 6  # the intercept, gre, gpa and C(rank)'s 3 levels past the first
    _fake_memory(monkeypatch, INFERENCE_MATRICES * 8 * k * k - 1)
    # a memory this small would refuse the formula's design itself (a few
    # copies of 400 x 6 numbers, tabular/_formula_size); the check here is
    # inference's, after the fit, so the design is built dense as it fits
    monkeypatch.setattr(
        "logistic.tabular._formula.design_form", lambda *args: (False, None)
    )
    out = tmp_path / "m.json"
    args = ["fit", UCLA, "--formula", "admit ~ gre + gpa + C(rank)", "-o", out]
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    assert f"no standard errors: inference on {k} parameters" in err
    assert out.exists()


def test_k_class_inference_beyond_the_memory_is_refused(monkeypatch):
    X, _ = _data()
    y = np.digitize(X[:, 0], [-0.5, 0.5])  # three classes
    model = LogisticRegression().fit(X, y)
    k = 2 * K  # two equations against the reference class, K terms each
    _fake_memory(monkeypatch, INFERENCE_MATRICES * 8 * k * k - 1)
    for data in ((), (X, y)):
        with pytest.raises(InvalidParameterError, match=rf"inference on {k} parameters"):
            model.inference(*data)
    _fake_memory(monkeypatch, INFERENCE_MATRICES * 8 * k * k)
    assert np.shape(model.inference(X, y).bse) == (2, K)
