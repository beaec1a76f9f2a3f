"""Compact model files for wide models: sparse coefficients and generated names.

Convention (owned here): a model of at least :data:`SPARSE_MIN_FEATURES`
features of whose coefficients fewer than a third
(:data:`SPARSE_MAX_FRACTION`) are stored (non-zero, or ``-0.0``, whose sign
a dense file keeps too) writes its coefficients sparsely. A binary model's
``model.coef`` is then the object ``{"indices": [...], "values": [...]}``:
the 0-based positions, strictly increasing, and the coefficients there;
every other position is ``0.0``. A K-class model's (K rows of
:mod:`._multinomial`, counted together: fewer than a third of the ``K p``)
is a list of K such objects, row k for ``classes[k]`` (an empty object for
a row of zeros, the reference parametrization's first), never a mix of
objects and lists. Such a file is format 1.5 (:data:`SPARSE_VERSION`); its
names that are the positional ``x1, …, xp`` of
:func:`logistic._feature_names.positional_names` (``encoding.feature_names``
of a LibSVM fit, ``model.feature_names`` of a frame whose columns are so
named) are written as the rule ``{"generated": "x", "count": p}``, not as
``p`` strings, and each list of indices and of values is written on one
line (:mod:`._document`). Every other file (dense coefficients, few
features) is written as before, byte for byte: a build that reads 1.4 at
most reads all of them, and refuses a 1.5 file (after the newer-format
warning, on the field it cannot read). Builds that read 1.5 with binary
compact files only refuse a K-class compact file on ``model.coef`` (its
rows are no lists of numbers): none misreads it. The form is chosen on the
coefficient array (:func:`coef_field`) before any coefficient becomes a
Python float, so a compact save builds only the indices and values it writes.

Reading checks every field before building anything: the indices are
integers, in ``[0, n_features)``, strictly increasing (a duplicate named as
such), as many as the values, which are finite; a K-class file's rows are
all objects, as many as its intercepts (3 to
:data:`logistic._labels.MAX_CLASSES`), and an item that is no row among
rows (a number, null) is named by its position; a compact form is accepted only in a
file of format 1.5 or later. A compact file is small for what it expands
to, so before building anything the loader adds up what the whole file
expands to (:func:`check_compact_budget`: coefficients at 8 bytes each, K
of them a feature for K classes, the names of a rule at about
:data:`BYTES_PER_NAME` bytes each, made once and shared by every field
holding the same rule, and each further field's pointers) and refuses a
file whose total takes more than 1/:data:`MEMORY_SHARE` of the memory this
process may use (:func:`logistic._memory.fits_memory`), naming each field
and its size, beside the bound every file has
(:data:`._schema.MAX_FEATURES`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._feature_names import are_positional, positional_name, positional_names
from .._labels import MAX_CLASSES
from .._memory import fits_memory, format_bytes
from ._fields import _bad, _finite_list

__all__ = [
    "BYTES_PER_NAME",
    "SPARSE_MAX_FRACTION",
    "SPARSE_MIN_FEATURES",
    "SPARSE_VERSION",
    "check_compact_budget",
    "check_compact_version",
    "coef_from_dict",
    "coef_field",
    "compact_sections",
    "names_from_dict",
    "rows_from_dict",
    "sparse_coef",
    "sparse_row",
]

#: The format version of a file with a compact field.
SPARSE_VERSION = (1, 5)
#: Narrower models are written dense whatever their zeros (a few kilobytes
#: saved would cost readers older than 1.5 the file).
SPARSE_MIN_FEATURES = 1024
#: Coefficients are stored sparsely when fewer than this fraction of them
#: are stored: an index and a value cost about what three dense zeros do.
SPARSE_MAX_FRACTION = 1 / 3
#: Memory of one generated name in the loaded list (``sys.getsizeof("x1048576")``
#: is 57 bytes, plus the list's pointer), rounded up.
BYTES_PER_NAME = 72
#: What a compact file may expand to: at most 1/MEMORY_SHARE of the memory
#: the process may use for all of its arrays together (a file of a few
#: kilobytes may name millions of features).
MEMORY_SHARE = 4
#: The prefix of the positional names (``x`` of ``x1``).
_PREFIX = positional_name(0)[:-1]
_SPARSE_KEYS = ("indices", "values")
_RULE_KEYS = ("generated", "count")


# -- writing --------------------------------------------------------------------
def sparse_coef(coef: np.ndarray) -> Any:
    """``coef`` (one row of ``n`` coefficients, or K rows) as indices and
    values (one object, or K), or None where dense is the smaller.

    Decided on the array, before any coefficient becomes a Python float, so
    that a save builds only the numbers it writes (a 2**20-column model has
    K times a million coefficients and perhaps 1 % of them stored)."""
    rows = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    if rows.shape[1] < SPARSE_MIN_FEATURES:
        return None
    stored = (rows != 0) | np.signbit(rows)  # -0.0 kept as written
    if np.count_nonzero(stored) >= SPARSE_MAX_FRACTION * rows.size:
        return None
    sparse = [
        {"indices": np.flatnonzero(mask).tolist(), "values": row[mask].tolist()}
        for row, mask in zip(rows, stored, strict=True)
    ]
    return sparse if np.ndim(coef) == 2 else sparse[0]


def coef_field(coef: np.ndarray) -> Any:
    """The ``model.coef`` field of ``coef`` (``(n,)`` for two classes,
    ``(K, n)`` for K): the sparse form of :func:`sparse_coef` where it
    applies, else the float64 values as one list (K lists)."""
    sparse = sparse_coef(coef)
    if sparse is not None:
        return sparse
    return np.asarray(coef, dtype=np.float64).tolist()


def _rule(names: Any, positional: set[int]) -> Any:
    """``names`` as the generation rule where they are ``x1 … xp`` (tested
    without making those names: :func:`~logistic._feature_names.are_positional`;
    a list whose ``id`` is in ``positional`` was found so by this save)."""
    if id(names) in positional or are_positional(names):
        return {"generated": _PREFIX, "count": len(names)}
    return names


def compact_sections(
    model_section: dict[str, Any],
    encoding: Any,
    checked_names: list[str] | None,
    version: tuple[int, int],
    positional: set[int] | None = None,
) -> tuple[int, int]:
    """Write ``model_section``'s and ``encoding``'s positional names as a
    rule where its coefficients are stored sparsely (:func:`coef_field`
    chose the form), in place, and return the file's format version.

    ``checked_names`` are the encoding's names as its check expanded them:
    a file written dense lists them (an encoding read from a compact file
    holds the rule). ``positional``: the ``id`` of each list of names this
    save found to be ``x1 … xp`` (the encoding's check,
    :func:`._encoding.encoding_from_dict`), not tested again: on ``2**20``
    names a test takes about 60 ms."""
    known = positional or set()
    coef = model_section.get("coef")
    names_written = isinstance(encoding, dict) and "feature_names" in encoding
    if not (isinstance(coef, dict) or _compact_rows(coef)):
        if names_written and checked_names is not None:
            encoding["feature_names"] = checked_names
        return version
    model_section["feature_names"] = _rule(model_section.get("feature_names"), known)
    if names_written and checked_names is not None:
        encoding["feature_names"] = _rule(checked_names, known)
    return max(version, SPARSE_VERSION)


# -- reading --------------------------------------------------------------------
def _check_width(
    n: int, path: str, where: str, per_feature: int, rows: int = 1
) -> None:
    size = n * per_feature * rows
    if not fits_memory(size * MEMORY_SHARE):
        what = f"{n:,} features" if rows == 1 else f"{rows} rows of {n:,} features"
        raise _bad(
            path,
            f"field '{where}' expands to {what} ({format_bytes(size)}), "
            f"more than 1/{MEMORY_SHARE} of the memory this process may use; a "
            "file written for a larger machine loads there",
        )


def sparse_row(
    value: dict[str, Any], n: int, path: str, where: str
) -> tuple[np.ndarray, np.ndarray]:
    """The positions (int64) and float64 values of one sparse object of
    ``n`` features (``where`` names it: ``model.coef``, ``model.coef[2]``),
    every field checked (see the module docstring); nothing of width ``n``
    is built."""
    unknown = sorted(str(k) for k in set(value) - set(_SPARSE_KEYS))
    missing = [k for k in _SPARSE_KEYS if k not in value]
    if unknown or missing:
        raise _bad(
            path,
            f"field '{where}' must be a list of {n} numbers or an object of "
            f"'indices' and 'values' only (missing {missing}, unknown "
            f"{unknown[:5]})",
        )
    indices, values = value["indices"], value["values"]
    if not isinstance(indices, list):
        raise _bad(path, f"field '{where}.indices' must be a list of integers")
    if not isinstance(values, list):
        raise _bad(path, f"field '{where}.values' must be a list of numbers")
    if len(indices) != len(values):
        raise _bad(
            path,
            f"fields '{where}.indices' and '{where}.values' have different "
            f"lengths ({len(indices):,} and {len(values):,}); each index needs "
            "its value",
        )
    bad = next((k for k, v in enumerate(indices) if type(v) is not int), None)
    if bad is not None:
        raise _bad(
            path,
            f"field '{where}.indices' must hold integers only, got "
            f"{indices[bad]!r:.40} at position {bad}",
        )
    stored = _finite_list(values, len(values), path, f"{where}.values")
    if indices and (min(indices) < 0 or max(indices) >= n):
        out = next(v for v in indices if not 0 <= v < n)
        raise _bad(
            path,
            f"field '{where}.indices' holds {str(out):.40} outside [0, {n}) (the "
            "0-based positions of model.n_features_in features)",
        )
    at = np.asarray(indices, dtype=np.int64)  # within [0, n): no overflow
    steps = np.diff(at)
    if steps.size and not np.all(steps > 0):
        k = int(np.flatnonzero(steps <= 0)[0])
        what = "twice (a duplicate)" if steps[k] == 0 else "after a larger one"
        raise _bad(
            path,
            f"field '{where}.indices' must be strictly increasing: "
            f"{int(at[k + 1])} at position {k + 1} comes {what}",
        )
    return at, stored


def coef_from_dict(section: dict[str, Any], n: int, path: str) -> np.ndarray:
    """The float64 coefficients of a binary ``model`` section's ``coef`` of
    ``n`` features: a list of ``n`` numbers, or the sparse object (every
    field checked; see the module docstring). A sparse object beside a
    K-class section's fields (an intercept per class, a parametrization) is
    refused as such: a K-class model's compact coef is a list of objects."""
    where, value = "model.coef", section.get("coef")
    if isinstance(value, list) and len(value) != n:
        _check_k_rows(value, n, path)
    if not isinstance(value, dict):
        return _finite_list(value, n, path, where)
    if isinstance(section.get("intercept"), list) or "parametrization" in section:
        raise _bad(
            path,
            f"field '{where}' is one sparse object, which only a binary model's "
            "coefficients are; this section is a K-class model's (an intercept "
            "per class or a parametrization), whose coef is a list of one list "
            f"of {n} numbers, or one sparse object, per class",
        )
    at, stored = sparse_row(value, n, path, where)
    _check_width(n, path, "model.n_features_in", 8)
    coef = np.zeros(n, dtype=np.float64)
    coef[at] = stored
    return coef


