"""The display order of coefficients: the one owner of "intercept first".

The objective stores its parameters features first and the intercept last
(``theta = [w_1, ..., w_p, b]``); tables, ``params``, ``cov_params`` and the
CLI show the intercept first. :func:`display_order` is the permutation from
the one order to the other, :func:`intercept_first` applies it to a vector or
to a square matrix (a covariance); :func:`term_positions` finds terms by
name or display position. A multinomial fit's flat parameters are its
equations one after the other, each in objective order;
:func:`equations_display_order` lists them equation by equation with each
equation's intercept first, the order of every K-class table (the summary's
blocks, ``odds_ratios()``, the command line's rows), as statsmodels'
``MNLogit`` lists ``params`` of an ``add_constant`` design.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._exceptions import InvalidParameterError
from .._messages import integer_text


def display_order(n_features: int, fit_intercept: bool) -> np.ndarray:
    """Indices taking objective order (features, then the intercept) to display
    order (intercept first); the identity without an intercept."""
    if fit_intercept:
        return np.r_[n_features, 0:n_features]
    return np.arange(n_features)


def equations_display_order(
    n_equations: int, n_terms: int, fit_intercept: bool
) -> np.ndarray:
    """Indices taking the flat parameters of ``n_equations`` equations of
    ``n_terms`` terms each (objective order within each) to display order:
    equation by equation, each one's intercept first."""
    one = display_order(n_terms - int(fit_intercept), fit_intercept)
    return (np.arange(n_equations)[:, None] * n_terms + one).ravel()


def intercept_first(values: np.ndarray, fit_intercept: bool = True) -> np.ndarray:
    """``values`` (a vector, or a square matrix such as a covariance) stored in
    objective order, reordered intercept-first (a new array)."""
    a = np.asarray(values)
    n = a.shape[0] - int(fit_intercept)
    perm = display_order(n, fit_intercept)
    if a.ndim == 2:
        return a[np.ix_(perm, perm)]
    return a[perm]


def term_positions(term_names: Any, terms: Any) -> np.ndarray:
    """Display positions of ``terms`` (names of ``term_names`` or ints, one or
    a list); an unknown name or a position out of range is refused."""
    names = list(term_names)
    one = (
        isinstance(terms, (str, int, np.integer))
        or not hasattr(terms, "__iter__")
        or (isinstance(terms, np.ndarray) and terms.ndim == 0)
    )
    items = [terms] if one else list(terms)  # a float or a 0-d array: one item, refused
    out = []
    for t in items:
        if isinstance(t, (int, np.integer)) and not isinstance(t, bool):
            if not -len(names) <= int(t) < len(names):
                raise InvalidParameterError(
                    f"terms: position {integer_text(int(t))} is out of range "
                    f"for {len(names)} terms"
                )
            out.append(int(t) % len(names))
        elif isinstance(t, str) and t in names:
            out.append(names.index(t))
        else:
            raise InvalidParameterError(
                f"terms: {t!r} is not a term; expected one of {names}"
            )
    return np.asarray(out, dtype=np.intp)
