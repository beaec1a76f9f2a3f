"""A file a Dask fit reads, replaced or rewritten between its passes, is an
``IntegrityError`` naming it, as the streamed backend gives.

``Dask.from_parquet`` re-reads its files at every pass (unless ``persist``):
a file replaced after the scan (``os.replace``, same rows, one column times 5)
was read by the later passes, and the fit "converged" on the new data
(coefficient 0.23 where the unchanged files give 0.97), its scan facts from
the old. A frame from ``dask.dataframe.read_csv`` given ``files=`` is watched
the same way (the command line's Dask CSV fit passes its file).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from logistic import DataValidationError, IntegrityError, LogisticRegression

pytest.importorskip("dask.dataframe")
from logistic.backends.dask import Dask  # noqa: E402


def _frame(n: int = 4000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 2))
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(X @ [1.0, -1.0])))).astype(int)
    return pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": y})


def _replacing(path, replacement):
    done = []

    def progress(facts):
        if not done and facts["pass"] >= 1:
            os.replace(replacement, path)
            done.append(True)

    return progress


def test_a_parquet_file_replaced_during_a_dask_fit_is_named(tmp_path):
    frame = _frame()
    parts = tmp_path / "parts"
    parts.mkdir()
    frame.iloc[:2000].to_parquet(parts / "part-0.parquet")
    frame.iloc[2000:].to_parquet(parts / "part-1.parquet")
    other = frame.iloc[2000:].copy()
    other["a"] *= 5
    other.to_parquet(tmp_path / "alt.parquet")
    unchanged = LogisticRegression().fit(Dask.from_parquet(parts, target="y"), None)
    assert unchanged.coef_[0, 0] == pytest.approx(0.97, abs=0.1)
    progress = _replacing(parts / "part-1.parquet", tmp_path / "alt.parquet")
    source = Dask.from_parquet(parts, target="y", progress=progress)
    with pytest.raises(IntegrityError, match=r"part-1\.parquet was replaced"):
        LogisticRegression().fit(source, None)


def test_persisted_partitions_do_not_watch_their_files(tmp_path):
    """With ``persist`` the partitions are loaded once: the fit is of the
    files as the scan read them, whatever happens to the files later."""
    frame = _frame()
    frame.to_parquet(tmp_path / "d.parquet")
    other = frame.copy()
    other["a"] *= 5
    other.to_parquet(tmp_path / "alt.parquet")
    unchanged = LogisticRegression().fit(Dask.from_parquet(tmp_path / "d.parquet", target="y"), None)
    progress = _replacing(tmp_path / "d.parquet", tmp_path / "alt.parquet")
    source = Dask.from_parquet(tmp_path / "d.parquet", target="y", progress=progress, persist=True)
    model = LogisticRegression().fit(source, None)
    np.testing.assert_allclose(model.coef_, unchanged.coef_, rtol=1e-8)


def test_a_csv_file_given_as_files_is_watched(tmp_path):
    import dask.dataframe as dd

    frame = _frame()
    frame.to_csv(tmp_path / "d.csv", index=False)
    other = frame.copy()
    other["a"] *= 5
    other.to_csv(tmp_path / "alt.csv", index=False)
    progress = _replacing(tmp_path / "d.csv", tmp_path / "alt.csv")
    source = Dask(
        dd.read_csv(tmp_path / "d.csv"), target="y", files=[tmp_path / "d.csv"],
        progress=progress,
    )  # fmt: skip
    with pytest.raises(IntegrityError, match=r"d\.csv was replaced"):
        LogisticRegression().fit(source, None)


def test_a_relative_path_is_watched_where_it_was_resolved(tmp_path, monkeypatch):
    """The tasks read the files by the path this process resolved when the
    backend was built; so does the watch (a change of working directory
    before the fit must not read as a file gone)."""
    _frame().to_parquet(tmp_path / "d.parquet")
    monkeypatch.chdir(tmp_path)
    source = Dask.from_parquet("d.parquet", target="y")
    monkeypatch.chdir(tmp_path.parent)
    model = LogisticRegression().fit(source, None)
    assert np.isfinite(model.coef_).all()


@pytest.mark.parametrize(
    ("column", "values", "kind"),
    [("y", lambda f: f["y"].map({0: "no", 1: "yes"}), "text"),
     ("a", lambda f: f["a"].map(str), "text"),
     ("a", lambda f: f["a"] > 0, "boolean")],
    ids=["label-words", "feature-text", "feature-bool"],
)  # fmt: skip
def test_a_column_retyped_between_files_is_refused_by_dask(tmp_path, column, values, kind):
    """RELIABILITY O04 on Dask: ``from_parquet`` reads every file's schema
    first (a label of words beside numbers gave "y must hold exactly two
    classes, found ['0', '1', 'no', 'yes']"; numeric text was parsed; a
    feature of booleans, ``a > 0``, beside numbers was read as 0/1)."""
    frame = _frame()
    parts = tmp_path / "parts"
    parts.mkdir()
    for k in range(2):
        piece = frame.iloc[k * 2000 : (k + 1) * 2000].reset_index(drop=True)
        if k == 1:
            piece[column] = values(piece)
        piece.to_parquet(parts / f"part-{k}.parquet")
    said = rf"part-1\.parquet: column '{column}' holds {kind} values where .*part-0\.parquet"
    with pytest.raises(DataValidationError, match=said):
        Dask.from_parquet(parts, target="y")
