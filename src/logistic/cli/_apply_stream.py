"""Apply a saved model to a data file read in chunks of rows (``predict``,
``evaluate``): the streamed counterpart of :func:`._apply.apply_model`.

Conventions (owned here):

* **When.** ``--stream`` reads DATA in chunks, ``--no-stream`` whole. By
  default a regular CSV or Parquet file larger than :func:`stream_bytes`
  (1/16 of the memory this process may use, :func:`logistic._memory.process_memory`;
  :data:`STREAM_BYTES` where that is unknown) is read in chunks; a smaller
  file, standard input, a pipe, LibSVM data and a Parquet directory are read
  whole. A compressed file read whole that decompresses past its budget
  (:class:`logistic.tabular._raw.DecompressedTooLarge`) is read again in
  chunks, with a note.
* **Chunks.** ``--chunk-rows N`` rows at a time; by default as many as
  8 MiB of the model's float64 design holds
  (:func:`logistic.backends._sources.chunk_rows_for`, the rule of ``fit
  --stream``), at least :data:`MIN_CHUNK_ROWS`. Given for a file read
  whole, ``--chunk-rows`` is noted as unused (:func:`note_unused_chunk_rows`).
* **Same results.** The file's head is checked as a file read whole is
  (columns missing, ``--keep``, the notes of columns the model does not read,
  all said once, before any row is scored); each chunk is then encoded by
  :func:`logistic.tabular.apply_design` and scored by the calls the
  in-memory path makes (:mod:`logistic.tabular._chunks` reads the values the
  in-memory reader reads), so every row gets the same design whatever chunk
  holds it, and the same logit up to its last bit (BLAS's product may sum a
  row's terms in an order that depends on the rows it is given: docs/cli.md).
  A row that cannot be scored is named by its place in the file; the
  error's counts are of its chunk, and say so (:func:`_in_chunk`).
* **Counts.** Rows read, rows with missing values and rows with unseen
  categories are summed over the chunks (:class:`Tally`); the caller says
  them once, at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any, NamedTuple

from .._exceptions import DataValidationError
from ._codes import EX_DATAERR, EX_USAGE, CLIError

__all__ = [
    "MIN_CHUNK_ROWS",
    "STREAM_BYTES",
    "Streamed",
    "Tally",
    "apply_chunks",
    "check_chunk_rows",
    "chunked_note",
    "gathered",
    "note_unused_chunk_rows",
    "stream_bytes",
    "stream_wanted",
]

#: The file size past which DATA is read in chunks when memory is unknown.
STREAM_BYTES = 256 * 2**20
#: The fraction of this process's memory past which DATA is read in chunks.
STREAM_FRACTION = 1 / 16
#: The fewest rows of a default chunk (a design of thousands of columns).
MIN_CHUNK_ROWS = 1024


def stream_bytes() -> int:
    """The size of a data file past which it is read in chunks by default."""
    from .. import _memory

    memory = _memory.process_memory()
    return STREAM_BYTES if memory is None else int(memory * STREAM_FRACTION)


def chunked_note(exc: Any) -> None:
    """Say that a compressed file too large to read whole
    (:class:`logistic.tabular._raw.DecompressedTooLarge` ``exc``) is read in
    chunks instead, in ``fit``'s words for a file it streams."""
    from ._common import note

    note(
        f"{exc.path} decompresses to more than 1/4 of physical memory: reading it "
        "in chunks (decompress it first to read it into memory)"
    )


def note_unused_chunk_rows(chunk_rows: int | None, data: Path) -> None:
    """A note that ``--chunk-rows`` went unused: DATA was read whole (as
    ``fit`` says of an in-memory fit)."""
    if chunk_rows is None:
        return
    from ._common import note

    note(
        f"--chunk-rows is used only when reading in chunks; {data} was read "
        "whole (add --stream to read it in chunks)"
    )


def check_chunk_rows(chunk_rows: int | None) -> None:
    """``--chunk-rows`` is at least 1 (exit 2)."""
    if chunk_rows is not None and chunk_rows < 1:
        raise CLIError(f"--chunk-rows must be at least 1, got {chunk_rows}", EX_USAGE)


def stream_wanted(data: Path, fmt: str | None, stream: bool | None) -> bool:
    """Whether DATA is read in chunks (module docstring, **When**)."""
    if stream is False:
        return False
    from .._files import STDIN
    from ..formats import sniff_format
    from ..tabular._chunks import STREAMED_FORMATS

    regular = str(data) != STDIN and data.is_file()
    kind = fmt or (sniff_format(data)[0] if regular else "csv")
    if stream is None:
        return (
            regular
            and kind in STREAMED_FORMATS
            and (data.stat().st_size > stream_bytes())
        )
    if not regular:
        raise CLIError(
            f"--stream reads a file in chunks; {data} is not a regular file "
            "(standard input and pipes are read whole): leave out --stream",
            EX_USAGE,
        )
    if kind not in STREAMED_FORMATS:
        raise CLIError(
            f"--stream reads CSV and Parquet files; {data} is {kind} data, which "
            "is read whole: leave out --stream",
            EX_USAGE,
        )
    return True


