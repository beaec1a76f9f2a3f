"""The scikit-learn estimator protocol, without importing scikit-learn.

Convention: parameters are the keyword arguments of ``__init__``, stored
unchanged; ``get_params``/``set_params``/``__repr__`` read them from the
signature (what :func:`sklearn.base.clone` needs); tags are built lazily in
``__sklearn_tags__`` (scikit-learn is imported only when scikit-learn asks).
An estimator used before ``fit`` raises :class:`NotFittedError`, which is
also scikit-learn's ``NotFittedError`` whenever scikit-learn is loaded.

Metadata routing (``sklearn.set_config(enable_metadata_routing=True)``):
``set_fit_request`` / ``set_score_request`` / ``set_partial_fit_request``
(a RuntimeError with routing off, as scikit-learn's; the last only where
the instance has ``partial_fit``) record which metadata
(``_routed_metadata``) a meta-estimator should pass, in
``_metadata_request`` (the attribute :func:`sklearn.base.clone` copies), and
``get_metadata_routing`` returns scikit-learn's ``MetadataRequest`` built from
it, importing scikit-learn only then.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

from ._exceptions import link_sklearn_warnings

__all__ = ["EstimatorProtocol", "NotFittedError", "available_if", "require_routing"]

#: The estimator's own class, which ``set_params`` returns (``typing.Self``
#: is Python 3.11's).
_Estimator = TypeVar("_Estimator", bound="EstimatorProtocol")
#: A method that :class:`available_if` wraps (type checkers see it unchanged).
_Method = TypeVar("_Method", bound=Callable[..., Any])


class NotFittedError(ValueError, AttributeError):
    """The estimator is used before ``fit`` (a ValueError and an AttributeError,
    as scikit-learn's ``NotFittedError``)."""


_COMBINED_NOT_FITTED: dict[type, type] = {}


def _not_fitted_error_class() -> type:
    """Our NotFittedError, also an instance of scikit-learn's when it is loaded.

    scikit-learn tooling catches ``sklearn.exceptions.NotFittedError``; we do
    not import scikit-learn, but when the caller already has, the raised
    class derives from both.
    """
    sk = sys.modules.get("sklearn.exceptions")
    sk_cls = getattr(sk, "NotFittedError", None)
    if sk_cls is None:
        return NotFittedError
    if sk_cls not in _COMBINED_NOT_FITTED:
        _COMBINED_NOT_FITTED[sk_cls] = type(
            "NotFittedError",
            (NotFittedError, sk_cls),
            {"__module__": __name__, "__reduce__": _reduce_not_fitted},
        )
    return _COMBINED_NOT_FITTED[sk_cls]


def _reduce_not_fitted(error: BaseException) -> tuple[object, ...]:
    # the combined class is made at run time, so pickle cannot find it by its
    # name (the module's NotFittedError is the plain one): an error raised in
    # a process pool's worker is rebuilt from its message as the class of the
    # receiving process, scikit-learn's too where that process has it loaded
    return _rebuilt_not_fitted, (error.args,), error.__dict__ or None


def _rebuilt_not_fitted(args: tuple[Any, ...]) -> NotFittedError:
    error: NotFittedError = _not_fitted_error_class()(*args)
    return error


class available_if:  # noqa: N801 - used as a decorator, like scikit-learn's
    """Method decorator: the method exists only when ``check(self)`` is true.

    ``hasattr(est, "partial_fit")`` is then False for configurations that
    cannot honour it, which is how scikit-learn's tooling discovers
    capabilities (the same idea as ``sklearn.utils._available_if``).
    """

    def __init__(self, check: Any, reason: Any = None) -> None:
        self.check = check
        self.reason = reason  # reason(obj): why the method is missing, or None

    def __call__(self, fn: _Method) -> _Method:
        self.fn = fn
        self.__doc__ = fn.__doc__
        # the descriptor stands for fn: to type checkers the method is fn, so
        # est.partial_fit(...) is checked against its signature
        return cast(_Method, self)

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self.fn
        if not self.check(obj):
            why = self.reason(obj) if self.reason is not None else None
            raise AttributeError(
                f"{type(obj).__name__} with these parameters has no "
                f"{self.fn.__name__!r}" + (f": {why}" if why else "")
            )
        return self.fn.__get__(obj, owner)


_UNCHANGED = "$UNCHANGED$"  # scikit-learn's "leave this request as it is"


class _Requests(dict):  # type: ignore[type-arg]
    """method -> {metadata: request}; :func:`sklearn.base.clone` copies it."""

    def __sklearn_clone__(self) -> _Requests:
        return _Requests({k: dict(v) for k, v in self.items()})


def _routing_enabled() -> bool:
    """Whether scikit-learn's metadata routing is on (its setting lives in
    scikit-learn: not yet imported, it cannot have been turned on)."""
    sk = sys.modules.get("sklearn")
    get_config = getattr(sk, "get_config", None)
    return get_config is not None and bool(
        get_config().get("enable_metadata_routing", False)
    )


def require_routing() -> None:
    """scikit-learn's refusal of a metadata request while routing is off."""
    if not _routing_enabled():
        raise RuntimeError(
            "This method is only available when metadata routing is enabled. "
            "You can enable it using "
            "sklearn.set_config(enable_metadata_routing=True)."
        )


def _request_setter(method: str) -> Any:
    def setter(self: Any, **requests: Any) -> Any:
        require_routing()
        allowed = self._routed_metadata.get(method, ())
        unknown = sorted(set(requests) - set(allowed))
        if unknown:
            raise TypeError(
                f"Unexpected args: {unknown} in {method}. Accepted arguments "
                f"are: {sorted(allowed)}"
            )
        store = self.__dict__.setdefault("_metadata_request", _Requests())
        for key, value in requests.items():
            if not (isinstance(value, str) and value == _UNCHANGED):
                store.setdefault(method, {})[key] = value
        return self

    setter.__name__ = f"set_{method}_request"
    setter.__doc__ = (
        f"Request metadata passed to ``{method}`` (scikit-learn's metadata "
        f"routing): ``param=True`` (pass it), False (do not), None (error if "
        f"given) or an alias; returns self."
    )
    return setter


class EstimatorProtocol:
    """Mixin: parameters, repr, tags and the fitted check of a classifier.

    The fitted state is recognised by ``coef_``. ``_takes_multi_class()`` says
    whether the classifier with its current parameters takes more than two
    classes (its scikit-learn tags); by default the class's ``_multi_class``.
    """

    _estimator_type = "classifier"
    _multi_class: bool = False
    #: method -> the metadata it takes (scikit-learn's metadata routing)
    _routed_metadata: dict[str, tuple[str, ...]] = {
        "fit": ("sample_weight", "offset"),
        "score": ("sample_weight", "offset"),
        "partial_fit": ("classes", "sample_weight", "offset"),
        "decision_function": ("offset",),
        "predict": ("offset",),
        "predict_proba": ("offset",),
        "predict_log_proba": ("offset",),
    }

    set_fit_request = _request_setter("fit")
    set_score_request = _request_setter("score")
    set_decision_function_request = _request_setter("decision_function")
    set_predict_request = _request_setter("predict")
    set_predict_proba_request = _request_setter("predict_proba")
    set_predict_log_proba_request = _request_setter("predict_log_proba")
    # as the instance's partial_fit (LogisticRegression's depends on its settings)
    set_partial_fit_request = available_if(lambda self: hasattr(self, "partial_fit"))(
        _request_setter("partial_fit")
    )

    def get_metadata_routing(self) -> Any:
        """scikit-learn's ``MetadataRequest`` of this estimator: each method's
        metadata, requested as set by ``set_{method}_request`` (None, "error
        if passed", by default, as scikit-learn's)."""
        return self._metadata_requests()

    def _metadata_requests(self) -> Any:
        """The ``MetadataRequest`` of this estimator's own methods (a router,
        such as ``LogisticRegressionCV``, adds its children to it)."""
        from sklearn.utils.metadata_routing import MetadataRequest

        routing = MetadataRequest(owner=self)
        store = self.__dict__.get("_metadata_request", {})
        for method, params in self._routed_metadata.items():
            if not hasattr(type(self), method):
                continue
            method_request = getattr(routing, method)
            for param in params:
                alias = store.get(method, {}).get(param)
                method_request.add_request(param=param, alias=alias)
        return routing

    # -- scikit-learn parameter protocol -------------------------------------
    @classmethod
    def _get_param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return sorted(p for p in sig.parameters if p != "self")

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Parameters of this estimator (scikit-learn protocol)."""
        link_sklearn_warnings()  # scikit-learn is calling: it is loaded
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self: _Estimator, **params: Any) -> _Estimator:
        """Set parameters (validated at ``fit``, never here)."""
        valid = self._get_param_names()
        for key in params:
            if key not in valid:
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        defaults = {
            k: v.default
            for k, v in inspect.signature(type(self).__init__).parameters.items()
        }
        changed = []
        for k in self._get_param_names():
            v = getattr(self, k, None)
            d = defaults[k]
            same = v is d or (
                type(v) is type(d)
                and not isinstance(v, np.ndarray)
                and (v == d or (isinstance(v, float) and v != v and d != d))
            )  # NaN (l1_ratio's "not set") equals itself after a pickle
            if not same:
                changed.append(f"{k}={v!r}")
        return f"{type(self).__name__}({', '.join(changed)})"

    def _repr_html_(self) -> str:
        """The notebook display: scikit-learn's diagram where scikit-learn is
        installed (as its estimators show), else the repr as text."""
        try:
            from sklearn.utils import estimator_html_repr
        except ImportError:
            import html

            return f"<pre>{html.escape(repr(self))}</pre>"
        return str(estimator_html_repr(self))

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(multi_class=self._takes_multi_class()),
            input_tags=InputTags(sparse=True),
        )

    def _more_tags(self) -> dict[str, Any]:  # scikit-learn < 1.6
        return {"binary_only": not self._takes_multi_class(), "requires_y": True}

    def _takes_multi_class(self) -> bool:
        return self._multi_class

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "coef_")

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise _not_fitted_error_class()(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' "
                f"with appropriate arguments before using this estimator."
            )
