"""An output whose file name is longer than the file system takes
(``ENAMETOOLONG``: 255 bytes on ext4, tmpfs, XFS, btrfs) can never be
written: it is refused up front as every output that cannot be created is,
exit 73 (EX_CANTCREAT, sysexits.h), naming the file and the limit, not exit
74 (an I/O error, which a retrying job takes for a passing fault).

What this guards against: ``logistic fit d.csv -t admit -o
<300 characters>.json`` ended with exit 74 ``... File name too long``.
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


@pytest.mark.parametrize("command", ["fit", "predict", "report", "margins", "export"])
def test_a_name_too_long_for_the_file_system_is_exit_73(tmp_path, capsys, command):
    model = fit_ucla_model(tmp_path)
    data = data_path("ucla-admissions", "binary.csv")
    out = tmp_path / ("é" * (_limit(tmp_path) // 2 + 10))  # 2 bytes each in UTF-8
    args = {
        "fit": ["fit", data, "--target", "admit", "-o", out],
        "predict": ["predict", model, data, "-o", out],
        "report": ["report", model, data, "-o", f"{out}.html"],
        "margins": ["margins", model, data, "-o", out],
        "export": ["export", model, "--onnx", out],
    }[command]
    if command == "export":
        pytest.importorskip("onnx")
    before = sorted(tmp_path.iterdir())
    capsys.readouterr()  # the model's fit
    code, _, err = run_cli(capsys, args)
    assert code == 73, err
    assert err.startswith("error: cannot create ") and "bytes long" in err, err
    assert sorted(tmp_path.iterdir()) == before  # nothing written


@pytest.mark.parametrize("extra", [-2, 10], ids=["its-prev-too-long", "too-long"])
def test_a_checkpoint_name_too_long_with_its_prev_and_lock_is_exit_73(
    tmp_path, capsys, extra
):
    """The checkpoint keeps ``PATH.prev`` and ``PATH.lock`` beside it: a
    name that fits but leaves no room for their 5 more bytes failed with
    exit 74 naming ``PATH.prev``, after the fit had started."""
    data = data_path("ucla-admissions", "binary.csv")
    checkpoint = tmp_path / ("c" * (_limit(tmp_path) + extra))
    args = ["fit", data, "--target", "admit", "-o", tmp_path / "m.json"]
    code, _, err = run_cli(capsys, [*args, "--checkpoint", checkpoint])
    assert code == 73, err
    assert err.startswith(f"error: cannot create checkpoint {checkpoint}"), err
    assert "bytes long" in err
    assert list(tmp_path.iterdir()) == []  # no model, checkpoint or lock


@pytest.mark.parametrize(
    "command", ["fit", "predict", "report", "margins", "export", "checkpoint"]
)
def test_a_folder_name_too_long_in_an_output_path_is_exit_73(tmp_path, capsys, command):
    """A folder of the output's path whose name is too long: exit 73 naming
    the output, not the input's exit 66 (nor exit 74)."""
    model = fit_ucla_model(tmp_path)
    data = data_path("ucla-admissions", "binary.csv")
    size = _limit(tmp_path) + 1
    out = tmp_path / ("d" * size) / "out"
    args = {
        "fit": ["fit", data, "--target", "admit", "-o", out],
        "predict": ["predict", model, data, "-o", out],
        "report": ["report", model, data, "-o", f"{out}.html"],
        "margins": ["margins", model, data, "-o", out],
        "export": ["export", model, "--onnx", out],
        "checkpoint": ["fit", data, "--target", "admit", "-o", tmp_path / "m2.json",
                       "--checkpoint", out],
    }[command]
    if command == "export":
        pytest.importorskip("onnx")
    before = sorted(tmp_path.iterdir())
    capsys.readouterr()  # the model's fit
    code, _, err = run_cli(capsys, args)
    assert code == 73, err
    assert err.startswith("error: cannot create "), err
    assert f"the name of a folder in it is {size} bytes long" in err, err
    assert sorted(tmp_path.iterdir()) == before  # nothing written
