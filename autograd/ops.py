"""The calculus of glassgrad: every primitive's value and local derivatives, side by side.

Each ``Op`` is two rules:

* ``value(*inputs)`` computes the result from the inputs' numbers (the fused n-ary ops take them as
  sequences: ``sum(xs)``, ``dot(ws, xs)``, ``dot(ws, xs, b)``);
* ``grads(out, *inputs)`` gives the local derivative d out / d input for each input.

That is all the engine needs to know about an operation; the backward pass in ``engine.py`` applies
the chain rule with these rules and nothing else. Every ``grads`` rule is written once and used two
ways: with plain floats for an ordinary ``backward()``, and with ``Value`` objects for
``backward(create_graph=True)``, where the derivative arithmetic is itself recorded on the graph so
that it can be differentiated again (this is how ``grad(grad(f))`` works). The helpers ``_log``,
``_sin`` ... below pick the float function or the ``Value`` method accordingly.

Examples:
    >>> EXP.value(0.0), EXP.grads(1.0, 0.0)
    (1.0, (1.0,))
    >>> MUL.grads(6.0, 2.0, 3.0)  # d(a*b)/da = b, d(a*b)/db = a
    (3.0, 2.0)
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from autograd import _math


class Op(NamedTuple):
    """A primitive operation: its name, its value and its local derivatives.

    The fused ops with many inputs (``sum``, ``dot``, ``w·x+b``) take their inputs' numbers as
    sequences, which ``split`` makes from the inputs in order: ``value(*split(inputs))``. They also have
    a ``vjp``, the vector-Jacobian product: their ``grads`` rule applied in place, ``parent.grad += g *
    d`` for each input in one loop, reading each ``d`` off the inputs' numbers instead of building a
    tuple of n local derivatives first. ``backward()`` uses it on plain floats; a test checks that it
    agrees with ``grads``.

    Examples:
        >>> square = Op("square", lambda x: x * x, lambda out, x: (2 * x,))
        >>> square.value(3.0), square.grads(9.0, 3.0)
        (9.0, (6.0,))
    """

    name: str
    value: Callable[..., float]
    grads: Callable[..., tuple[Any, ...]]
    vjp: Callable[[float, tuple[Any, ...]], None] | None = None  # (g, parent Values): fused ops only
    split: Callable[[Any], tuple[Any, ...]] | None = None  # fused ops: inputs -> value's sequences


# A rule's inputs are numbers (plain backward: floats, or arrays in batched mode) or Values
# (create_graph): these pick the right function.
def _is_number(x: Any) -> bool:
    return type(x) is float or type(x) is np.ndarray


def _div(a: Any, b: Any) -> Any:
    return _math.div(a, b) if _is_number(a) and _is_number(b) else a / b


def _pow(a: Any, b: Any) -> Any:
    return _math.power(a, b) if _is_number(a) and _is_number(b) else a**b


def _log(x: Any) -> Any:
    return _math.log(x) if _is_number(x) else x.log()


def _sin(x: Any) -> Any:
    return _math.sin(x) if _is_number(x) else x.sin()


def _cos(x: Any) -> Any:
    return _math.cos(x) if _is_number(x) else x.cos()


def _sigmoid(x: Any) -> Any:
    return _math.sigmoid(x) if _is_number(x) else x.sigmoid()


def _step(x: Any, low: float = 0.0) -> Any:
    """1 above 0, else ``low``: the derivative of relu and leaky_relu, read off the number."""
    if type(x) is float:
        return 1.0 if x > 0.0 else low
    return _math.step(_data(x), low)


def _data(x: Any) -> Any:
    """The number inside: piecewise-constant derivatives (relu, abs) depend on it, not on the graph."""
    return x if _is_number(x) else x.data


#            name        value                                 d out / d input, given out and the inputs
ADD = Op("+", operator.add, lambda out, a, b: (1.0, 1.0))
SUB = Op("-", operator.sub, lambda out, a, b: (1.0, -1.0))
MUL = Op("*", operator.mul, lambda out, a, b: (b, a))
DIV = Op("/", _math.div, lambda out, a, b: (_div(1.0, b), _div(-out, b)))
POW = Op("**", _math.power, lambda out, a, b: (b * _pow(a, b - 1.0), out * _log(a)))
NEG = Op("neg", operator.neg, lambda out, x: (-1.0,))
ABS = Op("abs", abs, lambda out, x: (_math.sign(_data(x)),))
EXP = Op("exp", _math.exp, lambda out, x: (out,))
LOG = Op("log", _math.log, lambda out, x: (_div(1.0, x),))
SQRT = Op("sqrt", _math.sqrt, lambda out, x: (_div(0.5, out),))
TANH = Op("tanh", _math.tanh, lambda out, x: (1.0 - out * out,))
SIGMOID = Op("sigmoid", _math.sigmoid, lambda out, x: (out * (1.0 - out),))
SOFTPLUS = Op("softplus", _math.softplus, lambda out, x: (_sigmoid(x),))
RELU = Op("relu", _math.relu, lambda out, x: (_step(x),))
BATCH_SUM = Op("batch_sum", _math.batch_sum, lambda out, x: (_math.ones_like(_data(x)),))  # over samples
SIN = Op("sin", _math.sin, lambda out, x: (_cos(x),))
COS = Op("cos", _math.cos, lambda out, x: (-_sin(x),))
IDENTITY = Op("id", lambda x: x, lambda out, x: (1.0,))  # gives grad() an input node of its own


# n-ary ops, fused into one node each: a neuron's weighted sum costs one node instead of 2n. Their
# value takes the inputs' numbers as sequences: sum(xs), dot(ws, xs), and dot(ws, xs, b) for w·x+b,
# whose inputs are the neuron's parameters w_1..w_n, b, then its inputs x_1..x_n.
def _dot_grads(out: Any, *wx: Any) -> tuple[Any, ...]:  # inputs w_1..w_n, x_1..x_n
    n = len(wx) // 2
    return wx[n:] + wx[:n]  # d/dw_i = x_i, d/dx_i = w_i


def _dot_vjp(g: float, wx: tuple[Any, ...]) -> None:  # _dot_grads, in place
    n = len(wx) // 2
    _products_vjp(g, wx[:n], wx[n:])


def _products_vjp(g: float, ws: tuple[Any, ...], xs: tuple[Any, ...]) -> None:  # of w_1*x_1 + ... + w_n*x_n
    for w, x in zip(ws, xs, strict=True):
        w.grad += g * x.data
        x.grad += g * w.data


def _affine_grads(out: Any, *wbx: Any) -> tuple[Any, ...]:  # inputs w_1..w_n, b, x_1..x_n
    n = len(wbx) // 2
    return (*wbx[n + 1 :], 1.0, *wbx[:n])  # as dot's, and d/db = 1


def _affine_vjp(g: float, wbx: tuple[Any, ...]) -> None:  # _affine_grads, in place
    n = len(wbx) // 2
    _products_vjp(g, wbx[:n], wbx[n + 1 :])
    wbx[n].grad += g


def _dot_split(wx: Any) -> tuple[Any, ...]:  # inputs w_1..w_n, x_1..x_n -> value(ws, xs)
    n = len(wx) // 2
    return wx[:n], wx[n:]


def _affine_split(wbx: Any) -> tuple[Any, ...]:  # inputs w_1..w_n, b, x_1..x_n -> value(ws, xs, b)
    n = len(wbx) // 2
    return wbx[:n], wbx[n + 1 :], wbx[n]


def _sum_vjp(g: float, xs: tuple[Any, ...]) -> None:  # d/dx_i = 1, in place
    for x in xs:
        x.grad += g


SUM = Op("sum", sum, lambda out, *xs: (1.0,) * len(xs), _sum_vjp, lambda xs: (xs,))
DOT = Op("dot", _math.dot, _dot_grads, _dot_vjp, _dot_split)
AFFINE = Op("w·x+b", _math.dot, _affine_grads, _affine_vjp, _affine_split)  # a neuron's weighted sum and bias


# Ops with a constant parameter: one Op per constant, cached (exponents and slopes are few).
@functools.lru_cache(maxsize=256)
def power_of(c: float) -> Op:
    """``x ** c`` for a constant exponent ``c``: d/dx = c * x ** (c - 1).

    Examples:
        >>> square = power_of(2.0)
        >>> square.name, square.value(3.0), square.grads(9.0, 3.0)
        ('**2', 9.0, (6.0,))
    """
    return Op(f"**{c:g}", lambda x: _math.power(x, c), lambda out, x: (c * _pow(x, c - 1.0),))


@functools.lru_cache(maxsize=256)
def leaky_relu_of(slope: float) -> Op:
    """``x if x > 0 else slope * x``: d/dx = 1 or slope.

    Examples:
        >>> leaky_relu_of(0.1).value(-2.0), leaky_relu_of(0.1).grads(-0.2, -2.0)
        (-0.2, (0.1,))
    """
    return Op(
        f"leaky_relu({slope:g})",
        lambda x: _math.leaky_relu(x, slope),
        lambda out, x: (_step(x, slope),),
    )
