"""Derivatives as functions, as in JAX and ``torch.func``: both modes, nestable to any order.

Reverse mode: ``grad(f)`` returns a new function that computes df/dx with one backward pass;
``value_and_grad`` and ``vjp`` are its relatives. When that function is itself being differentiated
(its inputs are Values, as inside an outer ``grad`` or ``jvp``), the backward pass runs with
``create_graph=True``: the gradient arithmetic is recorded too, so ``grad(grad(f))`` is the second
derivative, and so on.

Forward mode: ``jvp(f, primals, tangents)`` carries a tangent with every number as ``f`` runs (dual
numbers): each Value's tangent is computed as the Value is, from its op's rules, the same ones the
backward pass uses. One pass gives the derivative along one direction of the inputs, all the
outputs at once; one backward pass gives the gradient of one output, all the inputs at once. So
``jacfwd`` takes one pass per input and ``jacrev`` one per output, and ``jacobian`` picks the fewer.

The functions are pure: the ``.grad`` of every Value they touch is left as it was.

Examples:
    >>> import math
    >>> from autograd import grad, jvp
    >>> f = lambda x: x.sin()
    >>> grad(f)(0.0), grad(grad(f))(0.0), grad(grad(grad(f)))(0.0)   # cos 0, -sin 0, -cos 0
    (1.0, 0.0, -1.0)
    >>> jvp(f, (0.0,), (1.0,))                                     # (sin 0, cos 0 * 1)
    (0.0, 1.0)
"""

from __future__ import annotations

import contextvars
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from autograd import engine, ops
from autograd.batch import is_batch
from autograd.engine import (
    Value,
    _unary,
    chain_rule,
    dot,
    enable_grad,
    forward_pass,
    tangent,
    this_thread,
    topological_order,
)

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
        nested = _nested(*args)
        # Numbers not differentiated still become (constant) Values, so f can call Value methods on them.
        inputs = [_fresh_input(a, "grad") if i in positions else _as_constant(a) for i, a in enumerate(args)]
        out, _ = _run(f, inputs, False, "grad")
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


def hessian(f: Callable[..., Any], mode: str = "reverse-over-reverse") -> Callable[..., NDArray[np.float64]]:
    """A function that returns the matrix of second derivatives of ``f`` in all its arguments.

    Meant for functions of a few scalars. Row i is the gradient of df/dx_i, one backward pass of the
    recorded first backward pass each (``mode="reverse-over-reverse"``); or column i is the tangent
    of the gradient along x_i, one forward pass each through ``grad(f)`` (``"forward-over-reverse"``,
    JAX's and ``torch.func``'s choice: each pass carries tangents instead of recording a second graph).

    Examples:
        >>> from autograd import hessian
        >>> hessian(lambda x, y: x * x * y)(1.0, 2.0).tolist()   # [[2y, 2x], [2x, 0]]
        [[4.0, 2.0], [2.0, 0.0]]
        >>> hessian(lambda x, y: x * x * y, mode="forward-over-reverse")(1.0, 2.0).tolist()
        [[4.0, 2.0], [2.0, 0.0]]
    """
    if mode not in ("reverse-over-reverse", "forward-over-reverse"):
        raise ValueError(
            f"hessian: mode must be 'reverse-over-reverse' or 'forward-over-reverse', got {mode!r}"
        )

    def wrapped(*args: Any) -> NDArray[np.float64]:
        n = len(args)
        everything = tuple(range(n))
        first = grad(f, everything)
        if mode == "forward-over-reverse":
            return jacfwd(first)(*args).reshape(n, n)  # the Jacobian of the gradient, by forward mode
        rows = [grad(lambda *a, i=i: first(*a)[i], everything)(*args) for i in range(n)]
        return np.array([[_float(h) for h in row] for row in rows], dtype=np.float64).reshape(n, n)

    return wrapped


