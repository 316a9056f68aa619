"""A Value's number may be any real number type; gradients at edge values are PyTorch's.

The edge cases are the reproducers of the reliability report, each with the answer PyTorch (float64)
gives and exact arithmetic agrees with; ``test_torch_fuzz.py`` checks the same against PyTorch itself
on thousands of random graphs.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

import autograd
import nn
from autograd import Value


@pytest.mark.parametrize(
    "number", [np.float64(2.5), np.float32(2.5), np.int64(3), 3, True, Fraction(5, 2)], ids=repr
)
def test_data_may_be_set_to_any_real_number_and_is_then_a_float(number: object) -> None:
    x = Value(1.0)
    x.data = number  # type: ignore[assignment]
    assert type(x.data) is float and x.data == float(number)  # type: ignore[arg-type]
    y = (x * x).relu()
    y.backward()  # used to fail: "this Value holds a batch"
    assert x.grad == 2 * float(number)  # type: ignore[arg-type]


def test_micrograds_update_with_a_numpy_learning_rate_keeps_training() -> None:
    w, plain = Value(0.5), 0.5
    lr = np.float64(0.1)
    for _ in range(3):
        w.grad = 0.0
        loss = (w * 3.0 - 1.0) ** 2
        loss.backward()
        w.data -= lr * w.grad  # a NumPy float64
        plain -= 0.1 * 6.0 * (3.0 * plain - 1.0)  # d/dw (3w - 1)^2, by hand
    assert type(w.data) is float
    assert w.data == pytest.approx(plain, rel=1e-15)


def test_copying_numpy_weights_in() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    W = np.arange(model.num_parameters(), dtype=np.float64) / 10
    for i, p in enumerate(model.parameters()):
        p.data = W[i]  # a NumPy scalar
    out = model([1.0, 2.0])
    out.backward()
    assert all(type(p.data) is float for p in model.parameters())


def test_a_numpy_scalar_value_through_relu_and_batch_sum() -> None:
    x = Value(np.float64(2.0))
    y = x.relu().batch_sum()
    y.backward()  # used to fail: '>' not supported between 'memoryview' and 'float'
    assert x.grad == 1.0


@pytest.mark.parametrize("bad", ["1.5", None, [1.0], np.zeros((2, 2)), Value(1.0), 1 + 2j])
def test_data_of_another_kind_is_refused_when_set_and_nothing_changes(bad: object) -> None:
    x = Value(4.0)
    with pytest.raises(TypeError, match="real number"):
        x.data = bad  # type: ignore[assignment]
    assert x.data == 4.0


def test_only_a_1d_array_is_a_batch() -> None:
    x = Value(1.0)
    x.data = np.array([1.0, 2.0, 3.0])  # type: ignore[assignment]
    assert x.batch_size == 3
    x.data = np.int32(7)  # type: ignore[assignment]
    assert x.batch_size is None and x.data == 7.0


# ------------------------------------------------------------------ gradients at edge values
def grads(f: object, *xs: float) -> list[float]:
    vs = [Value(x) for x in xs]
    f(*vs).backward()  # type: ignore[operator]
    return [v.grad for v in vs]


def test_relu_selects_so_an_infinite_upstream_behind_a_dead_unit_sends_zero() -> None:
    assert grads(lambda x: x.relu() * math.inf, -1.0) == [0.0]  # was nan (0 * inf)


def test_relu_at_nan_passes_its_gradient() -> None:
    assert grads(lambda x: x.relu(), math.nan) == [1.0]  # was 0


def test_a_polynomial_at_zero_has_no_nan() -> None:
    assert grads(lambda x: 3 * x**0 + 2 * x + x**2, 0.0) == [2.0]  # was nan (0 * 0**-1)


def test_pow_with_a_zero_exponent_and_with_a_zero_base() -> None:
    assert grads(lambda a, b: a**b, 0.0, 0.0) == [0.0, 0.0]  # d/da: b = 0; d/db: a = 0, b >= 0
    assert grads(lambda a, b: a**b, 0.0, 2.0) == [0.0, 0.0]
    assert grads(lambda a, b: (a**b) * math.inf, 3.0, 0.0)[0] == 0.0  # a selection: even behind inf


def test_log_divides_the_upstream_gradient() -> None:
    assert grads(lambda x: x.log() * 0.0, 5e-324) == [0.0]  # was nan: 1/x overflowed before * 0
    assert grads(lambda x: x.log() * 4.47e-309, 4.47e-309) == [1.0]  # was inf


def test_abs_at_nan_has_a_zero_gradient() -> None:
    assert grads(lambda x: abs(x), math.nan) == [0.0]  # PyTorch's sgn(nan) is 0


def test_square_roots_and_signed_zeros_as_pytorch() -> None:
    assert (Value(-0.0) ** 0.5).data == 0.0 and math.copysign(1.0, (Value(-0.0) ** 0.5).data) == -1.0
    assert math.isnan((Value(-math.inf) ** 0.5).data)
    assert (Value(-math.inf) ** 2.5).data == math.inf  # C's pow: only ±0.5 are square roots
    assert grads(lambda x: x**0.5, -0.0) == [-math.inf]
    assert math.copysign(1.0, Value(-0.0).relu().data) == -1.0


def test_the_fused_ops_agree_with_their_rules_at_edge_values() -> None:
    # The in-place vjp of sum/dot/w·x+b is the rule applied: the same numbers, nan and inf included.
    for xs in ([math.inf, 0.0], [math.nan, 1.0], [-0.0, 5e-324]):
        for g in (0.0, math.inf, -1.5):
            parents = tuple(Value(x) for x in xs)
            autograd.ops.DOT.into(g, parents)  # type: ignore[misc]
            expected = autograd.ops.DOT.vjp(g, 0.0, *xs)
            assert all(
                p.grad == e or (math.isnan(p.grad) and math.isnan(e))
                for p, e in zip(parents, expected, strict=True)
            )
