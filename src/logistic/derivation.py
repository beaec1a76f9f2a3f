"""The seed's derivation of the logistic-regression gradient, verified with sympy.

Each :class:`Step` states a claim ``lhs = rhs`` where ``lhs`` is computed by
sympy from the definitions (differentiation, chain rule, sums) and ``rhs`` is
the closed form written in the derivation. A step passes when
``simplify(lhs - rhs) == 0``. ``verify()`` checks every step; ``logistic
derive`` prints them numbered and exits non-zero if one fails. sympy is an
optional dependency (``pip install 'logistic[derive]'``) imported on use.

Steps (numbering follows the seed):

1. hypothesis ``h = σ(z)``, ``z = wᵀx + b``
2. ``σ'(z) = σ(z)(1 - σ(z))``
3. ``∂L/∂h = (h - y) / (h(1 - h))`` for ``L = -[y log h + (1-y) log(1-h)]``
4. ``∂h/∂z = h(1 - h)`` and ``∂z/∂w_j = x_j``
5. chain rule and cancellation: ``∂L/∂w_j = (h - y) x_j``
6. averaged gradient ``∂J/∂w_j = (1/m) Σ_i (h(x_i) - y_i) x_ij``, and the bias
   gradient ``∂J/∂b = (1/m) Σ_i (h(x_i) - y_i)`` (``x_j = 1``), checked on a
   symbolic data set of m = 3 rows and 2 features
7. (beyond the seed) ``∂²L/∂z² = σ(z)(1 - σ(z))``, the Hessian weight.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Step", "StepResult", "steps", "verify", "render"]


@dataclass(frozen=True)
class Step:
    """One claim of the derivation: ``lhs() = rhs()`` (sympy expressions)."""

    number: str
    title: str
    lhs: Callable[[], Any]
    rhs: Callable[[], Any]


@dataclass(frozen=True)
class StepResult:
    step: Step
    lhs: Any
    rhs: Any
    passed: bool


def _sympy() -> Any:
    try:
        import sympy
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "the verified derivation needs sympy: pip install 'logistic[derive]'"
        ) from exc
    return sympy


def steps() -> list[Step]:
    """The derivation's steps, each with its computed and its claimed side."""
    s = _sympy()
    z, y, h, x1, x2, w1, w2, b = s.symbols("z y h x_1 x_2 w_1 w_2 b", real=True)

    def sigma(t: Any) -> Any:
        return 1 / (1 + s.exp(-t))

    def L(hh: Any) -> Any:
        return -(y * s.log(hh) + (1 - y) * s.log(1 - hh))

    zz = w1 * x1 + w2 * x2 + b
    m = 3
    X = s.Matrix(m, 2, lambda i, j: s.Symbol(f"x_{i + 1}{j + 1}", real=True))
    Y = [s.Symbol(f"y_{i + 1}", real=True) for i in range(m)]
    zi = [w1 * X[i, 0] + w2 * X[i, 1] + b for i in range(m)]
    J = (
        sum(
            -(Y[i] * s.log(sigma(zi[i])) + (1 - Y[i]) * s.log(1 - sigma(zi[i])))
            for i in range(m)
        )
        / m
    )

    return [
        Step(
            "1",
            "hypothesis h(x) = σ(wᵀx + b) = 1/(1 + e^(-z))",
            lambda: sigma(zz),
            lambda: 1 / (1 + s.exp(-(w1 * x1 + w2 * x2 + b))),
        ),
        Step(
            "2",
            "σ'(z) = σ(z)(1 - σ(z))",
            lambda: s.diff(sigma(z), z),
            lambda: sigma(z) * (1 - sigma(z)),
        ),
        Step(
            "3",
            "∂L/∂h = (h - y) / (h(1 - h))",
            lambda: s.diff(L(h), h),
            lambda: (h - y) / (h * (1 - h)),
        ),
        Step(
            "4a",
            "∂h/∂z = h(1 - h)",
            lambda: s.diff(sigma(z), z),
            lambda: sigma(z) * (1 - sigma(z)),
        ),
        Step("4b", "∂z/∂w_j = x_j", lambda: s.diff(zz, w1), lambda: x1),
        Step(
            "5a",
            "chain rule: (∂L/∂h)(∂h/∂z)(∂z/∂w_j) = (h - y) x_j (h(1 - h) cancels)",
            lambda: ((h - y) / (h * (1 - h))) * (h * (1 - h)) * x1,
            lambda: (h - y) * x1,
        ),
        Step(
            "5b",
            "directly: ∂L(σ(wᵀx + b))/∂w_j = (σ(z) - y) x_j",
            lambda: s.diff(L(sigma(zz)), w1),
            lambda: (sigma(zz) - y) * x1,
        ),
        Step(
            "6a",
            "∂J/∂w_j = (1/m) Σ_i (h(x_i) - y_i) x_ij  (m = 3, j = 1)",
            lambda: s.diff(J, w1),
            lambda: sum((sigma(zi[i]) - Y[i]) * X[i, 0] for i in range(m)) / m,
        ),
        Step(
            "6b",
            "∂J/∂w_j for j = 2",
            lambda: s.diff(J, w2),
            lambda: sum((sigma(zi[i]) - Y[i]) * X[i, 1] for i in range(m)) / m,
        ),
        Step(
            "6c",
            "bias (x_j = 1): ∂J/∂b = (1/m) Σ_i (h(x_i) - y_i)",
            lambda: s.diff(J, b),
            lambda: sum(sigma(zi[i]) - Y[i] for i in range(m)) / m,
        ),
        Step(
            "7",
            "Hessian weight: ∂²L(σ(z))/∂z² = σ(z)(1 - σ(z))",
            lambda: s.diff(L(sigma(z)), z, 2),
            lambda: sigma(z) * (1 - sigma(z)),
        ),
    ]


