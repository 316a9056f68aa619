"""Derivatives as functions, JAX-style: ``grad``, ``value_and_grad`` and ``hessian``, nestable to any order.

``grad(f)`` returns a new function that computes df/dx with one backward pass. When that function is
itself being differentiated (its inputs are Values, as inside an outer ``grad``), the backward pass runs
with ``create_graph=True``: the gradient arithmetic is recorded too, so ``grad(grad(f))`` is the second
derivative, and so on. The functions are pure: the ``.grad`` of every Value they touch is left as it
was.

Examples:
    >>> import math
    >>> from autograd import grad
    >>> f = lambda x: x.sin()
    >>> grad(f)(0.0), grad(grad(f))(0.0), grad(grad(grad(f)))(0.0)   # cos 0, -sin 0, -cos 0
    (1.0, 0.0, -1.0)
"""

from __future__ import annotations

import contextvars
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from autograd import ops
from autograd.batch import is_batch
from autograd.engine import Value, _unary, chain_rule, topological_order

Argnums = int | Sequence[int]


# How many ``grad`` functions this thread is evaluating the ``f`` of right now (they may close over Values).
_DEPTH: contextvars.ContextVar[int] = contextvars.ContextVar("glassgrad_grad_depth", default=0)


def value_and_grad(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., tuple[Any, Any]]:
    """A function that returns ``(f(*args), df/d args[argnums])``.

    Args:
        f: a function of scalars that returns a scalar, written with Value operations.
        argnums: which positional argument(s) to differentiate: an int (the gradient is one number) or a
            tuple of ints (the gradient is a tuple).

    Returns:
        A function of the same arguments. Given plain numbers it returns floats; given Values (inside
        another ``grad``) it returns Values that can be differentiated again.

    Examples:
        >>> from autograd import value_and_grad
        >>> value_and_grad(lambda x, y: x * y + y, argnums=(0, 1))(2.0, 3.0)
        (9.0, (3.0, 3.0))
    """
    positions, single = _check_argnums(argnums)

    def wrapped(*args: Any) -> tuple[Any, Any]:
        for i in positions:
            if i >= len(args):
                raise ValueError(f"argnums {i} is out of range for {len(args)} positional arguments")
        # Inside an outer grad (its f is running, or our inputs are its Values), record our derivative.
        nested = _DEPTH.get() > 0 or any(isinstance(a, Value) for a in args)
        # Numbers not differentiated still become (constant) Values, so f can call Value methods on them.
        inputs = [_fresh_input(a) if i in positions else _as_constant(a) for i, a in enumerate(args)]
        token = _DEPTH.set(_DEPTH.get() + 1)
        try:
            out = f(*inputs)
        finally:
            _DEPTH.reset(token)
        if not isinstance(out, Value):
            if isinstance(out, numbers.Real):  # f does not depend on its inputs
                out = Value(float(out))
            else:
                raise TypeError(f"grad: f must return a scalar Value, got {type(out).__qualname__}")
        if is_batch(out.data):
            raise ValueError("grad: f must return a single number; it returned a batch (reduce it first)")
        grads = _gradients(out, [inputs[i] for i in positions], create_graph=nested)
        value = out if nested else out.data
        return value, (grads[0] if single else tuple(grads))

    return wrapped


def grad(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """A function that returns the derivative of ``f`` with respect to argument(s) ``argnums``.

    Examples:
        >>> from autograd import grad
        >>> grad(lambda x: x**3)(2.0)             # 3 x**2
        12.0
        >>> grad(grad(lambda x: x**3))(2.0)       # 6 x
        12.0
    """
    vg = value_and_grad(f, argnums)

    def wrapped(*args: Any) -> Any:
        return vg(*args)[1]

    return wrapped


def hessian(f: Callable[..., Any]) -> Callable[..., NDArray[np.float64]]:
    """A function that returns the matrix of second derivatives of ``f`` in all its arguments.

    Meant for functions of a few scalars: row i is the gradient of df/dx_i.

    Examples:
        >>> from autograd import hessian
        >>> hessian(lambda x, y: x * x * y)(1.0, 2.0).tolist()   # [[2y, 2x], [2x, 0]]
        [[4.0, 2.0], [2.0, 0.0]]
    """

    def wrapped(*args: Any) -> NDArray[np.float64]:
        n = len(args)
        everything = tuple(range(n))
        first = grad(f, everything)
        rows = [grad(lambda *a, i=i: first(*a)[i], everything)(*args) for i in range(n)]
        return np.array([[_float(h) for h in row] for row in rows], dtype=np.float64).reshape(n, n)

    return wrapped


def _gradients(out: Value, inputs: list[Value], create_graph: bool) -> list[Any]:
    """d out / d input for each input, leaving every ``.grad`` in the graph as it was."""
    wanted = set(inputs)
    found = {
        node: g
        for node, g, _ in chain_rule(topological_order(out), 1.0, create_graph=create_graph)
        if node in wanted
    }
    return [found.get(x, 0.0) for x in inputs]


def _fresh_input(x: Any) -> Value:
    """A node of its own for a differentiated argument.

    A number becomes a leaf. A Value (we are inside an outer ``grad``) is passed through an identity node,
    so this level's derivative is taken with respect to this level's input only, never confused with
    other uses of the same outer Value.
    """
    if isinstance(x, Value):
        return _unary(ops.IDENTITY, x) if x.requires_grad else Value(x.data)
    if isinstance(x, numbers.Real):
        return Value(float(x))
    raise TypeError(
        f"grad: differentiated arguments must be real numbers or Values, got {type(x).__qualname__}"
    )


def _as_constant(x: Any) -> Any:
    return (
        Value(float(x), requires_grad=False)
        if isinstance(x, numbers.Real) and not isinstance(x, Value)
        else x
    )


def _check_argnums(argnums: Argnums) -> tuple[tuple[int, ...], bool]:
    if isinstance(argnums, bool | str) or not isinstance(argnums, int | Sequence):
        raise TypeError(f"argnums must be an int or a tuple of ints, got {type(argnums).__qualname__}")
    single = isinstance(argnums, int)
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not positions:
        raise ValueError("argnums must name at least one argument")
    for i in positions:
        if isinstance(i, bool) or not isinstance(i, int) or i < 0:
            raise ValueError(f"argnums must be non-negative ints, got {i!r}")
    return positions, single


def _float(x: Any) -> float:
    return float(x.data) if isinstance(x, Value) else float(x)
