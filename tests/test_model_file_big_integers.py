"""JSON integers of any size in a model file's number fields, and in the
float parameters of the estimators, are refused naming the field.

Reproduction (a security tester's): a model file written by ``logistic fit``
with one number replaced by a huge integer and its sha256 checksum
recomputed. ``model.params.l1_ratio = 10**400`` and
``training.fit_statistics.labels.rows`` (or ``.fractional``) ``= 10**400``
raised ``OverflowError`` from ``float(v)``; any number of
``model.cross_validation`` set to ``2**64`` or ``-(2**64)`` raised
``TypeError`` from ``np.isfinite`` (an integer beyond 64 bits becomes an
object array); ``alpha``, ``C`` and ``tol`` of ``10**400`` loaded and made
the next fit raise ``OverflowError``. ``logistic summary`` / ``predict``
exited 1 (internal error). In Python, ``LogisticRegression(
penalty='elasticnet', alpha=0.1, l1_ratio=10**400).fit(X, y)`` (or
``alpha``, ``C``, ``tol`` of 10**400) raised ``OverflowError``. Now each is a
:class:`ModelFormatError` (exit 65) or an :class:`InvalidParameterError`
naming the field; an integer within float64's range where a number goes is
that number (``alphas[0] = 2**64`` loads as 1.8e19). The lists of numbers
(``model.coef``, ``covariance.matrix``, ``training.fit_statistics.theta``)
and the numbers of a formula's stored factors (levels, ``center``,
``scale``, a literal) refuse ``10**400`` the same way.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pytest

import logistic
from conftest import data_path, run_cli
from logistic import LogisticRegression, ModelFormatError
from logistic._exceptions import InvalidParameterError
from logistic._path import path as regularization_path
from logistic.io import _canonical
from logistic.io._terms import TermError, parse_factor
from logistic.model_selection import LogisticRegressionCV

UCLA = data_path("ucla-admissions", "binary.csv")
FORMULA = "admit ~ gre + gpa + C(rank)"
TERMS_FORMULA = "admit ~ center(gre) + scale(gpa) + I(gre * 2.5) + C(rank)"
HUGE = 10**400


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A plain model file (its fit statistics kept), one of ``--cv``, and one
    whose formula stores every number node of the grammar (``center``,
    ``scale``, a literal) and aliases ``I(gre * 2.5)`` with ``center(gre)``
    (so its fit statistics keep ``reduced_theta`` too)."""
    from logistic.cli.app import main

    folder = tmp_path_factory.mktemp("big-integers")
    fits = {
        "plain": ["--formula", FORMULA],
        "cv": ["--formula", FORMULA, "--cv", "3", "--n-alphas", "5",
               "--penalty", "elasticnet", "--l1-ratio", "0.5"],
        "terms": ["--formula", TERMS_FORMULA],
    }  # fmt: skip
    out = {}
    for which, args in fits.items():
        out[which] = folder / f"{which}.json"
        assert main(["fit", str(UCLA), *args, "-o", str(out[which])]) == 0
    return out


def _edited(files, tmp_path, which: str, where: tuple, value: object):
    """A copy of a model file with the field ``where`` set to ``value`` and
    its checksum recomputed (a file the checksum accepts)."""
    doc = json.loads(files[which].read_text())
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = value
    doc["checksum"]["value"] = hashlib.sha256(_canonical(doc)).hexdigest()
    out = tmp_path / "edited.json"
    out.write_text(json.dumps(doc))
    return out


