"""``fit DIR --workers N`` on a directory of Parquet files one of which is
corrupt or lacks a column prints one line: the streamed reader's words for
the file, after the partition's index (exit 65).

The file's reading task raised the error, and a worker logs a task that
raises ("distributed.worker - ERROR - Compute Failed ... Traceback: ...") on
the standard error a ``LocalCluster`` shares with the CLI; the task now
returns it, as it does a missing value. The message also said "... refit..
The fit stops rather than continue without these rows", a task failure's
words with a doubled period.

The Dask fits run in a fresh interpreter (its workers share its standard
error); the streamed ones, which start no worker, in the test process. The
corrupt file is read by a cluster of the command's own (``--workers 2``),
the other Dask cases on the session's shared cluster (:data:`ON_SHARED`:
one cluster start, its workers' standard error checked as the command's).
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import run_cli, run_cli_process

pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

#: A case's Dask option on the session's shared cluster: ``fit`` puts its
#: address (conftest's ``dask_scheduler``) in place of SHARED, and runs the
#: fit in a fresh interpreter (whose standard error a case checks), or in
#: this process for SHARED_HERE (a case that checks the model file).
SHARED = "<shared cluster>"
SHARED_HERE = "<shared cluster, this process>"
ON_SHARED = ("--scheduler", SHARED)
ON_SHARED_HERE = ("--scheduler", SHARED_HERE)


def _write(path, columns=("a", "b", "y"), seed=0) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(500, 2))
    y = (x[:, 0] + rng.normal(size=500) > 0).astype(np.int64)
    pq.write_table(pa.table(dict(zip(columns, (x[:, 0], x[:, 1], y), strict=True))), path)


@pytest.fixture
def fit(tmp_path, monkeypatch, capsys, request):
    """``fit parts -t y ARGS -o m.json -q`` in ``tmp_path``: (code, out, err).
    A Dask fit (``--workers``) in a fresh interpreter, whose standard error
    its workers share; any other fit in this process (an interpreter's start
    less, ~2-4 s on a loaded host). ``--scheduler SHARED``: the shared
    cluster's address, in a fresh interpreter; ``SHARED_HERE``: the same,
    in this process."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> tuple[int, str, str]:
        argv = ["fit", "parts", "-t", "y", *args, "-o", "m.json", "-q"]
        if SHARED in argv or SHARED_HERE in argv:
            address = request.getfixturevalue("dask_scheduler")
            argv = [address if a in (SHARED, SHARED_HERE) else a for a in argv]
        if "--workers" in args or SHARED in args:
            return run_cli_process(tmp_path, argv)
        return run_cli(capsys, argv)

    return run


def test_a_corrupt_file_prints_one_line(tmp_path, fit):
    (tmp_path / "parts").mkdir()
    _write(tmp_path / "parts" / "p0.parquet")
    _write(tmp_path / "parts" / "p1.parquet", seed=1)
    raw = (tmp_path / "parts" / "p1.parquet").read_bytes()
    (tmp_path / "parts" / "p1.parquet").write_bytes(raw[:300] + b"PAR1")
    code, out, err = fit("--workers", "2")
    assert (code, out) == (65, ""), err
    assert err.startswith("error: partition 1: cannot read parts/p1.parquet: "), err
    assert err.endswith(
        ". The file is corrupt, truncated or not in the expected format; fix or "
        "remove it and refit.\n"
    ), err
    assert err.count("\n") == 1 and ".." not in err, err
    assert not (tmp_path / "m.json").exists()


def test_a_file_without_a_column_is_named_as_the_streamed_fit_names_it(tmp_path, fit):
    (tmp_path / "parts").mkdir()
    _write(tmp_path / "parts" / "p0.parquet")
    _write(tmp_path / "parts" / "p1.parquet", columns=("a", "c", "y"), seed=1)
    said = (
        "parts/p1.parquet: missing column(s) ['b']; columns are matched by name and "
        "every file must hold the same columns (found ['a', 'c', 'y'])\n"
    )
    assert fit("--stream") == (65, "", f"error: {said}")
    assert fit(*ON_SHARED) == (65, "", f"error: partition 1: {said}")


@pytest.mark.parametrize("how", [("--stream",), ON_SHARED])
def test_a_later_file_with_an_extra_column_is_refused_in_either_order(tmp_path, fit, how):
    # the features are every column but the label's: a column only a later file
    # holds was left out silently when that file came second, and refused
    # ("missing column") when it came first
    (tmp_path / "parts").mkdir()
    _write(tmp_path / "parts" / "p0.parquet", columns=("a", "b", "y"))
    rng = np.random.default_rng(1)
    table = pa.table({"a": rng.normal(size=50), "b": rng.normal(size=50),
                      "z": rng.normal(size=50), "y": np.arange(50) % 2})  # fmt: skip
    pq.write_table(table, tmp_path / "parts" / "p1.parquet")
    code, out, err = fit(*how)
    assert (code, out) == (65, ""), err
    assert err == (
        "error: parts/p1.parquet has column(s) ['z'] that p0.parquet (the first "
        "file) does not; every file of a Parquet directory must hold the same "
        "columns (matched by name), or name the features with --features\n"
    )
    code, _, err = fit(*how, "--features", "a,b")  # named: z is not one
    assert code == 0, err


