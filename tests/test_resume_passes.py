"""Passes counted across a resume.

A fit resumed from a checkpoint counts the passes the whole fit made: its
``n_passes_`` and its history's ``n_passes`` continue from the checkpoint's
(the reference: the same fit run without interruption, whose history a
bitwise resume repeats), never counting the pass that checks the stored
state against the data. ``logistic fit --stream`` reports both: ``passes``,
what this run read (the rows and the rate are this run's; a resumed run's
count includes its check of the checkpoint), and ``fit_passes``, the
solver's passes of the whole fit, the uninterrupted fit's number.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from logistic.cli.app import main
from test_checkpoint_forged import Crash, _dense, _model
from test_cli_stream import _table

pytestmark = pytest.mark.filterwarnings("ignore::logistic.ConvergenceWarning")


@pytest.mark.parametrize("solver", ["newton", "gd", "newton-cg"])
def test_a_resumed_fit_counts_the_passes_of_the_whole_fit(tmp_path, solver):
    X, y = _dense()
    full = _model(solver).fit(X, y)
    path = tmp_path / "c.json"

    def stop(entry):
        if entry["iter"] == 3:
            raise Crash

    with pytest.raises(Crash):
        _model(solver).fit(X, y, checkpoint=path, callback=stop)
    resumed = _model(solver).fit(X, y, checkpoint=path)
    np.testing.assert_array_equal(resumed.coef_, full.coef_)
    assert [e["n_passes"] for e in resumed.history_] == [
        e["n_passes"] for e in full.history_
    ]
    assert resumed.n_passes_ == full.n_passes_


def _streamed(capsys, out, *extra):
    argv = ["fit", "d.parquet", "-t", "y", "--drop", "id", "-o", out, "--json"]
    argv += ["--stream", "--chunk-rows", "5000", "--solver", "newton", *extra]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)["streaming"], captured.err


def test_a_resumed_stream_fit_reports_the_fits_passes(workdir, capsys):
    """Uninterrupted: 7 solver passes (6 Newton iterations and the start),
    12 reads in all. Stopped at iteration 2 by --max-iter, then resumed: the
    fit's passes are again 7, and this run's reads are its own."""
    pq.write_table(_table(n=20_000), workdir / "d.parquet")
    plain, _ = _streamed(capsys, "plain.json", "--checkpoint", "c0.ckpt")
    part, _ = _streamed(capsys, "part.json", "--checkpoint", "c1.ckpt",
                        "--max-iter", "2")  # fmt: skip
    resumed, err = _streamed(capsys, "resumed.json", "--checkpoint", "c1.ckpt")
    assert err.count("resumed from checkpoint c1.ckpt") == 1  # said once
    assert plain["fit_passes"] == resumed["fit_passes"] == 7
    assert part["fit_passes"] == 3
    assert plain["resumed"] is part["resumed"] is False and resumed["resumed"]
    # this run's reads: the setup and inference passes of every run, the
    # fit's passes after iteration 2 (4) and one pass checking the checkpoint
    setup = plain["passes"] - plain["fit_passes"]
    assert resumed["passes"] == setup + (7 - 3) + 1


def test_a_stream_fit_resumed_from_the_previous_checkpoint_says_so(workdir, capsys):
    """With the latest checkpoint gone, the fit resumes from ``<ckpt>.prev``
    (Checkpointer.load's fallback). Before: 'resumed' was whether the latest
    existed, so this resumed fit reported resumed false and no note."""
    pq.write_table(_table(n=20_000), workdir / "d.parquet")
    _streamed(capsys, "part.json", "--checkpoint", "c.ckpt", "--max-iter", "3")
    (workdir / "c.ckpt").replace(workdir / "c.ckpt.prev")
    resumed, err = _streamed(capsys, "resumed.json", "--checkpoint", "c.ckpt")
    assert resumed["resumed"] is True
    assert "resumed from checkpoint c.ckpt.prev" in err
    assert resumed["fit_passes"] == 7  # the uninterrupted fit's


def test_lbfgs_resumes_as_a_warm_restart(tmp_path):
    """lbfgs keeps only its point: the resume restarts scipy there. The
    history's count continues from the checkpoint's (never decreasing) and
    the coefficients agree within tol, but n_passes_ and the history after
    the resume are not the uninterrupted fit's (docs/reliability.md)."""
    X, y = _dense()
    full = _model("lbfgs").fit(X, y)
    path = tmp_path / "c.json"

    def stop(entry):
        if entry["iter"] == 3:
            raise Crash

    with pytest.raises(Crash):
        _model("lbfgs").fit(X, y, checkpoint=path, callback=stop)
    resumed = _model("lbfgs").fit(X, y, checkpoint=path)
    passes = [e["n_passes"] for e in resumed.history_]
    assert passes[:3] == [e["n_passes"] for e in full.history_][:3]
    assert passes == sorted(passes) and resumed.n_passes_ == passes[-1]
    np.testing.assert_allclose(resumed.coef_, full.coef_, atol=1e-6)
