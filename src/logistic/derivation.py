"""The seed's derivation of the logistic-regression gradient, verified with sympy.

Each :class:`Step` states a claim ``lhs = rhs`` where ``lhs`` is computed by
sympy from the definitions (differentiation, chain rule, sums) and ``rhs`` is
the closed form written in the derivation. A step passes when ``lhs - rhs``
is exactly zero: each ``exp`` of a linear form replaced by a symbol, the
rational function left is cancelled (``_is_zero_exp``, entry by entry for the
K-class steps' matrices in ``_is_zero_any``), with ``_is_zero``'s
substitution and ``simplify`` as the fallback.
``verify()`` checks every step; ``logistic
derive`` prints them numbered and exits non-zero if one fails. sympy is an
optional dependency (``pip install 'logistic[derive]'``) imported on use.

Steps (numbering follows the seed):

1. hypothesis ``h = σ(z) = 1/(1 + e^{-z}) = e^z/(1 + e^z)``, ``z = wᵀx + b``
2. ``σ'(z) = σ(z)(1 - σ(z))``
3. ``∂L/∂h = (h - y) / (h(1 - h))`` for ``L = -[y log h + (1-y) log(1-h)]``
4. ``∂h/∂z = h(1 - h)`` (from the form ``e^z/(1 + e^z)``) and ``∂z/∂w_j = x_j``
5. chain rule (each factor differentiated) and cancellation: ``∂L/∂w_j =
   (h - y) x_j``; and the same derivative taken directly
6. averaged gradient ``∂J/∂w_j = (1/m) Σ_i (h(x_i) - y_i) x_ij``, and the bias
   gradient ``∂J/∂b = (1/m) Σ_i (h(x_i) - y_i)`` (``x_j = 1``), checked on a
   symbolic data set of m = 3 rows and 2 features
7. (beyond the seed) ``∂²L/∂z² = σ(z)(1 - σ(z))``, the Hessian weight: with
   step 4b's ``∂z/∂θ = x̃`` the Hessian is ``X̃ᵀ diag(σ(1 - σ)) X̃ / m``
   (the K-class derivation, ``steps(classes=K)``, checks its Hessian entry
   by entry; here the weight)
8. ``1/4 - σ(1 - σ) = (σ - 1/2)²``: the weights are at most 1/4, which
   bounds the Hessian by ``X̃ᵀX̃/(4m)`` and the gradient's Lipschitz constant
   by ``‖X̃‖₂²/(4m)`` (the step gradient descent starts from).

The binary steps derive the seed's unweighted mean loss; the library's
objective adds sample weights (a weighted mean), an offset (added to ``z``)
and an L2 term, whose derivatives are those of a weighted sum and of
``(alpha/2)‖w‖²``, not re-derived here.

``steps(classes=K)`` (``logistic derive --classes K``) is the same derivation
for K classes, the softmax model of :mod:`logistic._softmax` and
:mod:`logistic._multinomial`, with ``y`` one-hot (checked for any labels that
sum to 1, ``y_K = 1 - Σ_{k<K} y_k``):

1. ``p_k = softmax(z)_k`` does not change when one constant is added to
   every ``z_k`` (why the model needs a parametrization)
2. ``∂p_k/∂z_j = p_k(δ_kj - p_j)``: the Jacobian ``diag(p) - p pᵀ``
3. ``L = -Σ_k y_k log p_k = lse(z) - Σ_k y_k z_k`` (the stable form computed)
4. ``∂L/∂z_k = p_k - y_k``, the binary ``h - y`` once per class
5. ``∂²L/∂z∂zᵀ = diag(p) - p pᵀ`` (does not depend on ``y``)
6. averaged over a symbolic data set of m = 3 rows and 2 features:
   ``∂J/∂W = (1/m) (P - Y)ᵀ X`` (``Xᵀ(P - Y)/m`` transposed: one row per
   class) and ``∂J/∂b = (1/m) (P - Y)ᵀ 1``
7. Hessian blocks (m = 2 rows): ``∂²J/∂w_k∂w_lᵀ = (1/m) Σ_i (δ_kl p_ik -
   p_ik p_il) x_i x_iᵀ``, i.e. ``Σ_i (diag(p_i) - p_i p_iᵀ) ⊗ x_i x_iᵀ / m``
8. K = 2 with the reference class ``z = (0, t)``: ``p_2 = σ(t)``, the loss is
   the binary cross-entropy of ``y_2`` and ``∂L/∂t = σ(t) - y_2`` (the binary
   steps 1, 3 and 5), whatever K was asked for.

Steps 6 and 7 are checked with exact rational arithmetic after each ``e^{z}``
is replaced by a positive symbol (:func:`_is_zero_exp`): multiplying out the
denominators leaves a polynomial that must expand to 0.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ._exceptions import InvalidParameterError

__all__ = [
    "MAX_CLASSES",
    "Step",
    "StepResult",
    "steps",
    "softmax_steps",
    "verify",
    "render",
]


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


#: The largest ``classes`` ``steps`` accepts: the symbolic data set's
#: Hessian has ``(2K)²`` entries and grows quickly past this.
MAX_CLASSES = 6


def steps(classes: int | None = None) -> list[Step]:
    """The derivation's steps, each with its computed and its claimed side.

    ``classes=None``: the seed's binary derivation; ``classes=K``
    (``2 <= K <= MAX_CLASSES``): the softmax derivation for K classes.
    """
    if classes is not None:
        return softmax_steps(classes)
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
            "hypothesis h(x) = σ(wᵀx + b) = 1/(1 + e^(-z)) = e^z/(1 + e^z)",
            lambda: sigma(zz),
            lambda: s.exp(zz) / (1 + s.exp(zz)),
        ),
        Step(
            "2",
            "σ'(z) = σ(z)(1 - σ(z))",
            lambda: s.diff(sigma(z), z),
            lambda: sigma(z) * (1 - sigma(z)),
        ),
        Step(
            "3",
            "∂L/∂h = (h - y) / (h(1 - h)) for the binary cross-entropy "
            "L = -[y log h + (1 - y) log(1 - h)]",
            lambda: s.diff(L(h), h),
            lambda: (h - y) / (h * (1 - h)),
        ),
        Step(
            "4a",
            "∂h/∂z = h(1 - h), differentiating h = e^z/(1 + e^z) (step 1's other form)",
            lambda: s.diff(s.exp(z) / (1 + s.exp(z)), z),
            lambda: sigma(z) * (1 - sigma(z)),
        ),
        Step("4b", "∂z/∂w_j = x_j", lambda: s.diff(zz, w1), lambda: x1),
        Step(
            "5a",
            "chain rule: (∂L/∂h)(∂h/∂z)(∂z/∂w_j) = (h - y) x_j (h(1 - h) cancels), "
            "each factor differentiated by sympy",
            lambda: s.diff(L(h), h).subs(h, sigma(zz))
            * s.diff(sigma(z), z).subs(z, zz)
            * s.diff(zz, w1),
            lambda: (sigma(zz) - y) * x1,
        ),
        Step(
            "5b",
            "directly: ∂L(σ(wᵀx + b))/∂w_j = (σ(z) - y) x_j",
            lambda: s.diff(L(sigma(zz)), w1),
            lambda: (sigma(zz) - y) * x1,
        ),
        Step(
            "6a",
            "∂J/∂w_j = (1/m) Σ_i (h(x_i) - y_i) x_ij for the mean cost "
            "J = (1/m) Σ_i L(y_i, h(x_i))  (m = 3, j = 1)",
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
        Step(
            "8",
            "1/4 - σ(z)(1 - σ(z)) = (σ(z) - 1/2)² ≥ 0: every Hessian weight is at most "
            "1/4, so ∇²J = X̃ᵀ diag(σ(1 - σ)) X̃ / m ⪯ X̃ᵀX̃/(4m) and ‖X̃‖₂²/(4m) bounds "
            "the gradient's Lipschitz constant",
            lambda: s.Rational(1, 4) - sigma(z) * (1 - sigma(z)),
            lambda: (sigma(z) - s.Rational(1, 2)) ** 2,
        ),
    ]


def _softmax_symbols(K: int, m: int) -> dict[str, Any]:
    """Symbols of a data set: ``X`` (m × 2), ``W`` (K × 2), ``b`` (K), labels
    ``Y`` (m × K) whose rows sum to 1, logits ``Z`` and probabilities ``P``."""
    s = _sympy()
    q = 2
    X = s.Matrix(m, q, lambda i, j: s.Symbol(f"x_{i + 1}{j + 1}", real=True))
    W = s.Matrix(K, q, lambda k, j: s.Symbol(f"w_{k + 1}{j + 1}", real=True))
    b = s.Matrix([s.Symbol(f"b_{k + 1}", real=True) for k in range(K)])
    Y = s.Matrix(m, K, lambda i, k: s.Symbol(f"y_{i + 1}{k + 1}", real=True))
    Y[:, K - 1] = s.Matrix([1 - sum(Y[i, :K - 1]) for i in range(m)])
    Z = X * W.T + s.ones(m, 1) * b.T
    P = s.Matrix.vstack(*(_softmax(list(Z.row(i))).T for i in range(m)))
    J = sum(_lse(list(Z.row(i))) - (Y.row(i) * Z.row(i).T)[0] for i in range(m)) / m
    return {"X": X, "W": W, "b": b, "Y": Y, "P": P, "J": J, "m": m, "q": q}


def _softmax(z: list[Any]) -> Any:
    s = _sympy()
    total = sum(s.exp(t) for t in z)
    return s.Matrix([s.exp(t) / total for t in z])


def _lse(z: list[Any]) -> Any:
    s = _sympy()
    return s.log(sum(s.exp(t) for t in z))


def softmax_steps(K: int) -> list[Step]:
    """The softmax (K-class) derivation's steps (module docstring)."""
    if isinstance(K, bool) or not isinstance(K, int) or not 2 <= K <= MAX_CLASSES:
        raise ValueError(
            f"classes must be an integer from 2 to {MAX_CLASSES}; got {K!r}"
        )
    s = _sympy()
    z = list(s.symbols(f"z_1:{K + 1}", real=True))
    c, t, y2 = s.symbols("c t y_2", real=True)
    y = list(s.symbols(f"y_1:{K}", real=True))
    y = s.Matrix(y + [1 - sum(y)])
    p = _softmax(z)
    Jac = s.diag(*p) - p * p.T

    def L(zz: list[Any]) -> Any:
        pp = _softmax(zz)
        return -sum(y[k] * s.log(pp[k]) for k in range(K))

    def data(m: int) -> dict[str, Any]:
        return _softmax_symbols(K, m)

    def grad_W() -> Any:
        d = data(3)
        return s.Matrix(K, d["q"], lambda k, j: s.diff(d["J"], d["W"][k, j]))

    def grad_W_claim() -> Any:
        d = data(3)
        return (d["P"] - d["Y"]).T * d["X"] / d["m"]

    def grad_b() -> Any:
        d = data(3)
        return s.Matrix([s.diff(d["J"], bk) for bk in d["b"]])

    def grad_b_claim() -> Any:
        d = data(3)
        return (d["P"] - d["Y"]).T * s.ones(d["m"], 1) / d["m"]

    def hess() -> Any:
        d = data(2)
        return s.hessian(d["J"], list(d["W"]))

    def hess_claim() -> Any:
        d = data(2)
        P, X, q, m = d["P"], d["X"], d["q"], d["m"]

        def entry(a: int, e: int) -> Any:
            k, j, k2, jj = a // q, a % q, e // q, e % q
            return sum(
                (int(k == k2) * P[i, k] - P[i, k] * P[i, k2]) * X[i, j] * X[i, jj]
                for i in range(m)
            ) / m

        return s.Matrix(K * q, K * q, entry)

    def sigma(u: Any) -> Any:
        return 1 / (1 + s.exp(-u))

    def L2(u: Any) -> Any:
        pp = _softmax([s.Integer(0), u])
        return -((1 - y2) * s.log(pp[0]) + y2 * s.log(pp[1]))

    return [
        Step(
            "1",
            f"softmax p_k = e^(z_k) / Σ_j e^(z_j) (K = {K}) is unchanged by z_k + c",
            lambda: _softmax([zk + c for zk in z]),
            lambda: p,
        ),
        Step("2", "∂p_k/∂z_j = p_k(δ_kj - p_j): the Jacobian diag(p) - p pᵀ",
             lambda: p.jacobian(z), lambda: Jac),
        Step(
            "3",
            "L = -Σ_k y_k log p_k = lse(z) - Σ_k y_k z_k  (Σ_k y_k = 1)",
            lambda: L(z),
            lambda: _lse(z) - sum(y[k] * z[k] for k in range(K)),
        ),
        Step("4", "∂L/∂z_k = p_k - y_k  (one-hot y)",
             lambda: s.Matrix([s.diff(L(z), zk) for zk in z]), lambda: p - y),
        Step("5", "∂²L/∂z∂zᵀ = diag(p) - p pᵀ  (free of y)",
             lambda: s.hessian(L(z), z), lambda: Jac),
        Step("6a", "∂J/∂W = (1/m) (P - Y)ᵀ X, i.e. the gradient Xᵀ(P - Y)/m  (m = 3)",
             grad_W, grad_W_claim),
        Step("6b", "bias: ∂J/∂b = (1/m) (P - Y)ᵀ 1", grad_b, grad_b_claim),
        Step(
            "7",
            "Hessian blocks ∂²J/∂w_k∂w_lᵀ = (1/m) Σ_i (δ_kl p_ik - p_ik p_il) "
            "x_i x_iᵀ  (m = 2)",
            hess,
            hess_claim,
        ),
        Step("8a", "K = 2, z = (0, t): p_2 = σ(t)",
             lambda: _softmax([s.Integer(0), t])[1], lambda: sigma(t)),
        Step(
            "8b",
            "K = 2: L = -[y log σ(t) + (1 - y) log(1 - σ(t))], the binary loss "
            "(y = y_2)",
            lambda: L2(t),
            lambda: -(y2 * s.log(sigma(t)) + (1 - y2) * s.log(1 - sigma(t))),
        ),
        Step("8c", "K = 2: ∂L/∂t = σ(t) - y, the binary gradient",
             lambda: s.diff(L2(t), t), lambda: sigma(t) - y2),
    ]


