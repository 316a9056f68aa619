"""Oracle: the same expressions in PyTorch (float64) give the same values and gradients.

Skipped when torch is not installed; glassgrad never needs torch (``pip install torch`` to run it).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import catalogue
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle: pip install torch")

import autograd  # noqa: E402
from autograd import Value  # noqa: E402

EXPRESSIONS = {
    "poly": lambda a, b: (a * b + a**3 - b / (a * a + 1)) * 0.5,
    "transcendental": lambda a, b: a.exp() + b.sin() * a.cos() - (a * a + 1).log() + (b * b + 1).sqrt(),
    "activations": lambda a, b: a.tanh() * b.sigmoid() + (a - b).relu() + b.softplus() + abs(a * b),
    "leaky": lambda a, b: (a - 1).leaky_relu(0.1) * b.leaky_relu(0.1),
    "power": lambda a, b: (a * a + 0.5) ** b + 2.0**a,
}


def torch_op(name: str) -> Callable[[Any], Any]:
    """PyTorch's equivalent of the op ``name``, from the shared catalogue."""
    torch_function = catalogue.CASES[name].torch
    assert torch_function is not None, f"the catalogue has no PyTorch equivalent of {name}"
    return lambda x: torch_function(torch, x)


class T:
    """Wraps a torch tensor with glassgrad's method names, so one expression runs on both."""

    def __init__(self, t: object) -> None:
        self.t = t

    def __getattr__(self, name: str) -> object:
        if name == "leaky_relu":
            return lambda slope=0.01: T(torch.nn.functional.leaky_relu(self.t, slope))
        return lambda: T(torch_op(name)(self.t))

    def _wrap(self, other: object) -> object:
        return other.t if isinstance(other, T) else other

    def __add__(self, o: object) -> T:
        return T(self.t + self._wrap(o))

    __radd__ = __add__

    def __sub__(self, o: object) -> T:
        return T(self.t - self._wrap(o))

    def __rsub__(self, o: object) -> T:
        return T(self._wrap(o) - self.t)

    def __mul__(self, o: object) -> T:
        return T(self.t * self._wrap(o))

    __rmul__ = __mul__

    def __truediv__(self, o: object) -> T:
        return T(self.t / self._wrap(o))

    def __pow__(self, o: object) -> T:
        return T(self.t ** self._wrap(o))

    def __rpow__(self, o: object) -> T:
        return T(self._wrap(o) ** self.t)

    def __abs__(self) -> T:
        return T(self.t.abs())  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
@pytest.mark.parametrize(("x", "y"), [(0.3, 1.7), (-1.2, 0.4), (2.1, -0.8)])
def test_matches_pytorch(name: str, x: float, y: float) -> None:
    expr = EXPRESSIONS[name]
    a, b = Value(x), Value(y)
    out = expr(a, b)
    out.backward()
    ta = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(y, dtype=torch.float64, requires_grad=True)
    tout = expr(T(ta), T(tb)).t
    tout.backward()
    assert out.data == pytest.approx(tout.item(), rel=1e-12)
    assert a.grad == pytest.approx(ta.grad.item(), rel=1e-10, abs=1e-12)
    assert b.grad == pytest.approx(tb.grad.item(), rel=1e-10, abs=1e-12)


def test_dot_matches_pytorch_dot() -> None:
    ws, xs = [0.5, -1.5, 2.0], [1.0, 0.25, -3.0]
    w = [Value(v) for v in ws]
    autograd.dot(w, xs).tanh().backward()
    tw = torch.tensor(ws, dtype=torch.float64, requires_grad=True)
    torch.tanh(tw @ torch.tensor(xs, dtype=torch.float64)).backward()
    assert [v.grad for v in w] == pytest.approx(tw.grad.tolist(), rel=1e-12)
    assert math.isfinite(w[0].grad)