def _check_k_rows(coef: list[Any], n: int, path: str) -> None:
    """Refuse a ``coef`` of the wrong width for a binary model that holds a
    K-class model's rows (lists or sparse objects) beside other items,
    naming the first item that is no row: the binary message ("a list of
    ``n`` numbers, got 3") would misname a file of 3 classes."""
    rows = (list, dict)
    if not any(isinstance(row, rows) for row in coef):
        return
    k = next(k for k, row in enumerate(coef) if not isinstance(row, rows))
    raise _bad(
        path,
        f"field 'model.coef[{k}]' is a {type(coef[k]).__name__} but the other rows "
        f"of 'model.coef' are a K-class model's; each of its {len(coef)} rows is a "
        f"list of {n} numbers or a sparse object of 'indices' and 'values'",
    )


def rows_from_dict(rows: list[Any], n: int, path: str) -> np.ndarray:
    """The float64 ``(K, n)`` coefficients of a K-class section's compact
    ``coef``: ``rows``, K sparse objects (K checked by the caller), each
    checked before the array is made (its size weighed first)."""
    first = next(k for k, row in enumerate(rows) if isinstance(row, dict))
    parsed = []
    for k, row in enumerate(rows):
        where = f"model.coef[{k}]"
        if not isinstance(row, dict):
            raise _bad(
                path,
                f"field '{where}' is a {type(row).__name__} but "
                f"'model.coef[{first}]' is stored compactly; a K-class coef is K "
                f"sparse objects or K lists of {n} numbers, not a mix",
            )
        parsed.append(sparse_row(row, n, path, where))
    _check_width(n, path, "model.coef", 8, len(rows))
    coef = np.zeros((len(rows), n), dtype=np.float64)
    for k, (at, stored) in enumerate(parsed):
        coef[k, at] = stored
    return coef


