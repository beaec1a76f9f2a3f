"""``logistic predict`` / ``evaluate`` of a file read in chunks (``--stream``).

References: the in-memory path of the same command (``--no-stream``: the
same bytes of CSV output, the same table, the same metrics), and
scikit-learn's ``LogisticRegression`` given the model file's ``coef_``,
``intercept_`` and ``classes_`` (its ``predict_proba``: sigmoid for two
classes, softmax for more), on a design built here with pandas.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import logistic
from conftest import run_cli

N = 1200
CHUNK = "250"  # five chunks; the first holds only level "a" of c


def _frame(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=N)
    k = rng.integers(1, 4, size=N)
    c = np.where(np.arange(N) < 250, "a", rng.choice(["a", "b", "c"], size=N))
    z = 0.8 * x + 0.9 * (c == "b") - 0.7 * (c == "c") + 0.3 * k - 0.6
    y = np.where(rng.random(N) < 1 / (1 + np.exp(-z)), "yes", "no")
    band = np.where(x < -0.5, "lo", np.where(x < 0.5, "mid", "hi"))
    noisy = np.where(rng.random(N) < 0.25, rng.choice(["lo", "mid", "hi"], N), band)
    ids = [f"{i:06d}" for i in range(N)]
    return pd.DataFrame({"id": ids, "x": x, "c": c, "k": k, "y": y, "band": noisy})


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The data (CSV and Parquet) and three models fitted on it: numeric
    columns, numeric + one-hot text column, a formula; and a K-class model."""
    import io
    import sys

    root = tmp_path_factory.mktemp("stream")
    d = _frame()
    csv = root / "d.csv"
    d.to_csv(csv, index=False)
    parquet = root / "d.parquet"
    d.to_parquet(parquet, index=False, row_group_size=300)
    models = {}
    fits = {
        "numeric": ["-t", "y", "--features", "x,k"],
        "onehot": ["-t", "y", "--features", "x,c,k"],
        "formula": ["-t", "y", "--formula", "y ~ x + C(c) + C(k) + x:k"],
        "multi": ["-t", "band", "--features", "x,c"],
    }
    from logistic.cli.app import main

    for name, options in fits.items():
        models[name] = root / f"{name}.json"
        out, err = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
        try:
            assert main(["fit", str(csv), "-o", str(models[name]), "-q", *options]) == 0
        finally:
            sys.stdout, sys.stderr = out, err
    return {"csv": csv, "parquet": parquet, "frame": d, **models}


def _predict(capsys, model, data, out, *options):
    args = ["predict", model, data, "-o", out, "-q", *options]
    return run_cli(capsys, args)


@pytest.mark.parametrize("model", ["numeric", "onehot", "formula", "multi"])
@pytest.mark.parametrize("source", ["csv", "parquet"])
def test_streamed_output_is_the_in_memory_output(tmp_path, capsys, files, model, source):
    whole, chunked = tmp_path / "whole.csv", tmp_path / "chunked.csv"
    keep = ["--keep", "id,c"]
    code, _, err = _predict(capsys, files[model], files[source], whole, *keep, "--no-stream")
    assert code == 0, err
    options = [*keep, "--stream", "--chunk-rows", CHUNK]
    code, _, err = _predict(capsys, files[model], files[source], chunked, *options)
    assert code == 0, err
    assert chunked.read_bytes() == whole.read_bytes()
    # Parquet output: the same table (its row groups are the chunks)
    code, _, err = _predict(
        capsys, files[model], files[source], tmp_path / "c.parquet", *options
    )
    assert code == 0, err
    code, _, err = _predict(
        capsys, files[model], files[source], tmp_path / "w.parquet", *keep, "--no-stream"
    )
    assert code == 0, err
    assert pq.read_table(tmp_path / "c.parquet").equals(pq.read_table(tmp_path / "w.parquet"))


def test_standard_output_streamed_is_the_in_memory_output(capsys, files):
    args = ["predict", files["onehot"], files["csv"], "-q", "--keep", "id"]
    code, whole, err = run_cli(capsys, [*args, "--no-stream"])
    assert code == 0, err
    code, chunked, err = run_cli(capsys, [*args, "--stream", "--chunk-rows", "7"])
    assert code == 0, err
    assert chunked == whole


