"""The JSON document and CSV of ``logistic margins``' single table of
effects (:mod:`.margins`; the grid's, one table per point, in
:mod:`._margins_grid`).

Conventions (owned here): ``--json`` has ``method``, ``effect`` (the column's
label), ``at``, ``at_values`` (the values set on every row), ``dummy``,
``categorical``, ``cov_type``, ``cluster``, ``level`` (and ``scale``),
``nobs`` (and ``classes`` for K classes), ``effects`` (one object per
feature, or per class and feature: ``term``, ``effect``, ``std_error``,
``z``, ``p_value``, ``ci_low``, ``ci_high``, ``discrete``, ``aliased``; an
aliased effect's numbers null) and ``notes``; the CSV is one row per
feature with ``discrete`` and ``aliased`` as 0/1.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ._spelling import cli_spelling

__all__ = ["csv_text", "effect_row", "margins_dict"]


def margins_dict(
    me: Any, level: float, cluster: str | None, scaled: dict[str, Any] | None = None
) -> dict[str, Any]:
    """JSON-ready marginal effects at coverage ``level``; ``scale`` (as
    ``summary --json``'s) when ``--scale`` gave the dispersion ``scaled``."""
    from ..inference._margins_results import LABELS

    table = me.wald_table(1.0 - level)
    discrete = set() if me.dummy_idx is None else set(me.dummy_idx.tolist())
    options = me.margeff_options
    classes = getattr(me, "classes", None)
    if classes is not None:  # K classes: one row per (class, feature)
        p = len(me.names)
        effects = [
            effect_row(
                {"class": cls, "term": name}, table, k * p + j, j in discrete
            )
            for k, cls in enumerate(classes)
            for j, name in enumerate(me.names)
        ]
    else:
        effects = [
            effect_row({"term": name}, table, j, j in discrete)
            for j, name in enumerate(me.names)
        ]
    return {
        "method": me.method,
        "effect": LABELS[me.method],
        "at": me.at,
        "at_values": options.get("atexog"),
        "dummy": bool(options["dummy"]),
        "categorical": options["categorical"],
        "cov_type": me.cov_type,
        "cluster": cluster,
        "level": level,
        **({} if scaled is None else {"scale": scaled}),
        "nobs": me.nobs,
        **({} if classes is None else {"classes": list(classes)}),
        "effects": effects,
        "notes": [cli_spelling(n) for n in me.notes],
    }


def effect_row(
    head: dict[str, Any], table: Any, i: int, discrete: bool
) -> dict[str, Any]:
    """Entry ``i`` of the effects' Wald table as a JSON row; the effect of an
    aliased column (no estimate) has every number null and ``aliased`` true
    (JSON has no NaN), as ``summary --json``'s rows."""
    import math

    row = {**head, "effect": float(table.params[i]), **table.row(i)}
    aliased = not math.isfinite(row["effect"])
    row = {
        k: None if isinstance(v, float) and not math.isfinite(v) else v
        for k, v in row.items()
    }
    return {**row, "discrete": discrete, "aliased": aliased}


def csv_text(doc: dict[str, Any], safe: bool = False) -> str:
    """The effects as CSV, one row per feature (``discrete`` and ``aliased``
    as 0/1; an aliased row's numbers empty); ``safe`` (``--excel-safe``):
    text cells as :func:`._predict_table.excel_safe_name` writes a risky name."""
    from ._predict_table import excel_safe_name

    buffer = io.StringIO()
    rows = [
        {
            **{k: excel_safe_name(v) if safe and isinstance(v, str) else v
               for k, v in r.items()},  # fmt: skip
            "discrete": int(r["discrete"]),
            "aliased": int(r["aliased"]),
        }
        for r in doc["effects"]
    ]
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def at_headers(keys: list[str], reserved: list[str]) -> list[str]:
    """The CSV headers of the grid's variables ``keys`` beside the table's
    own columns ``reserved``: a variable named as one of them (a feature
    named ``z`` or ``margin``) is headed ``at_z``, ``at_at_z``, ... so that
    no header is written twice."""
    taken = {*keys, *reserved}
    headers = []
    for key in keys:
        header = key
        if key in reserved:
            header = f"at_{key}"
            while header in taken:
                header = f"at_{header}"
            taken.add(header)
        headers.append(header)
    return headers
