"""The command line started without a standard stream, with a full one, or
interrupted where Python swallows the interrupt.

* stdout closed (``>&-``): a command that writes there fails with one line
  and exit 74 (it was ``AttributeError: 'NoneType' object has no attribute
  'flush'``, exit 1, a traceback); one that writes nothing there succeeds;
* stderr closed (``2>&-``): the error line is not printed into stdout, so
  ``--json`` stays one JSON document;
* ``--json`` and ``--version`` to a full stdout (``/dev/full``): one line and
  exit 74, not a traceback from the error handler writing to the same stdout;
  a usage error under ``--json`` to a closed or full stdout: one line, exit 2;
* a SIGTERM whose exception Python swallows (raised inside a garbage
  collection callback: "Exception ignored") still ends the command with exit
  143, not 0;
* standard input closed (`<&-`) is named as closed, not as a terminal;
* `--help` into a pipe its reader closes early exits 141 (was 1);
* `fit` whose table cannot be printed after the model is written says so;
* a data file whose name is not printable text (a line break, a byte that is
  not UTF-8) is fitted, its name stored escaped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import data_path

UCLA = data_path("ucla-admissions", "binary.csv")
ENV = {**os.environ, "LOGISTIC_NO_PROGRESS": "1"}


def _shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    cli = f"{sys.executable} -m logistic.cli.app"
    return subprocess.run(
        ["bash", "-c", command.replace("CLI", cli)],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("closed") / "m.json"
    done = _shell(f"CLI fit {UCLA} --target admit -o {out} -q", out.parent)
    assert done.returncode == 0, done.stderr
    return out


def test_closed_stdout_is_an_output_error(model, tmp_path):
    done = _shell(f"CLI summary {model} >&-", tmp_path)
    assert done.returncode == 74, done.stderr
    # one line naming the output, as for a full one (it read "[Errno 9] ...")
    assert done.stderr.strip() == (
        "error: standard output is closed (the command was started with >&-)"
    )
    done = _shell(f"CLI predict {model} {UCLA} -o - >&-", tmp_path)
    assert done.returncode == 74 and "standard output is closed" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("redirect", [">&-", "> /dev/full"])
def test_a_usage_error_under_json_without_stdout_is_one_line(
    model, tmp_path, redirect
):
    # the JSON copy of a usage error to a closed stdout raised from the error
    # handler: a traceback and exit 1; the line on stderr says it, exit 2
    done = _shell(f"CLI predict {model} {UCLA} --json --nope {redirect}", tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "error: No such option: --json (see 'logistic predict --help')"
    )


def test_closed_stdout_is_fine_for_a_command_that_does_not_write_there(
    model, tmp_path
):
    done = _shell(f"CLI predict {model} {UCLA} -o p.csv -q >&-", tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "p.csv").read_text().count("\n") == 401


def test_closed_stderr_keeps_json_on_stdout_alone(model, tmp_path):
    done = _shell(f"CLI evaluate {model} nonexist.csv --json 2>&-", tmp_path)
    assert done.returncode == 66
    assert json.loads(done.stdout)["exit_code"] == 66  # nothing else there


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        "summary MODEL --json",
        "summary MODEL",
        "--version",
        "--help",
        f"predict MODEL {UCLA} -o - -q",
        f"evaluate MODEL {UCLA} -q",
    ],
)
def test_a_full_stdout_is_one_line_naming_it(model, tmp_path, args):
    # the error names the output that failed (it was "[Errno 28] No space
    # left on device", which could as well have been the model file's disk)
    done = _shell(f"CLI {args.replace('MODEL', str(model))} > /dev/full", tmp_path)
    assert done.returncode == 74, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "error: standard output: No space left on device"
    )


def test_output_through_the_named_stdout_arrives_whole(model, tmp_path):
    # the stand-in that names stdout in errors passes everything through:
    # text (the summary), bytes (predict -o -), and --json's one document
    done = _shell(f"CLI predict {model} {UCLA} -o - -q", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 401
    done = _shell(f"CLI summary {model} --json", tmp_path)
    assert json.loads(done.stdout)["format_version"]


@pytest.mark.parametrize(
    ("name", "code", "line"),
    [("SIGTERM", 143, "error: terminated (SIGTERM)"), ("SIGINT", 130, "interrupted")],
)
def test_a_swallowed_signal_still_ends_the_command(tmp_path, name, code, line):
    # the handler's exception raised inside a weakref callback: Python reports
    # it as "Exception ignored" and the fit runs on and writes its model (a
    # complete file: every write is atomic); it exited 0, it exits as
    # interrupted now
    script = textwrap.dedent(
        f"""
        import os, signal, sys, weakref
        import logistic.cli.fit as fit
        from logistic.cli import app

        original = fit.save_model

        def save_model(*args, **kwargs):
            class Held:
                pass
            held = Held()
            ref = weakref.ref(held, lambda _: os.kill(os.getpid(), signal.{name}))
            del held  # the callback runs here
            return original(*args, **kwargs)

        fit.save_model = save_model
        sys.argv = ["logistic", "fit", {str(UCLA)!r}, "-t", "admit", "-o", "m.json"]
        sys.exit(app.main())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == code, (done.returncode, done.stderr)
    assert line in done.stderr
    assert "Exception ignored" not in done.stderr
    # the model the fit went on to write is whole, and no temporary is left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]
    assert json.loads((tmp_path / "m.json").read_text())["format_version"]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (b"new\nline.csv", "new\\nline.csv"),
        (b"bad\xff.csv", "bad\\udcff.csv"),
        ("a\u3000b.csv".encode(), "a\u3000b.csv"),  # printable enough: kept
    ],
    ids=["control character", "undecodable byte", "ideographic space"],
)
def test_a_data_file_name_that_is_not_printable_text_is_stored_escaped(
    tmp_path, name, shown
):
    # the fit was refused ("holds the control character") or failed at save
    # ("surrogates not allowed"); the name is kept as repr escapes it
    data = os.path.join(os.fsencode(tmp_path), name)
    with open(data, "wb") as fh, open(UCLA, "rb") as src:
        fh.write(src.read())
    env = {**ENV}
    cli = [sys.executable, "-m", "logistic.cli.app"]
    done = subprocess.run(
        [*cli, "fit", data, "--target", "admit", "-o", "m.json", "-q"],
        cwd=tmp_path, env=env, capture_output=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    stored = json.loads((tmp_path / "m.json").read_text())["training"]["data"]
    assert stored["name"] == shown
    done = subprocess.run(
        [*cli, "summary", "m.json"], cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert f"trained on {shown}: 400 rows used of 400" in done.stdout


def test_closed_stdin_is_named_as_closed(model, tmp_path):
    done = _shell(f"CLI predict {model} - -o p.csv <&-", tmp_path)
    assert done.returncode == 66
    assert done.stderr.startswith("error: standard input is closed; pipe the data in")


@pytest.mark.parametrize("args", ["--help", "fit --help"])
def test_help_into_a_pipe_closed_early_is_141(tmp_path, args):
    # rich's reaction to the closed pipe was SystemExit(1): exit 1, silently;
    # the pipe's read end is closed before the command starts, so every write
    # fails (no race with a reader such as head)
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "logistic.cli.app", *args.split()],
            stdout=write, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=ENV,
            timeout=120,
        )  # fmt: skip
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_fit_whose_table_cannot_be_printed_says_the_model_is_written(tmp_path):
    # the model file is written before the table; a rerun would say
    # "already exists", so the error says the file is there
    done = _shell(f"CLI fit {UCLA} --target admit -o m.json > /dev/full", tmp_path)
    assert done.returncode == 74, done.stderr
    assert done.stderr.strip().endswith(
        "error: model written to m.json, but printing the result failed: "
        "standard output: No space left on device"
    )
    assert json.loads((tmp_path / "m.json").read_text())["format_version"]


@pytest.mark.parametrize(("unbuffered", "layer"), [("1", "_NamedStdout"), ("", "BufferedWriter")])
def test_the_named_stdout_keeps_pythons_buffering(tmp_path, unbuffered, layer):
    # with python -u / PYTHONUNBUFFERED the stand-in wrapped the descriptor
    # in a BufferedWriter all the same: an unflushed write stayed in it
    probe = (
        "import sys\n"
        "from logistic.cli._closed_streams import opened\n"
        "with opened():\n"
        "    sys.stdout.write(type(sys.stdout.buffer).__name__ + '\\n')\n"
    )
    env = {k: v for k, v in ENV.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{layer}\n"
