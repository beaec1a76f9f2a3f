"""``logistic fit --stream / --chunk-rows / --workers / --checkpoint`` (issue 7, CLI).

A streamed (out-of-core) or Dask fit of a file must give the model an
in-memory ``logistic fit`` of the same file gives: the same encoding, label
mapping and coefficients to 1e-8. Files are generated in ``tmp_path``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import logistic
from conftest import run_cli
from logistic.cli.app import main

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

N_ROWS = 1000


def _table(seed: int = 0, n: int = N_ROWS):
    """Numeric features x1..x3, a no/yes target, weights and an offset column."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * [1.0, 10.0, 0.1] + [0.0, 50.0, 0.0]
    z = 0.5 + X @ [1.0, -0.05, 4.0]
    y = np.where(rng.random(n) < 1.0 / (1.0 + np.exp(-z)), "yes", "no")
    return pa.table(
        {
            "id": np.arange(n),
            "x1": X[:, 0],
            "x2": X[:, 1],
            "x3": X[:, 2],
            "w": rng.integers(1, 4, n).astype(float),
            "off": rng.normal(scale=0.1, size=n),
            "y": y,
        }
    )


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOGISTIC_NO_PROGRESS", "1")
    return tmp_path


@pytest.fixture
def csv_file(workdir):
    import pyarrow.csv as pacsv

    path = workdir / "data.csv"
    pacsv.write_csv(_table(), path)
    return path


@pytest.fixture
def parquet_file(workdir):
    path = workdir / "data.parquet"
    pq.write_table(_table(), path)
    return path


def _fit(capsys, data, out, *extra):
    argv = ["fit", str(data), "-t", "y", "--drop", "id", "-o", str(out), *extra]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured


def _params(path) -> np.ndarray:
    model = logistic.load(path)
    return np.r_[model.coef_.ravel(), model.intercept_]


def _cov(doc: dict) -> np.ndarray:
    return np.asarray(doc["covariance"]["matrix"], dtype=float)


def _doc(path) -> dict:
    return json.loads(path.read_text())


@pytest.mark.parametrize("fixture", ["csv_file", "parquet_file"])
def test_stream_equals_in_memory_fit(request, workdir, capsys, fixture):
    data = request.getfixturevalue(fixture)
    _fit(capsys, data, "mem.json")
    err = _fit(capsys, data, "str.json", "--stream", "--chunk-rows", "37").err
    assert "streamed (chunked): " in err and "rows/s" in err
    # the passes' rate leaves out the scan: the whole time is said beside it
    assert re.search(r"rows/s\); [0-9.]+s in all, the scan before the passes included", err)
    np.testing.assert_allclose(_params("str.json"), _params("mem.json"), atol=1e-8)
    mem, streamed = _doc(workdir / "mem.json"), _doc(workdir / "str.json")
    assert streamed["encoding"] == mem["encoding"]  # same columns and labels
    assert streamed["training"]["rows_used"] == N_ROWS
    facts = streamed["training"]["streaming"]
    assert facts["backend"] == "chunked" and facts["chunk_rows"] == 37
    assert facts["passes"] >= 2


def test_stream_weights_offset_and_positive_class(workdir, capsys, csv_file):
    extra = ["--weights", "w", "--offset", "off", "--positive", "no"]
    _fit(capsys, csv_file, "mem.json", *extra)
    _fit(capsys, csv_file, "str.json", "--stream", "--chunk-rows", "100", *extra)
    np.testing.assert_allclose(_params("str.json"), _params("mem.json"), atol=1e-8)
    label = _doc(workdir / "str.json")["encoding"]["label"]
    assert (label["positive"], label["negative"]) == ("no", "yes")
    # predictions of the two model files agree row by row
    for name in ("mem", "str"):
        assert (
            main(["predict", f"{name}.json", str(csv_file), "-o", f"{name}.csv"]) == 0
        )
    capsys.readouterr()
    import pyarrow.csv as pacsv

    a, b = pacsv.read_csv("mem.csv"), pacsv.read_csv("str.csv")
    assert a.column("label").to_pylist() == b.column("label").to_pylist()
    np.testing.assert_allclose(
        a.column("proba").to_numpy(), b.column("proba").to_numpy(), atol=1e-9
    )


