"""Progress of a command on an interactive stderr: steps, iterations, data passes.

Convention (owned here): a live status line appears only when stderr is a
terminal and ``LOGISTIC_NO_PROGRESS`` is unset (:func:`show_progress`);
otherwise nothing is printed. A fit reports through callables, never through
printed text: the solver calls ``callback(entry)`` after every iteration
(``LogisticRegression.fit(..., callback=...)``; the entry holds ``iter``,
``objective``, ``grad_max_norm``, ``step``, ``time``, ``n_passes``), and the
out-of-core and Dask backends call ``progress(info)`` after every pass over
the data (``rows``, ``seconds``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ._common import err_console

__all__ = ["FitProgress", "iteration_text", "show_progress", "status"]


def show_progress() -> bool:
    """Progress displays only for an interactive stderr."""
    return err_console.is_terminal and not os.environ.get("LOGISTIC_NO_PROGRESS")


@contextmanager
def status(message: str) -> Iterator[Any]:
    """A spinner on stderr while a step runs (nothing when not a terminal)."""
    if not show_progress():
        yield None
        return
    with err_console.status(message) as st:
        yield st


def _number(value: Any, spec: str) -> str:
    return "?" if value is None else format(float(value), spec)


def iteration_text(entry: Mapping[str, Any]) -> str:
    """``iteration 3, objective 0.57, max|grad| 1e-05`` from a history entry."""
    return (
        f"iteration {entry.get('iter', '?')}, objective "
        f"{_number(entry.get('objective'), '.6g')}, max|grad| "
        f"{_number(entry.get('grad_max_norm'), '.3g')}"
    )


class FitProgress:
    """The status line of one fit: its iterations and its passes over the data.

    :meth:`on_iteration` is the estimator's ``callback``; the instance itself
    is a backend's ``progress`` callable.
    """

    def __init__(self) -> None:
        self.passes = 0
        self.rows = 0
        self.seconds = 0.0
        self.iteration = ""
        self._status: Any = None

    def __call__(self, info: Mapping[str, float]) -> None:
        self.passes += 1
        self.rows += int(info.get("rows", 0))
        self.seconds += float(info.get("seconds", 0.0))
        self._show()

    def on_iteration(self, entry: Mapping[str, Any]) -> None:
        self.iteration = f"fitting: {iteration_text(entry)}"
        self._show()

    def _show(self) -> None:
        if self._status is None:
            return
        parts = [self.iteration] if self.iteration else []
        if self.passes:
            rate = self.rows / self.seconds if self.seconds > 0 else 0.0
            parts.insert(
                0, f"pass {self.passes}: {self.rows:,} rows, {rate:,.0f} rows/s"
            )
        if parts:
            self._status.update(" | ".join(parts))

    def summary(self) -> str:
        """``N passes over the data, R rows read in S s (rows/s)``."""
        rate = self.rows / self.seconds if self.seconds > 0 else float("nan")
        return (
            f"{self.passes} passes over the data, {self.rows:,} rows read in "
            f"{self.seconds:.1f}s ({rate:,.0f} rows/s)"
        )

    @contextmanager
    def live(
        self, message: str
    ) -> Iterator[Callable[[Mapping[str, Any]], None] | None]:
        """A status line while the fit runs; yields the ``callback`` to give
        ``fit`` (None when nothing is shown)."""
        if not show_progress():
            yield None
            return
        with err_console.status(message) as st:
            self._status = st
            try:
                yield self.on_iteration
            finally:
                self._status = None
