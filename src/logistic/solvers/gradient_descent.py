"""The seed's solver: full-batch gradient descent, and mini-batch SGD.

Both iterate in standardized coordinates (:mod:`logistic._scaling`) so that
raw, unscaled data converge without asking the user to scale, and both report
coefficients on the original scale.

Gradient descent uses the step ``1/L`` with ``L = λ_max(X̃ᵀSX̃)/(4Σs) + λ``,
the Lipschitz constant of the gradient (from ``σ(z)σ(-z) ≤ 1/4``), estimated by
power iteration on :meth:`LogisticObjective.majorizer_vector`. Each iteration
first tries a larger step (twice the last accepted one) and backtracks with
the Armijo rule ``J(θ - t g) ≤ J(θ) - t/2 ‖g‖²``, which the ``1/L`` step always
satisfies (tried last where ``max_backtracks`` stops the halvings above it).
Near the optimum, once the decrease a 1/L step would make is below
the floating-point resolution of ``J``, the Armijo test is noise: the 1/L step
is then taken untested, so the gradient keeps shrinking to its own precision
floor instead of stalling at the objective's.

K classes (standardized, symmetric parametrization): every line-search
iterate is its gauge-free point (:meth:`~logistic._multinomial_scaled.
ScaledMultinomial.gauge_free`, the common intercept shift where the gauge
term ``(γ/2)(Σ_k b_k)²`` is 0; no logit changes along it), where ``J`` of
a step's gauge-free point is the loss and penalty at the step: ``L`` is
then the bound of the loss and penalty alone (``gauge_free=True`` of
:func:`lipschitz_constant`), not the gauge's curvature, which in
standardized coordinates grows with the columns' ``μ/σ``. On iris
(``C=1``) ``L`` was 26.1, set by the gauge, where the loss's is 1.49, and the
precision regime's untested ``1/L`` steps ran ``tol=1e-8`` to
``max_iter=5000`` 0.14 from the optimum; they now converge in 1,250. The
fixed ``learning_rate`` keeps the textbook update (no projection).

With the option ``learning_rate`` (α) gradient descent is the textbook
update ``θ ← θ - α ∇J(θ)``: no line search, no Lipschitz estimate, one pass
an iteration, the iterates those of the derivation's loop (in the solver's
coordinates: ``standardize=False`` for the data's own). A fixed step above
2/L can make the objective rise: after ``patience`` steps in a row above its
lowest value (beyond rounding noise), or at a non-finite objective, the fit
stops unconverged with :data:`FIXED_STEP_DIVERGED`, at the lowest point seen.

SGD draws seeded, reproducible mini-batches (a fresh permutation per epoch;
within each chunk for out-of-core data, a batch cut short by a chunk's end
filled from the next chunk, and each streamed batch's loss divided by its
rows times the mean weight a row: see :func:`_streamed_batches`),
uses the decaying step ``η_k = η_0 / sqrt(1 + k / n_batches)`` with
``η_0 = 1/L`` and averaging of the iterates (weights
:data:`~._sgd_steps.AVG_DECAY`) after the first epoch (the returned point is
the average); after each epoch it evaluates the full gradient at the average
for the stopping rule (one extra pass).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._numerics import rounding_noise
from .._typing import Backend, Block, FloatArray
from ._base import Capabilities, Fit, SolverResult, register
from ._iterative import LINE_SEARCH_STOP, IterativeSolver
from ._lazy_sgd import lazy_columns, lazy_sgd_pass, sparse_rows
from ._linesearch import backtrack, below_upper_bound, negligible
from ._options import LineSearchOptions
from ._sgd_steps import SGDState, sgd_pass
from ._start import start_value_and_gradient

__all__ = [
    "FIXED_STEP_DIVERGED",
    "GradientDescent",
    "StochasticGradientDescent",
    "SGDState",
    "lipschitz_constant",
    "minibatches",
    "sgd_pass",
]


def lipschitz_constant(
    objective: Any, n_iter: int = 30, seed: int = 0, *, gauge_free: bool = False
) -> float:
    """Upper estimate of λ_max of the majorizer ``M`` by power iteration.

    ``gauge_free=True``: of the standardized view's
    ``gauge_free_majorizer_vector`` (a K-class view's bound without its gauge
    term; a binary view's ``M`` itself), for iterates at their gauge-free
    point.

    The Rayleigh quotient converges from below; the 5 % margin and the line
    search's backtracking cover the remaining gap. With an intercept it is at
    least ``M``'s intercept entry, 1/4 (``λ_max ≥ max_j M_jj``): products
    with float32 X of a column far from centred can cancel to zero (a column
    of 1.9e7 ± 1 in float32 CSR gave ``M v = 0`` and a step of ``1/tiny``,
    which overflowed at the first iteration).
    """
    v = np.random.default_rng(seed).standard_normal(objective.n_params)
    v /= np.linalg.norm(v)
    lam = 0.0
    product = objective.majorizer_vector
    if gauge_free:
        product = objective.gauge_free_majorizer_vector
    for _ in range(n_iter):
        mv = product(v)
        lam_new = float(v @ mv)
        norm = np.linalg.norm(mv)
        if norm == 0.0:
            break
        v = mv / norm
        if abs(lam_new - lam) <= 1e-3 * abs(lam_new):
            lam = lam_new
            break
        lam = lam_new
    floor = 0.25 if getattr(objective, "fit_intercept", False) else 0.0
    return 1.05 * max(lam, floor, np.finfo(float).tiny)


#: The status of a fixed-step fit stopped because its objective rose.
FIXED_STEP_DIVERGED = (
    "the objective stayed above its lowest value for patience steps in a row, "
    "or became non-finite: the fixed learning_rate is too large"
)


@dataclass
class _GDState:
    theta: FloatArray
    value: float
    grad: FloatArray
    grad_max_norm: float
    step: float
    t: float
    min_step: float
    stop: str = ""
    # fixed learning_rate only: the lowest objective, its point, and the
    # steps in a row above it
    best: float = float("nan")
    best_theta: FloatArray | None = None
    rising: int = 0


@dataclass(frozen=True)
class GDOptions(LineSearchOptions):
    """standardize : iterate in standardized coordinates (default True);
    learning_rate : a fixed step α, θ ← θ - α∇J (default None: the line search).
    """

    standardize: bool = True
    learning_rate: float | None = field(default=None, metadata={"above": 0.0})


@register
class GradientDescent(IterativeSolver):
    """Full-batch gradient descent with the 1/L step and step growth.

    Options (:class:`GDOptions`): ``standardize`` (default True) iterates in
    standardized coordinates; ``learning_rate`` a fixed step instead of the
    line search; ``max_backtracks``; ``patience`` (also the fixed step's
    rising steps before it stops).
    """

    name = "gd"
    capabilities = Capabilities()
    Options = GDOptions
    State = _GDState
    stop_statuses = (LINE_SEARCH_STOP, FIXED_STEP_DIVERGED)
    state_defaults = {"best": float("nan"), "best_theta": None, "rising": 0}

    def iterates_standardized(self) -> bool:
        return bool(self.options.standardize)

    def init_state(self, fit: Fit, theta: FloatArray) -> _GDState:
        obj = fit.coords
        fixed = self.options.learning_rate
        if fixed is None:
            # iterates at their gauge-free point: 1/L need not cover the gauge
            L = lipschitz_constant(obj, gauge_free=bool(fit.standardized))
            step, theta = 1.0 / L, self._gauge_free(fit, theta)
        else:
            step = float(fixed)
        f, g = start_value_and_gradient(obj, theta)
        state = _GDState(theta, f, g, fit.residual(theta, g), 0.0, step, step)
        if fixed is not None:
            state.best, state.best_theta = f, np.array(theta, copy=True)
        return state

    def _fixed_step(self, fit: Fit, state: _GDState) -> _GDState:
        """θ ← θ - α∇J(θ), watched for a rising objective (the module's doc)."""
        alpha = float(self.options.learning_rate)  # the option, not a saved step
        if state.best_theta is None or not np.isfinite(state.best):
            # a state from a line-search fit (a checkpoint resumed with the
            # option): its point is the lowest seen so far
            state.best, state.best_theta = state.value, np.array(state.theta)
        theta = state.theta - alpha * state.grad
        f_new, g_new = fit.coords.value_and_gradient(theta)
        if not (np.isfinite(f_new) and np.isfinite(g_new).all()):
            return self._at_best(fit, state)
        new = self._state(fit, theta, f_new, g_new, alpha, alpha)
        best = state.best
        if f_new > best + rounding_noise(best, fit.value_eps):
            new.best, new.best_theta = best, state.best_theta
            new.rising = state.rising + 1
            if new.rising >= self.options.patience:
                return self._at_best(fit, new)
        else:
            new.best = min(best, f_new)
            new.best_theta = theta if f_new <= best else state.best_theta
        return new

    def _at_best(self, fit: Fit, state: _GDState) -> _GDState:
        """The state at the lowest objective seen, stopped as diverged."""
        theta = np.asarray(state.best_theta)
        f, g = fit.coords.value_and_gradient(theta)
        out = self._state(fit, theta, f, g, state.min_step, state.min_step)
        out.best, out.best_theta, out.rising = f, theta, state.rising
        out.stop = FIXED_STEP_DIVERGED
        return out

    @staticmethod
    def _gauge_free(fit: Fit, theta: FloatArray) -> FloatArray:
        """The line search's iterate ``theta`` at its gauge-free point
        (:meth:`~logistic._multinomial_scaled.ScaledMultinomial.gauge_free`;
        ``theta`` itself for a binary view and in the data's own
        coordinates): the module's doc."""
        return fit.view.gauge_free(theta) if fit.standardized else theta

    @staticmethod
    def _state(
        fit: Fit, theta: FloatArray, f: float, g: FloatArray, t: float, min_step: float
    ) -> _GDState:
        return _GDState(theta, f, g, fit.residual(theta, g), t, t, min_step)

    def step(self, fit: Fit, state: _GDState) -> _GDState:
        if self.options.learning_rate is not None:
            return self._fixed_step(fit, state)
        g, f = state.grad, state.value
        gg = float(g @ g)
        if negligible(0.5 * state.min_step * gg, f, fit.value_eps):
            # Precision regime: J cannot resolve the decrease any step would make,
            # so the sufficient-decrease test is noise. The 1/L step decreases J in
            # exact arithmetic (descent lemma); take it untested.
            theta = self._gauge_free(fit, state.theta - state.min_step * g)
            f_new, g_new = fit.coords.value_and_gradient(theta)
            return self._state(fit, theta, f_new, g_new, *(state.min_step,) * 2)

        def trial(t: float) -> tuple[bool, tuple[Any, ...]]:
            theta = self._gauge_free(fit, state.theta - t * g)
            f_new, g_new = fit.coords.value_and_gradient(theta)
            return below_upper_bound(f_new, f - 0.5 * t * gg), (t, theta, f_new, g_new)

        accepted, out = backtrack(
            trial, 2.0 * state.t, max_backtracks=self.options.max_backtracks
        )
        if not accepted and out is not None and out[0] > state.min_step:
            # the trials stopped above 1/L (fewer max_backtracks than halvings
            # down to it): the 1/L step, which the descent lemma guarantees,
            # decides; its rejection alone is the precision limit
            accepted, out = trial(state.min_step)
        if accepted and out is not None:
            t, theta, f_new, g_new = out
            return self._state(fit, theta, f_new, g_new, t, state.min_step)
        state.stop = LINE_SEARCH_STOP
        return state


def minibatches(
    data: Backend, rng: np.random.Generator, batch_size: int, rows: Block | None = None
) -> Iterator[Block]:
    """Seeded mini-batches of one epoch, as Blocks.

    Data with their rows in memory (``capabilities.rows_in_memory``) get one
    global permutation per epoch, the batches cut from ``rows`` where given
    (the same rows in another layout: :meth:`StochasticGradientDescent.
    _batch_rows`), else from ``data.rows()``; streamed data
    (``capabilities.blocks``: out-of-core chunks) get a permutation within
    each block, so memory stays bounded by one block.
    """
    if data.capabilities.rows_in_memory:
        rows = data.rows() if rows is None else rows
        n = rows.n_rows
        for idx in np.array_split(rng.permutation(n), max(1, -(-n // batch_size))):
            yield _rows(rows, np.sort(idx))
        return
    if not data.capabilities.blocks:
        raise InvalidParameterError(
            f"solver 'sgd' needs data it can read block by block (in memory or out of "
            f"core); {type(data).__name__} offers only reductions: use 'lbfgs' or "
            f"'newton'"
        )
    yield from _streamed_batches(data, rng, batch_size)


def _streamed_batches(
    data: Backend, rng: np.random.Generator, batch_size: int
) -> Iterator[Block]:
    """An epoch's mini-batches of streamed rows: the sizes in-memory rows get
    (``n`` rows split into ``ceil(n / batch_size)`` batches whose sizes differ
    by one row at most), each block's rows in a fresh permutation of their
    own, a batch that a block's end leaves short filled from the next block.

    Every batch is one SGD step of the same length whatever its rows, so a
    batch must hold its share of the rows: cut within each block alone, a
    block's remainder (a last chunk of one row, chunks of 333 rows in batches
    of 256) was a step of its own, and those few rows weighed as much as a
    whole batch in every epoch; the fit drifted to another point and never met
    its stopping rule (1,000 rows in chunks of 999 or 333: coefficients 0.7 and
    +0.29 for 0.97 and -0.67, not converged after 1,000 epochs). Memory: one
    block and less than one batch held over."""
    n = int(data.n_samples)
    count = max(1, -(-n // batch_size))
    sizes = iter([len(s) for s in np.array_split(np.arange(n), count)])
    want, held = next(sizes, 0), None  # the batch being filled, its rows so far
    for block in data.blocks():
        perm, start = rng.permutation(block.n_rows), 0
        while start < block.n_rows:
            take = want - (0 if held is None else held.n_rows)
            rows = _rows(block, np.sort(perm[start : start + take]))
            start += rows.n_rows
            held = rows if held is None else _joined(held, rows)
            if held.n_rows >= want:
                yield held
                want, held = next(sizes, n), None
    if held is not None and held.n_rows:
        yield held


def _joined(a: Block, b: Block) -> Block:
    """The rows of ``a`` then those of ``b`` (a batch across a block's end)."""
    if isinstance(a.X, np.ndarray):
        X = np.concatenate([a.X, b.X])
    else:  # sparse blocks
        import scipy.sparse as sp

        X = sp.vstack([a.X, b.X], format="csr")

    def both(u: Any, v: Any) -> Any:
        return None if u is None else np.concatenate([u, v])

    y = np.concatenate([a.y, b.y])
    return Block(X, y, both(a.sample_weight, b.sample_weight), both(a.offset, b.offset))


def _rows(block: Block, idx: np.ndarray) -> Block:
    """The rows ``idx`` of ``block``."""
    s, o = block.sample_weight, block.offset
    return Block(
        block.X[idx],
        block.y[idx],
        None if s is None else s[idx],
        None if o is None else o[idx],
    )


#: numpy's bit generators by the name their saved state carries.
_BIT_GENERATORS: dict[str, type[np.random.BitGenerator]] = {
    cls.__name__: cls
    for cls in (
        np.random.PCG64,
        np.random.PCG64DXSM,
        np.random.MT19937,
        np.random.Philox,
        np.random.SFC64,
    )
}


@dataclass
class _SGDRun:
    """SGD's state between epochs; ``theta`` is the Polyak–Ruppert average."""

    theta: FloatArray
    value: float
    grad_max_norm: float
    iterate: FloatArray
    n_avg: int
    k: int
    eta: float
    eta0: float
    epoch: int
    rng: np.random.Generator
    step: float = 0.0
    stop: str = ""


@dataclass(frozen=True)
class SGDOptions:
    """batch_size : rows per mini-batch; learning_rate : η_0 (None: 1/L)."""

    batch_size: int = field(default=256, metadata={"min": 1})
    learning_rate: float | None = field(default=None, metadata={"above": 0.0})


@register
class StochasticGradientDescent(IterativeSolver):
    """Mini-batch SGD with a decaying step and averaged iterates (Polyak–Ruppert
    with polynomial-decay weights, :data:`~._sgd_steps.AVG_DECAY`).

    ``max_iter`` counts epochs; the default ``tol`` is :meth:`default_tol`
    (1e-3: reachable by averaged mini-batch steps within a few hundred epochs,
    the gradient's max-norm falling roughly like 1/sqrt(epochs)).
    Options (:class:`SGDOptions`): ``batch_size`` (default 256),
    ``learning_rate`` (η_0; default 1/L). Always iterates in standardized
    coordinates. Streams: in-memory data are shuffled globally each epoch,
    out-of-core data within each chunk (see :func:`minibatches`). Results are
    reproducible for a fixed ``random_state``, also across a resumed
    checkpoint (the generator's state is part of the solver state).
    """

    name = "sgd"
    capabilities = Capabilities(stochastic=True)
    Options = SGDOptions
    State = _SGDRun
    detects_stall = False
    #: what :meth:`_once_a_fit` keeps while a fit runs (None outside one)
    _fit_kept: dict[str, Any] | None = None

    def max_iter_status(self) -> str:
        return f"reached max_iter={self.max_iter} epochs"

    def init_state(self, fit: Fit, theta: FloatArray) -> _SGDRun:
        obj = fit.view
        rng = np.random.default_rng(self.random_state)
        given = self.options.learning_rate  # None: 1/L of the standardized view
        eta0 = 1.0 / lipschitz_constant(obj) if given is None else float(given)
        f, g = obj.value_and_gradient(theta)
        return _SGDRun(theta, f, fit.residual(theta, g), theta, 0, 0, 0.0, eta0, 0, rng)

    def step(self, fit: Fit, state: _SGDRun) -> _SGDRun:
        obj, batch = fit.view, self.options.batch_size
        n_batches = max(1, -(-int(obj.data.n_samples) // batch))
        sgd = SGDState(
            state.iterate, state.theta.copy(), state.n_avg, state.k, state.eta
        )
        batches = minibatches(obj.data, state.rng, batch, self._batch_rows(obj))
        # streamed batches hold the rows of a chunk, not a random draw: each
        # batch's loss over its rows times the mean weight a row, so that a
        # batch of heavier rows moves θ further (its own weight would make
        # every batch weigh alike: rows stored by weight lost their weights)
        n, data = int(obj.data.n_samples), obj.data
        mean_weight = (
            None
            if data.capabilities.rows_in_memory
            else obj.base.weight_sum / max(n, 1)
        )
        # average the iterates after the first epoch (burn-in); on sparse rows
        # in memory the same steps in O(a batch's non-zeros) (_lazy_sgd)
        average = state.epoch >= 1
        columns = self._lazy_columns(obj) if sparse_rows(obj) else None
        if columns is not None:
            lazy_sgd_pass(
                obj, columns, batches, sgd, state.eta0, n_batches, mean_weight,
                average,
            )  # fmt: skip
        else:
            sgd_pass(obj, batches, sgd, state.eta0, n_batches, average, mean_weight)
        if state.epoch == 0:
            sgd.avg = sgd.theta.copy()
        f, g = obj.value_and_gradient(sgd.avg)
        return _SGDRun(
            sgd.avg,
            f,
            fit.residual(sgd.avg, g),
            sgd.theta,
            sgd.n_avg,
            sgd.k,
            sgd.eta,
            state.eta0,
            state.epoch + 1,
            state.rng,
            step=sgd.eta,
        )

    def _lazy_columns(self, view: Any) -> Any:
        """:func:`~._lazy_sgd.lazy_columns` of ``view``, found once a fit, not
        once an epoch (their ``np.unique`` over 2^20 columns took 0.2 s, more
        than an epoch's lazy steps): :meth:`_once_a_fit`."""
        return self._once_a_fit("columns", lambda: lazy_columns(view))

    def _batch_rows(self, view: Any) -> Block | None:
        """The rows of ``view``'s data as CSR, where they are in memory as
        another sparse format (CSC: a fit's X as given), made once a fit
        (:meth:`_once_a_fit`); None for the others (``data.rows()`` as they
        are).

        A batch is a row slice: of CSC rows it reads every stored value of X
        and writes an index pointer of p + 1 (then made CSR again for the
        lazy steps, :func:`~._lazy_sgd._compact`): O(nnz(X) + p) a batch
        where CSR's slice costs the batch's own non-zeros."""
        if not sparse_rows(view):
            return None

        def csr() -> Block | None:
            block = view.data.rows()
            if block.X.format == "csr":
                return None
            return Block(block.X.tocsr(), block.y, block.sample_weight, block.offset)

        return self._once_a_fit("csr rows", csr)

    def _once_a_fit(self, key: str, make: Any) -> Any:
        """``make()``, kept until the fit (:meth:`_run`) ends, returns or
        raises: no second X or O(p) columns held beyond it."""
        kept = self._fit_kept
        if kept is None:  # a step outside a fit's loop
            return make()
        if key not in kept:
            kept[key] = make()
        return kept[key]

    def _run(
        self, fit: Fit, theta0: FloatArray, start: dict[str, Any] | None
    ) -> SolverResult:
        """The loop of :class:`IterativeSolver`, with what
        :meth:`_once_a_fit` keeps for its epochs."""
        self._fit_kept = {}
        try:
            return super()._run(fit, theta0, start)
        finally:
            self._fit_kept = None

    def state_dict(self, state: _SGDRun) -> dict[str, Any]:
        values = super().state_dict(state)
        # MT19937 (a RandomState's), Philox and SFC64 hold numpy arrays of
        # unsigned integers: written as lists, which their setters read back
        values["rng"] = json.dumps(state.rng.bit_generator.state, default=_listed)
        return values

    def load_state(self, fit: Fit, values: dict[str, Any]) -> _SGDRun:
        """The state written by :meth:`state_dict`: ``rng`` the JSON of a
        numpy bit generator's state (:func:`_loaded_rng`), the other fields
        checked by their annotations."""
        values = dict(values)
        values["rng"] = _loaded_rng(values["rng"])
        state: _SGDRun = super().load_state(fit, values)
        return state


def _listed(value: Any) -> Any:
    """A numpy array of a bit generator's state as a list of Python ints
    (``json.dumps``' ``default``)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"a bit generator's state holds a {type(value).__name__}")


#: The state fields that say where in its buffer a bit generator's next draw
#: reads, and the buffer's length. numpy's state setter takes any integer
#: there and the next draw reads that far from the buffer: a forged
#: ``"pos": 1000000`` (MT19937) or ``"buffer_pos": -1000000`` (Philox)
#: crashes the process (a segmentation fault), so these are checked first.
_BUFFER_POSITIONS: dict[str, tuple[tuple[str, ...], int]] = {
    "MT19937": (("state", "pos"), 624),
    "Philox": (("buffer_pos",), 4),
}


def _in_buffer(saved: dict[str, Any]) -> bool:
    """Whether ``saved``'s buffer position (:data:`_BUFFER_POSITIONS`, for
    the bit generators that have one) is an integer within the buffer."""
    where = _BUFFER_POSITIONS.get(saved["bit_generator"])
    if where is None:
        return True
    keys, length = where
    value: Any = saved
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return type(value) is int and 0 <= value <= length


def _loaded_rng(text: Any) -> np.random.Generator:
    """The generator whose state :meth:`StochasticGradientDescent.state_dict`
    wrote as ``text``; :class:`~logistic.IntegrityError` naming the field
    ``rng`` for anything else (not JSON, another bit generator, a buffer
    position outside the buffer (:func:`_in_buffer`), a state numpy
    refuses)."""
    from .._exceptions import IntegrityError

    try:
        saved = json.loads(text) if isinstance(text, str) else None
        kind = saved.get("bit_generator") if isinstance(saved, dict) else None
        if isinstance(saved, dict) and kind in _BIT_GENERATORS and _in_buffer(saved):
            bit_generator = _BIT_GENERATORS[kind]()
            bit_generator.state = saved
            return np.random.Generator(bit_generator)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError):
        pass
    shown = repr(text)
    raise IntegrityError(
        f"state field 'rng' is {type(text).__name__} "
        f"{shown if len(shown) <= 40 else shown[:37] + '...'}, expected the JSON "
        f"state of one of numpy's bit generators {sorted(_BIT_GENERATORS)}"
    )
