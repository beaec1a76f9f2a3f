"""Text from data and model files is printed as written, never as rich markup.

Labels such as ``yes[/x]`` made ``logistic evaluate`` fail with "internal
error: MarkupError: closing tag '[/x]' … doesn't match any open tag" (exit
1), and ``[link=http://evil.example/]c[/link]`` sent an OSC 8 hyperlink to a
terminal: the confusion matrices' cells went through rich's markup parser.
The consoles now print every string literally (``markup=False``), and the
spinner and progress bar take their text as plain text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli


def _write(path, labels):
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    frame = pd.DataFrame({"x": x, "admit": [labels[i % len(labels)] for i in range(200)]})
    frame.to_csv(path, index=False)


@pytest.mark.parametrize(
    "labels",
    [
        ["yes[/x]", "[bold red]no"],
        ["[red]a", "b[/x]", "[link=http://evil.example/]c[/link]"],
    ],
    ids=["two", "three"],
)
def test_evaluate_prints_labels_as_written(workdir, capsys, monkeypatch, labels):
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats the capture as a terminal
    _write(workdir / "d.csv", labels)
    positive = ["--positive", labels[0]] if len(labels) == 2 else []
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "admit", *positive, "-o", "m.json"])
    assert code == 0, err
    code, out, err = run_cli(capsys, ["evaluate", "m.json", "d.csv"])
    assert code == 0, err
    assert "\x1b]8;" not in out + err  # no terminal hyperlink
    for label in labels:
        assert label in out, out
