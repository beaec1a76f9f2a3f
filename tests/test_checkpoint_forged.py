"""Checkpoints written by an attacker (a recomputed checksum proves nothing):
a state that the data contradict, a value ``_encode`` never writes, an
iteration count, stall counters or a warm-start point out of range are an
:class:`~logistic.IntegrityError` naming the file and the field, never a
silently wrong fit or a raw ValueError/TypeError
(``logistic._checkpoint``, ``logistic.solvers._iterative``,
``newton-cd-columns``' state checks). Genuine checkpoints still resume
bitwise."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from conftest import resign_checkpoint
from logistic import ConvergenceWarning, IntegrityError, LogisticRegression

pytestmark = pytest.mark.filterwarnings("ignore::logistic.ConvergenceWarning")


class Crash(Exception):
    """Stands in for a killed process."""


def _dense(n=600, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.geomspace(0.3, 3.0, p)
    z = X @ (np.linspace(-0.8, 0.8, p) / np.geomspace(0.3, 3.0, p)) + 0.2
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    return X, y


def _sparse(n=800, p=40, seed=1):
    """CSR data: ``newton-cd-columns`` runs on X's columns."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=0.2, format="csr", random_state=seed)
    X.data = rng.standard_normal(X.nnz)
    z = X @ rng.normal(size=p) * 0.8
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    return X, y


def _model(solver, **kw):
    kw = {"penalty": "l2", "alpha": 1e-3, "tol": 1e-10, **kw}
    if solver == "fista":
        kw.setdefault("max_iter", 3000)
    if solver == "gd":
        kw.setdefault("max_iter", 3000)
    return LogisticRegression(solver=solver, **kw)


def _stopped(model, X, y, path, stop_at=3):
    """Stop ``model``'s fit when iteration ``stop_at`` is recorded; keep the
    checkpoint of iteration ``stop_at - 1`` and no previous one (so a
    refused latest checkpoint cannot fall back to it)."""

    def stop(entry):
        if entry["iter"] == stop_at:
            raise Crash

    with pytest.raises(Crash):
        model.fit(X, y, checkpoint=path, callback=stop)
    path.with_name(path.name + ".prev").unlink(missing_ok=True)
    return json.loads(path.read_text())["payload"]




def _hex(x):
    return {"float": float(x).hex()}


def _hex_array(values):
    values = np.asarray(values, dtype=float)
    return {"array": [float(v).hex() for v in values.ravel()], "shape": [values.size]}


def _decoded(entry):
    return np.array([float.fromhex(v) for v in entry["array"]])


def _set_state(name, value):
    return lambda payload: payload["state"].__setitem__(name, value)


# -- HIGH: a state the data contradict is refused -------------------------------------
@pytest.mark.parametrize(
    "solver", ["newton", "newton-cg", "newton-cd", "gd", "fista", "sgd"]
)
def test_a_forged_zero_gradient_norm_is_refused(tmp_path, solver):
    """``grad_max_norm`` 0 would stop the resumed fit at once, reported as
    converged: the norm at the stored point, evaluated afresh, disagrees."""
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model(solver, random_state=0), X, y, path)
    resign_checkpoint(path, _set_state("grad_max_norm", _hex(0.0)))
    with pytest.raises(IntegrityError, match=r"c\.json.*gradient norm 0\.0"):
        _model(solver, random_state=0).fit(X, y, checkpoint=path)


def test_a_forged_objective_value_is_refused(tmp_path):
    X, y = _dense()
    path = tmp_path / "c.json"
    payload = _stopped(_model("newton"), X, y, path)
    value = float.fromhex(payload["state"]["value"]["float"])
    resign_checkpoint(path, _set_state("value", _hex(value * 0.5)))
    with pytest.raises(IntegrityError, match=r"objective value .* the data give"):
        _model("newton").fit(X, y, checkpoint=path)


def test_a_newton_point_moved_with_its_values_kept_is_refused(tmp_path):
    X, y = _dense()
    path = tmp_path / "c.json"
    payload = _stopped(_model("newton"), X, y, path)
    theta = _decoded(payload["state"]["theta"]) + 0.5
    resign_checkpoint(path, _set_state("theta", _hex_array(theta)))
    with pytest.raises(IntegrityError, match="the data give"):
        _model("newton").fit(X, y, checkpoint=path)


def _scaled_grad(factor):
    def change(payload):
        state = payload["state"]
        state["grad"] = _hex_array(_decoded(state["grad"]) * factor)

    return change


