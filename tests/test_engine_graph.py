"""The graph and the backward pass: accumulation, repeated backward, no_grad, depth, memory."""

from __future__ import annotations

import gc
import math
import sys
import weakref

import pytest

import autograd
from autograd import Value, no_grad, topological_order


def micrograd_readme_expression() -> tuple[Value, Value, Value]:
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return a, b, g


def test_micrograd_readme_expression() -> None:
    a, b, g = micrograd_readme_expression()
    g.backward()
    assert g.data == pytest.approx(24.7041, abs=1e-4)
    assert a.grad == pytest.approx(138.8338, abs=1e-4)
    assert b.grad == pytest.approx(645.5773, abs=1e-4)


def test_node_used_several_times_gets_the_sum_of_all_paths() -> None:
    # x feeds three consumers; y feeds two. f = (x*y) + (x+y)*x + y.tanh()
    x, y = Value(0.5), Value(-1.5)
    p = x * y
    s = x + y
    f = p + s * x + y.tanh()
    f.backward()
    # df/dx = y + (x + y) + x = 2x + 2y ; df/dy = x + x + (1 - tanh(y)^2)
    assert x.grad == pytest.approx(2 * 0.5 + 2 * -1.5)
    assert y.grad == pytest.approx(1.0 + 1 - math.tanh(-1.5) ** 2)
    assert p.grad == 1.0 and s.grad == pytest.approx(0.5)


def test_same_value_on_both_sides() -> None:
    x = Value(3.0)
    y = x * x + x / x
    y.backward()
    assert x.grad == pytest.approx(6.0)


def test_repeated_backward_doubles_leaves_and_nothing_else() -> None:
    a, b, g = micrograd_readme_expression()
    g.backward()
    interior = [v for v in topological_order(g) if v.parents]
    first_leaf = (a.grad, b.grad)
    first_interior = [v.grad for v in interior]
    g.backward()
    assert (a.grad, b.grad) == pytest.approx((2 * first_leaf[0], 2 * first_leaf[1]))
    assert [v.grad for v in interior] == first_interior
    assert g.grad == 1.0


def test_backward_from_an_interior_node_resets_stale_interior_grads() -> None:
    x = Value(2.0)
    h = x * 3
    y = h * h
    y.backward()
    assert h.grad == 12.0
    z = h + 1
    z.backward()
    assert h.grad == 1.0  # this pass only, not 13
    assert x.grad == 36.0 + 3.0  # the leaf accumulates across both


def test_backward_seed_and_leaf_root() -> None:
    x = Value(2.0)
    (x * x).backward(grad=0.5)
    assert x.grad == 2.0
    x.backward()  # a leaf as its own root: d x / d x = 1, accumulated
    assert x.grad == 3.0


def test_topological_order_puts_parents_first() -> None:
    _, _, g = micrograd_readme_expression()
    order = topological_order(g)
    position = {id(v): i for i, v in enumerate(order)}
    assert order[-1] is g
    assert len(position) == len(order)
    for v in order:
        for p in v.parents:
            assert position[id(p)] < position[id(v)]


def test_topological_order_with_fused_nodes_sharing_inputs() -> None:
    # Neurons of a layer read the same inputs, so most fused nodes find their parents placed already;
    # one also reads an interior node that is not placed yet (x1), which must come first.
    w = [[Value(0.1 * (i + j)) for i in range(4)] for j in range(3)]
    x0 = Value(1.0)
    x1 = (x0 * 2).relu()
    xs = [x0, x1, x0 + 1, x1 * x1]
    h = [autograd.dot(row, xs, Value(0.5)).tanh() for row in w]
    loss = autograd.sum([autograd.dot(h, [x1, x0, 2.0]), autograd.dot(w[0], xs)])
    order = topological_order(loss)
    position = {id(v): i for i, v in enumerate(order)}
    reachable, stack = {id(loss)}, [loss]
    while stack:
        for p in stack.pop().parents:
            if id(p) not in reachable:
                reachable.add(id(p))
                stack.append(p)
    assert set(position) == reachable and len(order) == len(reachable)
    assert order[-1] is loss
    for v in order:
        for p in v.parents:
            assert position[id(p)] < position[id(v)]


