"""The ``model`` section of a model file: fitted estimator <-> plain JSON, validated.

Convention: writing uses plain JSON types only (floats by shortest repr, so they
round-trip bit for bit); reading checks every field's type, size and
finiteness before building anything from it and raises
:class:`ModelFormatError` naming the field. The optional ``separation`` field
(:mod:`._multinomial`) is written for two classes too (the fit's verdict,
null where it found none); readers that predate it ignore it, and a binary
file without it reads as before (the estimator's ``separation_`` unset:
inference checks its fitted logits instead). The optional ``target_name``
(the name of ``y`` at fit time, a pandas Series') is read back as the
estimator's ``target_name_``; the command line names it as the likely
``--target`` of a file without a label mapping (saved from Python), never
reads that column on its own (``1 - y`` keeps y's name).
"""

from __future__ import annotations

import functools
import json
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from .._estimator_protocol import _not_fitted_error_class
from .._fitted_params import fitted_params, record_fitted_params
from .._grouped import fitted_on_counts, mark_fitted_on_counts
from .._messages import integer_text
from .._offset_use import OFFSET_ATTR
from . import _multinomial
from ._classes import classes_from_dict, classes_to_dict
from ._compact import coef_field, coef_from_dict, names_from_dict
from ._correction_fields import check_correction_params
from ._fields import (
    _bad,
    _field,
    _finite_list,
    _jsonable,
    native_dtype,
    refuse_unknown,
)
from ._fields import is_finite_number as _is_finite_number
from ._target_name import read_target_name, storable_target_name

if TYPE_CHECKING:  # the annotations only: the estimator is imported on use
    from ..estimator import LogisticRegression

FORMAT_NAME = "logistic-model"
#: ``model.coef_dtype``: float64 or float32, any byte order (read as this
#: machine's: :func:`._fields.native_dtype`).
_COEF_DTYPE = re.compile(r"[<>=|]?f[48]")
#: The newest format this build reads and writes (binary files are written as
#: 1.1, K-class files as 1.2: :mod:`._multinomial`, a formula factor with a
#: stored ``reference`` as 1.3: :mod:`._terms`, a corrected Firth fit as 1.4,
#: sparse coefficients and generated names as 1.5: :mod:`._compact`, a
#: Firth fit's centred information as 1.6: :mod:`._centred`);
#: a newer major is refused.
FORMAT_VERSION = (1, 6)
#: Files larger than this are refused before being read (P07).
MAX_BYTES = 512 * 2**20
#: Largest feature count a model file may claim (P07).
MAX_FEATURES = 50_000_000
#: Covariance matrices are stored only up to this many parameters.
MAX_COVARIANCE_PARAMS = 2048
_PREFIX = b'{\n  "format": "logistic-model"'
_ESTIMATORS = ("LogisticRegression",)
_FITTED_TYPES = {
    "converged": "bool",
    "solver": "str",
    "objective": "number",
    "tol": "number",
    "fit_status": "str",
    "penalty_l1": "number",
    "penalty_l2": "number",
    "grad_max_norm": "number",
    "n_passes": "count",
    "offset": "bool",  # whether the fit had an offset (._offset_use), optional
}
#: The attribute of each ``model.fitted`` key (its name and ``_`` but ``offset``).
_FITTED_ATTRS = {k: OFFSET_ATTR if k == "offset" else f"{k}_" for k in _FITTED_TYPES}
_MAX_COUNT = 2**62
#: Longest ``model.fitted.fit_status`` (a solver's status text).
MAX_STATUS = 1000
#: A key of a history entry (the solvers' ``_record`` names).
_HISTORY_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
#: The hyper-parameters whose constraints admit +inf (``C=inf``: no penalty).
#: JSON has no inf, and null reads back as the default: +inf is written as the
#: string :data:`_INF_TEXT` for these keys, and only for them that exact
#: string reads back as ``float("inf")`` (compared, never evaluated); any
#: other string fails the key's constraint.
_INF_PARAMS = frozenset({"C", "tol"})
_INF_TEXT = "inf"


