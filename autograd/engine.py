"""The engine: ``Value`` records every operation into a graph, and ``backward()`` walks it backwards.

A ``Value`` is a node of the computation graph: a number (``data``), the gradient of the last
``backward()`` root with respect to it (``grad``), the ``Op`` that made it and the Values it was made
from (its parents). Each operator below only says which ``Op`` to apply (see ``ops.py`` for every
op's value and derivative, side by side); ``backward()`` then applies the chain rule in reverse
topological order:

    grad(parent) += grad(node) * d node / d parent      for every edge, children before parents

Examples:
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b + a            # c = a*b + a
    >>> c.backward()
    >>> a.grad, b.grad           # dc/da = b + 1, dc/db = a
    (-2.0, 2.0)
"""

from __future__ import annotations

import contextlib
import functools
import gc
import numbers
import threading
import warnings
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from autograd import ops
from autograd._math import INF as _INF
from autograd.ops import Op

F = TypeVar("F", bound=Callable[..., Any])


class Checker(Protocol):
    """What ``detect_anomaly`` plugs into the engine: a look at each new node, and its own backward loop."""

    def made(self, out: Value, op: Op | None, parents: tuple[Value, ...]) -> None:
        """Called for every node the engine makes (``op`` is None for a constant)."""

    def backward(self, order: list[Value], create_graph: bool) -> None:
        """Run the backward pass over ``order`` (the root's grad is seeded), checking as it goes."""


class _Mode:
    """The engine's switches for one thread, as PyTorch's grad mode is per thread: each thread has its
    own (``this_thread.mode``), so nothing one thread switches is seen by another, and a new thread
    starts with the defaults. A switch saves what it replaces on ``saved`` and restores it on exit."""

    __slots__ = ("checker", "recording", "saved", "scope")

    def __init__(self) -> None:
        self.recording = True  # False inside ``no_grad``
        self.scope: scope | None = None  # the innermost ``scope`` being recorded, for pictures
        self.checker: Checker | None = None  # ``detect_anomaly``'s, while it is on
        self.saved: list[Any] = []  # what each switch on replaced, innermost last


class _ThisThread(threading.local):
    """``this_thread.mode`` is the calling thread's ``_Mode``, made on its first use."""

    def __init__(self) -> None:
        self.mode = _Mode()


this_thread = _ThisThread()


