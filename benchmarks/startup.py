"""Start-up latency: ``import logistic`` and ``logistic fit`` on the UCLA file.

Usage (from the repository root)::

    python -m benchmarks.startup [--repeats 15]

Each command runs ``--repeats`` times in a fresh interpreter, the commands
alternating (so a burst of load on the shared machine hits all of them), and
the median wall time of each is reported, hyperfine-style, beside the bare
interpreter's start (``python -c pass``), which no library can go below. The
median CPU time (user + system of the command's process) is reported too: on
a machine shared with other work it moves less than wall time.
``logistic predict UCLA`` reads a model file fitted (``--penalty l2``)
before the timing. The ``logistic`` commands run what the installed console
script runs (:data:`CONSOLE_SCRIPT`), process exit included. Targets (issue 13): ``import logistic`` ≤ 0.2 s, ``logistic fit`` on the
400-row UCLA file ≤ 0.4 s.

``--importtime`` also prints the ten slowest imports of each Python command
(``python -X importtime``), the profile behind any miss.

``--baseline SRC`` also times every command with ``PYTHONPATH=SRC`` (e.g. the
``src`` of ``git archive`` of an earlier commit, with the compiled ``.so``
files copied in), alternating with the working tree's, so a before/after
comparison sees the same load; ``--only TEXT`` keeps the commands whose label
contains TEXT (repeatable).

Run it with ``PYTHONDONTWRITEBYTECODE`` unset: with it set, every module
without a current ``.pyc`` (any file edited since the last run, and every
file of a ``--baseline`` tree) is compiled from source in every run, which
can add 0.2 s to a command.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UCLA = ROOT / "tests" / "data" / "ucla-admissions" / "binary.csv"


#: What the installed ``logistic`` console script runs (its entry point,
#: ``logistic.cli.app:run``), written out so that a ``--baseline`` tree runs
#: its own entry point: a tree from before ``run`` existed has only ``main``.
CONSOLE_SCRIPT = (
    "import sys; from logistic.cli import app; sys.argv[0] = 'logistic'; "
    "sys.exit(getattr(app, 'run', app.main)())"
)


def commands(out_dir: str) -> dict[str, list[str]]:
    """The timed commands, by label."""
    py = sys.executable
    model = os.path.join(out_dir, "m.json")
    cli = [py, "-c", CONSOLE_SCRIPT]
    return {
        "python -c pass": [py, "-c", "pass"],
        "import logistic": [py, "-c", "import logistic"],
        "from logistic import LogisticRegression": [
            py,
            "-c",
            "from logistic import LogisticRegression",
        ],
        "fit in Python (UCLA, numpy arrays)": [
            py,
            "-c",
            "import numpy as np; from logistic import LogisticRegression; "
            f"d = np.loadtxt({str(UCLA)!r}, delimiter=',', skiprows=1); "
            "LogisticRegression().fit(d[:, 1:], d[:, 0])",
        ],
        "logistic --help": [*cli, "--help"],
        "logistic fit --help": [*cli, "fit", "--help"],
        "logistic fit UCLA": [
            *cli,
            "fit",
            str(UCLA),
            "--target",
            "admit",
            "-o",
            model,
            "--force",
        ],
        # no inference summary (penalized): the fit path without InferenceResults
        "logistic fit UCLA --penalty l2": [
            *cli,
            "fit",
            str(UCLA),
            "--target",
            "admit",
            "--penalty",
            "l2",
            "-o",
            model,
            "--force",
        ],
        # the model file of the penalized fit above (written before the timing)
        "logistic predict UCLA": [
            *cli,
            "predict",
            os.path.join(out_dir, "predict-model.json"),
            str(UCLA),
            "-o",
            os.path.join(out_dir, "p.csv"),
            "--force",
        ],
    }


def _prepare(out_dir: str) -> None:
    """The model file ``logistic predict UCLA`` reads."""
    model = os.path.join(out_dir, "predict-model.json")
    fit = [sys.executable, "-c", CONSOLE_SCRIPT, "fit", str(UCLA), "--target", "admit"]
    fit += ["--penalty", "l2", "-o", model]
    subprocess.run(fit, check=True, capture_output=True)


def _env(pythonpath: str | None = None) -> dict[str, str]:
    """The timed commands' environment: bytecode caches written and read, as in
    an installed package (``PYTHONDONTWRITEBYTECODE`` removed: without
    ``.pyc`` files every run compiles each module again, ≈ 0.2 s of the fit),
    and ``PYTHONPATH`` for a baseline tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    return env


def _time(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run; ``nan`` when the
    command failed (reported). CPU time counts what the command itself ran,
    so other processes on a shared machine change it less than wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    rc = subprocess.run(
        cmd,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    ).returncode
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return (wall, cpu) if rc == 0 else (float("nan"), float("nan"))


def _slowest_imports(cmd: list[str], k: int = 10) -> list[tuple[int, str]]:
    out = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]],
        capture_output=True,
        text=True,
        check=False,
        env=_env(),
    ).stderr
    rows = []
    for line in out.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self_us, cum_us, name = line[len("import time:") :].split("|")
        depth = len(name) - len(name.lstrip())
        rows.append((depth, int(cum_us), name.strip()))
    # the first two levels: the package's own modules and what they pull in
    return sorted(((us, name) for d, us, name in rows if d <= 2), reverse=True)[:k]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--baseline", metavar="SRC", default=None)
    parser.add_argument("--only", action="append", default=None)
    args = parser.parse_args(argv)
    envs: dict[str, dict[str, str] | None] = {"": _env()}
    if args.baseline is not None:
        envs[" [baseline]"] = _env(str(Path(args.baseline).resolve()))
    with tempfile.TemporaryDirectory() as out_dir:
        _prepare(out_dir)
        cmds = {
            label: cmd
            for label, cmd in commands(out_dir).items()
            if not args.only or any(o in label for o in args.only)
        }
        runs = [(label + tag, cmd, env) for label, cmd in cmds.items()
                for tag, env in envs.items()]  # fmt: skip
        for _, cmd, env in runs:  # warm the file cache and bytecode
            _time(cmd, env)
        times: dict[str, list[float]] = {label: [] for label, _, _ in runs}
        cpu: dict[str, list[float]] = {label: [] for label, _, _ in runs}
        for _ in range(args.repeats):
            for label, cmd, env in runs:
                wall, used = _time(cmd, env)
                times[label].append(wall)
                cpu[label].append(used)
        print(f"load average at the end: {os.getloadavg()}")
        print("| command | median (s) | min (s) | max (s) | CPU median (s) | runs |")
        print("|---|---|---|---|---|---|")
        for label, ts in times.items():
            if any(t != t for t in ts):
                print(f"| `{label}` | failed | | | | {len(ts)} |")
                continue
            print(
                f"| `{label}` | {statistics.median(ts):.3f} | {min(ts):.3f} "
                f"| {max(ts):.3f} | {statistics.median(cpu[label]):.3f} | {len(ts)} |"
            )
        if args.importtime:
            for label, cmd in cmds.items():
                if label == "python -c pass":
                    continue
                print(f"\n{label}: slowest imports (cumulative µs)")
                for us, name in _slowest_imports(cmd):
                    print(f"  {us:>8}  {name}")


if __name__ == "__main__":
    main()
