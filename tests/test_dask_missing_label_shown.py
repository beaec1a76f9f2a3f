"""A Dask partition's missing label is named as the value it is.

A float label column with a NaN (a nullable ``Int64`` y becomes float64 in
the partition) was refused rightly, but the message read "y has a missing
label (np.float64(nan)) at row 5": the repr of a numpy scalar. It now reads
"(nan)", as ``label_shown`` writes numpy scalars elsewhere; ``pd.NA`` stays
``<NA>`` and ``None`` ``None``.
"""

from __future__ import annotations

import numpy as np
import pytest

from logistic.backends._dask_tasks import _labels

pd = pytest.importorskip("pandas")


@pytest.mark.parametrize(
    ("y", "shown"),
    [
        (np.array([0.0, np.nan, 1.0]), "nan"),
        (pd.Series([0.0, np.nan, 1.0]), "nan"),
        (pd.Series([True, None, False], dtype="boolean"), "<NA>"),
        (pd.Series(["a", None, "b"], dtype=object), "None"),
    ],
)
def test_the_missing_label_is_written_as_its_value(y, shown):
    with pytest.raises(ValueError) as caught:
        _labels(y)
    assert str(caught.value).startswith(
        f"y has a missing label ({shown}) at row 1 of its partition (0-based)"
    )
    assert caught.value.value == shown