class Value:
    """One scalar in a computation graph: its ``data``, its ``grad``, and how it was made.

    Args:
        data: a real number (``int``, ``float``, ``bool``, a NumPy real scalar, ``Fraction``...), stored
            as a float; or, in batched mode, a 1-D array of them (one per sample). Setting ``.data``
            later takes the same (``w.data -= np.float64(0.1) * w.grad`` is fine) and checks it.
        label: an optional name, shown by ``repr`` and in graph pictures.

    Examples:
        >>> x = Value(3.0, label="x")
        >>> y = x**2 + 1
        >>> y.backward()
        >>> y, x.grad
        (Value(data=10.0, grad=1.0), 6.0)
    """

    __slots__ = ("__weakref__", "_data", "_op", "_parents", "_scope", "grad", "label")
    __array_ufunc__ = None  # numpy scalars defer to us: np.float64(2) * v is a Value, not an array

    _data: float  # what .data reads, checked when set; a 1-D float64 array (one per sample) when batched
    grad: float  # a Value instead after backward(create_graph=True); an array in batched mode
    label: str
    _parents: tuple[Value, ...]
    _op: Op | None
    _scope: scope | None

    def __init__(self, data: float | int | NDArray[Any], label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__qualname__}")
        self._data = _number(data)
        self.grad = 0.0
        self.label = label
        self._parents = ()
        self._op = None
        self._scope = this_thread.mode.scope

    @property
    def data(self) -> float:
        """The number: a float, or a 1-D float64 array (one number per sample) in batched mode.

        Any real number may be assigned; it is stored as a float (the engine reads it as one).

        Examples:
            >>> import numpy as np
            >>> w = Value(1.0)
            >>> w.data -= np.float64(0.25)
            >>> w.data, type(w.data).__name__
            (0.75, 'float')
        """
        return self._data

    @data.setter
    def data(self, data: float | int | NDArray[Any]) -> None:
        self._data = _number(data)

    # ---------------------------------------------------------------- graph structure
    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from (empty for a leaf)."""
        return self._parents

    @property
    def op(self) -> str:
        """The name of the operation that made this Value (``""`` for a leaf)."""
        return self._op.name if self._op is not None and self._parents else ""

    @property
    def scope(self) -> scope | None:
        """The innermost ``autograd.scope`` this Value was built in (None outside any)."""
        return self._scope

    @property
    def is_leaf(self) -> bool:
        """True for a Value made by the user (or under ``no_grad``): its grad accumulates."""
        return not self._parents

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # ---------------------------------------------------------------- operators
    def __add__(self, other: Value | float) -> Value:
        return _binary(ops.ADD, self, other)

    def __radd__(self, other: Value | float) -> Value:
        return _binary(ops.ADD, other, self)

    def __sub__(self, other: Value | float) -> Value:
        return _binary(ops.SUB, self, other)

    def __rsub__(self, other: Value | float) -> Value:
        return _binary(ops.SUB, other, self)

    def __mul__(self, other: Value | float) -> Value:
        return _binary(ops.MUL, self, other)

    def __rmul__(self, other: Value | float) -> Value:
        return _binary(ops.MUL, other, self)

    def __truediv__(self, other: Value | float) -> Value:
        return _binary(ops.DIV, self, other)

    def __rtruediv__(self, other: Value | float) -> Value:
        return _binary(ops.DIV, other, self)

    def __pow__(self, other: Value | float) -> Value:
        # A constant exponent is part of the op, so x**2 is one node (as torch.pow(x, 2) is).
        if type(other) is float or type(other) is int or _is_real_number(other):
            return _unary(ops.power_of(float(other)), self)  # type: ignore[arg-type]
        return _binary(ops.POW, self, other)

    def __rpow__(self, other: Value | float) -> Value:
        return _binary(ops.POW, other, self)

    def __neg__(self) -> Value:
        return _unary(ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _unary(ops.ABS, self)

    # ---------------------------------------------------------------- functions
    def exp(self) -> Value:
        """``e ** self``.

        Examples:
            >>> Value(0.0).exp().data
            1.0
        """
        return _unary(ops.EXP, self)

    def log(self) -> Value:
        """Natural logarithm (``-inf`` at 0, ``nan`` below).

        Examples:
            >>> Value(1.0).log().data
            0.0
        """
        return _unary(ops.LOG, self)

    def sqrt(self) -> Value:
        """Square root (``nan`` below 0).

        Examples:
            >>> Value(4.0).sqrt().data
            2.0
        """
        return _unary(ops.SQRT, self)

    def tanh(self) -> Value:
        """Hyperbolic tangent.

        Examples:
            >>> Value(0.0).tanh().data
            0.0
        """
        return _unary(ops.TANH, self)

    def sigmoid(self) -> Value:
        """Logistic sigmoid ``1 / (1 + e**-x)``.

        Examples:
            >>> Value(0.0).sigmoid().data
            0.5
        """
        return _unary(ops.SIGMOID, self)

    def relu(self) -> Value:
        """``max(x, 0)``; derivative 0 at 0.

        Examples:
            >>> Value(-2.0).relu().data
            0.0
        """
        return _unary(ops.RELU, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """``x`` above 0, ``slope * x`` below.

        Examples:
            >>> Value(-2.0).leaky_relu(0.5).data
            -1.0
        """
        if isinstance(slope, Value) or not isinstance(slope, numbers.Real):
            raise TypeError(f"leaky_relu slope must be a real number, got {type(slope).__qualname__}")
        return _unary(ops.leaky_relu_of(float(slope)), self)

    def softplus(self) -> Value:
        """``log(1 + e**x)``, exact for any x.

        Examples:
            >>> Value(0.0).softplus().data
            0.6931471805599453
        """
        return _unary(ops.SOFTPLUS, self)

    def sin(self) -> Value:
        """Sine.

        Examples:
            >>> Value(0.0).sin().data
            0.0
        """
        return _unary(ops.SIN, self)

    def cos(self) -> Value:
        """Cosine.

        Examples:
            >>> Value(0.0).cos().data
            1.0
        """
        return _unary(ops.COS, self)

    # ---------------------------------------------------------------- batches
    def batch_sum(self) -> Value:
        """The sum over the samples of a batched Value (one number per sample); a float stays itself.

        Examples:
            >>> import numpy as np
            >>> Value(np.array([1.0, 2.0, 3.0])).batch_sum().data
            6.0
        """
        return _unary(ops.BATCH_SUM, self)

    def batch_mean(self) -> Value:
        """The mean over the samples of a batched Value, such as a loss over a batch.

        Examples:
            >>> import numpy as np
            >>> Value(np.array([1.0, 2.0, 3.0])).batch_mean().data
            2.0
        """
        return self.batch_sum() * (1.0 / (self.batch_size or 1))

    @property
    def batch_size(self) -> int | None:
        """How many samples this Value holds (None for a plain scalar)."""
        data: Any = self.data  # a float, or a 1-D array in batched mode
        return None if type(data) is float else len(data)

    # ---------------------------------------------------------------- the backward pass
    def backward(self, grad: float = 1.0, *, create_graph: bool = False) -> None:
        """Fill in ``.grad`` of every Value this one depends on, by the chain rule.

        Interior nodes get d self / d node of this pass; leaves (the Values you made) add it to what
        they had, as in PyTorch, so zero them between steps (``nn.Module.zero_grad()``).

        Args:
            grad: the seed d root / d self (1.0 for a loss), a real number.
            create_graph: record the gradient arithmetic itself, so that the leaves' gradients are Values
                that can be differentiated again. Each leaf's ``.grad`` then refers back to the graph
                and so to the leaf: a reference cycle, as in PyTorch (a warning says so). Set the grads
                to 0 when done with them, or use ``autograd.grad``, which leaves ``.grad`` alone.
                Interior nodes keep their gradients' numbers only.

        Examples:
            >>> x = Value(2.0)
            >>> y = x * x * x
            >>> y.backward()
            >>> x.grad
            12.0
        """
        order = _backward(self, grad, create_graph)
        if create_graph:
            _release(order)


def _backward(root: Value, grad: Any, create_graph: bool) -> list[Value]:
    """``root.backward(grad)``, leaving every gradient of a recorded pass a Value; returns the order."""
    if type(root._data) is not float:
        raise ValueError(
            "backward() needs a single number; this Value holds a batch: reduce it first, "
            "for example loss.batch_mean().backward()"
        )
    if isinstance(grad, Value) or not isinstance(grad, numbers.Real):
        raise TypeError(f"backward: grad must be a real number, got {type(grad).__qualname__}")
    order = topological_order(root)
    for node in order:  # interior grads hold this pass only; leaves keep what they had
        if node._parents:
            node.grad = 0.0
    root.grad += float(grad)
    checker = this_thread.mode.checker
    if checker is not None:
        checker.backward(order, create_graph)
    elif create_graph:
        _backward_recorded(order)
    else:
        _backward_floats(order)
    return order


def _release(order: list[Value]) -> None:
    """After a recorded pass: interior nodes keep their gradient's number, so that only the leaves'
    gradients hold a graph (which refers back to them: warned about, as PyTorch does)."""
    cycles = False
    for node in order:
        if isinstance(node.grad, Value):
            if node._parents:
                node.grad = node.grad._data
            else:
                cycles = True
    if cycles:
        warnings.warn(
            "backward(create_graph=True) made the leaves' .grad Values whose graphs refer back to the "
            "leaves: reference cycles, which only Python's cyclic garbage collector frees. Set the grads "
            "to 0 when done (model.zero_grad()), or use autograd.grad(f), which leaves .grad alone.",
            stacklevel=3,
        )


def _backward_recorded(order: list[Value]) -> None:
    """The chain rule, children before parents, with every product recorded as a graph node."""
    for node in reversed(order):
        if node._parents:
            sent = node._op.grads(node.grad, node, *node._parents)  # type: ignore[union-attr]
            for parent, contribution in zip(node._parents, sent, strict=True):
                _accumulate(parent, contribution)


def _accumulate(parent: Value, contribution: Any) -> None:
    """``parent.grad += contribution`` for the recorded loops: a plain zero (a selection that sent
    nothing) records nothing, and a parameter shared by a batch gets the sum over the samples."""
    if _is_zero(contribution):
        return
    if (
        isinstance(contribution, Value)
        and type(parent._data) is float
        and type(contribution._data) is not float
    ):
        contribution = contribution.batch_sum()
    _add(parent, contribution)


def _add(parent: Value, contribution: Any) -> None:
    """``parent.grad += contribution``, never in place (arrays may be shared between grads), and ``0.0 +
    x`` not recorded (a zero grad is replaced). A parameter (one number shared by every sample) gets the
    sum of a batch of contributions."""
    if type(parent._data) is float and type(contribution) is np.ndarray:
        contribution = float(np.sum(contribution))
    parent.grad = contribution if _is_zero(parent.grad) else parent.grad + contribution


def _is_zero(x: Any) -> bool:
    return type(x) is float and x == 0.0


def _backward_floats(order: list[Value]) -> None:
    """The same loop on plain floats, spelled out for one and two parents (most nodes) for speed."""
    for node in reversed(order):
        parents = node._parents
        g: Any = node.grad
        if type(g) is not float:  # batched mode: one gradient per sample
            if parents:
                _backward_batched_node(node, g)
        elif len(parents) == 2:
            a, b = parents
            ga, gb = node._op.grads(g, node._data, a._data, b._data)  # type: ignore[union-attr]
            a.grad += ga
            b.grad += gb
        elif len(parents) == 1:
            a = parents[0]
            a.grad += node._op.grads(g, node._data, a._data)[0]  # type: ignore[union-attr]
        elif parents:
            op: Op = node._op  # type: ignore[assignment]
            if op.vjp is not None:  # a fused op: the same rule as one loop (see ops.Op)
                # A zero gradient passes nothing on: a fused node's value is finite only if all its
                # inputs are, and then every g * d is 0 (with an inf or nan about, 0 * inf = nan must
                # still happen). Behind a dead ReLU, a whole neuron costs nothing backwards.
                if g != 0.0 or not -_INF < node._data < _INF:
                    op.vjp(g, parents)
            else:
                for parent, c in zip(
                    parents, op.grads(g, node._data, *[p._data for p in parents]), strict=True
                ):
                    parent.grad += c


def _backward_batched_node(node: Value, g: NDArray[np.float64]) -> None:
    """One node's step in batched mode, where ``g`` holds one gradient per sample.

    A parent holding one number per sample gets each sample's contribution. A parameter (one number
    shared by every sample) gets their sum. A unary or binary op's rule runs on the whole batch. The
    fused ops (weighted sums, linear in each input) have many edges alike, done together: a
    matrix-vector product for the parameters (``sum_i g_i x_i``), an outer product for batch parents
    whose local derivative is one number, so NumPy's per-call cost is paid per node rather than per edge.
    """
    op: Op = node._op  # type: ignore[assignment]
    numbers = [p._data for p in node._parents]
    if op.vjp is None:
        for parent, contribution in zip(node._parents, op.grads(g, node._data, *numbers), strict=True):
            _add(parent, contribution)
        return
    shared: list[Value] = []  # parameters with a local derivative per sample: sum_i g_i d_i
    shared_d = []
    scaled: list[Value] = []  # batch parents with one local derivative d: g * d
    scaled_d = []
    for parent, d in zip(node._parents, op.local(node._data, *numbers), strict=True):
        if type(parent._data) is float:
            if type(d) is float:
                parent.grad += d * float(np.sum(g))
            else:
                shared.append(parent)
                shared_d.append(d)
        elif type(d) is float:
            scaled.append(parent)
            scaled_d.append(d)
        else:
            _add(parent, g * d)
    if len(shared) > 1:
        for parent, total in zip(shared, (np.array(shared_d) @ g).tolist(), strict=True):
            parent.grad += total
    elif shared:
        shared[0].grad += float(np.dot(shared_d[0], g))
    if len(scaled) > 1:
        for parent, row in zip(scaled, np.multiply.outer(scaled_d, g), strict=True):
            _add(parent, row)
    elif scaled:
        _add(scaled[0], g if scaled_d[0] == 1.0 else g * scaled_d[0])


def topological_order(root: Value) -> list[Value]:
    """Every Value ``root`` depends on, each after all of its parents, ``root`` last.

    Iterative depth-first search (no recursion, so a graph a million nodes deep is fine). The search
    keeps a small tuple per node on its stack; Python's cyclic garbage collector would walk them again
    and again on a deep graph, for nothing (they hold no cycles), so it is paused while the search runs.

    Examples:
        >>> a = Value(1.0, label="a")
        >>> b = a + 1
        >>> [v.label or v.op for v in topological_order(b * a)]
        ['a', '', '+', '*']
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order takes a Value, got {type(root).__qualname__}")
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _depth_first(root)
    finally:
        if was_enabled:
            gc.enable()


