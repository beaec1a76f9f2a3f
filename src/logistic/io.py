"""Versioned, checksummed JSON model files and atomic file writes.

Convention (owned here):

* A model file is one UTF-8 JSON document. Its first key is
  ``"format": "logistic-model"``, then ``format_version`` (``"MAJOR.MINOR"``),
  ``library_version``, ``created`` (UTC, ISO 8601) and ``checksum``
  (``{"algorithm": "sha256", "value": hex}``) over the canonical JSON
  (sorted keys, no spaces, ASCII) of the whole document *without* the
  ``checksum`` field. Then ``model`` (estimator class, hyper-parameters,
  coefficients, intercept, classes with dtype, feature names, diagnostics and
  solver history), ``encoding`` (how input columns become features, or null),
  ``covariance`` (or null) and ``training`` (free-form facts about the fit).
* Floats are written with Python's shortest round-trip ``repr``, so every
  coefficient reads back bit for bit (``-0.0`` and subnormals included);
  non-finite coefficients are refused when saving and when loading.
* Loading never executes code: ``json.loads`` on at most ``max_bytes`` bytes,
  then a schema check of every field before anything is allocated from it.
  Errors: :class:`ModelFormatError` (not a model file, a field is wrong),
  :class:`IntegrityError` (truncated, bit-flipped: checksum or JSON broken),
  :class:`UnsupportedVersionError` (newer major format). Another library
  version gives a :class:`VersionMismatchWarning` (an error with ``strict``).
* Every write is atomic: a temporary file in the target's directory, flush,
  ``fsync``, ``os.replace`` (or ``os.link`` when overwriting is refused, so an
  existing file is never clobbered), then an ``fsync`` of the directory.
  On any exception the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import hashlib
import json
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ._exceptions import (
    IntegrityError,
    ModelFormatError,
    UnsupportedVersionError,
    VersionMismatchWarning,
)

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "ModelFile",
    "save",
    "load",
    "read_model_file",
    "model_to_dict",
    "model_from_dict",
    "atomic_output",
    "atomic_write_bytes",
]

FORMAT_NAME = "logistic-model"
FORMAT_VERSION = (1, 0)
#: Files larger than this are refused before being read (P07).
MAX_BYTES = 512 * 2**20
#: Largest feature count a model file may claim (P07).
MAX_FEATURES = 50_000_000
#: Covariance matrices are stored only up to this many parameters.
MAX_COVARIANCE_PARAMS = 2048
_PREFIX = b'{\n  "format": "logistic-model"'
_ESTIMATORS = ("LogisticRegression",)
_FITTED_SCALARS = (
    "converged_",
    "solver_",
    "objective_",
    "tol_",
    "fit_status_",
    "penalty_l1_",
    "penalty_l2_",
)
_DTYPE_RE = re.compile(r"^[<>|=]?(?:[iu][1248]|f[48]|b1|U[0-9]{1,4})$")


# -- atomic writes -----------------------------------------------------------
def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _publish(tmp: Path, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails with EEXIST instead of clobbering
    except FileExistsError:
        raise FileExistsError(
            errno.EEXIST,
            f"{target} already exists (refusing to overwrite)",
            str(target),
        ) from None
    except OSError:  # pragma: no cover - filesystems without hard links
        if target.exists():
            raise FileExistsError(
                errno.EEXIST,
                f"{target} already exists (refusing to overwrite)",
                str(target),
            ) from None
        os.replace(tmp, target)
        return
    os.unlink(tmp)


def _new_file_mode(target: Path) -> int:
    """The mode a plain ``open(target, "w")`` would give (mkstemp uses 0600)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str], *, overwrite: bool = True
) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; publish it atomically on success.

    The caller writes the complete file to the yielded path (any library that
    takes a filename works: pyarrow, matplotlib). On normal exit the file is
    fsynced and renamed onto ``path``; on an exception it is deleted and
    ``path`` is left as it was.

    Raises
    ------
    FileExistsError
        ``path`` exists and ``overwrite`` is False.
    FileNotFoundError
        The directory of ``path`` does not exist.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not overwrite and target.exists():
        raise FileExistsError(
            errno.EEXIST,
            f"{target} already exists (refusing to overwrite)",
            str(target),
        )
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, _new_file_mode(target))
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _publish(tmp, target, overwrite)
        _fsync_dir(directory)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(
    path: str | os.PathLike[str],
    data: bytes | Callable[[BinaryIO], None],
    *,
    overwrite: bool = True,
) -> Path:
    """Write ``data`` (bytes, or a callable writing to a binary file) atomically."""
    with atomic_output(path, overwrite=overwrite) as tmp, open(tmp, "wb") as fh:
        if callable(data):
            data(fh)
        else:
            fh.write(data)
        fh.flush()
    return Path(path)


