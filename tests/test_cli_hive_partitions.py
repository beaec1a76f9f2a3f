"""A Hive-partitioned Parquet directory (``g=a/part.parquet``, as
``pandas.to_parquet(partition_cols=...)``, ``polars.write_parquet(
partition_by=...)`` and Spark's ``partitionBy`` write it) holds the partition
column in its directory names, not in the files.

``logistic fit d --target y --stream`` read the files' columns only: the
partition column ``g``, which pandas, polars and Dask read as a column of the
dataset, was left out without a word (a fit on ``x`` alone, exit 0), and
``--features x,g`` said "feature column 'g' not found in d; available: 'x',
'y'". Now the fit notes that it left ``g`` out, and naming it is refused
saying where its values are. The fit on the files' columns is unchanged:
statsmodels' ``Logit`` on ``x`` alone is the reference.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
sm = pytest.importorskip("statsmodels.api")


@pytest.fixture
def hive(workdir):
    rng = np.random.default_rng(4)
    n = 400
    x = rng.normal(size=n)
    g = rng.choice(["a", "b"], n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(x + (g == "b"))))).astype(int)
    frame = pd.DataFrame({"x": x, "g": g, "y": y})
    frame.to_parquet(workdir / "d", partition_cols=["g"], index=False)
    assert sorted(p.name for p in (workdir / "d").iterdir()) == ["g=a", "g=b"]
    return frame


@pytest.mark.parametrize("engine", [["--stream"], ["--workers", "1"]])
def test_the_partition_column_left_out_is_named(workdir, capsys, hive, engine):
    if engine[0] == "--workers":
        pytest.importorskip("dask.distributed")
    from logistic import load

    args = ["fit", "d", "--target", "y", "-o", "m.json", *engine]
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    assert "left out Hive partition column 'g' of d" in err
    model = load(workdir / "m.json")
    assert list(model.feature_names_in_) == ["x"]
    # the rows of both partitions were read: the fit on x alone
    order = hive.sort_values("g", kind="stable")
    design = np.column_stack([np.ones(len(order)), order["x"]])
    expected = sm.Logit(order["y"].to_numpy(), design).fit(disp=0).params
    np.testing.assert_allclose(
        [model.intercept_[0], model.coef_[0, 0]], expected, rtol=1e-5
    )


@pytest.mark.parametrize(
    "options",
    [["--target", "y", "--features", "x,g"], ["--target", "g"]],
)
def test_naming_a_partition_column_is_refused(workdir, capsys, hive, options):
    code, out, err = run_cli(
        capsys, ["fit", "d", *options, "--stream", "-o", "m.json"]
    )
    assert (code, out) == (65, "")
    assert err.startswith(
        "error: column 'g' of d is a Hive partition key: its values are in the "
        "directory names (g=...), not in the Parquet files"
    )
    assert not (workdir / "m.json").exists()


def test_a_key_the_files_hold_too_is_read(workdir, capsys):
    """A directory named ``g=a`` whose files hold ``g`` as a column: no note."""
    rng = np.random.default_rng(1)
    for level in ("a", "b"):
        (workdir / "d" / f"g={level}").mkdir(parents=True)
        x = rng.normal(size=100)
        frame = pd.DataFrame(
            {"x": x, "g": float(level == "b"), "y": (x > 0).astype(int) ^ (x > 1)}
        )
        frame.to_parquet(workdir / "d" / f"g={level}" / "part.parquet", index=False)
    code, _, err = run_cli(
        capsys, ["fit", "d", "--target", "y", "--stream", "-o", "m.json"]
    )
    assert code == 0, err
    assert "Hive" not in err


def test_dropping_a_partition_column_is_accepted_without_a_note(
    workdir, capsys, hive
):
    """``--drop g`` said "--drop column 'g' not found in d"; the column is
    not read anyway, so dropping it is accepted, and no note is needed."""
    args = ["fit", "d", "--target", "y", "--drop", "g", "--stream", "-o", "m.json"]
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    assert "Hive" not in err