def _is_zero_exp(expr: Any) -> bool | None:
    """Exact zero test for rational functions of ``exp`` of linear forms and
    of ``log`` of such functions.

    ``log`` is expanded (``log(e^a / S) = a - log S``) and ``e^{a+b}`` split
    into ``e^a e^b``, so every exponential is ``e^{r u}`` of a monomial ``u``;
    each ``e^u`` becomes a positive symbol ``E`` (``e^{ru}``, r rational,
    ``E**r``) and the numerator over a common denominator must then expand
    to 0 (the denominators are sums of positive terms). Exponentials of
    distinct monomials are algebraically independent over the rational
    functions, so a nonzero numerator means a false claim. ``None`` when
    something other than such a rational function is left (the caller falls
    back to :func:`_is_zero`).
    """
    s = _sympy()
    expr = s.expand_power_exp(s.expand_log(expr, force=True))
    bases: list[tuple[Any, Any]] = []
    replace: dict[Any, Any] = {}
    for atom in sorted(expr.atoms(s.exp), key=s.count_ops):
        a = atom.args[0]
        for c, E in bases:
            if a.free_symbols == c.free_symbols:
                r = s.cancel(a / c)
                if r.is_Rational:
                    replace[atom] = E**r
                    break
        else:
            E = s.Dummy("E", positive=True)
            bases.append((a, E))
            replace[atom] = E
    rational = expr.xreplace(replace)
    if rational.atoms(s.exp, s.log):
        return None
    numerator, _ = s.fraction(s.together(rational))
    return bool(s.expand(numerator) == 0)


