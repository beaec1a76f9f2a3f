"""``logistic fit --json`` prints the fit's warnings on stderr too, as
``summary --json`` does, and says a separation once.

Found by a shell scripter logging stderr of ``fit --json`` in a cron job: the
fit's own warnings went into the document's ``warnings`` only, while a
warning raised after them went to stderr. ``--max-iter 1`` logged
``the model did not converge; inference at these coefficients is
unreliable`` without the solver's warning that names the cause and the
remedy (``increase --max-iter``), and separated data logged the inference's
second separation warning (``Refit with --penalty firth``) instead of the
fit's, which names the separating direction: the same run without
``--json`` printed the fit's warning and not the inference's (docs/cli.md:
"a separation is said once: the fit's warning").
"""

from __future__ import annotations

import json

from conftest import run_cli
from logistic.cli._codes import EX_OK


def _warning_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning: ")]


def test_json_fit_prints_its_warnings_on_stderr(capsys, workdir):
    (workdir / "d.csv").write_text("x,y\n1,0\n2,1\n3,0\n4,1\n5,1\n6,0\n7,1\n")
    args = ["fit", "d.csv", "-t", "y", "--max-iter", "1", "-o", "m.json"]
    code, out, err = run_cli(capsys, [*args, "--json"])
    assert code == EX_OK, err
    listed = json.loads(out)["warnings"]
    assert any("did not converge: reached --max-iter 1" in w for w in listed)
    assert _warning_lines(err) == [f"warning: {w}" for w in listed]
    # the same lines as without --json
    code, out, plain = run_cli(capsys, [*args, "--force"])
    assert code == EX_OK, plain
    assert _warning_lines(plain) == _warning_lines(err)


def test_json_fit_says_a_separation_once_naming_its_direction(capsys, workdir):
    (workdir / "d.csv").write_text("y,x\n0,1\n0,2\n1,3\n1,4\n")
    code, out, err = run_cli(capsys, ["fit", "d.csv", "-t", "y", "--json"])
    assert code == EX_OK, err
    lines = _warning_lines(err)
    assert len(lines) == 1, err
    assert "PerfectSeparationWarning: Complete separation: the linear predictor" in lines[0]
    assert lines == [f"warning: {w}" for w in json.loads(out)["warnings"]]
