"""Binary logistic regression from one numerically stable objective.

Public API (everything else is private and may change):

* :class:`LogisticRegression` — scikit-learn compatible estimator.
* :func:`path` / :class:`LogisticRegressionCV` — regularization paths and the
  strength chosen by cross-validation (:mod:`logistic.model_selection`).
* :func:`save` / :func:`load` — versioned JSON model files (:mod:`logistic.io`).
* :func:`check_gradient` — analytic vs finite-difference gradient.
* :mod:`logistic.derivation` — the gradient's derivation, verified with sympy.
* :mod:`logistic.datasets` — the bundled demo data.
* the public submodules (:mod:`logistic.formats`, :mod:`logistic.columns`,
  :mod:`logistic.inference`, :mod:`logistic.metrics`, :mod:`logistic.backends`,
  ...), each imported on first attribute access.
* exceptions and warnings from :mod:`logistic._exceptions`.

``import logistic`` loads only the exceptions and the thread budget's reading of
``OMP_NUM_THREADS`` (:mod:`logistic._thread_budget`; standard library only): every other
public name is imported on first use (PEP 562 module ``__getattr__``, the way
scipy and scikit-image load their submodules), so that a script or command
that needs one piece does not pay for numpy, scipy and every solver at start-up.
``from logistic import LogisticRegression`` imports the estimator and what it
needs at that moment; the names and objects are the same either way.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import _thread_budget  # noqa: F401  (OMP_NUM_THREADS as at import)
from ._exceptions import (
    CheckpointInUseError,
    ConvergenceWarning,
    DataConversionWarning,
    DataValidationError,
    GridEdgeWarning,
    IntegrityError,
    IntervalAlphaWarning,
    InvalidParameterError,
    LogisticError,
    MissingOffsetWarning,
    ModelFormatError,
    MultiClassNotSupportedError,
    NonEstimableWarning,
    NumericalError,
    NumericalStabilityWarning,
    PerfectSeparationWarning,
    UnsupportedVersionError,
    VersionMismatchWarning,
)

if TYPE_CHECKING:  # the names __getattr__ provides, for type checkers and IDEs
    # the submodules (_SUBMODULES), so that logistic.metrics.roc_auc is typed
    from . import (
        backends,  # noqa: F401
        columns,  # noqa: F401
        datasets,
        derivation,  # noqa: F401
        formats,  # noqa: F401
        inference,  # noqa: F401
        io,  # noqa: F401
        metrics,  # noqa: F401
        model_selection,  # noqa: F401
        onnx_export,  # noqa: F401
        solvers,  # noqa: F401
        tabular,  # noqa: F401
    )
    from ._gradcheck import GradientCheck, check_gradient
    from ._objective import LogisticObjective
    from ._path import PathResult, path
    from ._version import __version__
    from .estimator import LogisticRegression
    from .io import load, save
    from .model_selection import LogisticRegressionCV
    from .solvers import SolverResult

#: Public name -> the module that defines it (imported on first access).
_LAZY = {
    "LogisticRegression": ".estimator",
    "save": ".io",
    "load": ".io",
    "LogisticObjective": "._objective",
    "SolverResult": ".solvers",
    "check_gradient": "._gradcheck",
    "GradientCheck": "._gradcheck",
    "__version__": "._version",  # the version, written once there
    "path": "._path",
    "PathResult": "._path",
    "LogisticRegressionCV": ".model_selection",  # needs scikit-learn when fitted
}

#: Public submodules, imported on first attribute access (``logistic.formats``
#: works without ``import logistic.formats``, as scipy's submodules do).
_SUBMODULES = frozenset(
    {
        "backends",
        "columns",
        "datasets",
        "derivation",
        "formats",
        "inference",
        "io",
        "metrics",
        "model_selection",
        "onnx_export",
        "solvers",
        "tabular",
    }
)

__all__ = [
    "LogisticRegression",
    "LogisticRegressionCV",
    "path",
    "PathResult",
    "save",
    "load",
    "LogisticObjective",
    "SolverResult",
    "check_gradient",
    "GradientCheck",
    "datasets",
    "CheckpointInUseError",
    "ConvergenceWarning",
    "DataConversionWarning",
    "DataValidationError",
    "GridEdgeWarning",
    "IntegrityError",
    "IntervalAlphaWarning",
    "InvalidParameterError",
    "LogisticError",
    "MissingOffsetWarning",
    "ModelFormatError",
    "MultiClassNotSupportedError",
    "NonEstimableWarning",
    "NumericalError",
    "NumericalStabilityWarning",
    "PerfectSeparationWarning",
    "UnsupportedVersionError",
    "VersionMismatchWarning",
    "__version__",
]


def __getattr__(name: str) -> Any:
    """Import the module behind public ``name`` on first use and cache the value."""
    if name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        module_name = _LAZY.get(name)
        if module_name is None:
            raise AttributeError(f"module 'logistic' has no attribute {name!r}")
        value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names and submodules (not this module's own imports)."""
    return sorted(set(__all__) | _SUBMODULES)
