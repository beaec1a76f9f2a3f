"""``logistic demo``: the bundled UCLA admissions data, end to end."""

from __future__ import annotations

import numpy as np
from rich.table import Table

from ._common import console


def demo(solver: str = "gd") -> None:
    """Fit ``admit ~ gre + gpa + rank`` (rank 1 baseline) on the bundled UCLA data.

    Example: ``logistic demo``
    """
    from .. import LogisticRegression, datasets

    X, y, names = datasets.load_ucla_admissions()
    model = LogisticRegression(solver=solver).fit(X, y)
    table = Table(title=f"UCLA admissions, 400 rows — solver {model.solver_!r}, "
                        f"{int(model.n_iter_[0])} iterations, converged={model.converged_}")
    table.add_column("term")
    table.add_column("estimate", justify="right")
    for name, value in zip(["(Intercept)", *names], np.r_[model.intercept_, model.coef_.ravel()], strict=True):
        table.add_row(name, f"{value:.6f}")
    console.print(table)
