"""The JSON text of the command line's ``--json`` outputs (one owner for it).

Convention: a number that is not finite (an odds ratio of ``exp(804)``, a
log loss of a label given probability 0, a NaN) is written as ``null``.
Python's ``json`` module would write ``Infinity`` and ``NaN``, which are not
JSON: strict parsers (``JSON.parse``, ``jq``, Python's with a strict
``parse_constant``) refuse the whole document. The text is indented by 2.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

__all__ = ["json_text"]


def json_text(doc: Any, default: Callable[[Any], Any] | None = None) -> str:
    """``doc`` as indented JSON, non-finite numbers as ``null``; ``default``
    as ``json.dumps`` takes it (a value JSON has no type for)."""
    import numpy as np  # a command's --help imports this module, not numpy

    return json.dumps(_finite(doc, np), indent=2, default=default, allow_nan=False)


def _finite(value: Any, np: Any) -> Any:
    """``value`` with every non-finite float (Python's or numpy's, ``np``),
    in dicts, lists and tuples at any depth, replaced by None."""
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v, np) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v, np) for v in value]
    if isinstance(value, np.ndarray):
        return _finite(value.tolist(), np)
    return value
