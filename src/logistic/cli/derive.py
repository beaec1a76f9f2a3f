"""``logistic derive``: the gradient's derivation, each step checked with sympy."""

from __future__ import annotations

import typer

from ._codes import EX_SOFTWARE
from ._common import console


def derive() -> None:
    """Print the verified derivation of the gradient; exit 1 if any step fails.

    Each step of the derivation (sigmoid, log-likelihood, gradient, Hessian) is
    checked symbolically with sympy.

    Example: logistic derive
    """
    from .. import derivation

    results = derivation.verify()
    console.print(derivation.render(results), markup=False, highlight=False)
    if not all(r.passed for r in results):
        raise typer.Exit(EX_SOFTWARE)