@pytest.mark.parametrize(
    "solver, change",
    [
        ("newton", _scaled_grad(0.0)),
        ("newton", _scaled_grad(3.0)),
        ("newton", _set_state("grad", _hex_array([float("nan")] * 7))),
        ("gd", _scaled_grad(0.5)),
        ("newton-cg", _scaled_grad(-1.0)),
    ],
)
def test_a_forged_gradient_with_its_norm_kept_is_refused(tmp_path, solver, change):
    """The state's gradient steers the next step: it is checked against the
    gradient at the stored point too, not only its norm."""
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model(solver), X, y, path)
    resign_checkpoint(path, change)
    with pytest.raises(IntegrityError, match="'grad'|stored gradient"):
        _model(solver).fit(X, y, checkpoint=path)


@pytest.mark.parametrize(
    "field, value, match",
    [
        ("value", _hex(float("nan")), "'value'"),
        ("grad_max_norm", _hex(float("inf")), "'grad_max_norm'"),
        ("grad_max_norm", _hex(-1.0), "'grad_max_norm'"),
    ],
)
def test_non_finite_state_values_are_refused(tmp_path, field, value, match):
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("gd"), X, y, path)
    resign_checkpoint(path, _set_state(field, value))
    with pytest.raises(IntegrityError, match=match):
        _model("gd").fit(X, y, checkpoint=path)


def test_a_genuine_sparse_column_newton_resume_is_bitwise(tmp_path):
    X, y = _sparse()
    full = _model("newton-cd-columns").fit(X, y)
    path = tmp_path / "c.json"
    payload = _stopped(_model("newton-cd-columns"), X, y, path, 2)
    assert "z" in payload["state"]  # the fit runs on X's columns
    resumed = _model("newton-cd-columns").fit(X, y, checkpoint=path)
    np.testing.assert_array_equal(resumed.coef_, full.coef_)
    np.testing.assert_array_equal(resumed.intercept_, full.intercept_)
    assert resumed.n_iter_[0] == full.n_iter_[0]


def _zeros_like(name):
    def change(payload):
        entry = payload["state"][name]
        payload["state"][name] = _hex_array(np.zeros(len(entry["array"])))

    return change


def _moved_theta(payload):
    state = payload["state"]
    state["theta"] = _hex_array(_decoded(state["theta"]) + 0.3)


@pytest.mark.parametrize(
    "change, match",
    [
        (_zeros_like("z"), "'z'"),
        (_zeros_like("residual"), "'residual'"),
        (_zeros_like("weights"), "'weights'"),
        (_zeros_like("grad_loss"), "'grad_loss'"),
        (_moved_theta, "'z'"),
        (_set_state("loss", _hex(0.01)), "'loss'"),
        (_set_state("sweeps", -1), "'sweeps'"),
        (_set_state("last_sweeps", 2.5), "'last_sweeps'"),
        (_set_state("rate", _hex(float("nan"))), "'rate'"),
        (_set_state("early", _hex(-1.0)), "'early'.*a finite float >= 0"),
        (_set_state("g_b", "x"), "'g_b'"),
        (_set_state("columns", 3), "'columns'"),
        (lambda p: p["state"].__setitem__("z", _hex_array([0.0] * 3)), "'z'"),
    ],
    ids=[
        "z-zeros",
        "residual-zeros",
        "weights-zeros",
        "grad_loss-zeros",
        "theta-moved",
        "loss",
        "sweeps",
        "last_sweeps",
        "rate",
        "early",
        "g_b",
        "columns",
        "z-short",
    ],
)
def test_a_forged_column_newton_state_is_refused(tmp_path, change, match):
    """``z`` and the quantities made from it are where the next step starts:
    each is checked against the data at the state's point."""
    X, y = _sparse()
    path = tmp_path / "c.json"
    _stopped(_model("newton-cd-columns"), X, y, path, 2)
    resign_checkpoint(path, change)
    with pytest.raises(IntegrityError, match=match):
        _model("newton-cd-columns").fit(X, y, checkpoint=path)


