"""Exceptions and warnings raised by ``logistic``.

Convention: every error raised on purpose derives from :class:`LogisticError`
and from the builtin it refines, so that code catching the builtin keeps
working (scikit-learn's tooling catches ``ValueError`` and ``TypeError``):
``ValueError`` for data, model files and checkpoints, ``ValueError`` and
``TypeError`` for parameters, ``FloatingPointError`` for
:class:`NumericalError` (a logit or an iterate beyond float64), and
``RuntimeError``, ``ConnectionError``, ``TimeoutError`` or ``MemoryError``
for a Dask cluster's faults (:mod:`logistic.backends._dask_errors`). Two
follow another convention: ``NotFittedError`` (``ValueError`` and
``AttributeError``, as scikit-learn's; :mod:`logistic._estimator_protocol`)
and ``NotARegularFileError`` (an ``OSError``: :mod:`logistic._files`).
Every message names the input (parameter, array, column, file), what was
received, and what is expected or how to fix it. The library never changes
global warning filters (``warnings.catch_warnings`` included: its filters
are every thread's, and two overlapping uses can leave one installed for
good); where it holds back a warning of its own that a caller gives itself,
:func:`held_back` marks the calling thread's context and :func:`warn` (the
warning's call) honours it.
Two places still set the process's filters, for other libraries' warnings
that no :func:`warn` issues: ``tabular._formula._materialise`` (formulaic's,
while a formula's design is built) and ``report._figures._png``
(matplotlib's missing-glyph warnings, while a figure is drawn).

:class:`ConvergenceWarning` and :class:`DataConversionWarning` derive from
scikit-learn's warnings of the same names once scikit-learn is loaded
(:func:`link_sklearn_warnings`, run at import, at every ``fit`` and when
scikit-learn reads an estimator's parameters), so
``warnings.filterwarnings(..., category=sklearn.exceptions.ConvergenceWarning)``
and scikit-learn's ``ignore_warnings`` also apply to ours; scikit-learn itself
is never imported for it (``import logistic`` stays light).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import sys
import warnings
from collections.abc import Iterator
from contextvars import ContextVar
from types import FrameType

__all__ = [
    "user_stacklevel",
    "held_back",
    "warn",
    "LogisticError",
    "DataValidationError",
    "NoWeightError",
    "InvalidParameterError",
    "NumericalError",
    "ModelFormatError",
    "MultiClassNotSupportedError",
    "IntegrityError",
    "UnsupportedVersionError",
    "CheckpointInUseError",
    "ConvergenceWarning",
    "PerfectSeparationWarning",
    "DataConversionWarning",
    "NumericalStabilityWarning",
    "VersionMismatchWarning",
    "IntervalAlphaWarning",
    "MissingOffsetWarning",
    "link_sklearn_warnings",
]


def _rebuilt(cls: type[BaseException], args: tuple[object, ...]) -> BaseException:
    """An error of ``cls`` with ``args``, made without calling its ``__init__``
    (whose signature may differ from ``args``); unpickling then restores its
    attributes."""
    error = cls.__new__(cls, *args)
    error.args = args
    return error


class LogisticError(Exception):
    """Base class of every error this package raises on purpose.

    Its errors pickle whole, whatever their ``__init__`` takes: an error
    raised in a process pool's worker (joblib, Dask, multiprocessing) reaches
    the caller as the same class with the same message and attributes.
    """

    def __reduce__(self) -> tuple[object, ...]:
        # BaseException's reduce calls ``cls(*args)``, which fails (or words the
        # message twice) for errors whose __init__ takes other arguments
        return _rebuilt, (type(self), self.args), self.__dict__ or None


class DataValidationError(LogisticError, ValueError):
    """Input data (X, y, weights, offsets, files) violates a documented rule."""


class NoWeightError(DataValidationError):
    """The sample weights sum to 0 (or there are no rows): the objective, a
    mean over the weight, is undefined. A class of its own so that a caller
    that knows where the weights come from (a file's column) can say so."""


class InvalidParameterError(LogisticError, ValueError, TypeError):
    """A hyper-parameter has a wrong type or value (scikit-learn's message format)."""


class MultiClassNotSupportedError(InvalidParameterError):
    """A binary-only feature was asked of a model of more than two classes."""


class NumericalError(LogisticError, FloatingPointError):
    """A solver produced non-finite values; the last finite iterate is attached.

    Attributes
    ----------
    iteration : int
        Iteration at which the non-finite value was detected.
    solver : str
        Name of the solver.
    last_finite_coef : ndarray or None
        The last parameter vector that was finite.
    row : int or None
        The row of X whose logit is beyond float64 (prediction), else None.
    """

    def __init__(
        self,
        message: str,
        *,
        iteration: int = -1,
        solver: str = "",
        last_finite_coef: object = None,
        row: int | None = None,
    ) -> None:
        super().__init__(message)
        self.iteration = iteration
        self.solver = solver
        self.last_finite_coef = last_finite_coef
        self.row = row


class ModelFormatError(LogisticError, ValueError):
    """A model file is not a valid ``logistic`` model file."""


class IntegrityError(ModelFormatError):
    """A model file's checksum does not match its payload (truncated or corrupt)."""


class UnsupportedVersionError(ModelFormatError):
    """A model file was written by a newer, incompatible format version."""


class CheckpointInUseError(LogisticError, ValueError):
    """A checkpoint path is held by another running fit (its lock file is
    locked, :mod:`logistic._checkpoint_lock`): two fits writing one checkpoint
    would overwrite each other's state.

    Attributes
    ----------
    path : str
        The checkpoint path as given.
    lock_path : str
        The lock file beside the checkpoint (``<checkpoint>.lock``).
    pid : int or None
        The process that holds it, as its lock file records it (None when
        not known).
    """

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        lock_path: str = "",
        pid: int | None = None,
    ) -> None:
        # defaults: unpickling calls ``cls(message)`` and then restores the
        # attributes, so the error crosses process pools (joblib, Dask)
        super().__init__(message)
        self.path = path
        self.lock_path = lock_path
        self.pid = pid


