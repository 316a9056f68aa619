"""Every op's value and gradient: against math, and against central finite differences."""

from __future__ import annotations

import math
import random

import catalogue
import numpy as np
import pytest
from helpers import assert_grads_match, engine_grad

import autograd
from autograd import Value, ops

# Every unary case of the shared catalogue, at its points: (apply, reference, points).
UNARY = {case.name: (case.apply, case.reference, case.points) for case in catalogue.UNARY}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_value_and_gradient(name: str) -> None:
    op, reference, points = UNARY[name]
    for x in points:
        assert op(Value(x)).data == pytest.approx(reference(x), rel=1e-12, abs=1e-300)
        if catalogue.CASES[name].gradient:
            assert_grads_match(op, [x])
        else:  # a constant: nothing flows back through it
            assert engine_grad(lambda v: op(v) + v, [x])[1] == [1.0]


BINARY = {case.name: case.apply for case in catalogue.BINARY}
PAIRS = catalogue.PAIRS


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_gradients_both_values(name: str) -> None:
    op = BINARY[name]
    for a, b in PAIRS:
        assert_grads_match(op, [a, b])
        assert op(Value(a), Value(b)).data == pytest.approx(op(a, b), rel=1e-14)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_with_constants_on_either_side(name: str) -> None:
    op = BINARY[name]
    for a, b in PAIRS:
        assert_grads_match(lambda x, b=b: op(x, b), [a])  # Value op number
        assert_grads_match(lambda x, a=a: op(a, x), [b])  # number op Value
        assert op(Value(a), b).data == pytest.approx(op(a, b), rel=1e-14)
        assert op(a, Value(b)).data == pytest.approx(op(a, b), rel=1e-14)


def test_fused_sum_and_dot() -> None:
    assert_grads_match(lambda a, b, c: autograd.sum([a, b * b, c, 2.0]), [0.3, -1.2, 2.0])
    assert_grads_match(lambda w1, w2, x1: autograd.dot([w1, w2], [x1, 3.0]), [0.5, -1.5, 2.0])
    assert_grads_match(lambda a, b: autograd.dot([a, b, a], [b, a, a]), [0.7, -0.2])
    s = autograd.sum([Value(1.0), Value(2.0), 3])
    assert (s.data, s.op, len(s.parents)) == (6.0, "sum", 3)
    d = autograd.dot([Value(1.0), Value(2.0)], [3.0, 4.0])
    assert (d.data, d.op) == (11.0, "dot")
    assert_grads_match(lambda w, x, b: autograd.dot([w, 2.0], [x, w], b), [0.5, -1.5, 2.0])
    assert_grads_match(lambda w, x: autograd.dot([w], [x], 0.25), [0.5, -1.5])
    a = autograd.dot([Value(1.0), Value(2.0)], [3.0, 4.0], Value(0.5))
    assert (a.data, a.op, len(a.parents)) == (11.5, "w·x+b", 5)
    assert autograd.dot([], [], 2.0).data == 2.0


@pytest.mark.parametrize("op", [ops.SUM, ops.DOT, ops.AFFINE], ids=lambda op: op.name)
def test_into_is_the_vjp_rule_applied_in_place(op: ops.Op) -> None:
    rng = random.Random(7)
    for n in (1, 3, 8):
        width = {"sum": n, "dot": 2 * n, "w·x+b": 2 * n + 1}[op.name]
        parents = tuple(Value(rng.uniform(-2, 2)) for _ in range(width))
        g = rng.uniform(-3, 3)
        data = [p.data for p in parents]
        expected = list(op.vjp(g, 0.0, *data))  # no rule of these reads its output
        assert op.into is not None
        op.into(g, parents)
        assert [p.grad for p in parents] == expected


