"""A checkpoint refused for the same rows held another way says so.

The same rows as a sparse X instead of a dense one (in memory), or over
other Dask partitions, hash to another fingerprint, and the refusal said
"written for different data ...: rows were added, removed or changed",
sending the user looking for corrupted data. The checkpoint's configuration
now records the layout (explanatory only: never compared), and the refusal
names it and how to resume.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp

from logistic import IntegrityError, LogisticRegression
from logistic._checkpoint_columns import other_data

pytestmark = pytest.mark.filterwarnings("ignore::logistic.ConvergenceWarning")


class _Stop(Exception):
    pass


def _stop_at_2(entry):
    if entry["iter"] == 2:
        raise _Stop


def _data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3000, 6))
    y = (rng.random(3000) < 1 / (1 + np.exp(-X[:, 0]))).astype(int)
    return X, y


@pytest.mark.parametrize(("first", "then", "remedy"), [("dense", "sparse", "X.toarray()"), ("sparse", "dense", "scipy.sparse.csr_matrix(X)")])
def test_dense_and_sparse_x_are_named(tmp_path, first, then, remedy):
    X, y = _data()
    as_layout = {"dense": lambda a: a, "sparse": sp.csr_matrix}
    ck = tmp_path / "ck.json"
    with pytest.raises(_Stop):
        LogisticRegression(solver="newton").fit(as_layout[first](X), y, checkpoint=ck, callback=_stop_at_2)
    assert json.loads(ck.read_text())["payload"]["config"]["layout"] == first
    with pytest.raises(IntegrityError) as err:
        LogisticRegression(solver="newton").fit(as_layout[then](X), y, checkpoint=ck)
    text = str(err.value)
    assert f"it was written for a {first} X and this X is {then}" in text
    assert f"fit the {first} X ({remedy})" in text and "rows were added" not in text
    # the same layout resumes
    LogisticRegression(solver="newton").fit(as_layout[first](X), y, checkpoint=ck)


def test_other_rows_are_still_other_data(tmp_path):
    X, y = _data()
    ck = tmp_path / "ck.json"
    with pytest.raises(_Stop):
        LogisticRegression(solver="newton").fit(X, y, checkpoint=ck, callback=_stop_at_2)
    X2 = X.copy()
    X2[0, 0] += 1.0
    with pytest.raises(IntegrityError, match="rows were added, removed or changed"):
        LogisticRegression(solver="newton").fit(X2, y, checkpoint=ck)


def test_dask_partitions_are_named():
    # the wording from the two configurations (a Dask fit records each
    # partition's rows): same rows in all, other partitions
    stored = {"reading": "Dask", "layout": json.dumps([5000] * 4)}
    now = {"reading": "Dask", "layout": json.dumps([4000] * 5)}
    text = other_data("ck.json", "aa", "bb", stored, now)
    assert "written over 4 partitions of 5000, 5000, 5000, 5000 rows" in text
    assert "this fit's are 5 of 4000, 4000, 4000, 4000, ..." in text
    assert "partition X as then (rechunk or repartition)" in text
    # other rows in all: the usual refusal
    now = {"reading": "Dask", "layout": json.dumps([4000] * 4)}
    assert "rows were added, removed or changed" in other_data("ck.json", "aa", "bb", stored, now)


@pytest.mark.parametrize(
    "forged",
    ['["a", "b"]', "[1.5]", '{"x": 1}', "not json", "[null]", "[" * 100_000],
    ids=["text", "float", "object", "not-json", "null", "nested"],
)
def test_a_forged_layout_words_the_usual_refusal(forged):
    # nested: arrays deeper than the JSON reader's recursion limit (a
    # security reviewer's), which raised RecursionError, an internal error
    # a checkpoint is anyone's to edit: its layout only words the refusal,
    # and one that is not a list of row counts falls back to the usual words
    stored = {"reading": "Dask", "layout": forged}
    now = {"reading": "Dask", "layout": json.dumps([4000] * 5)}
    assert "rows were added, removed or changed" in other_data("ck.json", "aa", "bb", stored, now)
