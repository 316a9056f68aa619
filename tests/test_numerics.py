"""IEEE semantics: no op raises; infinities and nans come out as NumPy and PyTorch give them."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import autograd
from autograd import Value

INF, NAN = math.inf, math.nan


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (lambda: Value(1000).exp(), INF),
        (lambda: Value(0).log(), -INF),
        (lambda: Value(-1).log(), NAN),
        (lambda: Value(1) / 0, INF),
        (lambda: Value(-1) / 0, -INF),
        (lambda: Value(0) / 0, NAN),
        (lambda: 1 / Value(0), INF),
        (lambda: Value(-8.0) ** (1 / 3), NAN),
        (lambda: Value(-8.0) ** Value(1 / 3), NAN),
        (lambda: Value(-2.0) ** 3, -8.0),
        (lambda: Value(0.0) ** -1, INF),
        (lambda: Value(10.0) ** 400, INF),
        (lambda: Value(-1).sqrt(), NAN),
        (lambda: Value(INF).sin(), NAN),
        (lambda: Value(INF).cos(), NAN),
        (lambda: Value(NAN).relu(), NAN),
        (lambda: Value(1e308) * 10, INF),
    ],
)
def test_ops_return_ieee_values_instead_of_raising(expr, expected) -> None:  # type: ignore[no-untyped-def]
    assert same(expr().data, expected)


def test_matches_numpy_on_special_inputs() -> None:
    specials = [-INF, -1e308, -710.0, -1.0, -0.0, 0.0, 1e-320, 1.0, 710.0, 1e308, INF, NAN]
    table = {
        "exp": np.exp,
        "log": np.log,
        "sqrt": np.sqrt,
        "tanh": np.tanh,
        "sin": np.sin,
        "cos": np.cos,
    }
    with np.errstate(all="ignore"):
        for name, ref in table.items():
            for x in specials:
                got = getattr(Value(x), name)().data
                assert same(got, float(ref(x))), (name, x, got, ref(x))


def test_sigmoid_tanh_softplus_exact_and_silent_for_huge_inputs() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in (1e308, -1e308, 800.0, -800.0, 40.0, -40.0):
            s = Value(x).sigmoid().data
            t = Value(x).tanh().data
            sp = Value(x).softplus().data
            assert 0.0 <= s <= 1.0 and -1.0 <= t <= 1.0
            assert sp >= 0.0 and not math.isinf(sp)
        assert Value(1e308).sigmoid().data == 1.0
        assert Value(-1e308).sigmoid().data == 0.0
        assert Value(-800.0).sigmoid().data == pytest.approx(math.exp(-800.0), rel=1e-15, abs=0)
        assert Value(1e308).softplus().data == 1e308
        assert Value(-1e308).softplus().data == 0.0
        assert Value(-40.0).softplus().data == pytest.approx(math.log1p(math.exp(-40.0)), rel=1e-15)
        # and their gradients stay finite
        for method in ("sigmoid", "tanh", "softplus"):
            for x in (1e308, -1e308):
                v = Value(x)
                getattr(v, method)().backward()
                assert math.isfinite(v.grad), (method, x, v.grad)


def test_backward_through_infinities_gives_ieee_gradients() -> None:
    x = Value(0.0)
    x.log().backward()
    assert x.grad == INF
    y = Value(0.0)
    y.sqrt().backward()
    assert y.grad == INF
    z = Value(0.0)
    (1 / z).backward()
    assert z.grad == -INF


@pytest.mark.parametrize("fused", [lambda w, x, b: autograd.dot(w, x, b), lambda w, x, b: autograd.dot(w, x)])
def test_a_zero_gradient_still_meets_an_infinite_input_as_ieee_says(fused) -> None:  # type: ignore[no-untyped-def]
    # Behind a dead ReLU a fused node gets g = 0 and is skipped; not when an input is inf: 0 * inf = nan.
    w, x, b = [Value(2.0), Value(1.0)], [Value(INF), Value(3.0)], Value(1.0)
    (fused(w, x, b).relu() * 0.0).backward()
    assert math.isnan(w[0].grad) and w[1].grad == 0.0 and x[0].grad == 0.0


def test_a_dead_neuron_passes_exact_zeros_back() -> None:
    w, x, b = [Value(2.0), Value(-1.0)], [Value(-3.0), Value(1.0)], Value(0.5)
    y = autograd.dot(w, x, b).relu() + b  # the neuron is dead (w·x+b = -6.5); b also reaches y directly
    y.backward()
    assert [v.grad for v in (*w, *x)] == [0.0] * 4 and b.grad == 1.0
