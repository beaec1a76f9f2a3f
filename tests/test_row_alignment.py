"""pandas inputs whose index labels pair rows in another order than their
positions are refused (``logistic._row_alignment``).

``fit(X.sort_values("lwt"), y)`` with y in its original order paired row i of
the sorted X with row i of y, silently: a fit of mismatched rows (on the lbw
data, a spurious "complete separation" and coefficients of -471 and 224), and
``inference(..., groups=<the groups shuffled>)`` changed the cluster standard
errors (Intercept 0.894 -> 0.518). statsmodels refuses such inputs
("The indices for endog and exog are not aligned"); this library now does
too where the labels are the same set in another order, and keeps pairing by
position (scikit-learn's rule) where the labels differ (a y rebuilt with a
fresh index beside a filtered X).
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import data_path
from logistic import LogisticRegression

pd = pytest.importorskip("pandas")

LBW = data_path("lbw-hosmer-lemeshow", "birthwt_MASS.csv")
COLUMNS = ["age", "lwt", "smoke", "ht", "ui"]


@pytest.fixture(scope="module")
def lbw():
    frame = pd.read_csv(LBW)
    return frame[COLUMNS].astype(float), frame["low"]


def test_x_reordered_beside_y_is_refused_naming_y_and_a_row(lbw):
    X, y = lbw
    Xs = X.sort_values("lwt")
    with pytest.raises(ValueError, match=r"y's index holds X's row labels in another order") as err:
        LogisticRegression().fit(Xs, y)
    first = int(Xs.index[0])
    assert f"of X is labelled {first} and row 0 of y 0" in str(err.value)
    assert "y.loc[X.index]" in str(err.value)


def test_aligned_inputs_fit_as_the_unsorted_rows(lbw):
    X, y = lbw
    Xs = X.sort_values("lwt")
    sorted_fit = LogisticRegression().fit(Xs, y.loc[Xs.index])
    plain = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(sorted_fit.coef_, plain.coef_, rtol=1e-8)


def test_other_labels_are_paired_by_position(lbw):
    # y rebuilt with a fresh RangeIndex beside a filtered X: scikit-learn's
    # positional pairing, which such code relies on
    X, y = lbw
    keep = X["age"] > 18
    Xf, yf = X[keep], pd.Series(y[keep].to_numpy())
    assert not Xf.index.equals(yf.index)
    fitted = LogisticRegression().fit(Xf, yf)
    arrays = LogisticRegression().fit(Xf.to_numpy(), yf.to_numpy())
    np.testing.assert_allclose(fitted.coef_, arrays.coef_, rtol=1e-12)


def test_duplicate_labels_are_paired_by_position(lbw):
    X, y = lbw
    Xd = X.set_axis(np.zeros(len(X), dtype=int))  # every label 0
    LogisticRegression().fit(Xd, y.set_axis(np.zeros(len(y), dtype=int)))


def test_repeated_labels_reordered_are_refused(lbw):
    """Two tables concatenated (labels 0..n-1 twice), then X sorted and y not:
    the rows were paired by position without a word (repeated labels skipped
    the check). Refused, naming a row; in the same order, they fit."""
    X, y = lbw
    half = len(X) // 2
    labels = np.r_[np.arange(half), np.arange(len(X) - half)]
    Xr, yr = X.set_axis(labels), y.set_axis(labels)
    LogisticRegression().fit(Xr, yr)  # the same order: fine
    Xs = Xr.sort_values("lwt")
    with pytest.raises(ValueError, match="row labels, some of them repeated, in another order") as err:
        LogisticRegression().fit(Xs, yr)
    assert "Repeated labels cannot align the rows" in str(err.value)
    other = yr.set_axis(labels + 10_000)  # other labels: by position, as before
    LogisticRegression().fit(Xs, other)


@pytest.mark.parametrize("name", ["sample_weight", "offset"])
def test_weights_and_offsets_reordered_are_refused(lbw, name):
    X, y = lbw
    v = pd.Series(np.linspace(0.5, 1.5, len(y)), index=y.index)
    shuffled = v.sample(frac=1.0, random_state=0)
    with pytest.raises(ValueError, match=rf"^{name}'s index holds X's row labels"):
        LogisticRegression().fit(X, y, **{name: shuffled})


def test_inference_groups_reordered_are_refused(lbw):
    X, y = lbw
    model = LogisticRegression().fit(X, y)
    groups = pd.Series((X["age"] // 3).to_numpy(), index=X.index)
    aligned = model.inference(X, y, cov_type="cluster", groups=groups)
    with pytest.raises(ValueError, match=r"^groups's index holds X's row labels"):
        model.inference(X, y, cov_type="cluster", groups=groups.sample(frac=1.0, random_state=0))
    # the same groups as an array (positions already right) are accepted
    again = model.inference(X, y, cov_type="cluster", groups=groups.to_numpy())
    np.testing.assert_array_equal(np.asarray(aligned.bse), np.asarray(again.bse))


def test_score_and_partial_fit_refuse_reordered_y(lbw):
    X, y = lbw
    model = LogisticRegression().fit(X, y)
    Xs = X.sort_values("lwt")
    with pytest.raises(ValueError, match=r"^y's index"):
        model.score(Xs, y)
    assert model.score(Xs, y.loc[Xs.index]) == pytest.approx(model.score(X, y))
    with pytest.raises(ValueError, match=r"^y's index"):
        LogisticRegression().partial_fit(Xs, y, classes=[0, 1])


def test_cross_validation_refuses_reordered_y(lbw):
    pytest.importorskip("sklearn")
    from logistic import LogisticRegressionCV

    X, y = lbw
    with pytest.raises(ValueError, match=r"^y's index"):
        LogisticRegressionCV(Cs=3, cv=3).fit(X.sort_values("lwt"), y)


def test_scikit_learn_cross_validation_keeps_aligned_frames_working(lbw):
    # scikit-learn's folds index X and y by the same positions: the labels
    # stay paired, nothing is refused
    pytest.importorskip("sklearn")
    from sklearn.model_selection import cross_val_score

    X, y = lbw
    scores = cross_val_score(LogisticRegression(), X, y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.5)


def test_equal_instants_in_two_time_zones_are_aligned(lbw):
    # pandas' equals() is False, every pair of labels equal: it raised a bare
    # StopIteration
    X, y = lbw
    stamps = pd.date_range("2020-01-01", periods=len(X), freq="h", tz="UTC")
    Xt = X.set_axis(stamps)
    yt = y.set_axis(stamps.tz_convert("Europe/Paris"))
    assert not Xt.index.equals(yt.index)
    fitted = LogisticRegression().fit(Xt, yt)
    np.testing.assert_allclose(fitted.coef_, LogisticRegression().fit(X, y).coef_, rtol=1e-12)


def test_missing_labels_reordered_are_refused_as_such(lbw):
    # an index holding pd.NA raised "boolean value of NA is ambiguous"
    X, y = lbw
    labels = pd.array([pd.NA, *range(1, len(X))], dtype="Int64")
    Xn = X.set_axis(labels)
    yn = y.set_axis(labels).iloc[::-1]
    with pytest.raises(ValueError, match=r"^y's index holds X's row labels in another order: row 0 "):
        LogisticRegression().fit(Xn, yn.to_frame())


def test_a_fresh_range_index_names_both_remedies(lbw):
    # X shuffled, y built by position with a fresh RangeIndex: either y was
    # meant by position (then .loc would mis-pair it) or taken from the table
    # before the shuffle; the message names both ways
    X, y = lbw
    shuffled = X.sample(frac=1.0, random_state=0)
    y_by_position = pd.Series(y.loc[shuffled.index].to_numpy())
    with pytest.raises(ValueError) as err:
        LogisticRegression().fit(shuffled, y_by_position)
    text = str(err.value)
    assert "If y came from the same table as X before X's rows were reordered" in text
    assert "pass it by position (y.to_numpy())" in text
    right = LogisticRegression().fit(shuffled, y_by_position.to_numpy())
    np.testing.assert_allclose(right.coef_, LogisticRegression().fit(X, y).coef_, rtol=1e-8)


@pytest.mark.parametrize(
    "method",
    [
        "predict_proba",
        "predict_log_proba",
        "predict",
        "decision_function",
        "predict_interval",
        "get_prediction",
    ],
)
def test_prediction_offsets_reordered_are_refused(lbw, method):
    """fit refused an offset Series in another order than X's rows, but the
    predictions paired it by position, silently: with the lbw offset reversed
    every row's risk was computed with another row's offset."""
    X, y = lbw
    offset = pd.Series(np.linspace(-0.5, 0.5, len(y)), index=X.index)
    model = LogisticRegression().fit(X, y, offset=offset)
    calls = {
        "predict_proba": model.predict_proba,
        "predict_log_proba": model.predict_log_proba,
        "predict": model.predict,
        "decision_function": model.decision_function,
        "predict_interval": model.predict_interval,
        "get_prediction": model.inference(X, y, offset=offset).get_prediction,
    }
    with pytest.raises(ValueError, match=r"offset's index holds X's row labels"):
        calls[method](X, offset=offset.iloc[::-1])
    calls[method](X, offset=offset)  # aligned: as fit takes it
    # other labels pair by position, as fit pairs them
    calls[method](X, offset=pd.Series(offset.to_numpy(), index=X.index + 10_000))


def test_k_class_prediction_offsets_reordered_are_refused(lbw):
    X, y = lbw
    y3 = pd.Series(np.digitize(X["lwt"], [110, 140]), index=X.index)
    offset = pd.DataFrame(np.zeros((len(y3), 3)), index=X.index)
    model = LogisticRegression().fit(X, y3, offset=offset)
    with pytest.raises(ValueError, match=r"offset's index holds X's row labels"):
        model.predict_proba(X, offset=offset.iloc[::-1])
    np.testing.assert_allclose(
        model.predict_proba(X, offset=offset), model.predict_proba(X)
    )


@pytest.mark.parametrize("name", ["y", "sample_weight", "offset"])
def test_path_refuses_reordered_inputs(lbw, name):
    """logistic.path paired a y, weights or offset in another order than X's
    rows by position, silently, where fit refuses them."""
    from logistic import path

    X, y = lbw
    inputs = {
        "y": y,
        "sample_weight": pd.Series(np.linspace(1.0, 2.0, len(y)), index=X.index),
        "offset": pd.Series(np.linspace(-0.5, 0.5, len(y)), index=X.index),
    }
    inputs[name] = inputs[name].iloc[::-1]
    with pytest.raises(ValueError, match=rf"^{name}'s index holds X's row labels"):
        path(X, n_alphas=3, **inputs)
    inputs[name] = inputs[name].iloc[::-1]  # aligned again
    result = path(X, n_alphas=3, **inputs)
    with pytest.raises(ValueError, match=r"^offset's index holds X's row labels"):
        result.decision_function(X, offset=inputs["offset"].iloc[::-1])
    assert result.decision_function(X, offset=inputs["offset"]).shape == (len(y), 3)


def test_a_multiindex_label_is_written_as_its_values():
    """A MultiIndex row label is a tuple of numpy scalars: the refusal wrote
    "row 0 (counting from 0) of X is labelled (np.int64(0), np.int64(0))";
    it now writes the tuple as in code, ``(0, 0)``."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    index = pd.MultiIndex.from_arrays([np.arange(40) % 2, np.arange(40)])
    X = pd.DataFrame(rng.normal(size=(40, 2)), index=index)
    y = pd.Series(np.arange(40) % 2, index=index).iloc[::-1]
    with pytest.raises(ValueError) as caught:
        LogisticRegression().fit(X, y)
    message = str(caught.value)
    assert "of X is labelled (0, 0) and row 0 of y (1, 39)," in message
    assert "np.int64" not in message


