"""A layer in batched mode: its sums made in one matrix product (``autograd.affine``) and their backward
steps taken together (``engine._Layers``). The graph is the one calling each neuron builds, and every
gradient is scalar mode's, sample by sample, and the generic kernel's (``chain_rule``), to 1e-12."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Row, Value, engine

ACTIVATIONS = ["relu", "tanh", "sigmoid", "linear"]


class Net:
    """Three layers wired so that a layer's sums are used in every awkward way: layer ``a``'s outputs
    feed ``b``, ``c`` and the loss itself; ``b`` is applied twice to the same Row; ``c`` reads ``a``'s
    and ``b``'s outputs; the loss uses neurons at different depths."""

    def __init__(self, nin: int, width: int, activation: str, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.a = nn.Layer(nin, width, activation, seed=rng)
        self.b = nn.Layer(width, width + 1, "tanh", seed=rng)
        self.c = nn.Layer(2 * width + 1, 3, activation, seed=rng)
        self.params = [p for layer in (self.a, self.b, self.c) for p in layer.parameters()]
        for i, p in enumerate(self.params):  # biases off zero, so that they matter
            p.data += 0.01 * i

    def loss(self, xs: list[Value]) -> Value:
        a = self.a._forward_all(xs)
        row = Row(a)
        b, again = self.b._forward_all(row), self.b._forward_all(row)
        c = self.c._forward_all(a + b)
        return autograd.sum([*c, a[0] * b[-1], again[1] * 0.5, (a[-1] * c[0]).sigmoid(), b[0] ** 2])


def scalar_mode(net: Net, X: np.ndarray, input_grads: bool) -> tuple[list[float], np.ndarray]:
    """Each sample's graph on its own, the parameters' gradients summed: what batched mode must give."""
    for p in net.params:
        p.grad = 0.0
    inputs = np.zeros_like(X)
    for s, row in enumerate(X.tolist()):
        xs = [Value(v, requires_grad=input_grads) for v in row]
        net.loss(xs).backward()
        inputs[s] = [x.grad for x in xs]
    return [p.grad for p in net.params], inputs


def batched_mode(net: Net, X: np.ndarray, input_grads: bool) -> tuple[list[float], np.ndarray]:
    for p in net.params:
        p.grad = 0.0
    xs = [Value(column, requires_grad=input_grads) for column in X.T]
    net.loss(xs).batch_sum().backward()
    inputs = np.array([np.broadcast_to(x.grad, len(X)) for x in xs]).T
    return [p.grad for p in net.params], inputs


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize(("nin", "width"), [(1, 1), (3, 4), (6, 9)])
@pytest.mark.parametrize("input_grads", [False, True])
def test_batched_layers_give_scalar_modes_gradients(
    activation: str, nin: int, width: int, input_grads: bool
) -> None:
    net = Net(nin, width, activation, seed=nin * 10 + width)
    X = np.random.default_rng(width).normal(size=(7, nin))
    expected, expected_inputs = scalar_mode(net, X, input_grads)
    got, got_inputs = batched_mode(net, X, input_grads)
    # 1e-12 of each gradient, or of the largest where one cancels to far less than its terms (as in the
    # per-node steps before: each sample's terms are summed in another order than scalar mode's).
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())
    np.testing.assert_allclose(
        got_inputs, expected_inputs, rtol=1e-12, atol=1e-12 * np.abs(expected_inputs).max()
    )
    assert input_grads or not got_inputs.any()