class _LinkableWarning(UserWarning):
    """A ``UserWarning`` with the layout of a Python-defined warning class, so
    that :func:`link_sklearn_warnings` can swap it for scikit-learn's."""


class ConvergenceWarning(_LinkableWarning):
    """A solver stopped before its stopping rule was met."""


class GridEdgeWarning(UserWarning):
    """The best cross-validated score is at an edge of the strength grid:
    every fit converged, but the optimum may lie beyond the grid (widen it).
    Not a :class:`ConvergenceWarning`, which says a solver stopped early."""


class PerfectSeparationWarning(UserWarning):
    """The data are (quasi-)completely separated: the MLE does not exist."""


class DataConversionWarning(_LinkableWarning):
    """Input was converted (e.g. a column vector y raveled)."""


class NumericalStabilityWarning(UserWarning):
    """A numerical fallback was taken (e.g. a Hessian not positive definite)."""


class VersionMismatchWarning(UserWarning):
    """A model file was written by another version of ``logistic``."""


class NonEstimableWarning(UserWarning):
    """Rows or effects that need an aliased coefficient (a combination of the
    columns the training data never showed, e.g. an empty cell of an
    interaction): their standard errors and effects are NaN."""


class IntervalAlphaWarning(UserWarning):
    """An interval method was given ``alpha`` above 0.5: intervals that cover
    less than half, almost always a coverage passed as ``alpha`` (which is one
    minus the coverage)."""


class MissingOffsetWarning(UserWarning):
    """A model fitted with an offset was asked for predictions without one:
    they are made at offset 0 (statsmodels' GLM ``predict`` does the same),
    which differs from the fit's rows' predictions by their offsets. Pass the
    rows' offsets, or ``offset=0`` to predict at offset 0 on purpose."""


def link_sklearn_warnings() -> None:
    """Make our warnings subclasses of scikit-learn's namesakes when
    ``sklearn.exceptions`` is loaded (a no-op otherwise, and once done).

    The classes keep their identity (``w.category is ConvergenceWarning``
    still holds); only their base changes to scikit-learn's class, itself a
    ``UserWarning``.
    """
    sk = sys.modules.get("sklearn.exceptions")
    if sk is None:
        return
    for ours in (ConvergenceWarning, DataConversionWarning):
        theirs = getattr(sk, ours.__name__, None)
        if isinstance(theirs, type) and not issubclass(ours, theirs):
            if issubclass(theirs, UserWarning) and ours.__bases__ == (
                _LinkableWarning,
            ):
                ours.__bases__ = (theirs,)


link_sklearn_warnings()

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def user_stacklevel() -> int:
    """``stacklevel`` for ``warnings.warn`` that points at the first caller outside
    this package, so a warning names the user's line, whatever the call depth.

    Call it directly in the ``warnings.warn(...)`` argument list.
    """
    frame: FrameType | None = sys._getframe(1)  # the function calling warnings.warn
    level = 1
    while frame is not None and (
        os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR)
        or frame.f_code.co_filename == functools.__file__  # a cached_property
    ):
        frame = frame.f_back
        level += 1
    return level


#: The warnings this context holds back: ``(category, message pattern)`` pairs
#: (:func:`held_back`), per thread and task, unlike ``warnings.filters``.
_HELD: ContextVar[tuple[tuple[type[Warning], re.Pattern[str]], ...]] = ContextVar(
    "logistic_held_warnings", default=()
)


@contextlib.contextmanager
def held_back(category: type[Warning], message: str = "") -> Iterator[None]:
    """Within the block, :func:`warn` of this thread (context) drops a warning
    of ``category`` (or a subclass) whose message matches ``message`` at its
    start, case-insensitive, as ``warnings.filterwarnings("ignore", message,
    category)`` would: for a warning the caller gives itself (a model file's
    covariance computed by :func:`logistic.io.save`, whose caveats are
    inference's to give). Other threads' warnings are untouched."""
    pattern = re.compile(message, re.IGNORECASE)
    token = _HELD.set((*_HELD.get(), (category, pattern)))
    try:
        yield
    finally:
        _HELD.reset(token)


def warn(message: str, category: type[Warning]) -> None:
    """``warnings.warn(message, category)`` at the user's line
    (:func:`user_stacklevel`), unless this context holds it back
    (:func:`held_back`)."""
    for held, pattern in _HELD.get():
        if issubclass(category, held) and pattern.match(message):
            return
    warnings.warn(message, category, stacklevel=user_stacklevel())