def _sklearn(model_path, X):
    """scikit-learn's probabilities for the model file's coefficients."""
    from sklearn.linear_model import LogisticRegression

    model = logistic.load(model_path)
    ref = LogisticRegression()
    ref.coef_ = np.asarray(model.coef_, dtype=float)
    ref.intercept_ = np.asarray(model.intercept_, dtype=float)
    ref.classes_ = np.asarray(model.classes_)
    return ref.predict_proba(X)


def test_streamed_probabilities_equal_scikit_learn(tmp_path, capsys, files):
    d = files["frame"]
    # the design of "onehot": x, c's indicators of b and c (a: reference), k
    X = np.column_stack([d.x, d.c == "b", d.c == "c", d.k]).astype(float)
    assert list(logistic.load(files["onehot"]).feature_names_in_) == [
        "x", "c[T.b]", "c[T.c]", "k"
    ]
    out = tmp_path / "p.csv"
    code, _, err = _predict(capsys, files["onehot"], files["csv"], out, "--stream", "--chunk-rows", CHUNK)
    assert code == 0, err
    got = pd.read_csv(out)
    np.testing.assert_allclose(got.proba, _sklearn(files["onehot"], X)[:, 1], rtol=1e-12, atol=0)
    # K classes: softmax of the three equations, columns proba_<level>
    X = np.column_stack([d.x, d.c == "b", d.c == "c"]).astype(float)
    code, _, err = _predict(capsys, files["multi"], files["csv"], out, "--stream", "--chunk-rows", CHUNK, "--force")
    assert code == 0, err
    got = pd.read_csv(out)
    ref = _sklearn(files["multi"], X)
    classes = list(logistic.load(files["multi"]).classes_)
    for k, level in enumerate(classes):
        np.testing.assert_allclose(got[f"proba_{level}"], ref[:, k], rtol=1e-12, atol=1e-300)
    assert list(got.label) == [classes[i] for i in ref.argmax(axis=1)]


def test_levels_unseen_in_the_first_chunk_are_encoded_as_at_fit(tmp_path, capsys, files):
    d = files["frame"]
    assert set(d.c[:250]) == {"a"} and {"b", "c"} <= set(d.c[250:])
    out = tmp_path / "p.csv"
    code, _, err = _predict(capsys, files["onehot"], files["csv"], out, "--stream", "--chunk-rows", CHUNK)
    assert code == 0, err
    model = logistic.load(files["onehot"])
    b, c = model.coef_[0, 1], model.coef_[0, 2]
    logit = pd.read_csv(out).logit.to_numpy()
    base = model.intercept_[0] + model.coef_[0, 0] * d.x + model.coef_[0, 3] * d.k
    expected = base + b * (d.c == "b") + c * (d.c == "c")
    np.testing.assert_allclose(logit, expected, rtol=1e-12, atol=1e-12)


def test_a_level_unseen_at_fit_in_a_later_chunk(tmp_path, capsys, files):
    d = files["frame"].copy()
    d.loc[1000, "c"] = "zz"
    data = tmp_path / "new.csv"
    d.to_csv(data, index=False)
    out = tmp_path / "p.csv"
    code, _, err = _predict(capsys, files["onehot"], data, out, "--stream", "--chunk-rows", CHUNK)
    assert code == 65
    assert "['zz'] (first at line 1002)" in err  # header = line 1
    assert not out.exists()
    code, _, err = _predict(
        capsys, files["onehot"], data, out, "--stream", "--chunk-rows", CHUNK, "--unknown-levels", "na"
    )
    assert code == 0, err
    got = pd.read_csv(out, keep_default_na=False)
    assert got.proba[1000] == "" and got.label[1000] == ""
    assert "1 of 1200 rows not scored" in err


