"""A checkpoint written by an in-memory fit resumes with a streamed fit of the
same file, and the other way round (one fingerprint for the same rows:
``logistic.backends._fingerprint``); a changed row is still refused, and a
checkpoint of another reading that differs says which reading wrote it."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from conftest import run_cli

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

N = 3000


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOGISTIC_NO_PROGRESS", "1")
    return tmp_path


def _frame(seed: int = 0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {"customer_id": np.arange(N), "a": rng.normal(size=N), "b": rng.normal(size=N)}
    )
    churned = rng.random(N) < 1 / (1 + np.exp(-df["a"]))
    df["churn"] = np.where(churned, "Churned", "Stayed")
    return df


def _fit(capsys, *extra, out="m.json", cache=("--no-cache",)):
    args = ["fit", "num.parquet", "--target", "churn", "--positive", "Churned"]
    args += ["--drop", "customer_id", "--checkpoint", "m.ckpt", "-o", out]
    cache = cache if "--stream" in extra else ()  # only a stream caches
    code, _, err = run_cli(capsys, [*args, "--force", "-q", *extra, *cache])
    return code, err


def _params(path):
    model = json.loads(open(path).read())["model"]
    return np.array([model["intercept"], *model["coef"]])


STREAM = ("--stream", "--chunk-rows", "700")  # five chunks


@pytest.mark.parametrize(
    ("first", "then"), [((), STREAM), (STREAM, ())], ids=["memory-stream", "stream-memory"]
)
def test_checkpoint_resumes_across_readings(workdir, capsys, first, then):
    _frame().to_parquet("num.parquet")
    code, err = _fit(capsys, *first, out="first.json")
    assert code == 0, err
    assert (workdir / "m.ckpt").exists()  # a finished fit keeps its checkpoint
    code, err = _fit(capsys, *then, out="then.json")
    assert code == 0, err  # was 65: "rows were added, removed or changed"
    if "--stream" in then:
        assert "resumed from checkpoint m.ckpt" in err
    np.testing.assert_allclose(_params("then.json"), _params("first.json"), atol=1e-8)


def test_cached_stream_resumes_in_memory_checkpoint(workdir, capsys):
    _frame().to_parquet("num.parquet")
    cache = ("--cache-dir", str(workdir / "cache"))
    assert _fit(capsys, *STREAM, out="s.json", cache=cache)[0] == 0  # writes it
    (workdir / "m.ckpt").unlink()
    (workdir / "m.ckpt.prev").unlink(missing_ok=True)
    assert _fit(capsys, out="m.json")[0] == 0
    code, err = _fit(capsys, *STREAM, out="c.json", cache=cache)  # from the cache
    assert code == 0, err
    np.testing.assert_allclose(_params("c.json"), _params("m.json"), atol=1e-8)


@pytest.mark.parametrize("first", [(), STREAM], ids=["memory", "stream"])
def test_changed_row_still_refused(workdir, capsys, first):
    df = _frame()
    df.to_parquet("num.parquet")
    assert _fit(capsys, *first)[0] == 0
    df.loc[1234, "b"] += 1e-9
    df.to_parquet("num.parquet")
    for then in ((), STREAM):
        code, err = _fit(capsys, *then)
        assert code == 65, err
        assert "rows were added, removed or changed" in err
    df = _frame()
    df.loc[17, "churn"] = "Churned" if df.loc[17, "churn"] == "Stayed" else "Stayed"
    df.to_parquet("num.parquet")
    for then in ((), STREAM):
        assert _fit(capsys, *then)[0] == 65


def test_positive_class_is_part_of_the_fingerprint(workdir, capsys):
    _frame().to_parquet("num.parquet")
    assert _fit(capsys)[0] == 0
    args = ["fit", "num.parquet", "--target", "churn", "--positive", "Stayed"]
    args += ["--drop", "customer_id", "--checkpoint", "m.ckpt", "-o", "x.json"]
    code, _, err = run_cli(capsys, [*args, "--force", "-q", *STREAM, "--no-cache"])
    assert code == 65, err


def test_backends_agree_on_the_fingerprint(tmp_path):
    from logistic.backends._dispatch import as_backend, in_memory

    df = _frame()
    df["k"] = np.arange(N) % 2
    df["m"] = np.arange(N) % 3
    path = tmp_path / "d.parquet"
    df.to_parquet(path)
    X = df[["a", "b"]]
    for target, positive, multi in (
        ("churn", "Churned", False),
        ("churn", None, False),
        ("k", None, False),
        ("m", None, True),
    ):
        streamed = as_backend(
            str(path), target, features=["a", "b"], positive=positive, cache=False,
            chunk_rows=611, multiclass=multi,
        )  # fmt: skip
        y = df[target].to_numpy()
        memory = in_memory(X, y, multiclass=multi)
        if positive is not None:  # the CLI's way: classes [0, 1], y encoded
            memory = in_memory(X, (y == positive).astype(float))
        assert memory.fingerprint == streamed.fingerprint, (target, positive)


def _rewrite_fingerprint(path, fingerprint):
    doc = json.loads(path.read_text())
    payload = doc["payload"]
    payload["fingerprint"] = fingerprint
    payload["config"].pop("reading", None)  # as an earlier version wrote it
    text = json.dumps(payload, sort_keys=True)
    doc["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    path.write_text(json.dumps(doc, sort_keys=True))


def test_earlier_in_memory_checkpoint_still_resumes(tmp_path):
    import logistic
    from logistic.backends._dispatch import in_memory

    df = _frame()
    X, y = df[["a", "b"]].to_numpy(), df["churn"].to_numpy()
    ckpt = tmp_path / "m.ckpt"
    first = logistic.LogisticRegression(penalty=None).fit(X, y, checkpoint=ckpt)
    (earlier,) = in_memory(X, y).earlier_fingerprints()
    _rewrite_fingerprint(ckpt, earlier)
    again = logistic.LogisticRegression(penalty=None).fit(X, y, checkpoint=ckpt)
    np.testing.assert_allclose(again.coef_, first.coef_, atol=1e-8)


def test_earlier_checkpoint_refused_by_a_stream_says_why(workdir, capsys):
    from logistic.backends._dispatch import in_memory

    df = _frame()
    df.to_parquet("num.parquet")
    assert _fit(capsys)[0] == 0
    y = (df["churn"] == "Churned").astype(float).to_numpy()
    (earlier,) = in_memory(df[["a", "b"]], y).earlier_fingerprints()
    _rewrite_fingerprint(workdir / "m.ckpt", earlier)
    code, err = _fit(capsys, *STREAM)
    assert code == 65
    assert "an in-memory fit of an earlier version wrote it" in err
    assert "without --stream or --workers" in err
    assert _fit(capsys)[0] == 0  # in memory it resumes


def test_earlier_in_memory_formula_is_the_one_earlier_versions_wrote():
    """The digests below were computed by the in-memory backend of ``b8d0ea0``
    (``InMemory(X, y[, w]).fingerprint``, run from that commit's tree): the
    formula kept for older checkpoints must give them bit for bit."""
    from logistic.backends._fingerprint import earlier_fingerprint

    X = np.arange(12.0).reshape(4, 3)
    y = np.array([0.0, 1.0, 0.0, 1.0])
    w = np.array([1.0, 2.0, 1.0, 1.0])
    assert earlier_fingerprint(X, y, None, None) == "3a5a7718945ad8ecea757f3c2d4594e7"
    assert earlier_fingerprint(X, y, w, None) == "6c84db6b2abf06778bf8e91b160724a2"
