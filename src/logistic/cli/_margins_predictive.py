"""``logistic margins --method pr``: predictive margins over a grid of values.

Conventions (owned here):

* The margins are the library's (``InferenceResults.predictive_margins``, or
  for a formula taken per variable
  :func:`logistic.tabular._formula_margins.formula_predictive_margins`) on
  the training rows ``margins`` reads; the grid is :func:`._margins_values.at_grid`'s.
* ``--json``: ``method`` ``"pr"``, ``at``, ``cov_type``, ``cluster``,
  ``level``, ``nobs`` (and ``scale``), ``margins`` (one object per point:
  ``at`` the values it sets, ``label``, ``margin``, ``std_error``, ``z``,
  ``p_value``, ``ci_low``, ``ci_high``; a point that is not estimable has
  null numbers and ``estimable`` false), ``cov`` (the margins' covariance,
  for differences between points; null entries for points not estimable;
  null as a whole beyond :data:`MAX_COV_POINTS` points, with a note: its
  ``points²`` numbers would make gigabytes of JSON) and ``notes``.
* A model of more than two classes has a margin per class and point:
  ``classes``, ``effect`` ``"Pr(target = class)"``, and each object of
  ``margins`` starts with ``class``, class by class (the rows of ``cov``
  likewise, :mod:`logistic.inference._multinomial_predictive`); the CSV
  has a ``class`` column after the grid's variables.
* ``-o FILE`` (CSV): one row per point, a column per variable the grid sets
  (empty where a point does not set it), then the numbers; a variable named
  as a numbers' column (a feature ``z`` or ``margin``) is headed ``at_z``
  (``at_`` repeated until the header is unique), never a second ``z``.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from ._codes import EX_USAGE, CLIError

__all__ = [
    "MAX_COV_POINTS",
    "check_predictive",
    "predictive_csv",
    "predictive_dict",
    "predictive_of",
]

#: The most points whose covariance ``--json`` writes (a million numbers).
MAX_COV_POINTS = 1000


def check_predictive(dummy: bool, categorical: str | None) -> None:
    """Refuse what predictive margins do not take (exit 2)."""
    if dummy or categorical is not None:
        option = "--dummy" if dummy else "--categorical"
        raise CLIError(
            f"{option} applies to marginal effects (discrete changes); --method pr "
            "gives predicted probabilities, with each categorical term set to the "
            "levels --at-value names (rank=* for every level)",
            EX_USAGE,
        )


def predictive_of(
    results: Any, mf: Any, rows: Any, data: str, margeff: dict[str, Any]
) -> Any:
    """The predictive margins of ``results`` on ``rows`` at the grid
    ``margeff["atexog"]`` (``at`` from ``margeff["at"]``)."""
    from ..tabular._formula_margins import formula_predictive_margins, one_hot_levels
    from ._apply import encoding_of

    grid, at = margeff["atexog"], margeff["at"]
    encoding = encoding_of(mf)
    if rows.frame is not None:  # a formula's variables, through every term
        return formula_predictive_margins(
            results, encoding, rows.frame, atexog=grid, at=at,
            sample_weight=rows.sample_weight, offset=rows.offset, path=data,
        )  # fmt: skip
    references = {term: levels[0] for term, levels in one_hot_levels(encoding).items()}
    return results.predictive_margins(grid, at=at, references=references)


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def predictive_dict(
    pm: Any,
    level: float,
    cluster: str | None,
    scaled: dict[str, Any] | None = None,
    cov: bool = True,
) -> dict[str, Any]:
    """JSON-ready predictive margins at coverage ``level`` (module docstring);
    ``cov``: whether to write the margins' covariance (``--json`` only: the
    table and CSV do not show it, and it has ``points²`` entries)."""
    from ._spelling import cli_spelling

    table = pm.wald_table(1.0 - level)
    classes = getattr(pm, "classes", None)  # K classes: class by class
    points = len(pm.names)
    rows = []
    for k, cls in enumerate([None] if classes is None else classes):
        for g, (label, point) in enumerate(zip(pm.names, pm.points, strict=True)):
            i = k * points + g
            numbers = {"margin": float(table.params[i]), **table.row(i)}
            estimable = math.isfinite(numbers["margin"])
            rows.append({
                **({} if cls is None else {"class": cls}),
                "at": {str(key): v for key, v in point.items()},
                "label": label,
                **{key: _number(v) for key, v in numbers.items()},
                "estimable": estimable,
            })  # fmt: skip
    notes = [cli_spelling(n) for n in pm.notes]
    matrix = None
    if cov and len(rows) <= MAX_COV_POINTS:
        matrix = [[_number(float(v)) for v in row] for row in pm._cov]
    elif cov:
        what = (
            f"{len(rows)} points"
            if classes is None
            else f"{len(rows)} margins ({points} points x {len(classes)} classes)"
        )
        notes.append(
            f"cov is null: the covariance of {what} has "
            f"{len(rows)} x {len(rows)} numbers; it is written for at most "
            f"{MAX_COV_POINTS} margins (ask for fewer points"
            f"{'' if classes is None else ' or classes, with --outcome'}, or take "
            "margeff_cov of InferenceResults.predictive_margins in Python)"
        )
    target = getattr(pm, "target_name", None) or "y"
    return {
        "method": "pr",
        "effect": "Pr(y = 1)" if classes is None else f"Pr({target} = class)",
        "at": pm.at,
        "cov_type": pm.cov_type,
        "cluster": cluster,
        "level": level,
        **({} if scaled is None else {"scale": scaled}),
        "nobs": pm.nobs,
        **({} if classes is None else {"classes": list(classes)}),
        "margins": rows,
        "cov": matrix,
        "notes": notes,
    }


def predictive_csv(doc: dict[str, Any], safe: bool = False) -> str:
    """The margins as CSV: a column per variable the grid sets, then the
    numbers (module docstring); ``safe`` as ``--excel-safe``."""
    from ._margins_table import at_headers
    from ._predict_table import excel_safe_name

    def cell(v: Any) -> Any:
        return excel_safe_name(v) if safe and isinstance(v, str) else v

    keys: list[str] = []
    for row in doc["margins"]:
        keys += [k for k in row["at"] if k not in keys]
    numbers = ["margin", "std_error", "z", "p_value", "ci_low", "ci_high"]
    first = ["class"] if "classes" in doc else []  # K classes: a row per class
    # a feature named z: at_z
    headers = at_headers(keys, [*first, *numbers, "estimable"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([cell(k) for k in headers] + first + numbers + ["estimable"])
    for row in doc["margins"]:
        at = [cell(row["at"].get(k, "")) for k in keys]
        head = [cell(row[k]) for k in first]
        values = ["" if row[k] is None else row[k] for k in numbers]
        writer.writerow(at + head + values + [int(row["estimable"])])
    return buffer.getvalue()