# -- JSON helpers ---------------------------------------------------------------
def _jsonable(value: Any) -> Any:
    """Plain JSON types from numpy scalars/arrays, tuples and nested containers."""
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int)):
        return value
    return None  # not representable (e.g. a Generator): stored as null


def _canonical(doc: dict[str, Any]) -> bytes:
    body = {k: v for k, v in doc.items() if k != "checksum"}
    text = json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )
    return text.encode("ascii")


def _library_version() -> str:
    from . import __version__

    return str(__version__)


# -- writing --------------------------------------------------------------------
def _classes_to_dict(classes: np.ndarray) -> dict[str, Any]:
    classes = np.asarray(classes)
    if classes.dtype.kind == "O":
        return {"dtype": "object", "values": [str(c) for c in classes]}
    if classes.dtype.kind == "S":
        classes = classes.astype(str)
    return {"dtype": classes.dtype.str, "values": classes.tolist()}


def _param_to_json(value: Any) -> Any:
    if isinstance(value, dict):  # e.g. class_weight={0: 1.0, 1: 3.0}
        return {"pairs": [[_jsonable(k), _jsonable(v)] for k, v in value.items()]}
    return _jsonable(value)


def model_to_dict(model: Any) -> dict[str, Any]:
    """The ``model`` section of a model file for a fitted estimator."""
    if not hasattr(model, "coef_"):
        raise ValueError("cannot save an unfitted model: call fit() first")
    coef = np.asarray(model.coef_).ravel()
    intercept = float(np.asarray(model.intercept_).ravel()[0])
    if not (np.all(np.isfinite(coef)) and np.isfinite(intercept)):
        raise ValueError("cannot save a model with non-finite coefficients")
    names = getattr(model, "feature_names_in_", None)
    fitted = {
        a[:-1]: _jsonable(getattr(model, a))
        for a in _FITTED_SCALARS
        if hasattr(model, a)
    }
    history = [
        {
            str(k): _jsonable(float(v))
            for k, v in entry.items()
            if isinstance(v, (int, float, np.number))
        }
        for entry in getattr(model, "history_", []) or []
    ]
    return {
        "estimator": type(model).__name__,
        "params": {k: _param_to_json(v) for k, v in sorted(model.get_params().items())},
        "n_features_in": int(model.n_features_in_),
        "feature_names": None if names is None else [str(n) for n in names],
        "coef_dtype": coef.dtype.str,
        "coef": [float(c) for c in coef],
        "intercept": intercept,
        "classes": _classes_to_dict(model.classes_),
        "n_iter": int(np.asarray(getattr(model, "n_iter_", [0])).ravel()[0]),
        "fitted": fitted,
        "history": history,
    }


