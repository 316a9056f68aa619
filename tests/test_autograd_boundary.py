"""Bad input to the engine gets a clear error at the door, before anything changes; graphs free themselves."""

from __future__ import annotations

import gc
import math
import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import autograd
import nn
from autograd import Value, scope
from autograd.viz import backward_steps, draw_dot


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: Value(1.0).backward(grad="x"), TypeError, "grad must be a real number, got str"),  # type: ignore[arg-type]
        (lambda: Value(1.0).backward(grad=Value(1.0)), TypeError, "grad must be a real number, got Value"),  # type: ignore[arg-type]
        (lambda: autograd.sum(None), TypeError, "autograd.sum takes a sequence .* got NoneType"),  # type: ignore[arg-type]
        (lambda: autograd.sum(Value(1.0)), TypeError, "autograd.sum takes a sequence .* got Value"),  # type: ignore[arg-type]
        (lambda: autograd.dot(None, [1.0]), TypeError, "autograd.dot takes a sequence .* got NoneType"),  # type: ignore[arg-type]
        (lambda: autograd.dot([1.0], 3), TypeError, "autograd.dot takes a sequence .* got int"),  # type: ignore[arg-type]
        (lambda: autograd.topological_order(3), TypeError, "topological_order takes a Value, got int"),  # type: ignore[arg-type]
        (lambda: backward_steps(3), TypeError, "backward_steps takes a Value, got int"),  # type: ignore[arg-type]
        (lambda: backward_steps(Value(1.0) * 2, digits=0), ValueError, "digits must be from 1 to 17, got 0"),
        (lambda: draw_dot(Value(1.0), digits=-1), ValueError, "digits must be from 1 to 17, got -1"),
        (lambda: draw_dot(Value(1.0), digits=2.5), TypeError, "digits must be an int, got float"),  # type: ignore[arg-type]
        (lambda: draw_dot(Value(1.0), max_nodes=0), ValueError, "max_nodes must be at least 1, got 0"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(call: Callable[[], Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_a_refused_backward_changes_no_gradient() -> None:
    x = Value(2.0)
    y = x * x
    x.grad = 5.0
    with pytest.raises(TypeError):
        y.backward(grad="x")  # type: ignore[arg-type]
    assert x.grad == 5.0 and y.grad == 0.0


def test_backward_takes_any_real_seed() -> None:
    import numpy as np

    x = Value(2.0)
    (x * x).backward(grad=np.float64(0.5))
    assert x.grad == 2.0 and type(x.grad) is float


def alive_after_drop(build: Callable[[], tuple[Value, list[Value]]]) -> tuple[list[Any], list[Value]]:
    """Build a graph, drop it, and return weak references to its interior nodes that are still alive
    without the cyclic garbage collector (and the leaves, kept)."""
    was = gc.isenabled()
    gc.disable()
    try:
        root, leaves = build()
        interior = [weakref.ref(v) for v in autograd.topological_order(root) if v.parents]
        del root
        return [r for r in interior if r() is not None], leaves
    finally:
        if was:
            gc.enable()


def test_a_graph_after_create_graph_frees_itself_once_the_leaves_grads_are_reset() -> None:
    def build() -> tuple[Value, list[Value]]:
        x, w = Value(0.5, label="x"), Value(-1.5, label="w")
        y = ((x * w).tanh() + x.exp() * w.sigmoid()).log()
        with pytest.warns(UserWarning, match="reference cycles"):
            y.backward(create_graph=True)
        assert isinstance(x.grad, Value)  # differentiable again
        for leaf in (x, w):  # what the warning says to do when done
            leaf.grad = 0.0
        return y, [x, w]

    alive, _ = alive_after_drop(build)
    assert alive == []  # no interior node holds its own graph in a cycle any more


def test_interior_gradients_after_create_graph_are_their_numbers() -> None:
    x = Value(3.0)
    h = x * x
    y = h.sin()
    with pytest.warns(UserWarning):
        y.backward(create_graph=True)
    assert type(h.grad) is float and isinstance(x.grad, Value)
    gx = x.grad
    x.grad = 0.0
    gx.backward()  # d/dx (cos(x^2) 2x)
    assert x.grad == pytest.approx(-4 * 9 * math.sin(9.0) + 2 * math.cos(9.0))


def test_autograd_grad_leaves_no_cycles_and_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert autograd.grad(autograd.grad(lambda x: x**3))(2.0) == 12.0


def test_compile_refuses_a_long_program_before_writing_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(20_000):
        y = y * 1.0
    written: list[int] = []
    monkeypatch.setattr(autograd.compiler._Program, "_value", lambda self, node: written.append(1) or "")
    with pytest.raises(ValueError, match=r"a program of at least 40,000 lines, more than max_lines = 1,000"):
        autograd.compile(y, wrt=[x], max_lines=1_000)
    assert written == []


# ------------------------------------------------------------------ scopes entered again
class Recursive(nn.Module):
    """A module whose forward calls itself: the same scope entered from inside itself."""

    def __init__(self) -> None:
        self.w = Value(0.5)

    def forward(self, x: Value, depth: int = 2) -> Value:
        return self(x * self.w, depth - 1) if depth else x


def test_a_module_that_calls_itself_leaves_no_scope_behind() -> None:
    model = Recursive()
    out = model(Value(1.0))
    assert out.data == 0.25
    assert model._scope.parent is None  # not its own parent  # type: ignore[attr-defined]
    assert model._scope.path() == [model._scope]  # type: ignore[attr-defined]
    after = Value(2.0) * 3
    assert after.scope is None  # the scope was left
    assert "3" in draw_dot(after).source  # used to never return


def test_scopes_nest_and_reenter_in_any_order() -> None:
    a, b = scope("a"), scope("b")
    with a, b, a:  # a inside b inside a: a keeps its place, b is a's child
        inner = Value(1.0) * 2
    assert inner.scope is a and b.parent is a and a.parent is None
    assert (Value(1.0) * 2).scope is None


def test_an_exception_inside_no_grad_and_scope_restores_both() -> None:
    s = scope("s")

    def fail() -> Iterator[None]:
        with autograd.no_grad(), s:
            raise RuntimeError("inside")
        yield  # pragma: no cover

    with pytest.raises(RuntimeError):
        next(fail())
    assert autograd.is_grad_enabled() and (Value(1.0) * 2).scope is None
