"""Checkpoints: atomic writes, exact resume, refusals (RELIABILITY O05, O06, D10,
decision 8)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import pytest
import scipy.sparse as sp

from conftest import resign_checkpoint
from logistic import ConvergenceWarning, IntegrityError, LogisticRegression
from logistic._checkpoint import Checkpointer, atomic_write
from logistic.backends import InMemory
from logistic.backends.chunked import Chunked


class Crash(Exception):
    """Stands in for a killed process."""


class CrashingBackend:
    """Delegates to a backend and raises after ``after`` passes."""

    def __init__(self, inner, after):
        self.inner, self.after, self.count = inner, after, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def map_reduce(self, fn):
        self.count += 1
        if self.count > self.after:
            raise Crash(f"crash at pass {self.count}")
        return self.inner.map_reduce(fn)


def correlated(n, p, seed, rho=0.99):
    """AR(1) columns: gradient descent needs hundreds of iterations."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * X[:, j]
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ np.linspace(-1, 1, p))))).astype(int)
    return X, y


def make_data(n=2000, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.geomspace(0.1, 10.0, p)
    z = X @ (np.linspace(-0.5, 0.5, p) * np.geomspace(10.0, 0.1, p)) + 0.2
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(np.int64)
    return X, y


@pytest.fixture(scope="module")
def data():
    return make_data()


def chunked(X, y):
    return Chunked.from_blocks(
        lambda: iter([(X[:700], y[:700]), (X[700:], y[700:])]), chunk_rows=500
    )


# -- atomic writes (NL-artifact) ----
def test_atomic_write_failure_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "ckpt.json"
    atomic_write(target, b"old")

    def boom(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="No space"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.json"]


def test_checkpoint_round_trips_floats_bitwise(tmp_path):
    ck = Checkpointer(tmp_path / "c.json", fingerprint="f", config={"l2": 0.1})
    state = {
        "theta": np.array([np.pi, -0.0, 5e-324, 1e300]),
        "t": 1 / 3,
        "decrement": float("nan"),
        "stop": "",
    }
    history = [{"iter": i, "objective": 0.1, "n_passes": i} for i in range(4)]
    ck.save(3, state, history)
    got = ck.load()
    assert got["n_iter"] == 3
    np.testing.assert_array_equal(got["state"]["theta"], state["theta"])
    assert np.signbit(got["state"]["theta"][1])
    assert got["state"]["t"] == 1 / 3 and np.isnan(got["state"]["decrement"])


# -- O05: resume reproduces the uninterrupted fit ----
@pytest.mark.parametrize("solver", ["gd", "newton"])
@pytest.mark.parametrize("where", ["in_memory", "chunked"])
def test_resume_is_bitwise_equal_for_stateless_solvers(tmp_path, data, solver, where):
    X, y = data

    def backend():
        if where == "chunked":
            return chunked(X, y)
        return InMemory(X, y.astype(float))

    full = LogisticRegression(solver=solver).fit(
        backend(), None, checkpoint=tmp_path / "full.json"
    )
    assert full.converged_ and full.n_iter_[0] > 3
    path = tmp_path / "ckpt.json"
    # Newton: one pass an iteration after the statistics and the start
    crashing = CrashingBackend(backend(), after=60 if solver == "gd" else 5)
    with pytest.raises(Crash):
        LogisticRegression(solver=solver).fit(crashing, None, checkpoint=path)
    done = json.loads(path.read_text())["payload"]["n_iter"]
    assert 0 < done < full.n_iter_[0]
    resumed = LogisticRegression(solver=solver).fit(backend(), None, checkpoint=path)
    np.testing.assert_array_equal(resumed.coef_, full.coef_)
    np.testing.assert_array_equal(resumed.intercept_, full.intercept_)
    assert resumed.objective_ == full.objective_
    assert resumed.n_iter_[0] == full.n_iter_[0]
    assert [h["iter"] for h in resumed.history_] == [h["iter"] for h in full.history_]
    assert [h["objective"] for h in resumed.history_] == [
        h["objective"] for h in full.history_
    ]


def _tall_sampling_data():
    """Tall data (20 000 × 10, alpha = 1/n) on which Newton's first steps
    estimate the Hessian from the zero start's rows (``solvers/_newton_rows.py``)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 10))
    z = X @ (16.0 * rng.normal(size=10)) - 1.0
    y = (rng.random(20_000) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    return X, y


def _tall_newton():
    return LogisticRegression(
        penalty="l2", alpha=1.0 / 20_000, solver="newton", tol=1e-10
    )


def _stopped_fit(model, X, y, path, stop_at):
    """Fit ``model`` with a checkpoint at ``path`` and stop it when iteration
    ``stop_at`` is recorded (before that iteration is saved): the checkpoint
    then holds iteration ``stop_at - 1``."""

    def stop(entry):
        if entry["iter"] == stop_at:
            raise Crash

    with pytest.raises(Crash):
        model.fit(X, y, checkpoint=path, callback=stop)
    assert path.exists()
    return json.loads(path.read_text())["payload"]


def _rewrite_state(path, change):
    """The checkpoint at ``path`` with ``change(state)`` applied to its
    payload's state and a valid checksum."""
    resign_checkpoint(path, lambda payload: change(payload["state"]))


@pytest.mark.parametrize("stop_at", [2, 3])
def test_resume_of_a_sampling_newton_fit_is_bitwise(tmp_path, stop_at):
    """A fit stopped while its steps estimate Hessians resumes to the
    uninterrupted fit's bits (iteration 0 is checkpointed after the first
    recorded entry, so ``stop_at`` 2 and 3 resume from iterations 1 and 2)."""
    X, y = _tall_sampling_data()
    full = _tall_newton().fit(X, y)
    path = tmp_path / "ckpt.json"
    payload = _stopped_fit(_tall_newton(), X, y, path, stop_at)
    assert payload["n_iter"] == stop_at - 1
    assert payload["state"]["sampling"] is True
    resumed = _tall_newton().fit(X, y, checkpoint=path)
    np.testing.assert_array_equal(resumed.coef_, full.coef_)
    np.testing.assert_array_equal(resumed.intercept_, full.intercept_)
    assert resumed.n_iter_[0] == full.n_iter_[0]


def _drop_sampling_fields(state):
    del state["sampling"], state["hessian_estimated"]


def _no_estimates(monkeypatch):
    """Record every Hessian estimate a fit makes after its start: rows chosen
    again for a resumed state (``sample_of``) and trial points' estimates
    (``HessianSample.estimates`` answering True)."""
    from logistic.solvers import _newton_rows, _zero_start

    made = []
    sample_of = _zero_start.sample_of
    estimates = _newton_rows.HessianSample.estimates

    def spy_sample_of(objective):
        made.append("sample_of")
        return sample_of(objective)

    def spy_estimates(self, theta, predicted):
        got = estimates(self, theta, predicted)
        if got:
            made.append("estimate")
        return got

    monkeypatch.setattr(_zero_start, "sample_of", spy_sample_of)
    monkeypatch.setattr(_newton_rows.HessianSample, "estimates", spy_estimates)
    return made


def test_newton_checkpoint_without_the_sampling_fields_resumes(
    tmp_path, data, monkeypatch
):
    """A Newton checkpoint written before the state had ``sampling`` and
    ``hessian_estimated`` (those fields dropped from a fresh one: a fit that
    never estimated a Hessian after its start, as every fit then) resumes
    to the uninterrupted fit's bits, making no estimate."""
    X, y = data
    full = LogisticRegression(solver="newton", tol=1e-10).fit(X, y)
    path = tmp_path / "ckpt.json"
    _stopped_fit(LogisticRegression(solver="newton", tol=1e-10), X, y, path, 3)
    _rewrite_state(path, _drop_sampling_fields)
    made = _no_estimates(monkeypatch)
    resumed = LogisticRegression(solver="newton", tol=1e-10).fit(X, y, checkpoint=path)
    assert made == []
    np.testing.assert_array_equal(resumed.coef_, full.coef_)
    assert resumed.n_iter_[0] == full.n_iter_[0]


def test_sampling_checkpoint_without_its_fields_resumes_with_exact_hessians(
    tmp_path, monkeypatch
):
    X, y = _tall_sampling_data()
    full = _tall_newton().fit(X, y)
    path = tmp_path / "ckpt.json"
    _stopped_fit(_tall_newton(), X, y, path, 2)
    _rewrite_state(path, _drop_sampling_fields)
    made = _no_estimates(monkeypatch)
    resumed = _tall_newton().fit(X, y, checkpoint=path)
    assert made == []  # the defaults: sampling False, the Hessian exact
    assert resumed.converged_
    np.testing.assert_allclose(resumed.coef_, full.coef_, rtol=1e-7)


def test_newton_checkpoint_without_the_later_fields_resumes(tmp_path, data):
    """``stale_hessian`` and ``prev_grad_max_norm`` default to None and NaN
    (no stale Hessian kept, no last-step prediction): a checkpoint written
    without them resumes to the same optimum."""
    X, y = data
    model = LogisticRegression(solver="newton", penalty="l2", alpha=1e-3, tol=1e-10)
    full = model.fit(X, y)
    path = tmp_path / "ckpt.json"
    _stopped_fit(model, X, y, path, 3)

    def drop(state):
        del state["stale_hessian"], state["prev_grad_max_norm"]
        del state["sampling"], state["hessian_estimated"]

    _rewrite_state(path, drop)
    resumed = model.fit(X, y, checkpoint=path)
    assert resumed.converged_
    np.testing.assert_allclose(resumed.coef_, full.coef_, rtol=1e-8)


def test_a_sampling_checkpoint_resumed_where_hessians_are_strided_samples_none(
    tmp_path, monkeypatch
):
    """A genuine checkpoint of a sampling fit resumed where Newton's Hessian
    is a strided estimate (the exact Hessian's size limit lowered below these
    data): a fresh fit there samples no rows at its start, so the resumed one
    does not either."""
    from logistic import LogisticObjective
    from logistic.solvers import _zero_start, newton

    X, y = _tall_sampling_data()
    path = tmp_path / "ckpt.json"
    payload = _stopped_fit(_tall_newton(), X, y, path, 2)
    assert payload["state"]["sampling"] is True
    rows = []
    sample_of = _zero_start.sample_of
    monkeypatch.setattr(
        _zero_start, "sample_of", lambda obj: rows.append(1) or sample_of(obj)
    )
    limit = X.shape[0] * (X.shape[1] + 1) // 2  # these rows are now "tall"
    monkeypatch.setattr(newton, "EXACT_HESSIAN_MAX_SIZE", limit)
    monkeypatch.setattr(newton, "hessian_subsample_rows", lambda n_params: 2_000)
    objective = LogisticObjective.from_arrays(X, y)
    assert newton.Newton()._hessian_stride(objective) > 1
    resumed = _tall_newton().fit(X, y, checkpoint=path)
    assert rows == []
    assert resumed.converged_


@pytest.mark.parametrize("reports_nnz", [False, True], ids=["dense", "dense-nnz"])
def test_a_resumed_newton_state_samples_exactly_where_a_fresh_one_does(reports_nnz):
    """Newton's state loaded from a sampling fit's state samples the zero
    start's rows exactly where a fresh fit's first state does: dense rows
    (both sample), and dense rows whose backend reports an ``nnz`` (neither:
    the zero start samples only rows that report none)."""
    from types import SimpleNamespace

    from logistic import LogisticObjective
    from logistic.solvers.newton import Newton

    X, y = _tall_sampling_data()
    solver = Newton()

    def fit_on(nnz):
        data = InMemory(X, y)
        data.nnz = nnz
        objective = LogisticObjective(data, l2=1.0 / X.shape[0])
        objective.column_moments()  # the statistics pass every fit makes first
        residual = lambda theta, g: float(np.abs(g).max())  # noqa: E731
        return SimpleNamespace(objective=objective, residual=residual)

    zero = np.zeros(X.shape[1] + 1)
    sampling = solver.init_state(fit_on(None), zero)  # a checkpointed fit's
    assert sampling.sampling is True
    values = solver.state_dict(sampling)
    fit = fit_on(X.size if reports_nnz else None)
    fresh = solver.init_state(fit, zero).sampling
    resumed = solver.load_state(fit, values)
    assert fresh is (not reports_nnz)
    assert resumed.sampling is fresh
    assert (resumed.rows is not None) is fresh


def test_newton_state_missing_fields_is_refused_naming_them(tmp_path, data):
    X, y = data
    path = tmp_path / "ckpt.json"
    _stopped_fit(LogisticRegression(solver="newton"), X, y, path, 2)

    def drop(state):
        del state["grad"], state["value"]

    _rewrite_state(path, drop)
    with pytest.raises(IntegrityError, match=r"\['grad', 'value'\] missing"):
        LogisticRegression(solver="newton").fit(X, y, checkpoint=path)


def _hex_array(values, shape):
    return {"array": [float(v).hex() for v in values], "shape": list(shape)}


@pytest.mark.parametrize(
    "field, value, received",
    [
        ("sampling", 1, "int 1"),
        ("sampling", "no", "str 'no'"),
        ("sampling", None, "NoneType"),
        ("hessian_estimated", [1], "list"),
        ("theta", _hex_array([0.0] * 3, [3]), r"shape \(3,\)"),
        ("grad", _hex_array([0.0] * 14, [7, 2]), r"shape \(7, 2\)"),
        ("hessian", _hex_array([1.0] * 4, [2, 2]), r"shape \(2, 2\)"),
        ("stale_hessian", _hex_array([1.0] * 7, [7]), r"shape \(7,\)"),
        ("step", "x", "str 'x'"),
        ("value", None, "NoneType"),
        ("decrement", 1, "int 1"),
        ("stop", 5, "int 5"),
    ],
)
def test_newton_state_of_the_wrong_type_or_shape_is_refused(
    tmp_path, data, field, value, received
):
    """Every checked field of a Newton checkpoint: IntegrityError naming the
    field, what it holds and what it should hold (7 parameters here)."""
    X, y = data
    path = tmp_path / "ckpt.json"
    _stopped_fit(LogisticRegression(solver="newton"), X, y, path, 2)
    _rewrite_state(path, lambda state: state.__setitem__(field, value))
    expected = {
        "sampling": "true or false",
        "hessian_estimated": "true or false",
        "step": "a float",
        "value": "a float",
        "decrement": "a float",
        "stop": "expected '', 'line search could not",
    }.get(field, "(7")
    if isinstance(value, list):  # not a value the checkpoint format writes
        expected = "expected a number or a string"
    with pytest.raises(IntegrityError) as info:
        LogisticRegression(solver="newton").fit(X, y, checkpoint=path)
    message = str(info.value)
    assert repr(field) in message and expected in message
    assert re.search(received, message), message


def _csr(X, y):
    return sp.csr_matrix(X), y


def _chunks(X, y):
    blocks = [(X[i : i + 5_000], y[i : i + 5_000]) for i in range(0, len(y), 5_000)]
    return Chunked.from_blocks(blocks), None


@pytest.mark.parametrize("convert", [_csr, _chunks], ids=["csr", "chunked"])
def test_dense_sampling_checkpoint_resumed_on_other_rows_uses_exact_hessians(
    tmp_path, convert
):
    """A genuine checkpoint of a dense fit that samples, resumed with
    ``force_resume`` on the same data held as CSR or in chunks (where no fit
    samples): exact Hessians, the same optimum."""
    X, y = _tall_sampling_data()
    full = _tall_newton().fit(X, y)
    path = tmp_path / "ckpt.json"
    payload = _stopped_fit(_tall_newton(), X, y, path, 3)
    assert payload["state"]["sampling"] is True
    resumed = _tall_newton().fit(*convert(X, y), checkpoint=path, force_resume=True)
    assert resumed.converged_
    np.testing.assert_allclose(resumed.coef_, full.coef_, rtol=1e-7)


def test_lbfgs_resume_reaches_the_same_optimum(tmp_path, data):
    X, y = data
    full = LogisticRegression(solver="lbfgs").fit(chunked(X, y), None)
    path = tmp_path / "ckpt.json"
    with pytest.raises(Crash):
        LogisticRegression(solver="lbfgs").fit(
            CrashingBackend(chunked(X, y), after=full.n_passes_ // 2),
            None,
            checkpoint=path,
        )
    assert path.exists()
    resumed = LogisticRegression(solver="lbfgs").fit(
        chunked(X, y), None, checkpoint=path
    )
    assert resumed.converged_
    np.testing.assert_allclose(resumed.coef_, full.coef_, rtol=0, atol=1e-8)
    assert abs(resumed.objective_ - full.objective_) <= 1e-10 * full.objective_


def test_corrupt_latest_checkpoint_falls_back_to_previous(tmp_path, data):
    X, y = data
    full = LogisticRegression(solver="newton").fit(chunked(X, y), None)
    path = tmp_path / "ckpt.json"
    with pytest.raises(Crash):
        LogisticRegression(solver="newton").fit(
            CrashingBackend(chunked(X, y), after=5), None, checkpoint=path
        )
    assert (tmp_path / "ckpt.json.prev").exists()
    path.write_bytes(path.read_bytes()[:50])  # torn write of the latest
    with pytest.warns(UserWarning, match="previous"):
        resumed = LogisticRegression(solver="newton").fit(
            chunked(X, y), None, checkpoint=path
        )
    np.testing.assert_array_equal(resumed.coef_, full.coef_)


# -- O06: refuse to resume on other data or another problem ----
pytestmark_conv = pytest.mark.filterwarnings("ignore::logistic.ConvergenceWarning")


@pytestmark_conv
def test_changed_data_refuses_resume(tmp_path, data):
    X, y = data
    path = tmp_path / "ckpt.json"
    LogisticRegression(solver="newton", max_iter=2).fit(
        chunked(X, y), None, checkpoint=path
    )
    X2 = X.copy()
    X2[5, 1] += 1e-9
    with pytest.raises(IntegrityError, match="different data"):
        LogisticRegression(solver="newton").fit(chunked(X2, y), None, checkpoint=path)
    before = path.read_bytes()
    model = LogisticRegression(solver="newton").fit(
        chunked(X2, y), None, checkpoint=path, force_resume=True
    )
    assert model.converged_ and path.read_bytes() != before


@pytestmark_conv
def test_changed_problem_refuses_resume(tmp_path, data):
    X, y = data
    path = tmp_path / "ckpt.json"
    LogisticRegression(solver="newton", max_iter=2).fit(
        chunked(X, y), None, checkpoint=path
    )
    with pytest.raises(IntegrityError, match="another problem"):
        LogisticRegression(solver="newton", penalty="l2", alpha=0.1).fit(
            chunked(X, y), None, checkpoint=path
        )


@pytestmark_conv
def test_resume_false_starts_afresh(tmp_path, data):
    X, y = data
    path = tmp_path / "ckpt.json"
    LogisticRegression(solver="newton", max_iter=2).fit(
        chunked(X, y), None, checkpoint=path
    )
    model = LogisticRegression(solver="newton", penalty="l2", alpha=0.1).fit(
        chunked(X, y), None, checkpoint=path, resume=False
    )
    assert model.converged_


# -- O05 (F): SIGKILL at random moments, then resume ----
CHILD = r"""
import sys, numpy as np
sys.path.insert(0, sys.argv[2])
from test_checkpoint import correlated, chunked
from logistic import LogisticRegression
import warnings
warnings.simplefilter("ignore")
X, y = correlated(2000, 8, 5)
print("started", flush=True)
LogisticRegression(solver="gd", max_iter=300).fit(chunked(X, y), None,
                                                  checkpoint=sys.argv[1])
print("finished", flush=True)
"""


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::logistic.ConvergenceWarning")
def test_sigkill_loop_then_resume_equals_uninterrupted(tmp_path):
    """300 GD iterations (not converged: that is not the point), killed 3 times.
    2 000 rows (four blocks of 500): what is checked (the checkpoint on disk
    after a kill, the resumed fit bit for bit) does not depend on the number
    of rows, and the checkpoint's share of each iteration, where a kill lands
    mid-write, is larger than with 20 000."""
    X, y = correlated(2000, 8, 5)
    full = LogisticRegression(solver="gd", max_iter=300).fit(chunked(X, y), None)
    path = tmp_path / "ckpt.json"
    rng = np.random.default_rng(0)
    tests_dir = os.path.dirname(__file__)
    progress = []
    # each run is killed once the checkpoint reached its iteration (not after
    # a fixed time: how many iterations a second buys depends on the machine)
    for target in sorted(rng.choice(np.arange(20, 280), 3, replace=False)):
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), tests_dir],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            try:  # absent while the writer swaps in the next one
                if Checkpointer._read(path)["n_iter"] >= target:
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.002)
        proc.kill()
        proc.wait()
        proc.stdout.close()
        if path.exists():
            progress.append(Checkpointer._read(path)["n_iter"])
    assert progress and min(progress) < full.n_iter_[0], progress  # killed mid-fit
    for stray in tmp_path.iterdir():  # only the checkpoint, its previous, temps
        assert stray.name.startswith((".ckpt.json.", "ckpt.json"))
    resumed = LogisticRegression(solver="gd", max_iter=300).fit(
        chunked(X, y), None, checkpoint=path
    )
    np.testing.assert_array_equal(resumed.coef_, full.coef_)
    assert resumed.n_iter_[0] == full.n_iter_[0], (progress, full.n_iter_)


def test_lbfgs_resume_counts_max_iter_over_the_whole_fit(tmp_path):
    # max_iter bounds the iterations of the whole fit, those before the
    # interruption included: a fit cut off by max_iter = 30 and the same fit
    # resumed halfway both end at iteration 30 (the resumed one stopped at 20
    # when the iterations before the crash were subtracted twice)
    X, y = correlated(3000, 12, 0)
    est = dict(solver="lbfgs", max_iter=30, tol=1e-12)
    with pytest.warns(ConvergenceWarning):
        full = LogisticRegression(**est).fit(chunked(X, y), None)
    assert full.n_iter_[0] == 30
    path = tmp_path / "ckpt.json"
    with pytest.raises(Crash):
        LogisticRegression(**est).fit(
            CrashingBackend(chunked(X, y), after=14), None, checkpoint=path
        )
    with pytest.warns(ConvergenceWarning):
        resumed = LogisticRegression(**est).fit(chunked(X, y), None, checkpoint=path)
    assert resumed.n_iter_[0] == 30
    assert resumed.history_[-1]["iter"] == 30