def _depth_first(root: Value) -> list[Value]:
    order: list[Value] = []
    seen = {root}
    stack = [(root, iter(root._parents))]
    while stack:
        node, parents = stack[-1]
        for p in parents:  # resume this node's parents where we left off
            if p not in seen:
                seen.add(p)
                ps = p._parents
                # A leaf can follow at once, and so can a node whose parents are all placed: a neuron's
                # many inputs mostly are (its neighbours read the same ones), checked in C in one go.
                if not ps or (len(ps) > 2 and seen.issuperset(ps)):
                    order.append(p)
                else:
                    stack.append((p, iter(ps)))
                    break
        else:  # all parents placed: the node can follow them
            stack.pop()
            order.append(node)
    return order


def _number(data: Any) -> Any:
    """A Value's data: a float, or (batched mode) a 1-D float64 array with one number per sample."""
    if isinstance(data, np.ndarray) and data.ndim == 1 and data.dtype.kind in "biuf":
        return data.astype(np.float64)  # a copy: the Value owns its numbers
    if isinstance(data, np.ndarray):
        raise TypeError(
            f"Value() takes a real number or a 1-D array of them (a batch), "
            f"got an array of shape {data.shape} and dtype {data.dtype}"
        )
    if isinstance(data, Value) or not isinstance(data, numbers.Real):
        raise TypeError(
            f"Value() takes a real number (int, float or a NumPy real scalar), "
            f"got {type(data).__module__}.{type(data).__qualname__}"
        )
    return float(data)


