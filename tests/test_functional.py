"""grad, value_and_grad and hessian: closed-form derivatives up to third order, nesting, purity."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from autograd import Value, grad, hessian, value_and_grad


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# f, then f', f'', f''' in closed form, and points to check them at
CLOSED_FORM: dict[str, tuple[Callable[[Value], Value], list[Callable[[float], float]], list[float]]] = {
    "sin": (lambda x: x.sin(), [math.cos, lambda x: -math.sin(x), lambda x: -math.cos(x)], [-1.3, 0.2, 2.0]),
    "cos": (lambda x: x.cos(), [lambda x: -math.sin(x), lambda x: -math.cos(x), math.sin], [-1.3, 0.2, 2.0]),
    "exp": (lambda x: x.exp(), [math.exp, math.exp, math.exp], [-1.0, 0.0, 1.5]),
    "log": (lambda x: x.log(), [lambda x: 1 / x, lambda x: -1 / x**2, lambda x: 2 / x**3], [0.3, 1.0, 4.0]),
    "tanh": (
        lambda x: x.tanh(),
        [
            lambda x: 1 - math.tanh(x) ** 2,
            lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2),
            lambda x: (1 - math.tanh(x) ** 2) * (6 * math.tanh(x) ** 2 - 2),
        ],
        [-0.8, 0.1, 1.2],
    ),
    "sigmoid": (
        lambda x: x.sigmoid(),
        [
            lambda x: sig(x) * (1 - sig(x)),
            lambda x: sig(x) * (1 - sig(x)) * (1 - 2 * sig(x)),
            lambda x: sig(x) * (1 - sig(x)) * (1 - 6 * sig(x) + 6 * sig(x) ** 2),
        ],
        [-2.0, 0.0, 0.7],
    ),
    "power 4": (
        lambda x: x**4,
        [lambda x: 4 * x**3, lambda x: 12 * x**2, lambda x: 24 * x],
        [-1.5, 0.5, 2.0],
    ),
    "power 2.5": (
        lambda x: x**2.5,
        [lambda x: 2.5 * x**1.5, lambda x: 3.75 * x**0.5, lambda x: 1.875 * x**-0.5],
        [0.4, 1.0, 3.0],
    ),
    "sqrt": (
        lambda x: x.sqrt(),
        [lambda x: 0.5 * x**-0.5, lambda x: -0.25 * x**-1.5, lambda x: 0.375 * x**-2.5],
        [0.5, 2.0],
    ),
    "exponential base": (
        lambda x: 2.0**x,
        [lambda x: math.log(2) * 2**x, lambda x: math.log(2) ** 2 * 2**x, lambda x: math.log(2) ** 3 * 2**x],
        [-1.0, 0.5, 3.0],
    ),
    "product x*sin x": (
        lambda x: x * x.sin(),
        [
            lambda x: math.sin(x) + x * math.cos(x),
            lambda x: 2 * math.cos(x) - x * math.sin(x),
            lambda x: -3 * math.sin(x) - x * math.cos(x),
        ],
        [-1.0, 0.3, 2.2],
    ),
    "quotient 1/(1+x^2)": (
        lambda x: 1 / (1 + x * x),
        [
            lambda x: -2 * x / (1 + x * x) ** 2,
            lambda x: (6 * x * x - 2) / (1 + x * x) ** 3,
            lambda x: 24 * x * (1 - x * x) / (1 + x * x) ** 4,
        ],
        [-1.5, 0.0, 0.4, 2.0],
    ),
    "quotient exp/x": (
        lambda x: x.exp() / x,
        [
            lambda x: math.exp(x) * (x - 1) / x**2,
            lambda x: math.exp(x) * (x * x - 2 * x + 2) / x**3,
            lambda x: math.exp(x) * (x**3 - 3 * x * x + 6 * x - 6) / x**4,
        ],
        [0.5, 1.0, 2.5],
    ),
}


@pytest.mark.parametrize("name", sorted(CLOSED_FORM))
def test_first_second_third_derivatives_match_closed_form(name: str) -> None:
    f, derivatives, points = CLOSED_FORM[name]
    g1 = grad(f)
    g2 = grad(g1)
    g3 = grad(g2)
    for x in points:
        for order, (g, exact) in enumerate(zip((g1, g2, g3), derivatives, strict=True), 1):
            got = g(x)
            assert isinstance(got, float)
            assert got == pytest.approx(exact(x), rel=1e-9, abs=1e-12), (name, order, x)


def test_object_api_create_graph_gives_differentiable_gradients() -> None:
    x = Value(1.5)
    y = x**3
    with pytest.warns(UserWarning, match="reference cycles"):  # the leaves' grads refer back to them
        y.backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value) and first.data == pytest.approx(3 * 1.5**2)
    x.grad = 0.0  # as in PyTorch, clear before differentiating the gradient
    first.backward()
    assert x.grad == pytest.approx(6 * 1.5)


def test_plain_backward_keeps_float_gradients() -> None:
    x = Value(1.5)
    (x**3).backward()
    assert type(x.grad) is float


def test_argnums_tuple_and_value_and_grad() -> None:
    f = lambda x, y, z: x * y.exp() + z  # noqa: E731
    assert grad(f, argnums=(0, 1))(2.0, 0.0, 5.0) == (1.0, 2.0)
    assert grad(f, argnums=2)(2.0, 0.0, 5.0) == 1.0
    value, g = value_and_grad(f, argnums=(0, 2))(2.0, 0.0, 5.0)
    assert value == 7.0 and g == (1.0, 1.0)
    assert grad(lambda x, y: y * 3.0, argnums=0)(1.0, 2.0) == 0.0  # f does not depend on x
    assert grad(lambda x: 4.0)(1.0) == 0.0  # f returns a plain number


def test_argnums_errors() -> None:
    with pytest.raises(ValueError, match="out of range"):
        grad(lambda x: x, argnums=1)(1.0)
    with pytest.raises(ValueError, match="non-negative"):
        grad(lambda x: x, argnums=(-1,))
    with pytest.raises(TypeError, match="argnums"):
        grad(lambda x: x, argnums="0")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="str"):
        grad(lambda x: x)("1.0")
    with pytest.raises(TypeError, match="scalar Value"):
        grad(lambda x: [x])(1.0)


def test_nesting_does_not_confuse_perturbations() -> None:
    # d/dx [x * (d/dy x*y)] = d/dx x**2 = 2x: the inner derivative closes over the outer x
    assert grad(lambda x: x * grad(lambda y: x * y)(2.0))(3.0) == 6.0
    # d/dx [(d/dy x*y) at y = x] = d/dx x = 1, not 2
    assert grad(lambda x: grad(lambda y: x * y)(x))(3.0) == 1.0


def test_grad_is_pure_for_values_it_closes_over() -> None:
    w = Value(2.0)
    w.grad = 5.0
    assert grad(lambda x: w * x * x)(3.0) == 12.0
    assert w.grad == 5.0  # untouched
    assert grad(grad(lambda x: w * x * x))(3.0) == 4.0
    assert w.grad == 5.0


def test_hessian_of_a_few_scalars() -> None:
    f = lambda x, y: x * x * y + y.exp() + (x * y).sin()  # noqa: E731
    h = hessian(f)(0.5, 1.2)
    x, y = 0.5, 1.2
    exact = np.array(
        [
            [2 * y - y * y * math.sin(x * y), 2 * x + math.cos(x * y) - x * y * math.sin(x * y)],
            [2 * x + math.cos(x * y) - x * y * math.sin(x * y), math.exp(y) - x * x * math.sin(x * y)],
        ]
    )
    assert h.shape == (2, 2) and h.dtype == np.float64
    np.testing.assert_allclose(h, exact, rtol=1e-10)
    np.testing.assert_allclose(h, h.T, rtol=1e-12)


def test_newtons_method_converges_on_known_roots() -> None:
    def newton(f: Callable[[Value], Value], x: float, steps: int = 30) -> float:
        df = grad(f)
        for _ in range(steps):
            x = x - f(Value(x)).data / df(x)
        return x

    assert newton(lambda x: x * x - 2.0, 1.0) == pytest.approx(math.sqrt(2.0), rel=1e-15)
    assert newton(lambda x: x.cos() - x, 1.0) == pytest.approx(0.7390851332151607, rel=1e-15)
    # minimising with second derivatives: x - f'/f'' finds the minimum of (x - 3)**4 + x**2
    f = lambda x: (x - 3.0) ** 4 + x * x  # noqa: E731
    d1, d2 = grad(f), grad(grad(f))
    x = 0.0
    for _ in range(50):
        x -= d1(x) / d2(x)
    assert abs(d1(x)) < 1e-12
