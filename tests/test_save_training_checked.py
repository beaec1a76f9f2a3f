"""``save`` checks the ``training`` it is given as ``load`` checks it, so a
file that saves also loads: a training that load refuses (a negative row
count, counts that contradict each other, a statistic that is no number, an
environment with a terminal escape) is refused at save, naming the field,
and nothing is written."""

from __future__ import annotations

import numpy as np
import pytest

import logistic
from logistic import ModelFormatError


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(120, 2))
    y = (X[:, 0] + rng.normal(size=120) > 0).astype(int)
    return logistic.LogisticRegression(penalty="l2").fit(X, y)


@pytest.mark.parametrize(
    ("training", "field"),
    [
        ({"rows_read": -1}, "training.rows_read"),
        ({"rows_read": 5, "rows_used": 9}, "training.rows_used"),
        ({"statistics": {"llf": "high"}}, "training.statistics.llf"),
        ({"data": "d.csv"}, "training.data"),
        ({"environment": {"python": "3.11\x1b[2J"}}, "training.environment"),
    ],
)
def test_a_training_load_refuses_is_refused_at_save(fitted, tmp_path, training, field):
    out = tmp_path / "m.json"
    with pytest.raises(ModelFormatError, match=field.replace(".", r"\.")):
        logistic.save(fitted, out, training=training)
    assert not out.exists()


def test_a_valid_training_round_trips(fitted, tmp_path):
    out = tmp_path / "m.json"
    logistic.save(fitted, out, training={"rows_read": 9, "rows_used": 5, "note": "x"})
    training = logistic.io.read_model_file(out).training
    assert (training["rows_read"], training["rows_used"], training["note"]) == (9, 5, "x")