# ---------------------------------------------------------------------------- forward mode
class _Level:
    """One ``jvp`` while its ``f`` runs: the tangent each Value carries along this jvp's direction.

    It watches the engine (``engine.Watcher``): as each Value is made, its tangent is computed from
    its parents' by its op's rule (``engine.tangent``), so every number travels with its tangent, as
    a dual number does. Levels nest (a ``jvp`` inside another's ``f``), each with its own tangents:
    an inner jvp never takes an outer one's direction for its own (the "perturbation confusion" of
    naive dual numbers). A level's tangent arithmetic is seen by the levels outside it only, which
    is what lets them differentiate it.
    """

    __slots__ = ("create_graph", "tangents")

    def __init__(self, tangents: dict[Value, Any], create_graph: bool) -> None:
        self.tangents = tangents
        self.create_graph = create_graph  # compute tangents as Values, for an outer derivative

    def made(self, out: Value, op: ops.Op | None, parents: tuple[Value, ...]) -> None:
        if not parents:  # a number becoming a constant
            return
        carried = [self.tangents.get(p) for p in parents]
        mode = this_thread.mode
        watchers = mode.watchers
        mode.watchers = watchers[: watchers.index(self)]  # the outer levels follow this arithmetic
        try:
            t = tangent(op, out, parents, carried, self.create_graph)  # type: ignore[arg-type]
        finally:
            mode.watchers = watchers
        if t is not None:
            self.tangents[out] = t

    def sent(self, node: Value, g: Any, contributions: tuple[Any, ...]) -> None:
        """(Forward mode has nothing to do with a backward pass's steps.)"""


def jvp(
    f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], *, has_aux: bool = False
) -> tuple[Any, ...]:
    """``f(*primals)`` and its derivative along ``tangents``: a Jacobian-vector product, forward mode.

    One pass of ``f`` in which every number carries a tangent (the dual number ``x + t ε``): each op
    computes its value and, from the same rules as the backward pass, the tangent of its value,
    ``sum_i d out / d input_i * t_i``. The tangent of the result is ``J @ tangents``: every output's
    derivative along one direction of the inputs, where a backward pass gives one output's derivative
    in every direction. As ``torch.func.jvp`` and ``jax.jvp``.

    Args:
        f: a function of scalars (or batches) written with Value operations, returning a Value or
            number, or a tuple or list of them.
        primals: the point: one real number (or 1-D array, in batched mode) per argument of ``f``.
        tangents: the direction: one per primal, of its kind (a number, or an array of its length).
        has_aux: ``f`` returns a pair ``(output, aux)``, and ``aux`` (anything) is handed back as it is.

    Returns:
        ``(f(*primals), tangent)``, each a float (or array), or a tuple of them when ``f`` returns a
        sequence; ``(output, tangent, aux)`` with ``has_aux``. Inside another derivative (its inputs
        are Values) they are Values that can be differentiated again: ``jvp(grad(f), ...)`` is a
        Hessian-vector product.

    Raises:
        TypeError: ``primals`` or ``tangents`` is not a sequence of numbers, or ``f`` returns something
            else than Values and numbers.
        ValueError: they differ in length, or a tangent is not of its primal's kind.

    Examples:
        >>> from autograd import jvp
        >>> jvp(lambda x, y: x * y, (2.0, 3.0), (1.0, 0.0))              # d(xy)/dx = y
        (6.0, 3.0)
        >>> jvp(lambda x: (x * x, x.exp()), (0.0,), (1.0,))               # (2x, e**x) at 0
        ((0.0, 1.0), (0.0, 1.0))
    """
    primals, tangents = _arguments(primals, "jvp: primals"), _arguments(tangents, "jvp: tangents")
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp: {len(primals)} primals but {len(tangents)} tangents: give one tangent per primal"
        )
    for i, (p, t) in enumerate(zip(primals, tangents, strict=True)):
        _check_tangent(p, t, i)
    nested = _nested(*primals, *tangents)
    inputs = [_fresh_input(a, "jvp") for a in primals]
    level = _Level({x: _float_or(t) for x, t in zip(inputs, tangents, strict=True)}, create_graph=nested)
    mode = this_thread.mode
    mode.saved.append(mode.watchers)
    mode.watchers = (*mode.watchers, level)  # every Value made from now on carries its tangent
    try:
        out, aux = _run(f, inputs, has_aux, "jvp")
    finally:
        mode.watchers = mode.saved.pop()
    outs, single = _outputs(out, "jvp")
    values = [o if nested else o.data for o in outs]
    ts = [level.tangents.get(o, 0.0) for o in outs]
    if not nested:
        ts = [_zero_like(t, o) for t, o in zip(ts, outs, strict=True)]
    result = (values[0], ts[0]) if single else (tuple(values), tuple(ts))
    return (*result, aux) if has_aux else result


