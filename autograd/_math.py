"""IEEE-754 arithmetic on Python floats, the way NumPy and PyTorch do it.

Python's ``math`` module raises on overflow (``math.exp(1000)``), on domain errors (``math.log(-1)``) and
on division by zero. An autograd engine must not: like NumPy and PyTorch, every function here returns
``inf`` or ``nan`` instead, and ``autograd.detect_anomaly()`` is how a user asks to be stopped there.
Each function takes and returns a ``float``; none of them ever raises for a float argument.
"""

from __future__ import annotations

import math

INF = math.inf
NAN = math.nan


def div(a: float, b: float) -> float:
    """``a / b`` with IEEE results for ``b == 0``: ``1/0 = inf``, ``-1/0 = -inf``, ``0/0 = nan``."""
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0.0:
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)


def power(a: float, b: float) -> float:
    """``a ** b``, real-valued: a negative base with a non-integer exponent is ``nan``, never complex."""
    integer = b == b and (math.isinf(b) or b == int(b))
    if a < 0.0 and not integer:
        return NAN
    try:
        return math.pow(a, b)
    except (OverflowError, ValueError):  # overflow, or 0 ** negative: an infinity
        odd = integer and not math.isinf(b) and math.fmod(b, 2.0) != 0.0
        return math.copysign(INF, a) if odd else INF


def exp(x: float) -> float:
    """``e ** x``; ``inf`` past about 709.78 instead of ``OverflowError``."""
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def log(x: float) -> float:
    """Natural logarithm: ``log(0) = -inf``, ``log(x < 0) = nan``."""
    if x > 0.0:
        return math.log(x)
    return -INF if x == 0.0 else NAN


def sqrt(x: float) -> float:
    """Square root; ``nan`` for negative x."""
    return math.sqrt(x) if x >= 0.0 else NAN


def tanh(x: float) -> float:
    """Hyperbolic tangent (``math.tanh`` is already exact for every float)."""
    return math.tanh(x)


def sigmoid(x: float) -> float:
    """``1 / (1 + e**-x)``, computed so that neither branch can overflow."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    if x != x:
        return NAN
    e = exp(x)  # x < 0: e <= 1, no overflow
    return e / (1.0 + e)


def softplus(x: float) -> float:
    """``log(1 + e**x)`` as ``max(x, 0) + log1p(e**-|x|)``: exact for |x| up to 1e308."""
    if x != x:
        return NAN
    return (x if x > 0.0 else 0.0) + math.log1p(exp(-abs(x)))


def relu(x: float) -> float:
    """``max(x, 0)``, with ``relu(nan) = nan`` as in PyTorch."""
    return 0.0 if x <= 0.0 else x


def step(x: float) -> float:
    """Derivative of relu: 1 for x > 0, else 0 (0 at 0, as in PyTorch)."""
    return 1.0 if x > 0.0 else 0.0


def sign(x: float) -> float:
    """-1, 0 or 1 (``nan`` for ``nan``); the derivative of ``abs``."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return x if x != x else 0.0


def sin(x: float) -> float:
    """Sine; ``nan`` for infinite x."""
    return math.sin(x) if not math.isinf(x) else NAN


def cos(x: float) -> float:
    """Cosine; ``nan`` for infinite x."""
    return math.cos(x) if not math.isinf(x) else NAN
