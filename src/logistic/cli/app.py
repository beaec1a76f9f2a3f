"""Entry point of the ``logistic`` command: joins the command modules.

Each command is the function of the same name in its own module
(``logistic.cli.fit``, ...); a module is imported only when its command runs
(``logistic --help`` imports them all to list them). This module imports the
standard library only, so :func:`main` guards every further import: Ctrl-C at
any moment ends in one line ``interrupted`` and exit code 130.

Errors become one line ``error: ...`` on stderr and a documented exit code
(:mod:`logistic.cli._codes`); ``--debug`` anywhere on the command line adds
the traceback before that line (the exit code stays the same). With
``--json`` a failure also prints ``{"ok": false, "error": ..., "exit_code":
...}`` on stdout.

A reader that closes standard output early (``logistic predict m.json d.csv |
head -1``) ends the command quietly with exit code 141 (128 + SIGPIPE, what a
shell reports for ``cat`` in the same place): nothing on stderr, and the rest
of the output is discarded.

:func:`main` raises the cyclic garbage collector's first threshold from 700 to
:data:`GC_THRESHOLD` allocations while the command runs: start-up (typer,
pydantic, numpy, pyarrow and this package) creates some 80 000 long-lived
objects, which the collector otherwise scans about 120 times (≈ 20–35 ms of the
0.45 s ``logistic fit`` on the 400-row UCLA file, measured with
``gc.callbacks``). The collector still runs, every ``GC_THRESHOLD`` net
allocations, so a long command's reference cycles are still reclaimed. When
``main()`` runs as the process's command (no ``argv``: the ``logistic``
script, ``python -m logistic.cli.app``) it leaves the collector disabled on
return: the process exits next, and the interpreter's final full collection
would scan every object again (≈ 20 ms); at the default threshold the first
allocation after the command would too. ``main(argv)`` called in a Python
process restores the thresholds.

Before numpy loads, :func:`main` sets ``OPENBLAS_THREAD_TIMEOUT`` to
:data:`BLAS_THREAD_TIMEOUT` (unless it is set already): OpenBLAS's idle worker
threads then sleep after 2**4 CPU cycles instead of spinning 2**28 (≈ 0.1 s)
first. Loading numpy starts those threads, and on this project's 2-core
machine the spinning one competes with the command's own thread: ``import
numpy`` 0.17 → 0.11 s, ``logistic fit`` on UCLA 0.37 → 0.33 s wall and 0.44 →
0.32 s CPU (medians of 7, load 1.8). The number of BLAS threads, and so every
result, is unchanged; a BLAS call large enough for threads wakes them
(microseconds). Processes the command starts (a local Dask cluster's workers)
inherit the setting; ``main(argv)`` in a Python process removes it again.

The ``logistic`` console script calls :func:`run`: :func:`main`, then the
process ends with ``os._exit`` once the ``atexit`` callbacks have run and
stdout and stderr are flushed, skipping the interpreter's teardown (a full
collection and the deallocation of every module's objects: ≈ 50 ms of the
≈ 0.4 s ``logistic fit`` on UCLA, the largest single item after the imports
of numpy and pyarrow). Nothing is lost by it: every output is written and
closed by :mod:`logistic._atomic` before the command returns, and what the
teardown would still run (``atexit`` callbacks, ``weakref.finalize``
objects) runs first. When something needs the ordinary exit, :func:`run`
takes it: a trace or profile function (coverage, ``cProfile``), a thread
other than the main one (it is joined at exit), or ``multiprocessing``
loaded (child processes are joined at exit). ``python -m logistic.cli.app``
and :func:`main` itself always exit the ordinary way. After a command that
loaded ``distributed`` (a Dask fit), the ordinary exit of either script
freezes the heap first (:func:`_frozen_before_exit`): the teardown then
skips its collections over what the command left (the joins, the ``atexit``
callbacks and the deallocations still run), which is safe for the reason
above; other commands keep the whole teardown.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gc
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from ._closed_streams import opened
from ._codes import EX_INTERRUPTED, EX_PIPE, EX_USAGE, Terminated

#: The collector's first threshold while a command runs (see the module doc).
GC_THRESHOLD = 200_000
#: ``OPENBLAS_THREAD_TIMEOUT`` while a command runs: idle OpenBLAS threads
#: spin 2**4 cycles before sleeping (OpenBLAS's range 4-30, default 28).
BLAS_THREAD_TIMEOUT = "4"

#: The commands, each defined by the function of the same name in
#: ``logistic.cli.<name>``, in the order ``logistic --help`` lists them.
COMMANDS = (
    "fit",
    "predict",
    "evaluate",
    "report",
    "summary",
    "margins",
    "test",
    "export",
    "demo",
    "derive",
    "cache",
)

HELP = (
    "Logistic regression, two classes or more (multinomial): fit, predict, "
    "evaluate and report from files.\n\n"
    "Exit codes: 0 ok, 1 internal error, 2 usage, 65 bad data or model file, "
    "66 input missing, 73 cannot create output, 74 I/O error (also a Dask cluster "
    "that fails), 129 hung up (SIGHUP), 130 interrupted, 141 output pipe closed, "
    "143 terminated (SIGTERM). "
    "Add --debug to any command for a traceback; logistic --version prints the "
    "version."
)


class OutputClosed(Exception):
    """Standard output's reader went away (EPIPE) while a command wrote to it.

    Not an OSError, so that click does not turn it into exit code 1.
    """


def _pipe_safe(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command`` with a broken pipe on output raised as :class:`OutputClosed`."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise OutputClosed() from None
            raise

    return _evaluated_signature(run, command)


def _evaluated_signature(run: Any, command: Callable[..., Any]) -> Any:
    """``run`` carrying ``command``'s signature with its annotations evaluated
    once: the command modules write them as strings (``from __future__ import
    annotations``), which typer would evaluate again each time it reads the
    signature (four times, some 150 evaluations for ``logistic fit``)."""
    import inspect

    signature = inspect.signature(command, eval_str=True)
    annotations = {
        name: p.annotation
        for name, p in signature.parameters.items()
        if p.annotation is not p.empty
    }
    if signature.return_annotation is not signature.empty:
        annotations["return"] = signature.return_annotation
    run.__signature__ = signature
    run.__annotations__ = annotations
    return run


def command_function(name: str) -> Callable[..., Any]:
    """The function behind command ``name`` (imports its module only)."""
    module = importlib.import_module(f"{__package__}.{name}")
    return getattr(module, name)  # type: ignore[no-any-return]


def _click_command(name: str) -> Any:
    """Command ``name`` as a click command built by typer from its function."""
    import typer

    from ._help_arguments import plain_arguments

    single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    single.command(name=name)(_pipe_safe(command_function(name)))
    command = _bare_help(_plain_values(typer.main.get_command(single)))
    return plain_arguments(command)


def _bare_help(command: Any) -> Any:
    """``command`` listing ``--help`` without a value label: typer labels
    that flag ``<bool>``, as if it took a value; the other flags set
    ``metavar=""`` for the same reason. A reader that leaves while the help
    prints (``logistic --help | head -1``) ends it as any closed output, exit
    141: typer's rich console reacts with ``SystemExit(1)`` (the help itself
    ends with click's ``Exit``, not ``SystemExit``)."""
    made = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = made(ctx)
        if option is not None:
            option.metavar = ""
            option.callback = _pipe_safe_help(option.callback)
        return option

    command.get_help_option = get_help_option
    return command


