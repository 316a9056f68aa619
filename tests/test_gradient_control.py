"""Gradient control, with PyTorch's semantics: requires_grad, constants, detach() and register_hook."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
from autograd import Value, no_grad
from autograd.batch import columns


def test_the_numbers_in_an_expression_are_constants_and_get_no_gradient() -> None:
    x = Value(3.0)
    y = 2.0 * x + 1.0
    y.backward()
    two = y.parents[0].parents[0]
    one = y.parents[1]
    assert x.grad == 2.0
    assert (two.data, two.requires_grad, two.grad) == (2.0, False, 0.0)  # once it got d y / d 2 = 3
    assert (one.data, one.requires_grad, one.grad) == (1.0, False, 0.0)


def test_a_leaf_that_needs_no_gradient_gets_none_and_what_depends_on_it_alone_is_not_recorded() -> None:
    x = Value(2.0, requires_grad=False)
    w = Value(-1.0)
    h = (x * x).exp()  # from x alone: a constant, as in PyTorch
    assert h.is_leaf and not h.requires_grad and h.op == ""
    y = w * h
    y.backward()
    assert x.grad == 0.0 and h.grad == 0.0 and w.grad == pytest.approx(np.exp(4.0))
    with pytest.raises(ValueError, match="needs no gradient"):
        h.backward()


def test_requires_grad_can_be_switched_on_a_leaf_only() -> None:
    x = Value(1.0)
    x.requires_grad = False
    assert not x.requires_grad and not (x * 2).requires_grad
    x.requires_grad = True
    y = x * 2
    assert y.requires_grad
    y.requires_grad = True  # already so: nothing to do
    with pytest.raises(ValueError, match=r"only on a leaf; .* use detach\(\)"):
        y.requires_grad = False
    with pytest.raises(TypeError, match="requires_grad must be True or False"):
        x.requires_grad = 1  # type: ignore[assignment]
    with pytest.raises(TypeError, match="requires_grad must be True or False"):
        Value(1.0, requires_grad="yes")  # type: ignore[arg-type]
    assert y.requires_grad and x.requires_grad  # a refused change changed nothing


def test_results_under_no_grad_need_no_gradient() -> None:
    x = Value(1.0)
    with no_grad():
        y = x * 3
        z = Value(2.0)  # made by you: it needs one, as torch.tensor(..., requires_grad=True) does
    assert not y.requires_grad and y.is_leaf and z.requires_grad


def test_detach_cuts_the_graph() -> None:
    x = Value(3.0, label="x")
    y = x * x.detach()
    y.backward()
    assert x.grad == 3.0  # d/dx x * c = c
    d = x.detach()
    assert (d.data, d.label, d.requires_grad, d.is_leaf) == (3.0, "x", False, True)
    batch = Value(np.array([1.0, 2.0]))
    copy = batch.detach()
    copy.data[0] = 9.0  # the detached Value owns its numbers
    assert batch.data.tolist() == [1.0, 2.0]


def test_batched_inputs_that_need_no_gradient_get_none_computed() -> None:
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, -6.0]])
    x0, x1 = columns(X)
    w0, w1, b = Value(0.5), Value(-0.25), Value(0.1)
    loss = autograd.dot([w0, w1], [x0, x1], b).tanh().batch_mean()
    loss.backward()
    assert x0.grad == 0.0 and x1.grad == 0.0 and type(x0.grad) is float  # no array was made for them
    z = 0.5 * X[:, 0] - 0.25 * X[:, 1] + 0.1
    dz = (1 - np.tanh(z) ** 2) / 3
    assert w0.grad == pytest.approx(float(dz @ X[:, 0]), rel=1e-14)
    assert b.grad == pytest.approx(float(dz.sum()), rel=1e-14)


def test_a_hook_sees_the_gradient_when_it_is_complete_and_may_replace_it() -> None:
    x = Value(2.0)
    y = x * x  # y is used twice: its gradient is complete only after both uses
    z = y * 3.0 + y
    seen: list[float] = []
    y.register_hook(seen.append)  # print-like: returns None, changes nothing
    z.backward()
    assert seen == [4.0] and y.grad == 4.0 and x.grad == 16.0
    x.grad = 0.0
    z2 = x * x * 3.0
    z2.parents[0].register_hook(lambda g: min(g, 1.0))  # clip what flows on
    z2.backward()
    assert x.grad == 4.0  # d(x*x)/dx = 2x times the clipped 1.0


def test_a_leaf_hook_gets_this_pass_and_the_leaf_adds_what_it_returns() -> None:
    w = Value(1.0)
    got: list[float] = []

    def scale(g: float) -> float:
        got.append(g)
        return 10 * g

    handle = w.register_hook(scale)
    (w * 2.0).backward()
    (w * 3.0).backward()
    assert got == [2.0, 3.0] and w.grad == 50.0  # as PyTorch: each pass's gradient, then accumulated
    handle.remove()
    handle.remove()  # a second remove does nothing
    (w * 1.0).backward()
    assert got == [2.0, 3.0] and w.grad == 51.0


def test_hooks_run_in_order_on_values_under_create_graph_and_on_batches() -> None:
    x = Value(3.0)
    calls: list[str] = []
    x.register_hook(lambda g: calls.append("first"))
    x.register_hook(lambda g: calls.append(type(g).__name__))
    (x * x).backward(create_graph=False)
    assert calls == ["first", "float"]
    calls.clear()
    y = x * x
    y.register_hook(lambda g: calls.append(type(g).__name__))
    with pytest.warns(UserWarning, match="reference cycles"):  # x.grad is a Value that refers back to x
        y.backward(create_graph=True)
    assert calls == ["float", "first", "Value"]  # the root's seed, then x's recorded gradient
    x.grad = 0.0
    batch = Value(np.array([1.0, 2.0]))
    b2 = batch * batch
    b2.register_hook(lambda g: calls.append(type(g).__name__))
    b2.batch_sum().backward()
    assert calls[-1] == "ndarray" and batch.grad.tolist() == [2.0, 4.0]


def test_hook_errors_are_clear() -> None:
    with pytest.raises(TypeError, match="register_hook takes a function"):
        Value(1.0).register_hook(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs no gradient"):
        Value(1.0, requires_grad=False).register_hook(print)
    x = Value(1.0)
    x.register_hook(lambda g: "big")
    with pytest.raises(TypeError, match="a gradient hook must return a number or None, got str"):
        (x * 2).backward()


def test_explain_and_pictures_show_constants_as_constants() -> None:
    from autograd.viz import draw_dot

    x = Value(2.0, label="x")
    y = x * 3.0
    y.label = "y"
    text = str(autograd.explain(y))
    assert "3 (constant)" in text and "gradients: x = 3" in text
    row = next(line for line in text.splitlines() if "3 (constant)" in line)
    assert row.split()[-1] == "—"  # nothing is sent to it
    source = draw_dot(y).source
    assert 'label="constant 3"' in source and "dashed" in source
