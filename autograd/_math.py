"""IEEE-754 arithmetic on a float, or on a batch of them, the way NumPy and PyTorch do it.

Python's ``math`` module raises on overflow (``math.exp(1000)``), on domain errors (``math.log(-1)``) and
on division by zero. An autograd engine must not: like NumPy and PyTorch, every function here returns
``inf`` or ``nan`` instead, and ``autograd.detect_anomaly()`` is how a user asks to be stopped there.

Each function takes a Python ``float`` (one sample: the fast path, plain ``math``) or a 1-D NumPy array
(a batch of samples, in batched mode: NumPy does the arithmetic, without warnings) and returns the same
kind. None of them raises.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

INF = math.inf
NAN = math.nan
Num = Any  # autograd.batch.Number: a float, or a float64 array of one number per sample (kept Any: NumPy's
# stubs type most of its functions' results as Any)


def _quiet(fn: Any, *args: Any) -> Any:
    """A NumPy function on arrays, with IEEE results and no RuntimeWarnings (as on floats)."""
    with np.errstate(all="ignore"):
        return fn(*args)


def div(a: Num, b: Num) -> Num:
    """``a / b`` with IEEE results for ``b == 0``: ``1/0 = inf``, ``-1/0 = -inf``, ``0/0 = nan``."""
    if type(a) is not float or type(b) is not float:
        return _quiet(np.true_divide, a, b)
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0.0:
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)


def power(a: Num, b: Num) -> Num:
    """``a ** b``, real-valued: a finite negative base with a non-integer exponent is ``nan``, never
    complex."""
    if type(a) is not float or type(b) is not float:
        return _quiet(np.power, np.asarray(a, dtype=np.float64), b)
    integer = b == b and (math.isinf(b) or b == int(b))
    if -INF < a < 0.0 and not integer:  # (-inf ** b is inf or 0, as in C and NumPy)
        return NAN
    try:
        return math.pow(a, b)
    except (OverflowError, ValueError):  # overflow, or 0 ** negative: an infinity
        odd = integer and not math.isinf(b) and math.fmod(b, 2.0) != 0.0
        return math.copysign(INF, a) if odd else INF


def power_scalar(x: Num, c: float) -> Num:
    """``x ** c`` for a constant exponent, as PyTorch computes it: exponents ±0.5 are square roots (so
    ``(-inf) ** 0.5`` is nan and ``(-0.0) ** -0.5`` is -inf, as ``sqrt`` has it), 1, 2, 3, -1 and -2
    products and quotients; any other is ``power``."""
    if c == 0.5:
        return sqrt(x)
    if c == -0.5:
        return div(1.0, sqrt(x))
    if c == 1.0:
        return x
    if c == 2.0:
        return x * x
    if c == 3.0:
        return x * x * x
    if c == -1.0:
        return div(1.0, x)
    if c == -2.0:
        return div(1.0, x * x)
    return power(x, c)


def exp(x: Num) -> Num:
    """``e ** x``; ``inf`` past about 709.78 instead of ``OverflowError``."""
    if type(x) is not float:
        return _quiet(np.exp, x)
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def log(x: Num) -> Num:
    """Natural logarithm: ``log(0) = -inf``, ``log(x < 0) = nan``."""
    if type(x) is not float:
        return _quiet(np.log, x)
    if x > 0.0:
        return math.log(x)
    return -INF if x == 0.0 else NAN


def sqrt(x: Num) -> Num:
    """Square root; ``nan`` for negative x."""
    if type(x) is not float:
        return _quiet(np.sqrt, x)
    return math.sqrt(x) if x >= 0.0 else NAN


def tanh(x: Num) -> Num:
    """Hyperbolic tangent (exact for every float)."""
    return math.tanh(x) if type(x) is float else np.tanh(x)


def sigmoid(x: Num) -> Num:
    """``1 / (1 + e**-x)``, computed so that nothing can overflow: with e = e**-|x| <= 1,
    sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0."""
    if type(x) is not float:
        e = np.exp(-np.abs(x))
        return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    if x != x:
        return NAN
    e = math.exp(x)
    return e / (1.0 + e)


def softplus(x: Num) -> Num:
    """``log(1 + e**x)`` as ``max(x, 0) + log1p(e**-|x|)``: exact for |x| up to 1e308."""
    if type(x) is not float:
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    if x != x:
        return NAN
    return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))


def relu(x: Num) -> Num:
    """``max(x, 0)``, with ``relu(nan) = nan`` and ``relu(-0.0) = -0.0`` as in PyTorch."""
    if type(x) is not float:
        return np.where(x < 0.0, 0.0, x)
    return 0.0 if x < 0.0 else x


def leaky_relu(x: Num, slope: float) -> Num:
    """``x`` above 0, ``slope * x`` below."""
    if type(x) is not float:
        return np.where(x > 0.0, x, slope * x)
    return x if x > 0.0 else slope * x


def step(x: Num, low: float = 0.0) -> Num:
    """1 for x > 0, else ``low``: the derivative of relu (``low = 0``; 0 at 0, as in PyTorch) and of
    leaky_relu (``low = slope``)."""
    if type(x) is not float:
        return np.where(x > 0.0, 1.0, low)
    return 1.0 if x > 0.0 else low


def sign(x: Num) -> Num:
    """-1, 0 or 1, and 0 for ``nan`` (as PyTorch's ``sgn``): the derivative of ``abs``."""
    if type(x) is not float:
        return np.where(x > 0.0, 1.0, np.where(x < 0.0, -1.0, 0.0))
    if x > 0.0:
        return 1.0
    return -1.0 if x < 0.0 else 0.0


def sin(x: Num) -> Num:
    """Sine; ``nan`` for infinite x."""
    if type(x) is not float:
        return _quiet(np.sin, x)
    return math.sin(x) if not math.isinf(x) else NAN


def cos(x: Num) -> Num:
    """Cosine; ``nan`` for infinite x."""
    if type(x) is not float:
        return _quiet(np.cos, x)
    return math.cos(x) if not math.isinf(x) else NAN


def dot(ws: Sequence[Num], xs: Sequence[Num], start: Num = 0.0) -> Num:
    """``start + w_1*x_1 + ... + w_n*x_n``. On a batch (numbers w, arrays x of one length) it is one
    matrix-vector product instead of 2n NumPy calls."""
    if not len(xs) or type(xs[0]) is float or type(ws[0]) is not float:
        return sum(map(operator.mul, ws, xs), start)
    try:
        return np.array(ws) @ np.asarray(xs) + start
    except ValueError:  # mixed numbers and batches: the plain sum broadcasts them
        return sum(map(operator.mul, ws, xs), start)


def batch_sum(x: Num) -> float:
    """The sum over a batch's samples (a float is one sample: itself)."""
    return x if type(x) is float else float(np.sum(x))


def ones_like(x: Num) -> Num:
    """1.0, or an array of ones shaped like the batch."""
    return 1.0 if type(x) is float else np.ones_like(x)
