"""The feature columns a checkpoint was written for, to word a refusal.

Convention (owned here), part of :mod:`logistic._checkpoint`'s
configuration: it may hold keys that are never compared, only
shown (:data:`EXPLANATORY`): ``features``, the feature columns' names as
JSON text (``'["x1", "x2"]'``; left out for arrays without names, or when
the text would be long). A checkpoint without them (one written before they
were recorded) resumes as before, and a forged value can change no decision,
only a refusal's wording. When the number of parameters differs (or, with
the same number, the names do) while the data fingerprint differs too, the
refusal says that the feature columns differ, naming them and the columns
removed and added: fitting other columns changes the fingerprint too, so
"rows were added, removed or changed" would blame the data. A fingerprint
that differs with the same columns is refused as other data, unless it is
the fingerprint of the same rows with the two classes' roles swapped (the
backend's ``swapped_fingerprint``): then the refusal names the other
positive class (:func:`other_positive`).

``reading``, how the fit that wrote the checkpoint read the rows
(:data:`READINGS`: ``in memory``, ``streamed``, ``Dask``). In memory and
streamed, the same rows have one fingerprint
(:mod:`logistic.backends._fingerprint`), except a sparse X, whose in-memory
fingerprint no stream reproduces; a Dask fingerprint depends on the
partitions. So when the fingerprint differs and the readings do, the
refusal (:func:`other_data`) says so and how to resume, not only that rows
changed; a checkpoint without ``reading`` (written before it was recorded)
refused by a fit that does not read in memory says that an in-memory fit of
an earlier version may have written it (its fingerprint was another).

``layout``, how the rows were held within one reading (:func:`layout_of`):
``dense`` or ``sparse`` X in memory, the rows of each partition on Dask (up
to ``LAYOUT_MAX_PARTITIONS`` of them). The same rows hashed by the same
reading differ between a dense and a sparse X, or between two partitionings,
so a refusal between two layouts says that, not that rows changed.
"""

from __future__ import annotations

import json
from typing import Any

from ._checkpoint_codec import text as _text

__all__ = [
    "EXPLANATORY",
    "columns_changed",
    "feature_names",
    "names_shown",
    "other_columns",
    "other_data",
    "other_positive",
    "layout_of",
    "reading_of",
]

#: Configuration keys recorded only to word a refusal, never compared (a
#: checkpoint may lack them): ``features``, the feature names as JSON text,
#: ``reading``, how the fit read the rows (:data:`READINGS`), and
#: ``layout``, how it held them (:func:`layout_of`).
EXPLANATORY = frozenset({"features", "reading", "layout"})
#: Partitions a Dask ``layout`` lists at most (more: none recorded).
LAYOUT_MAX_PARTITIONS = 256

#: A backend's class name -> its ``reading``: (key, the fit in words, how a
#: command line fits that way).
READINGS = {
    "InMemory": (
        "in memory",
        "an in-memory fit",
        "in memory (arrays; on the command line, without --stream or --workers)",
    ),
    "Chunked": (
        "streamed",
        "a streamed fit",
        "streamed (a file path or blocks; on the command line, --stream)",
    ),
    "Dask": (
        "Dask",
        "a Dask fit",
        "on Dask over the same partitions (on the command line, --workers)",
    ),
}


def reading_of(backend: Any) -> str | None:
    """``backend``'s ``reading`` (None for another backend)."""
    found = READINGS.get(type(backend).__name__)
    return None if found is None else found[0]


def layout_of(backend: Any) -> str | None:
    """How ``backend`` holds its rows, for a checkpoint's ``layout``:
    ``"dense"`` or ``"sparse"`` in memory, the JSON list of each partition's
    rows on Dask; None otherwise (or for more than ``LAYOUT_MAX_PARTITIONS``
    partitions)."""
    from ._sparse import issparse

    reading = reading_of(backend)
    if reading == "in memory":
        return "sparse" if issparse(getattr(backend, "X", None)) else "dense"
    if reading == "Dask":
        rows = getattr(backend, "partition_rows", None)
        if rows is None or len(rows) > LAYOUT_MAX_PARTITIONS:
            return None
        return json.dumps([int(r) for r in rows])
    return None


def _layouts_differ(then: Any, now: Any, reading: Any) -> str | None:
    """Why a checkpoint of this reading, written with layout ``then``, has
    another fingerprint than this fit's of layout ``now``, and how to
    resume; None when the layouts are not known or are the same."""
    if not isinstance(then, str) or not isinstance(now, str) or then == now:
        return None
    if reading == "in memory" and {then, now} == {"dense", "sparse"}:
        convert = "scipy.sparse.csr_matrix(X)" if then == "sparse" else "X.toarray()"
        return (
            f"it was written for a {then} X and this X is {now}, whose rows hash "
            f"differently. To resume it, fit the {then} X ({convert})"
        )
    if reading == "Dask":
        before, after = _partition_rows(then), _partition_rows(now)
        if before is None or after is None:
            return None
        if sum(before) != sum(after):
            return None  # other rows: the usual refusal
        return (
            f"it was written over {len(before)} partitions of "
            f"{_rows_text(before)} rows and this fit's are {len(after)} of "
            f"{_rows_text(after)}: a Dask fingerprint depends on the partitions. "
            "To resume it, partition X as then (rechunk or repartition)"
        )
    return None


