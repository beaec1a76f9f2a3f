"""``fit`` ends a ``partial_fit`` stream; ``partial_fit`` leaves no stale fit attributes.

* ``partial_fit(A)``, ``fit(B)``, ``partial_fit(chunk of B)`` continued A's
  stream (its averaged iterate and scales): coefficients [1.64, -0.60] against
  fit(B)'s [-0.004, -3.10]; with another number of features it raised numpy's
  "operands could not be broadcast", with other labels "labels not in
  classes=[0, 1]";
* after ``fit`` then ``partial_fit``, ``objective_``, ``history_``,
  ``n_passes_``, ``grad_max_norm_`` and ``fit_status_`` described the fit;
* a first chunk of two rows fixed the stream's scales without a word;
* a weighted chunk of one class was refused ("sample_weight is zero for every
  sample of class 1") where the same chunk unweighted was taken, and a later
  chunk of weight 0 was refused where it adds nothing to the objective.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from logistic import LogisticRegression


def _data(seed, n=1200, shift=0.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2)) + shift
    y = (X[:, 0] - 3 * X[:, 1] + rng.logistic(size=n) > 0).astype(int)
    return X, y


def _quiet(f, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*a, **k)


def test_fit_ends_the_stream():
    XA, yA = _data(0, shift=2.0)
    XB, yB = _data(1)
    model = LogisticRegression(penalty="l2", alpha=1e-3)
    _quiet(model.partial_fit, XA, 1 - yA, classes=[0, 1])
    fitted = model.fit(XB, yB).coef_.copy()
    model.partial_fit(XB[:500], yB[:500])
    # continues from fit(B), not from A's stream
    assert np.max(np.abs(model.coef_ - fitted)) < 0.5
    assert np.sign(model.coef_[0, 1]) == np.sign(fitted[0, 1])


def test_fit_on_other_columns_or_labels_then_partial_fit():
    X, y = _data(2)
    model = LogisticRegression(penalty="l2", alpha=1e-3)
    _quiet(model.partial_fit, np.column_stack([X, X[:, 0]]), y, classes=[0, 1])
    model.fit(X, y)
    model.partial_fit(X, y)  # 2 features now: no broadcast error
    assert model.coef_.shape == (1, 2)
    labels = np.where(y == 1, "yes", "no")
    model.fit(X, labels)
    model.partial_fit(X, labels)
    assert list(model.classes_) == ["no", "yes"]


def test_partial_fit_replaces_the_fits_attributes():
    X, y = _data(3)
    model = LogisticRegression(penalty="l2", alpha=1e-3).fit(X, y)
    assert model.history_ and np.isfinite(model.objective_)
    model.partial_fit(X, y)
    assert model.history_ == [] and np.isnan(model.objective_)
    assert np.isnan(model.grad_max_norm_) and model.n_passes_ == 1
    assert model.fit_status_.startswith("partial_fit: 1 chunk(s) of mini-batch SGD")


@pytest.mark.parametrize("rows, warns", [(2, True), (60, False)])
def test_a_small_first_chunk_warns(rows, warns):
    X, y = _data(4)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        LogisticRegression(penalty="l2", alpha=1e-3).partial_fit(X[:rows], y[:rows], classes=[0, 1])
    texts = [str(w.message) for w in seen if "first partial_fit chunk" in str(w.message)]
    assert bool(texts) is warns
    if warns:
        assert f"has {rows} rows for 3 parameters" in texts[0] and "at least 30 rows" in texts[0]


def test_a_callback_cannot_edit_the_history():
    X, y = _data(5)

    def edit(entry):
        entry["objective"] = -1.0

    model = LogisticRegression(penalty="l2", alpha=1e-3).fit(X, y, callback=edit)
    assert model.history_ and all(e["objective"] > 0 for e in model.history_)


def _weighted_stream():
    rng = np.random.default_rng(0)
    n = 4000
    X = rng.standard_normal((n, 2))
    y = (X[:, 0] + 1.0 + rng.logistic(size=n) > 0).astype(int)
    # the second half follows the opposite rule and weighs 20 times as much
    y[n // 2 :] = (-X[n // 2 :, 0] - 1.0 + rng.logistic(size=n // 2) > 0).astype(int)
    return X, y, np.where(np.arange(n) < n // 2, 1.0, 20.0)


def test_chunk_weights_weigh_across_the_stream():
    # each mini-batch's gradient was its own weighted mean: a chunk weighted as a
    # whole moved the fit as an unweighted one (coefficient -0.020 against -0.863)
    X, y, w = _weighted_stream()
    ref = LogisticRegression(penalty="l2", alpha=1e-3).fit(X, y, sample_weight=w)
    model = LogisticRegression(penalty="l2", alpha=1e-3, random_state=0)
    chunks = np.array_split(np.arange(len(y)), 8)
    for _ in range(30):
        for c in chunks:
            model.partial_fit(X[c], y[c], classes=[0, 1], sample_weight=w[c])
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=0.05)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, atol=0.05)


def test_class_weights_of_one_class_chunks_weigh_as_in_fit():
    rng = np.random.default_rng(1)
    n = 4000
    X = rng.standard_normal((n, 2))
    y = (X[:, 0] + rng.logistic(size=n) > 0).astype(int)
    order = np.argsort(y, kind="stable")  # chunks of one class
    weights = {0: 1.0, 1: 5.0}
    ref = LogisticRegression(penalty="l2", alpha=1e-3, class_weight=weights).fit(X, y)
    model = LogisticRegression(penalty="l2", alpha=1e-3, class_weight=weights, random_state=0)
    for _ in range(30):
        for c in np.array_split(order, 8):
            model.partial_fit(X[c], y[c], classes=[0, 1])
    assert abs(model.intercept_[0] - ref.intercept_[0]) < 0.1  # 1.61; unweighted 0.00


def test_unweighted_streams_are_unchanged_by_the_mean_weight():
    X, y, _ = _weighted_stream()
    a = LogisticRegression(penalty="l2", alpha=1e-3, random_state=0)
    b = LogisticRegression(penalty="l2", alpha=1e-3, random_state=0)
    for c in np.array_split(np.arange(len(y)), 4):
        a.partial_fit(X[c], y[c], classes=[0, 1])
        b.partial_fit(X[c], y[c], classes=[0, 1], sample_weight=np.full(len(c), 3.0))
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-12)  # a constant weight cancels


def test_weighted_one_class_chunks_are_taken_as_unweighted_ones_are():
    # sample_weight was checked per chunk as a whole data set: a chunk of one
    # class was refused ("sample_weight is zero for every sample of class 1")
    # although the same chunk without weights was taken
    rng = np.random.default_rng(2)
    n = 4000
    X = rng.standard_normal((n, 2))
    y = (X[:, 0] + rng.logistic(size=n) > 0).astype(int)
    order = np.argsort(y, kind="stable")
    plain = LogisticRegression(penalty="l2", alpha=1e-3, random_state=0)
    weighted = LogisticRegression(penalty="l2", alpha=1e-3, random_state=0)
    for _ in range(3):
        for c in np.array_split(order, 8):
            plain.partial_fit(X[c], y[c], classes=[0, 1])
            weighted.partial_fit(X[c], y[c], classes=[0, 1], sample_weight=np.full(len(c), 2.0))
    np.testing.assert_allclose(weighted.coef_, plain.coef_, rtol=1e-12)


@pytest.mark.parametrize("K", [2, 3])
def test_a_later_chunk_of_weight_zero_changes_nothing(K):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((600, 2))
    y = (X[:, 0] * K + rng.logistic(size=600)).clip(0, K - 1).astype(int)
    model = LogisticRegression(penalty="l2", alpha=1e-3, random_state=0)
    model.partial_fit(X[:300], y[:300], classes=list(range(K)))
    coef = model.coef_.copy()
    model.partial_fit(X[300:], y[300:], sample_weight=np.zeros(300))
    np.testing.assert_array_equal(model.coef_, coef)
    model.partial_fit(X[300:], y[300:])  # the stream goes on
    assert not np.array_equal(model.coef_, coef)


@pytest.mark.parametrize("K", [2, 3])
def test_a_first_chunk_of_weight_zero_is_refused_naming_the_stream_scales(K):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((300, 2))
    y = np.arange(300) % K
    model = LogisticRegression(penalty="l2", alpha=1e-3)
    with pytest.raises(ValueError, match="first partial_fit chunk's sample_weight sums to 0"):
        model.partial_fit(X, y, classes=list(range(K)), sample_weight=np.zeros(300))
    with pytest.raises(ValueError, match="Negative values in sample_weight"):
        model.partial_fit(X, y, classes=list(range(K)), sample_weight=-np.ones(300))


def test_k_classes_continue_an_earlier_fit_as_two_classes_do():
    # a K-class partial_fit after a K-class fit started SGD from zero: one pass
    # over 100 rows gave coefficients about a third of the fit's
    rng = np.random.default_rng(5)
    X = rng.standard_normal((900, 2))
    y = (X[:, 0] * 3 + rng.logistic(size=900)).clip(0, 2).astype(int)
    model = LogisticRegression(penalty="l2", alpha=1e-3).fit(X, y)
    before = model.coef_.copy()
    model.partial_fit(X[:100], y[:100])  # classes from the fit
    # one SGD pass from the optimum stays near it (from zero: [-0.53, ...] for -1.91)
    np.testing.assert_allclose(model.coef_, before, atol=0.3)
    assert np.abs(before).max() > 1.5


@pytest.mark.parametrize("K", [2, 3])
def test_reordered_named_columns_do_not_continue_the_fit(K):
    # after a fit on frame[a, b], a first partial_fit on frame[b, a] continued
    # from the fit's coefficients in the fit's order: b started at a's -1.9
    import pandas as pd

    rng = np.random.default_rng(6)
    X = pd.DataFrame(rng.standard_normal((900, 2)), columns=["a", "b"])
    y = (X["a"] * 3 + rng.logistic(size=900)).clip(0, K - 1).astype(int)
    if K == 2:
        y = (y > 0).astype(int)
    model = LogisticRegression(penalty="l2", alpha=1e-3).fit(X, y)
    assert np.abs(model.coef_[:, 0]).max() > 1.5  # a carries the signal
    model.partial_fit(X[["b", "a"]].iloc[:100], y[:100])
    assert list(model.feature_names_in_) == ["b", "a"]
    assert np.abs(model.coef_[:, 0]).max() < 0.5  # b: from zero, not from a's