class Tally:
    """Rows read, dropped, with missing values and with unseen categories,
    summed over the chunks (the fields :func:`._apply.unscored_line` and
    ``evaluate`` read of a design)."""

    def __init__(self) -> None:
        self.rows_read = self.rows_dropped = self.n_missing = self.n_unknown = 0
        self.scored = 0

    def add(self, design: Any, scored: int) -> None:
        self.rows_read += int(design.rows_read)
        self.rows_dropped += int(design.rows_dropped)
        self.n_missing += int(design.n_missing)
        self.n_unknown += int(design.n_unknown)
        self.scored += int(scored)


class Streamed(NamedTuple):
    """A model file checked against DATA's head; ``chunks`` yields one
    :class:`._apply.Applied` per chunk and keeps ``tally`` (closing it closes
    the files read)."""

    model_file: Any
    chunks: Generator[Any, None, None]
    tally: Tally
    weights: str | None
    chunk_rows: int


def _source(data: Path, fmt: str | None, reading: dict[str, Any]) -> Any:
    from ..tabular._chunks import ChunkedFile
    from ..tabular._encoding import NotDataError

    try:
        return ChunkedFile(str(data), fmt=fmt, **reading)
    except NotDataError as exc:  # a model file given twice, or in DATA's place
        raise CLIError(
            f"{exc} (the arguments are MODEL DATA: the model file, then the data file)",
            EX_DATAERR,
        ) from None


def _columns(encoding: dict[str, Any], with_target: bool, weighted: bool) -> list[str]:
    """The columns of DATA a chunk reads: the model's inputs, the target and
    grouped counts with ``with_target``, the weights with ``weighted``."""
    from ..tabular._inputs import input_columns

    skip = set()
    if not with_target:
        skip |= {encoding.get("target")} | set(
            (encoding.get("binomial") or {}).values()
        )
    if not weighted:
        skip.add(encoding.get("weights"))
    return [c for c in input_columns(encoding) if c not in skip]


def _labels(encoding: dict[str, Any], with_target: bool) -> list[str]:
    """The target column, read as the whole file types it where a word follows
    the first block's numbers (a ``true`` after 0/1 labels, a label the model
    does not know), as :meth:`logistic.tabular._chunks.ChunkedFile.chunks`
    reads ``labels``; none without the target."""
    target = encoding.get("target")
    return [target] if with_target and isinstance(target, str) else []


def _text_columns(encoding: dict[str, Any], keep: list[str]) -> list[str]:
    """The columns a chunk reads as text: those the file read whole reads as
    text (:func:`._apply.read_for_model`) and a formula's columns read only
    inside ``C()`` (their text that reads as a number is that level,
    :mod:`logistic.tabular._factor_values`)."""
    from ..tabular._factor_values import read_as_levels
    from ..tabular._inputs import text_input_columns

    text = text_input_columns(encoding)
    if encoding["kind"] == "formula":
        text += sorted(read_as_levels(encoding.get("factors") or {}))
    return [*text, *keep]


