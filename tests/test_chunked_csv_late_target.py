"""``Chunked.from_csv`` called from Python (no ``target_type``) reads a CSV
target whose value past its first block of text is ``true`` or ``1.0``
after integers as the whole file types it (booleans, float64), where it
refused the value as a non-number; a word among numbers makes the whole
file's labels text (``0``, ``1`` and ``yes``), as the in-memory reader
reads them, where it was refused."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.special import expit

from logistic import LogisticRegression
from logistic.backends import Chunked

ROWS = 120_000  # "-0.1234,0\n": ~1.1 MB, past a 1 MiB block


def _write(path, late: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    x = rng.normal(size=ROWS).round(4)
    y = (rng.random(ROWS) < expit(0.8 * x - 0.3)).astype(int)
    labels = [str(v) for v in y]
    labels[-3] = late
    path.write_text("x,y\n" + "".join(f"{a},{b}\n" for a, b in zip(x, labels, strict=True)))
    assert path.stat().st_size > 1 << 20
    return x, y


@pytest.mark.parametrize(("late", "classes"), [("true", [False, True]), ("1.0", [0.0, 1.0])])
def test_a_late_true_or_decimal_target_is_read_as_the_whole_file(tmp_path, late, classes):
    x, y = _write(tmp_path / "d.csv", late)
    data = Chunked.from_csv(tmp_path / "d.csv", target="y", chunk_bytes=1 << 20, cache=False)
    assert data.classes_.tolist() == classes
    assert type(data.classes_.tolist()[1]) is type(classes[1])
    model = LogisticRegression().fit(data, None)
    # reference: statsmodels' Logit of y with the late value as 1
    y_ref = y.copy()
    y_ref[-3] = 1
    params = sm.Logit(y_ref, sm.add_constant(x)).fit(disp=0).params
    np.testing.assert_allclose([model.intercept_[0], model.coef_[0, 0]], params, rtol=1e-6)


def test_a_late_word_among_integer_labels_makes_them_text(tmp_path):
    _write(tmp_path / "d.csv", "yes")
    # reference: the labels as Python's csv module reads them, sorted
    with open(tmp_path / "d.csv", newline="") as fh:
        labels = sorted({row["y"] for row in csv.DictReader(fh)})
    assert labels == ["0", "1", "yes"]
    data = Chunked.from_csv(
        tmp_path / "d.csv", target="y", chunk_bytes=1 << 20, cache=False, multiclass=True
    )
    assert data.classes_.tolist() == labels
