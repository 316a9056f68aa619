"""Batched mode: a Value holding one number per sample gives, sample by sample, the scalar mode's
values and gradients (to 1e-12), and a parameter shared by the samples gets the sum of their gradients."""

from __future__ import annotations

import math

import catalogue
import numpy as np
import pytest

import autograd
import nn
from autograd import AnomalyError, Value, detect_anomaly

XS = catalogue.BATCH
POS = catalogue.BATCH_POSITIVE

# Every unary case of the shared catalogue that has a batch: (apply, batch).
UNARY = {case.name: (case.apply, case.batch) for case in catalogue.UNARY if case.batch is not None}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_ops_batch_equals_per_sample(name: str) -> None:
    op, points = UNARY[name]
    w = Value(0.7)
    batch = Value(points)
    loss = op(batch * w).batch_sum()
    loss.backward()
    singles_w, singles_x = [], []
    for p in points:
        w1, x1 = Value(0.7), Value(float(p))
        op(x1 * w1).backward()
        singles_w.append(w1.grad)
        singles_x.append(x1.grad)
    np.testing.assert_allclose(batch.grad, singles_x, rtol=1e-12, atol=1e-300)
    assert w.grad == pytest.approx(math.fsum(singles_w), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("op", [case.name for case in catalogue.BINARY])
def test_binary_ops_between_batches_and_shared_numbers(op: str) -> None:
    f = catalogue.CASES[op].apply
    a, c = Value(POS), Value(1.3)
    out = f(a, c) * f(c, a)
    out.batch_mean().backward()
    for i, p in enumerate(POS):
        a1, c1 = Value(float(p)), Value(1.3)
        (f(a1, c1) * f(c1, a1) * (1 / len(POS))).backward()
        assert a.grad[i] == pytest.approx(a1.grad, rel=1e-12)
    assert out.data.shape == POS.shape


def test_mlp_batched_equals_scalar_mode() -> None:
    X, y = nn.data.moons(50, seed=2)
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=3)
    scalar = nn.losses.hinge_loss([model(list(row)) for row in X], 2 * y - 1.0)
    scalar.backward()
    expected = [p.grad for p in model.parameters()]
    model.zero_grad()
    out = model([Value(X[:, 0]), Value(X[:, 1])])
    batched = (1 - out * (2 * y - 1.0)).relu().batch_mean()
    batched.backward()
    assert batched.data == pytest.approx(scalar.data, rel=1e-12)
    np.testing.assert_allclose([p.grad for p in model.parameters()], expected, rtol=1e-12, atol=1e-15)


def test_second_derivatives_in_batched_mode() -> None:
    x = Value(XS)
    with pytest.warns(UserWarning, match="reference cycles"):  # the leaves' grads refer back to them
        (x.sin() * x).batch_sum().backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value)
    np.testing.assert_allclose(first.data, np.sin(XS) + XS * np.cos(XS), rtol=1e-12)
    x.grad = 0.0
    first.batch_sum().backward()
    np.testing.assert_allclose(x.grad, 2 * np.cos(XS) - XS * np.sin(XS), rtol=1e-12)


def test_shared_parameter_in_create_graph_gets_the_batch_sum() -> None:
    w = Value(2.0)
    x = Value(XS)
    with pytest.warns(UserWarning, match="reference cycles"):  # the leaves' grads refer back to them
        (w * w * x).batch_sum().backward(create_graph=True)
    assert isinstance(w.grad, Value) and w.grad.data == pytest.approx(4.0 * XS.sum())


