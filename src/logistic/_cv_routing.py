"""Metadata routing of :class:`~logistic.model_selection.LogisticRegressionCV`
(``sklearn.set_config(enable_metadata_routing=True)``), as scikit-learn's
``LogisticRegressionCV`` routes it: the estimator is a router whose own
requests are those of ``set_fit_request`` / ``set_score_request`` / the
prediction methods' (``sample_weight``, ``offset``), and whose ``cv``
splitter is a child receiving ``fit``'s metadata in ``split``. A splitter
that requests ``groups`` (``GroupKFold``, ``LeaveOneGroupOut``, ... by
default; another one after ``cv.set_split_request(groups=True)``) thereby
makes a meta-estimator (``cross_validate``, ``GridSearchCV``, ``Pipeline``)
hand ``groups`` to ``fit``, which passes them to ``cv.split``.

The scorer of ``scoring`` is no child: the folds' scores take the
``sample_weight`` given to ``fit`` (see :mod:`logistic.model_selection`), so
it requests nothing of its own.

``groups`` themselves (one label a row, :func:`check_groups`) are checked
here too, before the splitter reads them.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "check_groups",
    "cv_metadata_routing",
    "refuse_groups_request",
    "refuse_unused_groups",
]


def cv_metadata_routing(estimator: Any, own_requests: Any) -> Any:
    """scikit-learn's ``MetadataRouter`` of a ``LogisticRegressionCV``:
    ``own_requests`` (its ``MetadataRequest``) and its ``cv`` splitter, to
    which ``fit`` routes ``split``'s metadata (an int ``cv`` or an iterable of
    splits requests nothing)."""
    from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping

    return (
        MetadataRouter(owner=estimator)
        .add_self_request(own_requests)
        .add(
            splitter=estimator.cv,
            method_mapping=MethodMapping().add(caller="fit", callee="split"),
        )
    )


def refuse_groups_request(method: str, requests: dict[str, Any]) -> None:
    """A ``groups`` request of ``fit`` refused as scikit-learn refuses it
    (a TypeError), saying where ``groups`` go instead: to the splitter, which
    requests them itself."""
    if method == "fit" and "groups" in requests:
        raise TypeError(
            "Unexpected args: ['groups'] in fit: LogisticRegressionCV routes "
            "groups to its splitter (cv), not to itself. A splitter that uses "
            "groups (GroupKFold, LeaveOneGroupOut, ...) requests them already, "
            "so a meta-estimator given groups hands them to fit; for another "
            "splitter call cv.set_split_request(groups=True)"
        )


def refuse_unused_groups(cv: Any, splitter: Any, groups: Any) -> None:
    """Refuse ``groups`` given to ``fit`` when the splitter of ``cv`` would
    ignore them (its ``split`` takes no ``groups``, or marks them unused: an
    int ``cv``'s ``StratifiedKFold``, ``KFold``, ``TimeSeriesSplit``, a list
    of splits), as scikit-learn's ``LogisticRegressionCV`` refuses them: the
    folds would put rows of one group on both sides, and the scores would not
    be the grouped ones asked for. A splitter without scikit-learn's routing
    (an object of its own) is taken at its word. The converse, a splitter
    that splits by groups (``GroupKFold``, ...) given none, is refused too,
    with the way to pass them (scikit-learn's splitter says only that
    ``groups`` should not be None)."""
    from ._exceptions import InvalidParameterError

    routing = getattr(splitter, "get_metadata_routing", None)
    wanted = routing is not None and routing().split.requests.get("groups") is True
    if groups is None and wanted:
        raise InvalidParameterError(
            f"cv={type(splitter).__name__}(...) splits the rows by groups, and "
            "LogisticRegressionCV.fit was given none: pass them as "
            "fit(X, y, groups=...), one label a row"
        )
    if groups is None or routing is None or "groups" in routing().split.requests:
        return

    name = type(splitter).__name__
    if isinstance(cv, int):
        given = f"cv={cv} splits by {name}, which ignores them"
    elif name == "_CVIterableWrapper":
        given = "cv is a list of splits, made without them"
    else:
        given = f"cv={name}(...) ignores them"
    raise InvalidParameterError(
        f"LogisticRegressionCV.fit was given groups, but {given}: its folds "
        "would put rows of one group in both the training and the test rows. "
        "Pass a splitter that uses groups (cv=GroupKFold(5), "
        "StratifiedGroupKFold(5), LeaveOneGroupOut(), ...), or leave out groups"
    )


def check_groups(groups: Any, n_samples: int) -> None:
    """Refuse ``groups`` that are not one label a row (a DataValidationError
    naming them, their shape and the rows expected): scikit-learn's splitters
    said "Found input variables with inconsistent numbers of samples: [400,
    400, 5]" or numpy's "object too deep for desired array", naming neither
    ``groups`` nor what they should be."""
    if groups is None:
        return
    import numpy as np

    from ._exceptions import DataValidationError

    shape = np.shape(groups)
    if len(shape) != 1 or shape[0] != n_samples:
        raise DataValidationError(
            f"groups.shape == {shape}, expected ({n_samples},): one group label "
            "a row of X"
        )
