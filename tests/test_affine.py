"""``autograd.affine``: a layer's neurons in one call make the graph that one ``dot`` per neuron makes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import autograd
import nn
from autograd import Value, ops
from autograd.engine import this_thread


def _layer(seed: int, nin: int, nout: int) -> tuple[list[list[Value]], list[Value], list[Value]]:
    rng = np.random.default_rng(seed)
    W = [[Value(float(w), label=f"w{j}{i}") for i, w in enumerate(rng.normal(size=nin))] for j in range(nout)]
    b = [Value(float(v), label=f"b{j}") for j, v in enumerate(rng.normal(size=nout))]
    x = [Value(float(v), label=f"x{i}") for i, v in enumerate(rng.normal(size=nin))]
    return W, b, x


def _shape(v: Value) -> list[Any]:
    """The graph below ``v`` as it would be drawn: each node's op, number, label and parents' places."""
    order = autograd.topological_order(v)
    place = {node: i for i, node in enumerate(order)}
    return [(n.op, n.data, n.label, [place[p] for p in n.parents]) for n in order]


@pytest.mark.parametrize("activation", [None, ops.RELU, ops.TANH, ops.leaky_relu_of(0.01)])
def test_the_graph_and_gradients_are_those_of_one_dot_per_neuron(activation: ops.Op | None) -> None:
    W, b, x = _layer(0, 5, 4)
    outs = autograd.affine(W, x, b, activation)
    by_dot = [autograd.dot(w, x, bj) for w, bj in zip(W, b, strict=True)]
    if activation is not None:
        by_dot = [activation(z) for z in by_dot]
    assert [_shape(o) for o in outs] == [_shape(o) for o in by_dot]  # numbers equal bit for bit
    sums = [o if activation is None else o.parents[0] for o in (*outs, *by_dot)]
    assert [s.parents for s in sums[:4]] == [s.parents for s in sums[4:]]  # the same Values: w, b, x
    grads = []
    for result in (outs, by_dot):
        for v in [*(w for row in W for w in row), *b, *x]:
            v.grad = 0.0
        autograd.sum([o * (k + 1.0) for k, o in enumerate(result)]).backward()
        grads.append([v.grad for v in [*(w for row in W for w in row), *b, *x]])
    assert grads[0] == grads[1]
    assert any(g != 0.0 for g in grads[0])


def test_each_neuron_is_in_its_scope_inside_the_current_one_which_is_restored() -> None:
    W, b, x = _layer(1, 3, 2)
    scopes = [autograd.scope(f"Neuron {j}") for j in range(2)]
    with autograd.scope("Layer 0") as layer:
        outs = autograd.affine(W, x, b, ops.RELU, scopes=scopes)
        assert this_thread.mode.scope is layer
    assert this_thread.mode.scope is None
    for out, where in zip(outs, scopes, strict=True):
        assert out.scope is where and out.parents[0].scope is where  # the activation and the sum
        assert where.parent is layer
    assert autograd.affine(W, x, b)[0].scope is None  # no scopes: the current one


def test_bad_arguments_are_named_and_leave_the_scope_as_it_was() -> None:
    W, b, x = _layer(2, 3, 2)
    cases: list[tuple[Any, type[Exception], str]] = [
        (lambda: autograd.affine(W, x, b[:1]), ValueError, "per row of weights, got 2 rows, 1 biases"),
        (lambda: autograd.affine(W, x, b, scopes=[autograd.scope("a")]), ValueError, "and 1 scopes"),
        (lambda: autograd.affine([W[0], W[1][:2]], x, b), ValueError, "needs 3 weights per row, .* got 2"),
        (lambda: autograd.affine(W, x, b, math.tanh), TypeError, "activation must be a one-input op"),
        (lambda: autograd.affine(W, x, b, ops.MUL), TypeError, "activation must be a one-input op"),
        (lambda: autograd.affine([[*W[0][:2], "w"], W[1]], x, b), TypeError, "real numbers, got str"),
        (lambda: autograd.affine(W, [1.0, None, 2.0], b), TypeError, "Values or real numbers, got NoneType"),
        (lambda: autograd.affine(3, x, b), TypeError, "autograd.affine takes a sequence"),
    ]
    scopes = [autograd.scope("n0"), autograd.scope("n1")]
    for call, error, message in cases:
        with autograd.scope("outer") as outer, pytest.raises(error, match=message):
            call()
        assert this_thread.mode.scope is None, outer
    with autograd.scope("outer") as outer, pytest.raises(ValueError):  # fails at the second neuron
        autograd.affine([W[0], W[1][:2]], x, b, scopes=scopes)
    assert this_thread.mode.scope is None


def test_numbers_constants_no_grad_and_batches_are_as_dot_makes_them() -> None:
    W, b, x = _layer(3, 2, 2)
    plain = autograd.affine([[1.0, 2.0], [3.0, -1.0]], [Value(2.0), 0.5], [0.0, 1.0])
    assert [o.data for o in plain] == [3.0, 6.5]
    assert [o.requires_grad for o in plain] == [True, True]  # through the input Value
    constant = autograd.affine([[1.0, 2.0]], [2.0, 0.5], [0.5])[0]
    assert not constant.requires_grad and constant.is_leaf  # nothing needs a gradient: nothing recorded
    with autograd.no_grad():
        assert all(o.is_leaf for o in autograd.affine(W, x, b, ops.RELU))
    columns = autograd.batch.columns([[1.0, 2.0], [3.0, -4.0], [0.5, 0.0]])
    batched = autograd.affine(W, columns, b, ops.TANH)
    by_dot = [autograd.dot(w, columns, bj).tanh() for w, bj in zip(W, b, strict=True)]
    for o, d in zip(batched, by_dot, strict=True):  # (one matrix product: the same sums, to rounding)
        np.testing.assert_allclose(o.data, d.data, rtol=1e-15)


def test_forward_mode_sees_every_node_it_makes() -> None:
    W, b, x = _layer(4, 3, 3)

    def f(*xs: Value) -> Value:
        return autograd.sum(autograd.affine(W, list(xs), b, ops.SIGMOID))

    def by_dot(*xs: Value) -> Value:
        return autograd.sum([autograd.dot(w, list(xs), bj).sigmoid() for w, bj in zip(W, b, strict=True)])

    point, along = [v.data for v in x], [1.0, -0.5, 2.0]
    assert autograd.jvp(f, point, along)[1] == autograd.jvp(by_dot, point, along)[1]


def test_a_layer_draws_the_graph_its_neurons_would_make_one_by_one() -> None:
    layer = nn.Layer(3, 4, activation="tanh", seed=0)
    x = [Value(0.5), Value(-1.0), Value(2.0)]
    together = layer(x)
    with layer._in_scope():
        one_by_one = [neuron(x) for neuron in layer.neurons]
    assert [_shape(o) for o in together] == [_shape(o) for o in one_by_one]
    scopes = [[o.scope, o.parents[0].scope] for o in (*together, *one_by_one)]
    assert scopes[:4] == scopes[4:]
    assert [o.scope.name for o in together] == ["Neuron 0", "Neuron 1", "Neuron 2", "Neuron 3"]
    assert {o.scope.parent.name for o in together} == {"Layer"}


@pytest.mark.parametrize("own", [False, True])
def test_a_batched_layers_activations_are_each_neurons_own(own: bool) -> None:
    """In batched mode the activation runs once on the layer's matrix of sums; an op of one's own, whose
    value takes only a float or a batch, runs a neuron at a time: either way each neuron's number is
    what its own activation node would compute."""
    softsign = autograd.op(
        "softsign", lambda x: x / (1.0 + abs(x)), grads=lambda out, x: ((1.0 + abs(x)) ** -2,)
    )
    activation = softsign if own else ops.TANH
    W, b, _ = _layer(5, 3, 4)
    columns = autograd.batch.columns(np.random.default_rng(5).normal(size=(6, 3)))
    outs = autograd.affine(W, columns, b, activation)
    for out in outs:
        assert out.op == activation.name and out.data.shape == (6,)
        np.testing.assert_array_equal(out.data, activation.value(out.parents[0].data))
