"""The calculus of glassgrad: every primitive's value and its derivative, side by side.

Each ``Op`` is two rules:

* ``value(*inputs)`` computes the result from the inputs' numbers (the fused n-ary ops take them as
  sequences: ``sum(xs)``, ``dot(ws, xs)``, ``dot(ws, xs, b)``);
* ``grads(g, out, *inputs)`` gives what the chain rule sends back to each input: the upstream gradient
  ``g = d root / d out`` times the local derivative ``d out / d input``. ``mul``'s is ``(g * b, g * a)``;
  the local derivative alone is the rule at ``g = 1``.

Writing ``g`` into the rule, as PyTorch's ``derivatives.yaml`` and HIPS autograd's vjps do, lets each rule
take the product the way the exact arithmetic wants it at the edges, and the way PyTorch does: ``log``
sends ``g / x`` (not ``g * (1 / x)``, whose ``1 / x`` overflows for a tiny x), and ``relu`` *selects*
``g`` or 0 (so an infinite ``g`` behind a dead unit gives 0, not ``0 * inf = nan``).

That is all the engine needs to know about an operation; the backward pass in ``engine.py`` applies
these rules and nothing else. Every ``grads`` rule is written once and used two ways: with plain floats
for an ordinary ``backward()``, and with ``Value`` objects for ``backward(create_graph=True)``, where the
derivative arithmetic is itself recorded on the graph so that it can be differentiated again (this is how
``grad(grad(f))`` works). The helpers ``_log``, ``_sin`` ... below pick the float function or the
``Value`` method accordingly.

Examples:
    >>> EXP.value(0.0), EXP.grads(1.0, 1.0, 0.0)
    (1.0, (1.0,))
    >>> MUL.grads(10.0, 6.0, 2.0, 3.0)  # g = 10: d(a*b)/da = b, d(a*b)/db = a
    (30.0, 20.0)
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from autograd import _math


class Op(NamedTuple):
    """A primitive operation: its name, its value and the gradients it sends back to its inputs.

    The fused ops with many inputs (``sum``, ``dot``, ``w·x+b``) take their inputs' numbers as
    sequences, which ``split`` makes from the inputs in order: ``value(*split(inputs))``. They also have
    a ``vjp``, the vector-Jacobian product done in place: their ``grads`` rule as one loop of
    ``parent.grad += g * d``, reading each ``d`` off the inputs' numbers instead of building a tuple of
    n gradients first. ``backward()`` uses it on plain floats; a test checks that it agrees with
    ``grads``.

    Examples:
        >>> square = Op("square", lambda x: x * x, lambda g, out, x: (g * (2 * x),))
        >>> square.value(3.0), square.grads(1.0, 9.0, 3.0)
        (9.0, (6.0,))
    """

    name: str
    value: Callable[..., float]
    grads: Callable[..., tuple[Any, ...]]  # (g, out, *inputs) -> what each input receives
    vjp: Callable[[float, tuple[Any, ...]], None] | None = None  # (g, parent Values): fused ops only
    split: Callable[[Any], tuple[Any, ...]] | None = None  # fused ops: inputs -> value's sequences

    def local(self, out: Any, *inputs: Any) -> tuple[Any, ...]:
        """The local derivatives d out / d input: the rule at ``g = 1``.

        Examples:
            >>> MUL.local(6.0, 2.0, 3.0)
            (3.0, 2.0)
        """
        return self.grads(1.0, out, *inputs)


# A rule's inputs are numbers (plain backward: floats, or arrays in batched mode) or Values
# (create_graph): these pick the right function.
def _is_number(x: Any) -> bool:
    return type(x) is float or type(x) is np.ndarray


def _div(a: Any, b: Any) -> Any:
    return _math.div(a, b) if _is_number(a) and _is_number(b) else a / b


def _pow(a: Any, b: Any) -> Any:
    return _math.power(a, b) if _is_number(a) and _is_number(b) else a**b


def _pow_c(x: Any, c: float) -> Any:  # x ** c for a constant c (sqrt for 0.5 ...: see _math.power_scalar)
    return _math.power_scalar(x, c) if _is_number(x) else x**c


def _log(x: Any) -> Any:
    return _math.log(x) if _is_number(x) else x.log()


def _sin(x: Any) -> Any:
    return _math.sin(x) if _is_number(x) else x.sin()


def _cos(x: Any) -> Any:
    return _math.cos(x) if _is_number(x) else x.cos()


def _sigmoid(x: Any) -> Any:
    return _math.sigmoid(x) if _is_number(x) else x.sigmoid()


def _data(x: Any) -> Any:
    """The number inside: piecewise rules (relu, abs) and selections depend on it, not on the graph."""
    return x if _is_number(x) else x._data


def _unless(zero: Any, g: Any) -> Any:
    """``g``, except 0 where ``zero`` holds: a selection, which gives 0 even where ``g`` is inf or nan
    (as PyTorch's ``where`` in its rules does), where a product would give ``0 * inf = nan``."""
    if type(zero) is bool or type(zero) is np.bool_:
        return 0.0 if zero else g
    if _is_number(g):
        return np.where(zero, 0.0, g)
    return g * np.where(zero, 0.0, 1.0)  # recorded (create_graph in batched mode): a product


def _relu_grads(g: Any, out: Any, x: Any) -> tuple[Any]:
    """Nothing passes where the unit is off (``out <= 0``), not even an infinite g; all of g elsewhere,
    at ``relu(nan)`` too, as PyTorch's ``threshold_backward``."""
    if type(out) is float:
        return (0.0 if out <= 0.0 else g,)
    return (_unless(_data(out) <= 0.0, g),)


def _step(x: Any, low: float) -> Any:
    """1 above 0, else ``low``: the derivative of leaky_relu, read off the number."""
    if type(x) is float:
        return 1.0 if x > 0.0 else low
    return _math.step(_data(x), low)


def _pow_grads(g: Any, out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    """d(a**b)/da = b a**(b-1), 0 where b = 0 (a**0 = 1 is constant, also at a = 0 where a**-1 is inf);
    d(a**b)/db = a**b log a, 0 at a = 0 for b >= 0 (the limit; log 0 = -inf would give nan)."""
    da, db = _data(a), _data(b)
    return (
        _unless(db == 0.0, g * (b * _pow(a, b - 1.0))),
        g * _unless((da == 0.0) & (db >= 0.0), out * _log(a)),  # a product, as PyTorch's: inf * 0 = nan
    )


#            name        value        what the chain rule sends each input, given g = d root / d out
ADD = Op("+", operator.add, lambda g, out, a, b: (g, g))
SUB = Op("-", operator.sub, lambda g, out, a, b: (g, -g))
MUL = Op("*", operator.mul, lambda g, out, a, b: (g * b, g * a))
DIV = Op("/", _math.div, lambda g, out, a, b: (_div(g, b), -g * _div(out, b)))
POW = Op("**", _math.power, _pow_grads)
NEG = Op("neg", operator.neg, lambda g, out, x: (-g,))
ABS = Op("abs", abs, lambda g, out, x: (g * _math.sign(_data(x)),))
EXP = Op("exp", _math.exp, lambda g, out, x: (g * out,))
LOG = Op("log", _math.log, lambda g, out, x: (_div(g, x),))
SQRT = Op("sqrt", _math.sqrt, lambda g, out, x: (_div(g, 2.0 * out),))
TANH = Op("tanh", _math.tanh, lambda g, out, x: (g * (1.0 - out * out),))
SIGMOID = Op("sigmoid", _math.sigmoid, lambda g, out, x: (g * (1.0 - out) * out,))
SOFTPLUS = Op("softplus", _math.softplus, lambda g, out, x: (g * _sigmoid(x),))
RELU = Op("relu", _math.relu, _relu_grads)
BATCH_SUM = Op(
    "batch_sum", _math.batch_sum, lambda g, out, x: (g * _math.ones_like(_data(x)),)
)  # over samples
SIN = Op("sin", _math.sin, lambda g, out, x: (g * _cos(x),))
COS = Op("cos", _math.cos, lambda g, out, x: (g * -_sin(x),))
IDENTITY = Op("id", lambda x: x, lambda g, out, x: (g,))  # gives grad() an input node of its own


# n-ary ops, fused into one node each: a neuron's weighted sum costs one node instead of 2n. Their
# value takes the inputs' numbers as sequences: sum(xs), dot(ws, xs), and dot(ws, xs, b) for w·x+b,
# whose inputs are the neuron's parameters w_1..w_n, b, then its inputs x_1..x_n.
def _dot_grads(g: Any, out: Any, *wx: Any) -> tuple[Any, ...]:  # inputs w_1..w_n, x_1..x_n
    n = len(wx) // 2
    return tuple(g * x for x in wx[n:]) + tuple(g * w for w in wx[:n])  # d/dw_i = x_i, d/dx_i = w_i


def _dot_vjp(g: float, wx: tuple[Any, ...]) -> None:  # _dot_grads, in place
    n = len(wx) // 2
    _products_vjp(g, wx[:n], wx[n:])


def _products_vjp(g: float, ws: tuple[Any, ...], xs: tuple[Any, ...]) -> None:  # of w_1*x_1 + ... + w_n*x_n
    for w, x in zip(ws, xs, strict=True):
        w.grad += g * x._data
        x.grad += g * w._data


def _affine_grads(g: Any, out: Any, *wbx: Any) -> tuple[Any, ...]:  # inputs w_1..w_n, b, x_1..x_n
    n = len(wbx) // 2
    return (*(g * x for x in wbx[n + 1 :]), g, *(g * w for w in wbx[:n]))  # as dot's, and d/db = 1


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


SUM = Op("sum", sum, lambda g, out, *xs: (g,) * len(xs), _sum_vjp, lambda xs: (xs,))
DOT = Op("dot", _math.dot, _dot_grads, _dot_vjp, _dot_split)
AFFINE = Op("w·x+b", _math.dot, _affine_grads, _affine_vjp, _affine_split)  # a neuron's weighted sum and bias


# Ops with a constant parameter: one Op per constant, cached (exponents and slopes are few).
@functools.lru_cache(maxsize=256)
def power_of(c: float) -> Op:
    """``x ** c`` for a constant exponent ``c``: d/dx = c * x ** (c - 1).

    Examples:
        >>> square = power_of(2.0)
        >>> square.name, square.value(3.0), square.grads(1.0, 9.0, 3.0)
        ('**2', 9.0, (6.0,))
    """
    if c == 0.0:  # x**0 = 1 is constant: nothing passes back, also at x = 0 (where x**-1 is inf)
        return Op("**0", lambda x: _math.power(x, 0.0), lambda g, out, x: (0.0,))
    return Op(
        f"**{c:g}", lambda x: _math.power_scalar(x, c), lambda g, out, x: (g * (c * _pow_c(x, c - 1.0)),)
    )


@functools.lru_cache(maxsize=256)
def leaky_relu_of(slope: float) -> Op:
    """``x if x > 0 else slope * x``: d/dx = 1 or slope.

    Examples:
        >>> leaky_relu_of(0.1).value(-2.0), leaky_relu_of(0.1).grads(1.0, -0.2, -2.0)
        (-0.2, (0.1,))
    """
    return Op(
        f"leaky_relu({slope:g})",
        lambda x: _math.leaky_relu(x, slope),
        lambda g, out, x: (g * _step(x, slope),),
    )
