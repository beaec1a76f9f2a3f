"""The solver registry: names known at import, classes imported on first use.

:data:`logistic.solvers._base.SOLVERS` is a :class:`LazyRegistry`. The
package ``logistic.solvers`` declares each built-in solver by name with the
module that defines it (:meth:`LazyRegistry.declare`); the module is imported
the first time its class is looked up, and its ``@register`` decorator stores
the class. A 400-row Newton fit therefore imports only ``newton.py`` of the
solver modules (the others cost ≈ 10 ms of ``logistic fit``'s start-up).

Names, ``in`` and ``sorted(SOLVERS)`` need no import; values, ``items()`` and
``values()`` import what they reach (reading every solver's capabilities, as
``auto`` does for Firth and L1 fits, imports them all). The order is the
declaration order, then solvers registered by other code.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import Generic, TypeVar

__all__ = ["LazyRegistry"]

_T = TypeVar("_T")


class LazyRegistry(MutableMapping[str, _T], Generic[_T]):
    """Name → class, each class imported from its declared module on first use."""

    def __init__(self) -> None:
        # name -> defining module for every known name, in order; the class
        # once its module has registered it
        self._modules: dict[str, str | None] = {}
        self._classes: dict[str, _T] = {}

    def declare(self, name: str, module: str) -> None:
        """Know ``name`` now; import ``module`` (absolute) when it is looked up."""
        self._modules.setdefault(name, module)

    def __getitem__(self, name: str) -> _T:
        try:
            return self._classes[name]
        except KeyError:
            module = self._modules.get(name)  # KeyError: unknown name
            if module is None:
                raise KeyError(name) from None
        importlib.import_module(module)
        try:
            return self._classes[name]
        except KeyError:
            raise ImportError(
                f"module {module!r} did not register the solver {name!r} it is "
                "declared for"
            ) from None

    def __setitem__(self, name: str, cls: _T) -> None:
        self._modules.setdefault(name, None)
        self._classes[name] = cls

    def __delitem__(self, name: str) -> None:
        del self._modules[name]
        self._classes.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._modules))

    def __len__(self) -> int:
        return len(self._modules)

    def __contains__(self, name: object) -> bool:
        return name in self._modules

    def loaded(self) -> list[str]:
        """The names whose class has been imported."""
        return [n for n in self._modules if n in self._classes]