def vjp(f: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """``f(*primals)`` and a function that pulls cotangents back: a vector-Jacobian product, reverse mode.

    ``f`` runs once, recording its graph; ``vjp_fn(cotangents)`` then runs one backward pass from the
    outputs, seeded with the cotangents, and returns ``cotangents @ J``: what every input receives,
    one number per primal. It can be called again with other cotangents (each call is one backward
    pass over the same graph). As ``torch.func.vjp`` and ``jax.vjp``.

    Args:
        f: a function of scalars written with Value operations, returning a Value or number, or a
            tuple or list of them.
        primals: the point, one real number per argument of ``f``.
        has_aux: ``f`` returns a pair ``(output, aux)``, and ``aux`` (anything) is handed back as it is.

    Returns:
        ``(f(*primals), vjp_fn)``, or ``(output, vjp_fn, aux)`` with ``has_aux``. ``vjp_fn`` takes one
        cotangent per output (a number for a single output, a sequence for a sequence) and returns a
        tuple with one gradient per primal.

    Examples:
        >>> from autograd import vjp
        >>> out, vjp_fn = vjp(lambda x, y: (x * y, x + y), 2.0, 3.0)
        >>> out, vjp_fn((1.0, 0.0)), vjp_fn((0.0, 1.0))      # the rows of the Jacobian
        ((6.0, 5.0), (3.0, 2.0), (1.0, 1.0))
    """
    nested = _nested(*primals)
    inputs = [_fresh_input(a, "vjp") for a in primals]
    out, aux = _run(f, inputs, has_aux, "vjp")
    outs, single = _outputs(out, "vjp")

    def vjp_fn(cotangents: Any) -> tuple[Any, ...]:
        cts = [cotangents] if single else _arguments(cotangents, "vjp_fn: cotangents")
        if len(cts) != len(outs):
            raise ValueError(f"vjp_fn: {len(outs)} outputs but {len(cts)} cotangents: give one per output")
        for o, ct in zip(outs, cts, strict=True):
            _check_tangent(o.data, ct, None)
        # One backward pass from all the outputs at once: from their sum weighted by the cotangents,
        # which sends each output exactly its cotangent (d(sum c_i o_i) / d o_i = c_i).
        with enable_grad():
            root = dot(cts, outs)
            grads = _gradients(root, inputs, create_graph=nested)
        return tuple(g if nested else _zero_like(g, x) for g, x in zip(grads, inputs, strict=True))

    values = [o if nested else o.data for o in outs]
    result = (values[0] if single else tuple(values), vjp_fn)
    return (*result, aux) if has_aux else result


def jacfwd(f: Callable[..., Any], argnums: Argnums | None = None) -> Callable[..., NDArray[np.float64]]:
    """A function that returns the Jacobian of ``f`` by forward mode: one forward pass per input.

    ``f`` runs once, recording its graph; then one pass over it per input carries that input's tangent
    forward (``engine.forward_pass``), giving column j: every output's derivative along input j. The
    cheaper way when ``f`` has fewer inputs than outputs.

    Args:
        f: a function of scalars returning a scalar or a sequence of scalars.
        argnums: the arguments to differentiate, an int or a tuple of ints (all of them by default).

    Returns:
        A function of ``f``'s arguments returning a float array: shape ``(inputs,)`` for a scalar ``f``
        (its gradient), ``(outputs, inputs)`` for a sequence.

    Examples:
        >>> from autograd import jacfwd
        >>> jacfwd(lambda x, y: (x * y, x + y, x.sin()))(2.0, 3.0).tolist()
        [[3.0, 2.0], [1.0, 1.0], [-0.4161468365471424, 0.0]]
    """
    return _jacobian_of(f, argnums, "forward", "jacfwd")


def jacrev(f: Callable[..., Any], argnums: Argnums | None = None) -> Callable[..., NDArray[np.float64]]:
    """A function that returns the Jacobian of ``f`` by reverse mode: one backward pass per output.

    ``f`` runs once, recording its graph; then one backward pass per output gives row i, the gradient of
    output i: every input at once. The cheaper way when ``f`` has fewer outputs than inputs: a loss of
    a million weights has one.

    Args:
        f: a function of scalars returning a scalar or a sequence of scalars.
        argnums: the arguments to differentiate, an int or a tuple of ints (all of them by default).

    Returns:
        A float array: shape ``(inputs,)`` for a scalar ``f``, ``(outputs, inputs)`` for a sequence.

    Examples:
        >>> from autograd import jacrev
        >>> jacrev(lambda x, y: (x * y, x + y, x.sin()))(2.0, 3.0).tolist()
        [[3.0, 2.0], [1.0, 1.0], [-0.4161468365471424, 0.0]]
    """
    return _jacobian_of(f, argnums, "reverse", "jacrev")


def jacobian(f: Callable[..., Any], argnums: Argnums | None = None) -> Callable[..., NDArray[np.float64]]:
    """A function that returns the Jacobian of ``f``, by whichever mode takes fewer passes.

    ``f`` runs once, recording its graph, which tells how many outputs it has. With fewer inputs than
    outputs, one forward pass per input (as ``jacfwd``); else one backward pass per output (as
    ``jacrev``). Either way over the same graph.

    Examples:
        >>> from autograd import jacobian
        >>> jacobian(lambda x, y, z: x * y * z)(1.0, 2.0, 3.0).tolist()     # 1 output: reverse
        [6.0, 3.0, 2.0]
        >>> jacobian(lambda x: (x, x * x, x**3))(2.0).tolist()              # 1 input: forward
        [[1.0], [4.0], [12.0]]
    """
    return _jacobian_of(f, argnums, "auto", "jacobian")


def _jacobian_of(
    f: Callable[..., Any], argnums: Argnums | None, mode: str, what: str
) -> Callable[..., NDArray[np.float64]]:
    """The Jacobian function of ``jacfwd`` (mode "forward"), ``jacrev`` ("reverse") or ``jacobian``
    ("auto": forward with fewer inputs than outputs): ``f`` recorded once, then passes over its graph."""

    def wrapped(*args: Any) -> NDArray[np.float64]:
        positions = _positions(argnums, len(args))
        inputs = [_fresh_input(a, what) if i in positions else _as_constant(a) for i, a in enumerate(args)]
        out, _ = _run(f, inputs, False, what)
        outs, single = _outputs(out, what)
        if any(is_batch(o.data) for o in outs):
            raise ValueError(f"{what}: f must return scalars; it returned a batch (reduce it first)")
        wanted = [inputs[i] for i in positions]
        if mode == "forward" or (mode == "auto" and len(wanted) < len(outs)):
            with enable_grad():
                order = topological_order(engine.sum(outs))  # every output's graph, in one order
            columns = []
            for x in wanted:  # one forward pass per input: column j, d outputs / d x_j
                carried = dict(forward_pass(order, {x: 1.0}))
                column = [0.0 if carried.get(o) is None else carried[o] for o in outs]
                columns.append(column[0] if single else column)
            return _matrix(columns, by="column")
        rows = [_gradients(o, wanted, create_graph=False) for o in outs]  # one backward pass per output
        return _matrix(rows[0] if single else rows, by="row")

    return wrapped


def _matrix(lines: Any, by: str) -> NDArray[np.float64]:
    """The Jacobian from its columns (forward mode) or rows (reverse mode): ``(n,)`` for a scalar
    function, ``(outputs, n)`` for a sequence."""
    a = np.array(
        [[_float(x) for x in line] if isinstance(line, tuple | list) else _float(line) for line in lines],
        dtype=np.float64,
    )
    return a.T if by == "column" and a.ndim == 2 else a


def _gradients(out: Value, inputs: list[Value], create_graph: bool) -> list[Any]:
    """d out / d input for each input, leaving every ``.grad`` in the graph as it was."""
    wanted = set(inputs)
    found = {
        node: g
        for node, g, _ in chain_rule(topological_order(out), 1.0, create_graph=create_graph)
        if node in wanted
    }
    return [found.get(x, 0.0) for x in inputs]


def _nested(*args: Any) -> bool:
    """Whether this derivative is taken inside another (an outer ``grad`` or ``jvp`` is running its
    ``f``, or hands us Values): then it is recorded, to be differentiated again."""
    return _DEPTH.get() > 0 or any(isinstance(a, Value) for a in args)


def _run(f: Callable[..., Any], inputs: list[Any], has_aux: bool, what: str) -> tuple[Any, Any]:
    """``f(*inputs)`` counted as a derivative's ``f`` (see ``_nested``), and its aux (None without).

    ``f`` is recorded whatever the caller's grad mode: a derivative does not turn to zeros inside a
    ``no_grad`` around the call (a ``no_grad`` inside ``f`` still holds), as with ``torch.func``."""
    token = _DEPTH.set(_DEPTH.get() + 1)
    try:
        with enable_grad():
            out = f(*inputs)
    finally:
        _DEPTH.reset(token)
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple | list) and len(out) == 2):
        raise TypeError(f"{what}: with has_aux=True, f must return a pair (output, aux), got {out!r}")
    return out[0], out[1]


