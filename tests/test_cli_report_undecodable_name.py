"""``report`` of a model or data file whose name holds a byte that is not
UTF-8, or a control character.

Found by a shell scripter: ``logistic report $'m\\xe9.json' d.csv -o r.html``
failed with exit 65 and ``error: 'utf-8' codec can't encode character
'\\udce9' in position 721: surrogates not allowed`` once the page was built:
the page names both files, and Python's undecodable byte (``\\udce9``) cannot
be written in UTF-8. A terminal escape in a data file's name
(``$'o\\x1b[1m.csv'``) was written into the page as it is. The page names
them as messages do (``m\\udce9.json``, ``o\\x1b[1m.csv``), escaped.
"""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import data_path, run_cli
from logistic.cli._codes import EX_OK

UCLA = data_path("ucla-admissions", "binary.csv")


def test_report_names_undecodable_files(capsys, workdir):
    pytest.importorskip("matplotlib")
    model, data = os.fsdecode(b"m\xe9.json"), os.fsdecode(b"d\xe9\x1b[1m.csv")
    try:
        shutil.copy(UCLA, workdir / data)
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    code, _, err = run_cli(capsys, ["fit", data, "-t", "admit", "-o", model])
    assert code == EX_OK, err
    code, _, err = run_cli(capsys, ["report", model, data, "-o", "r.html", "-q"])
    assert code == EX_OK, err
    page = (workdir / "r.html").read_text(encoding="utf-8")
    assert "m\\udce9.json" in page and "d\\udce9\\x1b[1m.csv" in page
    assert "\x1b" not in page