@pytest.mark.parametrize("name", ["sample_weight", "offset"])
@pytest.mark.parametrize("kind", ["numpy", "polars"])
def test_weights_reordered_against_y_beside_unlabelled_x_are_refused(lbw, name, kind):
    """X without row labels (a numpy array, a polars frame, a transformer's
    output) beside y and weights that are pandas Series: the weights in
    another order than y were paired with the wrong rows without a word (the
    check compared them with X's index only); y's index now stands in."""
    X, y = lbw
    if kind == "polars":
        polars = pytest.importorskip("polars")
        Xa = polars.from_pandas(X.reset_index(drop=True))
    else:
        Xa = X.to_numpy()
    v = pd.Series(np.linspace(0.5, 1.5, len(y)), index=y.index)
    shuffled = v.sample(frac=1.0, random_state=0)
    with pytest.raises(ValueError, match=rf"^{name}'s index holds y's row labels"):
        LogisticRegression().fit(Xa, y, **{name: shuffled})
    # in y's order they fit as with X's labels
    aligned = LogisticRegression().fit(Xa, y, **{name: shuffled.loc[y.index]})
    labelled = LogisticRegression().fit(X, y, **{name: v})
    np.testing.assert_allclose(aligned.coef_, labelled.coef_, rtol=1e-10)
