"""Checkpoints accept the history every solver really records (RELIABILITY
O05): one list of history fields (``_checkpoint.HISTORY_FIELDS``) that
``Solver._record`` enforces and checkpoints accept.

Each registered solver runs a real short fit with a checkpoint, stopped after
two iterations and resumed; then a full fit whose final checkpoint is resumed.
The fits that record the optional fields (L-BFGS's subspace and polish steps,
Newton's subsample start) run on data large enough to take those paths. The
resumed fits are compared with scikit-learn's ``LogisticRegression`` on the
same data and penalty (the reference outside this library).
"""

from __future__ import annotations

import hashlib
import json
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from conftest import data_path, load_libsvm
from logistic import ConvergenceWarning, IntegrityError, LogisticRegression
from logistic._checkpoint import HISTORY_FIELDS, Checkpointer
from logistic.solvers import SOLVERS, get_solver
from logistic.solvers import lbfgs as lbfgs_module
from logistic.solvers._base import Solver


class Stop(Exception):
    """Stands in for a killed process."""


def _problem(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    z = X @ np.linspace(-1.0, 1.0, p) + 0.3
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(np.int64)
    return X, y


def _settings(name):
    """Penalty settings the solver ``name`` fits, and scikit-learn's match."""
    caps = get_solver(name).capabilities
    if caps.firth:
        return {"penalty": "firth"}, None
    if caps.supports_l1:
        return {"penalty": "l1", "C": 1.0}, {"l1_ratio": 1.0, "solver": "saga"}
    return {"penalty": "l2", "C": 1.0}, {"solver": "newton-cholesky"}


def _history_keys(entries):
    return set().union(*(set(e) for e in entries))


def _fit(model, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **kwargs)


@pytest.mark.parametrize("name", sorted(SOLVERS))
def test_every_solver_resumes_its_own_checkpoints(tmp_path, name):
    X, y = _problem(600, 4)
    settings, sk = _settings(name)
    tol = 1e-3 if get_solver(name).capabilities.stochastic else 1e-8
    path = tmp_path / "ckpt.json"

    def stop(entry):
        if entry["iter"] == 2:
            raise Stop

    with pytest.raises(Stop):
        _fit(
            LogisticRegression(solver=name, tol=tol, **settings),
            X,
            y,
            checkpoint=path,
            callback=stop,
        )
    stopped = json.loads(path.read_text())["payload"]
    assert stopped["n_iter"] == 1
    resumed = _fit(
        LogisticRegression(solver=name, tol=tol, **settings), X, y, checkpoint=path
    )
    assert [h["iter"] for h in resumed.history_] == list(range(len(resumed.history_)))
    # the full fit's final checkpoint holds every field the fit recorded
    full_path = tmp_path / "full.json"
    full = _fit(
        LogisticRegression(solver=name, tol=tol, **settings), X, y, checkpoint=full_path
    )
    written = json.loads(full_path.read_text())["payload"]["history"]
    assert _history_keys(written) == _history_keys(full.history_)
    assert _history_keys(written) <= HISTORY_FIELDS.keys()
    again = _fit(
        LogisticRegression(solver=name, tol=tol, **settings),
        X,
        y,
        checkpoint=full_path,
    )
    # SGD stops at tol 1e-3: within a hundredth of the optimum
    rtol, atol = (
        (2e-2, 1e-2) if get_solver(name).capabilities.stochastic else (1e-5, 1e-5)
    )
    if sk is not None:
        ref = SkLogisticRegression(C=1.0, tol=1e-10, max_iter=10_000, **sk).fit(X, y)
        for model in (resumed, again):
            np.testing.assert_allclose(model.coef_, ref.coef_, rtol=rtol, atol=atol)
    else:  # Firth: the resumed fits reach the uninterrupted fit's optimum
        for model in (resumed, again):
            np.testing.assert_allclose(model.coef_, full.coef_, rtol=rtol)


def test_a_polished_lbfgs_fit_resumes_from_its_checkpoint(tmp_path, monkeypatch):
    # a cut after one flat value and a tolerance below what value comparisons
    # resolve: scipy is stopped at the floor and the Newton-CG polish runs
    # (tests/test_lbfgs_floor.py); its steps record the field 'polish'
    X, y = load_libsvm(data_path("a9a", "a9a.gz"), 123, max_rows=5000)
    monkeypatch.setattr(lbfgs_module, "FLAT_EVALUATIONS", 1)
    path = tmp_path / "ckpt.json"
    model = LogisticRegression(penalty="l2", C=1.0, solver="lbfgs", tol=1e-14)
    _fit(model, X, y, checkpoint=path)
    written = json.loads(path.read_text())["payload"]["history"]
    assert any(e.get("polish") for e in written), "no polish step"
    loaded = Checkpointer(
        path, fingerprint="0", config={}, resume=True, force=True
    ).load(force=True)
    assert loaded is not None and loaded["n_iter"] == len(written) - 1
    resumed = _fit(
        LogisticRegression(penalty="l2", C=1.0, solver="lbfgs", tol=1e-14),
        X,
        y,
        checkpoint=path,
    )
    ref = SkLogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12).fit(X, y)
    np.testing.assert_allclose(resumed.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    ("solver", "n", "field"),
    [("lbfgs", 70_000, "subspace"), ("newton", 220_000, "subsample_rows")],
)
def test_optional_fields_resume(tmp_path, solver, n, field):
    """L-BFGS's sampled subspace steps (dense data of 64 000 rows or more) and
    Newton's subsample start (ten times its 20 000 rows) record fields of
    their own; their checkpoints resume."""
    X, y = _problem(n, 3, seed=1)
    path = tmp_path / "ckpt.json"
    settings = {"penalty": "l2", "C": 1.0, "solver": solver, "tol": 1e-8}

    def stop(entry):
        if entry["iter"] == 2:
            raise Stop

    with pytest.raises(Stop):
        _fit(LogisticRegression(**settings), X, y, checkpoint=path, callback=stop)
    written = json.loads(path.read_text())["payload"]["history"]
    assert field in _history_keys(written)
    resumed = _fit(LogisticRegression(**settings), X, y, checkpoint=path)
    assert field in _history_keys(resumed.history_)
    ref = SkLogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-10).fit(X, y)
    np.testing.assert_allclose(resumed.coef_, ref.coef_, rtol=1e-5, atol=1e-7)