def test_a_bad_row_mid_file_names_the_file_and_its_line(tmp_path, capsys, files):
    text = files["csv"].read_text().splitlines()
    fields = text[900].split(",")
    fields[1] = "oops"  # x of data row 899, on line 901
    text[900] = ",".join(fields)
    data = tmp_path / "bad.csv"
    data.write_text("\n".join(text) + "\n")
    out = tmp_path / "p.csv"
    code, _, err = _predict(capsys, files["numeric"], data, out, "--stream", "--chunk-rows", CHUNK)
    assert code == 65
    assert f"column 'x' in {data} is numeric but has non-numeric value 'oops' at line 901" in err
    assert not out.exists()
    assert os.listdir(tmp_path) == ["bad.csv"]


def test_a_missing_value_mid_parquet_file_names_its_row(tmp_path, capsys, files):
    d = files["frame"].copy()
    d.loc[777, "x"] = np.nan
    data = tmp_path / "gap.parquet"
    d.to_parquet(data, index=False, row_group_size=100)
    out = tmp_path / "p.csv"
    code, _, err = _predict(capsys, files["numeric"], data, out, "--stream", "--chunk-rows", CHUNK)
    assert code == 65
    assert f"missing values in {data}: column 'x' (1 row(s), first at row 778)" in err
    assert not out.exists()


class _Injected(Exception):
    pass


@pytest.mark.parametrize("fault, code", [(_Injected, 1), (KeyboardInterrupt, 130)])
def test_a_failure_mid_way_leaves_no_file(tmp_path, capsys, files, monkeypatch, fault, code):
    from logistic.cli import _predict_stream

    calls = []
    write = _predict_stream._Writer.write

    def failing(self, table):
        calls.append(table.num_rows)
        if len(calls) == 3:  # two chunks written already
            raise fault()
        write(self, table)

    monkeypatch.setattr(_predict_stream._Writer, "write", failing)
    out = tmp_path / "p.csv"
    out.write_text("the previous predictions\n")
    options = ["--stream", "--chunk-rows", CHUNK, "--force"]
    assert _predict(capsys, files["numeric"], files["csv"], out, *options)[0] == code
    assert len(calls) == 3
    assert out.read_text() == "the previous predictions\n"  # as it was
    assert os.listdir(tmp_path) == ["p.csv"]  # no temporary file left
    out.unlink()
    calls.clear()
    assert _predict(capsys, files["numeric"], files["csv"], out, *options)[0] == code
    assert os.listdir(tmp_path) == []  # no partial file either


def test_header_only_file(tmp_path, capsys, files):
    data = tmp_path / "empty.csv"
    data.write_text("id,x,c,k\n")
    whole, chunked = tmp_path / "w.csv", tmp_path / "c.csv"
    assert _predict(capsys, files["onehot"], data, whole, "--no-stream")[0] == 0
    assert _predict(capsys, files["onehot"], data, chunked, "--stream")[0] == 0
    assert chunked.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize(
    "options, words",
    [
        (["--chunk-rows", "0"], "--chunk-rows must be at least 1, got 0"),
        (["--stream", "--format", "libsvm"], "--stream reads CSV and Parquet files"),
    ],
)
def test_refused_options(capsys, files, options, words):
    code, out, err = run_cli(capsys, ["predict", files["numeric"], files["csv"], *options])
    assert (code, out) == (2, "")
    assert words in err


@pytest.mark.parametrize("model", ["onehot", "multi"])
def test_streamed_evaluate_gives_the_in_memory_metrics(capsys, files, model):
    args = ["evaluate", files[model], files["csv"], "--json"]
    code, whole, err = run_cli(capsys, [*args, "--no-stream"])
    assert code == 0, err
    code, chunked, err = run_cli(capsys, [*args, "--stream", "--chunk-rows", CHUNK])
    assert code == 0, err
    assert chunked == whole


