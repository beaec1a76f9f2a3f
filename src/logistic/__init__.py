"""Binary logistic regression from one numerically stable objective.

Public API (everything else is private and may change):

* :class:`LogisticRegression` — scikit-learn compatible estimator.
* :func:`save` / :func:`load` — versioned JSON model files (:mod:`logistic.io`).
* :func:`check_gradient` — analytic vs finite-difference gradient.
* :mod:`logistic.derivation` — the gradient's derivation, verified with sympy.
* :mod:`logistic.datasets` — the bundled demo data.
* exceptions and warnings from :mod:`logistic._exceptions`.
"""

from __future__ import annotations

from . import datasets
from ._exceptions import (
    ConvergenceWarning,
    DataConversionWarning,
    DataValidationError,
    IntegrityError,
    InvalidParameterError,
    LogisticError,
    ModelFormatError,
    NumericalError,
    NumericalStabilityWarning,
    PerfectSeparationWarning,
    UnsupportedVersionError,
    VersionMismatchWarning,
)
from ._gradcheck import GradientCheck, check_gradient
from ._objective import LogisticObjective
from ._version import __version__
from .estimator import LogisticRegression
from .io import load, save
from .solvers import SolverResult

__all__ = [
    "LogisticRegression",
    "save",
    "load",
    "LogisticObjective",
    "SolverResult",
    "check_gradient",
    "GradientCheck",
    "datasets",
    "ConvergenceWarning",
    "DataConversionWarning",
    "DataValidationError",
    "IntegrityError",
    "InvalidParameterError",
    "LogisticError",
    "ModelFormatError",
    "NumericalError",
    "NumericalStabilityWarning",
    "PerfectSeparationWarning",
    "UnsupportedVersionError",
    "VersionMismatchWarning",
    "__version__",
]
