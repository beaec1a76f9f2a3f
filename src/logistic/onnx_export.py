"""Export a fitted model as an ONNX graph (optional extra ``onnx``).

Convention (owned here): input ``X`` of shape (N, n_features) holds the
*encoded* features (float32 by default, float64 with ``double=True``).
Outputs, for a binary model: ``logit`` (N,) = ``X w + b``,
``probabilities`` (N, 2) = ``[σ(−z), σ(z)]`` in the order of ``classes_``
(the ONNX ``Softmax`` of ``[0, z]``: each to float rounding, ``e^{−|z|}``
far from 0 included, where onnxruntime's ``Sigmoid`` gives 0) and
``label`` (N,) int64 index into ``classes_`` (1 where ``z > 0``, as
``predict``). For K > 2 classes (docs/multinomial.md) the same three names:
``logit`` (N, K) = ``X Wᵀ + b``, ``probabilities`` (N, K) its softmax (ONNX
``Softmax`` over axis 1, which subtracts the row maximum, so every finite
logit gives finite probabilities; an infinite float32 logit, of X w beyond
float32's range, is clipped to the largest finite one first) and
``label`` (N,) the index of the largest logit (ONNX ``ArgMax``: the first
on ties, as ``numpy.argmax`` and ``predict``). Feature names and classes
are stored in the model's metadata.
A model fitted with an offset takes a second input, ``offset`` (N,) for two
classes or (N, K) for K, added to the logits before the probabilities, as
``predict_proba(X, offset=...)`` adds it: without it the graph would score
every row as if its offset were 0. ``offset=None`` (the default) gives the
graph that input where the model's fit had an offset (``fit(X, y,
offset=...)``, a command-line fit with ``--offset``, a model file that records
one: :mod:`logistic._offset_use`); ``offset=True`` or ``False`` says so
explicitly (False: a graph at offset 0, as ``predict_proba(X, offset=0)``).
An unfitted estimator is refused with ``NotFittedError``, as its predictions
are, and ``feature_names`` must name every input column; a float32 graph of
coefficients beyond float32's range (infinite once cast) is refused, naming
``double=True``.
Opset 13.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._messages import import_extra
from ._multiclass import is_multiclass

__all__ = ["to_onnx", "to_onnx_bytes"]

OPSET = 13


def to_onnx(
    model: Any,
    *,
    feature_names: Sequence[Any] | np.ndarray | None = None,
    double: bool = False,
    classes: list[Any] | None = None,
    offset: bool | None = None,
) -> Any:
    """An ``onnx.ModelProto`` computing the model's logits, probabilities and
    labels (two classes or K; see the module docstring). ``classes``: the
    labels written to the metadata in place of ``model.classes_`` (e.g. the
    command line's target levels of a model fitted on class codes);
    ``offset``: add the input ``offset`` to the logits (None: where the
    model's fit had an offset)."""
    onnx = import_extra("onnx", "to_onnx")
    from onnx import TensorProto, helper

    from ._offset_use import fit_offset

    check_fitted = getattr(model, "_check_fitted", None)
    if check_fitted is not None:
        check_fitted()
    if isinstance(feature_names, (str, bytes)):
        raise TypeError(
            f"feature_names is one string ({feature_names!r:.80}); give a list "
            "of names, one an input column"
        )
    if feature_names is not None:  # a list, tuple or array (feature_names_in_)
        feature_names = [str(n) for n in feature_names]
    if feature_names is not None and len(feature_names) != model.n_features_in_:
        raise ValueError(
            f"feature_names lists {len(feature_names)} names but the model has "
            f"{model.n_features_in_} input columns (one coefficient each): give "
            "one name a column"
        )
    if offset is None:
        offset = fit_offset(model)[0]
    if not double:
        _check_float32_range(model)
    dtype = np.float64 if double else np.float32
    elem = TensorProto.DOUBLE if double else TensorProto.FLOAT
    build = _multinomial_graph if is_multiclass(model) else _binary_graph
    graph = build(model, dtype, elem, offset)
    proto = helper.make_model(
        graph, producer_name="logistic", opset_imports=[helper.make_opsetid("", OPSET)]
    )
    proto.ir_version = min(proto.ir_version, 8)
    if feature_names is None:
        feature_names = [str(n) for n in getattr(model, "feature_names_in_", [])]
    meta = {
        "feature_names": json.dumps(feature_names),
        "classes": json.dumps(_class_labels(model, classes)),
    }
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    return proto


def _check_float32_range(model: Any) -> None:
    """Refuse a float32 graph of coefficients beyond float32's range: cast,
    they would be infinite, and so every logit they touch (probabilities 0 and
    1 where the model's are not). A column on a tiny scale (values ~1e-40)
    gives such a coefficient; float64 holds it."""
    with np.errstate(invalid="ignore"):
        values = np.abs(np.concatenate([
            np.ravel(np.asarray(model.coef_, dtype=np.float64)),
            np.ravel(np.asarray(model.intercept_, dtype=np.float64)),
        ]))
    largest = float(np.max(values, initial=0.0))
    if largest > float(np.finfo(np.float32).max):
        raise ValueError(
            f"the model's coefficients reach {largest:.3g}, beyond float32's "
            "range (3.4e+38), so a float32 graph would compute infinite logits: "
            "export with double=True (logistic export --double), or rescale the "
            "columns on a tiny scale and refit"
        )


def _class_labels(model: Any, classes: list[Any] | None) -> list[Any]:
    if classes is None:
        return list(np.asarray(model.classes_).tolist())
    if len(classes) != len(model.classes_):
        raise ValueError(
            f"classes lists {len(classes)} labels but the model has "
            f"{len(model.classes_)} classes"
        )
    return [c.item() if isinstance(c, np.generic) else c for c in classes]


def _offset_input(nodes: list[Any], linear: str, elem: int, shape: list[Any]) -> Any:
    """Append ``logit = linear + offset`` to ``nodes``; the ``offset`` input."""
    from onnx import helper

    nodes.append(helper.make_node("Add", [linear, "offset"], ["logit"]))
    return helper.make_tensor_value_info("offset", elem, shape)


def _range(dtype: Any) -> list[Any]:
    """The initializers ``lowest`` and ``highest``: the dtype's finite range."""
    from onnx import numpy_helper

    info = np.finfo(dtype)
    return [
        numpy_helper.from_array(np.array(info.min, dtype=dtype), "lowest"),
        numpy_helper.from_array(np.array(info.max, dtype=dtype), "highest"),
    ]


def _finite_logits(logit: str, clipped: str) -> list[Any]:
    """``clipped = Clip(logit, lowest, highest)``: the logits the probabilities
    are computed from. A float32 logit beyond 3.4e38 (X w overflowing, where
    ``predict_proba``'s float64 logit is finite) is ±inf, and the Softmax of
    a row holding one is NaN (inf − inf); clipped to the largest finite value
    it gives the probabilities 1 and 0 that row has. Finite logits pass
    unchanged, and so does NaN."""
    from onnx import helper

    return [helper.make_node("Clip", [logit, "lowest", "highest"], [clipped])]


def _binary_graph(model: Any, dtype: Any, elem: int, offset: bool = False) -> Any:
    """``logit`` (N,), ``probabilities`` (N, 2) and ``label`` of a binary model."""
    from onnx import TensorProto, helper, numpy_helper

    p = int(model.n_features_in_)
    w = numpy_helper.from_array(
        np.asarray(model.coef_, dtype=dtype).reshape(p, 1), "coef"
    )
    b = numpy_helper.from_array(
        np.asarray(model.intercept_, dtype=dtype).reshape(1), "intercept"
    )
    zero = numpy_helper.from_array(np.zeros(1, dtype=dtype), "zero")
    axes = numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")
    inputs = [helper.make_tensor_value_info("X", elem, ["N", p])]
    nodes = [
        helper.make_node("MatMul", ["X", "coef"], ["xw"]),
        helper.make_node("Squeeze", ["xw", "axes"], ["xw1"]),
    ]
    if offset:
        nodes.append(helper.make_node("Add", ["xw1", "intercept"], ["linear"]))
        inputs.append(_offset_input(nodes, "linear", elem, ["N"]))
    else:
        nodes.append(helper.make_node("Add", ["xw1", "intercept"], ["logit"]))
    # [σ(−z), σ(z)] as the softmax of the logits [0, z]: onnxruntime's
    # Sigmoid rounds σ(z) to 0 below z ≈ −17 in float32 (−37 in float64)
    # where σ(z) = e^z is ~1e-8 (1e-16), its Softmax subtracts the row
    # maximum and keeps e^{−|z|} to float rounding (_finite_logits: z = ±inf).
    nodes += [
        *_finite_logits("logit", "clipped"),
        helper.make_node("Unsqueeze", ["clipped", "axes"], ["zc"]),
        helper.make_node("Shape", ["zc"], ["zc_shape"]),
        helper.make_node("ConstantOfShape", ["zc_shape"], ["zeros"],
                         value=numpy_helper.from_array(np.zeros(1, dtype=dtype))),
        helper.make_node("Concat", ["zeros", "zc"], ["pair"], axis=1),
        helper.make_node("Softmax", ["pair"], ["probabilities"], axis=1),
        helper.make_node("Greater", ["logit", "zero"], ["is_pos"]),
        helper.make_node("Cast", ["is_pos"], ["label"], to=TensorProto.INT64),
    ]
    return helper.make_graph(
        nodes,
        "logistic_regression",
        inputs=inputs,
        outputs=[
            helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
            helper.make_tensor_value_info("probabilities", elem, ["N", 2]),
            helper.make_tensor_value_info("logit", elem, ["N"]),
        ],
        initializer=[w, b, zero, axes, *_range(dtype)],
    )


def _multinomial_graph(
    model: Any, dtype: Any, elem: int, offset: bool = False
) -> Any:
    """``logit`` (N, K), ``probabilities`` (N, K) = softmax and ``label`` (N,)
    = argmax of a K-class model."""
    from onnx import TensorProto, helper, numpy_helper

    K, p = np.asarray(model.coef_).shape
    w = numpy_helper.from_array(np.asarray(model.coef_, dtype=dtype).T.copy(), "coef")
    b = numpy_helper.from_array(
        np.asarray(model.intercept_, dtype=dtype).reshape(K), "intercept"
    )
    inputs = [helper.make_tensor_value_info("X", elem, ["N", p])]
    nodes = [helper.make_node("MatMul", ["X", "coef"], ["xw"])]
    if offset:
        nodes.append(helper.make_node("Add", ["xw", "intercept"], ["linear"]))
        inputs.append(_offset_input(nodes, "linear", elem, ["N", K]))
    else:
        nodes.append(helper.make_node("Add", ["xw", "intercept"], ["logit"]))
    nodes += [
        *_finite_logits("logit", "clipped"),
        helper.make_node("Softmax", ["clipped"], ["probabilities"], axis=1),
        helper.make_node("ArgMax", ["logit"], ["label"], axis=1, keepdims=0),
    ]
    return helper.make_graph(
        nodes,
        "multinomial_logistic_regression",
        inputs=inputs,
        outputs=[
            helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
            helper.make_tensor_value_info("probabilities", elem, ["N", K]),
            helper.make_tensor_value_info("logit", elem, ["N", K]),
        ],
        initializer=[w, b, *_range(dtype)],
    )


def to_onnx_bytes(
    model: Any,
    *,
    feature_names: Sequence[Any] | np.ndarray | None = None,
    double: bool = False,
    classes: list[Any] | None = None,
    offset: bool | None = None,
) -> bytes:
    """Serialized :func:`to_onnx`."""
    return to_onnx(
        model, feature_names=feature_names, double=double, classes=classes,
        offset=offset,
    ).SerializeToString()
