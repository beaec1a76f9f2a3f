"""A Parquet directory whose feature column is boolean in one file and
numeric in the others is refused, as a label column of both kinds is.

``d/part.{0..3}.parquet``, ``x1`` float64 in every file but ``part.2``, where
it is ``x1 > 0`` (bool): ``logistic fit d -t y --stream`` (and ``--workers
2``) exited 0 with no note, ``part.2``'s ``x1`` read as 0/1 beside the
numbers, and the coefficient of ``x1`` came out 0.934 instead of 1.050.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")


@pytest.fixture
def bool_feature_dir(workdir):
    rng = np.random.default_rng(0)
    folder = workdir / "d_boolfeat"
    folder.mkdir()
    for k in range(4):
        x1, x2 = rng.normal(size=(2, 500))
        y = (x1 - 0.5 * x2 + rng.logistic(size=500) > 0).astype(int)
        frame = pd.DataFrame({"x1": x1, "x2": x2, "y": y})
        if k == 2:
            frame["x1"] = frame["x1"] > 0
        frame.to_parquet(folder / f"part.{k}.parquet")
    return folder


def test_a_feature_of_booleans_in_one_file_is_refused_naming_both_files(
    bool_feature_dir, capsys, tmp_path
):
    args = ["fit", "d_boolfeat", "-t", "y", "--stream", "-o", "t.json", "-q"]
    code, _, err = run_cli(capsys, [*args, "--cache-dir", tmp_path / "cache"])
    assert code == 65, err
    assert (
        "part.2.parquet: column 'x1' holds boolean values where "
        "d_boolfeat/part.0.parquet holds numeric ones"
    ) in err
    assert not (tmp_path / "t.json").exists()
