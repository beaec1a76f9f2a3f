"""The report's confusion matrix names the classes as the data spells them and
as every other command writes them: a LibSVM file's -1/+1 labels were headed
``actual -1.0`` / ``predicted 1.0`` (the stored labels are floats), a true/false
target ``True`` / ``False``, while the page's own header ("positive class:
label = 1") and ``logistic evaluate`` wrote ``-1``, ``1``, ``true``. The
reference is the data file's labels as written in it."""

from __future__ import annotations

import re

import pytest

from conftest import run_cli

pytest.importorskip("matplotlib")


def _confusion_headers(page: str) -> list[str]:
    table = re.search(r'<table id="confusion">(.*?)</table>', page, re.S)
    assert table is not None
    return re.findall(r"<t[hd]>((?:actual|predicted) [^<]*)</t[hd]>", table.group(1))


def _report(capsys, workdir, data: str, *fit_args: str) -> str:
    code, _, err = run_cli(capsys, ["fit", data, *fit_args, "-o", "m.json", "-q"])
    assert code == 0, err
    code, _, err = run_cli(capsys, ["report", "m.json", data, "-o", "r.html"])
    assert code == 0, err
    return (workdir / "r.html").read_text()


def test_libsvm_labels(workdir, capsys):
    rows = ["+1 1:0.5 2:1", "-1 1:0.1 2:0.3", "+1 1:0.9 3:0.2", "-1 2:0.4 3:1"] * 5
    rows += ["-1 1:0.6 2:1", "+1 1:0.2 3:0.3"]
    (workdir / "d.svm").write_text("\n".join(rows) + "\n")
    page = _report(capsys, workdir, "d.svm", "--penalty", "l1", "--C", "10")
    headers = _confusion_headers(page)
    assert set(headers) == {"actual -1", "actual 1", "predicted -1", "predicted 1"}


def test_true_false_labels(workdir, capsys):
    lines = ["x,y"] + [f"{i % 7},{'true' if i % 3 else 'false'}" for i in range(30)]
    (workdir / "d.csv").write_text("\n".join(lines) + "\n")
    page = _report(capsys, workdir, "d.csv", "-t", "y")
    headers = _confusion_headers(page)
    assert set(headers) == {
        "actual false", "actual true", "predicted false", "predicted true"
    }  # fmt: skip
