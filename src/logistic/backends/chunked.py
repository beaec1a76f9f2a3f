"""Out-of-core backend: rows streamed from Parquet, CSV or a block iterable.

The data are never held in memory as a whole: every objective evaluation is
one streaming pass that reads, converts, reduces and drops one chunk at a time.

Conventions (owned here)
------------------------
* **Block grid and summation order.** Rows are re-blocked into consecutive runs
  of exactly ``chunk_rows`` rows in *source order* (files of a directory sorted
  by name, rows in file order); the last block may be shorter. File, row-group
  and batch boundaries do not matter. ``map_reduce`` is a left fold in block
  order (:func:`logistic.backends._fold.fold_in_order`, the bits of
  :func:`logistic.backends._reduce.tree_sum`). Hence the same rows in
  the same order with the same ``chunk_rows`` give **bitwise-identical** sums
  however they are stored; with ``chunk_rows`` equal to the in-memory backend's
  ``block_rows`` the sums equal the in-memory ones. Other chunkings agree to
  rounding (≈1e-15 relative).
* **Chunk-size rule.** ``chunk_rows = chunk_bytes // (n_features · itemsize)``
  (default ``chunk_bytes`` = 8 MiB; the in-memory backend uses 1 MiB blocks).
  The peak memory
  of a pass is about ``4 × chunk_bytes`` (the reader's batch, the converted
  block, one block-sized temporary) plus ``n_features²`` floats for a Hessian,
  independent of the number of rows; a pass over the row cache holds up to
  ``n_threads + 1`` mapped blocks and their temporaries, and the partial sums
  of as many runs of blocks (:mod:`._cache_pass`).
* **Labels.** A *scan* pass at construction reads every row once: it counts
  rows, finds the two classes (ordered ``[negative, positive]`` by the rules
  of :mod:`logistic._labels`: the larger label is positive unless
  ``positive`` says otherwise), checks that X, weights and offsets are finite
  (weights ≥ 0) and computes a content fingerprint (blake2b of the rows as the
  fit sees them, independent of chunking, and equal to the in-memory
  backend's for the same rows: :mod:`._fingerprint`) used by checkpoints.
  Errors name the file (or block), the row and the column: a CSV file's line
  and a Parquet file's 1-based row in that file, as in memory (the source's
  ``position``); a block iterable's 0-based global row.
* **Row cache.** A Parquet or CSV source's scan also writes the decoded rows
  to a local binary cache (:mod:`._cache`, on by default; ``cache=False``
  turns it off, ``cache_dir`` chooses its folder); every later pass, and the
  scan of a later fit of the unchanged source, memory-maps it block by block
  (or reads a block held in small page-cache folios, :mod:`._cache`)
  instead of decoding the files again. The blocks, and so every sum, are
  bitwise the ones read from the source. Mapping a cached block costs next to
  nothing, so cached passes reduce runs of blocks on ``fit_threads()`` threads
  at once (:func:`logistic.backends._prefetch.ordered_map`, a call a run of blocks:
  :mod:`logistic.backends._cache_pass`), folded in block order.
* **Nothing lost.** Every pass counts its rows; a pass that sees a different
  number of rows than the scan raises :class:`IntegrityError` (the data changed
  during the fit).
"""

from __future__ import annotations

import numbers
import os
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing, nullcontext
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np

from .._blas_threads import one_blas_thread
from .._exceptions import DataValidationError, IntegrityError, InvalidParameterError
from .._labels import (
    PositiveRule,
    encode,
    resolve_classes,
)
from .._messages import import_extra, integer_text
from .._thread_budget import fit_threads
from .._typing import BackendCapabilities, Block
from . import _cache_lock, row_cache
from ._block_source import BlockSource
from ._cache import CachedRows, CacheWriter, default_cache_dir, entry_name, source_stamp
from ._cache_pass import CachedRuns, LabelCodes
from ._csv_source import CSVSource
from ._fingerprint import RowHashes, earlier_streamed, streamed_fingerprint
from ._fold import fold_in_order
from ._prefetch import ordered_map, prefetched
from ._rebatch import reader_rows, rebatch
from ._reduce import pass_progress
from ._scan_pass import read_scan
from ._sources import (
    NotANumberError,
    RawChunk,
    _ColumnSpec,
    _ParquetSource,
    chunk_rows_for,
    natural_key,
)
from .in_memory import DEFAULT_BLOCK_BYTES

