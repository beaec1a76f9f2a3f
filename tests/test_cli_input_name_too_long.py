"""An input whose name is longer than the file system takes (``ENAMETOOLONG``:
255 bytes a name on ext4, tmpfs, XFS, btrfs; the limit read from
``pathconf(PC_NAME_MAX)``) names no file that can exist: exit 66 (EX_NOINPUT,
sysexits.h) as a missing input, naming the name's length and the limit, not
exit 74 (an I/O error, which a retrying job takes for a passing fault).

What this guards against: ``logistic summary <300 characters>.json`` and
``logistic fit <300 characters>.csv`` ended with exit 74 ``... File name too
long``, from the ``exists()`` / ``is_dir()`` checks of the inputs.
"""

from __future__ import annotations

import os

import pytest

from conftest import data_path, fit_ucla_model, run_cli


def _limit(folder) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        pytest.skip("the file system does not report its name length limit")


@pytest.mark.parametrize(
    "command", ["summary", "fit", "predict", "evaluate", "margins", "a-folder"]
)
def test_an_input_name_too_long_for_the_file_system_is_exit_66(
    tmp_path, capsys, command
):
    limit = _limit(tmp_path)
    model = fit_ucla_model(tmp_path)
    data = data_path("ucla-admissions", "binary.csv")
    long = tmp_path / ("é" * (limit // 2 + 10))  # 2 bytes each in UTF-8
    size = len(os.fsencode(long.name))
    args = {
        "summary": ["summary", long],
        "fit": ["fit", long, "--target", "admit", "-o", tmp_path / "m.json"],
        "predict": ["predict", model, long],
        "evaluate": ["evaluate", long, data],
        "margins": ["margins", model, long],
        "a-folder": ["fit", long / "d.csv", "--target", "admit"],
    }[command]
    capsys.readouterr()  # the model's fit
    code, _, err = run_cli(capsys, args)
    assert code == 66, err
    assert f"is {size} bytes long" in err and f"takes at most {limit}" in err, err
