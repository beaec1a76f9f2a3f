"""``fit --json`` names the fit's separation state as ``summary --json`` does.

The text output of a streamed fit ends with the note that separation was not
checked (its rows were never all in memory), and ``summary --json`` of the
model file says ``"separation": "unchecked"``; ``fit --json`` left the key
out, so a script reading it lost the caveat. Reference for the in-memory
case: x = 1..6 with y = 0,0,0,1,1,1 is split by the threshold x = 3.5, so it
is completely separated (Albert & Anderson 1984, Biometrika 71:1-10: the
classes lie on either side of a hyperplane, and the MLE does not exist).
"""

from __future__ import annotations

import json

import pytest

from conftest import run_cli


@pytest.mark.parametrize(
    ("stream", "want"), [([], "complete"), (["--stream"], "unchecked")]
)
def test_fit_json_names_the_separation_state(workdir, capsys, stream, want):
    (workdir / "sep.csv").write_text("x,y\n1,0\n2,0\n3,0\n4,1\n5,1\n6,1\n")
    code, out, err = run_cli(
        capsys, ["fit", "sep.csv", "-t", "y", "-o", "m.json", "--json", "-q", *stream]
    )
    assert code == 0, err
    assert json.loads(out)["separation"] == want
    code, out, err = run_cli(capsys, ["summary", "m.json", "--json"])
    assert code == 0, err
    assert json.loads(out)["separation"] == want