def apply_chunks(
    model_path: Path,
    data: Path,
    *,
    with_target: bool,
    missing: str = "error",
    unknown: str = "error",
    sep: str | None = None,
    fmt: str | None = None,
    quiet: bool = False,
    encoding: str | None = None,
    decimal: str = ".",
    weighted: bool = False,
    keep: list[str] | None = None,
    checked: Callable[[Any], None] | None = None,
    target: str | None = None,
    chunk_rows: int | None = None,
) -> Streamed:
    """:func:`._apply.apply_model` of DATA read in chunks: the model file and
    DATA's head are read and checked now (``checked(model_file)`` last), the
    rows when ``Streamed.chunks`` is iterated."""
    from ..tabular import apply_design
    from ._apply import checked_rows, encoding_of, reading_encoding
    from ._common import load_model_file, require_inputs

    check_chunk_rows(chunk_rows)
    require_inputs(data=data, model=model_path)
    mf = load_model_file(str(model_path), data)
    model_encoding = encoding_of(mf, model_path)
    if model_encoding["kind"] == "libsvm":
        raise CLIError(
            f"{model_path} was fitted on LibSVM data, which is read whole; leave "
            "out --stream",
            EX_USAGE,
        )
    mf, model_encoding = reading_encoding(
        mf, model_encoding, model_path, with_target, target
    )
    reading = {"sep": sep, "encoding": encoding, "decimal": decimal}
    source = _source(data, fmt, reading)
    text = _text_columns(model_encoding, keep or [])
    head = source.head(text)
    rows: dict[str, Any] = {"missing": missing, "unknown": unknown}
    rows.update(kept=keep, weighted=weighted)
    checks = apply_design(head, model_encoding, with_target=with_target, **rows)
    weights = checked_rows(
        mf,
        model_encoding,
        head,
        checks,
        data,
        checked,
        missing=missing,
        weighted=weighted,
        keep=keep,
    )
    from ..backends._sources import chunk_rows_for

    width = max(1, len(model_encoding["feature_names"]))
    size = chunk_rows or max(MIN_CHUNK_ROWS, chunk_rows_for(width))
    tally = Tally()

    def chunks() -> Generator[Any, None, None]:
        from ._apply import Applied, _scored, _weigh, model_X
        from ._progress import ReadProgress

        progress = ReadProgress(str(data), quiet)
        with progress.live() as on_progress:
            for raw in source.chunks(
                _columns(model_encoding, with_target, weighted and weights is not None),
                chunk_rows=size,
                text_columns=text,
                verbatim=keep or (),
                on_progress=on_progress,
                labels=_labels(model_encoding, with_target),
            ):
                try:
                    design = apply_design(
                        raw, model_encoding, with_target=with_target, **rows
                    )
                    if weights is not None:
                        _weigh(design, raw, model_encoding, missing, data, whole=False)
                    X = model_X(mf.model, design)
                    z = (
                        _empty_logits(mf.model)
                        if X.shape[0] == 0
                        else _scored(mf.model, X, design, raw)
                    )
                except DataValidationError as exc:
                    raise _in_chunk(exc, raw, size) from None
                tally.add(design, X.shape[0])
                yield Applied(mf, raw, design, z, weights)

    return Streamed(mf, chunks(), tally, weights, size)


def _in_chunk(exc: Exception, raw: Any, size: int) -> Exception:
    """A chunk's error (``exc``) saying that what it counts or lists is of
    that chunk: its first row is the file's first such row (the chunks before
    it passed), but its counts (``3 such value(s)``, ``n=3``, the unseen
    categories) are not the file's, as they are read whole. A chunk that is
    the whole file (the first, shorter than ``size``) is said as it is."""
    from .._exceptions import DataValidationError

    rows = int(raw.table.num_rows)
    if raw.first_row == 0 and rows < size:
        return exc
    first = raw.first_row + 1
    return DataValidationError(
        f"{exc} (DATA read in chunks of {size} rows: any count or list here is "
        f"of the chunk holding the first, data rows {first} to {first + rows - 1}; "
        "--no-stream reads the file whole)"
    )


def _empty_logits(model: Any) -> Any:
    """The logits of no row: ``(0,)``, or ``(0, K)`` for K classes."""
    import numpy as np

    from .._multiclass import is_multiclass

    if is_multiclass(model):
        return np.empty((0, len(model.classes_)), dtype=np.float64)
    return np.empty(0, dtype=np.float64)


def gathered(streamed: Streamed, data: Path) -> Any:
    """One :class:`._apply.Applied` of the whole file for ``evaluate``: the
    logits, outcomes (with grouped data, trials) and weights of the rows
    scored, concatenated in file order, and the counts of :class:`Tally`;
    everything else is let go chunk by chunk. The metrics then come from the
    same arrays as for the file read whole, so they are the same numbers (up to
    the logits' last bit, :func:`apply_chunks`):
    ROC and PR AUC need every score (sorted), which a sum over chunks cannot
    give. That is 8 bytes a row for the logits (8·K for K classes), 8 for the
    outcomes and 8 for weights or trials where the model has them, about
    twice that while the chunks are joined."""
    from types import SimpleNamespace

    import numpy as np

    from ._apply import Applied, refuse_weightless

    parts: dict[str, list[Any]] = {"y": [], "z": [], "w": [], "trials": []}
    for applied in streamed.chunks:
        design = applied.design
        parts["y"].append(np.asarray(design.y))
        parts["z"].append(applied.z)
        if design.sample_weight is not None:
            parts["w"].append(design.sample_weight)
        if design.trials is not None:
            parts["trials"].append(np.asarray(design.trials))
    joined = {k: np.concatenate(v) if v else None for k, v in parts.items()}
    tally = streamed.tally
    design = SimpleNamespace(
        y=joined["y"],
        sample_weight=joined["w"],
        trials=joined["trials"],
        rows_read=tally.rows_read,
        rows_dropped=tally.rows_dropped,
        n_missing=tally.n_missing,
        n_unknown=tally.n_unknown,
    )
    if streamed.weights is not None and design.sample_weight is not None:
        refuse_weightless(design.sample_weight, streamed.weights, data)
    z = joined["z"]
    assert z is not None  # one chunk at least, maybe empty
    return Applied(streamed.model_file, None, design, z, streamed.weights)