def _pipe_safe_help(callback: Callable[..., Any]) -> Callable[..., Any]:
    """The help option's ``callback`` with rich's broken-pipe exit raised as
    :class:`OutputClosed`."""

    def show(*args: Any) -> Any:
        try:
            return callback(*args)
        except SystemExit as exc:
            if exc.code == 1:
                raise OutputClosed() from None
            raise

    return show


def _plain_values(command: Any) -> Any:
    """``command`` converting plain option values without pydantic (``._values``)."""
    try:  # typer 0.2x converts every value with pydantic
        from ._values import install
    except ImportError:  # an earlier typer: click's types, no pydantic
        return command
    return install(command)


def build_app() -> Any:
    """The ``logistic`` command group; a command's module is imported only when
    that command runs (or when ``--help`` lists every command)."""
    from typer.core import DEFAULT_MARKUP_MODE, TyperGroup

    class LazyGroup(TyperGroup):
        def list_commands(self, ctx: Any) -> list[str]:
            return list(COMMANDS)

        def get_command(self, ctx: Any, cmd_name: str) -> Any:
            if cmd_name not in COMMANDS:
                return None
            if cmd_name not in self.commands:
                self.commands[cmd_name] = _click_command(cmd_name)
            return self.commands[cmd_name]

    group = LazyGroup(
        name="logistic",
        help=HELP,
        no_args_is_help=True,
        rich_markup_mode=DEFAULT_MARKUP_MODE,
    )
    return _bare_help(_plain_values(group))