def _canonical(doc: dict[str, Any]) -> bytes:
    body = {k: v for k, v in doc.items() if k != "checksum"}
    text = json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )
    return text.encode("ascii")


def _library_version() -> str:
    from .._version import __version__

    return str(__version__)


# -- writing --------------------------------------------------------------------
def _param_to_json(key: str, value: Any) -> Any:
    if isinstance(value, dict):  # e.g. class_weight={0: 1.0, 1: 3.0}
        return {"pairs": [[_jsonable(k), _jsonable(v)] for k, v in value.items()]}
    if key in _INF_PARAMS and isinstance(value, (float, np.floating)):
        if value == np.inf:
            return _INF_TEXT
    return _jsonable(value)


def _params_to_json(params: dict[str, Any]) -> dict[str, Any]:
    """The estimator's parameters as JSON. A value no JSON type holds (a
    ``random_state`` given as a ``RandomState`` or ``Generator``) is stored
    as null with a warning naming it: the loaded model has the default
    there, which its predictions do not read but a refit of it would."""
    import warnings

    from .._exceptions import user_stacklevel

    stored = {k: _param_to_json(k, v) for k, v in sorted(params.items())}
    lost = [
        f"{k}={type(v).__name__}"
        for k, v in sorted(params.items())
        if stored[k] is None
        and v is not None
        and not isinstance(v, (float, np.floating))  # NaN: no JSON number either
    ]
    if lost:
        warnings.warn(
            f"the model file cannot hold the parameter value(s) {', '.join(lost)}: "
            "stored as null, so the loaded model has None there (its predictions "
            "are the same; a refit of it would differ). Pass an integer seed to "
            "keep a random_state.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    return stored


def model_to_dict(model: Any) -> dict[str, Any]:
    """The ``model`` section of a model file for a fitted estimator, its
    ``coef`` in the form written (:func:`._compact.coef_field`: a wide model
    with few non-zero coefficients sparse, its zeros never made Python
    floats)."""
    from ..estimator import LogisticRegression
    from ._cv_estimator import is_cv_estimator, refit_of_cv

    if is_cv_estimator(model):  # the refit and its CV record (fit --cv's file)
        model = refit_of_cv(model)
    if not isinstance(model, LogisticRegression):
        kind = type(model)
        hints = {
            "Pipeline": "; save the Pipeline's last step, and keep the steps before "
            "it in code",
        }
        hint = hints.get(kind.__name__, "")
        raise TypeError(
            f"model must be a fitted logistic.LogisticRegression, got "
            f"{kind.__module__}.{kind.__qualname__}: a model file holds this "
            f"library's estimator only{hint}"
        )
    if not hasattr(model, "coef_"):  # scikit-learn's NotFittedError too, when loaded
        unfitted = _not_fitted_error_class()
        raise unfitted("cannot save an unfitted model: call fit() first")
    coef = np.asarray(model.coef_).ravel()
    intercept = float(np.asarray(model.intercept_).ravel()[0])  # K > 2: replaced
    if not (np.all(np.isfinite(coef)) and np.isfinite(intercept)):
        raise ValueError("cannot save a model with non-finite coefficients")
    names = getattr(model, "feature_names_in_", None)
    fitted = {
        k: _jsonable(getattr(model, a))
        for k, a in _FITTED_ATTRS.items()
        if hasattr(model, a)
    }
    history = [
        {
            str(k): _jsonable(float(v))
            for k, v in entry.items()
            if isinstance(v, (int, float, np.number))
        }
        for entry in getattr(model, "history_", []) or []
    ]
    section = {
        "estimator": type(model).__name__,
        # what the fit used, not what set_params changed since (._fitted_params)
        "params": _params_to_json(fitted_params(model)),
        "n_features_in": int(model.n_features_in_),
        "feature_names": None if names is None else [str(n) for n in names],
        "coef_dtype": coef.dtype.str,
        # K classes: K rows, set below (_multinomial); not built twice
        "coef": None if len(model.classes_) > 2 else coef_field(coef),
        "intercept": intercept,
        "classes": classes_to_dict(model.classes_),
        "n_iter": int(np.asarray(getattr(model, "n_iter_", [0])).ravel()[0]),
        "fitted": fitted,
        "history": history,
    }
    if len(model.classes_) > 2:  # K classes: coef rows, intercepts (_multinomial)
        section.update(_multinomial.coef_to_dict(model))
    elif hasattr(model, "separation_"):
        # optional, as for K classes: inference from the file reports the
        # fit's verdict too (null: checked, not separated)
        section["separation"] = model.separation_
    cv = getattr(model, "cross_validation_", None)
    if cv is not None:  # optional (logistic fit --cv): see io/_cv.py
        section["cross_validation"] = _jsonable(cv)
    frame = getattr(model, "encoding_", None)
    if frame is not None:  # optional: a DataFrame's text columns (_frame_encoding)
        section["frame_encoding"] = _jsonable(frame)
    if fitted_on_counts(model):  # optional: fitted on grouped counts (_grouped)
        section["grouped"] = True
    target = getattr(model, "target_name_", None)
    if storable_target_name(target):  # optional: y's name (a pandas Series')
        section["target_name"] = target
    return section


def _params_from_json(params: Any, path: str, strict: bool, cls: Any) -> dict[str, Any]:
    from .._constraints import validate_params
    from .._exceptions import InvalidParameterError
    from ..solvers import SOLVERS

    if not isinstance(params, dict):
        raise _bad(path, "field 'model.params' must be an object")
    constraints = cls._parameter_constraints
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key not in constraints:
            if strict:
                raise _bad(path, f"unknown hyper-parameter 'model.params.{key}'")
            continue
        if key in _INF_PARAMS and value == _INF_TEXT:
            value = float("inf")  # see _INF_PARAMS
        elif isinstance(value, dict):
            pairs = value.get("pairs")
            if not isinstance(pairs, list) or not all(
                isinstance(p, list)
                and len(p) == 2
                and _is_scalar(p[0])
                and _is_finite_number(p[1])
                and p[1] >= 0
                for p in pairs
            ):
                raise _bad(path, f"field 'model.params.{key}' is not a valid mapping")
            value = {k: v for k, v in pairs}
        elif isinstance(value, list) and not (
            key == "include" and all(isinstance(v, str) for v in value)
        ):  # include: the column names a DataFrame fit kept (a list of str)
            raise _bad(path, f"field 'model.params.{key}' has the wrong type (list)")
        try:
            validate_params(cls.__name__, {key: value}, {key: constraints[key]})
        except InvalidParameterError as exc:
            raise _bad(path, f"field 'model.params.{key}': {exc}") from None
        if key == "solver" and value != "auto" and value not in SOLVERS:
            raise _bad(
                path,
                f"field 'model.params.solver' is {value!r:.40}; expected 'auto' or "
                f"one of {sorted(SOLVERS)}",
            )
        if value is None and _unset_float_default(cls, key):
            continue  # null is how a non-finite default (NaN: not set) is written
        out[key] = value
    return out


@functools.cache
def _unset_float_default(cls: Any, key: str) -> bool:
    """Whether ``cls``'s default for ``key`` is a non-finite float (written as
    null by :func:`_jsonable`), so null reads back as that default. Kept per
    class and key: ``inspect.signature`` is asked once, not for every null
    parameter of every file read."""
    import inspect

    param = inspect.signature(cls.__init__).parameters.get(key)
    default = None if param is None else param.default
    return isinstance(default, float) and not np.isfinite(default)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _check_names(names: Any, n: int, path: str) -> list[str] | None:
    if names is None:
        return None
    if (
        not isinstance(names, list)
        or len(names) != n
        or not all(isinstance(s, str) for s in names)
    ):
        raise _bad(
            path, f"field 'model.feature_names' must be null or a list of {n} strings"
        )
    from ._consistency import check_unique

    check_unique(names, path, "model.feature_names")
    return names


#: The fields of the ``model`` section, the optional ones included
#: (``load(strict=True)`` refuses any other).
_MODEL_FIELDS = frozenset(
    {
        "estimator", "params", "n_features_in", "feature_names", "coef_dtype",
        "coef", "intercept", "classes", "n_iter", "fitted", "history",
        "parametrization", "separation", "cross_validation", "frame_encoding",
        "grouped", "target_name",
    }
)  # fmt: skip


def model_from_dict(
    d: Any,
    path: str = "<memory>",
    *,
    strict: bool = False,
    expanded: dict[int, list[str]] | None = None,
) -> LogisticRegression:
    """Rebuild a fitted estimator from the ``model`` section (each field
    validated; ``expanded``: the names the load has made from rules, shared
    with the encoding's: :func:`._compact.names_from_dict`)."""
    from ..estimator import LogisticRegression

    name = _field(d, "estimator", str, path, "model.")
    if name not in _ESTIMATORS:
        raise _bad(
            path, f"unknown estimator {name!r} (allowed: {', '.join(_ESTIMATORS)})"
        )
    if strict:
        refuse_unknown(d, _MODEL_FIELDS, "model", path)
        if isinstance(d.get("classes"), dict):
            refuse_unknown(d["classes"], {"dtype", "values"}, "model.classes", path)
    n = _field(d, "n_features_in", int, path, "model.")
    if not 0 <= n <= MAX_FEATURES:
        raise _bad(
            path,
            f"field 'model.n_features_in' = {integer_text(n)} is outside "
            f"[0, {MAX_FEATURES}]",
        )
    coef_dtype = _field(d, "coef_dtype", str, path, "model.")
    if not _COEF_DTYPE.fullmatch(coef_dtype):
        raise _bad(
            path,
            f"field 'model.coef_dtype' must be float64 or float32 ('<f8', "
            f"'<f4'; '>' or '=' for the byte order), got {coef_dtype!r:.40}",
        )
    dtype = native_dtype(coef_dtype)  # '>f8' of a big-endian writer: float64
    if _multinomial.is_multiclass_section(d):  # K > 2 classes
        coef, intercept, _ = _multinomial.coef_from_dict(d, n, dtype, path)
    else:
        coef64 = coef_from_dict(d, n, path)  # dense or sparse
        coef = coef64.astype(dtype).reshape(1, n)
        if not np.array_equal(coef.astype(np.float64).ravel(), coef64):
            raise _bad(
                path,
                f"field 'model.coef' holds values that are not exact {coef_dtype!r}",
            )
        intercept64 = _finite_list([d.get("intercept")], 1, path, "model.intercept")
        intercept = intercept64.astype(dtype)  # as fit stores it
        if not np.array_equal(intercept.astype(np.float64), intercept64):
            raise _bad(
                path,
                f"field 'model.intercept' is not an exact {coef_dtype!r} value",
            )
    model = LogisticRegression(
        **_params_from_json(d.get("params"), path, strict, LogisticRegression)
    )
    check_correction_params(model, path)
    record_fitted_params(model)  # the file's params: what its fit used
    model.coef_ = coef
    model.intercept_ = intercept
    model.classes_ = classes_from_dict(d.get("classes"), path, max(len(coef), 2))
    if len(coef) > 2 or "separation" in d:  # binary files from before: no field
        model.separation_ = _multinomial.separation_from_dict(d, path)
    if len(coef) > 2:
        _multinomial.check_binary_only(model, path)
    model.n_features_in_ = n
    names = names_from_dict(
        d.get("feature_names"), n, path, "model.feature_names", expanded
    )
    names = _check_names(names, n, path) if names is d.get("feature_names") else names
    if names is not None:
        model.feature_names_in_ = np.array(names, dtype=object)
    n_iter = _field(d, "n_iter", int, path, "model.")
    if not 0 <= n_iter <= _MAX_COUNT:
        raise _bad(
            path, f"field 'model.n_iter' = {integer_text(n_iter)} is outside [0, 2**62]"
        )
    model.n_iter_ = np.array([n_iter])
    fitted = _field(d, "fitted", dict, path, "model.")
    for key, value in fitted.items():
        if key not in _FITTED_ATTRS:
            if strict:
                raise _bad(path, f"unknown field 'model.fitted.{key}'")
            continue
        kind = _FITTED_TYPES[key]
        ok = value is None or (
            isinstance(value, str)
            if kind == "str"
            else isinstance(value, bool)
            if kind == "bool"
            else _is_count(value)
            if kind == "count"
            else _is_finite_number(value)
        )
        if not ok:
            raise _bad(
                path,
                f"field 'model.fitted.{key}' must be a "
                f"{'non-negative integer' if kind == 'count' else kind} or null, got "
                f"{value!r:.60}",
            )
        if isinstance(value, str):
            _check_fitted_text(key, value, path)
        setattr(model, _FITTED_ATTRS[key], value)
    _check_fitted_strengths(model, path)
    if len(coef) > 2 and _multinomial.parametrization(model) != d["parametrization"]:
        raise _bad(
            path,
            f"field 'model.parametrization' is {d['parametrization']!r}, which "
            f"'model.params.penalty' = {model.penalty!r}, the fitted strengths and "
            "the coefficients do not match (reference: no penalty strength and a "
            "zero first row)",
        )
    model.history_ = _history(_field(d, "history", list, path, "model."), path)
    _last_state_from_history(model, fitted)
    model.encoding_ = None  # a frame's or the CLI's text columns: set below
    model.target_name_ = read_target_name(d, path)  # a CLI file's: set by io.load
    model.fit_statistics_ = None  # kept statistics: set by io.load
    if d.get("cross_validation") is not None:  # optional: see io/_cv.py
        from ._cv import cross_validation_from_dict

        cv = cross_validation_from_dict(d["cross_validation"], n, path, model)
        setattr(model, "cross_validation_", cv)  # noqa: B010 (not a declared attribute)
    if d.get("frame_encoding") is not None:  # optional: see _frame_encoding
        from ._encoding import frame_encoding_from_dict

        model.encoding_ = frame_encoding_from_dict(d["frame_encoding"], n, path)
        made = model.encoding_["feature_names"]
        if names is not None and made != names:
            raise _bad(
                path,
                f"field 'model.frame_encoding.feature_names' is {made!r:.200}; "
                f"expected the model's 'model.feature_names' {names!r:.200}",
            )
    grouped = d.get("grouped")
    if grouped is not None:  # optional: fitted on grouped counts (_grouped)
        if not isinstance(grouped, bool):
            raise _bad(
                path,
                f"field 'model.grouped' must be true or false, got {grouped!r:.60}",
            )
        mark_fitted_on_counts(model, grouped)
    return model


#: Settings beyond which the fitted strength ``1/(C·Σs)`` (or ``alpha``'s
#: share of an elastic net) may round to 0: not checked (``C`` up to 1e200
#: keeps ``C·Σs`` finite for weight totals up to 1e108).
_STRENGTH_RANGE = (1e-290, 1e200)


def _expected_strength(model: Any) -> bool | None:
    """Whether ``model.params`` give a penalty strength (True), none (False),
    or may give either in floating point (None): ``penalty`` None or
    ``"firth"`` none; a norm penalty with ``alpha > 0`` or a finite ``C``
    one, ``C = inf`` none. Files written before ``alpha`` defaulted to None
    record ``alpha = 0`` beside the ``C`` that set the strength."""
    from .._penalty import NORM_PENALTIES

    if model.penalty not in NORM_PENALTIES:
        return False
    alpha, C = model.alpha, model.C
    low, high = _STRENGTH_RANGE
    if alpha is not None and alpha > 0:
        return True if alpha >= low else None
    if C is None:
        return True if alpha is None else None  # scikit-learn's default C = 1
    if C == float("inf"):
        return False
    return True if C <= high else None


def _check_fitted_strengths(model: Any, path: str) -> None:
    """Refuse fitted penalty strengths (``model.fitted.penalty_l1`` and
    ``penalty_l2``) that the settings (``model.params``) cannot have given
    (:func:`_expected_strength`), or negative ones: summaries read the
    settings and inference the strengths (a table saying "penalized" above
    the standard errors of an unpenalized fit otherwise). Files without the
    fitted strengths are not checked."""
    l1, l2 = getattr(model, "penalty_l1_", None), getattr(model, "penalty_l2_", None)
    if l1 is None or l2 is None:
        return
    if l1 < 0 or l2 < 0:
        raise _bad(
            path, "fields 'model.fitted.penalty_l1' and 'penalty_l2' must be >= 0"
        )
    expected = _expected_strength(model)
    if expected is None or expected == (l1 + l2 > 0):
        return
    alpha, C = model.alpha, model.C
    given = f"penalty={model.penalty!r}" + "".join(
        f", {k}={v!r}" for k, v in (("alpha", alpha), ("C", C)) if v is not None
    )
    raise _bad(
        path,
        f"fields 'model.params' ({given}) and the fitted strengths "
        f"'model.fitted.penalty_l1' = {l1!r}, 'penalty_l2' = {l2!r} disagree "
        f"({'a' if expected else 'no'} penalty strength expected)",
    )


def _is_count(value: Any) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and 0 <= value <= _MAX_COUNT
    )


