"""The seed's derivation, verified symbolically, and the `logistic derive` command."""

from __future__ import annotations

import pytest

sympy = pytest.importorskip("sympy", reason="the derive extra (sympy) is part of the test install")

from logistic import derivation  # noqa: E402


@pytest.fixture(scope="module")
def results():
    return derivation.verify()


def test_every_step_is_verified(results):
    numbers = [r.step.number for r in results]
    # the seed's steps 1-6 (4 and 5 in two parts, 6 for w_1, w_2 and the bias),
    # plus 7 (the Hessian weight) and 8 (its bound 1/4)
    assert numbers == ["1", "2", "3", "4a", "4b", "5a", "5b", "6a", "6b", "6c", "7", "8"]
    assert all(r.passed for r in results)


def test_rendering_numbers_every_step(results):
    text = derivation.render(results)
    for r in results:
        assert f"Step {r.step.number}:" in text
    assert "12/12 steps verified." in text
    assert "FAILED" not in text


@pytest.mark.parametrize("number,wrong", [
    ("2", lambda: sympy.Symbol("z")),  # σ' = z is false
    ("3", lambda: (sympy.Symbol("h", real=True) - sympy.Symbol("y", real=True)) / sympy.Symbol("h", real=True)),
    ("6c", lambda: sympy.Integer(0)),  # the bias gradient is not zero
    # the chain rule's product, each factor computed, is not (h - y) x_j squared
    ("5a", lambda: ((1 / (1 + sympy.exp(-sympy.Symbol("z")))) - sympy.Symbol("y", real=True)) ** 2),
    ("8", lambda: sympy.Integer(0)),  # σ(1 - σ) is not 1/4 everywhere
])
def test_a_wrong_step_fails(number, wrong):
    results = derivation.verify({number: wrong})
    failed = [r.step.number for r in results if not r.passed]
    assert failed == [number]
    assert "FAILED" in derivation.render(results)


def test_cli_derive_exits_zero_and_prints_steps(capsys):
    from logistic.cli.app import main

    assert main(["derive"]) == 0
    out = capsys.readouterr().out
    assert "Step 6c" in out and "12/12 steps verified." in out


def test_cli_derive_exits_nonzero_when_a_step_fails(monkeypatch, capsys):
    from logistic.cli.app import main

    original = derivation.verify
    monkeypatch.setattr(derivation, "verify", lambda: original({"5a": lambda: sympy.Integer(1)}))
    assert main(["derive"]) != 0
    assert "FAILED" in capsys.readouterr().out


def test_the_printed_steps_define_the_loss_and_the_cost(results):
    """`logistic derive` printed ∂L/∂h and ∂J/∂w_j without saying what L and
    J are; the seed's definitions (the binary cross-entropy, its mean over m
    rows) are in the titles of the steps that differentiate them."""
    text = derivation.render(results)
    step3 = next(line for line in text.splitlines() if line.startswith("Step 3:"))
    assert "L = -[y log h + (1 - y) log(1 - h)]" in step3
    step6a = next(line for line in text.splitlines() if line.startswith("Step 6a:"))
    assert "J = (1/m) Σ_i L(y_i, h(x_i))" in step6a


@pytest.mark.parametrize("kwargs", [
    {"overrides": {"6": lambda: sympy.Integer(0)}},  # step 6 is 6a, 6b and 6c
    {"only": ["9"]},
])
def test_a_step_number_the_derivation_lacks_is_refused(kwargs):
    """A false claim given for step "6" was never checked: verify() returned
    12 verified steps; only=["9"] returned no step at all."""
    from logistic import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=r"steps are \['1', '2', '3', '4a'"):
        derivation.verify(**kwargs)
