"""``logistic export``: write a model as ONNX (optional extra ``onnx``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .._messages import printable
from . import _options as opt
from ._codes import EX_USAGE, CLIError
from ._common import (
    check_output,
    load_model_file,
    note,
    refuse_existing,
    require_inputs,
    typed_option,
    writing,
)
from ._output_path import require_suffix


def export(
    model: opt.ModelArg,
    onnx: Annotated[
        Path,
        typer.Option(
            "--onnx",
            "--output",
            "-o",
            metavar="FILE",
            help="ONNX file to write, ending in .onnx (-o as in other commands).",
            readable=False,
        ),
    ],
    double: Annotated[
        bool,
        typer.Option(
            "--double",
            metavar="",
            help="float64 input and arithmetic (exact) instead of float32.",
        ),
    ] = False,
    force: opt.Force = False,
) -> None:
    """Export a model file to ONNX (needs the onnx extra).

    Input 'X' (n, p) of the encoded features, float32 (float64 with
    --double: feed the type the graph declares); outputs 'label' (0/1),
    'probabilities' (n, 2) and 'logit' (K classes: 'label' the class code,
    'probabilities' and 'logit' (n, K); the levels are in the metadata).

    The ONNX graph applies the linear model only: give it the encoded
    features (feature names are in the model file and the ONNX metadata).
    A model fitted with an offset (--offset COL, or offset= in Python)
    takes a second input 'offset' (n,), the rows' offsets, added to the
    logit ((n, K), added to the K logits, for a K-class model fitted in
    Python with an offset of shape (n, K)).

    Example: logistic export model.json --onnx model.onnx
    """
    require_inputs(model=model)
    option = typed_option("--onnx", "--output", "-o")
    # an existing output is refused once the model file is checked
    names = ("-o", "--output", "--onnx")
    out = check_output(onnx, force=True, inputs=(model,), option=option, names=names)
    require_suffix(out, option, ".onnx", "export writes an ONNX graph")
    mf = load_model_file(str(model))
    refuse_existing(out, force=force)
    _require_onnx()
    try:
        from ..onnx_export import to_onnx_bytes
        from ..tabular._labels import mapping_levels
        from ._multiclass import whole_level

        label = (mf.encoding or {}).get("label")
        # a level 1.0 as 1, as predict writes it
        classes = [whole_level(v) for v in mapping_levels(label)] if label else None
        data = to_onnx_bytes(
            mf.model,
            feature_names=(mf.encoding or {}).get("feature_names"),
            double=double,
            # the target's labels (not the class codes) in the metadata; a
            # model saved from Python keeps its own classes
            classes=classes,
            # offset: None, the graph adds an offset where the fit had one (a
            # --offset column, or a model fitted in Python with offset=)
        )
    except ImportError as exc:  # onnx there, a name it lacks: too old
        raise CLIError(_broken(exc), EX_USAGE) from None
    with writing(out, force=force) as tmp:
        tmp.write_bytes(data)
    note(f"ONNX model written to {printable(str(out))}")


def _require_onnx() -> None:
    """Refuse (exit 2) before any work without the onnx package, with the one
    hint :func:`logistic._messages.import_extra` gives every extra (which
    extra, how to install it, the import error); an onnx that fails to
    import is named as such."""
    from .._messages import import_extra

    try:
        import_extra("onnx", "export")
    except ImportError as exc:
        said = str(exc)
        if not said.startswith("export needs"):  # installed, failing to import
            said = _broken(exc)
        raise CLIError(said, EX_USAGE) from None


def _broken(exc: BaseException) -> str:
    """The refusal of an onnx package that is installed but fails to import."""
    return (
        f"export needs a working onnx (>= 1.15; pip install --upgrade onnx): "
        f"importing it failed: {exc}"
    )