def _partition_rows(layout: str) -> list[int] | None:
    """The rows of each partition a Dask ``layout`` lists, or None where it
    is not such a list (a checkpoint is anyone's to edit: its value words
    a refusal only)."""
    try:
        rows = json.loads(layout)
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested
        return None
    if not isinstance(rows, list) or not all(type(r) is int for r in rows):
        return None
    return rows


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:4])
    return shown + (", ..." if len(rows) > 4 else "")


def other_data(
    where: Any, written_for: Any, fingerprint: str, stored: dict[str, Any],
    config: dict[str, Any],
) -> str:  # fmt: skip
    """The refusal of a checkpoint whose fingerprint (``written_for``) is not
    this fit's: rows changed, unless another reading of the data wrote it
    (module docstring)."""
    words = {key: (fit, how) for key, fit, how in READINGS.values()}
    then, now = stored.get("reading"), config.get("reading")
    hashes = f"fingerprint {written_for}, the data now hash to {fingerprint}"
    end = "delete the checkpoint and its .prev copy to start afresh, or pass "
    end += "force_resume=True to "
    end += "resume anyway."
    layout = _layouts_differ(stored.get("layout"), config.get("layout"), now)
    if layout is not None and then == now:
        return f"checkpoint {where} ({hashes}): {layout}; or {end}"
    if then in words and now in words and then != now:
        why = "the two readings hash the same rows differently"
        if "Dask" not in (then, now):  # one hash, except a sparse X in memory
            why = f"rows were added, removed or changed, or {why}"
        return (
            f"checkpoint {where} was written by {words[then][0]} and this is "
            f"{words[now][0]} ({hashes}): {why}. To resume it, fit "
            f"{words[then][1]}; or {end}"
        )
    earlier = ""
    if "reading" not in stored and now in words and now != "in memory":
        earlier = (
            " (or an in-memory fit of an earlier version wrote it: only an "
            f"in-memory fit reproduces its fingerprint, fit {words['in memory'][1]})"
        )
    return (
        f"checkpoint {where} was written for different data ({hashes}): rows were "
        f"added, removed or changed{earlier}. {end[0].upper()}{end[1:]}"
    )


def other_positive(where: Any) -> str:
    """The refusal of a checkpoint written for these rows with the two
    classes' roles swapped (its fingerprint is theirs): the other class was
    the positive one, the rows are the same."""
    return (
        f"checkpoint {where} was written for the same rows with the other class "
        "as the positive one (its two labels exchanged; on the command line, "
        "another --positive): fit with the same positive class to resume, or "
        "delete the checkpoint and its .prev copy to start afresh."
    )


def other_columns(stored: dict[str, Any], config: dict[str, Any]) -> bool:
    """Whether a checkpoint's configuration ``stored`` names other feature
    columns than this fit's ``config``: another number of parameters, or
    other names where both record them (``features``)."""
    n_params = config.get("n_params")
    if n_params is not None and stored.get("n_params") != n_params:
        return True
    then = feature_names(stored.get("features"))
    now = feature_names(config.get("features"))
    return then is not None and now is not None and then != now


def feature_names(text: Any) -> list[str] | None:
    """The names a configuration's ``features`` holds (JSON text of a list of
    strings), or None when it holds none (absent, or not such text)."""
    if not isinstance(text, str):
        return None
    try:
        names = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    return names


def names_shown(names: list[str], limit: int = 10) -> str:
    """``'x1', 'x2', ... (12 more)``: at most ``limit`` names, each as its
    escaped and shortened ``repr``."""
    shown = ", ".join(_text(n) for n in names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def columns_changed(then: Any, now: Any) -> str:
    """``removed: 'x4'; added: 'x5'`` (or ``the same columns in another
    order``) of two configurations' ``features``; "" when either holds no
    names."""
    old, new = feature_names(then), feature_names(now)
    if old is None or new is None:
        return ""
    kept_old, kept_new = set(old), set(new)
    removed = [n for n in old if n not in kept_new]
    added = [n for n in new if n not in kept_old]
    parts = [
        f"{what}: {names_shown(names)}"
        for what, names in (("removed", removed), ("added", added))
        if names
    ]
    if not parts and old != new:
        parts = ["the same columns in another order"]
    return "; ".join(parts)
