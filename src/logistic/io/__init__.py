"""Versioned, checksummed JSON model files and atomic file writes.

Convention (owned here):

* A model file is one UTF-8 JSON document. Its first key is
  ``"format": "logistic-model"``, then ``format_version`` (``"MAJOR.MINOR"``),
  ``library_version``, ``created`` (UTC, ISO 8601; ``SOURCE_DATE_EPOCH``'s
  time where that is set: :mod:`._created`) and ``checksum``
  (``{"algorithm": "sha256", "value": hex}``) over the canonical JSON
  (sorted keys, no spaces, ASCII) of the whole document *without* the
  ``checksum`` field. Then ``model`` (estimator class, hyper-parameters,
  coefficients, intercept, classes with dtype, feature names, diagnostics and
  solver history), ``encoding`` (how input columns become features, or null),
  ``covariance`` (or null) and ``training`` (free-form facts about the fit).
* A file carries the oldest format version that describes it: 1.1 for a
  binary model, 1.2 for K > 2 classes (coefficient rows, K intercepts and the
  parametrization: :mod:`._multinomial`), 1.3 for a formula factor with a
  stored ``reference`` (:mod:`._terms`), 1.4 for a corrected Firth fit
  (``model.params.firth_correction``: :mod:`._schema`), 1.5 for a wide
  model (two classes or K) written with sparse coefficients and generated
  names as a rule (:mod:`._compact`), 1.6 for a Firth fit with a column far
  from 0 that keeps its centred information
  (``training.fit_statistics.centred``: :mod:`._centred`). This build reads
  every 1.x file; one that claims a version older than what it holds is
  refused, and so is a 0.x version, which no build writes.
* Floats are written with Python's shortest round-trip ``repr``, so every
  coefficient reads back bit for bit (``-0.0`` and subnormals included);
  non-finite coefficients are refused when saving and when loading.
* Loading never executes code: the file is opened with
  :func:`logistic._files.open_regular` (FIFOs and devices refused, size checked
  on the descriptor before reading), ``json.loads`` on at most ``max_bytes``
  bytes (a UTF-8 byte order mark is skipped), then a schema check of every
  field (types, lengths, dtype round-trips; :mod:`._schema` for ``model``,
  :mod:`._encoding` for ``encoding`` and ``training``) before anything is
  built from it. A formula is stored as data (:mod:`._terms`), never as text
  to evaluate.
* The checksum guards integrity (truncation, bit flips, accidental edits),
  not authenticity: anyone who can write the file can recompute it. Safety
  against a hostile file comes from the schema check, not from the checksum.
  Errors: :class:`ModelFormatError` (not a model file, a field is wrong),
  :class:`IntegrityError` (truncated, bit-flipped: checksum or JSON broken),
  :class:`UnsupportedVersionError` (newer major format). Another library
  version, or a newer minor format (whose added fields this build ignores),
  gives a :class:`VersionMismatchWarning` (an error with ``strict``). Before
  parsing, the file's brackets are counted (at most
  :data:`._parse.MAX_CONTAINERS`:
  a small file of many empty arrays would take ~30 times its size to
  parse); a key named twice in one JSON object is refused (readers differ
  on which value counts).
* Every write is atomic: a temporary file in the target's directory, flush,
  ``fsync``, ``os.replace`` (or ``os.link`` when overwriting is refused, so an
  existing file is never clobbered), then an ``fsync`` of the directory.
  On any exception the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._atomic import atomic_output, atomic_write_bytes
from .._exceptions import ModelFormatError
from .._file_marks import STORED_COVARIANCE_ATTR, TRAINING_TOTALS_ATTR
from .._files import open_regular, read_bounded
from .._grouped import file_on_counts, mark_fitted_on_counts
from .._multiclass import is_multiclass
from ._centred import (
    centred_version,
    check_centred_place,
    check_centred_version,
    without_centred,
)
from ._classes import classes_to_dict
from ._compact import (
    check_compact_budget,
    check_compact_version,
    compact_sections,
)
from ._consistency import check_covariance_names, check_theta, names_to_write
from ._correction_fields import check_correction_version, correction_version
from ._covariance import _covariance_from_dict, _covariance_to_dict, own_covariance
from ._created import created_time
from ._cv_estimator import is_cv_estimator, refit_of_cv
from ._document import sealed_bytes
from ._encoding import encoding_from_dict
from ._environment import with_environment
from ._fields import check_no_control, text_field
from ._file_record import apply_encoding, keep_record, recorded_sections
from ._label_classes import check_label_classes, codes_of_labels, loaded_classes
from ._multinomial import MULTICLASS_VERSION, covariance_size
from ._parse import HEAD_BYTES, check_checksum, check_head, parse_document
from ._schema import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_BYTES,
    MAX_COVARIANCE_PARAMS,
    MAX_FEATURES,
    _bad,
    _canonical,  # noqa: F401 (callers reseal an edited document with it)
    _jsonable,
    _library_version,
    model_from_dict,
    model_to_dict,
)
from ._statistics import KEY as STATISTICS_KEY
from ._statistics import (
    multinomial_statistics_from_dict,
    statistics_from_dict,
    statistics_to_dict,
    training_totals,
)
from ._training import training_from_dict
from ._version import (
    REFERENCE_VERSION,
    check_multiclass_version,
    check_reference_version,
    check_version,
    stored_reference,
)

if TYPE_CHECKING:  # the annotations only: the estimator is imported on use
    from ..estimator import LogisticRegression

#: The format version of binary files (K > 2 classes: ``MULTICLASS_VERSION``).
BINARY_VERSION = (1, 1)


__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_BYTES",
    "MAX_COVARIANCE_PARAMS",
    "MAX_FEATURES",
    "ModelFile",
    "save",
    "load",
    "read_model_file",
    "read_model_bytes",
    "estimator_of",
    "model_to_dict",
    "model_from_dict",
    "atomic_output",
    "atomic_write_bytes",
    "check_text_fields",
]


def save(
    model: Any,
    path: str | os.PathLike[str],
    *,
    encoding: dict[str, Any] | None = None,
    covariance: Any = None,
    covariance_names: list[str] | None = None,
    training: dict[str, Any] | None = None,
    overwrite: bool = True,
) -> Path:
    """Write a fitted model to a versioned JSON file, atomically.

    Parameters
    ----------
    model : LogisticRegression or LogisticRegressionCV
        A fitted estimator. A ``LogisticRegressionCV`` (``refit=True``) is
        written as ``logistic fit --cv`` writes its model: the refit at the
        chosen strength, which :func:`load` gives back as a
        ``LogisticRegression``, and the CV record in
        ``model.cross_validation`` (:mod:`logistic.io._cv_estimator`).
    path : str or path-like
        Target file (conventionally ``*.json``).
    encoding : dict, optional
        How input columns become features (written by the command line tool;
        re-applied at predict time). Checked as :func:`load` checks it: an
        encoding that could not be loaded raises :class:`ModelFormatError`
        and nothing is written. By default the encoding of the file the
        model was loaded from (:func:`load`, no fit since), if any.
    covariance : array-like of shape (n_params, n_params), optional
        Covariance of the estimates (coefficients then intercept). By default
        the model's own: the model-based ``cov_params()`` of an unpenalized
        or Firth fit that kept its statistics (``fit_statistics_``), or the
        covariance of the file the model was loaded from, so that
        ``load(path).predict_interval(X)`` works without the data. None is
        stored for penalized fits, a singular information matrix, and fits
        with more parameters (:data:`MAX_COVARIANCE_PARAMS`, or the model
        kept no statistics). With the model's own covariance the fit's
        statistics go in ``training.fit_statistics``
        (:mod:`logistic.io._statistics`), so that ``load(path).inference()``
        and ``summary()`` work without the data as on the fitted model.
    covariance_names : list of str, optional
        Parameter names in the order of ``covariance``: any labels, but the
        intercept's row must be called ``"Intercept"``, first (the order of
        ``inference().cov_params()``) or last (the objective's order),
        because readers place the intercept by that name.
    training : dict, optional
        JSON-serialisable facts about the fit (data file, row counts, options).
        By default those of the file the model was loaded from, if any.
    overwrite : bool, default=True
        When False an existing ``path`` raises :class:`FileExistsError`.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import logistic, tempfile, os
    >>> X, y, names = logistic.datasets.load_ucla_admissions()
    >>> m = logistic.LogisticRegression().fit(X, y)
    >>> p = os.path.join(tempfile.mkdtemp(), "m.json")
    >>> _ = logistic.save(m, p)
    >>> bool((logistic.load(p).coef_ == m.coef_).all())
    True
    """
    if is_cv_estimator(model):  # the refit and its CV record, as fit --cv writes
        model = refit_of_cv(model)
    model_section = model_to_dict(model)
    encoding, training = recorded_sections(
        model, model_section, encoding, training, covariance is not None
    )
    if training is not None and not isinstance(training, dict):
        raise TypeError(
            f"training must be a dict of the file's training fields, got "
            f"{type(training).__name__}"
        )
    training = with_environment(model, training)  # a fit here: what wrote it
    if covariance is None:
        covariance, covariance_names = own_covariance(model)
        stats = getattr(model, "fit_statistics_", None)
        kept = None if covariance is None else statistics_to_dict(stats)
        if kept is not None:  # for load(path).inference() (io._statistics)
            training = {**(training or {}), STATISTICS_KEY: kept}
    if getattr(model, "_sample_weight_kind", None) is not None:
        from ..inference._fit import weight_kind_facts

        # a model read from a sampling-weights file writes its kind again (a
        # training that holds it already keeps it, in its place)
        given = training or {}
        facts = weight_kind_facts(model).items()
        training = {**given, **{k: v for k, v in facts if k not in given}}
    encoding = _jsonable(encoding)
    # as load checks it (._encoding), so that a file that saves also loads
    training_from_dict(_jsonable(training or {}), str(path))
    positional: set[int] = set()  # names lists found x1 … xp: tested once
    checked = encoding_from_dict(
        encoding, model_section["n_features_in"], str(path), positional=positional
    )
    label = (checked or {}).get("label")
    classes = model.classes_
    codes = codes_of_labels(label, classes)
    if codes is not None:  # the labels load() gave: the file keeps the codes
        model_section["classes"] = classes_to_dict(codes)
        classes = codes
    check_label_classes(label, classes, str(path))
    covariance_names = names_to_write(
        model, model_section, classes, checked, covariance_names, training, str(path)
    )
    version = MULTICLASS_VERSION if is_multiclass(model) else BINARY_VERSION
    if stored_reference(checked) is not None:
        version = max(version, REFERENCE_VERSION)
    version = correction_version(model, version)  # FLIC, FLAC: 1.4
    cov_doc = _covariance_to_dict(covariance, covariance_names)
    if cov_doc is None or is_multiclass(model):  # not read there (io._centred)
        training = without_centred(training)
    version = centred_version(training, version)  # Firth far from 0: 1.6
    names = (checked or {}).get("feature_names")  # sparse and wide: 1.5
    version = compact_sections(model_section, encoding, names, version, positional)
    doc: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": f"{version[0]}.{version[1]}",
        "library_version": _library_version(),
        "created": created_time(),  # SOURCE_DATE_EPOCH's where set (._created)
        "checksum": None,
        "model": model_section,
        "encoding": encoding,
        "covariance": cov_doc,
        "training": _jsonable(training or {}),
    }
    check_text_fields(doc, str(path))
    data = sealed_bytes(doc)  # checksummed, indented; coef numbers dumped once
    return atomic_write_bytes(path, data, overwrite=overwrite)


# -- reading --------------------------------------------------------------------


@dataclass
class ModelFile:
    """Everything a model file holds, validated."""

    model: LogisticRegression
    encoding: dict[str, Any] | None
    covariance: np.ndarray | None
    covariance_names: list[str] | None
    training: dict[str, Any]
    format_version: str
    library_version: str
    created: str
    warnings: list[str] = field(default_factory=list)
    #: The ``encoding`` object as the file holds it (``encoding`` is what the
    #: readers get): what a save of the loaded model writes back keeps its
    #: formula text and fields (:func:`._file_record.keep_record`).
    file_encoding: Any = None


def check_text_fields(doc: dict[str, Any], path: str) -> None:
    """Refuse a control character (a terminal escape, a line break: see
    :data:`._fields.CONTROL`) in the strings a model file holds that commands
    show or match input against: every string of ``model`` (feature names,
    classes), ``encoding`` (columns, levels, labels, formula terms) and
    ``covariance`` (term names), and of ``training``'s ``data.name``,
    ``data.path``, ``statistics`` and ``streaming``; the rest of ``training``
    is free-form (its ``data.delimiter`` may be a tab). ``save`` and the
    loader both check, so a file that saves also loads.

    Raises
    ------
    ModelFormatError
        Naming the file, the field and the character.
    """
    for key in ("model", "encoding", "covariance"):
        check_no_control(doc.get(key), path, key)
    training = doc.get("training")
    if isinstance(training, dict):
        data = training.get("data")
        if isinstance(data, dict):
            for key in ("name", "path"):
                check_no_control(data.get(key), path, f"training.data.{key}")
        for key in ("statistics", "streaming"):
            check_no_control(training.get(key), path, f"training.{key}")


def read_model_file(
    path: str | os.PathLike[str], *, strict: bool = False, max_bytes: int = MAX_BYTES
) -> ModelFile:
    """Read and validate a model file; see the module docstring for the checks.

    Raises
    ------
    FileNotFoundError, IsADirectoryError, PermissionError
        The file cannot be opened.
    logistic._files.NotARegularFileError
        The path is a FIFO, socket or device (an ``OSError``; refused before
        reading, so it never blocks).
    ModelFormatError, IntegrityError, UnsupportedVersionError
        The file is not a valid model file.
    """
    p = str(path)
    try:
        fh = open_regular(path, what="model file", max_bytes=max_bytes)
    except ValueError as exc:  # larger than max_bytes
        raise ModelFormatError(
            f"{exc} (larger models load in Python: logistic.load(path, max_bytes=N))"
        ) from None
    with fh:
        raw = fh.read(min(HEAD_BYTES, max_bytes + 1))
        check_head(raw, p)  # a large file of anything else: refused unread
        raw = read_bounded(fh, max_bytes, raw)  # in blocks: no 512 MiB buffer
    if len(raw) > max_bytes:
        raise ModelFormatError(
            f"model file {p} grew past the limit of {max_bytes} bytes while being read"
        )
    return read_model_bytes(raw, p, strict=strict)


def read_model_bytes(
    raw: bytes, path: str = "<bytes>", *, strict: bool = False
) -> ModelFile:
    """Validate the bytes of a model file (``path`` only names it in messages).

    The checks of :func:`read_model_file` after reading; the caller bounds
    the size of ``raw``.
    """
    p = path
    if not raw.strip():
        raise ModelFormatError(f"model file {p} is empty")
    doc = parse_document(raw, p)
    notes = check_version(doc, p, strict)
    check_compact_version(doc, p)
    check_compact_budget(doc, p, MAX_FEATURES)  # all its compact fields expand to
    check_checksum(doc, p)
    check_text_fields(doc, p)
    if strict:
        extra = set(doc) - {
            "format",
            "format_version",
            "library_version",
            "created",
            "checksum",
            "model",
            "encoding",
            "covariance",
            "training",
        }
        if extra:
            raise _bad(p, f"unknown top-level field(s) {sorted(extra)}")
        checksum_extra = set(doc["checksum"]) - {"algorithm", "value"}
        if checksum_extra:
            raise _bad(p, f"unknown field(s) {sorted(checksum_extra)} in 'checksum'")
    expanded: dict[int, list[str]] = {}  # a rule's names, made once a load
    model = model_from_dict(doc.get("model"), p, strict=strict, expanded=expanded)
    n_params = model.n_features_in_ + (1 if model.fit_intercept else 0)
    if is_multiclass(model):
        check_multiclass_version(str(doc["format_version"]), len(model.classes_), p)
        n_params = covariance_size(model)
    covariance, cov_names = _covariance_from_dict(doc.get("covariance"), n_params, p)
    encoding = encoding_from_dict(
        doc.get("encoding"), model.n_features_in_, p, strict=strict, expanded=expanded
    )
    check_label_classes((encoding or {}).get("label"), model.classes_, p)
    check_reference_version(str(doc["format_version"]), encoding, p)
    check_correction_version(str(doc["format_version"]), model, p)
    check_centred_version(str(doc["format_version"]), doc.get("training"), p)
    names = getattr(model, "feature_names_in_", None)
    if encoding is not None and names is not None:
        if list(names) != encoding["feature_names"]:
            raise _bad(
                p,
                "fields 'model.feature_names' and 'encoding.feature_names' differ",
            )
    training = training_from_dict(doc.get("training"), p)
    kept = training.get(STATISTICS_KEY)
    check_covariance_names(cov_names, model, encoding, p, own=kept is not None)
    check_theta(model, None if covariance is None else kept, p, covariance, cov_names)
    if training.get("sample_weight_kind") == "sampling":
        # fitted with sampling weights (logistic fit --weights-kind sampling):
        # model.inference(X, y, w) then defaults to them, as the CLI does
        from ..inference._fit import mark_weight_kind

        mark_weight_kind(model, "sampling", training.get("cov_type"))
    totals = training_totals(training.get(STATISTICS_KEY), p)
    if totals is not None:  # inference refuses data of other totals
        setattr(model, TRAINING_TOTALS_ATTR, totals)
    mf = ModelFile(
        model=model,
        encoding=encoding,
        covariance=covariance,
        covariance_names=cov_names,
        training=training,
        format_version=str(doc["format_version"]),
        library_version=text_field(doc, "library_version", p),
        created=text_field(doc, "created", p),
        warnings=notes,
        file_encoding=doc.get("encoding"),
    )
    # the field checked by every reader as load() checks it (io._centred):
    # the command line reads the file here and rebuilds no statistics
    binary = covariance is not None and not is_multiclass(model)
    if check_centred_place(training, binary, p):
        _binary_statistics(mf, p)
    return mf


def load(
    path: str | os.PathLike[str], *, strict: bool = False, max_bytes: int = MAX_BYTES
) -> LogisticRegression:
    """Load a fitted estimator written by :func:`save` (never unpickles).

    Parameters
    ----------
    path : str or path-like
    strict : bool, default=False
        Refuse files from another library version or a newer minor format,
        and unknown fields (at the top level and in ``checksum``, ``model``,
        ``model.classes``, ``model.params``, ``model.fitted`` and
        ``encoding``; ``training`` is free-form).
    max_bytes : int
        Larger files are refused before reading.

    Returns
    -------
    LogisticRegression

    Raises
    ------
    ModelFormatError
        Not a model file, or a field fails validation.
    IntegrityError
        Truncated or corrupt (checksum mismatch).
    UnsupportedVersionError
        Written by a newer major format version.
    """
    return estimator_of(read_model_file(path, strict=strict, max_bytes=max_bytes), path)


def estimator_of(mf: ModelFile, path: str | os.PathLike[str]) -> LogisticRegression:
    """The fitted estimator of a model file read by :func:`read_model_file`,
    as :func:`load` returns it (classes as the target spells them, the
    encoding, the stored covariance and fit statistics attached); ``path``
    names the file in errors. For a caller that has read the file already
    (the command line's ``test``), so that it is not read twice."""
    if file_on_counts(mf):
        # fitted on grouped counts (logistic fit --trials or cbind): the
        # estimator's score() refuses it, as it does for a fit with trials=
        mark_fitted_on_counts(mf.model)
    enc = mf.encoding or {}
    if enc.get("label") is not None:
        # a CLI file keeps the class codes 0 … K-1 and what they stand for:
        # predict() returns the target's own values, as after a fit
        labels = loaded_classes(enc["label"], str(path))
        if labels is not None:
            mf.model.classes_ = labels
    derived = apply_encoding(mf.model, mf.encoding)  # target name, text columns
    keep_record(mf.model, mf, derived)  # what save writes back (_file_record)
    if mf.covariance is not None and is_multiclass(mf.model):
        kept = mf.training.get(STATISTICS_KEY)
        if kept is not None:  # for summary()/inference() without the data
            n_classes = len(mf.model.classes_)
            stats = multinomial_statistics_from_dict(
                kept, mf.covariance, n_classes, mf.model.n_features_in_, str(path)
            )
            if stats is not None:
                mf.model.fit_statistics_ = stats
    elif mf.covariance is not None:
        # for predict_interval without the data (logistic.inference._model_interval)
        setattr(mf.model, STORED_COVARIANCE_ATTR, (mf.covariance, mf.covariance_names))
        stats = _binary_statistics(mf, str(path))
        if stats is not None:  # for inference() without the data
            mf.model.fit_statistics_ = stats
    return mf.model


def _binary_statistics(mf: ModelFile, path: str) -> Any:
    """The fit statistics of the binary model file ``mf`` with a
    covariance, checked (:func:`statistics_from_dict`); None where it keeps
    none or its covariance cannot be inverted."""
    kept = mf.training.get(STATISTICS_KEY)
    if kept is None:
        return None
    from ..inference._model_interval import stored_covariance

    fit_intercept = bool(mf.model.fit_intercept)
    cov = stored_covariance(mf.covariance, mf.covariance_names, fit_intercept)
    counts = file_on_counts(mf)  # the model's mark or the encoding's
    firth = getattr(mf.model, "penalty", None) == "firth"
    return statistics_from_dict(kept, cov, fit_intercept, path, counts, firth)