def test_stream_a_directory_of_parquet_files(workdir, capsys, parquet_file):
    table = _table()
    (workdir / "parts").mkdir()
    for i, start in enumerate(range(0, N_ROWS, 300)):
        pq.write_table(table.slice(start, 300), workdir / "parts" / f"p.{i}.parquet")
    _fit(capsys, parquet_file, "mem.json")
    _fit(capsys, workdir / "parts", "dir.json", "--stream")
    np.testing.assert_allclose(_params("dir.json"), _params("mem.json"), atol=1e-8)


@pytest.mark.parametrize("how", ["--stream", "--workers"])
def test_output_that_is_a_file_of_the_parquet_folder_refused(workdir, capsys, how):
    # `fit parts --stream -o parts/p.1.parquet --force` wrote the model over
    # one of the data files: only the folder itself was compared with the output
    table = _table()
    (workdir / "parts").mkdir()
    for i, start in enumerate(range(0, N_ROWS, 500)):
        pq.write_table(table.slice(start, 500), workdir / "parts" / f"p.{i}.parquet")
    pq.write_table(table.slice(0, 10), workdir / "outside.parquet")
    (workdir / "parts" / "p.2.parquet").symlink_to(workdir / "outside.parquet")
    (workdir / "hard.json").hardlink_to(workdir / "parts" / "p.0.parquet")
    before = {p: p.read_bytes() for p in workdir.rglob("*.parquet")}
    extra = ["--stream"] if how == "--stream" else ["--workers", "1"]
    for out, read in [
        ("parts/p.1.parquet", "parts/p.1.parquet"),
        ("hard.json", "parts/p.0.parquet"),  # a hard link to one of them
        ("outside.parquet", "parts/p.2.parquet"),  # the target of a link in it
    ]:
        argv = ["fit", "parts", "-t", "y", "-o", out, "--force", *extra]
        code, _, err = run_cli(capsys, argv)
        assert (code, err) == (
            73,
            f"error: refusing to write {out}: it is the input file {read}\n",
        )
    assert {p: p.read_bytes() for p in workdir.rglob("*.parquet")} == before


def test_checkpoint_written_and_resumed(workdir, capsys, parquet_file):
    _fit(capsys, parquet_file, "mem.json")
    extra = ["--stream", "--solver", "gd", "--checkpoint", "fit.ckpt"]
    _fit(capsys, parquet_file, "a.json", *extra)
    assert (workdir / "fit.ckpt").exists()
    # a second run resumes from the finished checkpoint: same model
    err = _fit(capsys, parquet_file, "b.json", *extra).err
    assert err.count("resumed from checkpoint fit.ckpt") == 1  # said once
    assert "the resumed fit made" in err and "solver passes in all" in err
    np.testing.assert_array_equal(_params("b.json"), _params("a.json"))
    np.testing.assert_allclose(_params("a.json"), _params("mem.json"), atol=1e-6)


