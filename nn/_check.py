"""Checks at the boundary, shared by ``nn``'s modules and its command line.

Each check returns the value as a plain Python object, or raises ``TypeError`` for a wrong kind and
``ValueError`` for a wrong value, naming the argument, what was expected and what came. ``who`` names
the argument with its function (``"moons: n"``); the command line leaves it empty, as argparse names
the option itself.

Examples:
    >>> integer("moons: n", 100), real("SGD: lr", 0.1, above=0)
    (100, 0.1)
    >>> real("Adam: betas[0]", 1.0, at_least=0, below=1)
    Traceback (most recent call last):
    ValueError: Adam: betas[0] must be a finite number in [0, 1), got 1.0
    >>> integer("moons: n", 2.5)
    Traceback (most recent call last):
    TypeError: moons: n must be a positive integer, got 2.5 (float)
"""

from __future__ import annotations

import math
import numbers
import operator
import reprlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

_COMPARE = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def message(who: str, expected: str, value: object, *, kind: bool = False) -> str:
    """``"<who> must be <expected>, got <value>"``, with the value's type when the kind is wrong.

    Examples:
        >>> message("fit: callback", "a function or None", 5, kind=True)
        'fit: callback must be a function or None, got 5 (int)'
    """
    got = reprlib.repr(value) + (f" ({type(value).__name__})" if kind else "")
    return f"{who} must be {expected}, got {got}".lstrip()


def integer(who: str, value: object, at_least: int = 1, at_most: int | None = None) -> int:
    """``value`` as an ``int`` if it is an integer (not a bool) in ``[at_least, at_most]``."""
    if at_most is not None:
        expected = f"an integer from {at_least:,} to {at_most:,}"
    else:
        expected = {0: "a non-negative integer", 1: "a positive integer"}.get(
            at_least, f"an integer >= {at_least}"
        )
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(message(who, expected, value, kind=True))
    number = int(value)
    if number < at_least or (at_most is not None and number > at_most):
        raise ValueError(message(who, expected, value))
    return number


def real(
    who: str,
    value: object,
    *,
    above: float | None = None,
    at_least: float | None = None,
    below: float | None = None,
    at_most: float | None = None,
    finite: bool = True,
) -> float:
    """``value`` as a ``float`` if it is a real number (not a bool) within the bounds given: a finite
    one, or with ``finite=False`` any float64 (inf and nan too, as a saved parameter may be).

    Examples:
        >>> real("state: 'b'", float("inf"), finite=False)
        inf
        >>> real("state: 'b'", 10**400, finite=False)
        Traceback (most recent call last):
        ValueError: state: 'b' must be a real number that fits in a float64, got 1000...0000
    """
    bounds = [
        (op, b) for op, b in [(">", above), (">=", at_least), ("<", below), ("<=", at_most)] if b is not None
    ]
    if len(bounds) == 2:  # a low and a high bound: interval notation
        (low_op, low), (high_op, high) = bounds
        span = f" in {'(' if low_op == '>' else '['}{low:g}, {high:g}{')' if high_op == '<' else ']'}"
    else:
        span = "".join(f" {op} {b:g}" for op, b in bounds)
    expected = ("a finite number" if finite else "a real number") + span
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(message(who, expected, value, kind=True))
    try:
        x = float(value)
    except OverflowError:  # an int too big for a float
        if not finite:
            raise ValueError(message(who, expected + " that fits in a float64", value)) from None
        x = math.inf
    if not ((math.isfinite(x) or not finite) and all(_COMPARE[op](x, b) for op, b in bounds)):
        raise ValueError(message(who, expected, value))
    return x


def generator(who: str, value: object) -> np.random.Generator:
    """A ``numpy.random.Generator`` from a seed: a Generator as it is (and advanced), or a new one
    seeded by an int >= 0 or by fresh entropy (``None``).

    Examples:
        >>> int(generator("moons: seed", 0).integers(100)) == int(generator("moons: seed", 0).integers(100))
        True
        >>> generator("moons: seed", -1)
        Traceback (most recent call last):
        ValueError: moons: seed must be a non-negative integer, a numpy.random.Generator or None, got -1
    """
    return np.random.default_rng(seed(who, value))  # a Generator comes back as it is


def seed(who: str, value: object) -> int | np.random.Generator | None:
    """A seed checked, not yet used: an int >= 0 (as an ``int``), a ``numpy.random.Generator`` or
    ``None``. For a caller that gives ``None`` a meaning of its own (``nn.Neuron``: Python's ``random``).

    Examples:
        >>> seed("Neuron: seed", 2**32), seed("Neuron: seed", None)
        (4294967296, None)
        >>> seed("Neuron: seed", True)
        Traceback (most recent call last):
        TypeError: Neuron: seed must be a non-negative integer, a numpy.random.Generator or None, got ...
    """
    expected = "a non-negative integer, a numpy.random.Generator or None"
    if value is None or isinstance(value, np.random.Generator):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(message(who, expected, value, kind=True))
    if int(value) < 0:
        raise ValueError(message(who, expected, value))
    return int(value)


def flag(who: str, value: object) -> bool:
    """``value`` if it is ``True`` or ``False`` (not 0, 1 or None).

    Examples:
        >>> flag("fit: shuffle", "no")
        Traceback (most recent call last):
        TypeError: fit: shuffle must be True or False, got 'no' (str)
    """
    if not isinstance(value, bool):
        raise TypeError(message(who, "True or False", value, kind=True))
    return value


def choice(who: str, what: str, value: object, names: Iterable[str], *, other: str = "") -> str:
    """``value`` if it is one of ``names`` (the keys of a table, say), else an error that lists them.

    ``who`` names the function, ``what`` the kind of name (``"activation"``); ``other`` is what else
    the caller takes, said in the messages (``"None"``, ``"a function"``).

    Examples:
        >>> choice("Neuron", "init", "normal", ["uniform", "xavier", "he"])
        Traceback (most recent call last):
        ValueError: Neuron: unknown init 'normal', expected one of uniform, xavier, he
        >>> choice("fit", "loss", 5, ["mse", "hinge"], other="a function")
        Traceback (most recent call last):
        TypeError: fit: loss must be a str or a function, got 5 (int)
    """
    also = f" or {other}" if other else ""
    if not isinstance(value, str):
        raise TypeError(message(f"{who}: {what}", f"a str{also}", value, kind=True))
    known = list(names)
    if value not in known:
        raise ValueError(f"{who}: unknown {what} {value!r}, expected one of {', '.join(known)}{also}")
    return value


def some(names: Sequence[object]) -> str:
    """Up to five names, for an error message: ``'a', 'b', ... (12 in all)``.

    Examples:
        >>> some(["w.0", "b"])
        "'w.0', 'b'"
    """
    more = f", ... ({len(names)} in all)" if len(names) > 5 else ""
    return ", ".join(repr(n) for n in names[:5]) + more


def function(who: str, value: object) -> Callable[..., Any] | None:
    """``value`` if it is callable or ``None``.

    Examples:
        >>> function("fit: callback", print) is print
        True
    """
    if value is not None and not callable(value):
        raise TypeError(message(who, "a function or None", value, kind=True))
    return value
