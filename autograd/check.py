"""Checking gradients: ``gradcheck`` against finite differences, and ``detect_anomaly`` for nan/inf.

Examples:
    >>> from autograd import gradcheck
    >>> gradcheck(lambda x, y: (x * y).tanh(), [0.3, -1.2])
    True
"""

from __future__ import annotations

import math
import numbers
import sys
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd import engine
from autograd.batch import is_batch
from autograd.engine import Value, no_grad


class GradcheckError(AssertionError):
    """Raised by ``gradcheck`` when reverse mode and finite differences disagree; the message is a table."""


def gradcheck(
    f: Callable[..., Any],
    inputs: Sequence[float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    *,
    names: Sequence[str] | None = None,
    what: str = "gradcheck",
) -> bool:
    """Compare the engine's gradient of ``f`` at ``inputs`` with central finite differences.

    Each input ``x_i`` is nudged by ``eps`` both ways: numeric_i = (f(x + eps e_i) - f(x - eps e_i)) / 2 eps.
    The check passes where ``|analytic - numeric| <= atol + rtol * |numeric|`` for every input.

    Args:
        f: a function of scalars written with Value operations, returning a scalar Value.
        inputs: the point to check at (numbers, or Values whose data is used).
        eps: the step of the central differences.
        atol: the absolute tolerance.
        rtol: the relative tolerance.
        names: what to call the inputs in the table (``0, 1, ...`` by default).
        what: what the message names as checked (``op 'softsign'``).

    Returns:
        True when every gradient agrees.

    Raises:
        GradcheckError: with a table of input, analytic, numeric and difference for every input.

    Examples:
        >>> from autograd import gradcheck
        >>> gradcheck(lambda x: x.exp() * x.sin(), [0.7])
        True
    """
    point = [_real(x) for x in inputs]
    labels = [str(i) for i in range(len(point))] if names is None else [str(n) for n in names]
    if len(labels) != len(point):
        raise ValueError(f"gradcheck: {len(labels)} names for {len(point)} inputs")
    if not eps > 0:
        raise ValueError(f"gradcheck: eps must be positive, got {eps}")
    leaves = [Value(x) for x in point]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__qualname__}")
    out.backward()
    analytic = [leaf.grad for leaf in leaves]

    @no_grad()
    def at(xs: list[float]) -> float:
        return _real(f(*[Value(x) for x in xs]))

    numeric = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += eps
        down[i] -= eps
        numeric.append((at(up) - at(down)) / (2 * eps))
    bad = [
        i
        for i, (a, n) in enumerate(zip(analytic, numeric, strict=True))
        if not (abs(a - n) <= atol + rtol * abs(n) or (a == n))
    ]
    if bad:
        width = max(6, *map(len, labels))
        rows = [f"{'input':>{width}}  {'x':>12}  {'analytic':>14}  {'numeric':>14}  {'difference':>12}"]
        for i, (x, a, n) in enumerate(zip(point, analytic, numeric, strict=True)):
            mark = "  <- mismatch" if i in bad else ""
            rows.append(f"{labels[i]:>{width}}  {x:>12.6g}  {a:>14.8g}  {n:>14.8g}  {a - n:>12.3g}{mark}")
        wrong = ", ".join(labels[i] for i in bad)
        raise GradcheckError(
            f"{what} failed for {len(bad)} of {len(point)} inputs: {wrong} "
            f"(eps={eps:g}, atol={atol:g}, rtol={rtol:g}):\n" + "\n".join(rows)
        )
    return True


def _real(x: Any) -> float:
    if isinstance(x, Value):
        return float(x.data)
    if isinstance(x, numbers.Real):
        return float(x)
    raise TypeError(f"expected a real number or a Value, got {type(x).__qualname__}")


# ---------------------------------------------------------------------------- anomaly detection
class AnomalyError(FloatingPointError):
    """The first nan or inf made by an op or a gradient while ``detect_anomaly`` is on."""