def _output_closed() -> int:
    """Point stdout at /dev/null so that the final flush cannot fail; exit 141."""

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a file
        pass
    return EX_PIPE


def _fail(exc: BaseException, json_out: bool) -> int:
    from ._codes import exit_code_for, missing_extra
    from ._common import error_message

    exc = missing_extra(exc) or exc  # an extra not installed: which to install
    code = exit_code_for(exc)
    from .._messages import printable_line

    # one line whatever the exception holds (file content can reach a message),
    # a terminal escape or bidi control in a name shown escaped, not acted on
    message = printable_line(error_message(exc))
    print(f"error: {message}", file=sys.stderr, flush=True)
    if json_out:
        with contextlib.suppress(OSError):  # stdout may be what failed
            print(
                json.dumps({"ok": False, "error": message, "exit_code": code}),
                flush=True,
            )
    return code


def _usage_error(exc: BaseException, json_out: bool) -> int:
    """Click's usage errors as one line naming the command's --help (exit 2)."""
    from .._messages import printable_line

    # one line, a typed option's escapes and bidi controls shown escaped
    text = " ".join(exc.format_message().split())  # type: ignore[attr-defined]
    message = printable_line(text)
    if not message:  # no command given: the help, already printed, says it all
        return EX_USAGE
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or "logistic"
    from ._spelling import usage_hint

    message = usage_hint(message, path, COMMANDS)
    print(f"error: {message} (see '{path} --help')", file=sys.stderr, flush=True)
    if json_out:
        with contextlib.suppress(OSError):  # stdout closed or full: said on stderr
            print(
                json.dumps({"ok": False, "error": message, "exit_code": EX_USAGE}),
                flush=True,
            )
    return EX_USAGE


def _click_kind(exc: BaseException) -> str | None:
    """Which click exception this is (typer may vendor its own copy of click)."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    for kind in ("Exit", "Abort", "ClickException"):
        if kind in names:
            return kind
    return None


def _argument_text(argv: Sequence[Any]) -> list[str]:
    """``argv`` as text: paths (``os.PathLike``, bytes) decoded as the
    filesystem spells them, as :func:`subprocess.run` takes them; any other
    non-text argument is the caller's error, refused with its position."""
    args = []
    for i, arg in enumerate(argv):
        if isinstance(arg, (os.PathLike, bytes)):
            arg = os.fsdecode(arg)
        elif not isinstance(arg, str):
            raise TypeError(
                f"argv[{i}] has type {type(arg).__name__} ({arg!r}); each argument "
                "must be a str or os.PathLike, as on the command line"
            )
        args.append(arg)
    return args


