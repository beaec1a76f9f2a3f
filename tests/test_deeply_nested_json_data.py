"""A data file that opens arrays nested past the JSON reader's recursion
limit is named a JSON document, as a shallower one is, in every reading.

Found by a security reviewer: a file of 100 000 ``[`` given as data
(``logistic fit deep.csv --target y``, ``--stream``, ``predict``) ended in
``internal error: RecursionError: maximum recursion depth exceeded while
decoding a JSON array`` (exit 1): the check that tells a JSON document from
CSV parsed the file's head and caught only ``ValueError``.
"""

from __future__ import annotations

import pytest

from conftest import fit_ucla_model, run_cli


@pytest.mark.parametrize("command", ["fit", "fit --stream", "predict"])
@pytest.mark.parametrize("opening", ["[", '{"a": '], ids=["arrays", "objects"])
def test_deeply_nested_json_is_named(tmp_path, capsys, command, opening):
    data = tmp_path / "deep.csv"
    data.write_text(opening * 100_000)
    if command == "predict":
        args = ["predict", fit_ucla_model(tmp_path), data, "-o", tmp_path / "p.csv"]
    else:
        args = [*command.split(), data, "--target", "y", "-o", tmp_path / "m.json"]
    capsys.readouterr()
    code, _, err = run_cli(capsys, args)
    assert code == 65, err
    assert "deep.csv is a JSON document, not a data file" in err
