"""Checkpoints are read only up to a size bound (RELIABILITY P07 for
checkpoints): a file larger than the state and history a fit can write is
refused before it is read, naming the file, its size and the limit; every
real checkpoint fits well within that bound."""

from __future__ import annotations

import json
import os
import warnings

import numpy as np
import pytest

from logistic import ConvergenceWarning, IntegrityError, LogisticRegression
from logistic._checkpoint import MAX_BYTES, Checkpointer, size_limit


class Stop(Exception):
    """Stands in for a killed process."""


def _problem(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    z = X @ np.linspace(-1.0, 1.0, p) + 0.3
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(np.int64)
    return X, y


def _stopped(model, X, y, path, at):
    def stop(entry):
        if entry["iter"] == at:
            raise Stop

    with pytest.raises(Stop):
        model.fit(X, y, checkpoint=path, callback=stop)


def test_a_padded_checkpoint_beyond_the_limit_is_refused_unread(tmp_path):
    X, y = _problem(500, 4)
    path = tmp_path / "ckpt.json"
    _stopped(LogisticRegression(solver="gd", max_iter=50), X, y, path, 3)
    path.with_name(path.name + ".prev").unlink()
    limit = size_limit(5, 50, 500)  # 4 coefficients and the intercept, 500 rows
    # valid JSON still (trailing white space), but larger than any checkpoint
    # of this fit can be
    with open(path, "ab") as fh:
        fh.write(b" " * (limit + 1 - path.stat().st_size))
    size = path.stat().st_size
    with pytest.raises(IntegrityError) as info:
        LogisticRegression(solver="gd", max_iter=50).fit(X, y, checkpoint=path)
    message = str(info.value)
    assert str(path) in message
    assert f"{size} bytes, more than the limit of {limit} bytes" in message
    assert "5 parameters, 500 rows and max_iter=50" in message


def test_an_oversized_latest_falls_back_to_the_previous(tmp_path):
    X, y = _problem(500, 4)
    path = tmp_path / "ckpt.json"
    _stopped(LogisticRegression(solver="gd", max_iter=50), X, y, path, 4)
    os.truncate(path, size_limit(5, 50, 500) + 1)  # sparse: no disk used
    with pytest.warns(UserWarning, match="more than the limit.*resuming from"):
        model = LogisticRegression(solver="gd", max_iter=50)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y, checkpoint=path)
    # the previous checkpoint held iteration 2: the fit went on from there
    assert model.history_[0]["iter"] == 0 and len(model.history_) > 3


def test_a_checkpoint_read_outside_a_fit_is_bounded_by_max_bytes(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse
    reader = Checkpointer(path, fingerprint="0", config={})
    with pytest.raises(IntegrityError, match=f"more than the limit of {MAX_BYTES}"):
        reader.load()
    with pytest.raises(IntegrityError, match="more than the limit of 10 bytes"):
        Checkpointer(path, fingerprint="0", config={}).load(max_bytes=10)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_checkpoint_linked_to_an_endless_device_is_refused(tmp_path):
    path = tmp_path / "ckpt.json"
    path.symlink_to("/dev/zero")
    with pytest.raises(IntegrityError, match="character device, not a regular file"):
        Checkpointer(path, fingerprint="0", config={}).load()


@pytest.mark.parametrize(
    ("solver", "p", "max_iter"),
    [
        ("newton", 120, 100),  # the state holds a p x p Hessian
        ("firth", 60, 100),  # the state holds a p x p factor
        ("gd", 3, 400),  # the history is most of the file
        ("lbfgs", 3, 400),
    ],
)
def test_real_checkpoints_are_well_within_the_limit(tmp_path, solver, p, max_iter):
    X, y = _problem(2000, p, seed=2)
    X = X * np.geomspace(0.01, 100.0, p)  # ill-conditioned: many iterations
    penalty = {"penalty": "firth"} if solver == "firth" else {}
    path = tmp_path / "ckpt.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(
            solver=solver, max_iter=max_iter, tol=1e-12, **penalty
        ).fit(X, y, checkpoint=path)
    n_iter = json.loads(path.read_text())["payload"]["n_iter"]
    assert n_iter == model.n_iter_[0] > 1
    # the bound is twice the document's worst case
    assert path.stat().st_size <= size_limit(p + 1, max_iter) / 2


def test_a_column_newton_checkpoint_with_row_vectors_resumes(tmp_path):
    """newton-cd-columns keeps the logits, residuals and weights (one value a
    row) in its state: the limit counts rows, or a genuine checkpoint of a
    tall fit (60 000 rows, 6 parameters: ~4.5 MB) is refused at resume."""
    import scipy.sparse as sp

    n, p = 60_000, 5
    rng = np.random.default_rng(0)
    X = sp.random(n, p, density=0.5, format="csr", random_state=0)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ np.linspace(-1, 1, p))))).astype(int)
    path = tmp_path / "ck.json"

    class Stop(Exception):
        pass

    def stop(entry):
        if entry["iter"] == 2:
            raise Stop

    kw = dict(solver="newton-cd-columns", penalty="l1", C=1.0, tol=1e-10, max_iter=100)
    with pytest.raises(Stop):
        LogisticRegression(**kw).fit(X, y, checkpoint=path, callback=stop)
    assert path.stat().st_size > size_limit(p + 1, 100)  # more than p alone allows
    resumed = LogisticRegression(**kw).fit(X, y, checkpoint=path)
    whole = LogisticRegression(**kw).fit(X, y)
    assert resumed.n_iter_ == whole.n_iter_
    np.testing.assert_allclose(resumed.coef_, whole.coef_, rtol=1e-6, atol=1e-8)