def main(argv: Sequence[str | os.PathLike[str]] | None = None) -> int:
    """Run the CLI; return the exit code. ``argv``: the arguments, text or
    paths (``pathlib.Path``); default ``sys.argv[1:]``.

    Everything but the standard library is imported inside :func:`_run`'s
    ``try``, so that Ctrl-C at any moment, imports included, ends in the
    one-line ``interrupted`` and exit code 130, never a traceback. The
    collector's threshold is restored on return; without ``argv`` the
    collector is left disabled for the process's exit (see the module doc).
    """
    args = _argument_text(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    json_out = "--json" in args
    thresholds = gc.get_threshold()
    gc.set_threshold(max(GC_THRESHOLD, thresholds[0]), *thresholds[1:])
    blas_timeout = _quiet_blas_threads()
    zero_columns = _zero_columns_unset()
    global _terminated, _interrupted
    _terminated, _interrupted = 0, False
    # the process's own command: SIGTERM and SIGHUP clean up as Ctrl-C (until
    # it returns)
    previous = _terminate_by_exception() if argv is None else {}
    interrupt = _interrupt_noted() if argv is None else None
    global _previous_unraisable
    _previous_unraisable = sys.unraisablehook
    sys.unraisablehook = _unraisable
    try:
        with opened():
            return _run(args, debug, json_out)
    finally:
        sys.unraisablehook = _previous_unraisable
        if previous or interrupt is not None:
            import signal

            for signum, handler in previous.items():
                signal.signal(signum, handler)
            if interrupt is not None:
                signal.signal(signal.SIGINT, interrupt)
        if argv is None:  # the process's own command: it exits next
            gc.disable()
        elif blas_timeout:
            os.environ.pop("OPENBLAS_THREAD_TIMEOUT", None)
        if zero_columns and argv is not None:
            os.environ["COLUMNS"] = "0"
        gc.set_threshold(*thresholds)


#: The number of the SIGTERM or SIGHUP that arrived during the running
#: command, 0 for none (set by :func:`_raise_terminated`, cleared when
#: :func:`main` starts).
_terminated = 0


#: Whether SIGINT arrived during the running command (set by
#: :func:`_raise_interrupted`, cleared when :func:`main` starts).
_interrupted = False


def _raise_terminated(signum: int, frame: Any) -> None:
    global _terminated
    _terminated = int(signum)
    raise Terminated(int(signum))


def _raise_interrupted(signum: int, frame: Any) -> None:
    """Python's own SIGINT handler (KeyboardInterrupt), noting that it ran."""
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt()


def _interrupt_noted() -> Any:
    """SIGINT noted as it is raised (:func:`_raise_interrupted`), for a signal
    whose exception Python swallows: raised inside a garbage-collection
    callback (a ``weakref`` finalizer), it becomes an "Exception ignored"
    report and the command would run on to exit 0; :func:`_run` ends such a
    command as interrupted instead. Returns the handler replaced; None
    (nothing set) off the main thread or when another handler than Python's
    is set."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return None
    return signal.signal(signal.SIGINT, _raise_interrupted)


#: The unraisable-exception hook :func:`main` replaced (restored on return).
_previous_unraisable: Callable[[Any], Any] = sys.__unraisablehook__


def _unraisable(unraisable: Any) -> None:
    """The hook :func:`main` replaced, except for the interrupt or
    termination this command noted, which Python could not raise (its
    handler ran inside a garbage-collection callback, where an exception is
    only reported): :func:`_run` ends the command with 130 or 143 when it
    returns, without the report's traceback. The command runs on until
    then; what it writes is complete (every output is written atomically)."""
    noted = _terminated or _interrupted
    if noted and isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    _previous_unraisable(unraisable)


def _terminate_by_exception() -> dict[Any, Any]:
    """SIGTERM (``kill``, ``timeout``, a batch scheduler) and SIGHUP (the
    terminal or SSH session closed) raise :class:`~._codes.Terminated`, a
    KeyboardInterrupt, in the main thread while the command runs: its
    clean-ups run as after Ctrl-C (a temporary output file or a copy of
    standard input is removed, a checkpoint kept) and it ends with ``error:
    terminated (SIGTERM)`` and exit code 143, or ``error: hung up (SIGHUP)``
    and 129. The default action would end the process at once and leave a
    half-written temporary file. Returns the handlers replaced, by signal,
    for :func:`main` to put back; none off the main thread, and none for a
    signal whose handler is not the default (the process's owner chose it:
    ``nohup`` ignores SIGHUP)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return {}
    wanted = [signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])]
    return {
        signum: signal.signal(signum, _raise_terminated)
        for signum in wanted
        if signal.getsignal(signum) is signal.SIG_DFL
    }


def _quiet_blas_threads() -> bool:
    """``OPENBLAS_THREAD_TIMEOUT`` set for the numpy this command loads (see
    the module doc); False, nothing set, when numpy is loaded already or the
    variable is set."""
    if "numpy" in sys.modules or "OPENBLAS_THREAD_TIMEOUT" in os.environ:
        return False
    os.environ["OPENBLAS_THREAD_TIMEOUT"] = BLAS_THREAD_TIMEOUT
    return True


def _zero_columns_unset() -> bool:
    """``COLUMNS=0`` (set by some containers and CI runners) taken as unset,
    for the command and what it starts: rich (the tables, the help) reads it
    as a width of 0 and then prints nothing at all, where a terminal that
    reports 0 columns gets the terminal's width or 80. True when it was
    removed."""
    if os.environ.get("COLUMNS", "").strip() != "0":
        return False
    del os.environ["COLUMNS"]
    return True


