"""How a command's arguments show in ``--help`` and its usage line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["plain_arguments"]


def plain_arguments(command: Any) -> Any:
    """``command``'s arguments shown by their names alone, as the options show
    their metavars: no Python type label beside them in ``--help`` (typer
    writes ``DATA <path>``, ``HYPOTHESIS <list[str]>``, ``ACTION <str>``),
    and click's usage line (``MODEL DATA``, ``[DATA]``, ``[HYPOTHESIS]...``),
    where typer braces a required one (``{MODEL}``, which reads as shell
    brace expansion). Each argument's help says what it takes."""
    for param in command.params:
        if getattr(param, "param_type_name", None) != "argument":
            continue
        param.display_type_rich = lambda ctx: None
        if hasattr(param, "_usage_display_name"):  # typer 0.2x's usage names
            param._usage_display_name = _usage_name(param)
    return command


def _usage_name(param: Any) -> Callable[[], str]:
    """The usage-line name of argument ``param``: ``NAME``, ``[NAME]`` when it
    may be left out, ``...`` after one that takes several values."""

    def name() -> str:
        shown = str(param.metavar or param.name).upper()
        shown = shown if param.required else f"[{shown}]"
        return shown + ("..." if param.nargs != 1 else "")

    return name