# -------------------------------------------------------------------- building nodes
def _node(op: Op, parents: tuple[Value, ...], data: float) -> Value:
    mode = this_thread.mode
    out = _new_value(Value)
    out._data = data
    out.grad = 0.0
    out.label = ""
    out._scope = mode.scope
    if mode.recording:
        out._parents = parents
        out._op = op
    else:
        out._parents = ()
        out._op = None
    if mode.checker is not None:
        mode.checker.made(out, op, parents)
    return out


_new_value = object.__new__


def _unary(op: Op, x: Value) -> Value:
    return _node(op, (x,), op.value(x._data))


def _read(parents: tuple[Any, ...], what: str) -> tuple[tuple[Value, ...], list[Any]]:
    """The inputs of an n-ary op as Values (plain numbers become constants), and their numbers: all
    checked in the same pass that reads them."""
    data = [p._data for p in parents if type(p) is Value]
    if len(data) != len(parents):
        parents = _as_values(parents, what)
        data = [p._data for p in parents]
    return parents, data


def _binary(op: Op, a: Any, b: Any) -> Value:
    if type(a) is not Value:
        a = _constant(a)
    if type(b) is not Value:
        b = _constant(b)
    if a is None or b is None:
        return NotImplemented  # type: ignore[no-any-return]
    return _node(op, (a, b), op.value(a._data, b._data))


