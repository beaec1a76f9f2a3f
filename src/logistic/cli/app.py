"""Entry point of the ``logistic`` command: joins the command modules.

Errors from the library become one line on stderr and a documented exit code
(see :mod:`logistic.cli._common`); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import sys

import typer

from ._common import EX_DATAERR, EX_INTERRUPTED, CLIError, err_console
from .demo import demo
from .derive import derive

app = typer.Typer(
    name="logistic",
    help="Binary logistic regression: fit, predict, evaluate and report from files.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command()(derive)
app.command()(demo)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    if debug:
        args = [a for a in args if a != "--debug"]
    try:
        # click returns the exit code of typer.Exit in non-standalone mode
        rc = app(args=args, standalone_mode=False)
    except CLIError as exc:
        if debug:
            raise
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        return exc.code
    except (ValueError, TypeError) as exc:
        if debug:
            raise
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        return EX_DATAERR
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return EX_INTERRUPTED
    except SystemExit as exc:  # typer.Exit inside click's non-standalone mode
        return int(exc.code or 0)
    except Exception as exc:  # click usage errors and friends
        import click

        if isinstance(exc, click.exceptions.Exit):
            return int(exc.exit_code)
        if isinstance(exc, click.ClickException):
            exc.show()
            return exc.exit_code
        if isinstance(exc, click.exceptions.Abort):
            return EX_INTERRUPTED
        raise
    return int(rc) if isinstance(rc, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