CV = ("model", "cross_validation")
FACTORS = ("encoding", "factors")
REFUSED = [
    ("plain", ("model", "params", "l1_ratio"), HUGE, "model.params.l1_ratio"),
    ("cv", ("model", "params", "l1_ratio"), HUGE, "model.params.l1_ratio"),
    ("plain", ("model", "params", "alpha"), HUGE, "model.params.alpha"),
    ("plain", ("model", "params", "C"), HUGE, "model.params.C"),
    ("plain", ("model", "params", "tol"), HUGE, "model.params.tol"),
    *(
        ("plain", ("training", "fit_statistics", "labels", key), value, f"labels.{key}")
        for key in ("rows", "fractional")
        for value in (HUGE, 2**64)
    ),
    # fields with a lower bound: -(2**64) is below it; 10**400 is no float
    *((("cv", (*CV, key, 0), -(2**64), f"cross_validation.{key}")) for key in
      ("alphas", "Cs", "std_err", "n_nonzero")),
    *((("cv", (*CV, key), -(2**64), f"cross_validation.{key}")) for key in
      ("alpha", "C")),
    ("cv", (*CV, "l1_ratio"), 2**64, "cross_validation.l1_ratio"),
    ("cv", (*CV, "l1_ratio"), -(2**64), "cross_validation.l1_ratio"),
    *((("cv", (*CV, key, 0), HUGE, f"cross_validation.{key}")) for key in
      ("alphas", "Cs", "mean", "std_err", "n_nonzero")),
    *((("cv", (*CV, key), HUGE, f"cross_validation.{key}")) for key in ("alpha", "C")),
    ("cv", (*CV, "path", "coefs", 0, 0), HUGE, "cross_validation.path.coefs[0]"),
    ("cv", (*CV, "path", "coefs", 0, 0), -HUGE, "cross_validation.path.coefs[0]"),
    # lists of numbers: the coefficients, the covariance, the stored estimates
    ("plain", ("model", "coef", 0), HUGE, "model.coef"),
    ("plain", ("model", "coef", 1), -HUGE, "model.coef"),
    ("plain", ("model", "intercept"), HUGE, "model.intercept"),
    ("plain", ("covariance", "matrix", 1, 0), HUGE, "covariance.matrix"),
    ("plain", ("training", "fit_statistics", "theta", 0), HUGE, "fit_statistics.theta"),
    ("terms", ("training", "fit_statistics", "reduced_theta", 0), HUGE,
     "fit_statistics.reduced_theta"),
    # the numbers of a formula's stored factors
    ("plain", (*FACTORS, "C(rank)", "levels", 3), HUGE, "encoding.factors.C(rank).levels"),
    ("terms", (*FACTORS, "center(gre)", "expr", "center"), HUGE,
     "encoding.factors.center(gre).expr.center"),
    ("terms", (*FACTORS, "scale(gpa)", "expr", "center"), -HUGE,
     "encoding.factors.scale(gpa).expr.center"),
    ("terms", (*FACTORS, "scale(gpa)", "expr", "scale"), HUGE,
     "encoding.factors.scale(gpa).expr.scale"),
    ("terms", (*FACTORS, "I(gre * 2.5)", "expr", "right", "value"), HUGE,
     "encoding.factors.I(gre * 2.5).expr.right.value"),
]  # fmt: skip


def _id(value: int) -> str:
    return f"{'-' if value < 0 else ''}{'10**400' if abs(value) == HUGE else '2**64'}"


@pytest.mark.parametrize(
    "which, where, value, name",
    REFUSED,
    ids=[f"{case[3]}={_id(case[2])}" for case in REFUSED],
)
def test_a_huge_integer_is_refused_naming_the_field(files, tmp_path, which, where, value, name):
    path = _edited(files, tmp_path, which, where, value)
    field = re.escape(name)
    with pytest.raises(ModelFormatError, match=rf"model file .*edited\.json: field '[^']*{field}"):
        logistic.load(path)


@pytest.mark.parametrize(
    "where",
    [(*CV, "alphas", 0), (*CV, "Cs", 0), (*CV, "mean", 0), (*CV, "mean", 1),
     (*CV, "std_err", 0), (*CV, "n_nonzero", 0), (*CV, "alpha"), (*CV, "C"),
     (*CV, "path", "coefs", 0, 0)],
)  # fmt: skip
@pytest.mark.parametrize("value", [2**64, -(2**64)], ids=_id)
def test_an_integer_beyond_64_bits_in_cross_validation_reads_as_its_float(
    files, tmp_path, where, value
):
    """Within float64's range an integer is the number it writes; where the
    field allows no negative number, -(2**64) is refused naming it."""
    path = _edited(files, tmp_path, "cv", where, value)
    key = where[2]
    if value < 0 and key not in ("mean", "path"):
        with pytest.raises(ModelFormatError, match=rf"cross_validation\.{key}"):
            logistic.load(path)
        return
    cv = logistic.load(path).cross_validation_
    read = cv[key] if len(where) == 3 else cv[key][where[3]]
    if key == "path":
        read = cv["path"]["coefs"][0][0]
    assert read == float(value) and type(read) is float