def _fresh_input(x: Any, what: str) -> Value:
    """A node of its own for a differentiated argument.

    A number (or a batch) becomes a leaf. A Value (we are inside an outer ``grad`` or ``jvp``) is
    passed through an identity node, so this level's derivative is taken with respect to this level's
    input only, never confused with other uses of the same outer Value.
    """
    if isinstance(x, Value):
        return _unary(ops.IDENTITY, x) if x.requires_grad else Value(x.data)
    if isinstance(x, numbers.Real) or is_batch(x):
        return Value(x)
    raise TypeError(
        f"{what}: differentiated arguments must be real numbers or Values, got {type(x).__qualname__}"
    )


def _as_constant(x: Any) -> Any:
    return (
        Value(x, requires_grad=False)
        if (isinstance(x, numbers.Real) and not isinstance(x, Value)) or is_batch(x)
        else x
    )


def _arguments(xs: Any, what: str) -> tuple[Any, ...]:
    """The items of a tuple or list of arguments (primals, tangents, cotangents)."""
    if not isinstance(xs, tuple | list):
        raise TypeError(
            f"{what} must be a tuple or list, one item per argument, got {type(xs).__qualname__} "
            "(for one argument write (x,))"
        )
    return tuple(xs)


def _check_tangent(primal: Any, t: Any, i: int | None) -> None:
    """A tangent (or cotangent) must be of its primal's kind: a number for a number, an array of the
    same length for a batch. ``i`` is the primal's position (None: an output's cotangent)."""
    which = "cotangent" if i is None else f"tangent {i}"
    p: Any = primal.data if isinstance(primal, Value) else primal
    n: Any = t.data if isinstance(t, Value) else t
    if is_batch(p):
        if not (is_batch(n) and len(n) == len(p)):
            raise ValueError(f"{which} must be a batch of {len(p)} numbers, as its primal is; got {n!r}")
    elif is_batch(n):
        raise ValueError(f"{which} is a batch, but its primal is one number: give one number")
    elif not isinstance(n, numbers.Real):
        raise TypeError(f"{which} must be a real number, got {type(n).__qualname__}")


