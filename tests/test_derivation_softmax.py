"""The softmax (K-class) derivation, verified symbolically, and ``logistic derive --classes``.

The claims checked are the textbook multinomial results (e.g. Bishop, *Pattern
Recognition and Machine Learning*, eqs. 4.106-4.110): ∂L/∂z_k = p_k - y_k, the
gradient Xᵀ(P - Y)/m, Hessian blocks Σ_i p_ik(δ_kl - p_il) x_i x_iᵀ; sympy
computes the left-hand sides from the definitions.
"""

from __future__ import annotations

import numpy as np
import pytest

sympy = pytest.importorskip("sympy", reason="the derive extra (sympy) is part of the test install")

from logistic import derivation  # noqa: E402

NUMBERS = ["1", "2", "3", "4", "5", "6a", "6b", "7", "8a", "8b", "8c"]


@pytest.fixture(scope="module")
def results3():
    return derivation.verify(classes=3)


def test_every_softmax_step_is_verified(results3):
    assert [r.step.number for r in results3] == NUMBERS
    assert [r.step.number for r in results3 if not r.passed] == []
    text = derivation.render(results3)
    assert "11/11 steps verified." in text and "FAILED" not in text


def test_two_classes_is_the_binary_derivation():
    # every K = 2 step is verified by test_cli_derive_classes (exit 0, 11/11)
    results = derivation.verify(classes=2, only={"8a", "8b", "8c"})
    assert [r.passed for r in results] == [True, True, True]
    # step 8a's computed side is exactly the softmax of (0, t) and equals σ(t)
    by_number = {r.step.number: r for r in results}
    t = sympy.Symbol("t", real=True)
    assert sympy.simplify(by_number["8a"].lhs - 1 / (1 + sympy.exp(-t))) == 0


def test_the_symbolic_gradient_matches_the_library_numerically(results3):
    """Numbers substituted into sympy's ∂J/∂W and ∂J/∂b (steps 6a, 6b) equal
    the library's (softmax(Z) - Y)ᵀ [X, 1] / m on the same 3 rows."""
    from logistic._softmax import softmax

    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 2))
    Y = np.eye(3)[[0, 2, 1]]
    W = rng.standard_normal((3, 2))
    b = rng.standard_normal(3)
    d = derivation._softmax_symbols(3, 3)
    values = {d["X"][i, j]: X[i, j] for i in range(3) for j in range(2)}
    values |= {d["W"][k, j]: W[k, j] for k in range(3) for j in range(2)}
    values |= {d["b"][k]: b[k] for k in range(3)}
    values |= {sympy.Symbol(f"y_{i + 1}{k + 1}", real=True): Y[i, k] for i in range(3) for k in range(2)}
    lhs = {r.step.number: r.lhs for r in results3}
    G_sym = np.array(lhs["6a"].subs(values).evalf(), dtype=float)
    g_b_sym = np.array(lhs["6b"].subs(values).evalf(), dtype=float).ravel()
    R = softmax(X @ W.T + b) - Y
    np.testing.assert_allclose(G_sym, R.T @ X / 3, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(g_b_sym, R.sum(axis=0) / 3, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("number,wrong", [
    ("4", lambda: sympy.zeros(3, 1)),  # the gradient in z is not zero
    ("6b", lambda: sympy.ones(3, 1)),  # nor is the bias gradient one
    ("8c", lambda: sympy.Symbol("y_2", real=True)),
])
def test_a_wrong_softmax_step_fails(number, wrong):
    results = derivation.verify({number: wrong}, classes=3, only={number, "1"})
    assert [r.step.number for r in results] == ["1", number]
    assert [r.step.number for r in results if not r.passed] == [number]
    assert "FAILED" in derivation.render(results)


def _near_misses():
    """A plausible but wrong closed form for every step (K = 3), written here
    from the textbook forms with one slip each."""
    s, K = sympy, 3
    z = list(s.symbols("z_1:4", real=True))
    free_y = s.Matrix(s.symbols("y_1:4", real=True))  # y_3 not tied to 1 - y_1 - y_2
    y = s.Matrix([*free_y[:2], 1 - free_y[0] - free_y[1]])
    e = [s.exp(t) for t in z]
    p = s.Matrix([ek / sum(e) for ek in e])
    t, y2 = s.symbols("t y_2", real=True)
    sigma = 1 / (1 + s.exp(-t))

    def data(m):
        d = derivation._softmax_symbols(K, m)
        return d["P"], d["Y"], d["X"]

    def hessian_without_diagonal():
        P, _, X = data(2)
        return s.Matrix(6, 6, lambda a, c: -sum(
            P[i, a // 2] * P[i, c // 2] * X[i, a % 2] * X[i, c % 2] for i in range(2)) / 2)

    return {
        "1": lambda: s.Matrix([s.exp(z[0] + 1), *e[1:]]) / (s.exp(z[0] + 1) + sum(e[1:])),
        "2": lambda: s.diag(*p),  # the Jacobian without -p pᵀ
        "3": lambda: s.log(sum(e)) - sum(y[k] * z[k] for k in range(K - 1)),
        "4": lambda: p - free_y,  # true only where Σ_k y_k = 1
        "5": lambda: s.diag(*p),
        "6a": lambda: (lambda P, Y, X: (P - Y).T * X)(*data(3)),  # no 1/m
        "6b": lambda: (lambda P, Y, X: (P - Y).T * s.ones(3, 1) / 2)(*data(3)),
        "7": hessian_without_diagonal,
        "8a": lambda: 1 / (1 + s.exp(t)),  # σ(-t)
        "8b": lambda: -((1 - y2) * s.log(sigma) + y2 * s.log(1 - sigma)),
        "8c": lambda: y2 - sigma,
    }


@pytest.mark.parametrize("number", NUMBERS)
def test_every_softmax_step_refuses_a_near_miss(number):
    # each check can fail: a claim with one slip is refused, step by step
    wrong = _near_misses()[number]
    results = derivation.verify({number: wrong}, classes=3, only={number})
    assert [(r.step.number, r.passed) for r in results] == [(number, False)]


@pytest.mark.parametrize("bad", [1, 7, True, 2.0])
def test_classes_out_of_range_is_refused(bad):
    with pytest.raises(ValueError, match="classes must be an integer from 2 to 6"):
        derivation.steps(classes=bad)


def test_cli_derive_classes(capsys):
    from logistic.cli.app import main

    assert main(["derive", "--classes", "2"]) == 0
    out = capsys.readouterr().out
    assert "Step 8c" in out and "11/11 steps verified." in out
    assert main(["derive", "--classes", "9"]) == 2
    assert "--classes must be from 2 to 6; got 9" in capsys.readouterr().err