def check_compact_budget(doc: dict[str, Any], path: str, max_features: int) -> None:
    """Refuse a document whose compact fields expand, all together, to more
    than 1/:data:`MEMORY_SHARE` of the memory this process may use, before
    any is built, naming each field and its size.

    A compact ``model.coef`` costs 8 bytes a feature of
    ``model.n_features_in``, K times that for K rows; the names of a rule
    :data:`BYTES_PER_NAME` each, once (one load makes them once:
    :func:`names_from_dict`'s ``expanded``),
    and 8 bytes a name for each further holder (the encoding's list, the
    model's array of names). Fields the field checks refuse before building
    them are left to those checks and their messages: a width that is no
    integer in ``[0, max_features]``, a rule whose count is not the width,
    K rows of which K is not from 3 to ``MAX_CLASSES``."""
    model, encoding = doc.get("model"), doc.get("encoding")
    model = model if isinstance(model, dict) else {}
    encoding = encoding if isinstance(encoding, dict) else {}
    n = model.get("n_features_in")
    if type(n) is not int or not 0 <= n <= max_features:
        return
    sizes: dict[str, int] = {}
    coef = model.get("coef")
    if isinstance(coef, dict):
        sizes["model.coef"] = 8 * n
    elif _compact_rows(coef):
        rows = len(coef) if isinstance(coef, list) else 0
        if 3 <= rows <= MAX_CLASSES:  # else refused by the row count's check
            sizes["model.coef"] = 8 * n * rows
    strings = BYTES_PER_NAME - 8  # a name's string, counted at its first field
    for where, section in (("model", model), ("encoding", encoding)):
        rule = section.get("feature_names")
        if not isinstance(rule, dict) or rule.get("count") != n:
            continue
        holders = 2 if where == "model" else 1  # the list, the model's array
        sizes[f"{where}.feature_names"] = (strings + 8 * holders) * n
        strings = 0
    total = sum(sizes.values())
    if sizes and not fits_memory(total * MEMORY_SHARE):
        parts = ", ".join(f"'{k}' {format_bytes(v)}" for k, v in sizes.items())
        raise _bad(
            path,
            f"compact fields expand to {format_bytes(total)} in all ({parts}), "
            f"more than 1/{MEMORY_SHARE} of the memory this process may use; a "
            "file written for a larger machine loads there",
        )


