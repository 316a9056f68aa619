"""Helpers for the notebooks' exercises: check an answer and say right or wrong, and why.

Each notebook ends with exercises; the learner writes an answer in a cell and runs
``check(answer, expected, what="d loss / d w13")`` in the next. The message names the usual slips: a
wrong sign, a factor of two (the 1/2 in E = (t - y)**2 / 2), a missing activation derivative, or a
value that is right to a few digits only.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

from autograd import Value


def _as_float(x: Any) -> float:
    return float(x.data) if isinstance(x, Value) else float(x)  # a Value counts by its number


def _diagnose(got: float, want: float, rel: float) -> str:
    if math.isnan(got):
        return "your answer is nan: look for a 0/0 or the log of a negative number"
    if want != 0 and math.isclose(got, -want, rel_tol=rel, abs_tol=1e-12):
        return "it is off by a sign: check which way each difference goes (prediction - target?)"
    for factor, reason in [
        (2.0, "twice the answer: was the 1/2 in the loss forgotten, or a path counted twice?"),
        (0.5, "half the answer: a path may be missing, or an extra 1/2 crept in"),
    ]:
        if want != 0 and math.isclose(got, factor * want, rel_tol=rel):
            return f"it is off by a factor of {factor:g}: {reason}"
    if want != 0 and got != 0:
        ratio = abs(got / want)
        if ratio > 3:
            return "it is much larger than expected: is an activation derivative (like y(1-y)) missing?"
        if ratio < 1 / 3:
            return "it is much smaller than expected: was an activation slope multiplied in twice?"
    return f"expected about {want:.6g}, got {got:.6g}"


def check(answer: Any, expected: Any, what: str = "your answer", rel: float = 1e-4) -> None:
    """Print whether ``answer`` matches ``expected`` (numbers, Values or sequences of them) and why not.

    When the notebooks are run unattended by the test suite (``GLASSGRAD_STRICT_CHECKS=1``), a wrong
    answer raises ``AssertionError`` instead, so a broken solution cell fails the run.

    Examples:
        >>> check(0.5, 0.5, "the slope")
        right: the slope = 0.5
        >>> check(-0.25, 0.25, "dE/dw")
        wrong: dE/dw: it is off by a sign: check which way each difference goes (prediction - target?)
    """
    message = _verdict(answer, expected, what, rel)
    if message.startswith("right"):
        print(message)
        return
    if os.environ.get("GLASSGRAD_STRICT_CHECKS") == "1":
        raise AssertionError(message)
    print(message)


def _verdict(answer: Any, expected: Any, what: str, rel: float) -> str:
    if answer is None or answer is Ellipsis:
        return f"not yet: replace the ... with {what}"
    if isinstance(expected, Sequence) and not isinstance(expected, str):
        if not isinstance(answer, Sequence) or len(answer) != len(expected):
            return f"wrong: {what}: expected {len(expected)} numbers, got {answer!r}"
        verdicts = [
            _verdict(a, e, f"{what}[{i}]", rel) for i, (a, e) in enumerate(zip(answer, expected, strict=True))
        ]
        wrong = [v for v in verdicts if not v.startswith("right")]
        return "\n".join(wrong) if wrong else "\n".join(verdicts)
    got, want = _as_float(answer), _as_float(expected)
    if math.isclose(got, want, rel_tol=rel, abs_tol=1e-9):
        return f"right: {what} = {got:.6g}"
    return f"wrong: {what}: {_diagnose(got, want, rel)}"