def _covariance_to_dict(
    covariance: Any, names: list[str] | None
) -> dict[str, Any] | None:
    if covariance is None:
        return None
    cov = np.asarray(covariance, dtype=np.float64)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1]:
        raise ValueError(f"covariance must be a square matrix, got shape {cov.shape}")
    if cov.shape[0] > MAX_COVARIANCE_PARAMS or not np.all(np.isfinite(cov)):
        return None
    return {"names": names, "matrix": cov.tolist()}


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
    model : LogisticRegression
        A fitted estimator.
    path : str or path-like
        Target file (conventionally ``*.json``).
    encoding : dict, optional
        How input columns become features (written by the command line tool;
        re-applied at predict time).
    covariance : array-like of shape (n_params, n_params), optional
        Covariance of the estimates (coefficients then intercept).
    covariance_names : list of str, optional
        Parameter names in the order of ``covariance``.
    training : dict, optional
        JSON-serialisable facts about the fit (data file, row counts, options).
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
    doc: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": f"{FORMAT_VERSION[0]}.{FORMAT_VERSION[1]}",
        "library_version": _library_version(),
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "checksum": None,
        "model": model_to_dict(model),
        "encoding": _jsonable(encoding),
        "covariance": _covariance_to_dict(covariance, covariance_names),
        "training": _jsonable(training or {}),
    }
    doc["checksum"] = {
        "algorithm": "sha256",
        "value": hashlib.sha256(_canonical(doc)).hexdigest(),
    }
    data = (
        json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False).encode("utf-8")
        + b"\n"
    )
    return atomic_write_bytes(path, data, overwrite=overwrite)


# -- reading --------------------------------------------------------------------
@dataclass
class ModelFile:
    """Everything a model file holds, validated."""

    model: Any
    encoding: dict[str, Any] | None
    covariance: np.ndarray | None
    covariance_names: list[str] | None
    training: dict[str, Any]
    format_version: str
    library_version: str
    created: str
    warnings: list[str] = field(default_factory=list)


def _bad(path: str, what: str) -> ModelFormatError:
    return ModelFormatError(f"model file {path}: {what}")


def _field(
    d: Any, key: str, types: type | tuple[type, ...], path: str, where: str
) -> Any:
    if not isinstance(d, dict) or key not in d:
        raise _bad(path, f"missing field '{where}{key}'")
    value = d[key]
    if isinstance(value, bool) and bool not in (
        types if isinstance(types, tuple) else (types,)
    ):
        raise _bad(path, f"field '{where}{key}' has the wrong type (bool)")
    if not isinstance(value, types):
        raise _bad(
            path, f"field '{where}{key}' has the wrong type ({type(value).__name__})"
        )
    return value


