"""One chain-rule kernel: ``engine.chain_rule`` is the backward loop, and the fast path is its specialisation.

The fast path (``_backward_numbers``) runs when nothing needs the generic loop (no hooks, no anomaly
checker, no create_graph). On random graphs of every op, scalar and batched, with constants among the
inputs, it must give exactly the gradients the generic loop gives (to 1e-12 where batched mode takes a
layer's sums together, summing in another order).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, engine

UNARY: list[Callable[[Value], Value]] = [
    Value.tanh,
    Value.sigmoid,
    Value.softplus,
    Value.sin,
    Value.cos,
    Value.exp,
    Value.relu,
    lambda x: x.leaky_relu(0.1),
    abs,
    lambda x: -x,
    lambda x: x**2,
    lambda x: (x * x + 1.0).log(),
    lambda x: (x * x + 1.0).sqrt(),
]
BINARY: list[Callable[[Value, Value], Value]] = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (b * b + 1.0),
    lambda a, b: autograd.dot([a, b], [b, 0.5]),
    lambda a, b: autograd.dot([a, b, a], [b, a, 2.0], b),
    lambda a, b: autograd.sum([a, b, a, 1.0]),
    # A layer of two sums reading (a, b): in batched mode their backward steps are taken together.
    lambda a, b: autograd.sum(autograd.affine([[0.5, -1.0], [2.0, 0.25]], [a, b], [0.1, -0.2])).tanh(),
]
steps_strategy = st.lists(
    st.tuples(st.booleans(), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50)),
    min_size=1,
    max_size=12,
)
number = st.floats(-3, 3, allow_nan=False)


def build(steps: list[tuple[bool, int, int, int]], xs: list[Value]) -> Value:
    nodes = list(xs)
    for binary, op, i, j in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(BINARY[op % len(BINARY)](a, b) if binary else UNARY[op % len(UNARY)](a))
    out = autograd.sum(nodes[len(xs) :])
    return out.batch_sum() if out.batch_size is not None else out


def generic(root: Value, leaves: list[Value]) -> list[float]:
    found = {node: g for node, g, _ in engine.chain_rule(autograd.topological_order(root), 1.0)}
    return [found.get(x, 0.0) for x in leaves]


def same(a: float, b: float) -> bool:
    return (a != a and b != b) or a == b


@settings(max_examples=300, deadline=None)
@given(
    steps_strategy, st.lists(number, min_size=3, max_size=3), st.lists(st.booleans(), min_size=3, max_size=3)
)
def test_the_fast_path_is_the_generic_loop_on_scalar_graphs(
    steps: list[tuple[bool, int, int, int]], numbers: list[float], needs: list[bool]
) -> None:
    xs = [Value(x, requires_grad=n) for x, n in zip(numbers, needs, strict=True)]
    root = build(steps, xs)
    if not root.requires_grad:
        return
    expected = generic(root, xs)
    root.backward()
    for x, g in zip(xs, expected, strict=True):
        assert same(x.grad, g if x.requires_grad else 0.0)


@settings(max_examples=100, deadline=None)
@given(
    steps_strategy, st.lists(number, min_size=8, max_size=8), st.lists(st.booleans(), min_size=2, max_size=2)
)
def test_the_fast_path_is_the_generic_loop_on_batched_graphs(
    steps: list[tuple[bool, int, int, int]], numbers: list[float], needs: list[bool]
) -> None:
    # Two batch inputs of 3 samples and one parameter, shared by every sample.
    batch = [
        Value(np.array(numbers[:3]), requires_grad=needs[0]),
        Value(np.array(numbers[3:6]), requires_grad=needs[1]),
    ]
    w = Value(numbers[6])
    leaves = [*batch, w]
    root = build(steps, leaves)
    if not root.requires_grad:
        return
    expected = generic(root, leaves)
    root.backward()
    for x, g in zip(leaves, expected, strict=True):
        if not x.requires_grad:
            assert isinstance(x.grad, float) and x.grad == 0.0
        else:
            np.testing.assert_allclose(x.grad, g, rtol=1e-12, atol=1e-12)


def test_backward_takes_the_generic_loop_with_a_hook_and_gives_the_same_gradients() -> None:
    w = [Value(0.3), Value(-1.2), Value(0.7)]
    loss = lambda: (autograd.dot(w, [1.0, 2.0, 3.0]).tanh() * w[0]).exp()  # noqa: E731
    loss().backward()
    fast = [p.grad for p in w]
    for p in w:
        p.grad = 0.0
    root = loss()
    handle = root.register_hook(lambda g: None)  # a hook that changes nothing: the generic loop runs
    root.backward()
    handle.remove()
    assert [p.grad for p in w] == fast


def test_micrograd_steps_node_by_node_equal_backward() -> None:
    # micrograd's lecture: set the root's grad to 1, then call _backward() on every node in reverse order.
    a, b, c = Value(2.0), Value(-3.0), Value(10.0)
    e = a * b
    d = e + c
    f = Value(-2.0)
    L = (d * f).tanh() + 2 * a
    L.backward()
    expected = [v.grad for v in (a, b, c, f)]
    for v in (a, b, c, f):
        v.grad = 0.0
    order = autograd.topological_order(L)
    for node in order:
        node.grad = 0.0
    L.grad = 1.0
    for node in reversed(order):
        node._backward()
    assert [v.grad for v in (a, b, c, f)] == expected
    assert e._prev == {a, b} and e._op == "*" and a._op == "" and a._prev == set()
    constant = L.parents[1].parents[0]  # the 2 of 2 * a gets nothing
    assert not constant.requires_grad and constant.grad == 0.0


def test_explain_and_backward_steps_run_the_kernel() -> None:
    from autograd.viz import backward_steps

    x = Value(2.0, label="x")
    y = (x * 3.0).tanh()
    record = autograd.explain(y)
    y.backward()
    assert dict(record.gradients)["x"] == x.grad
    assert len(list(backward_steps(y))) == len(record.steps) == 2
    # A hook changes what backward and explain see alike: the kernel runs it.
    handle = y.register_hook(lambda g: 2 * g)
    doubled = autograd.explain(y)
    handle.remove()
    assert dict(doubled.gradients)["x"] == pytest.approx(2 * x.grad, rel=1e-15)


def test_the_checker_is_plugged_in_not_patched() -> None:
    # detect_anomaly sets the thread's checker; the engine's functions stay the very same objects.
    before = dict(vars(engine))
    with autograd.detect_anomaly():
        assert engine.this_thread.mode.watchers
        x = Value(2.0)
        (x * x).backward()
    assert {k: v for k, v in vars(engine).items() if callable(v)} == {
        k: v for k, v in before.items() if callable(v)
    }
    assert not engine.this_thread.mode.watchers
    assert math.isclose(x.grad, 4.0)