def _is_zero_any(expr: Any) -> bool:
    """Zero test of a scalar or (entry by entry) a matrix."""
    s = _sympy()
    entries = list(expr) if isinstance(expr, s.MatrixBase) else [expr]
    for e in entries:
        fast = _is_zero_exp(e)
        if not (_is_zero(e) if fast is None else fast):
            return False
    return True


def _is_zero(expr: Any) -> bool:
    """Exact zero test.

    Every expression here is a rational function of ``exp`` of linear forms,
    which :func:`_is_zero_exp` decides exactly, a false claim included, in a
    tenth of a second. Should it leave something else, each ``exp(a)`` is
    replaced by a fresh symbol ``E`` (``exp(k a)`` becomes ``E**k``) and the
    rational function left cancelled; ``simplify`` is the last fallback
    (seconds on a nonzero difference, which it cannot show is nonzero).
    """
    fast = _is_zero_exp(expr)
    if fast is not None:
        return fast
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
    classes: int | None = None,
    only: Collection[str] | None = None,
) -> list[StepResult]:
    """Check every step; ``overrides`` replaces a step's claimed side (for tests).

    ``classes``: as for :func:`steps` (``None``, the binary derivation);
    ``only``: check just the steps of these numbers. A number in
    ``overrides`` or ``only`` that no step has (``"6"`` for ``"6a"``) is an
    :class:`~logistic.InvalidParameterError` listing the steps.
    """
    results = []
    zero = _is_zero if classes is None else _is_zero_any
    known = [st.number for st in steps(classes)]
    for what, given in (("overrides", overrides), ("only", only)):
        unknown = sorted(set(given or ()) - set(known), key=str)
        if unknown:  # else a claim meant for a step would pass unchecked
            raise InvalidParameterError(
                f"verify: {what} names step(s) {unknown} that the derivation "
                f"does not have; its steps are {known}"
            )
    for st in steps(classes):
        if only is not None and st.number not in only:
            continue
        rhs_fn = (overrides or {}).get(st.number, st.rhs)
        lhs, rhs = st.lhs(), rhs_fn()
        results.append(StepResult(st, lhs, rhs, zero(lhs - rhs)))
    return results


def _short(expr: Any, what: str) -> str:
    """``expr`` as text, or a one-line stand-in when it is past 160 characters."""
    s = _sympy()
    text = s.sstr(expr)
    if len(text) <= 160:
        return text
    return f"({what}: {s.count_ops(expr)} operations, see verify())"


def render(results: list[StepResult]) -> str:
    """Numbered plain text: each step's title, then both sides in sympy's
    one-line form (``sstr``), or a count of operations past 160 characters."""
    lines = []
    for r in results:
        mark = "verified" if r.passed else "FAILED"
        lines.append(f"Step {r.step.number}: {r.step.title}  [{mark}]")
        lines.append("    sympy computes: " + _short(r.lhs, "sympy's result"))
        claimed = _short(r.rhs, "the closed form in the title")
        lines.append("    claimed       : " + claimed)
    n_ok = sum(r.passed for r in results)
    lines.append(f"{n_ok}/{len(results)} steps verified.")
    return "\n".join(lines)
