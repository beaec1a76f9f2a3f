"""Every public method of the two-class ``InferenceResults`` exists on the
K-class ``MultinomialInference`` with the same parameters, and either works
or raises ``MultiClassNotSupportedError`` naming the method and what works
instead: never ``AttributeError`` or ``TypeError``.

The methods are listed from the class, so a two-class method added later
without a K-class version or refusal fails here until :data:`CALLS` gives it
plausible arguments. "Plausible" is checked, not assumed: each call must
succeed on the two-class results first. The K-class values that do work
are checked against plain numpy formulas over the results' own Wald table.
"""

from __future__ import annotations

import inspect
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from logistic import LogisticRegression
from logistic._multiclass import MultiClassNotSupportedError
from logistic.inference import InferenceResults, MultinomialInference

N = 600


@pytest.fixture(scope="module")
def fits():
    """Two-class and three-class results of the same rows (with the data),
    and each one's fit without column ``c`` (for ``lr_test``)."""
    rng = np.random.default_rng(7)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=N),
            "b": rng.normal(size=N),
            "c": rng.normal(size=N),
            "d": rng.integers(0, 2, N).astype(float),  # a 0/1 column (dummy=)
        }
    )
    logits = np.column_stack(
        [np.zeros(N), X @ [0.8, -0.5, 0.3, 0.4], X @ [-0.4, 0.6, 0.0, -0.5] + 0.2]
    )
    u = rng.uniform(size=N)[:, None]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    y3 = (u > np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)).sum(axis=1)
    y2 = (y3 == 1).astype(int)
    out = {}
    for kind, y in (("binary", y2), ("multinomial", y3)):
        full = LogisticRegression(penalty=None).fit(X, y).inference(X, y)
        small = X.drop(columns="c")
        reduced = LogisticRegression(penalty=None).fit(small, y).inference(small, y)
        out[kind] = (full, reduced)
    assert isinstance(out["binary"][0], InferenceResults)
    assert isinstance(out["multinomial"][0], MultinomialInference)
    return X, out


def _other(fits_, r):
    kind = "multinomial" if isinstance(r, MultinomialInference) else "binary"
    return fits_[1][kind][1]


#: Per method, calls as keyword dicts; a callable value is ``f(fits, results)``
#: (an argument that depends on which results are called).
CALLS = {
    "conf_int": [{}, {"alpha": 0.1}, {"method": "wald"}, {"method": "profile"},
                 {"method": "profile", "terms": ["a"]}],
    "cov_params": [{}],
    "covariance": [{}],
    "get_influence": [{}],
    "get_margeff": [{}, {"at": "mean"}, {"at": "median"}, {"at": "zero"},
                    {"method": "eyex"}, {"atexog": {0: 1.0}}, {"dummy": True},
                    {"categorical": "columns"}],
    "get_prediction": [{}, {"X": lambda f, r: f[0].iloc[:5]}],
    "goodness_of_fit": [{}],
    "hosmer_lemeshow": [{}, {"groups": 5, "method": "r"}],
    "lr_test": [{"other": _other}],
    "odds_ratios": [{}, {"alpha": 0.1}, {"method": "profile"}, {"terms": ["a"]}],
    "pvalues_lr": [{}],
    "lr_test_terms": [{}],
    "predictive_margins": [{}, {"atexog": {0: [0.0, 1.0]}}, {"at": "mean"}],
    "summary": [{}, {"alpha": 0.1}, {"title": "T"}, {"odds_ratios": True},
                {"odds_ratios": "profile"}],
    "t_test": [{"R": lambda f, r: np.eye(r.k_params)[:2]}],
    "to_dataframe": [{}, {"alpha": 0.1}],
    "wald_table": [{}, {"alpha": 0.1}],
    "wald_test": [{"R": lambda f, r: np.eye(r.k_params)[:1]}],
    "wald_test_terms": [{}],
}  # fmt: skip


def public_methods(cls):
    return sorted(
        name
        for name, value in inspect.getmembers(cls)
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.ismethod(value))
    )


