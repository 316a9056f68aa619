"""The op catalogue the test suites share: every op of ``autograd/ops.py``, how to apply it, what it gives.

One place that says, for each op: how to apply it to Values (``apply``), the float function it must agree
with (``reference``), the points to test it at (``points``: scalars; ``batch``: one batch for batched
mode), PyTorch's equivalent (``torch``, called as ``torch(torch_module, tensor)``), a form that is smooth
and finite everywhere for finite-difference property tests (``smooth``), and whether the random graphs
against PyTorch use it (``fuzz``). The suites read it: ``test_engine_ops.py`` (values and gradients
against math and finite differences), ``test_batched.py`` (batches against samples), ``test_compile.py``
(programs against ``backward()``), ``test_engine_properties.py`` (random graphs against finite
differences), ``test_torch_oracle.py`` and ``fuzz_graphs.py`` (against PyTorch). ``test_catalogue.py``
checks that every ``Op`` of ``autograd.ops``, and every op family (``power_of``, ``leaky_relu_of``), has
an entry here, so that a new built-in op cannot go untested.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

import autograd
from autograd import Value, engine, ops

# Scalar points: away from kinks (relu, abs and leaky_relu at 0) and poles (1/x at 0).
POINTS = (-2.7, -1.3, -0.6, -0.1, 0.2, 0.9, 1.7, 3.1)
POSITIVE = (0.05, 0.3, 0.8, 1.0, 1.9, 4.2, 10.5)
# Batches: one number per sample. BATCH has the kink at 0, which batch and sample must treat alike.
BATCH = np.array([-2.7, -1.3, -0.4, 0.0, 0.2, 0.9, 1.7, 3.1])
BATCH_POSITIVE = np.array([0.05, 0.3, 0.8, 1.0, 1.9, 4.2, 10.5, 0.6])
# Pairs of binary ops: both signs, exponents of both signs, a base and exponent that are not integers.
PAIRS = ((0.7, 1.3), (2.5, -0.4), (1.2, 3.0), (3.3, 0.5), (0.4, -2.2))


@dataclass(frozen=True)
class Case:
    """One way to apply an op, and what it must give.

    ``apply`` takes Values (or numbers, for binary cases) and returns a Value; ``reference`` takes floats.
    A case that is not meant for a suite leaves its field ``None`` (or ``fuzz`` False).
    """

    name: str
    apply: Callable[..., Any]
    reference: Callable[..., float] | None = None
    points: Sequence[Any] = POINTS
    batch: NDArray[np.float64] | None = field(default_factory=lambda: BATCH)
    torch: Callable[..., Any] | None = None
    smooth: Callable[..., Any] | None = None
    fuzz: bool = False
    gradient: bool = True  # False: it sends no gradient back (a constant); no finite differences


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _leaky(slope: float) -> Callable[[float], float]:
    return lambda x: x if x > 0 else slope * x


UNARY: tuple[Case, ...] = (
    Case("neg", lambda x: -x, lambda x: -x, torch=lambda t, x: t.neg(x), smooth=lambda x: -x, fuzz=True),
    Case("abs", lambda x: abs(x), abs, torch=lambda t, x: t.abs(x), fuzz=True),
    Case(
        "exp",
        lambda x: x.exp(),
        math.exp,
        torch=lambda t, x: t.exp(x),
        smooth=lambda x: (x * 0.5).exp(),
        fuzz=True,
    ),
    Case(
        "log",
        lambda x: x.log(),
        math.log,
        POSITIVE,
        BATCH_POSITIVE,
        torch=lambda t, x: t.log(x),
        smooth=lambda x: (x * x + 1).log(),
        fuzz=True,
    ),
    Case(
        "sqrt",
        lambda x: x.sqrt(),
        math.sqrt,
        POSITIVE,
        BATCH_POSITIVE,
        torch=lambda t, x: t.sqrt(x),
        smooth=lambda x: (x * x + 0.5).sqrt(),
        fuzz=True,
    ),
    Case(
        "tanh",
        lambda x: x.tanh(),
        math.tanh,
        torch=lambda t, x: t.tanh(x),
        smooth=lambda x: x.tanh(),
        fuzz=True,
    ),
    Case(
        "sigmoid",
        lambda x: x.sigmoid(),
        _sigmoid,
        torch=lambda t, x: t.sigmoid(x),
        smooth=lambda x: x.sigmoid(),
        fuzz=True,
    ),
    Case("relu", lambda x: x.relu(), lambda x: max(x, 0.0), torch=lambda t, x: t.relu(x), fuzz=True),
    Case(
        "leaky_relu",
        lambda x: x.leaky_relu(),
        _leaky(0.01),
        torch=lambda t, x: t.nn.functional.leaky_relu(x, 0.01),
    ),
    Case(
        "leaky_relu(0.1)",
        lambda x: x.leaky_relu(0.1),
        _leaky(0.1),
        torch=lambda t, x: t.nn.functional.leaky_relu(x, 0.1),
        fuzz=True,
    ),
    Case(
        "leaky_relu(0.3)",
        lambda x: x.leaky_relu(0.3),
        _leaky(0.3),
        torch=lambda t, x: t.nn.functional.leaky_relu(x, 0.3),
    ),
    Case(
        "softplus",
        lambda x: x.softplus(),
        lambda x: math.log1p(math.exp(x)),
        torch=lambda t, x: t.nn.functional.softplus(x),
        smooth=lambda x: x.softplus(),
        fuzz=True,
    ),
    Case(
        "sin", lambda x: x.sin(), math.sin, torch=lambda t, x: t.sin(x), smooth=lambda x: x.sin(), fuzz=True
    ),
    Case(
        "cos", lambda x: x.cos(), math.cos, torch=lambda t, x: t.cos(x), smooth=lambda x: x.cos(), fuzz=True
    ),
    # The family power_of(c): x ** c for a constant c.
    Case("square", lambda x: x**2, lambda x: x**2, torch=lambda t, x: t.pow(x, 2), smooth=lambda x: x**2),
    Case("cube", lambda x: x**3, lambda x: x**3, torch=lambda t, x: t.pow(x, 3)),
    Case("reciprocal", lambda x: x**-1, lambda x: 1 / x, batch=BATCH_POSITIVE),
    Case("sqrt-pow", lambda x: x**0.5, math.sqrt, POSITIVE, BATCH_POSITIVE),
    Case("power 2.5", lambda x: x**2.5, lambda x: x**2.5, POSITIVE, BATCH_POSITIVE),
    Case("power -1.5", lambda x: x**-1.5, lambda x: x**-1.5, POSITIVE, BATCH_POSITIVE),
    Case("numpy exponent", lambda x: x ** np.float64(2.5), lambda x: x**2.5, POSITIVE, BATCH_POSITIVE),
    Case("power 0", lambda x: x**0, lambda x: 1.0),
    # A number on the left: the binary ops with a constant leaf.
    Case("constant / x", lambda x: 1.0 / x, lambda x: 1.0 / x, batch=BATCH_POSITIVE),
    Case("constant - x", lambda x: 2.0 - x, lambda x: 2.0 - x),
    Case("constant ** x", lambda x: 3 ** (x * 0.1), lambda x: 3 ** (x * 0.1)),
    # What grad() puts before its input, and batched mode's sum over the samples.
    Case("id", lambda x: engine._unary(ops.IDENTITY, x), lambda x: x),
    Case("batch_sum", lambda x: x.batch_sum(), lambda x: x),
    # A Value that needs no gradient (an engine.Constant): its op reads "" and nothing flows back through it.
    Case("detach", lambda x: x.detach(), lambda x: x, batch=None, gradient=False),
)

BINARY: tuple[Case, ...] = (
    Case("+", lambda a, b: a + b, lambda a, b: a + b, PAIRS, smooth=lambda a, b: a + b, fuzz=True),
    Case("-", lambda a, b: a - b, lambda a, b: a - b, PAIRS, smooth=lambda a, b: a - b, fuzz=True),
    Case("*", lambda a, b: a * b, lambda a, b: a * b, PAIRS, smooth=lambda a, b: a * b, fuzz=True),
    Case("/", lambda a, b: a / b, lambda a, b: a / b, PAIRS, smooth=lambda a, b: a / (b * b + 1), fuzz=True),
    Case(
        "**",
        lambda a, b: a**b,
        lambda a, b: a**b,
        PAIRS,
        smooth=lambda a, b: (a * a + 1) ** (b.tanh()),
        fuzz=True,
    ),
)


@dataclass(frozen=True)
class Fused:
    """An n-ary op, fused into one node: ``apply(*inputs)`` on Values or numbers; ``torch`` adds its terms
    in glassgrad's order; ``forms``, functions of two Values that use it (for random graphs);
    ``smooth``, one of them fit for finite differences; ``width(n)``, its number of inputs for n terms."""

    name: str
    apply: Callable[..., Value]
    torch: Callable[..., Any]
    forms: tuple[Callable[[Value, Value], Value], ...]
    smooth: Callable[[Value, Value], Value]
    width: Callable[[int], int]


def _halves(xs: Sequence[Any]) -> tuple[Sequence[Any], Sequence[Any]]:
    n = len(xs) // 2
    return xs[:n], xs[n:]


def _torch_terms(t: Any, terms: Sequence[Any], start: Any = 0.0) -> Any:
    """A sum in glassgrad's order (micrograd's puts the bias first), on tensors or numbers."""
    out = t.as_tensor(start, dtype=t.float64)
    for term in terms:
        out = out + term
    return out


def _torch_dot(t: Any, *wx: Any) -> Any:
    ws, xs = _halves(wx)
    return _torch_terms(t, [w * x for w, x in zip(ws, xs, strict=True)])


def _torch_affine(t: Any, *wbx: Any) -> Any:
    n = len(wbx) // 2
    return _torch_terms(t, [w * x for w, x in zip(wbx[:n], wbx[n + 1 :], strict=True)], wbx[n])


FUSED: tuple[Fused, ...] = (
    Fused(
        "sum",
        lambda *xs: autograd.sum(xs),
        lambda t, *xs: _torch_terms(t, xs),
        (lambda a, b: autograd.sum([a, b, a, 1.0]),),
        lambda a, b: autograd.sum([a, b, a]),
        lambda n: n,
    ),
    Fused(
        "dot",
        lambda *wx: autograd.dot(*_halves(wx)),
        _torch_dot,
        (
            lambda a, b: autograd.dot([a, b], [b, 0.5]),
            lambda a, b: autograd.dot([b, a], [a, 3.0]),  # a as x_1 and w_2: added in the order of the rule
        ),
        lambda a, b: autograd.dot([a, b], [b, 0.5]),
        lambda n: 2 * n,
    ),
    Fused(
        "w·x+b",
        lambda *wbx: autograd.dot(wbx[: len(wbx) // 2], wbx[len(wbx) // 2 + 1 :], wbx[len(wbx) // 2]),
        _torch_affine,
        (lambda a, b: autograd.dot([a, b, a], [b, a, 2.0], b),),
        lambda a, b: autograd.dot([a, b], [b, 0.5], a),
        lambda n: 2 * n + 1,
    ),
)

# Constant parameters of the op families that the cases and the fuzzing use.
FAMILIES: dict[str, tuple[float, ...]] = {
    "power_of": (0.0, 1.0, 2.0, 3.0, 0.5, -0.5, -1.0, -2.0, 2.5, -1.5),
    "leaky_relu_of": (0.01, 0.1, 0.3),
}

CASES: dict[str, Case] = {case.name: case for case in (*UNARY, *BINARY)}
FUSED_BY_NAME: dict[str, Fused] = {fused.name: fused for fused in FUSED}


def recorded_op(case: Case | Fused) -> str:
    """The name of the op a case records (``Value.op`` of its result, ``""`` for a Value that needs no
    gradient, which records nothing): what it tests."""
    if isinstance(case, Fused):
        out = case.apply(*(Value(0.7 + i) for i in range(case.width(2))))
    elif case in BINARY:
        out = case.apply(Value(0.7), Value(1.3))
    else:
        out = case.apply(Value(0.7))
    return str(out.op)


_FAMILY_NAME = {
    "power_of": re.compile(r"^\*\*(.+)$"),
    "leaky_relu_of": re.compile(r"^leaky_relu\((.+)\)$"),
}


def op_named(name: str) -> ops.Op:
    """The ``Op`` of ``autograd.ops`` that records this name: a built-in one, or a family's member."""
    for op in vars(ops).values():
        if isinstance(op, ops.Op) and op.name == name:
            return op
    for family, pattern in _FAMILY_NAME.items():
        if match := pattern.match(name):
            op = getattr(ops, family)(float(match[1]))
            if op.name == name:
                return op  # type: ignore[no-any-return]
    raise KeyError(f"no op of autograd.ops is named {name!r}")
