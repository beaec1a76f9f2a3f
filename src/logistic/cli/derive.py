"""``logistic derive``: the gradient's derivation, each step checked with sympy."""

from __future__ import annotations

from typing import Annotated

import typer

from ._codes import EX_SOFTWARE, EX_USAGE, CLIError
from ._common import console

Classes = Annotated[
    int | None,
    typer.Option(
        "--classes",
        metavar="K",
        help="Derive the softmax (multinomial) model for K classes instead: "
        "∂L/∂z_k = p_k - y_k, the gradient Xᵀ(P - Y)/m, the softmax Jacobian "
        "∂²L/∂z∂zᵀ = diag(p) - p pᵀ (the Hessian's blocks are its entries times "
        "x xᵀ/m), and K = 2 reducing to the binary derivation. 2 <= K <= 6.",
    ),
]


def derive(classes: Classes = None) -> None:
    """Print the verified derivation of the gradient; exit 1 if any step fails.

    Each step of the derivation (sigmoid, log-likelihood, gradient, Hessian) is
    checked symbolically with sympy; --classes K does the same for softmax.

    Example: logistic derive --classes 3
    """
    from .. import derivation

    if classes is not None and not 2 <= classes <= derivation.MAX_CLASSES:
        raise CLIError(
            f"--classes must be from 2 to {derivation.MAX_CLASSES}; got {classes}",
            EX_USAGE,
        )
    try:
        if classes is None:
            results = derivation.verify()
        else:
            results = derivation.verify(classes=classes)
    except ImportError:
        # a missing optional extra is a usage error (exit 2), as for export
        raise CLIError(
            "derive needs the 'derive' extra (sympy): pip install "
            "'logistic[derive]' (from a clone: pip install '.[derive]') or pip "
            "install sympy",
            EX_USAGE,
        ) from None
    console.print(derivation.render(results), markup=False, highlight=False)
    if not all(r.passed for r in results):
        raise typer.Exit(EX_SOFTWARE)