def spy(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[Any]:
    """Record the arguments of every call of ``owner.name`` (which still runs)."""
    calls: list[Any] = []
    real = getattr(owner, name)

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return calls


def test_an_mlps_sums_are_taken_a_layer_at_a_time_and_the_data_cost_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = nn.MLP(5, [6, 4, 3], seed=0)
    X, y = np.random.default_rng(0).normal(size=(8, 5)), np.arange(8) % 3
    one_by_one = spy(monkeypatch, engine, "_backward_batched_node")
    layers = spy(monkeypatch, engine, "_layer_steps")
    made = spy(monkeypatch, autograd, "affine")
    nn.losses.cross_entropy(model(autograd.batch.columns(X)), y).backward()
    assert len(made) == 3  # a product per layer
    assert [len(layer.sums) for (layer,) in layers] == [3, 4, 6]  # the last layer first
    assert layers[-1][0].needs == []  # the data need no gradient: no W.T @ G for them
    assert not [node for node, _ in one_by_one if node.op == "w·x+b"]  # no sum on its own
    assert all(isinstance(p.grad, float) for p in model.parameters())


def graph(root: Value) -> list[tuple[Any, ...]]:
    """The graph a user sees: each node's op, label, scope and parents (by position), in order."""
    order = autograd.topological_order(root)
    where = {node: i for i, node in enumerate(order)}
    return [(n.op, n.label, n.scope, [where[p] for p in n.parents], n.requires_grad) for n in order]


def test_a_layers_graph_is_the_one_calling_each_neuron_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    model = nn.MLP(4, [5, 3], out_activation="sigmoid", seed=1)
    X = np.random.default_rng(1).normal(size=(6, 4))
    inputs = autograd.batch.columns(X)
    fused = autograd.sum(model(inputs))
    monkeypatch.setattr(nn.Layer, "_forward_all", lambda self, x: [n(x) for n in self.neurons])
    each = autograd.sum(model(inputs))
    assert graph(fused) == graph(each)
    order_fused, order_each = autograd.topological_order(fused), autograd.topological_order(each)
    assert [n for n in order_fused if not n.parents] == [n for n in order_each if not n.parents]
    for a, b in zip(order_fused, order_each, strict=True):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-14)
    first = order_fused[[n.op for n in order_fused].index("w·x+b")]
    assert [s.name for s in first.scope.path()] == ["MLP", "Layer 0", "Neuron 0"]


def parts(z: Value, row: Row) -> tuple[str, list[Any]]:
    """A sum's op and parents, a constant by its number (a number is made a new constant each time)."""
    return z.op, [p if p.requires_grad or p in row else p.data for p in z.parents]


def test_affine_makes_what_dot_makes_in_both_modes() -> None:
    ws = [[Value(0.5), Value(-2.0)], [Value(1.5), 0.25]]
    bs = [Value(1.0), 0.5]
    for xs in ([Value(2.0), 3.0], autograd.batch.columns([[2.0, 3.0], [-1.0, 0.5]])):
        row = Row(xs)
        made, each = (
            autograd.affine(ws, row, bs),
            [autograd.dot(w, row, b) for w, b in zip(ws, bs, strict=True)],
        )
        assert [parts(z, row) for z in made] == [parts(z, row) for z in each]
        np.testing.assert_allclose([z.data for z in made], [z.data for z in each], rtol=1e-15)
    mixed = autograd.affine(ws, [Value(np.array([1.0, 2.0])), 3.0], bs)  # a number among batches: dot each
    assert mixed[0].data.tolist() == [-4.5, -4.0]  # 0.5 x - 2 * 3 + 1
    with pytest.raises(ValueError, match=r"a bias .*per row"):
        autograd.affine(ws, row, bs[:1])
    with pytest.raises(ValueError, match="needs 2 weights per row"):
        autograd.affine([[Value(1.0)]], row, [Value(0.0)])
    with pytest.raises(TypeError, match="sequence"):
        autograd.affine(ws, row, Value(1.0))  # type: ignore[arg-type]


@pytest.mark.filterwarnings("ignore:invalid value")  # (chain_rule's own products warn, as before)
def test_inf_and_nan_in_a_batch_give_what_each_nodes_step_gives() -> None:
    """0 * inf = nan where the per-node step makes it: a dead unit's zero gradient times an infinite input
    (for its weights), or an infinite weight (for the inputs)."""
    X = np.array([[1.0, -2.0, np.inf], [0.5, np.nan, 1.0], [-1.0, 3.0, 2.0]])
    xs = [Value(column) for column in X.T]
    ws = [[Value(1.0), Value(-1.0), Value(-1.0)], [Value(math.inf), Value(0.5), Value(-0.5)]]
    bs = [Value(-100.0), Value(0.0)]  # the first unit is dead on sample 0 (relu of -inf)
    root = autograd.sum(autograd.affine(ws, xs, bs, autograd.ops.RELU)).batch_sum()
    leaves = [*xs, *ws[0], *ws[1], *bs]
    expected = generic(root, leaves)
    root.backward()
    for leaf in leaves:
        np.testing.assert_array_equal(leaf.grad, expected[leaf])  # nan where nan
    assert math.isnan(leaves[5].grad)  # w02: the dead unit's g = 0 times x2's inf
    assert np.isnan(leaves[0].grad).tolist() == [False, False, True]  # x0: 0 * (w10 = inf) where dead
    assert not np.isnan(leaves[2].grad).any()


def generic(root: Value, leaves: list[Value]) -> dict[Value, Any]:
    found = {node: g for node, g, _ in engine.chain_rule(autograd.topological_order(root), 1.0)}
    return {x: found.get(x, 0.0) for x in leaves}


