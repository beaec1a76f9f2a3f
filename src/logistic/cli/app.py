"""Entry point of the ``logistic`` command: joins the command modules.

Errors become one line ``error: ...`` on stderr and a documented exit code
(:mod:`logistic.cli._common`); ``--debug`` anywhere on the command line shows
the traceback instead. With ``--json`` a failure also prints
``{"ok": false, "error": ..., "exit_code": ...}`` on stdout.
"""

from __future__ import annotations

import json
import sys

import typer

from ._common import EX_INTERRUPTED, EX_USAGE, error_message, exit_code_for
from .demo import demo
from .derive import derive
from .evaluate import evaluate
from .export import export
from .fit import fit
from .predict import predict
from .report import report
from .summary import summary

app = typer.Typer(
    name="logistic",
    help=(
        "Binary logistic regression: fit, predict, evaluate and report from files.\n\n"
        "Exit codes: 0 ok, 1 internal error, 2 usage, 65 bad data or model file, "
        "66 input missing, 73 cannot create output, 74 I/O error, 130 interrupted. "
        "Add --debug to any command for a traceback."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for command in (fit, predict, evaluate, report, summary, export, demo, derive):
    app.command()(command)


def _fail(exc: BaseException, json_out: bool) -> int:
    code = exit_code_for(exc)
    message = error_message(exc)
    print(f"error: {message}", file=sys.stderr, flush=True)
    if json_out:
        print(
            json.dumps({"ok": False, "error": message, "exit_code": code}), flush=True
        )
    return code


def _usage_error(exc: BaseException, json_out: bool) -> int:
    """Click's usage errors as one line naming the command's --help (exit 2)."""
    message = " ".join(exc.format_message().split())  # type: ignore[attr-defined]
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or "logistic"
    print(f"error: {message} (see '{path} --help')", file=sys.stderr, flush=True)
    if json_out:
        print(json.dumps({"ok": False, "error": message, "exit_code": EX_USAGE}))
    return EX_USAGE


def _click_kind(exc: BaseException) -> str | None:
    """Which click exception this is (typer may vendor its own copy of click)."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    for kind in ("Exit", "Abort", "ClickException"):
        if kind in names:
            return kind
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    json_out = "--json" in args
    try:
        # non-standalone typer returns the code of typer.Exit (130 after Ctrl-C)
        rv = app(args=args, prog_name="logistic", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    except BaseException as exc:  # every error: one line and an exit code
        kind = _click_kind(exc)
        if kind == "Exit":
            return int(getattr(exc, "exit_code", 0))
        if kind == "Abort":
            print("interrupted", file=sys.stderr)
            return EX_INTERRUPTED
        if kind == "ClickException":
            return _usage_error(exc, json_out)
        if debug and not isinstance(exc, KeyboardInterrupt):
            raise
        return _fail(exc, json_out)
    if rv == EX_INTERRUPTED:
        return _fail(KeyboardInterrupt(), json_out)
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
