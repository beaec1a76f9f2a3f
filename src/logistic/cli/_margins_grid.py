"""``logistic margins --method dydx|eyex|dyex|eydx`` over a grid of
``--at-value`` lists: the effects at each point (Stata's ``margins,
dydx(*) at(gre=(200(100)800))``).

Conventions (owned here):

* A grid is what ``--method pr`` takes (:func:`._margins_values.at_grid`:
  lists, ranges, numlists, ``rank=*``); the effects take one when some
  ``--at-value`` gives more than one value, or is written as a list or
  range (:func:`effects_grid`). One value each keeps the single table.
* The effects are the library's at each point
  (:func:`logistic.inference._margins_grid.marginal_effects_grid`, or for a
  formula taken per variable
  :func:`logistic.tabular._formula_margins.formula_margins` with the grid).
* The text is one block per point (``at gre=200``). ``--json``: the single
  table's keys, with ``at_values`` the list of points, ``effects`` one
  object per point and feature (``point`` its 0-based index, ``at`` the
  values it sets, ``label``, then the single table's keys) and ``cov``, the
  joint covariance of every effect (point by point; null entries for
  effects not estimable; null as a whole beyond :data:`MAX_COV_EFFECTS`
  effects, with a note). ``-o FILE`` (CSV): one row per point and feature,
  a column per variable the grid sets first (a variable named as a column
  of the table is headed ``at_NAME``).
* A model of more than two classes: ``classes``, and an effect per point,
  class and feature (``class`` before ``term``; the ``cov`` order point by
  point, each class by class, :mod:`logistic.inference._multinomial_grid`);
  its CSV has a ``class`` column before ``term``.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from ._margins_values import _is_list, _split, at_grid

__all__ = ["MAX_COV_EFFECTS", "effects_grid", "grid_csv", "grid_dict", "grid_of"]

#: The most effects whose joint covariance ``--json`` writes (a million numbers).
MAX_COV_EFFECTS = 1000


def effects_grid(
    items: list[str] | None,
    names: list[str],
    levels: dict[str, list[str]],
    variables: list[Any] | None = None,
) -> dict[str, list[Any]] | None:
    """The grid of ``--at-value`` ``items`` when they ask for one (module
    docstring), else None (one value each: the single table's path)."""
    texts = [_split(item) for item in items or []]
    written = [(n, t) for n, t in texts if _is_list(t) or t.strip().startswith("(")]
    if not written:  # one value each, as the single table reads them
        return None
    grid = at_grid(items, names, levels, variables)
    assert grid is not None
    for name, text in written:  # not a level that reads as a list ("a,b")
        if grid[name] != [text]:
            return grid
    return None


def grid_of(
    results: Any, mf: Any, rows: Any, data: str, grid: Any, margeff: dict[str, Any]
) -> Any:
    """The effects of ``results`` on ``rows`` at each point of ``grid``
    (``margeff``: the other options of ``get_margeff``)."""
    from ..inference._margins_grid import marginal_effects_grid
    from ..tabular._formula_margins import formula_margins, one_hot_levels
    from ._apply import encoding_of

    encoding = encoding_of(mf)
    if rows.frame is None:
        references = {t: levels[0] for t, levels in one_hot_levels(encoding).items()}
        if hasattr(results, "classes"):  # K classes: every class at each point
            from ..inference._multinomial_grid import multinomial_effects_grid

            return multinomial_effects_grid(results, grid, references, **margeff)
        return marginal_effects_grid(results, grid, references, **margeff)
    return formula_margins(results, encoding, rows.frame, atexog=grid,
                           sample_weight=rows.sample_weight, offset=rows.offset,
                           path=data, **margeff)  # fmt: skip


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def grid_dict(
    me: Any, level: float, cluster: str | None, scaled: dict[str, Any] | None = None
) -> dict[str, Any]:
    """JSON-ready effects at every point (module docstring)."""
    from ._margins_table import effect_row, margins_dict

    doc = margins_dict(me.by_point[0], level, cluster, scaled)
    table = me.wald_table(1.0 - level)
    discrete = set() if me.dummy_idx is None else set(me.dummy_idx.tolist())
    p = len(me.names)
    classes = getattr(me, "classes", None)  # K classes: each point class by class
    each = [None] if classes is None else classes
    effects = [
        effect_row(
            {"point": g, "at": {str(key): v for key, v in point.items()},
             "label": label, **({} if cls is None else {"class": cls}), "term": name},
            table, (g * len(each) + k) * p + j, j in discrete,
        )  # fmt: skip
        for g, (point, label) in enumerate(zip(me.points, me.point_labels, strict=True))
        for k, cls in enumerate(each)
        for j, name in enumerate(me.names)
    ]
    notes = list(doc["notes"])
    matrix = None
    if len(effects) <= MAX_COV_EFFECTS:
        matrix = [[_number(float(v)) for v in row] for row in me._cov]
    else:
        notes.append(
            f"cov is null: the joint covariance of {len(effects)} effects has "
            f"{len(effects)} x {len(effects)} numbers; it is written for at most "
            f"{MAX_COV_EFFECTS} effects (ask for fewer points, or take margeff_cov "
            "of InferenceResults.get_margeff in Python)"
        )
    at_values = [{str(k): v for k, v in pt.items()} for pt in me.points]
    return {**doc, "at_values": at_values, "effects": effects, "cov": matrix,
            "notes": notes}  # fmt: skip


def grid_csv(doc: dict[str, Any], safe: bool = False) -> str:
    """The effects as CSV, one row per point and feature (module docstring);
    ``safe`` as ``--excel-safe``."""
    from ._margins_table import at_headers
    from ._predict_table import excel_safe_name

    def cell(v: Any) -> Any:
        return excel_safe_name(v) if safe and isinstance(v, str) else v

    keys: list[str] = []
    for row in doc["effects"]:
        keys += [k for k in row["at"] if k not in keys]
    numbers = ["term", "effect", "std_error", "z", "p_value", "ci_low", "ci_high",
               "discrete", "aliased"]  # fmt: skip
    if "classes" in doc:  # K classes: a row per point, class and feature
        numbers.insert(0, "class")
    headers = at_headers(keys, numbers)  # a variable named z: at_z
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([cell(h) for h in headers] + numbers)
    for row in doc["effects"]:
        at = [cell(row["at"].get(k, "")) for k in keys]
        values = ["" if row[k] is None else cell(row[k]) for k in numbers[:-2]]
        writer.writerow(at + values + [int(row["discrete"]), int(row["aliased"])])
    return buffer.getvalue()
