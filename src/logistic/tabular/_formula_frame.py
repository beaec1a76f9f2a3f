"""The pandas frame a formula reads from a data file's Arrow table.

Convention (owned here): a formula reads a file's columns as the command
line reads them without one (:func:`logistic.columns.arrow_kind`): a decimal
column (``decimal128``/``decimal256``, as pyarrow, polars, Spark and
databases write money and measurements; a dictionary of them too) holds
numbers, read as float64 as :func:`logistic._arrow_numpy.floats` reads it.
pyarrow's ``to_pandas`` alone would give Python ``Decimal`` objects, an
``object`` column that formulaic takes for categories and the design's
numeric terms refuse. A dictionary column's levels are the values its
rows hold, in the dictionary's order (pandas' ``remove_unused_categories``):
a category no row holds (a pandas ``Categorical``'s unused category, a level
only the rows ``--missing drop`` left out held) is no level, as R's ``glm``
drops unused factor levels and as the command line's encoding without a
formula does; formulaic would otherwise make an unused first category the
reference, naming every estimate against a level no row has. Every other
type converts as ``to_pandas`` does.
"""

from __future__ import annotations

from typing import Any

__all__ = ["formula_frame", "formula_values"]


def _is_decimal(arrow_type: Any) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    return bool(pa.types.is_decimal(arrow_type))


def formula_frame(table: Any, names: list[str]) -> Any:
    """Columns ``names`` of the pyarrow ``table`` as a pandas DataFrame,
    decimal columns as float64 (missing values NaN), categorical columns
    without their unused categories."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = table.select(names)
    for i, field in enumerate(table.schema):
        if _is_decimal(field.type):
            values = pc.cast(table.column(i), pa.float64())
            table = table.set_column(i, pa.field(field.name, pa.float64()), values)
    frame = table.to_pandas()
    for name in frame.columns:
        if frame[name].dtype == "category":
            frame[name] = frame[name].cat.remove_unused_categories()
    return frame


def formula_values(table: Any, name: str) -> list[Any]:
    """Column ``name`` of ``table`` as a list of Python values, as
    :func:`formula_frame` reads it (the values a ``C(column)`` compares with
    its stored levels)."""
    return list(formula_frame(table, [name])[name].tolist())