def test_no_grad_context_builds_no_graph() -> None:
    x = Value(2.0)
    with no_grad():
        assert not autograd.is_grad_enabled()
        y = (x * 3).exp() + x
        s = autograd.dot([x, x], [1.0, 2.0])
    assert autograd.is_grad_enabled()
    assert y.is_leaf and y.parents == () and y.op == ""
    assert s.is_leaf
    assert y.data == pytest.approx(math.exp(6.0) + 2.0)


def test_no_grad_decorator_and_nesting_and_exceptions() -> None:
    @no_grad()
    def double(v: Value) -> Value:
        return v * 2

    assert double.__name__ == "double"
    assert double(Value(1.0)).is_leaf
    assert autograd.is_grad_enabled()
    with pytest.raises(RuntimeError), no_grad():
        with no_grad():
            pass
        assert not autograd.is_grad_enabled()
        raise RuntimeError("boom")
    assert autograd.is_grad_enabled()


def test_million_node_chain_under_default_recursion_limit() -> None:
    assert sys.getrecursionlimit() <= 10_000
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    ref = weakref.ref(x)
    del x, y  # freeing a million-deep chain must not overflow the C stack either
    assert ref() is None


def test_dropped_graph_is_freed_by_reference_counting_alone() -> None:
    gc.collect()
    gc.disable()
    try:
        a, b, g = micrograd_readme_expression()
        g.backward()
        nodes = [weakref.ref(v) for v in topological_order(g)]
        del a, b, g
        assert all(r() is None for r in nodes)
    finally:
        gc.enable()


def test_constructor_rejects_non_reals_naming_the_type() -> None:
    for bad, name in [("1.0", "str"), (None, "NoneType"), (1j, "complex"), ([1.0], "list")]:
        with pytest.raises(TypeError, match=name):
            Value(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Value"):
        Value(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="label must be a str"):
        Value(1.0, label=3)  # type: ignore[arg-type]


def test_constructor_accepts_ints_floats_bools_and_numpy_reals() -> None:
    import numpy as np

    for x in (3, 3.0, True, np.float64(3.0), np.float32(3.0), np.int32(3), np.uint8(3)):
        v = Value(x)
        assert type(v.data) is float
        assert v.data == float(x)


def test_repr_shows_data_grad_and_label() -> None:
    x = Value(2.0, label="x")
    y = x * 3
    y.backward()
    assert repr(x) == "Value(data=2.0, grad=3.0, label='x')"
    assert repr(y) == "Value(data=6.0, grad=1.0)"
    assert y.op == "*" and x.op == "" and y.parents[0] is x


def test_scopes_are_recorded_and_nest() -> None:
    x = Value(1.0)
    with autograd.scope("layer") as layer:
        h = x * 2
        with autograd.scope("neuron 0") as neuron:
            y = (h + 1).tanh()
        z = y * h
    after = z + 1
    assert h.scope is layer and y.scope is neuron and z.scope is layer
    assert x.scope is None and after.scope is None
    assert neuron.parent is layer and [s.name for s in neuron.path()] == ["layer", "neuron 0"]
    assert repr(neuron) == "scope('layer / neuron 0')"
    with pytest.raises(TypeError, match="scope name must be a str"):
        autograd.scope(3)  # type: ignore[arg-type]


def test_topological_order_leaves_the_garbage_collector_as_it_was() -> None:
    x = Value(1.0)
    y = x * 2 + 1
    assert gc.isenabled()
    topological_order(y)
    assert gc.isenabled()
    gc.disable()
    try:
        topological_order(y)
        assert not gc.isenabled()
    finally:
        gc.enable()