class detect_anomaly:  # noqa: N801 - named like torch.autograd.detect_anomaly
    """Stop at the first nan or inf, and say which op made it, from what, and where in your code.

    Outside the context, IEEE values flow on silently. Inside, every new node's value and every gradient
    contribution of ``backward()`` is checked: the engine calls the checker this plugs in (one of the
    ``watchers`` of this thread's mode); off, the engine runs its ordinary code, so there is no cost.
    As ``no_grad``, it is on for this thread only.

    Examples:
        >>> from autograd import Value, detect_anomaly, AnomalyError
        >>> x = Value(-1.0, label="x")
        >>> try:
        ...     with detect_anomaly():
        ...         y = x.log()
        ... except AnomalyError as err:
        ...     print(str(err).splitlines()[0])
        forward: log produced nan
    """

    def __enter__(self) -> detect_anomaly:
        mode = engine.this_thread.mode
        mode.saved.append(mode.watchers)
        if _CHECKER not in mode.watchers:  # (on already, in an outer detect_anomaly: once is enough)
            mode.watchers = (*mode.watchers, _CHECKER)
        return self

    def __exit__(self, *exc: object) -> None:
        mode = engine.this_thread.mode
        mode.watchers = mode.saved.pop()


_sites: weakref.WeakKeyDictionary[Value, str] = weakref.WeakKeyDictionary()
_LIBRARY = {"autograd"}  # the packages whose frames a report skips, to name the user's line


def library(package: str) -> None:
    """Count ``package``'s code as library code: ``detect_anomaly`` reports the first line outside
    it as where a node was made (a package built on autograd, such as ``nn``, calls this).

    Examples:
        >>> library("nn")
    """
    if not isinstance(package, str) or not package.isidentifier():
        raise TypeError(f"library takes a top-level package's name, got {package!r}")
    _LIBRARY.add(package)


def _user_site() -> str:
    """File and line of the first frame outside library code: the user code that made the node."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] in _LIBRARY:
        frame = frame.f_back  # type: ignore[assignment]
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "<unknown>"


def _created(node: Value) -> str:
    name = f" '{node.label}'" if node.label else ""
    inputs = ", ".join(repr(p.data) for p in node.parents)
    site = _sites.get(node, "unknown (detect_anomaly was off when it was built)")
    return f"node{name} = {node.op}({inputs}), created at {site}"


class _AnomalyChecker:
    """The checks ``detect_anomaly`` plugs into the engine (see ``engine.Watcher``)."""

    def made(self, out: Value, op: Any, parents: tuple[Value, ...]) -> None:
        if not out._parents:  # a constant: nothing recorded
            return
        _sites[out] = _user_site()
        if not _finite(out.data):
            phase = "backward" if engine.this_thread.mode.backward else "forward"
            raise AnomalyError(
                f"{phase}: {op.name} produced {out.data!r}\n"
                f"  inputs: {', '.join(repr(p.data) for p in parents)}\n"
                f"  created at {_sites[out]}"
            )

    def sent(self, node: Value, g: Any, contributions: tuple[Any, ...]) -> None:
        """Each contribution of a backward step, as it is made."""
        for i, contribution in enumerate(contributions):
            value = _number_of(contribution)
            if not _finite(value):
                local = node._fn.local(node.data, *[p.data for p in node.parents])[i]  # type: ignore[union-attr]
                raise AnomalyError(
                    f"backward: the gradient sent from {node.op} to its input {i} is {value!r} "
                    f"(upstream {_number_of(g)!r} x local derivative {local!r})\n"
                    f"  at {_created(node)}"
                )


def _finite(x: Any) -> bool:
    """True when the number, or every number of a batch, is finite."""
    return bool(np.all(np.isfinite(x))) if is_batch(x) else math.isfinite(x)


def _number_of(x: Any) -> Any:
    return x.data if isinstance(x, Value) else x


_CHECKER = _AnomalyChecker()