def test_every_two_class_method_has_plausible_calls_listed():
    missing = set(public_methods(InferenceResults)) - set(CALLS)
    assert not missing, f"add plausible calls to CALLS for {sorted(missing)}"


@pytest.mark.parametrize("name", public_methods(InferenceResults))
def test_k_class_method_takes_the_two_class_parameters_in_order(name):
    assert hasattr(MultinomialInference, name), name
    two = list(inspect.signature(getattr(InferenceResults, name)).parameters)
    k = list(inspect.signature(getattr(MultinomialInference, name)).parameters)
    assert k[: len(two)] == two, (name, two, k)


def _resolve(fits_, r, kwargs):
    return {k: v(fits_, r) if callable(v) else v for k, v in kwargs.items()}


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [(n, kw) for n in sorted(CALLS) for kw in CALLS[n]],
    ids=[f"{n}({','.join(kw)})" for n in sorted(CALLS) for kw in CALLS[n]],
)
def test_k_class_call_works_or_refuses_clearly(fits, name, kwargs):
    binary, multinomial = fits[1]["binary"][0], fits[1]["multinomial"][0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(binary, name)(**_resolve(fits, binary, kwargs))  # plausible
        try:
            got = getattr(multinomial, name)(**_resolve(fits, multinomial, kwargs))
        except MultiClassNotSupportedError as exc:
            message = str(exc)
            assert message.startswith(
                f"multi-class models are not supported by {name}("
            )
            assert re.search(r"\b(use|instead)\b", message, re.IGNORECASE), message
            return
    assert got is not None


def test_refusal_messages_say_why_and_what_instead(fits):
    r = fits[1]["multinomial"][0]
    for name in ("get_prediction", "get_influence", "hosmer_lemeshow",
                 "goodness_of_fit", "pvalues_lr"):  # fmt: skip
        with pytest.raises(MultiClassNotSupportedError) as info:
            getattr(r, name)()
        text = str(info.value)
        assert f"not supported by {name}() yet; " in text
        assert "\n" not in text and ". Instead, " in text
    with pytest.raises(
        MultiClassNotSupportedError, match=r"conf_int\(method='profile'\)"
    ):
        r.conf_int(method="profile")
    with pytest.raises(MultiClassNotSupportedError, match="method='wald'"):
        r.conf_int(method="profile")


def test_wald_conf_int_and_data_frame_are_the_wald_table(fits):
    r = fits[1]["multinomial"][0]
    z = norm.ppf(0.95)
    lo, hi = r.params - z * r.bse, r.params + z * r.bse  # a plain formula
    ci = r.conf_int(0.1, method="wald")
    np.testing.assert_allclose(ci[..., 0], lo, rtol=1e-12)
    np.testing.assert_allclose(ci[..., 1], hi, rtol=1e-12)
    frame = r.to_dataframe(0.1)
    assert list(frame.index) == r.param_names
    np.testing.assert_allclose(frame.iloc[:, 0], r.params.ravel(), rtol=1e-12)
    np.testing.assert_allclose(frame.iloc[:, 1], r.bse.ravel(), rtol=1e-12)
    np.testing.assert_allclose(frame.iloc[:, -2], lo.ravel(), rtol=1e-12)
    with pytest.raises(ValueError, match="method must be 'wald' or 'profile'"):
        r.conf_int(method="exact")


def test_summary_title(fits):
    r = fits[1]["multinomial"][0]
    assert str(r.summary(title="Three classes")).startswith("Three classes\n")
    assert str(r.summary()).startswith("Multinomial logistic regression results\n")


def test_the_refusal_is_a_public_name():
    # docs/multinomial.md names MultiClassNotSupportedError as what these
    # methods raise, but no public module gave it: a caller could catch it only
    # as logistic._multiclass's (or as its base, InvalidParameterError)
    import logistic

    assert "MultiClassNotSupportedError" in logistic.__all__
    assert logistic.MultiClassNotSupportedError is MultiClassNotSupportedError
    assert issubclass(logistic.MultiClassNotSupportedError, ValueError)