def _constant(x: Any) -> Value | None:
    """A plain number (or a batch of them) taking part in an op becomes a leaf node (None if it is no
    number)."""
    if type(x) is float or type(x) is int:
        return _node(None, (), float(x))  # type: ignore[arg-type]
    if isinstance(x, Value):
        return x
    if isinstance(x, numbers.Real) or (isinstance(x, np.ndarray) and x.ndim == 1):
        return Value(x)  # type: ignore[arg-type]
    return None


def _items(xs: Any, what: str) -> tuple[Any, ...]:
    """The items of an iterable argument, or a TypeError that names the caller."""
    if type(xs) is list or type(xs) is tuple:
        return tuple(xs)
    if isinstance(xs, Value) or not isinstance(xs, Iterable):
        raise TypeError(f"{what} takes a sequence of Values or numbers, got {type(xs).__qualname__}")
    return tuple(xs)


def _is_real_number(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, Value)


def _as_values(xs: Iterable[Any], what: str) -> tuple[Value, ...]:
    out = []
    for x in xs:
        v = _constant(x)
        if v is None:
            raise TypeError(f"{what} takes Values or real numbers, got {type(x).__qualname__}")
        out.append(v)
    return tuple(out)


def sum(values: Iterable[Value | float]) -> Value:  # noqa: A001 - mirrors builtins.sum
    """The sum of many Values as one graph node (``builtins.sum`` would make n - 1 nodes).

    Examples:
        >>> import autograd
        >>> xs = [Value(1.0), Value(2.0), 3.0]
        >>> s = autograd.sum(xs)
        >>> s.backward()
        >>> s.data, [x.grad for x in xs[:2]]
        (6.0, [1.0, 1.0])
    """
    parents, data = _read(_items(values, "autograd.sum"), "autograd.sum")
    if not parents:
        return Value(0.0)
    return _node(ops.SUM, parents, ops.SUM.value(data))