# Random graphs with layers in them: each step applies a unary op, or a layer of 1-3 sums (w·x+b or
# dot) reading 1-3 nodes made so far, its weights drawn from a few parameters, a constant, or a node
# of the graph (a weight that is no leaf: that sum is done on its own). Any node may be used again later:
# by another layer, by the same layer again, by the loss directly.
UNARY: list[Callable[[Value], Value]] = [Value.tanh, Value.relu, Value.sigmoid, lambda x: x * x, Value.sin]
step = st.tuples(
    st.booleans(),  # a layer or a unary op
    st.lists(st.integers(0, 99), min_size=1, max_size=3),  # which nodes it reads
    st.lists(st.integers(0, 99), min_size=1, max_size=9),  # its sums' weights (from the pool)
    st.integers(0, 99),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(step, min_size=1, max_size=10),
    st.lists(st.floats(-3, 3, allow_nan=False), min_size=12, max_size=12),
    st.booleans(),
)
def test_the_grouped_backward_is_the_generic_loop(
    steps: list[tuple[bool, list[int], list[int], int]], numbers: list[float], input_grads: bool
) -> None:
    batch = [Value(np.array(numbers[3 * i : 3 * i + 3]), requires_grad=input_grads) for i in range(2)]
    params = [Value(v) for v in numbers[6:10]] + [Value(numbers[10], requires_grad=False)]
    nodes: list[Value] = list(batch)
    for layer, reads, weights, pick in steps:
        if not layer:
            nodes.append(UNARY[pick % len(UNARY)](nodes[reads[0] % len(nodes)]))
            continue
        xs = [nodes[i % len(nodes)] for i in reads]
        pool: list[Any] = [*params, 0.75, nodes[pick % len(nodes)]]  # a node as a weight: no leaf
        k = max(1, len(weights) // len(xs))
        ws = [[pool[(weights[j % len(weights)] + i) % len(pool)] for i in range(len(xs))] for j in range(k)]
        biases = None if pick % 3 == 0 else [pool[(pick + j) % len(params)] for j in range(k)]
        nodes.extend(autograd.affine(ws, xs, biases) if biases else [autograd.dot(w, xs) for w in ws])
    out = autograd.sum(nodes[2:] * 2 if len(nodes) > 2 else nodes)
    root = out.batch_sum() if out.batch_size is not None else out
    if not root.requires_grad:
        return
    leaves = [*batch, *params]
    expected = generic(root, leaves)
    root.backward()
    for x in leaves:
        if not x.requires_grad:
            assert isinstance(x.grad, float) and x.grad == 0.0
        else:
            np.testing.assert_allclose(x.grad, expected[x], rtol=1e-12, atol=1e-12)


def test_an_error_in_the_pass_leaves_no_gradient_marked() -> None:
    """A rule that fails on arrays, reached while a layer's sums are held back: the error is raised, and
    the input the layer was holding back for keeps a gradient that is a number, as before the pass."""
    mathy = autograd.op("mathy", lambda x: x, grads=lambda out, x: (math.cos(x),))  # no arrays
    h = Value(np.array([0.5, -1.0, 2.0])).relu()  # an interior input of the layer
    v = mathy(h)
    zs = autograd.affine([[Value(1.0)], [Value(-2.0)]], [h], [Value(0.0), Value(1.0)])
    root = autograd.sum([v, *zs]).batch_sum()  # the pass reaches the sums, then v, then h
    order = autograd.topological_order(root)
    assert order.index(h) < order.index(v) < order.index(zs[0])
    with pytest.raises(TypeError, match="cannot run on arrays"):
        root.backward()
    assert type(h.grad) is float or isinstance(h.grad, np.ndarray)


@pytest.mark.filterwarnings("ignore:invalid value")  # (chain_rule's own products warn, as before)
@pytest.mark.parametrize("last", [2.0, math.inf])
def test_a_batch_whose_gradient_is_one_number_is_still_a_batch(last: float) -> None:
    """x**0 sends a plain 0 to a batch: the nodes that receive it still take the batched step (a
    parameter gets a number, 0 * inf = nan included), as the generic kernel does."""
    w, b = [Value(1.0), Value(2.0)], Value(0.5)
    xs = autograd.batch.columns([[1.0, 2.0], [3.0, last]])
    root = (autograd.dot(w, xs, b) ** 0 * w[0] + (xs[1] * w[1]) ** 0).batch_sum()
    expected = generic(root, [*w, b])
    root.backward()
    for p in [*w, b]:
        assert type(p.grad) is float
        np.testing.assert_array_equal(p.grad, expected[p])
    assert math.isnan(w[1].grad) == math.isinf(last)