def test_force_resume_on_other_data_restarts_from_the_stored_point(tmp_path):
    """``force_resume`` on data whose objective contradicts the stored state:
    a warning, and the fit restarts from the checkpoint's point on these data
    (the same optimum as a fresh fit), instead of continuing from values of
    other data."""
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("newton"), X, y, path)
    X2, y2 = _dense(seed=7)
    fresh = _model("newton").fit(X2, y2)
    with pytest.warns(UserWarning, match="force_resume"):
        forced = _model("newton").fit(X2, y2, checkpoint=path, force_resume=True)
    assert forced.converged_
    np.testing.assert_allclose(forced.coef_, fresh.coef_, rtol=1e-7, atol=1e-9)


# -- MEDIUM: values _encode never writes, counters out of range -----------------------
@pytest.mark.parametrize(
    "value, match",
    [
        ({"float": "0xnothex"}, "float written by float.hex"),
        ({"float": 3}, r"\{'float': hex\}"),
        ({"array": ["0x1p+0"] * 3, "shape": [7]}, "as many values"),
        ({"array": "0x1p+0", "shape": [1]}, "as many values"),
        ({"array": ["0x1p+0"], "shape": [1], "extra": 1}, r"\{'float': hex\}"),
        ([1.0, 2.0], "a number or a string"),
        ({"x": 1}, r"\{'float': hex\}"),
    ],
    ids=[
        "bad-hex",
        "float-int",
        "wrong-shape",
        "array-str",
        "extra-key",
        "list",
        "dict",
    ],
)
def test_undecodable_state_values_are_refused_naming_the_field(tmp_path, value, match):
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("newton"), X, y, path)
    resign_checkpoint(path, _set_state("grad", value))
    with pytest.raises(IntegrityError, match=r"c\.json: state field 'grad'") as info:
        _model("newton").fit(X, y, checkpoint=path)
    assert re.search(match, str(info.value)), str(info.value)


@pytest.mark.parametrize("state", [[1, 2], "x", None])
def test_a_state_that_is_not_an_object_is_refused(tmp_path, state):
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("newton"), X, y, path)
    resign_checkpoint(path, lambda payload: payload.__setitem__("state", state))
    with pytest.raises(IntegrityError, match="'state' is .* expected an object"):
        _model("newton").fit(X, y, checkpoint=path)


def test_an_undecodable_latest_checkpoint_falls_back_to_the_previous(tmp_path):
    X, y = _dense()
    full = _model("newton").fit(X, y)
    path = tmp_path / "c.json"

    def stop(entry):
        if entry["iter"] == 3:
            raise Crash

    with pytest.raises(Crash):
        _model("newton").fit(X, y, checkpoint=path, callback=stop)
    resign_checkpoint(path, _set_state("grad", {"float": "not hex"}))
    with pytest.warns(UserWarning, match="state field 'grad'.*previous"):
        resumed = _model("newton").fit(X, y, checkpoint=path)
    np.testing.assert_array_equal(resumed.coef_, full.coef_)


@pytest.mark.parametrize("n_iter", [-5, 2.5, "x", True, None])
def test_an_iteration_count_out_of_range_is_refused(tmp_path, n_iter):
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("newton"), X, y, path)
    resign_checkpoint(path, lambda payload: payload.__setitem__("n_iter", n_iter))
    with pytest.raises(IntegrityError, match=r"'n_iter' is .* from 0 to max_iter"):
        _model("newton").fit(X, y, checkpoint=path)


def test_an_iteration_count_past_max_iter_is_refused(tmp_path):
    """With a history of as many entries, so that the count is the refusal."""
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("newton"), X, y, path)

    def change(payload):
        last = payload["history"][-1]
        payload["history"] += [dict(last, iter=i) for i in range(3, 1001)]
        payload["n_iter"] = 1000

    resign_checkpoint(path, change)
    with pytest.raises(IntegrityError, match=r"'n_iter' is 1000, expected .* to max_"):
        _model("newton", max_iter=999).fit(X, y, checkpoint=path)


@pytest.mark.parametrize(
    "field, value",
    [
        ("stall_since_best", -1),
        ("stall_since_best", "x"),
        ("stall_since_best", 1.5),
        ("stall_best", _hex(float("nan"))),
        ("stall_best", _hex(-1.0)),
        ("stall_best", 3),
        ("stall_best_value", _hex(float("nan"))),
        ("stall_best_value", None),
    ],
)
def test_stall_counters_of_the_wrong_kind_are_refused(tmp_path, field, value):
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("gd"), X, y, path)
    resign_checkpoint(path, _set_state(field, value))
    with pytest.raises(IntegrityError, match=f"'{field}'"):
        _model("gd").fit(X, y, checkpoint=path)


