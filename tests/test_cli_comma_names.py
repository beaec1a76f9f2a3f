"""A column whose name holds a comma can be named in list options.

``--drop 'a,b'`` split into 'a' and 'b', both "not found", while the
available columns listed 'a,b'; nothing could name it. ``\\,`` keeps a comma
in a name, and the not-found message says so.
"""

from __future__ import annotations

import json

from conftest import run_cli

CSV = 'y,x,"a,b"\n0,1,5\n1,2,3\n0,3,4\n1,4,1\n1,5,2\n0,1.5,6\n1,3.5,0\n0,2.5,7\n'


def test_escaped_comma_names_the_column(tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text(CSV)
    code, _, err = run_cli(capsys, ["fit", path, "-t", "y", "--drop", "a\\,b", "-o", tmp_path / "m.json", "-q"])
    assert code == 0, err
    names = json.loads((tmp_path / "m.json").read_text())["encoding"]["feature_names"]
    assert names == ["x"]
    code, _, err = run_cli(capsys, ["fit", path, "-t", "y", "--features", "x,a\\,b", "-o", tmp_path / "m2.json", "-q"])
    assert code == 0, err
    assert json.loads((tmp_path / "m2.json").read_text())["encoding"]["feature_names"] == ["x", "a,b"]


def test_split_name_is_explained(tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text(CSV)
    code, _, err = run_cli(capsys, ["fit", path, "-t", "y", "--drop", "a,b", "-o", tmp_path / "m.json", "-q"])
    assert code == 65
    assert "('a,b' is one column, its name holds a comma: write that comma as \\, as in 'a\\,b')" in err
