"""Option and argument values converted as typer converts them, without pydantic.

typer (0.2x) converts every parameter's value (the default and ``None``
included) through a pydantic ``TypeAdapter`` that it builds on the parameter's
first use: importing pydantic and building the 40 adapters of ``logistic fit``
is ≈ 0.1 s of the 0.4 s fit of a 400-row file. :func:`install` gives each
parameter of the plain kinds the commands use (``str``, ``int``, ``float``,
``bool``, ``Path``, lists of those; no ``parser``, ``min``/``max``, choices or
``path_type``) a converter that returns what typer's returns for the values it
is sure of: any string, a bool, an ``int`` or ``float`` of its own type, a
decimal integer (``-12``), a plain decimal number (``1.5``, ``-2e-8``,
``.5``), a path string (``Path(value)``, then typer's own path checks). Every
other value, and every value those checks refuse, goes to typer's pydantic
converter, built then: spellings such as ``1_000``, `` 2`` or ``inf`` and all
error messages stay typer's. A typer without this layer (click's types before
0.2x) has no ``typer._coercion``: :func:`install` is then never imported
(``cli.app``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_path

__all__ = ["install", "plain_converter"]

#: ``int(value)`` of these equals pydantic's lax ``int`` (18 digits: no big ints).
#: Pattern strings: ``re`` compiles them when a number is first converted.
_INT = r"-?[0-9]{1,18}"
#: ``float(value)`` of these equals pydantic's lax ``float`` (both round correctly).
_FLOAT = r"-?(?:[0-9]{1,18}(?:\.[0-9]{0,18})?|\.[0-9]{1,18})(?:[eE][+-]?[0-9]{1,3})?"


class _Defer:
    """The value is not one the plain converters are sure of."""


_DEFER = _Defer()
Convert = Callable[[Any, Any, Any, Any], Any]


def _str(value: Any, info: Any, param: Any, ctx: Any) -> Any:
    return value if type(value) is str else _DEFER


def _bool(value: Any, info: Any, param: Any, ctx: Any) -> Any:
    return value if type(value) is bool else _DEFER


def _number(kind: type[Any], spelling: str) -> Convert:
    """A value of type ``kind`` as it is; a string spelt as ``spelling``
    allows, ``kind(value)``."""

    def convert(value: Any, info: Any, param: Any, ctx: Any) -> Any:
        if type(value) is kind:
            return value
        if type(value) is str and re.fullmatch(spelling, value):
            return kind(value)
        return _DEFER

    return convert


def _path(value: Any, info: Any, param: Any, ctx: Any) -> Any:
    # typer turns a string into the Path pydantic makes, Path(value), then
    # checks it; a check's refusal is raised again by typer's own converter
    if type(value) is str:
        value = Path(value)
    elif not isinstance(value, Path):
        return _DEFER
    return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)


_LEAVES: dict[Any, Convert] = {
    str: _str,
    bool: _bool,
    int: _number(int, _INT),
    float: _number(float, _FLOAT),
    Path: _path,
}


def _plain(annotation: Any, info: Any) -> Convert | None:
    """The converter of a leaf annotation without typer's constraints, or None."""
    if annotation is Path and getattr(info, "path_type", None) is not None:
        return None
    if annotation in (int, float) and not (
        info.min is None and info.max is None and not info.clamp
    ):
        return None
    return _LEAVES.get(annotation)


def plain_converter(descriptor: TypeDescriptor) -> Convert | None:
    """The plain converter of a parameter's resolved type, or None (typer's)."""
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None:
        return None
    if get_origin(descriptor.annotation) is list:
        (item,) = get_args(descriptor.annotation)
        leaf = _plain(item, info)
        if leaf is None:
            return None

        def convert(value: Any, info: Any, param: Any, ctx: Any) -> Any:
            if not isinstance(value, (list, tuple)):
                return _DEFER
            items = [leaf(v, info, param, ctx) for v in value]
            return _DEFER if any(v is _DEFER for v in items) else items

        return convert
    if get_origin(descriptor.annotation) is not None:
        return None
    return _plain(descriptor.annotation, info)


@dataclass(frozen=True)
class PlainRuntimeParam(RuntimeParam):
    """typer's runtime conversion of one parameter, pydantic only on deferral
    (typer's ``RuntimeParam.coerce`` handles ``None`` and multi-value strings)."""

    descriptor: TypeDescriptor
    convert: Convert

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        try:
            got = self.convert(value, self.parameter_info, param, ctx)
        except Exception:  # typer's converter raises its own error for it
            got = _DEFER
        if got is _DEFER:
            typer_own = build_runtime_param(self.descriptor)
            try:
                return typer_own._coerce_value(value, param=param, ctx=ctx)
            except Exception as exc:  # typer's BadParameter (its own click's)
                _name_value(exc, value)
                raise
        return got


def _name_value(exc: Any, value: Any) -> None:
    """Add the value received to typer's refusal of it: pydantic's words
    ("Input should be a valid integer, unable to parse string as an
    integer") never show it, so ``--max-iter 1e3`` read as if nothing was
    given (click's own types say "'1e3' is not a valid integer.")."""
    message = getattr(exc, "message", None)
    shown = repr(value)
    if type(value) is str and type(message) is str and shown not in message:
        exc.message = f"{message.rstrip('.')}; got {shown}"


def _install_param(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or getattr(param, "_runtime_param", 0) is not None:
        return  # not typer's, or its converter is built already
    convert = plain_converter(descriptor)
    if convert is not None:
        param._runtime_param = PlainRuntimeParam(
            parameter_info=descriptor.parameter_info,
            annotation=descriptor.annotation,
            descriptor=descriptor,
            convert=convert,
        )


def install(command: Any) -> Any:
    """``command`` (typer's click command or group) with plain converters set
    on the parameters that have one, its ``--help`` option included (made on
    first use, its value ``None`` when not given); the others keep typer's."""
    for param in getattr(command, "params", ()):
        _install_param(param)
    help_option = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = help_option(ctx)
        if option is not None:
            _install_param(option)
        return option

    command.get_help_option = get_help_option
    return command
