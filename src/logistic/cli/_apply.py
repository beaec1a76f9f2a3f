"""Load a model file and apply it to a data file (shared by predict, evaluate, "
"report)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._codes import EX_DATAERR, CLIError
from ._common import import_pandas_first, load_model_file, note


@dataclass
class Applied:
    """A model file, the encoded data and the logits."""

    model_file: Any
    raw: Any
    design: Any
    z: np.ndarray


def _encoding_of(mf: Any) -> dict[str, Any]:
    """The stored encoding; for a model saved from Python, its feature names."""
    if mf.encoding is not None:
        return mf.encoding
    names = getattr(mf.model, "feature_names_in_", None)
    if names is None:
        raise CLIError(
            "the model file has no input encoding and no feature names (saved from "
            "Python with unnamed features); it cannot read named columns",
            EX_DATAERR,
        )
    return {
        "kind": "columns",
        "target": None,
        "label": None,
        "columns": [{"name": str(n), "kind": "numeric"} for n in names],
        "feature_names": [str(n) for n in names],
    }


def apply_model(
    model_path: Path,
    data: Path,
    *,
    with_target: bool,
    missing: str = "error",
    sep: str | None = None,
    fmt: str | None = None,
) -> Applied:
    """Read both files and compute the logits; errors name the file and column."""
    from ..tabular import apply_design, read_data

    import_pandas_first()
    mf = load_model_file(str(model_path))
    encoding = _encoding_of(mf)
    if with_target and not encoding.get("label"):
        raise CLIError(
            "the model file has no label mapping; it cannot evaluate targets"
        )
    raw = read_data(data, sep=sep, fmt=fmt)
    design = apply_design(raw, encoding, with_target=with_target, missing=missing)
    for text in design.notes:
        note(text)
    X = design.frame() if hasattr(mf.model, "feature_names_in_") else design.X
    z = np.asarray(
        mf.model.decision_function(X, offset=design.offset), dtype=np.float64
    )
    return Applied(mf, raw, design, z)


def label_values(
    mf_encoding: dict[str, Any] | None, positive: np.ndarray, classes: np.ndarray
) -> np.ndarray:
    """Predicted labels as the raw target values (or the model's classes)."""
    label = (mf_encoding or {}).get("label")
    if label:
        values = np.array([label["negative"], label["positive"]], dtype=object)
    else:
        values = np.asarray(classes, dtype=object)
    return values[positive.astype(int)]