def names_from_dict(
    value: Any,
    n: int | None,
    path: str,
    where: str,
    expanded: dict[int, list[str]] | None = None,
) -> Any:
    """``value`` (a field of names), with a generation rule replaced by the
    names it generates; any other value unchanged, for the field's own
    check. ``n``: the count the names must have (None: any).

    ``expanded``: the names this load has made, by count; a rule of a count
    made before returns that list (the strings are made once however many
    fields hold the rule), one of a new count is added."""
    if not isinstance(value, dict):
        return value
    if sorted(value) != sorted(_RULE_KEYS) or value["generated"] != _PREFIX:
        raise _bad(
            path,
            f"field '{where}' must be a list of names or the rule "
            f'{{"generated": "{_PREFIX}", "count": N}}, got {str(value)!r:.80}',
        )
    count = value["count"]
    if type(count) is not int or (n is not None and count != n):
        raise _bad(
            path,
            f"field '{where}.count' must be the number of features"
            f"{'' if n is None else f' ({n})'}, got {count!r:.40}",
        )
    if expanded is not None and count in expanded:
        return expanded[count]
    _check_width(count, path, f"{where}.count", BYTES_PER_NAME)
    names = positional_names(count)
    if expanded is not None:
        expanded[count] = names
    return names


def _compact_rows(coef: Any) -> bool:
    """Whether ``coef`` is a K-class compact coef: a list of which one row
    (the rest are checked by :func:`rows_from_dict`) is a sparse object.
    Tested on the set of the items' types (a dense coef of a million
    numbers: one type, found at C speed)."""
    return isinstance(coef, list) and any(
        issubclass(kind, dict) for kind in set(map(type, coef))
    )


def _is_compact(doc: dict[str, Any]) -> str | None:
    """The first compact field of a document, if any."""
    model, encoding = doc.get("model"), doc.get("encoding")
    model = model if isinstance(model, dict) else {}
    encoding = encoding if isinstance(encoding, dict) else {}
    coef = model.get("coef")
    fields: dict[str, Any] = {
        "model.coef": {} if _compact_rows(coef) else coef,
        "model.feature_names": model.get("feature_names"),
        "encoding.feature_names": encoding.get("feature_names"),
    }
    return next((k for k, v in fields.items() if isinstance(v, dict)), None)


def check_compact_version(doc: dict[str, Any], path: str) -> None:
    """Refuse a compact field in a file that claims a format before 1.5."""
    version = str(doc.get("format_version"))
    major, minor = (int(v) for v in version.split("."))
    field = _is_compact(doc)
    if field is not None and (major, minor) < SPARSE_VERSION:
        need = "{}.{}".format(*SPARSE_VERSION)
        raise _bad(
            path,
            f"field 'format_version' is {version} but '{field}' is stored "
            f"compactly (format {need} or later)",
        )