def test_large_file_streams_automatically(workdir, capsys, csv_file, monkeypatch):
    import logistic.cli._stream_plan as stream

    monkeypatch.setattr(stream, "auto_stream", lambda path: True)
    err = _fit(capsys, csv_file, "auto.json").err
    assert "streaming it (--no-stream to read it into memory)" in err
    assert _doc(workdir / "auto.json")["training"]["streaming"]["backend"] == "chunked"
    _fit(capsys, csv_file, "mem.json", "--no-stream")
    assert "streaming" not in _doc(workdir / "mem.json")["training"]
    # a large file that cannot be streamed is read into memory, with a note
    assert main(["fit", str(csv_file), "--formula", "y ~ x1", "-o", "f.json"]) == 0
    err = capsys.readouterr().err
    assert "is large, but it is read into memory: --formula cannot be streamed" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["-t", "y"],
            "error: streaming needs numeric feature columns, but data.csv has text "
            "column(s) ['tag'] (one-hot encoding needs every level before the first "
            "pass); leave them out with --drop tag, encode them as numbers, or fit "
            "in memory (without --stream)\n",
        ),
        (
            ["--formula", "y ~ x1"],
            "error: --formula cannot be streamed (formula transforms and categorical "
            "levels need the whole data); name the columns with --target and "
            "--features/--drop, or fit in memory\n",
        ),
        (
            ["-t", "y", "--drop", "tag", "--missing", "drop"],
            "error: --missing drop is not available when streaming; remove rows with "
            "missing values first, or fit in memory\n",
        ),
        (
            ["-t", "y", "--drop", "tag", "--chunk-rows", "0"],
            "error: --chunk-rows must be at least 1, got 0\n",
        ),
        (
            ["-t", "y", "--drop", "tag", "--class-weight", "balanced"],
            "error: --class-weight is not available when streaming; fit in memory "
            "(without --stream), or give each row its class's weight in a "
            "--weights column\n",
        ),
    ],
)
def test_not_streamable_is_a_clear_usage_error(workdir, capsys, extra, message):
    (workdir / "data.csv").write_text("x1,tag,y\n1,a,no\n2,b,yes\n3,a,no\n4,b,yes\n")
    code = main(["fit", "data.csv", "--stream", "-o", "m.json", *extra])
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", message)
    assert sorted(p.name for p in workdir.iterdir()) == ["data.csv"]


@pytest.mark.parametrize("column", ["timestamp", "list"])
def test_feature_of_another_type_is_refused_as_in_memory(workdir, capsys, column):
    # a timestamp or list column cannot be a feature in memory either: the
    # streamed refusal is the in-memory one (exit 65), not "fit in memory"
    values = {
        "timestamp": pa.array(np.arange(4).astype("datetime64[s]")),
        "list": pa.array([[1], [2, 3], [], [4]]),
    }[column]
    table = pa.table({"x1": [1.0, 2.0, 3.0, 4.0], "when": values, "y": [0, 1, 0, 1]})
    pq.write_table(table, workdir / "d.parquet")
    messages = []
    for stream in ([], ["--stream"]):
        code = main(["fit", "d.parquet", "-t", "y", "-o", "m.json", *stream])
        out, err = capsys.readouterr()
        assert (code, out) == (65, "")
        messages.append(err)
    assert messages[0] == messages[1]
    stored = pq.read_schema(workdir / "d.parquet").field("when").type
    assert messages[1].startswith(
        f"error: column 'when' in d.parquet has type {stored}, which cannot "
        "be a feature; drop it with --drop"
    )
    assert sorted(p.name for p in workdir.iterdir()) == ["d.parquet"]


@pytest.mark.parametrize("value", ["", "NA"])
@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_missing_text_target_is_refused_not_a_class(workdir, capsys, value, cache):
    # an empty field or NA in a text target is missing, as in memory; it was
    # read as a third label and the streamed fit went multinomial
    rows = ["1,no", "2,yes", f"3,{value}", "4,no", "5,yes", "6,yes", "7,no"]
    (workdir / "d.csv").write_text("x,y\n" + "\n".join(rows) + "\n")
    code = main(["fit", "d.csv", "-t", "y", "--stream", "-o", "m.json", *cache])
    out, err = capsys.readouterr()
    assert (code, out) == (65, "")
    assert err.startswith("error: missing values in d.csv: column 'y' (first at line 4)")
    assert not (workdir / "m.json").exists()
    assert main(["fit", "d.csv", "-t", "y", "-o", "m.json"]) == 65  # as in memory
    assert "column 'y' (1 row(s), first at line 4)" in capsys.readouterr().err