def test_long_rows_and_quoted_line_breaks(tmp_path, capsys, files):
    """A row longer than the reader's first 1 MiB block is read (the block
    grows, the rows before it not repeated), and a quoted line break shifts
    the lines that messages name, as in memory."""
    d = files["frame"].iloc[:600].copy()
    d["id"] = d["id"].astype(object)
    d.loc[3, "id"] = "long " + "z" * (3 * 2**20 // 2)  # 1.5 MiB
    d.loc[5, "id"] = "two\nlines"
    data = tmp_path / "odd.csv"
    d.to_csv(data, index=False)
    whole, chunked = tmp_path / "w.csv", tmp_path / "c.csv"
    keep = ["--keep", "id"]
    assert _predict(capsys, files["numeric"], data, whole, *keep, "--no-stream")[0] == 0
    code, _, err = _predict(capsys, files["numeric"], data, chunked, *keep, "--stream", "--chunk-rows", "100")
    assert code == 0, err
    assert chunked.read_bytes() == whole.read_bytes()
    d.loc[400, "x"] = np.nan  # data row 400: line 402, one more for row 5's break
    d.to_csv(data, index=False)
    code, _, err = _predict(capsys, files["numeric"], data, chunked, "--stream", "--chunk-rows", "100", "--force")
    assert code == 65
    assert "(1 row(s), first at line 403)" in err


def test_streamed_evaluate_of_weighted_and_grouped_rows(tmp_path, capsys, files):
    """The model's weights column (a missing weight dropped) and grouped
    successes out of trials: the same metrics read in chunks."""
    d = files["frame"].copy()
    d["w"] = np.random.default_rng(5).uniform(0.5, 2.0, len(d))
    d.loc[600, "w"] = np.nan
    weighted = tmp_path / "w.csv"
    d.to_csv(weighted, index=False)
    g = d.groupby(["c", "k"]).agg(s=("y", lambda v: int((v == "yes").sum())), n=("y", "size"), x=("x", "mean"))
    g = g.reset_index()
    g["f"] = g.n - g.s
    grouped = tmp_path / "g.csv"
    g.to_csv(grouped, index=False)
    cases = {
        "wm": (weighted, ["-t", "y", "--features", "x,c", "--weights", "w", "--missing", "drop"]),
        "gm": (grouped, ["--formula", "cbind(s, f) ~ x + C(c)"]),
    }
    for name, (data, options) in cases.items():
        model = tmp_path / f"{name}.json"
        assert run_cli(capsys, ["fit", data, "-o", model, "-q", *options])[0] == 0
        args = ["evaluate", model, data, "--json", "--missing", "drop"]
        code, whole, err = run_cli(capsys, [*args, "--no-stream"])
        assert code == 0, err
        code, chunked, err = run_cli(capsys, [*args, "--stream", "--chunk-rows", "5"])
        assert code == 0, err
        assert chunked == whole


def test_excel_safe_prefixes_the_same_values_whatever_the_chunk(tmp_path, capsys, files):
    """--excel-safe decides value by value: a plain number (-3) is left as it
    is (a spreadsheet reads it as a number, never as a formula), a formula
    (=1+1) is prefixed, whichever rows a chunk holds (the first chunk here
    holds only numbers: a rule by column had written -3 there and '-3 in
    the chunk holding the formula, unlike the file read whole)."""
    d = files["frame"].head(20).copy()
    d["note"] = ["-3"] * 5 + ["=1+1"] + ["-3", "+4", "NA", "@x"] * 3 + ["-y", ""]
    data = tmp_path / "note.csv"
    d.to_csv(data, index=False)
    keep = ["--keep", "note", "--excel-safe"]
    whole, chunked = tmp_path / "whole.csv", tmp_path / "chunked.csv"
    code, _, err = _predict(capsys, files["numeric"], data, whole, *keep, "--no-stream")
    assert code == 0, err
    options = [*keep, "--stream", "--chunk-rows", "3"]
    code, _, err = _predict(capsys, files["numeric"], data, chunked, *options)
    assert code == 0, err
    assert chunked.read_bytes() == whole.read_bytes()
    got = pd.read_csv(whole, dtype=str, keep_default_na=False).note.tolist()
    # OWASP's CSV-injection rule: a ' before = + - @ unless a plain number
    expected = ["-3"] * 5 + ["'=1+1"] + ["-3", "+4", "NA", "'@x"] * 3 + ["'-y", ""]
    assert got == expected


def test_an_error_counted_in_one_chunk_says_so(tmp_path, capsys, files):
    """An error found in a chunk names the file's first bad row (the chunks
    before it passed) but counts only that chunk's rows: the message says
    which rows it counted, where the file read whole counts all three."""
    d = files["frame"].copy()
    d["x"] = d["x"].astype(object)
    d.loc[[260, 700, 1100], "x"] = "oops"  # three chunks of 250 rows
    data = tmp_path / "bad.csv"
    d.to_csv(data, index=False)
    assert (d.x == "oops").sum() == 3  # pandas' count of the bad values
    out = tmp_path / "p.csv"
    code, _, err = _predict(capsys, files["numeric"], data, out, "--no-stream")
    assert code == 65 and "at line 262 (3 such value(s))" in err
    code, _, err = _predict(capsys, files["numeric"], data, out, "--stream", "--chunk-rows", CHUNK)
    assert code == 65
    assert "at line 262 (1 such value(s))" in err  # the chunk of rows 251-500
    assert "any count or list here is of the chunk holding the first, data rows 251 to 500" in " ".join(err.split())
    assert not out.exists()
    # a file that fits in one chunk is counted whole, and said as it is
    small = tmp_path / "small.csv"
    d.head(300).to_csv(small, index=False)
    code, _, err = _predict(capsys, files["numeric"], small, out, "--stream", "--chunk-rows", "1000")
    assert code == 65 and "(1 such value(s))" in err and "chunks" not in err


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_chunk_rows_of_a_file_read_whole_is_noted(capsys, files, command):
    """--chunk-rows on a file read whole (small, no --stream) did nothing and
    said nothing; it is noted, as fit notes it of an in-memory fit."""
    args = [command, files["numeric"], files["csv"], "--chunk-rows", "100"]
    code, _, err = run_cli(capsys, args)
    assert code == 0, err
    assert "--chunk-rows is used only when reading in chunks" in " ".join(err.split())
    code, _, err = run_cli(capsys, [*args, "--stream"])
    assert code == 0, err
    assert "--chunk-rows is used only" not in err


def test_a_wide_model_in_odd_chunks_agrees_to_the_last_bit(tmp_path, capsys):
    """Twelve features in chunks of 7 rows (and a last chunk of one row):
    BLAS sums a row's terms in an order that depends on the rows it is given,
    so a logit may differ from the in-memory one in its last bit (docs/cli.md,
    "The same output"), never by more than a dot product's rounding (k eps
    times the terms' magnitudes); both are scikit-learn's decision_function
    for the model file's coefficients to rounding."""
    from sklearn.linear_model import LogisticRegression as SkLogit

    rng = np.random.default_rng(5)
    n, k = 351, 12  # 50 chunks of 7, then one row
    X = rng.normal(size=(n, k))
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ rng.normal(size=k) * 0.3))).astype(int)
    names = [f"f{i}" for i in range(k)]
    frame = pd.DataFrame(X, columns=names).assign(y=y)
    data = tmp_path / "wide.csv"
    frame.to_csv(data, index=False)
    model = tmp_path / "m.json"
    fit = ["fit", data, "-t", "y", "--features", ",".join(names), "-o", model, "-q"]
    assert run_cli(capsys, fit)[0] == 0
    whole, chunked = tmp_path / "w.csv", tmp_path / "c.csv"
    assert _predict(capsys, model, data, whole, "--no-stream")[0] == 0
    options = ["--stream", "--chunk-rows", "7"]
    assert _predict(capsys, model, data, chunked, *options)[0] == 0
    a, b = pd.read_csv(whole).logit.to_numpy(), pd.read_csv(chunked).logit.to_numpy()
    fitted = logistic.load(model)
    # a sum of k + 1 terms in another order: within k eps of the terms' sum
    # of magnitudes (the textbook bound of a dot product's rounding)
    terms = np.abs(X) @ np.abs(fitted.coef_[0]) + abs(fitted.intercept_[0])
    assert np.all(np.abs(a - b) <= k * np.finfo(float).eps * terms)
    ref = SkLogit()
    ref.coef_, ref.intercept_ = np.asarray(fitted.coef_), np.asarray(fitted.intercept_)
    ref.classes_ = np.asarray(fitted.classes_)
    want = ref.decision_function(frame[names].to_numpy(float))
    np.testing.assert_allclose(b, want, rtol=1e-13, atol=1e-15)
