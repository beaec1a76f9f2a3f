"""The array-API backend (torch, CuPy, array-api-strict) equals the numpy backend.

Backend equivalence, as for the chunked and Dask backends: the same data as
numpy arrays and as arrays of another library must give the same objective,
derivatives and fitted coefficients (float64 to 1e-10, float32 to 1e-5).
array-api-strict (a minimal, spec-only namespace on the CPU) always runs;
PyTorch runs on its CPU build when installed (CI installs it) and is skipped
otherwise; CUDA devices are exercised by benchmarks/gpu.py.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

from conftest import logistic_problem
from logistic import LogisticRegression, _kernels
from logistic._exceptions import (
    ConvergenceWarning,
    DataValidationError,
    InvalidParameterError,
)
from logistic._multiclass import MultiClassNotSupportedError
from logistic._objective import (
    LogisticObjective,
    block_curvature_diagonal,
    block_data_stats,
    block_hessian,
    block_hessp,
    block_value_grad,
    block_value_grad_hessian,
)
from logistic._typing import Block
from logistic.backends import InMemory
from test_cross_library import breast_cancer, ucla, wells

xs = pytest.importorskip("array_api_strict")
pytest.importorskip("array_api_compat")


def _strict(a):
    return xs.asarray(np.ascontiguousarray(a))


def _torch(a):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)  # CI's few cores are shared with pytest-xdist workers
    return torch.from_numpy(np.ascontiguousarray(a))


NAMESPACES = {"strict": _strict, "torch": _torch}


# -- datasets (tests/data, read as tests/test_cross_library.py reads them) -------------


def _problem(name):
    """Data, weights and penalty of each case: sample weights, offsets and
    class weights appear across the three datasets."""
    rng = np.random.default_rng(7)
    X, y = {"ucla": ucla, "wells": wells, "breast-cancer": breast_cancer}[name]()
    n = X.shape[0]
    if name == "ucla":  # sample weights and an offset, unpenalised
        fit = {
            "sample_weight": rng.uniform(0.5, 2.0, n),
            "offset": rng.normal(0, 0.2, n),
        }
        params = {}
    elif name == "wells":  # balanced class weights and an offset, unpenalised
        fit = {"offset": rng.normal(0, 0.2, n)}
        params = {"class_weight": "balanced"}
    else:  # sample weights times class weights; L2 (the data are separable) with C
        # small enough that float32's rounding moves the optimum by < 1e-5
        fit = {"sample_weight": rng.uniform(0.5, 2.0, n)}
        params = {"class_weight": {0.0: 1.0, 1.0: 2.0}, "penalty": "l2", "C": 0.01}
    return X, y, fit, params


def _fit(X, y, fit, params, solver, dtype, convert=None, max_iter=20000):
    X = X.astype(dtype)
    if convert is not None:
        X, y = convert(X), convert(y)
        fit = {k: convert(v) for k, v in fit.items()}
    # float64: tight enough that the solvers' own error is below 1e-10 (L-BFGS on
    # breast cancer needs 1e-14: at 1e-12 its intercept is only within 2e-9 of
    # Newton's, whatever the backend); float32: its default, 1e-6
    tol = (1e-14 if solver == "lbfgs" else 1e-12) if dtype == np.float64 else None
    model = LogisticRegression(solver=solver, tol=tol, max_iter=max_iter, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **fit)


def _theta(model):
    return np.append(model.coef_, model.intercept_)


#: Gradient descent's iterates are compared after a fixed number of iterations
#: where it cannot reach tol: on breast cancer it needs ~10^5 iterations in
#: float64, and in float32 its line search stalls at float32's rounding noise
#: after 6 to 10 iterations on these data (the numpy backend's too: steps of
#: 1e-6, decided by rounding), so float32 is compared before that. The same
#: iterates are the stronger check anyway.
GD_ITER = {np.float64: 40, np.float32: 5}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("solver", ["newton", "lbfgs", "gd", "newton-cg", "l1"])
@pytest.mark.parametrize("data", ["ucla", "wells", "breast-cancer"])
@pytest.mark.parametrize("ns", sorted(NAMESPACES))
def test_fit_equals_numpy(ns, data, solver, dtype):
    X, y, fit, params = _problem(data)
    if solver == "l1":  # the solver auto picks for an L1 term (newton-cd)
        params = {**params, "penalty": "l1", "C": 0.05}
        solver = "auto"
    fixed = solver == "gd" and (dtype == np.float32 or data == "breast-cancer")
    max_iter = GD_ITER[dtype] if fixed else 1000
    convert = NAMESPACES[ns]
    # the array-API kernels mirror the numpy reference kernel operation by
    # operation; the compiled kernel differs from it at rounding level, which
    # decides where a float32 Newton run stops at its rounding floor (UCLA,
    # unpenalized: about half of random weight/offset draws, either kernel)
    old = _kernels.set_compiled(False)
    try:
        ref = _fit(X, y, fit, params, solver, dtype, max_iter=max_iter)
    finally:
        _kernels.set_compiled(old)
    got = _fit(X, y, fit, params, solver, dtype, convert, max_iter=max_iter)
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    a, b = _theta(ref), _theta(got)
    assert got.solver_ == ref.solver_
    assert np.abs(b - a).max() <= rtol * max(1.0, np.abs(a).max())
    if fixed:
        assert got.n_iter_[0] == ref.n_iter_[0] == max_iter
    else:
        assert got.converged_ and ref.converged_
    np.testing.assert_array_equal(got.classes_, ref.classes_)


# -- block kernels ---------------------------------------------------------------------
def _blocks(ns, dtype, z_scale=1.0):
    """The same block as numpy arrays and in namespace ``ns``; w, b for logits
    of size ``z_scale``."""
    X, y = logistic_problem(3, n=300)
    rng = np.random.default_rng(5)
    s, off = rng.uniform(0.2, 3.0, 300), rng.normal(0, 0.5, 300)
    X, y = X.astype(dtype), y.astype(dtype)
    host = Block(X, y, s, off)
    c = NAMESPACES[ns]
    dev = Block(c(X), c(y), c(s), c(off))
    w = np.array([0.8, -0.4, 1.1, 0.2, -0.6]) * z_scale
    return host, dev, w, 0.3 * z_scale


def _host(x):
    from logistic._kernels_xp import to_host

    return to_host(x)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("ns", sorted(NAMESPACES))
def test_block_sums_equal_numpy_kernels(ns, dtype):
    host, dev, w, b = _blocks(ns, dtype)
    rtol = 1e-12 if dtype == np.float64 else 2e-6
    v_w, v_b = np.linspace(-1, 1, 5), 0.5
    pairs = [
        (block_value_grad(host, w, b), block_value_grad(dev, w, b)),
        (block_hessian(host, w, b), block_hessian(dev, w, b)),
        (block_value_grad_hessian(host, w, b), block_value_grad_hessian(dev, w, b)),
        (
            block_value_grad_hessian(host, w, b, hessian_stride=3),
            block_value_grad_hessian(dev, w, b, hessian_stride=3),
        ),
        (
            block_hessp(host, w, b, v_w, v_b, False),
            block_hessp(dev, w, b, v_w, v_b, False),
        ),
        (
            block_hessp(host, w, b, v_w, v_b, True),
            block_hessp(dev, w, b, v_w, v_b, True),
        ),
        (  # newton-cg's preconditioner (torch tensors failed in numpy's ufuncs)
            block_curvature_diagonal(host, w, b, None),
            block_curvature_diagonal(dev, w, b, None),
        ),
    ]
    for want, got in pairs:
        for a, g in zip(want, _host(got), strict=True):
            np.testing.assert_allclose(g, a, rtol=rtol, atol=rtol * np.abs(a).max())
    (stats, total), (d_stats, d_total) = block_data_stats(host), block_data_stats(dev)
    assert d_total == pytest.approx(total, rel=1e-14)
    for a, g in zip(stats.moments(), d_stats.moments(), strict=True):
        np.testing.assert_allclose(g, a, rtol=1e-13)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("ns", sorted(NAMESPACES))
def test_no_overflow_at_extreme_logits(ns, dtype):
    """|z| up to 1e300 (float64) / 3e38 (float32): finite loss, residual and
    curvature, equal to the numpy kernels' (which follow _math's formulas)."""
    scale = 1e299 if dtype == np.float64 else 1e37
    host, dev, w, b = _blocks(ns, dtype, z_scale=scale)
    want, got = block_value_grad(host, w, b), _host(block_value_grad(dev, w, b))
    assert np.isfinite(got[0]) and np.all(np.isfinite(got[1]))
    for a, g in zip(want, got, strict=True):
        np.testing.assert_allclose(g, a, rtol=1e-6)
    hww = _host(block_hessian(dev, w, b))[0]
    np.testing.assert_array_equal(hww, block_hessian(host, w, b)[0])  # all 0 here


@pytest.mark.parametrize("ns", sorted(NAMESPACES))
def test_backend_blocks_sum_like_one_block(ns):
    """Rows cut into several device blocks give the numpy objective too."""
    from logistic.backends.array_api import ArrayAPI

    X, y = logistic_problem(4, n=1000)
    c = NAMESPACES[ns]
    small = ArrayAPI.from_arrays(c(X), c(y), block_bytes=100 * 5 * 8)  # 10 blocks
    assert small.block_rows == 100
    theta = np.array([0.1, -0.2, 0.3, 0.05, -0.1, 0.2])
    ref = LogisticObjective(InMemory(X, y.astype(float)))
    got = LogisticObjective(small)
    f0, g0 = ref.value_and_gradient(theta)
    f1, g1 = got.value_and_gradient(theta)
    assert isinstance(f1, float) and isinstance(g1, np.ndarray)  # sums on the host
    np.testing.assert_allclose(f1, f0, rtol=1e-14)
    np.testing.assert_allclose(g1, g0, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got.hessian(theta), ref.hessian(theta), rtol=1e-12)


# -- prediction -------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("ns", sorted(NAMESPACES))
def test_predictions_keep_the_array_type(ns, dtype):
    X, y = logistic_problem(2, n=500)
    X = X.astype(dtype)
    c = NAMESPACES[ns]
    model = LogisticRegression().fit(X, y)
    off = np.linspace(-1, 1, 500)
    Xd = c(X)
    proba = model.predict_proba(Xd, offset=c(off))
    z = model.decision_function(Xd)
    labels = model.predict(Xd)
    for out in (proba, z, labels):
        assert type(out) is type(Xd)
    assert tuple(proba.shape) == (500, 2)
    rtol = 1e-12 if dtype == np.float64 else 1e-6  # float32 products, summed apart
    np.testing.assert_allclose(
        _host(proba), model.predict_proba(X, offset=off), rtol=rtol
    )
    z_ref = model.decision_function(X)
    np.testing.assert_allclose(
        _host(z), z_ref, rtol=rtol, atol=rtol * np.abs(z_ref).max()
    )
    np.testing.assert_array_equal(_host(labels), model.predict(X))


@pytest.mark.parametrize("ns", sorted(NAMESPACES))
def test_log_proba_and_score_on_device_input(ns):
    X, y = logistic_problem(2, n=400)
    c = NAMESPACES[ns]
    model = LogisticRegression().fit(X, y)
    far = np.vstack([X, [[900.0, 0, 0, 0, 0], [-900.0, 0, 0, 0, 0]]])  # |z| ≈ 700
    got = model.predict_log_proba(c(far))
    assert type(got) is type(c(far))
    want = model.predict_log_proba(far)
    assert np.all(np.isfinite(_host(got)))
    np.testing.assert_allclose(_host(got), want, rtol=1e-12)
    assert model.score(c(X), c(y)) == model.score(X, y)


@pytest.mark.parametrize("dtype", [np.bool_, np.int64, np.int32, np.float32])
@pytest.mark.parametrize("ns", sorted(NAMESPACES))
def test_predict_returns_the_labels_in_their_dtype(ns, dtype):
    # boolean labels came back as 0/1 int64, int32 and float32 ones widened
    from logistic._kernels_xp import to_numpy

    X, y = logistic_problem(2, n=200)
    c = NAMESPACES[ns]
    labels = y.astype(dtype)
    want = LogisticRegression().fit(X, labels).predict(X)
    got = LogisticRegression().fit(c(X), c(labels)).predict(c(X))
    assert type(got) is type(c(X))
    assert to_numpy(got).dtype == want.dtype == dtype
    np.testing.assert_array_equal(to_numpy(got), want)
    # a K-class model fitted from numpy predicts device X in its labels' dtype
    labels3 = (np.arange(200) % 3).astype(dtype) if dtype != np.bool_ else None
    if labels3 is not None:
        model = LogisticRegression().fit(X, labels3)
        got = model.predict(c(X))
        assert to_numpy(got).dtype == dtype
        np.testing.assert_array_equal(to_numpy(got), model.predict(X))


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("ns", sorted(NAMESPACES))
def test_unnamed_device_x_warns_as_numpy_x_for_a_model_fitted_with_names(ns, k):
    # numpy X warned (scikit-learn's words), device X did not
    pd = pytest.importorskip("pandas")
    X, _ = logistic_problem(2, n=90)
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    model = LogisticRegression().fit(frame, np.arange(90) % k)
    words = "X does not have valid feature names, but LogisticRegression was fitted"
    for method in ("predict", "predict_proba", "decision_function"):
        with pytest.warns(UserWarning, match=words):
            getattr(model, method)(X)
        with pytest.warns(UserWarning, match=words):
            getattr(model, method)(NAMESPACES[ns](X))


def test_string_labels_predict_on_the_host():
    X, y = logistic_problem(2, n=300)
    names = np.where(y == 1, "yes", "no")
    model = LogisticRegression().fit(_strict(X), names)
    np.testing.assert_array_equal(model.classes_, ["no", "yes"])
    np.testing.assert_array_equal(
        model.predict(_strict(X)), LogisticRegression().fit(X, names).predict(X)
    )


# -- what the backend refuses, and how ---------------------------------------------------
def test_reductions_only_random_access_solvers_refused():
    X, y = logistic_problem(2, n=300)
    with pytest.raises(
        InvalidParameterError,
        match="solver 'sgd' needs data it can read block by block",
    ):
        LogisticRegression(solver="sgd").fit(_strict(X), y)
    model = LogisticRegression().fit(_strict(X), y)
    assert model.separation_ == "unchecked"  # the check needs the rows on the host


def test_invalid_data_named():
    X, y = logistic_problem(2, n=50)
    bad = X.copy()
    bad[7, 2] = np.nan
    with pytest.raises(DataValidationError, match="row 7"):
        LogisticRegression().fit(_strict(bad), y)
    with pytest.raises(DataValidationError, match="2D"):
        LogisticRegression().fit(_strict(X[:, 0]), y)
    # K classes: fitted from numpy; scikit-learn's binary-only wording
    with pytest.raises(
        MultiClassNotSupportedError,
        match=r"^Only binary classification is supported with torch, CuPy and other "
        r"array-API arrays so far; for more than two classes convert X and y to "
        r"numpy arrays \(X\.cpu\(\)\.numpy\(\) for a torch tensor",
    ):
        LogisticRegression().fit(_strict(X), np.arange(50) % 3)
    with pytest.raises(DataValidationError, match="inconsistent numbers of samples"):
        LogisticRegression().fit(_strict(X), y[:-1])


@pytest.mark.parametrize("ns", sorted(NAMESPACES))
def test_empty_x_refused_as_numpy_refuses_it(ns):
    # no rows: not "only one class: None"; no columns: not numpy's reshape error
    X, y = logistic_problem(2, n=50)
    c = NAMESPACES[ns]
    for shape in [(0, 5), (50, 0)]:
        with pytest.raises(DataValidationError) as want:
            LogisticRegression().fit(np.zeros(shape), y[: shape[0]])
        with pytest.raises(DataValidationError) as got:
            LogisticRegression().fit(c(np.zeros(shape)), c(y[: shape[0]]))
        assert str(got.value) == str(want.value)
    model = LogisticRegression().fit(X, y)
    with pytest.raises(DataValidationError, match=r"0 sample\(s\) \(shape=\(0, 5\)\)"):
        model.predict_proba(c(np.zeros((0, 5))))


@pytest.mark.parametrize("ns", sorted(NAMESPACES))
def test_complex_x_refused_not_cast_to_its_real_part(ns):
    # numpy refuses complex X; the device cast kept the real part silently
    X, y = logistic_problem(2, n=50)
    Xc = X + 1j * X[:, ::-1]
    with pytest.raises(DataValidationError, match="Complex data not supported: X"):
        LogisticRegression().fit(Xc, y)
    with pytest.raises(DataValidationError, match="Complex data not supported: X"):
        LogisticRegression().fit(NAMESPACES[ns](Xc), y)
    model = LogisticRegression().fit(X, y)
    with pytest.raises(DataValidationError, match="Complex data not supported: X"):
        model.predict(NAMESPACES[ns](Xc))


@pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta")
def test_sparse_torch_refused_naming_cupy_csr():
    torch = pytest.importorskip("torch")
    X, y = logistic_problem(2, n=50)
    Xs = torch.from_numpy(X).to_sparse_csr()
    with pytest.raises(InvalidParameterError, match="CuPy CSR"):
        LogisticRegression().fit(Xs, y)


@pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta")
@pytest.mark.parametrize("host_x", [True, False], ids=["numpy-X", "torch-X"])
def test_sparse_torch_vectors_refused_by_name(host_x):
    # torch's "can't convert Sparse layout tensor to numpy" named no input
    torch = pytest.importorskip("torch")
    X, y = logistic_problem(2, n=50)
    Xg = X if host_x else torch.from_numpy(X)
    model = LogisticRegression().fit(X, y)

    def sparse(v):
        return torch.from_numpy(v).to_sparse()

    ones = np.ones(50)
    for name, call in [
        ("y", lambda: LogisticRegression().fit(Xg, sparse(y))),
        ("sample_weight", lambda: LogisticRegression().fit(Xg, y, sparse(ones))),
        ("offset", lambda: LogisticRegression().fit(Xg, y, offset=sparse(ones))),
        ("y", lambda: model.score(Xg, sparse(y))),
        ("offset", lambda: model.predict_proba(Xg, offset=sparse(ones))),
    ]:
        with pytest.raises(
            DataValidationError,
            match=rf"^{name} is a sparse torch tensor \(torch\.sparse_coo\) of shape "
            rf"\(50,\), but {name} must be dense .*: pass {name}\.to_dense\(\)$",
        ):
            call()


def test_bfloat16_labels_weights_and_offsets_of_torch_x():
    # numpy has no bfloat16: the host copy stopped with torch's TypeError
    torch = pytest.importorskip("torch")
    X, y = logistic_problem(2, n=200)
    sw, off = np.linspace(0.5, 2.0, 200), np.linspace(-0.5, 0.5, 200)

    def bf16(v):
        return torch.from_numpy(v).to(torch.bfloat16)

    sw16, off16 = (bf16(v).float().double().numpy() for v in (sw, off))  # rounded
    want = LogisticRegression().fit(X, y, sample_weight=sw16, offset=off16)
    Xt = torch.from_numpy(X)
    got = LogisticRegression().fit(Xt, bf16(y), sample_weight=bf16(sw), offset=bf16(off))
    np.testing.assert_allclose(got.coef_, want.coef_, rtol=1e-10, atol=1e-12)
    assert got.score(Xt, bf16(y), bf16(sw), bf16(off)) == want.score(X, y, sw16, off16)
    np.testing.assert_allclose(
        _host(want.predict_proba(Xt, offset=bf16(off))),
        want.predict_proba(X, offset=off16),
        rtol=1e-12,
    )


def _away(how, every_dtype_grad=False):
    """A converter of numpy arrays to arrays numpy cannot read directly: on
    array-api-strict's ``device1`` (``how="device1"``), or torch tensors that
    record gradients (floating ones, or every one with ``every_dtype_grad``)."""

    def convert(a):
        if how == "device1":
            return xs.asarray(a, device=xs.Device("device1"))
        torch = pytest.importorskip("torch")
        return torch.tensor(a, requires_grad=every_dtype_grad or a.dtype.kind == "f")

    return convert


@pytest.mark.parametrize("how", ["device1", "torch"])
def test_path_cv_and_partial_fit_copy_device_arrays_to_the_host(how):
    # they read X, y through numpy: RuntimeError "Can't convert array on the
    # device1 device" / "Can't call numpy() on Tensor that requires grad"
    c = _away(how)

    from logistic import LogisticRegressionCV, path

    X, y = logistic_problem(2, n=200)
    k3 = np.arange(200) % 3
    np.testing.assert_array_equal(path(c(X), c(y)).coefs, path(X, y).coefs)
    for labels, classes in [(y, [0.0, 1.0]), (k3, [0, 1, 2])]:
        want = LogisticRegression(random_state=0).partial_fit(X, labels, classes)
        got = LogisticRegression(random_state=0).partial_fit(c(X), c(labels), classes)
        np.testing.assert_array_equal(got.coef_, want.coef_)
    pytest.importorskip("sklearn")
    want = LogisticRegressionCV(cv=3).fit(X, y)
    got = LogisticRegressionCV(cv=3).fit(c(X), c(y))
    np.testing.assert_array_equal(got.coef_, want.coef_)


@pytest.mark.parametrize("how", ["device1", "torch"])
def test_numpy_x_fit_copies_device_labels_weights_and_offsets(how):
    # numpy read them: "Can't convert array on the device1 device" / "Can't
    # call numpy() on Tensor that requires grad"
    c = _away(how)

    X, y = logistic_problem(2, n=200)
    y = y.astype(np.float64)
    sw, off = np.linspace(0.5, 2.0, 200), np.linspace(-0.5, 0.5, 200)
    want = LogisticRegression().fit(X, y, sample_weight=sw, offset=off)
    got = LogisticRegression().fit(X, c(y), sample_weight=c(sw), offset=c(off))
    np.testing.assert_array_equal(got.coef_, want.coef_)


@pytest.mark.parametrize("how", ["device1", "torch"])
def test_numpy_x_predictions_and_inference_copy_device_offsets(how):
    # numpy read the offset: "Can't convert array on the device1 device" /
    # "Can't call numpy() on Tensor that requires grad"
    c = _away(how, every_dtype_grad=True)

    X, y = logistic_problem(2, n=200)
    y = y.astype(np.float64)
    off = np.linspace(-0.5, 0.5, 200)
    model = LogisticRegression(penalty=None).fit(X, y, offset=off)
    np.testing.assert_array_equal(
        model.predict_proba(X, offset=c(off)), model.predict_proba(X, offset=off)
    )
    assert model.score(X, y, offset=c(off)) == model.score(X, y, offset=off)
    np.testing.assert_array_equal(
        model.inference(X, c(y), offset=c(off)).bse,
        model.inference(X, y, offset=off).bse,
    )
    k3 = LogisticRegression().fit(X, np.arange(200) % 3)
    off3 = np.tile(off[:, None], (1, 3))
    np.testing.assert_array_equal(
        k3.predict_proba(X, offset=c(off3)), k3.predict_proba(X, offset=off3)
    )


def test_integer_x_fits_as_float64():
    X, y = logistic_problem(2, n=300)
    Xi = np.round(X * 10).astype(np.int64)
    got = LogisticRegression().fit(_strict(Xi), y)
    ref = LogisticRegression().fit(Xi, y)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-10)


def test_missing_array_api_compat_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "array_api_compat", None)
    X, y = logistic_problem(2, n=50)
    with pytest.raises(ImportError, match=r"pip install 'logistic\[torch\]'"):
        LogisticRegression().fit(_strict(X), y)


def test_require_names_the_extra(monkeypatch):
    from logistic.backends.array_api import require

    monkeypatch.setitem(sys.modules, "cupy", None)
    with pytest.raises(ImportError, match=r"logistic\[cupy\]"):
        require("cupy")


def test_import_logistic_loads_no_array_library():
    code = (
        "import sys, logistic\n"
        "print([m for m in ('torch', 'cupy', 'array_api_compat', 'array_api_strict')"
        " if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("ns", sorted(NAMESPACES))
def test_fit_statistics_with_offset_null_model_on_device(ns):
    """An unpenalized fit keeps what inference needs: the label sums and the
    null model of data with an offset (fitted over the same device rows)."""
    X, y, fit, params = _problem("ucla")
    ref = _fit(X, y, fit, params, "newton", np.float64)
    got = _fit(X, y, fit, params, "newton", np.float64, NAMESPACES[ns])
    a, b = ref.fit_statistics_, got.fit_statistics_
    assert a.llnull is not None
    np.testing.assert_allclose(b.llnull, a.llnull, rtol=1e-10)
    np.testing.assert_allclose(b.hessian, a.hessian, rtol=1e-10)
    for field in ("positive", "weight", "saturated", "pearson"):
        assert getattr(b.labels, field) == pytest.approx(
            getattr(a.labels, field), rel=1e-10
        )


def test_torch_fit_with_numpy_labels_neither_warns_nor_shares_them():
    """Float 0/1 labels are their own encoding, a read-only view of the
    caller's ``y``; on the way to a torch device they are copied, so torch
    neither warns that it cannot honour the read-only flag nor holds the
    caller's memory."""
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    X, y = ucla()
    y = np.ascontiguousarray(y, dtype=np.float64)
    before = y.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticRegression(solver="newton").fit(
            torch.from_numpy(np.ascontiguousarray(X, dtype=np.float64)), y
        )
    assert y.flags.writeable and np.array_equal(y, before)
    reference = LogisticRegression(solver="newton").fit(X, y)
    np.testing.assert_allclose(_theta(model), _theta(reference), rtol=1e-10, atol=1e-12)


def test_torch_tensor_that_records_gradients_fits_without_a_warning():
    """A tensor with ``requires_grad=True`` (a feature matrix from a torch
    model) is read detached: no autograd graph and no warning from
    ``torch.asarray``; the coefficients are numpy's and the probabilities a
    tensor outside any graph."""
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    X, y = ucla()
    X = np.ascontiguousarray(X, dtype=np.float64)
    Xt = torch.tensor(X, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LogisticRegression(solver="newton").fit(Xt, y)
        proba = model.predict_proba(Xt)
    assert isinstance(proba, torch.Tensor) and not proba.requires_grad
    reference = LogisticRegression(solver="newton").fit(X, y)
    np.testing.assert_allclose(_theta(model), _theta(reference), rtol=1e-10, atol=1e-12)
