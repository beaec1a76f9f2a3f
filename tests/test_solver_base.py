"""The solver base (``solvers/_base.py``, ``_iterative.py``, ``_options.py``,
``_linesearch.py``), parametrised over the registry:

* ``solvers.solve`` is the one entry point: a caller's standardized view is
  used (never rebuilt), the callback sees every history entry with
  ``n_passes``;
* options are declared and typed: a misspelled or unknown option is an error
  naming it and listing the valid ones;
* no per-fit state on the solver: one instance runs two fits at once
  (interleaved and in threads) with the results of two separate instances;
* a checkpoint is the state serialized: resuming any solver but ``lbfgs`` is
  bitwise equal to the uninterrupted fit, without patching the solver;
* the numeric constants have one owner (:mod:`logistic._numerics`).
"""

from __future__ import annotations

import pathlib
import re
import sys
import threading
import warnings

import numpy as np
import pytest
from scipy.special import expit

from logistic import (
    ConvergenceWarning,
    InvalidParameterError,
    LogisticObjective,
    _numerics,
)
from logistic._checkpoint import Checkpointer
from logistic._scaling import ScaledObjective
from logistic.solvers import SOLVERS, _base, get_solver, solve

ALL = sorted(SOLVERS)
EXACT_RESUME = [n for n in ALL if n != "lbfgs"]


def _problem(seed=0, n=400, p=5):
    """Features in units from 0.1 to 10, a well-determined optimum."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.geomspace(0.1, 10.0, p)
    z = X @ (np.linspace(-1, 1, p) / np.geomspace(0.1, 10.0, p)) + 0.3
    y = (rng.random(n) < expit(z)).astype(float)
    return X, y


def _objective(name, seed=0):
    """An L2 problem (plain likelihood for Firth's solver)."""
    X, y = _problem(seed)
    l2 = 0.0 if SOLVERS[name].capabilities.firth else 1e-3
    return LogisticObjective.from_arrays(X, y, l2=l2)


def _l1(name):
    return 1e-3 if SOLVERS[name].capabilities.supports_l1 else 0.0


def _quiet_solve(solver, objective, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return solver.solve(objective, np.zeros(objective.n_params), **kw)


# -- the entry point -----------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_solve_uses_the_callers_view(name, monkeypatch):
    obj = _objective(name)
    view = ScaledObjective(obj)

    def forbidden(*args, **kwargs):
        raise AssertionError("the standardized view was rebuilt")

    monkeypatch.setattr(_base, "ScaledObjective", forbidden)
    entries = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = solve(
            name,
            obj,
            np.zeros(obj.n_params),
            tol=1e-8,
            max_iter=30,
            l1=_l1(name),
            random_state=0,
            callback=entries.append,
            view=view,
        )
    assert entries == res.history
    assert [e["iter"] for e in entries] == list(range(len(entries)))
    for e in entries:
        assert {
            "iter",
            "objective",
            "grad_max_norm",
            "step",
            "time",
            "n_passes",
        } <= set(e)
    assert entries[-1]["n_passes"] == res.n_passes
    assert all(
        a["n_passes"] <= b["n_passes"]
        for a, b in zip(entries[:-1], entries[1:], strict=True)
    )


def test_a_view_of_another_objective_is_refused():
    obj = _objective("newton")
    other = _objective("newton", seed=1)
    with pytest.raises(InvalidParameterError, match="another objective"):
        solve(
            "newton",
            obj,
            np.zeros(obj.n_params),
            tol=1e-8,
            max_iter=5,
            view=ScaledObjective(other),
        )


def test_default_tol_follows_the_dtype():
    X, y = _problem()
    for dtype, tol in [(np.float64, 1e-10), (np.float32, 1e-6)]:
        obj = LogisticObjective.from_arrays(X.astype(dtype), y.astype(dtype), l2=1e-3)
        res = get_solver("newton")(max_iter=50).solve(obj, np.zeros(obj.n_params))
        assert res.converged and res.grad_max_norm <= tol
        assert get_solver("newton").default_tol(dtype) == tol
    assert get_solver("sgd").default_tol(np.float64) == _numerics.DEFAULT_TOL_STOCHASTIC


# -- typed, validated options -----------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_unknown_option_is_an_error_listing_the_valid_ones(name):
    cls = SOLVERS[name]
    with pytest.raises(InvalidParameterError) as info:
        cls(tol=1e-8, no_such_option=3)
    msg = str(info.value)
    assert "'no_such_option'" in msg and repr(name) in msg
    import dataclasses

    for field in dataclasses.fields(cls.Options):
        assert repr(field.name) in msg


def test_misspelled_option_suggests_the_right_name():
    with pytest.raises(InvalidParameterError, match="Did you mean 'max_backtracks'"):
        get_solver("newton")(tol=1e-8, max_backtrack=10)


@pytest.mark.parametrize(
    "name, options, match",
    [
        ("newton", {"max_backtracks": 2.5}, "must be int"),
        ("newton", {"max_backtracks": True}, "must be int"),
        ("newton", {"max_backtracks": 0}, "must be >= 1"),
        ("gd", {"standardize": "yes"}, "must be bool"),
        ("sgd", {"learning_rate": "fast"}, "must be float or None"),
        ("lbfgs", {"memory": -1}, "must be >= 1"),
    ],
)
def test_option_types_and_bounds(name, options, match):
    with pytest.raises(InvalidParameterError, match=match):
        get_solver(name)(tol=1e-8, **options)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"max_iter": 0}, r"'max_iter' parameter of solver 'gd' must be an int in the range \[1"),
        ({"max_iter": 2.5}, "'max_iter' parameter of solver 'gd'"),
        ({"tol": -1.0}, r"'tol' parameter of solver 'gd' must be None or a float in the range \[0"),
        ({"tol": float("nan")}, "'tol' parameter of solver 'gd'"),
        ({"l1": -0.1}, "'l1' parameter of solver 'gd'"),
        ({"options": [("max_backtracks", 3)]}, "options must be a dict .* got list"),
        ({"theta0": np.array([np.nan, 0, 0, 0, 0, 0])}, r"theta0 must be finite: theta0\[0\] is nan"),
    ],
)
def test_solve_refuses_meaningless_arguments(kwargs, match):
    """Through the public solve(): max_iter=0 returned the start with a warning
    of 'slow convergence', tol=-1 ran to max_iter and warned that a gradient of
    5e-10 was above tol=-1, a NaN start raised NumericalError blaming the
    data's extreme values, a list of options Python's bare TypeError."""
    obj = _objective("gd")
    given = {"tol": 1e-8, "max_iter": 100, **kwargs}
    theta0 = given.pop("theta0", np.zeros(obj.n_params))
    with pytest.raises(InvalidParameterError, match=match):
        solve("gd", obj, theta0, **given)


