"""Streamed and Dask fits refuse the numeric labels an in-memory fit refuses.

In memory, a target of non-integral numbers is a continuous target and an
infinite label is an error (``logistic._labels.check_y_classes``). A streamed
fit took ``0, 0.5, 1`` as three classes and fitted a multinomial model; a
Dask fit of a file whose labels are ``0, inf, 1`` fitted three classes and
then failed to write the model file, blaming "model file m.json: field
'encoding.label.levels'". Both scans' labels now pass the in-memory checks
(``logistic._labels.resolve_classes``).

The Dask cases fit on the session's shared cluster (``--scheduler``,
conftest's ``dask_scheduler``: one cluster start, its workers' standard
error checked); the file without rows on a cluster of its own (``--workers
1``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli
from logistic import DataValidationError, LogisticRegression
from logistic.backends import Chunked


def _write(path, labels):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=len(labels)), "y": labels})
    frame.to_csv(path, index=False) if path.suffix == ".csv" else frame.to_parquet(path)
    return path


HALVES = [0, 0.5, 1, 0, 1, 0.5] * 20
TWO_HALVES = [0, 0.5] * 60
INFINITE = [0, 1] * 30 + [np.inf] + [0, 1] * 30

MODES = [
    pytest.param("csv", [], id="memory"),
    pytest.param("csv", ["--stream"], id="stream"),
    pytest.param("parquet", ["--stream"], id="stream-parquet"),
    pytest.param("csv", ["--scheduler", "<shared cluster>"], id="dask-csv"),
]


@pytest.fixture
def mode(request) -> list[str]:
    """A case's fit options (``MODES``), the shared cluster's address in place
    of ``<shared cluster>``."""
    if "<shared cluster>" not in request.param:
        return request.param
    address = request.getfixturevalue("dask_scheduler")
    return [address if a == "<shared cluster>" else a for a in request.param]


@pytest.mark.parametrize(("suffix", "mode"), MODES, indirect=["mode"])
def test_non_integral_labels_are_a_continuous_target(workdir, capsys, suffix, mode):
    data = _write(workdir / f"t.{suffix}", HALVES)
    code, out, err = run_cli(capsys, ["fit", data, "-t", "y", *mode, "-o", "m.json"])
    assert code == 65, err
    assert "holds non-integral numbers (" in err and "a continuous target" in err, err
    assert not (workdir / "m.json").exists()


@pytest.mark.parametrize(("suffix", "mode"), MODES, indirect=["mode"])
def test_probabilities_of_many_values_are_a_continuous_target(workdir, capsys, suffix, mode):
    """3 000 probabilities rounded to 4 decimals: beyond the 1 000 classes a
    scan counts, ``--stream`` said "more than 1000 distinct labels; too many
    classes" where the other modes name a continuous target."""
    rng = np.random.default_rng(0)
    data = _write(workdir / f"p.{suffix}", rng.uniform(size=3000).round(4).tolist())
    code, out, err = run_cli(capsys, ["fit", data, "-t", "y", *mode, "-o", "m.json"])
    assert code == 65, err
    assert "holds non-integral numbers" in err and "a continuous target" in err, err


@pytest.mark.parametrize(("suffix", "mode"), MODES, indirect=["mode"])
def test_two_non_integral_values_are_two_labels(workdir, capsys, suffix, mode):
    """Two values are two labels, whichever numbers (as in memory): the fit
    asks which is positive, and fits with ``--positive``."""
    data = _write(workdir / f"t.{suffix}", TWO_HALVES)
    code, out, err = run_cli(capsys, ["fit", data, "-t", "y", *mode, "-o", "m.json"])
    assert code != 0 and "--positive" in err, err
    args = ["fit", data, "-t", "y", "--positive", "0.5", *mode, "-o", "m.json"]
    code, out, err = run_cli(capsys, args)
    assert code == 0, err


@pytest.mark.parametrize(("suffix", "mode"), MODES, indirect=["mode"])
def test_an_infinite_label_is_refused(workdir, capsys, suffix, mode):
    data = _write(workdir / f"t.{suffix}", INFINITE)
    code, out, err = run_cli(capsys, ["fit", data, "-t", "y", *mode, "-o", "m.json"])
    assert code == 65, err
    assert "only finite numbers are allowed" in err, err
    assert ("non-finite" in err) != ("infinite value" in err), err
    assert "model file" not in err
    assert not (workdir / "m.json").exists()


def test_the_python_api_refuses_them_on_a_streamed_file(tmp_path):
    data = _write(tmp_path / "t.csv", HALVES)
    for multiclass in (True, False):
        # HALVES' first 0.5 is its row 1: line 3 of the file, under the header
        said = r"column 'y' in .*t\.csv holds non-integral numbers \(0, 0\.5, 1; 0\.5 first at line 3\)"
        with pytest.raises(DataValidationError, match=said):
            source = Chunked.from_csv(data, target="y", features=["a"], multiclass=multiclass)
            LogisticRegression().fit(source, None)


def test_whole_float_labels_of_three_classes_still_fit(workdir, capsys):
    data = _write(workdir / "t.csv", [0.0, 1.0, 2.0] * 40)
    code, out, err = run_cli(capsys, ["fit", data, "-t", "y", "--stream", "-o", "m.json"])
    assert code == 0, err
    assert "3 levels" in err + out


def test_a_file_without_rows_is_named_on_dask(workdir, capsys):
    """A header-only CSV: in memory and ``--stream`` name the file; Dask said
    only "the Dask collection has no rows"."""
    (workdir / "header.csv").write_text("a,y\n")
    code, out, err = run_cli(
        capsys, ["fit", "header.csv", "-t", "y", "--workers", "1", "-o", "m.json"]
    )
    assert code == 65, err
    assert "header.csv: the dataset has no rows" in err, err
