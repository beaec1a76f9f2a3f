"""Which named columns of a file source hold features, target, weight and
offset (:class:`_ColumnSpec`), planned on the first file and checked on every
further one: the file sources of the out-of-core and Dask backends
(:mod:`._sources`) share it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._exceptions import DataValidationError
from .._screen_rules import index_apart
from ..columns import plan_columns
from ._column_words import check_unique_names

__all__ = ["_ColumnSpec"]


class _ColumnSpec:
    """Which named columns hold features, target, weight and offset.

    Chosen by :func:`logistic.columns.plan_columns` on the first file's
    columns; :meth:`check` requires them in every further file and, the
    features not named, no other column (the features would follow file order).
    """

    def __init__(
        self,
        names: Sequence[str],
        target: str | None,
        features: Any,
        weight: str | None,
        offset: str | None,
        where: str,
        row_labels: Sequence[str] = (),
        part: str = "the header",
    ) -> None:
        #: where a file writes its column names (:func:`check_unique_names`)
        self.part = part
        check_unique_names(names, where, part)
        if target is None:
            raise DataValidationError(
                f"{where}: name the label column: fit(path, 'COLUMN') (its y), "
                f"or target='COLUMN' of Chunked.from_csv/from_parquet or "
                f"as_backend (columns: {list(names)[:20]})"
            )
        plan = plan_columns(
            names,
            target=target,
            features=features,
            weights=weight,
            offset=offset,
            source=where,
            row_labels=row_labels,
        )
        self.features = list(plan.features)
        self.target, self.weight, self.offset = target, weight, offset
        self.first = None if features is not None else set(names)
        #: each used column's kind and the file that first gave it (check_kinds)
        self._kinds: dict[str, tuple[str, str]] = {}

    @property
    def columns(self) -> list[str]:
        extra = [c for c in (self.target, self.weight, self.offset) if c is not None]
        return [*self.features, *extra]

    def check(
        self, names: Sequence[str], where: str, labels: Sequence[str] = ()
    ) -> None:
        """Refuse a further file's columns ``names`` (``labels``: those its
        pandas metadata names as the index, never features)."""
        check_unique_names(names, where, self.part)
        missing = [c for c in self.columns if c not in set(names)]
        known = set(self.first or ()) | set(labels)
        extra = [c for c in names if self.first is not None and c not in known]
        if missing or extra:
            what = f"missing column(s) {missing}" if missing else (
                f"column(s) {extra[:20]} that the first file lacks (the features "
                "are every column but the label's)")  # fmt: skip
            shown, remark = index_apart(list(names), list(labels))
            raise DataValidationError(
                f"{where}: {what}; columns are matched by name "
                f"and every file must hold the same columns (found {shown[:20]}"
                f"{remark})"
            )

    def check_kinds(self, schema: Any, where: str) -> None:
        """Refuse a file whose Arrow ``schema`` gives a used column another
        kind than the first file checked gave it (RELIABILITY O04: a column
        retyped between files): text where numbers were (numeric strings
        would be parsed), a label column of integers in one file and of
        words, booleans or another kind in the next (the classes would mix),
        a feature of booleans in one file and numbers in another (booleans
        would read as 0/1 beside the numbers: a file written with ``x > 0``
        in place of ``x`` would bend the coefficient). Integers and decimals
        are one kind; a column of nulls only (every value missing) matches
        any kind."""
        from ..columns import arrow_kind

        kinds = self._kinds
        for name in self.columns:
            kind = arrow_kind(schema.field(name).type)
            if kind == "null":
                continue
            seen = kinds.get(name)
            if seen is None:
                kinds[name] = (kind, where)
            elif seen[0] != kind:
                raise DataValidationError(
                    f"{where}: column {name!r} holds {kind} values where {seen[1]} "
                    f"holds {seen[0]} ones; every file must give a column one type "
                    "(rewrite the file with the others' type)"
                )

