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
"""

from __future__ import annotations

from typing import Any

__all__ = ["cv_metadata_routing", "refuse_groups_request"]


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