def _run(args: list[str], debug: bool, json_out: bool) -> int:
    """:func:`main` after its set-up: the command, its errors and exit code."""
    if args[:1] == ["--version"]:  # before the commands' framework loads
        from .. import __version__

        try:
            print(f"logistic {__version__}", flush=True)
        except OSError as exc:
            return _fail(exc, False)
        return 0
    try:
        from . import _common
        from ._common import routed_warnings

        _common.command_line[:] = args
        # non-standalone typer returns the code of typer.Exit (130 after Ctrl-C)
        with routed_warnings():
            rv = build_app()(args=args, prog_name="logistic", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    except OutputClosed:
        return _output_closed()
    except BaseException as exc:  # every error: one line and an exit code
        kind = _click_kind(exc)
        if kind == "Exit":
            return int(getattr(exc, "exit_code", 0))
        if kind == "Abort":
            if _terminated:
                return _fail(Terminated(_terminated), json_out)
            print("interrupted", file=sys.stderr)
            return EX_INTERRUPTED
        if kind == "ClickException":
            return _usage_error(exc, json_out)
        if debug and not isinstance(exc, KeyboardInterrupt):
            import traceback  # --debug adds the traceback; the exit code stays

            traceback.print_exc(file=sys.stderr)
        return _fail(exc, json_out)
    if rv == EX_INTERRUPTED or _terminated or _interrupted:
        # a signal whose exception Python swallowed still ends the command so
        stop = Terminated(_terminated) if _terminated else KeyboardInterrupt()
        return _fail(stop, json_out)
    try:  # output still buffered: a reader that left shows here, not at exit
        sys.stdout.flush()
    except BrokenPipeError:
        return _output_closed()
    return rv if isinstance(rv, int) else 0


def run() -> NoReturn:
    """The ``logistic`` console script: :func:`main`, then the process exits
    without the interpreter's teardown when nothing needs it (see the module
    doc); the exit code is :func:`main`'s either way."""
    code = main()
    if not _teardown_skippable():
        _frozen_before_exit()
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()  # weakref.finalize objects included; clears the list
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # the ordinary exit reports a failed flush
        sys.exit(code)
    os._exit(code)


def _teardown_skippable() -> bool:
    """Whether the process may end without the interpreter's teardown: no
    trace or profile function that reports at exit, no thread or child
    process that the ordinary exit would join."""
    if sys.gettrace() is not None or sys.getprofile() is not None:
        return False
    monitoring = getattr(sys, "monitoring", None)  # Python 3.12+ (coverage)
    if monitoring is not None and any(monitoring.get_tool(i) for i in range(6)):
        return False
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    return "multiprocessing" not in sys.modules


def _frozen_before_exit() -> None:
    """Before the ordinary exit of a command that loaded ``distributed`` (a
    Dask fit), the heap frozen (:func:`gc.freeze`), so that the teardown's
    collections do not scan the objects of Dask, pandas and pyarrow: ≈ 1 s of
    a ``fit --workers`` on a loaded 2-core machine (module doc)."""
    if "distributed" in sys.modules:
        import gc

        gc.freeze()


def _forget_handled_interrupt() -> None:
    """Clear CPython's mark of an unhandled ``KeyboardInterrupt``.

    The interpreter marks one whenever a ``KeyboardInterrupt`` leaves an
    ``exec`` or ``eval`` of a string (defining a dataclass or a namedtuple
    does one, e.g. in a module a fit imports), even when :func:`main` catches
    it later, and ``python -m`` then ends the process by SIGINT (a parent sees
    -2) instead of with :func:`main`'s code. Evaluating any string clears the
    mark; the string here is a constant, nothing read from outside."""
    eval("None")


def run_as_module() -> NoReturn:
    """``python -m logistic`` and ``python -m logistic.cli.app``: :func:`main`,
    then the ordinary exit with its code (a mark of an interrupt that main
    handled cleared first, :func:`_forget_handled_interrupt`)."""
    code = main()
    _forget_handled_interrupt()
    _frozen_before_exit()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    run_as_module()