__all__ = ["Chunked", "chunk_rows_for", "natural_key"]

T = TypeVar("T")


class RowSource(Protocol):
    """What :class:`Chunked` reads of a source (:mod:`._sources`).

    Attributes
    ----------
    name : str
        Names the data in messages (a path, or a block callable's name).
    """

    name: str

    def chunks(self, dtype: Any) -> Iterator[RawChunk]:
        """Raw chunks ``(where, X, y, sample_weight, offset)`` in a fixed order."""
        ...



def _count(name: str, value: Any) -> int:
    """``value`` of the constructor's parameter ``name``: an integer >= 1 (a
    numpy integer too), else the error naming it and the value received
    (``int()`` of a text or NaN raised its own words, naming neither)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if int(value) >= 1:
            return int(value)
    shown = integer_text(value) if type(value) is int else f"{value!r:.80}"
    raise InvalidParameterError(f"{name} must be an integer >= 1, got {shown}")

class Chunked:
    """Rows streamed from disk or a block iterable; implements the Backend Protocol.

    Use the constructors :meth:`from_parquet`, :meth:`from_csv` and
    :meth:`from_blocks` (or :func:`logistic.backends.as_backend`).

    Parameters
    ----------
    source : RowSource
        Yields raw chunks in a fixed order (internal).
    columns : column spec or None
        The named columns of a file source (features, target, weight,
        offset); None for blocks.
    dtype : {float64, float32}
        Floating dtype of the blocks (sums are float64 either way).
    chunk_rows : int or None
        Rows per block; None applies the chunk-size rule with ``chunk_bytes``.
    chunk_bytes : int
        Target size of one block when ``chunk_rows`` is None.
    classes : sequence of two labels or None
        The labels; None finds them in the scan pass.
    positive : label, callable or None
        The positive class: None for the larger label, a label (matched
        exactly or as text), or a callable receiving the two sorted labels
        and returning the positive one (:func:`logistic._labels.class_order`).
    multiclass : bool, default=False
        Accept up to ``MAX_CLASSES`` labels (:mod:`logistic._labels`): with
        more than two, ``classes_`` lists them sorted and blocks carry class
        indices.
    progress : callable or None
        Called after every pass with a dict ``pass``, ``rows``, ``seconds``,
        ``rows_per_s``.
    prefetch : bool
        Read and convert the next block in a background thread while the
        current one is reduced (one more block in memory; same sums). With a
        row cache, ``n_threads`` threads map and reduce runs of blocks of
        their own instead (at most ``n_threads + 1`` blocks in memory; the
        same sums, folded in block order); False reduces them one after
        another in this thread.
    n_threads : int or None
        Threads that reduce blocks of the row cache (None: ``fit_threads()``).
    cache : bool
        Keep the decoded rows of a Parquet or CSV source in a local binary
        cache (:mod:`logistic.backends._cache`) written by the scan pass and
        memory-mapped by every later pass (default True; ignored for blocks).
    cache_dir : path or None
        The cache's folder (None: ``$LOGISTIC_CACHE_DIR``, else the user's
        cache folder, ``~/.cache/logistic/rows``).

    Attributes
    ----------
    n_samples, n_features : int
    classes_ : ndarray of shape (2,)
        ``[negative, positive]``.
    feature_names : list of str or None
    fingerprint : str
        Content hash of the rows as the fit sees them (labels as encoded).
    cache_path : Path or None
        The row cache in use (None when not cached).
    n_passes, rows_read : int
        Passes made and rows read so far (scan excluded).
    """

    def __init__(
        self,
        source: RowSource,
        *,
        columns: _ColumnSpec | None = None,
        dtype: Any = np.float64,
        chunk_rows: int | None = None,
        chunk_bytes: int = DEFAULT_BLOCK_BYTES,
        classes: Any = None,
        positive: PositiveRule = None,
        progress: Callable[[dict[str, float]], None] | None = None,
        prefetch: bool = True,
        cache: bool = True,
        cache_dir: str | os.PathLike[str] | None = None,
        multiclass: bool = False,
        n_threads: int | None = None,
    ) -> None:
        self.source = source
        self.multiclass = bool(multiclass)
        try:
            self.dtype = np.dtype(dtype)
        except TypeError:  # numpy's "data type 'abc' not understood"
            raise DataValidationError(
                f"dtype must be float32 or float64, got {dtype!r:.80}"
            ) from None
        if self.dtype not in (np.float32, np.float64):
            raise DataValidationError(
                f"dtype must be float32 or float64, got {self.dtype}"
            )
        self.chunk_bytes = _count("chunk_bytes", chunk_bytes)
        self._chunk_rows = (
            None if chunk_rows is None else _count("chunk_rows", chunk_rows)
        )
        self.progress = progress
        self.prefetch = bool(prefetch)
        self.n_threads = None if n_threads is None else _count("n_threads", n_threads)
        self.columns = columns
        self.feature_names = None if columns is None else list(columns.features)
        self.n_passes = 0
        self.rows_read = 0
        self._cached: CachedRows | None = None
        self._label_values: np.ndarray | None = None
        self._scan(classes, positive, cache, cache_dir)

    # -- constructors --------------------------------------------------------
    @classmethod
    def from_parquet(
        cls,
        path: str | os.PathLike[str],
        *,
        target: str | None,
        features: Sequence[str] | None = None,
        weight: str | None = None,
        offset: str | None = None,
        **opts: Any,
    ) -> Chunked:
        """Stream a Parquet file or a directory of Parquet files (name order)."""
        import_extra("pyarrow", "Chunked.from_parquet")
        source = _ParquetSource(
            path, target=target, features=features, weight=weight, offset=offset
        )
        source.batch_rows = reader_rows(len(source.spec.features), opts)
        return cls(source, columns=source.spec, **opts)

    @classmethod
    def from_csv(
        cls,
        path: str | os.PathLike[str],
        *,
        target: str | None,
        features: Sequence[str] | None = None,
        weight: str | None = None,
        offset: str | None = None,
        csv_options: dict[str, Any] | None = None,
        target_type: Any = None,
        **opts: Any,
    ) -> Chunked:
        """Stream a CSV file with a header row (pyarrow's streaming reader).

        ``target_type``: the pyarrow type to read the target as (default:
        the one pyarrow infers from the file's first chunk of text). Without
        it, a target whose value past that chunk its type cannot hold
        (``true``, ``1.0`` or a word after integers) is read again as the
        whole file types it, booleans, float64 or text
        (``CSVSource.target_type``), and the scan starts again: its labels
        are the in-memory reader's (``0``, ``1`` and ``yes`` are three text
        labels, a rare one warned of as in memory)."""
        import_extra("pyarrow", "Chunked.from_csv")
        block = _count("chunk_bytes", opts.get("chunk_bytes", DEFAULT_BLOCK_BYTES))
        while True:
            source = CSVSource(
                path,
                target=target,
                features=features,
                weight=weight,
                offset=offset,
                target_type=target_type,
                block_bytes=block,
                **(csv_options or {}),
            )
            try:
                return cls(source, columns=source.spec, **opts)
            except NotANumberError as exc:
                if target_type is not None or exc.column != source.spec.target:
                    raise
                target_type = source.target_type()  # the whole file's

    @classmethod
    def from_blocks(
        cls, blocks: Callable[[], Iterable[Any]] | Iterable[Any], **opts: Any
    ) -> Chunked:
        """Blocks ``(X, y[, sample_weight[, offset]])`` from a callable or a list."""
        return cls(BlockSource(blocks), **opts)

    # -- the scan pass ---------------------------------------------------------
    def _cache_writer(
        self, cache: bool, cache_dir: str | os.PathLike[str] | None
    ) -> CacheWriter | None:
        """The cache entry of a file source: opened when valid (then
        ``self._cached`` is set and None returned), else a writer for the scan."""
        identity = getattr(self.source, "cache_identity", None)
        if not cache or identity is None:
            return None
        row_cache.max_bytes()  # a bad $LOGISTIC_CACHE_MAX_BYTES, before a row
        files, options = identity()
        options["dtype"] = self.dtype.str
        name = entry_name(files, options)
        root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        try:
            stamp = source_stamp(files)
        except OSError:
            return None  # the scan reports the unreadable file
        self._cached = CachedRows.open(root / name, stamp, self.dtype)
        if self._cached is not None:
            # earlier entries of the source that a writer renamed aside while
            # a fit read them: removed once no fit reads them
            _cache_lock.remove_leftovers(root, name)
            return None
        cols = self.columns
        rows = self.source.known_rows()  # type: ignore[attr-defined]
        expected = None
        if rows is not None and cols is not None:
            item = self.dtype.itemsize
            extras = (cols.weight is not None) + (cols.offset is not None)
            expected = rows * ((len(cols.features) + extras) * item + 1)
        return CacheWriter(
            root,
            name,
            stamp,
            self.dtype,
            weight=cols is not None and cols.weight is not None,
            offset=cols is not None and cols.offset is not None,
            expected_bytes=expected,
            source_name=self.source.name,
        )

    def _scan(
        self,
        classes: Any,
        positive: PositiveRule,
        cache: bool = False,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        writer = self._cache_writer(cache, cache_dir)
        if self._cached is not None:
            meta = self._cached.meta
            labels = set(self._cached.labels.tolist())
            digest = bytes.fromhex(meta["digest"]), meta["label_digests"]
            n, p = int(meta["n_samples"]), int(meta["n_features"])
            self._finish_scan(labels, n, p, digest, classes, positive)
            return
        try:
            n, p, labels, hashes = self._read_scan(classes, writer)
        except BaseException:
            if writer is not None:
                writer.abandon()
            raise
        digest = hashes.digest(), hashes.label_digests()
        if writer is not None:
            self._cached = writer.finish(
                {"n_features": p, "digest": digest[0].hex(), "label_digests": digest[1]}
            )
        self._finish_scan(labels, n, p, digest, classes, positive)

    def _read_scan(
        self, classes: Any, writer: CacheWriter | None
    ) -> tuple[int, int, set[Any], RowHashes]:
        """Read every row once: checks, labels, content digests (and the cache)."""
        return read_scan(
            self.source,
            self.dtype,
            self.columns,
            self.feature_names,
            multiclass=self.multiclass,
            classes=classes,
            writer=writer,
        )

    def _finish_scan(
        self,
        labels: set[Any],
        n: int,
        p: int,
        digest: tuple[bytes, list[list[Any]]],
        classes: Any,
        positive: PositiveRule,
    ) -> None:
        """Shape, classes and fingerprint from what a scan (or the cache) found."""
        self.n_samples, self.n_features = n, int(p)
        self.classes_ = resolve_classes(
            labels,
            classes,
            positive,
            where=f"{self.source.name}: y",
            multiclass=self.multiclass,
        )
        self.fingerprint = streamed_fingerprint(*digest, n, p, self.classes_)
        self._swapped: str | None = None
        if len(self.classes_) == 2:  # the other class positive (a refusal's words)
            other = self.classes_[::-1]
            self._swapped = streamed_fingerprint(*digest, n, p, other)
        self._earlier = earlier_streamed(digest[0], n, p, self.classes_)
        if self._cached is not None:
            # label codes -> {0, 1} under this fit's classes
            self._label_values = encode(
                self._cached.labels, self.classes_, dtype=self.dtype, checked=True
            )

    def earlier_fingerprints(self) -> tuple[str, ...]:
        """The fingerprint of these rows as earlier versions computed it (from
        the raw labels), which their checkpoints hold."""
        return (self._earlier,)

    def swapped_fingerprint(self) -> str | None:
        """The fingerprint of these rows with the two classes' roles swapped
        (the other class positive), to word the refusal of a checkpoint
        written so; None for other than two classes."""
        return self._swapped

    @property
    def cache_path(self) -> Path | None:
        return None if self._cached is None else self._cached.folder

    # -- Backend Protocol --------------------------------------------------------
    capabilities = BackendCapabilities(blocks=True, block_grid=True)
    nnz: int | None = None  # blocks are dense

    @property
    def chunk_rows(self) -> int:
        """Rows per block (the chunk-size rule unless given)."""
        if self._chunk_rows is not None:
            return max(1, int(self._chunk_rows))
        return chunk_rows_for(self.n_features, self.dtype, self.chunk_bytes)

    def blocks(self) -> Generator[Block, None, None]:
        """Blocks of ``chunk_rows`` rows in source order, labels encoded to {0, 1}."""
        classes = self.classes_
        if self._cached is not None and self._label_values is not None:
            labels, c = LabelCodes(self._label_values, self._cached), self.chunk_rows
            for i, (X, codes, w, o) in enumerate(self._cached.blocks(c)):
                yield Block(X, labels(codes, i * c), w, o)
            return
        for X, y, w, o in rebatch(self.source.chunks(self.dtype), self.chunk_rows):
            yield Block(X, encode(y, classes, dtype=self.dtype, checked=True), w, o)

    def rows(self) -> Block:
        raise NotImplementedError("Chunked streams its rows: they are never in memory")

    def map_reduce_indexed(self, fn: Callable[[Block, int], T]) -> T:
        """Like :meth:`map_reduce` with ``fn(block, i)``, ``i`` the block's
        place on the block grid (rows ``i·chunk_rows`` onwards).

        The grid is fixed, so ``i`` names the same rows on every pass (a
        Hessian estimate may sample every k-th block whole); the blocks
        themselves are read afresh each pass: declared as the ``block_grid``
        capability, not ``block_index``, which also promises blocks that stay
        the same objects between passes (:mod:`logistic._objective` keeps
        per-block curvature by block identity).
        """
        return self._pass(fn)

    def grid_rows(self) -> list[int]:
        """Rows of each block of the grid (:mod:`logistic._block_sample`)."""
        c = self.chunk_rows
        return [min(c, self.n_samples - s) for s in range(0, self.n_samples, c)]

    def grid_blocks(
        self, indices: Sequence[int], step: int = 1
    ) -> Iterator[Block] | None:
        """Every ``step``-th row of the grid blocks ``indices`` (views of the
        row cache's mapping, or of a block read from it; labels encoded),
        one block at a time, from the row cache only (not a pass: not
        counted); None without the cache (the blocks would cost a full read
        of the source). A block's mapping is let go once the caller has let
        go of the block, before the next is mapped: the address space held
        is one block, never every picked block at once."""
        cached, values = self._cached, self._label_values
        if cached is None or values is None:
            return None
        c, labels = self.chunk_rows, LabelCodes(values, cached)

        def one_at_a_time() -> Iterator[Block]:
            for i in indices:
                X, codes, w, o = cached.block(int(i) * c, c)
                w, o = (None if v is None else v[::step] for v in (w, o))
                block = Block(X[::step], labels(codes[::step], int(i) * c, step), w, o)
                del X, codes, w, o
                yield block
                del block

        return one_at_a_time()

    def map_reduce(self, fn: Callable[[Block], T]) -> T:
        return self._pass(lambda block, _i: fn(block))

    def _pass(self, fn: Callable[[Block, int], T]) -> T:
        """One pass: ``fn(block, i)`` over the blocks, summed in block order."""
        t0 = time.perf_counter()
        n = 0

        def parts() -> Generator[T, None, None]:
            nonlocal n
            blocks = self.blocks()
            source = prefetched(blocks) if self.prefetch else blocks
            try:
                for i, block in enumerate(source):
                    n += block.n_rows
                    yield fn(block, i)
            finally:  # stops the reader however the pass ends
                source.close()

        def cached_parts(
            rows: CachedRows, values: np.ndarray
        ) -> Generator[T, None, None]:
            nonlocal n
            threads = self.n_threads or fit_threads()
            plan = CachedRuns(rows, values, self.chunk_rows, fn, threads)
            # every thread's pool, even for fewer blocks: a first small fit
            # starts the threads a later one uses (before an address-space cap)
            # however the map ends, plan.stop ends its running calls early
            done = ordered_map(plan.run, plan.runs(), threads, threads + 1, plan.stop)
            try:
                yield from plan.results(done)
            finally:
                done.close()
                n = plan.rows

        # Reading/decoding runs in the prefetch thread, the block kernels here
        # with single-threaded BLAS (as the in-memory backend's threads do).
        # Blocks of the row cache cost only a memory map: every CPU maps and
        # reduces its own runs of blocks (:mod:`._cache_pass`), folded in
        # block order (the same sums).
        with (
            one_blas_thread() if self.prefetch else nullcontext(),
            closing(
                cached_parts(self._cached, self._label_values)
                if self.prefetch
                and self._cached is not None
                and self._label_values is not None
                else parts()
            ) as pass_parts,
        ):
            result = fold_in_order(pass_parts)
        if n != self.n_samples:
            raise IntegrityError(
                f"{self.source.name}: a pass read {n} rows but the scan found "
                f"{self.n_samples}; the data changed during the fit. Refit."
            )
        self.n_passes += 1
        self.rows_read += n
        if self.progress is not None:
            self.progress(pass_progress(self.n_passes, n, t0))
        return result

    def __repr__(self) -> str:
        return (
            f"Chunked({self.source.name!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, chunk_rows={self.chunk_rows})"
        )
