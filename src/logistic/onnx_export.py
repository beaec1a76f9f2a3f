"""Export a fitted binary model as an ONNX graph (optional extra ``onnx``).

Convention (owned here): input ``X`` of shape (N, n_features) holds the
*encoded* features (float32 by default, float64 with ``double=True``);
outputs are ``logit`` (N,) = ``X w + b``, ``probabilities`` (N, 2) =
``[σ(−z), σ(z)]`` in the order of ``classes_`` and ``label`` (N,) int64
index into ``classes_`` (1 where ``z > 0``, as ``predict``). Feature names
and classes are stored in the model's metadata. Opset 13.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ._multiclass import is_multiclass, not_supported

__all__ = ["to_onnx", "to_onnx_bytes"]

OPSET = 13


def to_onnx(
    model: Any, *, feature_names: list[str] | None = None, double: bool = False
) -> Any:
    """An ``onnx.ModelProto`` computing the model's logits, probabilities and labels."""
    if is_multiclass(model):
        raise not_supported("ONNX export")
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    dtype = np.float64 if double else np.float32
    elem = TensorProto.DOUBLE if double else TensorProto.FLOAT
    p = int(model.n_features_in_)
    w = numpy_helper.from_array(
        np.asarray(model.coef_, dtype=dtype).reshape(p, 1), "coef"
    )
    b = numpy_helper.from_array(
        np.asarray(model.intercept_, dtype=dtype).reshape(1), "intercept"
    )
    zero = numpy_helper.from_array(np.zeros(1, dtype=dtype), "zero")
    axes = numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")
    nodes = [
        helper.make_node("MatMul", ["X", "coef"], ["xw"]),
        helper.make_node("Squeeze", ["xw", "axes"], ["xw1"]),
        helper.make_node("Add", ["xw1", "intercept"], ["logit"]),
        helper.make_node("Neg", ["logit"], ["neg_logit"]),
        helper.make_node("Sigmoid", ["logit"], ["p1"]),
        helper.make_node("Sigmoid", ["neg_logit"], ["p0"]),
        helper.make_node("Unsqueeze", ["p0", "axes"], ["p0c"]),
        helper.make_node("Unsqueeze", ["p1", "axes"], ["p1c"]),
        helper.make_node("Concat", ["p0c", "p1c"], ["probabilities"], axis=1),
        helper.make_node("Greater", ["logit", "zero"], ["is_pos"]),
        helper.make_node("Cast", ["is_pos"], ["label"], to=TensorProto.INT64),
    ]
    graph = helper.make_graph(
        nodes,
        "logistic_regression",
        inputs=[helper.make_tensor_value_info("X", elem, ["N", p])],
        outputs=[
            helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
            helper.make_tensor_value_info("probabilities", elem, ["N", 2]),
            helper.make_tensor_value_info("logit", elem, ["N"]),
        ],
        initializer=[w, b, zero, axes],
    )
    proto = helper.make_model(
        graph, producer_name="logistic", opset_imports=[helper.make_opsetid("", OPSET)]
    )
    proto.ir_version = min(proto.ir_version, 8)
    names = feature_names or [str(n) for n in getattr(model, "feature_names_in_", [])]
    meta = {
        "feature_names": json.dumps(list(names)),
        "classes": json.dumps(np.asarray(model.classes_).tolist()),
    }
    for key, value in meta.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(proto)
    return proto


def to_onnx_bytes(
    model: Any, *, feature_names: list[str] | None = None, double: bool = False
) -> bytes:
    """Serialized :func:`to_onnx`."""
    return to_onnx(
        model, feature_names=feature_names, double=double
    ).SerializeToString()