def test_rare_class_warning_as_in_memory(workdir, capsys):
    # one 'Yes' among yes/no makes three classes: the streamed fit warned of
    # nothing and went multinomial
    rng = np.random.default_rng(4)
    x = rng.normal(size=2000)
    y = np.where(rng.random(2000) < 1 / (1 + np.exp(-x)), "yes", "no").astype(object)
    y[1000], x[1000] = "Yes", 0.0
    rows = "".join(f"{a},{b}\n" for a, b in zip(x, y, strict=True))
    (workdir / "d.csv").write_text("x,y\n" + rows)
    said = []
    for stream in ([], ["--stream"]):
        code = main(["fit", "d.csv", "-t", "y", "-o", "m.json", "--force", *stream])
        err = capsys.readouterr().err
        assert code == 0, err
        said.append([line for line in err.splitlines() if "class 'Yes' has" in line])
    assert len(said[0]) == 1 and said[1] == said[0]
    assert said[1][0].startswith(
        "warning: target 'y': 3 classes, so the model is multinomial; class 'Yes' "
        "has 1 row of 2000"
    )


def test_libsvm_cannot_stream(workdir, capsys):
    (workdir / "d.svm").write_text("1 1:0.5\n-1 1:-0.5\n1 1:1.5\n-1 2:1\n")
    code = main(["fit", "d.svm", "--stream", "-o", "m.json"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(
        "error: d.svm is LibSVM data; streaming reads CSV and Parquet"
    )


def test_missing_value_deep_in_the_stream_names_the_row(workdir, capsys):
    rows = "".join(f"{i},{'no' if i % 2 else 'yes'}\n" for i in range(50))
    (workdir / "d.csv").write_text("x,y\n" + rows + ",yes\n")
    code = main(["fit", "d.csv", "-t", "y", "--stream", "-o", "m.json"])
    err = capsys.readouterr().err
    assert code == 65
    # the in-memory wording: the file's line (header = line 1)
    assert "missing values in d.csv: column 'x' (first at line 52)" in err
    assert not (workdir / "m.json").exists()


@pytest.mark.dask
def test_dask_two_workers_equals_in_memory(workdir, capsys, parquet_file):
    pytest.importorskip("distributed")
    _fit(capsys, parquet_file, "mem.json")
    err = _fit(capsys, parquet_file, "dask.json", "--workers", "2").err
    assert "streamed (dask): " in err
    np.testing.assert_allclose(_params("dask.json"), _params("mem.json"), atol=1e-8)
    facts = _doc(workdir / "dask.json")["training"]["streaming"]
    assert (facts["backend"], facts["workers"]) == ("dask", 2)


def test_checkpoint_of_other_data_is_refused(workdir, capsys, parquet_file):
    _fit(capsys, parquet_file, "a.json", "--stream", "--checkpoint", "fit.ckpt")
    pq.write_table(_table(seed=1), parquet_file)
    argv = ["fit", str(parquet_file), "-t", "y", "--drop", "id", "--stream"]
    code = main([*argv, "--checkpoint", "fit.ckpt", "-o", "b.json"])
    err = capsys.readouterr().err
    assert code == 65
    # the refusal alone: no "resuming" line before it
    assert err.startswith("error: checkpoint fit.ckpt was written for different data")
    assert err.endswith("Delete the checkpoint and its .prev copy to start afresh.\n")
    assert not (workdir / "b.json").exists()


def test_summary_of_a_streamed_model(workdir, capsys, parquet_file):
    extra = ["--stream", "--chunk-rows", "250", "--penalty", "l2", "--alpha", "0.1"]
    _fit(capsys, parquet_file, "s.json", *extra)
    assert main(["summary", "s.json"]) == 0
    out = capsys.readouterr().out
    assert "fitted out of core (chunked): " in out
    assert "chunks of 250 rows; no covariance stored" in out


@pytest.mark.parametrize("extra", [[], ["--weights", "w", "--offset", "off"]])
def test_streamed_standard_errors_and_statistics(workdir, capsys, csv_file, extra):
    _fit(capsys, csv_file, "mem.json", *extra)
    _fit(capsys, csv_file, "str.json", "--stream", "--chunk-rows", "64", *extra)
    mem, streamed = _doc(workdir / "mem.json"), _doc(workdir / "str.json")
    assert streamed["covariance"]["names"] == mem["covariance"]["names"]
    np.testing.assert_allclose(_cov(streamed), _cov(mem), rtol=1e-6)
    stats, ref = streamed["training"]["statistics"], mem["training"]["statistics"]
    assert set(stats) <= set(ref)
    if not extra:  # without an offset the null model is closed-form
        assert set(stats) == set(ref)
    for key, value in stats.items():
        assert value == pytest.approx(ref[key], rel=1e-9), key


def test_corrupt_parquet_is_named(workdir, capsys, parquet_file):
    parquet_file.write_bytes(parquet_file.read_bytes()[:2000])
    code = main(["fit", str(parquet_file), "-t", "y", "--stream", "-o", "m.json"])
    err = capsys.readouterr().err
    assert code == 65
    assert err.startswith(f"error: {parquet_file}: cannot read Parquet: ")
    assert not (workdir / "m.json").exists()


@pytest.mark.dask
def test_dask_scheduler_address_and_flipped_labels(workdir, capsys, parquet_file):
    distributed = pytest.importorskip("distributed")
    _fit(capsys, parquet_file, "mem.json", "--positive", "no")
    with distributed.LocalCluster(
        n_workers=1, processes=False, dashboard_address=None
    ) as cluster:
        extra = ["--scheduler", cluster.scheduler_address, "--positive", "no"]
        _fit(capsys, parquet_file, "dask.json", *extra)
        assert len(cluster.workers) == 1  # a cluster we did not start stays up
    np.testing.assert_allclose(_params("dask.json"), _params("mem.json"), atol=1e-8)


def test_json_summary_of_a_streamed_fit(workdir, capsys, csv_file):
    out = _fit(capsys, csv_file, "s.json", "--stream", "--json").out
    info = json.loads(out)
    assert info["ok"] and info["rows_used"] == N_ROWS
    assert info["streaming"]["backend"] == "chunked"
    assert info["label_mapping"] == {"column": "y", "negative": "no", "positive": "yes"}


@pytest.mark.slow
def test_ctrl_c_keeps_the_checkpoint_and_a_rerun_resumes(workdir, capsys):
    """C20/O05: SIGINT → exit 130, no model file, the checkpoint kept; the
    rerun resumes and gives the uninterrupted result (Newton: bitwise)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    pq.write_table(_table(n=200_000), workdir / "big.parquet")
    argv = ["fit", "big.parquet", "-t", "y", "--drop", "id", "--stream"]
    argv += ["--chunk-rows", "500", "--solver", "newton", "--checkpoint", "c.ckpt"]
    cmd = [sys.executable, "-m", "logistic.cli.app", *argv, "-o", "m.json"]
    env = {**os.environ, "LOGISTIC_NO_PROGRESS": "1"}
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, env=env, text=True)
    deadline = time.monotonic() + 60
    while not (workdir / "c.ckpt").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:  # finished before the signal landed: nothing to test
        pytest.skip("the fit finished before SIGINT")
    assert proc.returncode == 130, err
    assert err.strip().endswith("error: interrupted")
    assert not (workdir / "m.json").exists()
    assert (workdir / "c.ckpt").exists()
    err = _fit(capsys, "big.parquet", "resumed.json", *argv[6:]).err
    assert "resumed from checkpoint c.ckpt" in err
    _fit(capsys, "big.parquet", "plain.json", *argv[6:-2])
    np.testing.assert_array_equal(_params("resumed.json"), _params("plain.json"))


# Runs ``logistic fit`` (its ``main``) again and again in one process, each run
# interrupted at the k-th trace event of the pass machinery (backends._prefetch and
# the threading, queue and concurrent.futures code it calls) in the first pass
# after the checkpoint exists, k = 1, 2, ... until a run gets past every point
# and finishes (each rerun resumes from the checkpoint); then the process exits
# the ordinary way (the interpreter's exit hooks and thread joins).
CTRL_C_SWEEP = """
import os, sys
import concurrent.futures._base, concurrent.futures.thread, queue, threading
import logistic.backends.chunked as chunked
from logistic.backends import _prefetch
from logistic.cli.app import main

FILES = {m.__file__ for m in (
    _prefetch, threading, queue, concurrent.futures.thread, concurrent.futures._base
)}
count, target = [0], [0]

def trace(frame, event, arg):
    if frame.f_code.co_filename in FILES:
        count[0] += 1
        if count[0] == target[0]:
            raise KeyboardInterrupt  # as the SIGINT handler would, here
    return trace

def armed(real):
    def pass_with_a_trace(*args, **kwargs):
        if target[0] and os.path.exists("c.ckpt"):
            count[0] = 0
            sys.settrace(trace)  # this (the main) thread only
        return real(*args, **kwargs)
    return pass_with_a_trace

chunked.prefetched = armed(chunked.prefetched)
chunked.ordered_map = armed(chunked.ordered_map)
codes = []
while not codes or codes[-1] == 130:
    target[0] = len(codes) + 1
    codes.append(main(sys.argv[1:]))
    sys.settrace(None)
    assert os.path.exists("c.ckpt"), "the checkpoint was kept"
    assert os.path.exists("m.json") == (codes[-1] == 0), codes
print("runs", len(codes), codes[-1])
"""


@pytest.mark.parametrize("cache", [["--cache-dir", "rows"], ["--no-cache"]])
def test_ctrl_c_anywhere_in_a_pass_exits_130_and_keeps_the_checkpoint(
    workdir, capsys, cache
):
    """Ctrl-C anywhere in a pass of ``logistic fit --stream``, the threads'
    hand-off included: each interrupted run exits 130 with the checkpoint kept
    and the process ends. The interrupt is raised at the k-th line event of
    the pass machinery's code, k = 1, 2, ..., deterministically."""
    import os
    import subprocess
    import sys

    pq.write_table(_table(n=4000), workdir / "d.parquet")
    argv = ["fit", "d.parquet", "-t", "y", "--drop", "id", "--stream"]
    argv += ["--chunk-rows", "1000", "--solver", "newton", *cache]
    argv += ["--checkpoint", "c.ckpt"]
    env = {**os.environ, "LOGISTIC_NO_PROGRESS": "1"}
    cmd = [sys.executable, "-c", CTRL_C_SWEEP, *argv, "-o", "m.json"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    except subprocess.TimeoutExpired:
        pytest.fail("a run or the exit hung after an interrupt")
    assert done.returncode == 0, done.stderr
    word, runs, last = done.stdout.splitlines()[-1].split()
    runs, last = int(runs), int(last)
    assert runs > 30 and last == 0  # every point, then a run that finished
    assert done.stderr.count("error: interrupted") == runs - 1
    # the runs resumed one another's checkpoints: the model of a plain fit
    _fit(capsys, "d.parquet", "plain.json", *argv[6:-2])
    np.testing.assert_array_equal(_params("m.json"), _params("plain.json"))


# -- the row cache: --cache-dir / --no-cache (logistic.backends._cache) -------------
def _cache_files(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("fixture", ["csv_file", "parquet_file"])
def test_cache_dir_is_written_then_read(request, workdir, capsys, fixture, monkeypatch):
    data = request.getfixturevalue(fixture)
    default = workdir / "default-cache"
    monkeypatch.setenv("LOGISTIC_CACHE_DIR", str(default))
    cache = workdir / "rows"
    extra = ["--stream", "--chunk-rows", "100", "--cache-dir", str(cache)]
    _fit(capsys, data, "a.json", *extra)
    files = _cache_files(cache)
    entries = [p.parent for p in files if p.name == "meta.json"]
    assert len(entries) == 1 and Path("X.bin") in [
        p.relative_to(entries[0]) for p in files
    ]
    assert not default.exists()  # --cache-dir, not $LOGISTIC_CACHE_DIR
    facts = _doc(workdir / "a.json")["training"]["streaming"]
    assert facts["cache"] == str(cache / entries[0])
    meta = cache / entries[0] / "meta.json"
    stamp = meta.stat().st_mtime_ns
    # the second fit reads the cache (not rewritten) and gives the same model
    _fit(capsys, data, "b.json", *extra)
    assert _cache_files(cache) == files and meta.stat().st_mtime_ns == stamp
    assert _doc(workdir / "b.json")["training"]["streaming"]["cache"] == facts["cache"]
    np.testing.assert_array_equal(_params("b.json"), _params("a.json"))
    # and the model an in-memory fit gives
    _fit(capsys, data, "mem.json")
    np.testing.assert_allclose(_params("a.json"), _params("mem.json"), atol=1e-8)


def test_no_cache_writes_nothing(workdir, capsys, parquet_file, monkeypatch):
    default = workdir / "default-cache"
    monkeypatch.setenv("LOGISTIC_CACHE_DIR", str(default))
    _fit(capsys, parquet_file, "n.json", "--stream", "--no-cache")
    assert not default.exists() or _cache_files(default) == []
    assert _doc(workdir / "n.json")["training"]["streaming"]["cache"] is None
    # without --no-cache the same fit writes the cache there: same model
    _fit(capsys, parquet_file, "c.json", "--stream")
    assert any(p.name == "meta.json" for p in _cache_files(default))
    np.testing.assert_allclose(_params("n.json"), _params("c.json"), atol=1e-8)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--stream", "--cache-dir", "data.csv"],
            "error: --cache-dir data.csv: exists and is not a directory\n",
        ),
        (
            ["--stream", "--no-cache", "--cache-dir", "rows"],
            "error: --no-cache and --cache-dir rows contradict each other (no cache "
            "is written); give one of them\n",
        ),
        (
            ["--workers", "2", "--no-cache"],
            "error: --no-cache applies to out-of-core fits (--stream), not to a Dask "
            "fit (--workers/--scheduler), which keeps no row cache\n",
        ),
    ],
)
def test_bad_cache_options_are_usage_errors(workdir, capsys, extra, message):
    (workdir / "data.csv").write_text("x1,y\n1,no\n2,yes\n3,no\n4,yes\n")
    code, out, err = run_cli(
        capsys, ["fit", "data.csv", "-t", "y", "-o", "m.json", *extra]
    )
    assert (code, out, err) == (2, "", message)
    assert sorted(p.name for p in workdir.iterdir()) == ["data.csv"]


def test_cache_options_of_an_in_memory_fit_are_noted(workdir, capsys, monkeypatch):
    default = workdir / "default-cache"
    monkeypatch.setenv("LOGISTIC_CACHE_DIR", str(default))
    (workdir / "data.csv").write_text("x1,y\n1,no\n2,yes\n3,no\n4,yes\n5,yes\n")
    argv = ["fit", "data.csv", "-t", "y", "-o", "m.json", "--no-stream"]
    code, _, err = run_cli(capsys, [*argv, "--cache-dir", "rows"])
    assert code == 0
    assert (
        "--cache-dir is used only when streaming; this fit reads the data into "
        "memory (add --stream to stream it)"
    ) in err
    assert not (workdir / "rows").exists() and not default.exists()