def _float_or(t: Any) -> Any:
    """A tangent as the engine keeps numbers: a float, a float64 array, or a Value (nested)."""
    if isinstance(t, Value):
        return t
    return np.asarray(t, dtype=np.float64) if is_batch(t) else float(t)


def _zero_like(t: Any, x: Value) -> Any:
    """A derivative handed back as the engine's numbers: a float (zeros of a batch's length, for an
    output that depends on no input)."""
    n: Any = t.data if isinstance(t, Value) else t
    if is_batch(n):
        return n
    data: Any = x.data
    return np.full(len(data), float(n)) if is_batch(data) else float(n)


def _outputs(out: Any, what: str) -> tuple[list[Value], bool]:
    """``f``'s result as a list of Values (a number is a constant), and whether it was a single one."""
    single = not isinstance(out, tuple | list)
    items = [out] if single else list(out)
    if not items:
        raise ValueError(f"{what}: f returned an empty sequence")
    values = []
    for o in items:
        if isinstance(o, Value):
            values.append(o)
        elif isinstance(o, numbers.Real) or is_batch(o):  # f does not depend on its inputs
            values.append(Value(o, requires_grad=False))
        else:
            raise TypeError(
                f"{what}: f must return a Value or a tuple or list of Values, got {type(o).__qualname__}"
            )
    return values, single


def _positions(argnums: Argnums | None, n: int) -> tuple[int, ...]:
    """The differentiated arguments' positions: all ``n`` by default."""
    if argnums is None:
        if not n:
            raise ValueError("a Jacobian needs at least one argument to differentiate")
        return tuple(range(n))
    positions, _ = _check_argnums(argnums)
    for i in positions:
        if i >= n:
            raise ValueError(f"argnums {i} is out of range for {n} positional arguments")
    return positions


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