def _last_state_from_history(model: Any, fitted: dict[str, Any]) -> None:
    """``grad_max_norm_`` and ``n_passes_`` of a file that does not record
    them in ``model.fitted`` (written before they were saved): the last
    history entry's, as every solver's ``_record`` ends on the final state;
    None without a history."""
    last = model.history_[-1] if model.history_ else {}
    if "grad_max_norm" not in fitted:
        value = last.get("grad_max_norm")
        model.grad_max_norm_ = None if value is None else float(value)
    if "n_passes" not in fitted:
        value = last.get("n_passes")
        model.n_passes_ = None if value is None else int(value)


def _check_fitted_text(key: str, value: str, path: str) -> None:
    """``model.fitted.solver`` names a registered solver; ``fit_status`` (a
    solver's status, shown by ``summary`` and in warnings) is printable text
    of at most :data:`MAX_STATUS` characters."""
    if key == "solver":
        from ..solvers import SOLVERS

        if value not in SOLVERS:
            raise _bad(
                path,
                f"field 'model.fitted.solver' is {value!r:.60}; expected one of "
                f"{sorted(SOLVERS)}",
            )
    elif not (len(value) <= MAX_STATUS and value.isprintable()):
        raise _bad(
            path,
            f"field 'model.fitted.{key}' is {value!r:.60}; expected printable "
            f"text (no control characters) of at most {MAX_STATUS} characters",
        )


def _history(history: list[Any], path: str) -> list[dict[str, Any]]:
    for i, entry in enumerate(history):
        if not isinstance(entry, dict):
            raise _bad(path, f"field 'model.history[{i}]' must be an object")
        for key, value in entry.items():
            if not _HISTORY_NAME.fullmatch(key):
                raise _bad(
                    path,
                    f"field 'model.history[{i}]' has the key {key!r:.60}; expected "
                    "names of at most 40 lower-case letters, digits and underscores",
                )
            if value is not None and not _is_finite_number(value):
                raise _bad(
                    path,
                    f"field 'model.history[{i}].{key}' must be a number or null, "
                    f"got {value!r:.60}",
                )
    return history
