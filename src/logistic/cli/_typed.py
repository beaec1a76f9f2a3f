"""What the command line typed, beyond what typer hands a command: the
arguments themselves (:data:`command_line`, set by
:func:`logistic.cli.app.main`), which of an option's names was used
(:func:`typed_option`, so that messages name the option as typed), and an
output option given more than once (:func:`given_once`): click keeps the last
value of a repeated option, so that of the files named all but the last would
silently not be written.
"""

from __future__ import annotations

from ._codes import EX_USAGE, CLIError

__all__ = ["command_line", "given_once", "typed_option"]

#: The arguments of the running command (set by :func:`logistic.cli.app.main`).
command_line: list[str] = []


def _uses(arg: str, name: str) -> bool:
    """Whether ``arg`` is option ``name``, alone or with its value attached
    (``--output=FILE``, ``-oFILE``)."""
    long_value = name.startswith("--") and arg.startswith(name + "=")
    short_value = len(name) == 2 and arg.startswith(name) and len(arg) > 2
    return arg == name or long_value or short_value


def _valued_options() -> set[str]:
    """The names of the running command's options that take a value, whose
    next argument is that value whatever it looks like (click's reading):
    from click's context (typer's own copy of click, or click), empty
    outside one."""
    import sys

    ctx = None
    for module in ("typer._click.globals", "click"):  # loaded ones only
        get = getattr(sys.modules.get(module), "get_current_context", None)
        ctx = get(silent=True) if get is not None else None
        if ctx is not None:
            break
    if ctx is None:
        return set()
    return {
        name
        for p in ctx.command.params
        if p.param_type_name == "option" and not p.is_flag and not p.count
        for name in (*p.opts, *p.secondary_opts)
    }


def typed_option(*names: str) -> str:
    """Which of an option's names (``--onnx``, ``--output``, ``-o``) the command
    line used, so that messages name the option as typed; the first name when
    none is found."""
    for arg in reversed(command_line):
        for name in names:
            if _uses(arg, name):
                return name
    return names[0]


def given_once(*names: str) -> None:
    """Refuse (exit 2) an option of ``names`` (one option's names: ``-o``,
    ``--output``) given more than once, naming each as typed, before the
    command's work: of ``-o a --onnx b`` only ``b`` would be written."""
    given: list[str] = []
    args = command_line
    valued = _valued_options() | set(names)
    for i, arg in enumerate(args):
        if arg == "--":  # the arguments after it are no options
            break
        if i > 0 and args[i - 1] in valued:
            continue  # an option's value ("-o -o.csv", "--features -ox")
        name = next((n for n in names if _uses(arg, n)), None)
        if name is None:
            continue
        value = args[i + 1] if arg == name and i + 1 < len(args) else ""
        given.append(f"{arg} {value}".strip())
    if len(given) > 1:
        listed = ", ".join(given[:-1]) + f" and {given[-1]}"
        same = ", ".join(names[:-1]) + f" and {names[-1]}"
        raise CLIError(
            f"{listed}: the output is given {len(given)} times, and the command "
            f"writes one ({same} are one option); give it once",
            EX_USAGE,
        )
