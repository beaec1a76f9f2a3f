"""Checks across the fields of a model file: what one field says that another
must agree with.

Convention (owned here): each check raises :class:`~logistic.ModelFormatError`
naming the file's field, what it holds and what is expected; :func:`logistic.save`
runs the same checks on what it writes, so that a file that saves also loads.

* ``covariance.names`` decides the order of ``covariance.matrix`` (readers
  take the intercept first when the names start with ``"Intercept"``, else
  last): they must be exactly the names a writer gives, for two classes
  ``["Intercept", *features]`` (``cov_params()`` order: the model's own
  covariance, which comes with ``training.fit_statistics``, is always
  written so) or, only in a file without fit statistics (a covariance
  passed to ``save(covariance=..., covariance_names=...)``), ``[*features,
  "Intercept"]`` (objective order); the features without an intercept.
  Names that are no term of the model are kept as labels (readers match no
  name but ``"Intercept"``), provided no term of the model stands at
  another term's place. A file without fit statistics cannot tell a matrix
  relabelled from one order to the other (the checksum authenticates
  nothing); for
  K classes ``"{class}:{term}"``, class by class after the reference, each
  class's terms the features then ``"Intercept"``. The features are the
  model's ``feature_names``, else the encoding's or ``x1 … xp`` (K classes:
  ``x0 …``); a class is the file's class value as text, or, with a K-class
  label, that level.
* ``training.fit_statistics.theta`` (objective order: coefficients, then the
  intercept) must be ``model.coef`` and ``model.intercept`` to rounding, or,
  for a fit with aliased columns, its ``reduced_theta`` (null: 0). Checked
  where it is read: in a file with a covariance (files written before the
  aliased marks kept an aliased fit's solver estimate there, with a null
  covariance, and load without statistics).
* A formula factor's name (what ``summary``, ``report`` and the formula
  shown call it) must say what the factor computes: read with
  :func:`._terms.parse_factor`, or :func:`._terms.parse_treatment` for
  ``C(column, Treatment(ref))`` (never evaluated), it must give the stored
  definition, fitted state aside (a treatment factor: its column); a name
  that reads as neither (``inc$``, ``g re``) must be the very column the
  factor reads, by name, as the formula's column lookups are written.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._constraints import as_float64
from .._feature_names import positional_names
from .._fitted_params import fitted_param
from ._fields import _bad
from ._terms import TermError, parse_factor, parse_treatment, reads_own_column

__all__ = [
    "check_covariance_names",
    "check_factor_names",
    "check_theta",
    "check_unique",
    "covariance_name_orders",
    "names_to_write",
    "written_covariance_names",
]


def check_unique(names: list[str], path: str, field: str) -> None:
    """Refuse a name listed twice in ``field`` (fit refuses such names)."""
    if len(set(names)) == len(names):  # the set made in C: 2**20 names in ~0.1 s
        return
    seen: set[str] = set()  # a duplicate: find the first, to name it
    for name in names:
        if name in seen:
            raise _bad(
                path,
                f"field '{field}' holds the name {name!r:.80} twice; expected "
                "distinct names (fit refuses a name used twice)",
            )
        seen.add(name)


def _feature_lists(
    names: Any, n: int, encoding: Any, zero_based: bool = False
) -> list[list[str]]:
    """The feature names a writer may have given the covariance's terms:
    unnamed features by position (:func:`logistic._feature_names.positional_names`),
    and with ``zero_based`` also ``x0, x1, …``, which older files of
    multinomial models hold (read, never written)."""
    if names is not None:
        return [[str(v) for v in names]]
    lists = []
    if isinstance(encoding, dict) and encoding.get("feature_names") is not None:
        lists.append(list(encoding["feature_names"]))
    lists.append(positional_names(n))
    if zero_based:
        lists.append([f"x{j}" for j in range(n)])
    return lists


def covariance_name_orders(
    feature_names: Any,
    n_features: int,
    fit_intercept: bool,
    classes: Any,
    encoding: Any,
) -> list[list[str]]:
    """The ``covariance.names`` a writer gives a model of ``n_features``
    features named ``feature_names`` (or None) and ``classes`` (None for two
    classes), the first one the order :func:`logistic.save` writes."""
    orders: list[list[str]] = []
    if classes is None:
        for f in _feature_lists(feature_names, n_features, encoding):
            if fit_intercept:
                orders += [["Intercept", *f], [*f, "Intercept"]]
            else:
                orders.append(f)
        return orders
    equations = [[str(c) for c in list(classes)[1:]]]
    label = (encoding or {}).get("label") if isinstance(encoding, dict) else None
    if isinstance(label, dict) and isinstance(label.get("levels"), list):
        equations.append([str(v) for v in label["levels"][1:]])
    for f in _feature_lists(feature_names, n_features, encoding, zero_based=True):
        terms = [*f, "Intercept"] if fit_intercept else f
        orders += [[f"{e}:{t}" for e in eqs for t in terms] for eqs in equations]
    return orders


def _orders_of(model: Any, encoding: Any) -> list[list[str]]:
    classes = model.classes_ if len(model.coef_) > 1 else None
    return covariance_name_orders(
        getattr(model, "feature_names_in_", None),
        int(model.n_features_in_),
        bool(fitted_param(model, "fit_intercept")),
        classes,
        encoding,
    )


def _in_place(names: list[str], orders: list[list[str]]) -> bool:
    """Whether every one of ``names`` that is a term of the model stands at
    that term's position in an order readers take them in (intercept first
    when they start with ``"Intercept"``); other names are a caller's own
    labels (``save(covariance=..., covariance_names=...)``)."""
    first = names[:1] == ["Intercept"]
    terms = {name for order in orders for name in order}
    for order in orders:
        if len(order) != len(names) or (
            "Intercept" in order and (order[:1] == ["Intercept"]) != first
        ):
            continue
        if all(n == o or n not in terms for n, o in zip(names, order, strict=True)):
            return True
    return False


def check_covariance_names(
    names: Any, model: Any, encoding: Any, path: str, *, own: bool
) -> None:
    """Refuse ``covariance.names`` that would be read in another order than
    the matrix is written (see the module docstring): a term of the model at
    another term's place, or, in a file whose covariance is the model's own
    (``own``: it keeps fit statistics; two classes), names that do not start
    with ``"Intercept"`` (readers would take the intercept last). Names that
    are no term of the model are labels (readers match no name but
    ``"Intercept"``), as in a caller's ``save(covariance=...,
    covariance_names=...)``."""
    if names is None:
        return
    orders = _orders_of(model, encoding)
    if own and len(model.coef_) == 1 and fitted_param(model, "fit_intercept"):
        orders = [o for o in orders if o[:1] == ["Intercept"]]
    if names in orders or _in_place(names, orders):
        return
    shown = " or ".join(repr(o)[:200] for o in orders[:2])
    why = " (the model's own covariance, kept with fit statistics)" if own else ""
    raise _bad(
        path,
        f"field 'covariance.names' is {names!r:.200}; expected the parameter "
        f"names in the order the matrix is written{why}: {shown}",
    )


def written_covariance_names(
    names: list[str] | None, orders: list[list[str]]
) -> list[str] | None:
    """The ``covariance.names`` :func:`logistic.save` writes for the names
    given: the same, unless the model's terms stand in another order than
    the one readers take (:func:`_in_place`): refused, as a load would."""
    if names is None or not orders:
        return names
    if any("Intercept" in o for o in orders) and "Intercept" not in names:
        # readers place the intercept by this name alone (first or last)
        raise ValueError(
            f"covariance_names {list(names)!r:.200} do not name the intercept; "
            f"call its row 'Intercept', first for a matrix in cov_params() "
            f"order ({orders[0]!r:.200}) or last in the objective's order, so "
            f"that readers know where it stands"
        )
    if list(names) in orders or _in_place(names, orders):
        return names
    raise ValueError(
        f"covariance_names {list(names)!r:.200} name the model's terms in an "
        f"order a model file does not record; give the covariance in the "
        f"order {orders[0]!r:.200}"
    )


def names_to_write(
    model: Any,
    section: dict[str, Any],
    classes: Any,
    encoding: Any,
    names: list[str] | None,
    training: Any,
    path: str,
) -> list[str] | None:
    """What :func:`logistic.save` checks across the fields it writes (the
    model ``section``, the file's ``classes`` and checked ``encoding``): the
    ``covariance.names`` to write (:func:`written_covariance_names`), after
    refusing kept statistics whose theta is not the model's coefficients
    (:func:`check_theta`)."""
    check_theta(model, (training or {}).get("fit_statistics"), path)
    if names is None:
        return None
    multi = len(np.asarray(model.coef_)) > 1
    orders = covariance_name_orders(
        section["feature_names"],
        int(section["n_features_in"]),
        bool(fitted_param(model, "fit_intercept")),
        list(classes) if multi else None,
        encoding,
    )
    return written_covariance_names(list(names), orders)


def _stored_reference(doc: dict[str, Any], key: str, size: int) -> Any:
    """``doc[key]`` as float64 (null: 0), or None when it is not a list of
    ``size`` finite numbers or nulls (its own checks name that)."""
    value = doc.get(key)
    if not isinstance(value, list) or len(value) != size:
        return None
    if not all(
        v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
        for v in value
    ):
        return None
    # an integer beyond float64's range reads as inf: not finite, so None
    out = as_float64([0.0 if v is None else v for v in value])
    return out if np.all(np.isfinite(out)) else None


def check_theta(
    model: Any,
    statistics: Any,
    path: str,
    covariance: Any = None,
    covariance_names: Any = None,
) -> None:
    """Refuse ``training.fit_statistics.theta`` that is not the file's
    coefficients (``model.coef`` then ``model.intercept``: the objective
    order theta is written in, not standardized) beyond rounding: summary
    and inference read theta, predictions the coefficients.

    The tolerance is 4 units in the last place of the coefficients' dtype
    (a float32 model's ``coef_`` is its float64 theta rounded). An aliased
    fit's coefficients are its reduced estimate (``reduced_theta``, 0 at the
    aliased parameters): either estimate is accepted, as both give the same
    fitted logits. The aliased parameters are the covariance's null diagonal,
    in the order of ``covariance_names`` (intercept first where they start
    with ``"Intercept"``: the model's own covariance), taken to theta's."""
    if not isinstance(statistics, dict) or "theta" not in statistics:
        return
    c = np.asarray(model.coef_)
    fit_intercept = bool(fitted_param(model, "fit_intercept"))
    if c.ndim != 2 or c.shape[0] != 1:
        return  # K classes keep no theta
    stored = c.astype(np.float64).ravel()
    if fit_intercept:
        first = np.asarray(model.intercept_, dtype=np.float64).ravel()[:1]
        stored = np.append(stored, first)
    theta = _stored_reference(statistics, "theta", stored.size)
    if theta is None:
        return  # a malformed theta: io._statistics names it
    info = np.finfo(c.dtype if c.dtype.kind == "f" else np.float64)

    def apart(other: np.ndarray) -> np.ndarray:  # beyond 4 units in the last place
        scale = np.maximum(np.abs(stored), np.abs(other))
        return np.abs(stored - other) > 4 * float(info.eps) * scale + float(info.tiny)

    if not apart(theta).any():
        return
    reduced = _stored_reference(statistics, "reduced_theta", stored.size)
    unset = [] if covariance is None else np.isnan(np.diag(covariance)).tolist()
    if fit_intercept and unset and list(covariance_names or [])[:1] == ["Intercept"]:
        unset = unset[1:] + unset[:1]  # the file's order to theta's (intercept last)
    aliased = any(unset)
    marks = statistics.get("reduced_theta") or []
    if (aliased or "reduced_theta" in statistics) and (
        reduced is None or not aliased or [v is None for v in marks] != unset
    ):
        return  # reduced_theta missing, malformed or misplaced: io._statistics
    if reduced is not None and not apart(reduced).any():
        return
    j = int(np.argmax(apart(theta)))
    where = "model.intercept" if fit_intercept and j == stored.size - 1 else (
        f"model.coef[{j}]"
    )
    raise _bad(
        path,
        f"field 'training.fit_statistics.theta' has [{j}] = {float(theta[j])!r} "
        f"but '{where}' is {float(stored[j])!r}; expected the same estimates "
        "(the coefficients, then the intercept) to rounding",
    )


def _stateless(node: Any) -> Any:
    """An expression tree without fitted state (``center``/``scale`` numbers
    of a stored tree, ``source`` text of a parsed one)."""
    if not isinstance(node, dict):
        return node
    stateful = node.get("op") in ("center", "scale")
    skip = ("source", "center", "scale") if stateful else ()
    return {k: _stateless(v) for k, v in node.items() if k not in skip}


def check_factor_names(factors: dict[str, Any], path: str) -> None:
    """Refuse a formula factor whose name (its formula text, shown by
    ``summary`` and matched by ``predict``) is not what it computes: a name
    that parses, with the project's own parser, to another definition than
    the one stored (``np.log(gre)`` must hold ``log(column gre)``,
    ``C(rank, Treatment(4))`` a categorical factor of ``rank``), or a name
    that does not parse (``inc$``) on anything but the lookup of the column
    of that name. A factor that reads the very column it is named after is
    accepted as it is."""
    for name, spec in factors.items():
        if reads_own_column(name, spec):
            continue
        stored = spec.get("expr") if spec["kind"] == "numeric" else None
        held = f"{_stateless(stored) if stored else spec!r:.200}"
        try:
            parsed: dict[str, Any] | None = parse_factor(name)
        except (TermError, RecursionError, MemoryError):
            parsed = parse_treatment(name)
        if parsed is None:
            raise _bad(
                path,
                f"field 'encoding.factors.{name}' holds {held}, but its name "
                f"{name!r:.80} is no formula term; expected a factor that reads "
                f"the column {name!r:.80} by name (a numeric lookup "
                f"{{'op': 'column', 'name': {name!r:.80}}} or a categorical factor "
                "of that column)",
            )
        if parsed["kind"] == "categorical":
            ok = spec["kind"] == "categorical" and spec["column"] == parsed["column"]
            expected = f"a categorical factor of column {parsed['column']!r:.60}"
        else:
            ok = stored is not None and _stateless(stored) == _stateless(
                parsed["expr"]
            )
            expected = f"the expression {_stateless(parsed['expr'])!r:.200}"
        if not ok:
            raise _bad(
                path,
                f"field 'encoding.factors.{name}' holds {held}, which is not what "
                f"its name {name!r:.80} reads; expected {expected}",
            )