def test_options_are_used():
    obj = _objective("newton")
    opts = get_solver("sgd")(tol=1e-8, batch_size=64, learning_rate=1).options
    assert opts.batch_size == 64 and opts.learning_rate == 1.0
    assert isinstance(opts.learning_rate, float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        short = get_solver("newton-cg")(tol=0.0, max_iter=3, max_cg=1).solve(
            obj, np.zeros(obj.n_params)
        )
    assert all(h.get("cg_iter", 1) <= 1 for h in short.history)


# -- reentrant: per-fit state in the state object --------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_one_instance_interleaves_two_fits(name):
    """Fit B runs to completion inside fit A's first callback, on the same
    instance; both equal fits on fresh instances."""
    obj_a, obj_b = _objective(name, seed=0), _objective(name, seed=1)
    kw = dict(tol=1e-9, max_iter=40, l1=_l1(name), random_state=0)
    ref_a = _quiet_solve(get_solver(name)(**kw), obj_a)
    ref_b = _quiet_solve(get_solver(name)(**kw), obj_b)

    inner: dict = {}

    def callback(entry):
        if entry["iter"] == 1 and not inner:
            inner["started"] = True
            inner["b"] = _quiet_solve(shared, _objective(name, seed=1))

    shared = get_solver(name)(callback=callback, **kw)
    got_a = _quiet_solve(shared, _objective(name, seed=0))
    for got, ref in [(got_a, ref_a), (inner["b"], ref_b)]:
        np.testing.assert_array_equal(got.coef, ref.coef)
        assert got.n_iter == ref.n_iter and got.status == ref.status


def _in_threads(run, n):
    """``run(0)`` … ``run(n - 1)``, each on a thread of its own, all at once."""
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.mark.parametrize("name", ALL)
def test_one_instance_runs_fits_in_threads(name):
    kw = dict(tol=1e-9, max_iter=40, l1=_l1(name), random_state=0)
    refs = [_quiet_solve(get_solver(name)(**kw), _objective(name, s)) for s in range(4)]
    shared = get_solver(name)(**kw)
    out: dict = {}

    def run(seed):
        obj = _objective(name, seed)
        out[seed] = shared.solve(obj, np.zeros(obj.n_params))

    with warnings.catch_warnings():  # the filters are process-wide: set them once
        warnings.simplefilter("ignore", ConvergenceWarning)
        _in_threads(run, 4)
    for s, ref in enumerate(refs):
        np.testing.assert_array_equal(out[s].coef, ref.coef)


def _tall_newton(seed):
    """Tall data on which Newton estimates Hessians from the zero start's
    rows at its first trial points (``_newton_rows``: 20 000 × 10, l2 =
    1/n, a strong signal): the sampling is per-fit state too."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(20_000, 10))
    y = (rng.random(20_000) < expit(X @ (16.0 * rng.normal(size=10)) - 1.0)).astype(
        float
    )
    return LogisticObjective.from_arrays(X, y, l2=1.0 / 20_000)


def test_one_newton_instance_interleaves_two_sampling_fits():
    kw = dict(tol=1e-9, max_iter=40)
    ref_a = _quiet_solve(get_solver("newton")(**kw), _tall_newton(0))
    ref_b = _quiet_solve(get_solver("newton")(**kw), _tall_newton(1))
    inner: dict = {}

    def callback(entry):
        if entry["iter"] == 1 and not inner:
            inner["started"] = True
            inner["b"] = _quiet_solve(shared, _tall_newton(1))

    shared = get_solver("newton")(callback=callback, **kw)
    got_a = _quiet_solve(shared, _tall_newton(0))
    for got, ref in [(got_a, ref_a), (inner["b"], ref_b)]:
        np.testing.assert_array_equal(got.coef, ref.coef)
        assert got.n_iter == ref.n_iter


def test_one_newton_instance_runs_sampling_fits_in_threads():
    """Two fits of 10 iterations (~4 ms each) on one instance in two threads,
    60 times, each bitwise equal to its fit alone. A solver that kept the
    sampled rows on ``self`` gave other bits in 4 to 20 of 100 fits (six
    runs; 5 rounds caught it in four runs of six); ~0.4 s."""
    kw = dict(tol=1e-10, max_iter=40)
    objs = [_tall_newton(s) for s in range(2)]
    refs = [_quiet_solve(get_solver("newton")(**kw), o) for o in objs]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often: races show
    try:
        for _ in range(60):
            shared = get_solver("newton")(**kw)
            out: dict = {}

            def run(i, shared=shared, out=out):
                out[i] = _quiet_solve(shared, objs[i])

            _in_threads(run, 2)
            for i, ref in enumerate(refs):
                np.testing.assert_array_equal(out[i].coef, ref.coef)
    finally:
        sys.setswitchinterval(interval)


def test_a_newton_fit_leaves_nothing_on_the_solver():
    solver = get_solver("newton")(tol=1e-10, max_iter=40)
    before = dict(vars(solver))
    _quiet_solve(solver, _tall_newton(0))
    assert vars(solver) == before


def test_a_dense_newton_fit_factors_each_hessian_once(monkeypatch):
    """The zero start's factor serves the first step, and a stale step's
    factor the step after (the factor travels with the fit's state). Each
    factor goes to LAPACK (``lapack=True``) on these data, which hold more
    than COMPILED_MIN_VALUES values, wherever the compiled kernels run."""
    from logistic._compiled import COMPILED_MIN_VALUES, compiled_kernel
    from logistic.solvers import _newton_linalg, _zero_start, newton

    factored: list[bytes] = []
    lapack: list[bool] = []

    def recording(H, s, *args):
        factored.append(H.tobytes())
        lapack.append(bool(args[0]) if args else False)
        return _newton_linalg.scaled_cholesky(H, s, *args)

    monkeypatch.setattr(newton, "scaled_cholesky", recording)
    monkeypatch.setattr(_zero_start, "scaled_cholesky", recording)
    got = _quiet_solve(get_solver("newton")(tol=1e-10, max_iter=40), _tall_newton(0))
    assert got.converged and got.history[0].get("subsample_used") is None
    assert len(factored) > 3 and len(factored) == len(set(factored))
    assert 20_000 * 10 >= COMPILED_MIN_VALUES
    assert lapack == [compiled_kernel() is not None] * len(factored)


# -- a checkpoint is the state serialized -------------------------------------------------
class _Stop(Exception):
    pass


@pytest.mark.parametrize("name", EXACT_RESUME)
def test_resume_from_the_serialized_state_is_bitwise(name, tmp_path):
    kw = dict(tol=1e-12, max_iter=12, l1=_l1(name), random_state=0)
    full = _quiet_solve(get_solver(name)(**kw), _objective(name))
    assert full.n_iter > 4
    ckpt = Checkpointer(tmp_path / "c.json", fingerprint="f", config={})

    def crash(n_iter, state, history):
        ckpt.save(n_iter, state, history)
        if n_iter == 3:
            raise _Stop

    with pytest.raises(_Stop):
        _quiet_solve(get_solver(name)(**kw), _objective(name), on_iteration=crash)
    start = ckpt.load()
    assert start is not None and start["n_iter"] == 3
    resumed = _quiet_solve(get_solver(name)(**kw), _objective(name), start=start)
    np.testing.assert_array_equal(resumed.coef, full.coef)
    assert resumed.n_iter == full.n_iter
    assert [h["objective"] for h in resumed.history] == [
        h["objective"] for h in full.history
    ]


@pytest.mark.parametrize("crash_at", [1, 2, 4])
def test_resume_of_a_sampling_newton_fit_is_bitwise(tmp_path, crash_at):
    """Whether a fit still estimates Hessians, and whether its Hessian is an
    estimate, are checkpointed; the resumed fit samples the same rows."""
    kw = dict(tol=1e-10, max_iter=40)
    full = _quiet_solve(get_solver("newton")(**kw), _tall_newton(0))
    assert full.n_iter > crash_at + 2
    ckpt = Checkpointer(tmp_path / "c.json", fingerprint="f", config={})

    def crash(n_iter, state, history):
        ckpt.save(n_iter, state, history)
        if n_iter == crash_at:
            raise _Stop

    with pytest.raises(_Stop):
        _quiet_solve(get_solver("newton")(**kw), _tall_newton(0), on_iteration=crash)
    start = ckpt.load()
    resumed = _quiet_solve(get_solver("newton")(**kw), _tall_newton(0), start=start)
    np.testing.assert_array_equal(resumed.coef, full.coef)
    assert resumed.n_iter == full.n_iter
    assert [h["objective"] for h in resumed.history] == [
        h["objective"] for h in full.history
    ]


def test_solve_resumes_through_a_checkpointer(tmp_path):
    obj = _objective("gd")
    kw = dict(tol=1e-12, max_iter=15)
    full = _quiet_solve(get_solver("gd")(**kw), obj)
    path = tmp_path / "c.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = solve(
            "gd",
            _objective("gd"),
            np.zeros(obj.n_params),
            tol=1e-12,
            max_iter=6,
            checkpoint=Checkpointer(path, fingerprint="f", config={}),
        )
        assert first.n_iter == 6
        again = solve(
            "gd",
            _objective("gd"),
            np.zeros(obj.n_params),
            **kw,
            checkpoint=Checkpointer(path, fingerprint="f", config={}),
        )
    np.testing.assert_array_equal(again.coef, full.coef)
    assert again.n_iter == full.n_iter
    assert [h["iter"] for h in again.history] == list(range(full.n_iter + 1))


# -- one owner for the numeric constants -----------------------------------------------
SOLVER_SOURCES = sorted(
    pathlib.Path(_base.__file__).parent.glob("*.py"), key=lambda p: p.name
)


@pytest.mark.parametrize("path", SOLVER_SOURCES, ids=lambda p: p.name)
def test_solvers_define_no_numeric_conventions(path):
    """Noise floors, Armijo constants, backtracking limits and default tolerances
    come from logistic._numerics; solvers hold no copies."""
    text = path.read_text()
    for pattern in [
        r"finfo\(float\)\.eps",
        r"64 \* ",
        r"1e-4 \* t",
        r"max_backtracks\", \d",
        r"max\(abs\([^)]*\), 1e-300\)",
        r"50_000",
        r"return 1e-(3|6|10)\b",
    ]:
        assert not re.search(pattern, text), (path.name, pattern)