def test_a_field_the_list_does_not_declare_is_refused_when_recorded():
    class Recording(Solver):
        name = "recording"

    fit = type("FakeFit", (), {"t0": 0.0, "n_passes": 0, "history": []})()
    with pytest.raises(RuntimeError, match=r"\['made_up'\].*HISTORY_FIELDS"):
        Recording()._record(fit, iter=0, made_up=1.0)
    assert fit.history == []


def _forge(path, change):
    doc = json.loads(path.read_text())
    change(doc["payload"]["history"])
    text = json.dumps(doc["payload"], sort_keys=True)
    doc["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    path.write_text(json.dumps(doc, sort_keys=True))


def test_the_checkpoint_accepts_exactly_the_declared_fields(tmp_path):
    X, y = _problem(600, 4)
    path = tmp_path / "ckpt.json"

    def stop(entry):
        if entry["iter"] == 3:
            raise Stop

    with pytest.raises(Stop):
        _fit(LogisticRegression(solver="gd"), X, y, checkpoint=path, callback=stop)
    reader = Checkpointer(path, fingerprint="0", config={}, force=True)
    # every declared field, holding a number, is accepted
    _forge(
        path,
        lambda h: h[-1].update(
            {k: 1 for k in HISTORY_FIELDS if k not in ("iter", "n_passes")}
        ),
    )
    assert reader.load(force=True) is not None
    # and a field not declared is refused, named
    _forge(path, lambda h: h[-1].update({"made_up": 1}))
    path.with_name(path.name + ".prev").unlink()
    with pytest.raises(IntegrityError, match="'made_up': unknown field"):
        reader.load(force=True)


def _resumed_pair(tmp_path, solver, n, p, seed, stop_at):
    """An uninterrupted fit, and the same fit stopped when it records
    iteration ``stop_at`` and resumed from its checkpoint."""
    X, y = _problem(n, p, seed=seed)
    settings = {"penalty": "l2", "C": 1.0, "solver": solver, "tol": 1e-8}
    full = _fit(LogisticRegression(**settings), X, y)
    path = tmp_path / "ckpt.json"

    def stop(entry):
        if entry["iter"] == stop_at:
            raise Stop

    with pytest.raises(Stop):
        _fit(LogisticRegression(**settings), X, y, checkpoint=path, callback=stop)
    return full, _fit(LogisticRegression(**settings), X, y, checkpoint=path)


@pytest.mark.parametrize(
    ("solver", "n", "field"),
    [
        ("newton", 600, None),
        ("gd", 600, None),
        ("lbfgs", 70_000, "subspace"),
        ("newton", 220_000, "subsample_rows"),
    ],
)
def test_a_resumed_fit_lays_out_its_history_as_the_uninterrupted_fit(
    tmp_path, solver, n, field
):
    """The checkpoint's JSON sorts each entry's keys; read back, the entries
    take the layout a fit records (the solver's fields, then ``time`` and
    ``n_passes``). Before, a resumed fit's ``history_`` had the keys sorted
    and its model file other bytes than the uninterrupted fit's."""
    full, resumed = _resumed_pair(tmp_path, solver, n, 3, 1, stop_at=2)
    if field is not None:
        assert field in _history_keys(full.history_[:2])
    # entries 0 and 1 come from the checkpoint, the later ones from the fit;
    # a resumed L-BFGS fit takes other steps (no sampled subspace, the
    # optimum within tol, not bitwise: O05), so only those two compare
    upto = 2 if solver == "lbfgs" else len(full.history_)
    assert len(resumed.history_) >= upto
    for got, want in zip(resumed.history_[:upto], full.history_[:upto], strict=True):
        assert list(got) == list(want)
    assert list(full.history_[1])[-2:] == ["time", "n_passes"]


def test_a_finished_checkpoint_resumed_saves_the_same_bytes(tmp_path, monkeypatch):
    """Fitting again over a finished fit's checkpoint restores its history
    (times included); with ``SOURCE_DATE_EPOCH`` fixing ``created`` the two
    model files are the same bytes (docs/reliability.md, "What differs
    between two files of one fit"), checksum and key order alike."""
    from logistic import save

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    X, y = _problem(600, 4)
    path = tmp_path / "ckpt.json"
    first = _fit(LogisticRegression(solver="newton"), X, y, checkpoint=path)
    again = _fit(LogisticRegression(solver="newton"), X, y, checkpoint=path)
    save(first, tmp_path / "first.json")
    save(again, tmp_path / "again.json")
    a = (tmp_path / "first.json").read_bytes()
    b = (tmp_path / "again.json").read_bytes()
    assert json.loads(a) == json.loads(b)
    assert a == b