CLI_CASES = [
    ("plain", ("model", "params", "l1_ratio"), HUGE, "model.params.l1_ratio"),
    ("plain", ("training", "fit_statistics", "labels", "rows"), HUGE, "labels.rows"),
    ("cv", (*CV, "alphas", 0), -(2**64), "model.cross_validation.alphas"),
    ("cv", (*CV, "mean", 0), HUGE, "model.cross_validation.mean"),
]


@pytest.mark.parametrize("command", ["summary", "predict"])
@pytest.mark.parametrize(
    "which, where, value, name", CLI_CASES, ids=[case[3] for case in CLI_CASES]
)
def test_the_cli_exits_65_naming_the_field(
    files, tmp_path, capsys, command, which, where, value, name
):
    path = _edited(files, tmp_path, which, where, value)
    args = [command, path] + ([UCLA] if command == "predict" else [])
    code, _, err = run_cli(capsys, args)
    assert code == 65, err
    assert "internal error" not in err
    assert "edited.json" in err and name in err


def test_the_plain_file_still_loads(files, tmp_path):
    shutil.copy(files["cv"], tmp_path / "m.json")
    model = logistic.load(tmp_path / "m.json", strict=True)
    assert model.l1_ratio == 0.5 and model.cross_validation_["folds"] == 3


@pytest.mark.parametrize("key", ["l1_ratio", "alpha", "C", "tol"])
@pytest.mark.parametrize("value", [HUGE, -HUGE], ids=_id)
def test_a_float_parameter_beyond_float64_is_an_invalid_parameter(key, value):
    X, y, _ = logistic.datasets.load_ucla_admissions()
    params = {"penalty": "elasticnet", "alpha": 0.1, "l1_ratio": 0.5}
    if key == "C":
        del params["alpha"]
    params[key] = value
    with pytest.raises(
        InvalidParameterError,
        match=rf"The '{key}' parameter of LogisticRegression .* Got -?100000000000000000… "
        r"\(401 digits\) instead \(beyond float64's range",
    ):
        LogisticRegression(**params).fit(X, y)


def test_a_float64_sized_integer_is_still_a_strength():
    X, y, _ = logistic.datasets.load_ucla_admissions()
    big = LogisticRegression(penalty="l2", alpha=2**64).fit(X, y)
    as_float = LogisticRegression(penalty="l2", alpha=float(2**64)).fit(X, y)
    assert (big.coef_ == as_float.coef_).all()


@pytest.mark.parametrize(
    "params, name",
    [({"Cs": [HUGE, 1.0]}, "Cs"), ({"alphas": [HUGE, 1.0]}, "alphas"),
     ({"penalty": "elasticnet", "l1_ratio": HUGE}, "l1_ratio"),
     ({"eps": HUGE}, "eps"), ({"tol": HUGE}, "tol")],
)  # fmt: skip
def test_the_cv_estimator_refuses_huge_integers(params, name):
    X, y, _ = logistic.datasets.load_ucla_admissions()
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        LogisticRegressionCV(cv=3, **params).fit(X, y)


def test_the_path_refuses_a_huge_strength():
    X, y, _ = logistic.datasets.load_ucla_admissions()
    with pytest.raises(InvalidParameterError, match="'alphas' parameter of path"):
        regularization_path(X, y, alphas=[HUGE, 1.0])


def test_a_formula_literal_beyond_float64_is_refused():
    """A number in formula text reads as float64 too: a 401-digit literal is
    no finite float (the parser names it, it does not raise OverflowError)."""
    with pytest.raises(TermError, match=r"number 1000000000.* is not a finite float"):
        parse_factor(f"I(gre * {HUGE})")
