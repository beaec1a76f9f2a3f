"""A CSV column of 0/1 whose later rows (past the chunked readers' first
block) hold ``true``, read alike whole and in chunks.

pyarrow's CSV inference tries integers, then booleans (whose words include
``0`` and ``1``), so the whole-file reader reads such a column as booleans:
a feature 0/1, a target whose ``true`` is the class of ``1`` (false/true and
0/1 are one label pair, RELIABILITY.md decision 6 and
``tabular._labels.apply_labels``). The chunked readers typed the column from
their first block as numbers and refused ``true`` as a non-number (exit 65):
``evaluate --stream``, ``predict --stream`` and ``fit --stream``. A label
the model does not know (``yes``) is refused in the whole file's words.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from scipy.special import expit
from sklearn.metrics import log_loss, roc_auc_score

from conftest import run_cli, run_cli_process

ROWS = 140_000  # "-0.1234,0\n": ~1.3 MB, past the chunked readers' 1 MiB block
LATE = ROWS - 5


def _write(path, late: str, *, feature: bool = False, n: int = ROWS) -> None:
    """``x,y`` (or ``f,x,y`` with a 0/1 feature ``f``) of ``n`` rows whose
    row ``n - 5`` (LATE) holds ``late`` in y (in f with ``feature``)."""
    rng = np.random.default_rng(5)
    f = rng.integers(0, 2, n)
    x = rng.normal(size=n).round(4)
    y = (rng.random(n) < expit(x + f - 0.5)).astype(int)
    rows = [[str(a), str(b), str(c)] for a, b, c in zip(f, x, y, strict=True)]
    rows[n - 5][0 if feature else 2] = late
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["f", "x", "y"] if feature else ["x", "y"])
        w.writerows(rows if feature else [r[1:] for r in rows])
        fh.flush()
        assert fh.tell() > 1 << 20


def _fit_head(workdir, capsys, data) -> dict:
    """A model fitted on the first 2 000 rows (read whole), its file's fields."""
    head = workdir / "head.csv"
    head.write_text("".join(data.read_text().splitlines(keepends=True)[:2001]))
    code, _, err = run_cli(capsys, ["fit", head, "-t", "y", "-o", "m.json", "-q"])
    assert code == 0, err
    return json.loads((workdir / "m.json").read_text())


READINGS = [["--no-stream"], ["--stream"], ["--stream", "--chunk-rows", "1000"]]