def dot(ws: Iterable[Value | float], xs: Iterable[Value | float], bias: Value | float | None = None) -> Value:
    """``w_1*x_1 + ... + w_n*x_n`` (``+ bias`` if given) as one graph node: a neuron's weighted sum.

    ``xs`` may be a ``Row``: inputs checked and read once, for all the neurons of a layer.

    Examples:
        >>> import autograd
        >>> w, b = [Value(2.0), Value(-1.0)], Value(0.5)
        >>> y = autograd.dot(w, [3.0, 4.0], b)
        >>> y.backward()
        >>> y.data, [wi.grad for wi in w], b.grad
        (2.5, [3.0, 4.0], 1.0)
    """
    x = xs if type(xs) is Row else Row(_items(xs, "autograd.dot"), "autograd.dot")
    weights = _items(ws, "autograd.dot")
    params, data = _read(weights if bias is None else (*weights, bias), "autograd.dot")
    n = len(data) - (bias is not None)
    if n != len(x):
        raise ValueError(f"autograd.dot needs two sequences of one length, got {n} and {len(x)}")
    if bias is not None:  # inputs w_1..w_n, b, x_1..x_n: the neuron's parameters, then what it reads
        b = data.pop()
        return _node(ops.AFFINE, params + x, ops.AFFINE.value(data, x.numbers, b))
    if not n:
        return Value(0.0)
    return _node(ops.DOT, params + x, ops.DOT.value(data, x.numbers))


