"""``LogisticRegressionCV``'s refusals of its own parameters name them, the
value received and what is expected, before any fold is fitted.

Reproductions: ``LogisticRegressionCV(penalty="l1", solver="lbfgs").fit(X, y)``
said "The 'solver' parameter of path is 'lbfgs' ..." (the function the folds
call, whose parameters the user never gave). scikit-learn's own
``LogisticRegressionCV`` refuses the same pair ("Solver lbfgs supports only
'l2' or None penalties"), as it is refused here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.linear_model import LogisticRegressionCV as SkCV  # noqa: E402

import logistic.model_selection as model_selection  # noqa: E402
from logistic import LogisticRegressionCV  # noqa: E402
from logistic._exceptions import InvalidParameterError  # noqa: E402


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] + rng.normal(size=80) > 0).astype(int)
    return X, y


def _no_folds(monkeypatch):
    """Fail the test if a fold's path runs: the refusal comes first."""

    def path(*args, **kwargs):
        raise AssertionError("a fold was fitted before the refusal")

    monkeypatch.setattr(model_selection, "path", path)


@pytest.mark.parametrize(
    ("penalty", "extra"), [("l1", {}), ("elasticnet", {"l1_ratio": 0.5})]
)
def test_an_l1_penalty_with_a_solver_without_l1_names_the_estimator(
    data, monkeypatch, penalty, extra
):
    X, y = data
    with pytest.raises(ValueError), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its deprecations of penalty=
        SkCV(penalty=penalty, solver="lbfgs", l1_ratios=[0.5]).fit(X, y)
    _no_folds(monkeypatch)
    est = LogisticRegressionCV(penalty=penalty, solver="lbfgs", **extra)
    with pytest.raises(InvalidParameterError) as got:
        est.fit(X, y)
    msg = str(got.value)
    assert "of LogisticRegressionCV is 'lbfgs'" in msg
    assert f"penalty={penalty!r}" in msg
    assert "of path" not in msg
    assert "'fista'" in msg and "solver='auto'" in msg


def test_an_l2_part_alone_takes_any_solver(data):
    X, y = data  # elasticnet with l1_ratio=0 has no L1 term: lbfgs fits it
    est = LogisticRegressionCV(penalty="elasticnet", l1_ratio=0.0, solver="lbfgs")
    est.fit(X, y)
    assert np.all(np.isfinite(est.coef_))


# ``cv=[1]`` said "cannot unpack non-iterable int object" and a split's index
# beyond the rows numpy's IndexError; scikit-learn's LogisticRegressionCV takes
# an int, a splitter or an iterable of (train, test) index arrays (its
# ``check_cv``), and its own splitters' splits, given as a list, are accepted.
IDX = np.arange(80)


@pytest.mark.parametrize(
    ("cv", "words"),
    [
        ([1], "split 1 of 1 is 1, not a (train, test) pair"),
        ([], "Got [], which holds none"),
        ([(IDX[:60], IDX[60:], IDX)], "split 1 of 1 holds 3 items"),
        ([(IDX[:60], IDX[60:] + 10)], "test rows of split 1 of 1 hold the index 89, "
         "outside 0 to 79"),
        ([(IDX[:60], IDX[:0])], "test rows of split 1 of 1 are [], not a non-empty"),
        ([(IDX[:60] * 1.0, IDX[60:])], "are of dtype float64, not integer"),
        ([(IDX < 60, (IDX >= 60)[:50])], "a mask of 50 rows, and the data have 80"),
    ],
)
def test_a_wrong_list_of_splits_names_cv_and_the_split(data, monkeypatch, cv, words):
    X, y = data
    _no_folds(monkeypatch)
    with pytest.raises(InvalidParameterError) as got:
        LogisticRegressionCV(cv=cv).fit(X, y)
    msg = str(got.value)
    assert msg.startswith(
        "The 'cv' parameter of LogisticRegressionCV must be an int ≥ 2, a "
        "scikit-learn splitter or an iterable of (train, test) pairs"
    )
    assert words in msg


def test_splits_given_as_a_list_or_a_generator_are_the_splitter_s(data):
    from sklearn.model_selection import StratifiedKFold

    X, y = data
    splitter = StratifiedKFold(3, shuffle=True, random_state=0)
    ref = LogisticRegressionCV(Cs=4, cv=splitter).fit(X, y)
    for cv in (list(splitter.split(X, y)), (s for s in splitter.split(X, y))):
        got = LogisticRegressionCV(Cs=4, cv=cv).fit(X, y)
        np.testing.assert_array_equal(got.scores_[1], ref.scores_[1])


# ``Cs=10**30`` said numpy's "Maximum allowed size exceeded" (its logspace of
# that many points); ``Cs=10**9`` was ended by the out-of-memory killer.
@pytest.mark.parametrize("name", ["Cs", "n_alphas"])
def test_a_grid_too_large_for_memory_names_its_parameter(data, monkeypatch, name):
    X, y = data
    _no_folds(monkeypatch)
    with pytest.raises(InvalidParameterError) as got:
        LogisticRegressionCV(**{name: 10**30}).fit(X, y)
    msg = str(got.value)
    assert msg.startswith(
        f"The {name!r} parameter of LogisticRegressionCV is {10**30}: a grid of "
        "that many strengths"
    )
    assert "more than the memory this process may use" in msg
    assert "Give an int from 1 to" in msg


def test_path_names_its_n_alphas():
    from logistic import path

    X = np.random.default_rng(0).normal(size=(30, 2))
    with pytest.raises(InvalidParameterError, match="'n_alphas' parameter of path"):
        path(X, (X[:, 0] > 0).astype(int), n_alphas=10**30)


