"""``fit FILE.csv --workers N`` tells gzip and bz2 from the file's content, as
the in-memory and streamed readers do (docs/cli.md: "recognised from the
content first").

``cp gz.csv.gz gzcontent.csv; logistic fit gzcontent.csv -t y --workers 2``
exited 65 with "'utf-8' codec can't decode byte 0x8b in position 1" (a bz2
file named .csv likewise), and ``cp base.csv plain.csv.gz; logistic fit
plain.csv.gz -t y --workers 2`` exited 74 with pandas' "Not a gzipped file
(b'x1')": Dask's ``read_csv`` took the compression from the name. Each now
fits the plain file's coefficients by statsmodels' ``Logit`` (made once for
the module).

Run in a fresh interpreter: the workers' standard error is the CLI's own.
The truncated gzip file is read by a cluster of the command's own
(``--workers 1``), the other files on the session's shared cluster
(``--scheduler``, conftest's ``dask_scheduler``: one cluster start, its
workers' standard error checked as the command's); the fits whose exit code
and coefficients are checked run in this process.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json

import numpy as np
import pandas as pd
import pytest

from conftest import dask_option, run_cli, run_cli_process

pytest.importorskip("distributed")


def _coef(path) -> list[float]:
    model = json.loads(path.read_text())["model"]
    return [model["intercept"], *model["coef"]]


@pytest.fixture(scope="module")
def plain() -> tuple[bytes, np.ndarray]:
    """The plain file's bytes and its coefficients by statsmodels' ``Logit``
    (intercept first), made once for the three names below."""
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 2))
    y = (x @ [1.0, -0.5] + rng.logistic(size=2000) > 0).astype(int)
    text = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "y": y}).to_csv(index=False)
    frame = pd.read_csv(io.StringIO(text))  # the values the file holds, rounded
    exog = sm.add_constant(frame[["x1", "x2"]].to_numpy())
    fitted = sm.Logit(frame["y"].to_numpy(), exog).fit(disp=0, tol=1e-12)
    return text.encode(), np.asarray(fitted.params)


@pytest.mark.parametrize(
    ("name", "pack"),
    [("gzcontent.csv", gzip.compress), ("bz2content.csv", bz2.compress),
     ("plain.csv.gz", bytes)],
    ids=["gzip-named-csv", "bz2-named-csv", "plain-named-gz"],
)  # fmt: skip
def test_dask_reads_csv_compression_from_the_content(
    tmp_path, monkeypatch, capsys, dask_scheduler, plain, name, pack
):
    raw, reference = plain
    (tmp_path / name).write_bytes(pack(raw))
    # one worker: a compressed file is one partition whatever the workers;
    # the exit code and coefficients need no fresh interpreter
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(
        capsys, ["fit", name, "-t", "y", "--scheduler", dask_scheduler, "-o", "d.json", "-q"]
    )
    assert code == 0, err
    np.testing.assert_allclose(_coef(tmp_path / "d.json"), reference, rtol=1e-6)


@pytest.mark.parametrize(
    ("name", "damage", "why"),
    [("t.csv.gz", "truncate", "Truncated compressed stream"),
     ("t.csv.bz2", "truncate", "Truncated compressed stream"),
     ("c.csv.gz", "flip", "zlib inflate failed: incorrect data check")],
    ids=["gzip-truncated", "bz2-truncated", "gzip-corrupt"],
)  # fmt: skip
def test_a_damaged_compressed_file_is_named(
    tmp_path, monkeypatch, capsys, request, name, damage, why
):
    """A truncated or corrupt gzip/bz2 CSV file: one line naming the file, as
    --stream words it (docs/cli.md: "a data error naming it"), not pandas'
    "partition 0 failed: EOFError: Compressed file ended before the
    end-of-stream marker was reached" or "BadGzipFile: CRC check failed"."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60_000, 2))  # damaged past the 1 MB the plan reads
    y = (x @ [1.0, -0.5] + rng.logistic(size=60_000) > 0).astype(int)
    text = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "y": y}).to_csv(index=False)
    # 2.4 MB of text: the damage at 3/4 of the packed bytes is past 1.7 MB of
    # it (bz2's 900 kB blocks included), past the plan's first 1 MiB block
    assert len(text) > 2 << 20
    pack = gzip.compress if name.endswith(".gz") else bz2.compress
    packed = bytearray(pack(text.encode()))
    if damage == "truncate":
        packed = packed[: len(packed) * 3 // 4]
    else:
        packed[len(packed) * 3 // 4] ^= 0xFF
    (tmp_path / name).write_bytes(bytes(packed))
    # the streamed fit's line in this process, the Dask fit's in a fresh one
    # (whose standard error its workers share)
    monkeypatch.chdir(tmp_path)
    dask = dask_option(request, own_cluster=(name, damage) == ("t.csv.gz", "truncate"))
    said = [
        run_cli(capsys, ["fit", name, "-t", "y", "--stream", "--no-cache", "-o", "d.json", "-q"]),
        run_cli_process(tmp_path, ["fit", name, "-t", "y", *dask, "-o", "d.json", "-q"]),
    ]  # fmt: skip
    code, out, err = said[0]
    assert (code, out) == (65, "") and err.count("\n") == 1, err
    assert err.startswith("error: ") and name in err and why in err, err
    assert said[1] == said[0]
    assert not (tmp_path / "d.json").exists()