class Row(tuple):  # type: ignore[type-arg]
    """Values with their numbers, checked and read once: the inputs that the neurons of a layer share.

    ``autograd.dot`` reads its inputs through a Row. A layer makes one Row and hands it to each of its
    neurons, so that an input is checked and read once per layer rather than once per neuron. The
    numbers are read when the Row is made: make it just before the dot products that use it. In
    batched mode they are stacked into one matrix, so each neuron's sum is one matrix product.
    ``Row(xs)`` takes Values or real numbers (a number becomes a constant leaf Value).

    Examples:
        >>> import autograd
        >>> x = Row([Value(1.0), 2.0])      # two inputs, read once
        >>> x.numbers
        [1.0, 2.0]
        >>> [autograd.dot([Value(w), Value(1.0)], x).data for w in (1.0, -1.0)]  # two neurons
        [3.0, 1.0]
    """

    numbers: Any  # each Value's data, read when the Row was made: a list, or a matrix for a batch

    def __new__(cls, xs: Iterable[Value | float], what: str = "Row") -> Row:
        """``xs`` as a Row; ``what`` names the caller in the TypeError for an input of another kind."""
        values, numbers = _read(tuple(xs), what)
        row = super().__new__(cls, values)
        row.numbers = numbers
        if numbers and type(numbers[0]) is np.ndarray:  # a batch: one matrix for every neuron's product
            with contextlib.suppress(ValueError):  # unless numbers and batches are mixed
                row.numbers = np.array(numbers)
        return row


# -------------------------------------------------------------------- modes
class no_grad:  # noqa: N801 - named like torch.no_grad
    """Build no graph inside: results are plain leaf Values (for inference and parameter updates).

    Works as a context manager and as a decorator. As PyTorch's, it switches recording off for this
    thread only: another thread that builds graphs meanwhile is not affected.

    Examples:
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     y = x * 3
        >>> y.is_leaf
        True
    """

    def __enter__(self) -> None:
        mode = this_thread.mode
        mode.saved.append(mode.recording)
        mode.recording = False

    def __exit__(self, *exc: object) -> None:
        mode = this_thread.mode
        mode.recording = mode.saved.pop()

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with no_grad():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class scope:  # noqa: N801 - a context manager, like no_grad
    """Name the part of the graph built inside, so that pictures can group it (``nn`` modules use it).

    Scopes nest; each Value remembers the innermost scope it was built in. A scope costs the engine
    one reference per node, and nothing else. The current scope is per thread, as ``no_grad`` is. A
    scope entered again while it is on (a module that calls itself) keeps its place in the tree.

    Examples:
        >>> x = Value(1.0)
        >>> with scope("layer 1") as outer:
        ...     with scope("neuron 0"):
        ...         y = (x * 2).tanh()
        >>> y.scope.name, y.scope.parent is outer, x.scope
        ('neuron 0', True, None)
    """

    __slots__ = ("name", "parent")

    def __init__(self, name: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"scope name must be a str, got {type(name).__qualname__}")
        self.name = name
        self.parent: scope | None = None

    def __enter__(self) -> scope:
        mode = this_thread.mode
        if self.parent is not mode.scope:  # (entered where it was before: nothing to change)
            inner = mode.scope
            while inner is not None and inner is not self:
                inner = inner.parent
            if inner is None:  # not entered again from inside itself (that keeps its place in the tree)
                self.parent = mode.scope
        mode.saved.append(mode.scope)
        mode.scope = self
        return self

    def __exit__(self, *exc: object) -> None:
        mode = this_thread.mode
        mode.scope = mode.saved.pop()

    def path(self) -> list[scope]:
        """This scope and its enclosing scopes, outermost first."""
        chain: list[scope] = []
        node: scope | None = self
        while node is not None and node not in chain:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def __repr__(self) -> str:
        return f"scope({' / '.join(s.name for s in self.path())!r})"


def is_grad_enabled() -> bool:
    """Whether operations are being recorded (False inside ``no_grad``).

    Examples:
        >>> with no_grad():
        ...     is_grad_enabled()
        False
    """
    return this_thread.mode.recording


__all__ = ["Row", "Value", "dot", "is_grad_enabled", "no_grad", "scope", "sum", "topological_order"]