def test_the_command_line_names_its_n_alphas_option(workdir, capsys):
    from conftest import run_cli

    rng = np.random.default_rng(1)
    x = rng.normal(size=60).round(3)
    lines = ["x,y"] + [f"{v},{int(v + rng.normal() > 0)}" for v in x]
    (workdir / "d.csv").write_text("\n".join(lines) + "\n")
    code, out, err = run_cli(
        capsys, ["fit", "d.csv", "-t", "y", "--cv", "3", "--n-alphas", str(10**30)]
    )
    assert code == 2 and out == ""
    assert err.startswith(f"error: --n-alphas {10**30}: a grid of that many strengths")
    assert "LogisticRegressionCV" not in err and "n_alphas" not in err


# A count beyond float64's range (10**400) crashed the refusal itself: its
# size in bytes went through float(), "OverflowError: int too large to convert
# to float" (the command line's "internal error", exit 1).
def test_a_grid_beyond_float_range_is_refused_naming_its_parameter(
    data, monkeypatch, workdir, capsys
):
    from conftest import run_cli
    from logistic import path

    X, y = data
    _no_folds(monkeypatch)
    for name in ("Cs", "n_alphas"):
        with pytest.raises(InvalidParameterError) as got:
            LogisticRegressionCV(**{name: 10**400}).fit(X, y)
        assert str(got.value).startswith(
            f"The {name!r} parameter of LogisticRegressionCV is 1000000000000000000"
            "0000000000000000000… (401 digits): a grid of that many strengths"
        )
        assert "e+38" in str(got.value)  # its bytes, about 10**388 TiB
    with pytest.raises(InvalidParameterError, match="'n_alphas' parameter of path"):
        path(X, y, n_alphas=10**400)
    (workdir / "d.csv").write_text(
        "x,y\n" + "".join(f"{v},{int(v > 0.3)}\n" for v in X[:60, 0].round(3))
    )
    code, out, err = run_cli(
        capsys, ["fit", "d.csv", "-t", "y", "--cv", "3", "--n-alphas", str(10**400)]
    )
    assert code == 2 and out == ""
    assert err.startswith("error: --n-alphas 1000000000000000000")
    assert "(401 digits): a grid of that many strengths" in err


# ``alphas`` was checked by the rule of ``Cs`` (whose refusal read "must be
# None, an int ≥ 1 or a sequence of positive numbers"): an empty or NaN
# ``alphas`` was told an int would do, and an int was then refused in other
# words; a strength of 0 (no penalty), which it takes, is no positive number.
@pytest.mark.parametrize(
    "alphas", [[], [np.nan, 0.1], [np.inf], 3, [-1.0, 0.1], [[0.1, 0.01]], "ab"]
)
def test_alphas_refusal_says_what_alphas_takes(data, monkeypatch, alphas):
    X, y = data
    _no_folds(monkeypatch)
    with pytest.raises(InvalidParameterError) as got:
        LogisticRegressionCV(alphas=alphas).fit(X, y)
    assert str(got.value) == (
        "The 'alphas' parameter of LogisticRegressionCV must be None or a non-empty "
        f"sequence of finite numbers ≥ 0. Got {alphas!r} instead."
    )


def test_alphas_takes_zero(data):
    X, y = data
    got = LogisticRegressionCV(alphas=[0.1, 0.01, 0.0], cv=3).fit(X, y)
    np.testing.assert_array_equal(got.alphas_, [0.1, 0.01, 0.0])


# n_jobs=0 reached joblib ("n_jobs == 0 in Parallel has no meaning", after
# the data were checked), True was refused only as "not an Integral", and
# n_jobs=10**30 failed in joblib ("Expression '2 * 1000…' is too long");
# LogisticRegression's n_jobs rule (a non-zero int or None) now applies, and
# a large positive n_jobs runs the folds in one thread a fold.
@pytest.mark.parametrize("n_jobs", [0, True, 1.0, "2"])
def test_n_jobs_is_refused_as_logistic_regression_refuses_it(data, monkeypatch, n_jobs):
    X, y = data
    _no_folds(monkeypatch)
    with pytest.raises(InvalidParameterError) as got:
        LogisticRegressionCV(n_jobs=n_jobs).fit(X, y)
    assert str(got.value) == (
        "The 'n_jobs' parameter of LogisticRegressionCV must be a non-zero int "
        f"(-1: every CPU) or None. Got {n_jobs!r} instead."
    )


def test_a_large_n_jobs_runs_one_thread_a_fold(data):
    X, y = data
    ref = LogisticRegressionCV(Cs=3, cv=3).fit(X, y)
    for n_jobs in (10**30, 7, -(10**30)):
        got = LogisticRegressionCV(Cs=3, cv=3, n_jobs=n_jobs).fit(X, y)
        np.testing.assert_array_equal(got.scores_[1], ref.scores_[1])


# ``cv="5"`` said scikit-learn's own ValueError from inside ``check_cv`` (after
# the parameter check had let any iterable through, a text among them), and
# ``cv=np.array(5)`` numpy's "iteration over a 0-d array"; scikit-learn's
# ``_param_validation`` of its ``cv`` refuses both too.
@pytest.mark.parametrize("cv", ["5", "abc", b"5", np.array(5)])
def test_a_text_or_a_0d_array_as_cv_is_refused_naming_cv(data, monkeypatch, cv):
    X, y = data
    _no_folds(monkeypatch)
    with pytest.raises(InvalidParameterError) as got:
        LogisticRegressionCV(cv=cv).fit(X, y)
    msg = str(got.value)
    assert msg.startswith("The 'cv' parameter of LogisticRegressionCV must be an int ≥ 2")
    assert f"Got {cv!r} instead" in msg