def test_evaluate_reads_a_late_true_as_the_class_of_1(workdir, capsys):
    data = workdir / "d.csv"
    _write(data, "true")
    model = _fit_head(workdir, capsys, data)["model"]
    # reference: scikit-learn's metrics of the model's probabilities, the
    # labels read by Python's csv module with ``true`` as 1
    with open(data, newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    x = np.array([float(r[0]) for r in rows])
    y = np.array([1 if r[1] in ("1", "true") else 0 for r in rows])
    p = expit(model["intercept"] + model["coef"][0] * x)
    for reading in READINGS:
        argv = ["evaluate", "m.json", data, "-t", "y", "--json", *reading]
        code, out, err = run_cli(capsys, argv)
        assert code == 0, (reading, err)
        got = json.loads(out)
        assert got["n_samples"] == ROWS and got["n_positive"] == int(y.sum()), reading
        assert got["log_loss"] == pytest.approx(log_loss(y, p), rel=1e-10), reading
        assert got["roc_auc"] == pytest.approx(roc_auc_score(y, p), rel=1e-10)


def test_evaluate_names_an_unknown_label_as_the_whole_file_does(workdir, capsys):
    data = workdir / "d.csv"
    _write(data, "yes")
    _fit_head(workdir, capsys, data)
    said = (
        "error: target column 'y' in d.csv has values the model was not trained "
        "on: 'yes' (n=1) (expected 0 or 1)"
    )
    for reading in READINGS[:2]:  # one chunk of 140 000 rows holds the file
        argv = ["evaluate", "m.json", "d.csv", "-t", "y", *reading]
        code, _, err = run_cli(capsys, argv)
        assert (code, err.strip()) == (65, said), reading


def test_predict_and_fit_read_a_late_true_feature_as_1(workdir, capsys):
    data = workdir / "d.csv"
    _write(data, "true", feature=True)
    outputs, coefs = [], []
    for reading in (["--no-stream"], ["--stream"]):
        argv = ["fit", data, "-t", "y", "-o", "f.json", "-q", "--force", *reading]
        argv += ["--no-cache"] if reading == ["--stream"] else []
        code, _, err = run_cli(capsys, argv)
        assert code == 0, (reading, err)
        coefs.append(json.loads((workdir / "f.json").read_text())["model"]["coef"])
    for reading in (["--no-stream"], ["--stream"]):  # one model, both readings
        out = workdir / "p.csv"
        argv = ["predict", "f.json", data, "-o", out, "--force", *reading]
        code, _, err = run_cli(capsys, argv)
        assert code == 0, (reading, err)
        outputs.append(out.read_text())
    np.testing.assert_allclose(coefs[1], coefs[0], rtol=1e-7)
    assert outputs[1] == outputs[0]
    # the late row scored with f = 1: its logit from the model's coefficients
    model = json.loads((workdir / "f.json").read_text())["model"]
    with open(data, newline="") as fh:
        late = list(csv.reader(fh))[LATE + 1]
    w = model["coef"]
    logit = model["intercept"] + w[0] * 1 + w[1] * float(late[1])
    assert outputs[1].splitlines()[0].split(",")[-1].strip('"') == "logit"
    scored = outputs[1].splitlines()[LATE + 1].split(",")
    assert float(scored[-1]) == pytest.approx(logit, rel=1e-12)


@pytest.mark.parametrize(("late", "label"), [("true", True), ("1.0", 1.0)])
def test_fit_stream_reads_a_late_target_value_as_the_whole_file(
    workdir, capsys, monkeypatch, late, label
):
    # the streamed fit types its target from its first 8 MiB of text; 1 MiB
    # here, so that a 1.3 MB file holds the value past it
    monkeypatch.setattr("logistic.backends.chunked.DEFAULT_BLOCK_BYTES", 1 << 20)
    data = workdir / "d.csv"
    _write(data, late)
    fits = []
    for reading in (["--no-stream"], ["--stream", "--no-cache"], ["--stream"]):
        argv = ["fit", data, "-t", "y", "-o", "m.json", "-q", "--force", *reading]
        code, _, err = run_cli(capsys, argv)
        assert code == 0, (reading, err)
        fits.append(json.loads((workdir / "m.json").read_text()))
    for fit in fits:
        mapping = fit["encoding"]["label"]
        assert mapping["positive"] == label and type(mapping["positive"]) is type(label)
    for fit in fits[1:]:
        np.testing.assert_allclose(
            fit["model"]["coef"], fits[0]["model"]["coef"], rtol=1e-7
        )


@pytest.mark.dask
def test_a_dask_fit_reads_a_late_true_feature_as_1(workdir, capsys):
    # fit --workers: pandas read the feature as float64 and failed on 'true'
    # ("could not convert string to float"), named by the streamed reader; it
    # now reads the column as booleans, as the whole file does
    pytest.importorskip("distributed")
    _write(workdir / "d.csv", "true", feature=True)
    argv = ["fit", "d.csv", "-t", "y", "-o", "m.json", "-q", "--force"]
    code, _, err = run_cli(capsys, [*argv, "--no-stream"])
    assert code == 0, err
    whole = json.loads((workdir / "m.json").read_text())["model"]["coef"]
    code, _, err = run_cli_process(workdir, [*argv, "--workers", "1"])
    assert code == 0, err
    dask = json.loads((workdir / "m.json").read_text())["model"]["coef"]
    np.testing.assert_allclose(dask, whole, rtol=1e-7)


@pytest.mark.dask
def test_a_dask_fit_reads_a_boolean_target_as_the_whole_file(workdir, capsys):
    # fit --workers: Dask typed y int64 from its first rows and failed on the
    # 'true' of row 100 (exit 65), and with 'true' in its first row read 0, 1
    # and 'true' as three classes; the whole file reads y as booleans
    pytest.importorskip("distributed")
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    x = rng.normal(size=3000).round(4)
    y = (rng.random(3000) < expit(x)).astype(int)
    for row in (100, 0):
        labels = [str(v) for v in y]
        labels[row] = "true"
        (workdir / "b.csv").write_text(
            "x,y\n" + "".join(f"{a},{b}\n" for a, b in zip(x, labels, strict=True))
        )
        argv = ["fit", "b.csv", "-t", "y", "-o", "m.json", "-q", "--force"]
        code, _, err = run_cli_process(workdir, [*argv, "--workers", "1"])
        assert code == 0, (row, err)
        fit = json.loads((workdir / "m.json").read_text())
        label = fit["encoding"]["label"]
        assert (label["negative"], label["positive"]) == (False, True), row
        # reference: statsmodels' Logit of y with 'true' as 1
        ref = sm.Logit(np.where(np.arange(3000) == row, 1, y), sm.add_constant(x))
        params = ref.fit(disp=0).params
        model = fit["model"]
        got = [model["intercept"], *model["coef"]]
        np.testing.assert_allclose(got, params, rtol=1e-6, err_msg=str(row))


@pytest.mark.dask
def test_a_dask_fit_reads_a_late_true_target_as_the_whole_file(workdir, capsys):
    # past the plan's first block: pandas' int64 target failed on 'true'.
    # Past pandas' first 2**18 rows of a partition too: the first read, which
    # the retry reading y as booleans makes void, warned "DtypeWarning:
    # Columns (1: y) have mixed types" on the fit's standard error
    pytest.importorskip("distributed")
    _write(workdir / "d.csv", "true", n=(1 << 18) + 10_000)
    argv = ["fit", "d.csv", "-t", "y", "-o", "m.json", "-q", "--force"]
    code, _, err = run_cli(capsys, [*argv, "--no-stream"])
    assert code == 0, err
    whole = json.loads((workdir / "m.json").read_text())
    code, _, err = run_cli_process(workdir, [*argv, "--workers", "1"])
    assert code == 0, err
    assert "DtypeWarning" not in err and "mixed types" not in err, err
    dask = json.loads((workdir / "m.json").read_text())
    assert dask["encoding"]["label"] == whole["encoding"]["label"]
    assert whole["encoding"]["label"]["positive"] is True
    np.testing.assert_allclose(dask["model"]["coef"], whole["model"]["coef"], rtol=1e-7)



def _write_words(path, rows: int, words: dict[int, str]) -> tuple[np.ndarray, list[str]]:
    """``x,y`` of ``rows`` rows, labels 0/1 but for ``words`` (row: word)."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=rows).round(4)
    labels = [str(v) for v in (rng.random(rows) < expit(x - 0.5)).astype(int)]
    for row, word in words.items():
        labels[row] = word
    path.write_text("x,y\n" + "".join(f"{a},{b}\n" for a, b in zip(x, labels, strict=True)))
    return x, labels


@pytest.mark.dask
@pytest.mark.parametrize(
    ("rows", "words"),
    [(3000, {100: "true", 2000: "maybe"}), (ROWS, {100: "true", LATE: "yes"})],
    ids=["first-block", "late"],
)
def test_a_word_among_numeric_labels_makes_them_text_in_every_reading(
    workdir, capsys, monkeypatch, rows, words
):
    # fit --workers: Dask typed y int64 from its first rows and refused the
    # 'true' of row 100 (exit 65, though the other readings take it as a
    # label), or, 'true' in the plan's first 1 MB and 'yes' only past it,
    # read y as booleans and failed on 'yes'; fit --stream refused a word past
    # its first block (exit 65). Every reading now types y as the whole file
    # does: text, four labels, each rare one warned of as in memory.
    pytest.importorskip("distributed")
    import statsmodels.api as sm

    # --stream types its target from its first 8 MiB of text; 1 MiB here,
    # so that the late 'yes' of a 1.3 MB file lies past it
    monkeypatch.setattr("logistic.backends.chunked.DEFAULT_BLOCK_BYTES", 1 << 20)
    x, labels = _write_words(workdir / "d.csv", rows, words)
    levels = sorted(set(labels))
    assert len(levels) == 4
    argv = ["fit", "d.csv", "-t", "y", "-o", "m.json", "-q", "--force"]
    if rows == ROWS:  # labels and warnings only: one iteration of a long file
        argv += ["--max-iter", "1"]
    fits, warned = [], []
    for reading in (["--no-stream"], ["--stream", "--no-cache"], ["--workers", "1"]):
        if "--workers" in reading:
            code, _, err = run_cli_process(workdir, [*argv, *reading])
        else:
            code, _, err = run_cli(capsys, [*argv, *reading])
        assert code == 0, (reading, err)
        fits.append(json.loads((workdir / "m.json").read_text()))
        warned.append([line for line in err.splitlines() if "'y': 4 classes" in line])
    # each rare label's row count as written, in every reading's warning
    assert [w.split(" has ")[1].split(" row")[0] for w in warned[0]] == ["1", "1"]
    assert warned[1] == warned[2] == warned[0]
    for reading, fit in zip(("memory", "stream", "dask"), fits, strict=True):
        assert fit["encoding"]["label"] == {"column": "y", "levels": levels}, reading
    if rows == ROWS:
        return
    # reference: statsmodels' MNLogit of the labels as written, sorted
    codes = np.searchsorted(levels, labels)
    params = sm.MNLogit(codes, sm.add_constant(x)).fit(disp=0, method="newton").params
    for reading, fit in zip(("memory", "stream", "dask"), fits, strict=True):
        model = fit["model"]
        got = np.array([model["intercept"][1:], np.ravel(model["coef"][1:])])
        np.testing.assert_allclose(got, params, rtol=1e-5, err_msg=reading)


def _labels_file(path, labels) -> None:
    """``x,y``: a normal ``x`` beside ``labels`` as written."""
    x = np.random.default_rng(9).normal(size=len(labels)).round(4)
    path.write_text("x,y\n" + "".join(f"{a},{b}\n" for a, b in zip(x, labels, strict=True)))


@pytest.mark.dask
def test_positive_among_three_classes_is_refused_alike(workdir, capsys):
    # in memory listed the classes with their rows (exit 65); --stream and
    # Dask said "... has more than two levels (use --reference LEVEL ...)"
    # (exit 2). Now one wording, each label with its rows (the scans, which
    # gather labels but not their rows, read the target again to count them).
    pytest.importorskip("distributed")
    labels = np.random.default_rng(7).integers(0, 3, 300)
    _labels_file(workdir / "k.csv", labels)
    n = np.bincount(labels)  # reference: numpy's count of the labels written
    head = (
        "error: --positive applies to a target of two classes; the target "
        "column 'y' in k.csv has 3 "
    )
    tail = (
        ": for two classes, correct or drop the rows of the other values (a value "
        "in a few rows is often a typo or a stray label); for a multi-class model "
        "of them all, leave --positive out (--reference chooses its reference class)"
    )
    counted = f"{head}(0 (n={n[0]}), 1 (n={n[1]}), 2 (n={n[2]})){tail}"
    argv = ["fit", "k.csv", "-t", "y", "--positive", "1", "-o", "m.json"]
    for reading in (["--no-stream"], ["--stream"]):
        code, _, err = run_cli(capsys, [*argv, *reading])
        assert (code, err.strip()) == (65, counted), reading
    code, _, err = run_cli_process(workdir, [*argv, "--workers", "1"])
    assert (code, err.strip()) == (65, counted)
    assert not (workdir / "m.json").exists()


@pytest.mark.dask
def test_a_half_among_0_1_labels_is_a_continuous_target_alike(workdir, capsys):
    # 0/1 labels and a 0.5 in row 50 000 of 60 000: three refusals in three
    # wordings ("... (0.5 among 3 values)" on --stream, "holds integer labels
    # and '0.5' at line ..." on Dask). Now one: the in-memory words, the rows
    # of each value and the 0.5's line, in every reading.
    pytest.importorskip("distributed")
    labels = (np.random.default_rng(8).random(60_000) < 0.4).astype(int).astype(str)
    labels = labels.astype(object)
    labels[50_000] = "0.5"
    _labels_file(workdir / "h.csv", labels)
    n0, n1 = int((labels == "0").sum()), int((labels == "1").sum())
    counted = f"0 (n={n0}), 0.5 (n=1), 1 (n={n1})"
    line = "0.5 first at line 50002"  # the header is line 1, row 0 line 2
    tail = (
        ": a continuous target, not classes; proportions of grouped trials are "
        "fitted from their counts: --target SUCCESSES --trials TRIALS, or the "
        "formula 'cbind(successes, failures) ~ ...'"
    )
    head = "error: target column 'y' in h.csv holds non-integral numbers "
    argv = ["fit", "h.csv", "-t", "y", "-o", "m.json"]
    readings = [["--no-stream"], ["--stream"], ["--stream", "--chunk-rows", "1000"]]
    for reading in readings:
        code, _, err = run_cli(capsys, [*argv, *reading])
        assert (code, err.strip()) == (65, f"{head}({counted}; {line}){tail}"), reading
    code, _, err = run_cli_process(workdir, [*argv, "--workers", "1"])
    assert (code, err.strip()) == (65, f"{head}({counted}; {line}){tail}")
    assert not (workdir / "m.json").exists()
