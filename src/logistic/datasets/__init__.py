"""Bundled real datasets (small, public, with provenance in ``datasets/README.md``).

``load_ucla_admissions`` returns the UCLA OARC graduate-admissions data with
``rank`` expanded to the dummies rank2, rank3, rank4 (rank 1 is the baseline),
as in R's ``glm(admit ~ gre + gpa + factor(rank), family = binomial)``.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

__all__ = ["load_ucla_admissions", "ucla_admissions_path"]


def ucla_admissions_path() -> str:
    """Path of the bundled ``ucla_admissions.csv`` (columns admit,gre,gpa,rank)."""
    return str(resources.files(__package__).joinpath("ucla_admissions.csv"))


def load_ucla_admissions() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """``(X, y, names)``: 400 × 5 design (gre, gpa, rank2..rank4), y = admit."""
    raw = np.loadtxt(ucla_admissions_path(), delimiter=",", skiprows=1)
    y = raw[:, 0]
    rank = raw[:, 3]
    X = np.column_stack(
        [raw[:, 1], raw[:, 2]] + [(rank == r).astype(float) for r in (2, 3, 4)]
    )
    return X, y, ["gre", "gpa", "rank2", "rank3", "rank4"]