def test_batch_construction_and_errors() -> None:
    v = Value(np.array([1, 2, 3]))
    assert v.data.dtype == np.float64 and v.batch_size == 3 and Value(1.0).batch_size is None
    source = np.array([1.0, 2.0])
    owned = Value(source)
    source[0] = 9.0
    assert owned.data[0] == 1.0  # the Value owns a copy
    with pytest.raises(TypeError, match=r"shape \(2, 2\)"):
        Value(np.ones((2, 2)))
    with pytest.raises(TypeError, match="list"):
        Value([1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="batch_mean"):
        (v * 2).backward()


def test_batched_ieee_without_warnings_and_anomaly_detection() -> None:
    import warnings

    x = Value(np.array([-1.0, 0.0, 1.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(x.log().data[0]) and x.log().data[1] == -math.inf
        assert (1 / x).data[1] == math.inf
        assert x.sigmoid().data.tolist() == pytest.approx([1 / (1 + math.e), 0.5, 1 / (1 + 1 / math.e)])
    with pytest.raises(AnomalyError, match="log produced"), detect_anomaly():
        x.log()
    y = Value(np.array([0.0, 1.0]))
    with detect_anomaly():
        r = y.sqrt()
        with pytest.raises(AnomalyError, match="backward"):
            r.batch_sum().backward()


def test_dot_and_sum_with_batches() -> None:
    ws = [Value(0.5), Value(-1.0)]
    xs = [Value(XS), Value(POS)]
    out = autograd.dot(ws, xs) + autograd.sum([xs[0], 1.0])
    out.batch_sum().backward()
    assert ws[0].grad == pytest.approx(XS.sum()) and ws[1].grad == pytest.approx(POS.sum())
    np.testing.assert_allclose(xs[0].grad, np.full(len(XS), 1.5))


LOSSES = {
    "mse_loss": (lambda p: p, lambda y: y),
    "hinge_loss": (lambda p: p, lambda y: 2 * y - 1.0),
    "binary_cross_entropy": (lambda p: p.sigmoid(), lambda y: y),
    "binary_cross_entropy_with_logits": (lambda p: p, lambda y: y),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_losses_batched_equal_scalar_mode(name: str) -> None:
    head, target = LOSSES[name]
    loss_fn = getattr(nn.losses, name)
    X, y = nn.data.moons(20, seed=4)
    model = nn.MLP(2, [5, 1], activation="tanh", seed=4)
    scalar = loss_fn([head(model(list(row))) for row in X], target(y.astype(float)))
    scalar.backward()
    expected = [p.grad for p in model.parameters()]
    model.zero_grad()
    batched = loss_fn(head(model([Value(X[:, 0]), Value(X[:, 1])])), target(y.astype(float)))
    batched.backward()
    assert batched.data == pytest.approx(scalar.data, rel=1e-12)
    np.testing.assert_allclose([p.grad for p in model.parameters()], expected, rtol=1e-11, atol=1e-14)


def test_cross_entropy_batched_equals_scalar_mode() -> None:
    X, y = nn.data.spirals(30, classes=3, seed=5)
    model = nn.MLP(2, [6, 3], seed=5)
    scalar = nn.losses.cross_entropy([model(list(row)) for row in X], y)
    scalar.backward()
    expected = [p.grad for p in model.parameters()]
    model.zero_grad()
    batched = nn.losses.cross_entropy(model([Value(X[:, 0]), Value(X[:, 1])]), y)
    batched.backward()
    assert batched.data == pytest.approx(scalar.data, rel=1e-12)
    np.testing.assert_allclose([p.grad for p in model.parameters()], expected, rtol=1e-11, atol=1e-14)
    with pytest.raises(ValueError, match=r"targets must lie in 0 \.\. 2"):
        nn.losses.cross_entropy(model([Value(X[:, 0]), Value(X[:, 1])]), y + 1)
    with pytest.raises(ValueError, match="a batch of 30"):
        nn.losses.mse_loss(model([Value(X[:, 0]), Value(X[:, 1])])[0], y[:5])


def test_a_batch_row_is_one_matrix_and_dots_through_it_as_the_plain_sum_would() -> None:
    xs = [Value(np.array([1.0, 2.0, 3.0])), Value(np.array([-1.0, 0.5, 2.0]))]
    row = autograd.Row(xs)
    assert isinstance(row.numbers, np.ndarray) and row.numbers.shape == (2, 3)
    w, b = [Value(0.5), Value(-2.0)], Value(1.0)
    by_hand = (w[0] * xs[0] + w[1] * xs[1] + b).data.tolist()
    assert autograd.dot(w, row, b).data.tolist() == by_hand == [3.5, 1.0, -1.5]
    mixed = autograd.Row([xs[0], 2.0])  # a number beside a batch: no matrix, the plain sum broadcasts
    assert isinstance(mixed.numbers, list)
    assert autograd.dot(w, mixed, b).data.tolist() == [-2.5, -2.0, -1.5]


def test_forward_mode_through_a_batch_sum_is_the_sum_of_the_samples_tangents() -> None:
    """A batch's sum (and mean) carries one tangent, the sum of its samples': the gradient dotted with the
    tangents, as the backward pass gives it. A tangent of one number for a batch (w's, in w * x) is
    each sample's."""
    xs = np.array([0.5, -1.0, 2.0])

    def f(w: Value, x: Value) -> Value:
        return (((w * x).tanh() * w) ** 2).batch_mean()

    w, x = Value(0.3), Value(xs)
    f(w, x).backward()
    _, both = autograd.jvp(f, (0.3, xs), (1.0, np.full(3, -0.5)))
    _, along_w = autograd.jvp(lambda w: f(w, Value(xs, requires_grad=False)), (0.3,), (1.0,))
    assert type(both) is float and type(along_w) is float
    assert both == pytest.approx(w.grad - 0.5 * float(np.sum(x.grad)), rel=1e-12)
    assert along_w == pytest.approx(w.grad, rel=1e-12)
    # Nested: a Hessian-vector product through the mean (its tangents are Values), against differences.
    g = autograd.grad(lambda w: f(w, Value(xs, requires_grad=False)))
    _, hvp = autograd.jvp(g, (0.3,), (1.0,))
    assert hvp == pytest.approx((g(0.3 + 1e-6) - g(0.3 - 1e-6)) / 2e-6, rel=1e-6)
