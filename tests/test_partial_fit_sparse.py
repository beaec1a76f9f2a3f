"""partial_fit on CSR chunks: the lazy steps (logistic.solvers._lazy_sgd),
whose cost is a batch's non-zeros, give the dense steps' iterates."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import logistic.solvers._lazy_sgd as lazy_sgd
from logistic import LogisticRegression


def _stream(rng, n_chunks, n, p, density=0.03):
    beta = rng.normal(size=p)
    for _ in range(n_chunks):
        X = sp.random(n, p, density=density, format="csr", random_state=rng)
        X.data = np.round(X.data * 4.0) / 4.0 + 0.5  # a few distinct values
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ beta)))).astype(float)
        yield X, y, rng.random(n) * 2.0, rng.normal(size=n) * 0.1


def _fit(chunks, dense, weighted, est=None, **params):
    est = LogisticRegression(random_state=5, **params) if est is None else est
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # small first chunk
        for X, y, sw, off in chunks:
            est.partial_fit(
                X.toarray() if dense else X, y, classes=[0.0, 1.0],
                sample_weight=sw if weighted else None,
                offset=off if weighted else None,
            )  # fmt: skip
    return np.append(est.coef_.ravel(), est.intercept_), est


@pytest.mark.parametrize(
    "params",
    [
        dict(penalty=None),
        dict(penalty="l2", alpha=1e-3),
        dict(penalty="l2", alpha=0.05, fit_intercept=False),
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_chunks_match_the_dense_steps(params, weighted):
    # reference: the same stream given as dense arrays, which takes the dense
    # SGD steps (sgd_pass, the implementation before the lazy steps); five
    # chunks of 600 rows (3 batches each: decay, intercept term and average
    # carried across batches and calls), several distinct column scales
    chunks = list(_stream(np.random.default_rng(1), 5, 600, 120))
    lazy, est = _fit(chunks, dense=False, weighted=weighted, **params)
    dense, _ = _fit(chunks, dense=True, weighted=weighted, **params)
    groups = est._partial_state.coordinates[2]
    assert groups is not None  # the CSR stream took the lazy steps
    if "alpha" in params:
        assert groups.c.size > 1  # columns of several decays
    np.testing.assert_allclose(
        lazy, dense, rtol=1e-10, atol=1e-12 * np.abs(dense).max()
    )


@pytest.mark.parametrize(
    "name, value",
    [("_SETTLE_BELOW", 2.0), ("_MIN_DECAY", 2.0)],
    ids=["settled-every-step", "dense-every-step"],
)
def test_settling_mid_pass_changes_nothing(monkeypatch, name, value):
    # the columns written out after every step (as when a decay's product
    # falls below _SETTLE_BELOW), or every step taken densely (a decay near 0): the
    # coefficients of the dense steps all the same; strong L2 (η0·λ/σ² ≈ 0.95)
    chunks = list(_stream(np.random.default_rng(3), 2, 900, 80))
    dense, _ = _fit(chunks, dense=True, weighted=True, penalty="l2", alpha=1.0)
    monkeypatch.setattr(lazy_sgd, name, value)
    lazy, _ = _fit(chunks, dense=False, weighted=True, penalty="l2", alpha=1.0)
    np.testing.assert_allclose(
        lazy, dense, rtol=1e-10, atol=1e-12 * np.abs(dense).max()
    )


def test_too_many_decays_take_the_dense_steps(monkeypatch):
    # above MAX_GROUPS distinct λ/σ² the dense steps run: the same coefficients
    chunks = list(_stream(np.random.default_rng(2), 2, 400, 60))
    lazy, _ = _fit(chunks, dense=False, weighted=False, penalty="l2", alpha=1e-2)
    monkeypatch.setattr(lazy_sgd, "MAX_GROUPS", 1)
    dense, est = _fit(chunks, dense=False, weighted=False, penalty="l2", alpha=1e-2)
    assert est._partial_state.coordinates[2] is None
    np.testing.assert_allclose(lazy, dense, rtol=1e-10)


@pytest.mark.parametrize("alpha", [None, 0.01])
def test_one_row_chunks_are_scikit_learn_sgd(alpha):
    # scikit-learn's SGDClassifier(loss="log_loss", learning_rate="invscaling",
    # power_t=0.5) steps w ← (1 - ηα) w - η (σ(z) - y) x with η = η0/√t, t = 1,
    # 2, ...: partial_fit's steps on chunks of one row (one batch each, n_0 =
    # 1: η_k = η0/√(1 + k)) without an intercept, where the first row makes
    # every scale 1 (each value √(1 - 4λ): σ = hypot(|x|, 2√λ) = 1), so the
    # standardized coordinates are the original ones; its last iterate (not
    # the average, which scikit-learn weighs otherwise) is scikit-learn's
    from sklearn.linear_model import SGDClassifier

    rng = np.random.default_rng(0)
    n, p, lam = 80, 25, alpha or 0.0
    X = sp.random(n, p, density=0.2, format="csr", random_state=rng)
    X.data = rng.normal(size=X.data.size)
    X = sp.vstack([sp.csr_matrix(np.full((1, p), np.sqrt(1 - 4 * lam))), X], "csr")
    y = (rng.random(n + 1) < 1 / (1 + np.exp(-(X @ rng.normal(size=p))))) * 1.0
    kw = dict(penalty=None) if alpha is None else dict(penalty="l2", alpha=alpha)
    est = LogisticRegression(fit_intercept=False, random_state=0, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # one row: a small chunk
        est.partial_fit(X[:1], y[:1], classes=[0.0, 1.0])
    clf = SGDClassifier(
        loss="log_loss", penalty=None if alpha is None else "l2",
        alpha=alpha or 1e-4, fit_intercept=False, learning_rate="invscaling",
        eta0=est._partial_state.eta0, power_t=0.5, shuffle=False,
    )  # fmt: skip
    clf.partial_fit(X[:1], y[:1], classes=[0.0, 1.0])
    for i in range(1, n + 1):
        est.partial_fit(X[i : i + 1], y[i : i + 1])
        clf.partial_fit(X[i : i + 1], y[i : i + 1])
    assert est._partial_state.coordinates[2] is not None  # the lazy steps
    theta = est._partial_state.sgd.theta
    np.testing.assert_allclose(theta, clf.coef_.ravel(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "alpha, seed, n, p, density",
    [(1.0, 3, 16_000, 60, 0.05), (1e-3, 6, 60_000, 50, 0.02)],
)
def test_l2_over_many_batches_keeps_the_dense_steps(alpha, seed, n, p, density):
    # reference: the dense steps on the same chunks. A group's decay product
    # S falls each step (η0·λ/σ² ≈ 0.94 at alpha = 1: ~16x a step), and a
    # column touched at a small S holds u, v of size 1/S whose terms in the
    # average cancel. Settled only near underflow (2^-200), two chunks of 63
    # batches at alpha = 1 gave coefficients 1e20 times the dense steps', two
    # of 235 batches at alpha = 1e-3 differed by 1.3e-7 of the largest
    chunks = list(_stream(np.random.default_rng(seed), 2, n, p, density=density))
    dense, _ = _fit(chunks, dense=True, weighted=False, penalty="l2", alpha=alpha)
    lazy, est = _fit(chunks, dense=False, weighted=False, penalty="l2", alpha=alpha)
    assert est._partial_state.coordinates[2] is not None  # the lazy steps
    np.testing.assert_allclose(
        lazy, dense, rtol=1e-10, atol=1e-12 * np.abs(dense).max()
    )


def _non_canonical(X):
    # each stored value split in two entries of one column, each row's entries
    # in descending column order: duplicates and unsorted indices, which scipy
    # allows (X.toarray() sums the duplicates)
    coo = X.tocoo()
    order = np.lexsort((-np.concatenate([coo.col, coo.col]),
                        np.concatenate([coo.row, coo.row])))  # fmt: skip
    cols = np.concatenate([coo.col, coo.col])[order].astype(np.int32)
    vals = np.concatenate([coo.data * 0.25, coo.data * 0.75])[order]
    counts = np.bincount(coo.row, minlength=X.shape[0]) * 2
    Y = sp.csr_matrix((vals, cols, np.append(0, np.cumsum(counts))), shape=X.shape)
    assert not Y.has_canonical_format
    return Y


def _narrow(X, keep):
    # the chunk's stored values in the first `keep` columns alone
    Y = X.tocoo()
    mask = Y.col < keep
    return sp.csr_matrix((Y.data[mask], (Y.row[mask], Y.col[mask])), shape=X.shape)


def _explicit_zeros(X):
    Y = X.copy()
    Y.data[::5] = 0.0  # stored zeros: their columns are a batch's, their values 0
    return Y


def _int64(X):
    return sp.csr_matrix(
        (X.data, X.indices.astype(np.int64), X.indptr.astype(np.int64)), X.shape
    )


_CHUNKS = {
    # chunk i -> what the stream is given (CSR, or a dense array for the
    # dense steps within a CSR stream)
    "csr-and-dense": lambda X, i: X.toarray() if i % 2 == 0 else X,
    "non-canonical": lambda X, i: _non_canonical(X),
    "explicit-zeros": lambda X, i: _explicit_zeros(X),
    "int64-indices": lambda X, i: _int64(X),
    # a CSC chunk's batches stay CSC (their indices are rows): they raised
    # "index pointer size 121 should be 201"
    "csc": lambda X, i: X.tocsc(),
    "csc-array": lambda X, i: sp.csc_array(X),
    "no-values-and-narrow": lambda X, i: (
        sp.csr_matrix(X.shape) if i == 2 else _narrow(X, 10) if i == 3 else X
    ),
    "first-chunk-narrow": lambda X, i: _narrow(X, 10) if i == 0 else X,
}


@pytest.mark.parametrize("kind", list(_CHUNKS))
@pytest.mark.parametrize(
    "params",
    [
        dict(penalty=None),
        dict(penalty="l2", alpha=1e-3),
        dict(penalty="l2", alpha=1e-3, class_weight={0.0: 3.0, 1.0: 0.5}),
    ],
    ids=["none", "l2", "l2-class-weight"],
)
def test_awkward_csr_chunks_match_the_dense_steps(kind, params):
    # reference: each chunk as a dense array (X.toarray(): the dense steps).
    # A stream that mixes CSR and dense chunks; non-canonical CSR; stored
    # zeros; int64 indices; CSC chunks; a chunk with no stored value and one on 10 of 120
    # columns (the others untouched a whole chunk); a first chunk on 10
    # columns (the rest of zero scale, of the L2 floor's decay with L2); a
    # third of the rows weigh 0
    chunks = list(_stream(np.random.default_rng(4), 5, 600, 120))
    for _, _, sw, _ in chunks:
        sw[::3] = 0.0
    given = [(_CHUNKS[kind](X, i), *rest) for i, (X, *rest) in enumerate(chunks)]
    as_dense = [(X.toarray() if sp.issparse(X) else X, *rest) for X, *rest in given]
    lazy, est = _fit(given, dense=False, weighted=True, **params)
    dense, _ = _fit(as_dense, dense=False, weighted=True, **params)
    assert est._partial_state.coordinates[2] is not None
    np.testing.assert_allclose(
        lazy, dense, rtol=1e-10, atol=1e-12 * np.abs(dense).max()
    )


@pytest.mark.parametrize("how", ["deepcopy", "pickle", "interrupted"])
def test_a_copy_or_an_interrupted_call_leaves_the_stream_as_it_was(how):
    # the stream's state shares its kept view and lazy columns between the
    # copies a call works on (stream_state): a copy continued on other chunks,
    # or a call interrupted mid-chunk (then given again), must leave the
    # original's next chunks the dense steps' (reference: the same stream as
    # dense arrays, uninterrupted)
    import copy
    import pickle

    chunks = list(_stream(np.random.default_rng(6), 4, 600, 120))
    params = dict(penalty="l2", alpha=1e-3)
    dense, _ = _fit(chunks, dense=True, weighted=True, **params)
    _, est = _fit(chunks[:2], dense=False, weighted=True, **params)
    if how == "interrupted":
        calls = []
        real = lazy_sgd.block_value_grad

        def interrupt(*args):
            calls.append(1)
            if len(calls) == 2:  # the chunk's second batch
                raise KeyboardInterrupt
            return real(*args)

        X, y, sw, off = chunks[2]
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(lazy_sgd, "block_value_grad", interrupt)
            with pytest.raises(KeyboardInterrupt):
                est.partial_fit(X, y, sample_weight=sw, offset=off)
    else:
        other = (
            copy.deepcopy(est) if how == "deepcopy" else pickle.loads(pickle.dumps(est))
        )
        rng = np.random.default_rng(7)  # other chunks for the copy
        _fit(list(_stream(rng, 2, 600, 120)), dense=False, weighted=True, est=other)
    lazy, _ = _fit(chunks[2:], dense=False, weighted=True, est=est)
    np.testing.assert_allclose(
        lazy, dense, rtol=1e-10, atol=1e-12 * np.abs(dense).max()
    )


def test_float32_csr_chunks_match_the_dense_float32_steps():
    # reference: the same float32 chunks dense (the kernels compute in X's
    # dtype: either path is float32's rounding, ~4e-9 of float64's steps on
    # these exactly representable values, and 8e-9 of each other)
    chunks = [
        (X.astype(np.float32), *rest)
        for X, *rest in _stream(np.random.default_rng(1), 4, 600, 120)
    ]
    _, lazy = _fit(chunks, dense=False, weighted=True, penalty="l2", alpha=1e-3)
    _, dense = _fit(chunks, dense=True, weighted=True, penalty="l2", alpha=1e-3)
    assert lazy._partial_state.coordinates[2] is not None
    assert lazy.coef_.dtype == np.float32
    avg, ref = lazy._partial_state.sgd.avg, dense._partial_state.sgd.avg
    np.testing.assert_allclose(avg, ref, rtol=1e-6, atol=1e-7 * np.abs(ref).max())


def _k_class_fit(chunks, dense, **params):
    est = LogisticRegression(random_state=5, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # small first chunk
        for X, y, sw, off in chunks:
            est.partial_fit(
                X.toarray() if dense else X, y, classes=[0.0, 1.0, 2.0],
                sample_weight=sw, offset=off,
            )  # fmt: skip
    return np.append(est.coef_.ravel(), est.intercept_), est


@pytest.mark.parametrize(
    "params, settle",
    [
        (dict(penalty="l2", alpha=1e-3), None),
        (dict(penalty=None), None),
        (dict(penalty="l2", alpha=0.05, fit_intercept=False), None),
        (dict(penalty="l2", alpha=1.0), "_SETTLE_BELOW"),
        (dict(penalty="l2", alpha=1.0), "_MIN_DECAY"),
    ],
    ids=["l2", "none", "no-intercept", "settled-every-step", "dense-every-step"],
)
def test_k_class_csr_chunks_match_the_dense_steps(monkeypatch, params, settle):
    # three classes: the lazy steps on K rows of coefficients (one decay a
    # column, shared by the classes; the multinomial gauge term on the
    # intercepts), weighted, with an offset matrix; reference: the same
    # chunks dense (the multinomial objective's batch_gradient and sgd_pass).
    # Settled after every step, or every step dense (strong L2): the same
    rng = np.random.default_rng(8)
    chunks = [
        (X, rng.integers(0, 3, X.shape[0]).astype(float), sw,
         rng.normal(size=(X.shape[0], 3)) * 0.1)
        for X, _, sw, _ in _stream(rng, 3, 600, 60)
    ]  # fmt: skip
    dense, _ = _k_class_fit(chunks, True, **params)
    if settle is not None:
        monkeypatch.setattr(lazy_sgd, settle, 2.0)
    lazy, est = _k_class_fit(chunks, False, **params)
    assert est.coef_.shape == (3, 60)
    assert est._partial_state.coordinates[2].rows == 3  # the lazy steps
    np.testing.assert_allclose(
        lazy, dense, rtol=1e-10, atol=1e-12 * np.abs(dense).max()
    )


def test_max_groups_is_the_most_decays_kept_lazily(monkeypatch):
    # at MAX_GROUPS distinct decays the lazy steps, at one more the dense
    # ones; the coefficients those of the dense chunks (the reference) either way
    chunks = list(_stream(np.random.default_rng(2), 2, 400, 60))
    dense, _ = _fit(chunks, dense=True, weighted=False, penalty="l2", alpha=1e-2)
    _, est = _fit(chunks, dense=False, weighted=False, penalty="l2", alpha=1e-2)
    n_groups = est._partial_state.coordinates[2].c.size
    assert n_groups > 2
    for limit, lazy in ((n_groups, True), (n_groups - 1, False)):
        monkeypatch.setattr(lazy_sgd, "MAX_GROUPS", limit)
        got, est = _fit(chunks, dense=False, weighted=False, penalty="l2", alpha=1e-2)
        assert (est._partial_state.coordinates[2] is not None) == lazy
        np.testing.assert_allclose(
            got, dense, rtol=1e-10, atol=1e-12 * np.abs(dense).max()
        )


def test_csc_coo_and_csr_chunks_give_one_iterate(monkeypatch):
    # a chunk in any sparse format takes the same steps: CSC and COO chunks
    # are made CSR once a chunk (check_chunk_X), not once a batch (each CSC
    # batch was O(p)); a COO chunk with its values split in duplicate entries
    # (summed, as scipy's toarray sums them). Reference: the CSR stream and
    # the dense one (X.toarray(), the dense steps)
    chunks = list(_stream(np.random.default_rng(9), 3, 600, 120))

    def split_coo(X):
        c = X.tocoo()
        return sp.coo_matrix(
            (np.r_[c.data * 0.25, c.data * 0.75], (np.r_[c.row, c.row],
             np.r_[c.col, c.col])), shape=X.shape,
        )  # fmt: skip

    formats = []
    real = lazy_sgd._compact

    def compact(block):
        formats.append(block.X.format)
        return real(block)

    monkeypatch.setattr(lazy_sgd, "_compact", compact)
    fits = {}
    for name, form in [
        ("csr", lambda X: X),
        ("csc", lambda X: X.tocsc()),
        ("coo", split_coo),
        ("dense", lambda X: X.toarray()),
    ]:
        given = [(form(X), *rest) for X, *rest in chunks]
        fits[name], est = _fit(given, dense=False, weighted=True, penalty="l2",
                               alpha=1e-3)  # fmt: skip
        if name != "dense":
            assert est._partial_state.coordinates[2] is not None  # lazy steps
    assert formats and set(formats) == {"csr"}  # no batch left CSC
    scale = np.abs(fits["csr"]).max()
    for name in ("csc", "coo"):
        np.testing.assert_allclose(fits[name], fits["csr"], rtol=0, atol=1e-15 * scale)
    np.testing.assert_allclose(
        fits["csr"], fits["dense"], rtol=1e-10, atol=1e-12 * scale
    )


def test_k_class_kept_view_sets_each_chunks_gauge(monkeypatch):
    # a K-class stream keeps its standardized view between chunks
    # (stream_view); each chunk's objective must still get the stochastic
    # gauge strength γ = 1/(4K(1 + Σ_j μ_j²/σ_j²)) (ScaledMultinomial's
    # docstring, from the view's centres and scales), not its default 1/(4K):
    # the dense and lazy steps both read it, so they cannot check it
    import logistic._multinomial_partial as mp

    seen = []
    real = mp.partial_fit_step

    def spy(state, view, columns=None):
        seen.append((view.base.gauge, view.mean, view.scale))
        return real(state, view, columns)

    monkeypatch.setattr(mp, "partial_fit_step", spy)
    rng = np.random.default_rng(8)
    est = LogisticRegression(penalty="l2", alpha=1e-3, random_state=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for X, _, _, _ in _stream(rng, 3, 300, 40):
            est.partial_fit(X, rng.integers(0, 3, 300), classes=[0, 1, 2])
    assert len(seen) == 3
    for gauge, mean, scale in seen:
        expected = 0.25 / (3 * (1.0 + np.sum((mean / scale) ** 2)))
        assert gauge == pytest.approx(expected, rel=1e-12)
        assert gauge < 0.25 / 3