#: ``theta_original`` values a checkpoint may not restart from (the problem
#: has 7 parameters), with how the refusal describes each.
BAD_POINTS = [
    (_hex_array([0.0] * 3), r"shape \(3,\)"),
    (_hex_array([float("nan")] * 7), r"shape \(7,\)"),
    ("x", "str 'x'"),
]


@pytest.mark.parametrize("value, received", BAD_POINTS)
def test_a_bad_warm_start_point_is_refused(tmp_path, value, received):
    """A state lacking fields restarts from its ``theta_original``: that point
    must be finite, of the problem's length."""
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("gd"), X, y, path)

    def change(payload):
        del payload["state"]["grad"]
        payload["state"]["theta_original"] = value

    resign_checkpoint(path, change)
    with pytest.raises(IntegrityError, match="'theta_original'") as info:
        _model("gd").fit(X, y, checkpoint=path)
    assert re.search(received, str(info.value))
    assert "7 finite floats" in str(info.value)


def test_a_good_warm_start_point_resumes(tmp_path):
    X, y = _dense()
    full = _model("gd").fit(X, y)
    path = tmp_path / "c.json"
    _stopped(_model("gd"), X, y, path)

    def change(payload):
        del payload["state"]["grad"]
        payload["state"]["theta_original"] = _hex_array(
            full.coef_.ravel().tolist() + [full.intercept_[0]]
        )

    resign_checkpoint(path, change)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        resumed = _model("gd").fit(X, y, checkpoint=path)
    np.testing.assert_allclose(resumed.coef_, full.coef_, rtol=1e-6)


@pytest.mark.parametrize("value, received", BAD_POINTS)
def test_a_bad_lbfgs_restart_point_is_refused(tmp_path, value, received):
    """L-BFGS restarts from its checkpoint's ``theta_original``: a point that
    is not the problem's number of finite floats is refused, naming it."""
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model("lbfgs"), X, y, path)
    resign_checkpoint(path, _set_state("theta_original", value))
    with pytest.raises(IntegrityError, match="'theta_original'") as info:
        _model("lbfgs").fit(X, y, checkpoint=path)
    assert re.search(received, str(info.value))
    assert "7 finite floats" in str(info.value)


def test_a_column_fit_run_to_its_rounding_floor_resumes(tmp_path):
    """Near the optimum the intercept gradient the columns state keeps is
    rounding noise (~1e-18), summed by the kernel in another order than the
    check's: the check allows that rounding, so a genuine checkpoint of a
    ``tol=0`` fit resumes, bitwise."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(2000, 30)) * 3
    X[rng.random(X.shape) < 0.6] = 0
    y = (rng.random(2000) < 1 / (1 + np.exp(-(X @ rng.normal(size=30) / 3 + 0.5))))
    y = y.astype(float)
    sw = rng.uniform(0.1, 5, 2000)
    X = sp.csr_matrix(X)
    kw = {"solver": "newton-cd-columns", "penalty": "l2", "alpha": 1e-3, "tol": 0.0,
          "max_iter": 60}  # fmt: skip
    full = LogisticRegression(**kw).fit(X, y, sample_weight=sw)
    n = int(full.n_iter_[0])
    for stop_at in (n - 2, n):
        path = tmp_path / f"c{stop_at}.json"

        def stop(entry, stop_at=stop_at):
            if entry["iter"] == stop_at:
                raise Crash

        with pytest.raises(Crash):
            LogisticRegression(**kw).fit(X, y, sample_weight=sw, checkpoint=path,
                                         callback=stop)  # fmt: skip
        assert path.exists()
        resumed = LogisticRegression(**kw).fit(X, y, sample_weight=sw, checkpoint=path)
        np.testing.assert_array_equal(resumed.coef_, full.coef_)
        np.testing.assert_array_equal(resumed.intercept_, full.intercept_)


@pytest.mark.parametrize(
    "solver, field, value",
    [("newton", "step", "x"), ("lbfgs", "theta_original", "x")],
)
def test_a_refused_state_field_names_the_file(tmp_path, solver, field, value):
    X, y = _dense()
    path = tmp_path / "c.json"
    _stopped(_model(solver), X, y, path)
    resign_checkpoint(path, _set_state(field, value))
    with pytest.raises(IntegrityError, match=f"'{field}'") as info:
        _model(solver).fit(X, y, checkpoint=path)
    assert str(path) in str(info.value)