def test_sum_and_dot_edge_cases() -> None:
    assert autograd.sum([]).data == 0.0
    assert autograd.dot([], []).data == 0.0
    with pytest.raises(ValueError, match="one length, got 2 and 3"):
        autograd.dot([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="str"):
        autograd.sum([Value(1.0), "x"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="takes Values or real numbers, got str"):
        autograd.dot([1.0], [2.0], "b")  # type: ignore[arg-type]


def test_value_exponent_gradient_includes_log_term() -> None:
    # d/db a**b = a**b * log(a): the exponent is a real input when it is a Value
    _, (da, db) = engine_grad(lambda a, b: a**b, [2.0, 3.0])
    assert da == pytest.approx(12.0)
    assert db == pytest.approx(8.0 * math.log(2.0))
    _, (db2,) = engine_grad(lambda b: 2.0**b, [3.0])
    assert db2 == pytest.approx(8.0 * math.log(2.0))


def test_relu_and_abs_derivative_at_zero_is_zero() -> None:
    assert engine_grad(lambda x: x.relu(), [0.0])[1] == [0.0]
    assert engine_grad(lambda x: abs(x), [0.0])[1] == [0.0]
    assert engine_grad(lambda x: x.leaky_relu(0.2), [0.0])[1] == [0.2]


def test_numpy_scalars_on_either_side_give_values() -> None:
    v = Value(3.0)
    for product in (np.float64(2.0) * v, v * np.float64(2.0), np.float32(2.0) * v, np.int64(2) * v):
        assert type(product) is Value
        assert product.data == 6.0
    assert type(np.float64(1.0) + v) is Value
    assert type(np.float64(1.0) - v) is Value and (np.float64(1.0) - v).data == -2.0
    assert type(np.float64(6.0) / v) is Value and (np.float64(6.0) / v).data == 2.0
    assert (np.float64(2.0) ** Value(3.0)).data == 8.0
    assert type(Value(np.float64(1.5)).data) is float


def test_unsupported_operand_types_raise_type_error() -> None:
    with pytest.raises(TypeError):
        Value(1.0) + "a"  # type: ignore[operator]
    with pytest.raises(TypeError):
        None * Value(1.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match="slope must be a real number"):
        Value(1.0).leaky_relu("0.1")  # type: ignore[arg-type]


def test_a_row_is_checked_and_read_once_and_dot_reads_through_it() -> None:
    w1, w2, b, x = Value(2.0), Value(-1.0), Value(0.5), Value(3.0)
    row = autograd.Row([x, 4])  # a number becomes a constant leaf
    assert row.numbers == [3.0, 4.0] and row[0] is x and row[1].is_leaf
    y = autograd.dot([w1, w2], row, b)
    assert y.data == 2.5 and y.parents == (w1, w2, b, x, row[1])  # parameters, then inputs
    assert autograd.dot([w1, w2], row).parents == (w1, w2, x, row[1])
    y.backward()
    assert (w1.grad, w2.grad, b.grad, x.grad) == (3.0, 4.0, 1.0, 2.0)
    with pytest.raises(TypeError, match="Row takes Values or real numbers, got str"):
        autograd.Row([x, "4"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="one length, got 1 and 2"):
        autograd.dot([w1], row, b)


def test_a_sum_of_squares_reads_its_one_sequence_once_and_is_the_dot_of_two_copies() -> None:
    batch = [Value(np.array([3.0, -2.0])), Value(np.array([1.0, 4.0]))]
    for xs in ([Value(3.0), Value(-2.0), Value(0.5)], batch):
        once, twice = autograd.dot(xs, xs), autograd.dot(list(xs), xs)
        assert once.parents == twice.parents == (*xs, *xs)
        np.testing.assert_array_equal(once.data, twice.data)
        grads = []
        for root in (once, twice):
            for x in xs:
                x.grad = 0.0
            (root.batch_sum() if root.batch_size else root).backward()
            grads.append([x.grad for x in xs])
        np.testing.assert_array_equal(grads[0], grads[1])
        np.testing.assert_array_equal(grads[0], [2.0 * x.data for x in xs])