def test_the_streamed_backend_refuses_a_later_extra_column_without_named_features(
    tmp_path,
):
    from logistic import DataValidationError, LogisticRegression
    from logistic.backends import Chunked

    (tmp_path / "parts").mkdir()
    _write(tmp_path / "parts" / "p0.parquet", columns=("a", "b", "y"))
    table = pa.table({"a": [0.1, 0.2], "b": [1.0, 0.0], "z": [3.0, 4.0], "y": [0, 1]})
    pq.write_table(table, tmp_path / "parts" / "p1.parquet")
    with pytest.raises(DataValidationError, match=r"\['z'\] that the first file lacks"):
        LogisticRegression().fit(Chunked.from_parquet(tmp_path / "parts", target="y"), None)
    named = Chunked.from_parquet(tmp_path / "parts", target="y", features=["a", "b"])
    assert LogisticRegression().fit(named, None).n_features_in_ == 2


def _two_parts(tmp_path, later_extra="c", index=False):
    import pandas as pd

    (tmp_path / "parts").mkdir()
    _write(tmp_path / "parts" / "p0.parquet", columns=("a", "b", "y"))
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.normal(size=50), "b": rng.normal(size=50)})
    frame[later_extra] = rng.normal(size=50)
    frame["y"] = np.arange(50) % 2
    if index:  # pandas keeps a non-range index as a column, marked as the index
        frame.index = pd.Index(np.arange(50) * 3, name="key")
    frame.to_parquet(tmp_path / "parts" / "p1.parquet", index=index)


def test_a_later_files_pandas_index_is_no_extra_column(tmp_path, fit):
    from logistic import LogisticRegression
    from logistic.backends import Chunked

    _two_parts(tmp_path, later_extra="b2", index=True)
    code, _, err = fit("--stream")
    assert code == 65 and "has column(s) ['b2'] that" in err, err  # not 'key'
    with pytest.raises(Exception, match=r"column\(s\) \['b2'\] that"):
        data = Chunked.from_parquet(tmp_path / "parts", target="y", cache=False)
        LogisticRegression().fit(data, None)


def test_a_cache_entry_of_named_features_does_not_serve_automatic_ones(
    tmp_path, monkeypatch
):
    from logistic import DataValidationError, LogisticRegression
    from logistic.backends import Chunked

    monkeypatch.setenv("LOGISTIC_CACHE_DIR", str(tmp_path / "cache"))
    _two_parts(tmp_path)
    named = Chunked.from_parquet(tmp_path / "parts", target="y", features=["a", "b"])
    assert LogisticRegression().fit(named, None).n_features_in_ == 2  # cached now
    with pytest.raises(DataValidationError, match=r"\['c'\] that the first file lacks"):
        LogisticRegression().fit(Chunked.from_parquet(tmp_path / "parts", target="y"), None)


@pytest.mark.parametrize("how", [("--stream",), ON_SHARED_HERE])
@pytest.mark.parametrize("first_has_it", [True, False])
def test_drop_of_a_column_only_some_files_hold_is_accepted_in_either_order(
    tmp_path, fit, how, first_has_it
):
    # `--drop c` where only the first file held c was accepted, where only a
    # later file held it refused ("--drop column 'c' not found"): the order
    # of the files decided
    (tmp_path / "parts").mkdir()
    rng = np.random.default_rng(2)
    for name, has_c in (("p0", first_has_it), ("p1", not first_has_it)):
        x = rng.normal(size=(300, 2))
        columns = {"a": x[:, 0], "b": x[:, 1]}
        if has_c:
            columns["c"] = rng.normal(size=300)
        columns["y"] = (x[:, 0] + rng.normal(size=300) > 0).astype(np.int64)
        pq.write_table(pa.table(columns), tmp_path / "parts" / f"{name}.parquet")
    code, _, err = fit(*how, "--drop", "c")
    assert code == 0, err
    import json

    model = json.loads((tmp_path / "m.json").read_text())
    assert model["model"]["feature_names"] == ["a", "b"]


def test_drop_of_a_column_no_file_holds_is_refused_by_name(tmp_path, fit):
    (tmp_path / "parts").mkdir()
    _write(tmp_path / "parts" / "p0.parquet")
    _write(tmp_path / "parts" / "p1.parquet", seed=1)
    code, out, err = fit("--stream", "--drop", "nope")
    assert (code, out) == (65, ""), err  # as in memory: a column of the data
    assert err.startswith("error: --drop column 'nope' not found in parts"), err