def _parse_document(raw: bytes, path: str) -> dict[str, Any]:
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        if raw.startswith(_PREFIX):
            raise IntegrityError(
                f"model file {path} is truncated or corrupt (invalid JSON: {exc}); "
                "re-create it with 'logistic fit'"
            ) from None
        raise ModelFormatError(
            f"{path} is not a logistic model file (expected JSON starting with "
            '{"format": "logistic-model", ...})'
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise ModelFormatError(
            f'{path} is not a logistic model file (no "format": "{FORMAT_NAME}" field)'
        )
    return doc


def _check_version(doc: dict[str, Any], path: str, strict: bool) -> list[str]:
    version = doc.get("format_version")
    lib = str(doc.get("library_version", "unknown"))
    m = (
        re.fullmatch(r"(\d{1,6})\.(\d{1,6})", version)
        if isinstance(version, str)
        else None
    )
    if m is None:
        raise _bad(
            path, f"field 'format_version' must look like '1.0', got {version!r}"
        )
    if int(m.group(1)) > FORMAT_VERSION[0]:
        raise UnsupportedVersionError(
            f"model file {path} was written by logistic {lib} (format {version}); this "
            f"build ({_library_version()}) reads format <= {FORMAT_VERSION[0]}.x: "
            "upgrade logistic"
        )
    notes = []
    if lib != _library_version():
        msg = (
            f"model file {path} was written by logistic {lib}; this is "
            f"{_library_version()} (format {version} is compatible)"
        )
        if strict:
            raise ModelFormatError(msg + "; strict loading refuses other versions")
        warnings.warn(msg, VersionMismatchWarning, stacklevel=4)
        notes.append(msg)
    return notes


def _check_checksum(doc: dict[str, Any], path: str) -> None:
    checksum = doc.get("checksum")
    if not isinstance(checksum, dict) or checksum.get("algorithm") != "sha256":
        raise IntegrityError(f"model file {path} has no sha256 checksum")
    try:
        actual = hashlib.sha256(_canonical(doc)).hexdigest()
    except ValueError:  # NaN/Infinity literals
        actual = ""
    if actual != checksum.get("value"):
        raise IntegrityError(
            f"model file {path} is corrupt: its sha256 checksum does not match its "
            "content (edited, truncated or damaged); re-create it with 'logistic fit'"
        )


def _finite_list(value: Any, n: int, path: str, where: str) -> np.ndarray:
    if not isinstance(value, list) or len(value) != n:
        got = len(value) if isinstance(value, list) else type(value).__name__
        raise _bad(path, f"field '{where}' must be a list of {n} numbers, got {got}")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        raise _bad(path, f"field '{where}' must hold numbers only")
    arr = np.array(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise _bad(path, f"field '{where}' holds non-finite values")
    return arr


def _classes_from_dict(d: Any, path: str) -> np.ndarray:
    dtype = _field(d, "dtype", str, path, "model.classes.")
    values = _field(d, "values", list, path, "model.classes.")
    if len(values) != 2 or values[0] == values[1]:
        raise _bad(path, "field 'model.classes.values' must hold 2 distinct labels")
    if not all(isinstance(v, (str, int, float, bool)) for v in values):
        raise _bad(path, "field 'model.classes.values' must hold scalars")
    if dtype == "object":
        return np.array([str(v) for v in values], dtype=object)
    if not _DTYPE_RE.match(dtype):
        raise _bad(
            path, f"field 'model.classes.dtype' {dtype!r} is not an allowed dtype"
        )
    try:
        return np.array(values, dtype=np.dtype(dtype))
    except (TypeError, ValueError, OverflowError):
        raise _bad(path, f"classes {values!r} do not fit dtype {dtype!r}") from None


def _params_from_json(
    params: Any, path: str, strict: bool, cls: type
) -> dict[str, Any]:
    if not isinstance(params, dict):
        raise _bad(path, "field 'model.params' must be an object")
    known = set(cls().get_params())
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key not in known:
            if strict:
                raise _bad(path, f"unknown hyper-parameter 'model.params.{key}'")
            continue
        if isinstance(value, dict):
            pairs = value.get("pairs")
            if not isinstance(pairs, list) or not all(
                isinstance(p, list) and len(p) == 2 for p in pairs
            ):
                raise _bad(path, f"field 'model.params.{key}' is not a valid mapping")
            value = {k: v for k, v in pairs}
        elif isinstance(value, list):
            raise _bad(path, f"field 'model.params.{key}' has the wrong type (list)")
        out[key] = value
    return out


def _check_names(names: Any, n: int, path: str) -> list[str] | None:
    if names is None:
        return None
    if (
        not isinstance(names, list)
        or len(names) != n
        or not all(isinstance(s, str) for s in names)
    ):
        raise _bad(
            path, f"field 'model.feature_names' must be null or a list of {n} strings"
        )
    return names


def model_from_dict(d: Any, path: str = "<memory>", *, strict: bool = False) -> Any:
    """Rebuild a fitted estimator from the ``model`` section (each field validated)."""
    from .estimator import LogisticRegression

    name = _field(d, "estimator", str, path, "model.")
    if name not in _ESTIMATORS:
        raise _bad(
            path, f"unknown estimator {name!r} (allowed: {', '.join(_ESTIMATORS)})"
        )
    n = _field(d, "n_features_in", int, path, "model.")
    if not 0 <= n <= MAX_FEATURES:
        raise _bad(
            path, f"field 'model.n_features_in' = {n} is outside [0, {MAX_FEATURES}]"
        )
    coef_dtype = _field(d, "coef_dtype", str, path, "model.")
    if coef_dtype.lstrip("<>=|") not in ("f8", "f4"):
        raise _bad(
            path,
            f"field 'model.coef_dtype' must be float64 or float32, got {coef_dtype!r}",
        )
    coef = _finite_list(d.get("coef"), n, path, "model.coef").astype(
        np.dtype(coef_dtype)
    )
    intercept = _finite_list([d.get("intercept")], 1, path, "model.intercept")
    model = LogisticRegression(
        **_params_from_json(d.get("params"), path, strict, LogisticRegression)
    )
    model.coef_ = coef.reshape(1, n)
    model.intercept_ = intercept
    model.classes_ = _classes_from_dict(d.get("classes"), path)
    model.n_features_in_ = n
    names = _check_names(d.get("feature_names"), n, path)
    if names is not None:
        model.feature_names_in_ = np.array(names, dtype=object)
    model.n_iter_ = np.array([_field(d, "n_iter", int, path, "model.")])
    fitted = _field(d, "fitted", dict, path, "model.")
    for key, value in fitted.items():
        if f"{key}_" not in _FITTED_SCALARS:
            if strict:
                raise _bad(path, f"unknown field 'model.fitted.{key}'")
            continue
        if not (value is None or isinstance(value, (str, int, float, bool))):
            raise _bad(path, f"field 'model.fitted.{key}' must be a scalar")
        setattr(model, f"{key}_", value)
    history = _field(d, "history", list, path, "model.")
    if not all(isinstance(h, dict) for h in history):
        raise _bad(path, "field 'model.history' must be a list of objects")
    model.history_ = history
    return model


def _covariance_from_dict(d: Any, n_params: int, path: str) -> tuple[Any, Any]:
    if d is None:
        return None, None
    if not isinstance(d, dict):
        raise _bad(path, "field 'covariance' must be null or an object")
    matrix = d.get("matrix")
    if not isinstance(matrix, list) or len(matrix) != n_params:
        raise _bad(path, f"field 'covariance.matrix' must be {n_params} x {n_params}")
    rows = [_finite_list(r, n_params, path, "covariance.matrix") for r in matrix]
    names = d.get("names")
    if names is not None and (not isinstance(names, list) or len(names) != n_params):
        raise _bad(path, f"field 'covariance.names' must list {n_params} names")
    return np.array(rows), names


def read_model_file(
    path: str | os.PathLike[str], *, strict: bool = False, max_bytes: int = MAX_BYTES
) -> ModelFile:
    """Read and validate a model file; see the module docstring for the checks.

    Raises
    ------
    FileNotFoundError, IsADirectoryError, PermissionError
        The file cannot be opened.
    ModelFormatError, IntegrityError, UnsupportedVersionError
        The file is not a valid model file.
    """
    p = str(path)
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise ModelFormatError(
                f"model file {p} is {size} bytes, more than the limit of {max_bytes} "
                "(pass max_bytes= to load larger models)"
            )
        raw = fh.read(max_bytes + 1)
    if not raw.strip():
        raise ModelFormatError(f"model file {p} is empty")
    doc = _parse_document(raw, p)
    notes = _check_version(doc, p, strict)
    _check_checksum(doc, p)
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
    model = model_from_dict(doc.get("model"), p, strict=strict)
    n_params = model.n_features_in_ + (1 if model.fit_intercept else 0)
    covariance, cov_names = _covariance_from_dict(doc.get("covariance"), n_params, p)
    encoding = doc.get("encoding")
    if encoding is not None and not isinstance(encoding, dict):
        raise _bad(p, "field 'encoding' must be null or an object")
    training = doc.get("training") or {}
    if not isinstance(training, dict):
        raise _bad(p, "field 'training' must be an object")
    return ModelFile(
        model=model,
        encoding=encoding,
        covariance=covariance,
        covariance_names=cov_names,
        training=training,
        format_version=str(doc["format_version"]),
        library_version=str(doc.get("library_version")),
        created=str(doc.get("created")),
        warnings=notes,
    )


def load(
    path: str | os.PathLike[str], *, strict: bool = False, max_bytes: int = MAX_BYTES
) -> Any:
    """Load a fitted estimator written by :func:`save` (never unpickles).

    Parameters
    ----------
    path : str or path-like
    strict : bool, default=False
        Refuse files from another library version and unknown fields.
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
    return read_model_file(path, strict=strict, max_bytes=max_bytes).model
