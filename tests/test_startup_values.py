"""The CLI's option values converted without pydantic (``logistic.cli._values``).

The reference is typer's own converter (its pydantic ``TypeAdapter``) for the
same parameter: every parameter of every command gets a battery of values
(well-formed, odd spellings, wrong types, missing), and the plain converter
returns the same value of the same type, or raises the same error message, with
the text received added where typer's message does not show it.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("typer._coercion")  # typer 0.2x: the pydantic converters

from typer._coercion import build_runtime_param  # noqa: E402

from logistic.cli._values import PlainRuntimeParam, plain_converter  # noqa: E402
from logistic.cli.app import COMMANDS, _click_command  # noqa: E402

HERE = Path(__file__).parent
UCLA = HERE / "data" / "ucla-admissions" / "binary.csv"

_VALUES: list[Any] = [
    None, "abc", "", " x ", "\udcff", "ü", "-", "1", "0", "-12", "007", " 2",
    "2 ", "1_000", "+3", "99999999999999999999", "1.5", "-2e-8", ".5", "5.",
    "1e400", "-0", "inf", "nan", "NaN", "1e", "e5", "--1", "0x10", "true",
    "False", "a//b", "./x", str(UCLA), str(HERE), 5, 0.5, 1e300, True, False,
    Path("model.json"), Path(str(UCLA)), ("a", "b"), ["1", "2.5"], (), ("a", 1),
]  # fmt: skip


def _outcome(convert: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        got = convert.coerce(value, param=param, ctx=ctx)
    except Exception as exc:  # the error typer reports for this value
        return "error", (type(exc).__name__, str(exc))
    if isinstance(got, float) and math.isnan(got):
        return "value", ("float", "nan")
    return "value", (type(got).__name__, repr(got))


def _named(outcome: tuple[str, Any], value: Any) -> tuple[str, Any]:
    """typer's refusal of a text with that text added where its message does
    not show it (pydantic's "Input should be a valid integer, unable to parse
    string as an integer" never does): what the plain converter raises."""
    if outcome[0] != "error" or type(value) is not str:
        return outcome
    kind, message = outcome[1]
    # (a text given to a list option is refused by typer before any converter)
    if kind == "BadParameter" and repr(value) not in message and not (
        message == "Value must be an iterable."
    ):
        message = f"{message.rstrip('.')}; got {value!r}"
    return "error", (kind, message)


def _params() -> list[tuple[str, Any, Any]]:
    from typer._click import Context

    out = []
    for name in COMMANDS:
        command = _click_command(name)
        ctx = Context(command, info_name=name)
        out += [(name, p, ctx) for p in command.params]
    return out


def test_every_option_of_every_command_has_a_plain_converter():
    # a new option type without one would bring pydantic back to start-up
    missing = [
        (name, p.name) for name, p, _ in _params()
        if not isinstance(p.get_runtime_param(), PlainRuntimeParam)
    ]  # fmt: skip
    assert missing == []


def test_plain_converters_return_what_typer_returns():
    compared = deferred = 0
    for name, param, ctx in _params():
        ours = param.get_runtime_param()
        assert isinstance(ours, PlainRuntimeParam)
        typers = build_runtime_param(param.type_descriptor)
        assert not isinstance(typers, PlainRuntimeParam)
        for value in [*_VALUES, param.default]:
            want = _named(_outcome(typers, value, param, ctx), value)
            assert _outcome(ours, value, param, ctx) == want, (name, param.name, value)
            compared += 1
            deferred += want[0] == "error"
    assert compared > 3000 and deferred > 500  # both paths exercised


@pytest.mark.parametrize(
    ("annotation", "value", "expected"),
    [
        ("int", "-12", -12),
        ("float", "-2e-8", -2e-8),
        ("float", ".5", 0.5),
        ("str", " x ", " x "),
        ("Path", "a//b", Path("a/b")),
        ("list[str]", ("a", "b"), ["a", "b"]),
    ],
)
def test_plain_values_need_no_pydantic(annotation, value, expected):
    # in a fresh interpreter: the plain converter's answer, pydantic untouched
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from typer._coercion import resolve_type_descriptor\n"
        "from typer.models import OptionInfo\n"
        "from logistic.cli._values import plain_converter\n"
        f"d = resolve_type_descriptor({annotation}, OptionInfo())\n"
        f"got = plain_converter(d)({value!r}, d.parameter_info, None, None)\n"
        "print(repr(got))\n"
        "print('pydantic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == [repr(expected), "False"]


def test_constrained_and_other_types_keep_typers_converter():
    from enum import Enum

    from typer._coercion import resolve_type_descriptor
    from typer.models import OptionInfo

    class Colour(Enum):
        RED = "red"

    assert plain_converter(resolve_type_descriptor(int, OptionInfo(min=0))) is None
    assert plain_converter(resolve_type_descriptor(float, OptionInfo(max=1))) is None
    assert plain_converter(resolve_type_descriptor(Colour, OptionInfo())) is None
    assert plain_converter(resolve_type_descriptor(str, OptionInfo(parser=str))) is None
    assert (
        plain_converter(resolve_type_descriptor(tuple[int, int], OptionInfo())) is None
    )
