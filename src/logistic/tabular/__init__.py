"""Data files in, design matrices out (needs the ``cli`` extra: pyarrow, formulaic).

* :func:`read_data` — CSV/TSV, Parquet, LibSVM; plain, gzip or bz2.
* :func:`fit_design` — encode training data and record the encoding.
* :func:`apply_design` — re-apply a recorded encoding to new data.
"""

from __future__ import annotations

from ._encode import Design, apply_design, fit_design
from ._read import RawData, position, read_data, sniff_format

__all__ = [
    "Design",
    "RawData",
    "apply_design",
    "fit_design",
    "position",
    "read_data",
    "sniff_format",
]