def _is_zero(expr: Any) -> bool:
    """Exact zero test.

    Every expression here is a rational function of ``exp`` of linear forms:
    replacing each ``exp(a)`` by a fresh symbol ``E`` (``exp(k a)`` becomes
    ``E**k``) leaves a rational function, for which ``cancel`` decides zero
    exactly and fast. ``simplify`` is the fallback.
    """
    s = _sympy()
    expr = s.powsimp(s.expand(expr.rewrite(s.exp)))
    args = {a.args[0] for a in expr.atoms(s.exp)}
    base: dict[Any, Any] = {}
    for a in sorted(args, key=s.count_ops):
        if not any(s.simplify(a / k).is_number for k in base) and not any(
            s.simplify(-a - k) == 0 for k in base
        ):
            base[a] = s.Dummy("E")
    rational = expr
    for a, sym in base.items():
        rational = rational.subs(s.exp(a), sym)
    if not rational.atoms(s.exp) and s.cancel(s.together(rational)) == 0:
        return True
    return bool(s.simplify(expr) == 0)


def verify(
    overrides: Mapping[str, Callable[[], Any]] | None = None,
) -> list[StepResult]:
    """Check every step; ``overrides`` replaces a step's claimed side (for tests)."""
    results = []
    for st in steps():
        rhs_fn = (overrides or {}).get(st.number, st.rhs)
        lhs, rhs = st.lhs(), rhs_fn()
        results.append(StepResult(st, lhs, rhs, _is_zero(lhs - rhs)))
    return results


def render(results: list[StepResult]) -> str:
    """Numbered plain-text rendering with sympy's pretty printer."""
    s = _sympy()
    lines = []
    for r in results:
        mark = "verified" if r.passed else "FAILED"
        lines.append(f"Step {r.step.number}: {r.step.title}  [{mark}]")
        computed = s.sstr(r.lhs)
        if len(computed) > 160:
            computed = (
                f"(sympy's derivative: {s.count_ops(r.lhs)} operations, see verify())"
            )
        lines.append("    sympy computes: " + computed)
        lines.append("    claimed       : " + s.sstr(r.rhs))
    n_ok = sum(r.passed for r in results)
    lines.append(f"{n_ok}/{len(results)} steps verified.")
    return "\n".join(lines)
