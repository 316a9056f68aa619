"""The engine: ``Value`` records every operation into a graph, and ``backward()`` walks it backwards.

A ``Value`` is a node of the computation graph: a number (``data``), the gradient of the last
``backward()`` root with respect to it (``grad``), the ``Op`` that made it and the Values it was made
from (its parents). Each operator below only says which ``Op`` to apply (see ``ops.py`` for every
op's value and derivative, side by side); ``backward()`` then applies the chain rule in reverse
topological order:

    grad(parent) += grad(node) * d node / d parent      for every edge, children before parents

Forward mode (``forward_pass`` over a graph, or ``autograd.jvp`` as each Value is made) applies the
same local derivatives the other way, parents before children:

    tangent(node) = sum of d node / d parent * tangent(parent)      over the node's parents

Examples:
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b + a            # c = a*b + a
    >>> c.backward()
    >>> a.grad, b.grad           # dc/da = b + 1, dc/db = a
    (-2.0, 2.0)
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import gc
import itertools
import numbers
import operator
import threading
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from autograd import ops
from autograd.batch import Number, is_batch
from autograd.ops import Op

F = TypeVar("F", bound=Callable[..., Any])


class Watcher(Protocol):
    """What ``detect_anomaly`` and forward mode (``autograd.jvp``) plug into the engine: a look at
    each new node, and at what each node of a backward pass sends to its parents."""

    def made(self, out: Value, op: Op | None, parents: tuple[Value, ...]) -> None:
        """Called for every Value an op makes (recorded or not: under ``no_grad`` too), and for every
        plain number that becomes a constant (``op`` None, no parents)."""

    def sent(self, node: Value, g: Any, contributions: tuple[Any, ...]) -> None:
        """Called for every step of a backward pass, before ``contributions`` reach the parents."""


class _Mode:
    """The engine's switches for one thread, as PyTorch's grad mode is per thread: each thread has its
    own (``this_thread.mode``), so nothing one thread switches is seen by another, and a new thread
    starts with the defaults. A switch saves what it replaces on ``saved`` and restores it on exit."""

    __slots__ = ("backward", "recording", "saved", "scope", "watchers")

    def __init__(self) -> None:
        self.recording = True  # False inside ``no_grad``
        self.scope: scope | None = None  # the innermost ``scope`` being recorded, for pictures
        self.watchers: tuple[Watcher, ...] = ()  # detect_anomaly's and each jvp's, outermost first
        self.backward = False  # True while a rule's arithmetic is being recorded (create_graph)
        self.saved: list[Any] = []  # what each switch on replaced, innermost last


class _ThisThread(threading.local):
    """``this_thread.mode`` is the calling thread's ``_Mode``, made on its first use."""

    def __init__(self) -> None:
        self.mode = _Mode()


this_thread = _ThisThread()

# The hooks of the Values that have some (``register_hook``): few Values have any, so they are kept
# here rather than in a slot of every Value; a Value's hooks go when the Value does.
_HOOKS: weakref.WeakKeyDictionary[Value, dict[int, Callable[[Any], Any]]] = weakref.WeakKeyDictionary()


class Value:
    """One scalar in a computation graph: its ``data``, its ``grad``, and how it was made.

    Args:
        data: a real number (``int``, ``float``, ``bool``, a NumPy real scalar, ``Fraction``...), stored
            as a float; or, in batched mode, a 1-D array of them (one per sample). Setting ``.data``
            later takes the same (``w.data -= np.float64(0.1) * w.grad`` is fine) and checks it.
        label: an optional name, shown by ``repr`` and in graph pictures.
        requires_grad: False for a number that is not to be differentiated (an input, a constant):
            the backward pass gives it no gradient, and nothing computed from it alone is recorded.

    Examples:
        >>> x = Value(3.0, label="x")
        >>> y = x**2 + 1
        >>> y.backward()
        >>> y, x.grad
        (Value(data=10.0, grad=1.0), 6.0)
    """

    __slots__ = ("__weakref__", "_data", "_fn", "_parents", "_scope", "grad", "label")
    __array_ufunc__ = None  # numpy scalars defer to us: np.float64(2) * v is a Value, not an array

    _data: Number  # what .data reads, checked when set
    grad: Any  # a Number; a Value instead after backward(create_graph=True)
    label: str
    _parents: tuple[Value, ...]
    _fn: Op | None  # the op that made it (None for a leaf)
    _scope: scope | None

    def __init__(
        self, data: float | int | NDArray[Any], label: str = "", *, requires_grad: bool = True
    ) -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__qualname__}")
        if not isinstance(requires_grad, bool):
            raise TypeError(f"Value requires_grad must be True or False, got {requires_grad!r}")
        self._data = _number(data)
        self.grad = 0.0
        self.label = label
        self._parents = ()
        self._fn = None
        self._scope = this_thread.mode.scope
        if not requires_grad:
            self.__class__ = Constant

    @property
    def data(self) -> Number:
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
        self._data = data if type(data) is float else _number(data)  # (a float: every SGD update)

    # ---------------------------------------------------------------- graph structure
    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this one was computed from (empty for a leaf)."""
        return self._parents

    @property
    def op(self) -> str:
        """The name of the operation that made this Value (``""`` for a leaf).

        Examples:
            >>> (Value(2.0) * 3).op, Value(2.0).op
            ('*', '')
        """
        return self._fn.name if self._parents else ""  # type: ignore[union-attr]

    @property
    def scope(self) -> scope | None:
        """The innermost ``autograd.scope`` this Value was built in (None outside any)."""
        return self._scope

    @property
    def is_leaf(self) -> bool:
        """True for a Value made by the user (or under ``no_grad``): its grad accumulates."""
        return not self._parents

    @property
    def requires_grad(self) -> bool:
        """Whether the backward pass computes a gradient for this Value.

        True for the Values you make (unless made with ``requires_grad=False``) and for every result
        that depends on one of them; False for the plain numbers in an expression, for ``detach()``,
        and for results computed under ``no_grad`` or from such Values only, as in PyTorch. It may be
        set on a leaf.

        Examples:
            >>> x = Value(2.0)
            >>> y = x * 3                      # the 3 becomes a constant
            >>> y.requires_grad, y.parents[1].requires_grad
            (True, False)
        """
        return type(self) is not Constant

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if not isinstance(flag, bool):
            raise TypeError(f"requires_grad must be True or False, got {flag!r}")
        if self._parents:
            if flag:
                return
            raise ValueError(
                "requires_grad can be switched off only on a leaf; for a Value computed from others, "
                "use detach() to get one that needs no gradient"
            )
        if flag and type(self) is Constant:
            self.__class__ = Value  # type: ignore[assignment]
            self.grad = 0.0
        elif not flag:
            self.__class__ = Constant

    def detach(self) -> Value:
        """A new leaf with this Value's number that needs no gradient: the graph stops here.

        Examples:
            >>> x = Value(3.0)
            >>> y = x * x.detach()             # the second factor is treated as a constant
            >>> y.backward()
            >>> x.grad
            3.0
        """
        data = self._data
        return Value(data.copy() if is_batch(data) else data, self.label, requires_grad=False)  # type: ignore[union-attr]

    def register_hook(self, hook: Callable[[Any], Any]) -> RemovableHandle:
        """Call ``hook(grad)`` when a backward pass has completed this Value's gradient.

        The hook gets the gradient of this pass (d root / d self: a float, an array in batched mode, a
        Value under ``create_graph``), before a leaf adds it to its ``.grad`` and before an interior
        node passes it on. It may return a replacement, which is then used instead (to clip or scale
        it), or None to keep it (to print or record it). As PyTorch's ``Tensor.register_hook``.

        Returns:
            A handle whose ``remove()`` takes the hook off again.

        Raises:
            TypeError: ``hook`` is not callable.
            ValueError: this Value needs no gradient.

        Examples:
            >>> x = Value(2.0)
            >>> y = x * x
            >>> handle = y.register_hook(lambda g: g * 10)   # scale what flows through y
            >>> y.backward()
            >>> x.grad
            40.0
            >>> handle.remove()
        """
        if not callable(hook):
            raise TypeError(f"register_hook takes a function of the gradient, got {type(hook).__qualname__}")
        if type(self) is Constant:
            raise ValueError("register_hook: this Value needs no gradient (requires_grad is False)")
        return RemovableHandle(self, hook)

    # ------------------------------------------------------ micrograd's names, for code written for it
    @property
    def _prev(self) -> set[Value]:
        """micrograd's name for the parents, as a set (``parents`` keeps their order)."""
        return set(self._parents)

    @property
    def _op(self) -> str:
        """micrograd's name for ``op``: the symbol of the operation that made this Value."""
        return self.op

    def _backward(self) -> None:
        """One node's step of the chain rule, as micrograd's: add this node's ``grad`` times each local
        derivative into its parents' grads (``backward()`` runs these steps for every node, in order).

        Examples:
            >>> a, b = Value(2.0), Value(-3.0)
            >>> c = a * b
            >>> c.grad = 1.0
            >>> c._backward()
            >>> a.grad, b.grad
            (-3.0, 2.0)
        """
        if self._parents:
            sent = _send(self, self.grad, False)
            for parent, contribution in self._fn.in_order(self._parents, sent):  # type: ignore[union-attr]
                parent.grad = _plus(parent, parent.grad, contribution)

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
        data: Any = self._data
        return len(data) if is_batch(data) else None

    # ---------------------------------------------------------------- the backward pass
    def backward(self, grad: float = 1.0, *, create_graph: bool = False) -> None:
        """Fill in ``.grad`` of every Value this one depends on, by the chain rule.

        Interior nodes get d self / d node of this pass; leaves (the Values you made) add it to what
        they had, as in PyTorch, so zero them between steps (``nn.Module.zero_grad()``). Values that
        need no gradient (``requires_grad`` False: the plain numbers in an expression, ``detach()``)
        get none, and the hooks of ``register_hook`` run as each gradient is completed.

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


class Constant(Value):
    """A Value that needs no gradient: a plain number in an expression, a Value made with
    ``requires_grad=False``, ``detach()``, or a result computed under ``no_grad`` or from constants
    only (which is not recorded). Its ``grad`` is always 0: whatever the chain rule sends it is
    dropped, so the backward pass treats it as any other parent, and computes nothing for it where
    that costs (in batched mode).

    Examples:
        >>> c = Value(2.0, requires_grad=False)
        >>> type(c).__name__, c.requires_grad
        ('Constant', False)
        >>> c.grad += 5.0
        >>> c.grad
        0.0
    """

    __slots__ = ()

    @property
    def grad(self) -> float:
        """Always 0: a constant has no gradient."""
        return 0.0

    @grad.setter
    def grad(self, g: Any) -> None:
        pass


class RemovableHandle:
    """What ``register_hook`` returns: ``remove()`` takes the hook off again (a second call does nothing).

    Examples:
        >>> x = Value(1.0)
        >>> handle = x.register_hook(print)
        >>> handle.remove()
        >>> (x * 2).backward()     # prints nothing
    """

    __slots__ = ("_key", "_node")

    def __init__(self, node: Value, hook: Callable[[Any], Any]) -> None:
        self._node = weakref.ref(node)
        hooks = _HOOKS.setdefault(node, {})
        self._key = max(hooks, default=-1) + 1  # hooks run in the order they were registered
        hooks[self._key] = hook

    def remove(self) -> None:
        """Take the hook off its Value."""
        node = self._node()
        if node is not None and node in _HOOKS:
            hooks = _HOOKS[node]
            hooks.pop(self._key, None)
            if not hooks:
                del _HOOKS[node]


# -------------------------------------------------------------------- the chain rule
def _backward(root: Value, grad: Any, create_graph: bool) -> list[Value]:
    """``root.backward(grad)``, leaving every gradient of a recorded pass a Value; returns the order."""
    if is_batch(root._data):
        raise ValueError(
            "backward() needs a single number; this Value holds a batch: reduce it first, "
            "for example loss.batch_mean().backward()"
        )
    if isinstance(grad, Value) or not isinstance(grad, numbers.Real):
        raise TypeError(f"backward: grad must be a real number, got {type(grad).__qualname__}")
    if type(root) is Constant:
        raise ValueError(
            "backward: this Value needs no gradient (requires_grad is False): it depends on no Value "
            "that does, or was computed under no_grad"
        )
    order = topological_order(root)
    if create_graph or _HOOKS or this_thread.mode.watchers:
        for node, g, _ in chain_rule(order, float(grad), create_graph=create_graph):
            # Interior grads hold this pass only; leaves add it to what they had (constants drop it).
            node.grad = g if node._parents else _plus(node, node.grad, g)
    else:
        for node in order:
            if node._parents:
                node.grad = 0.0
        root.grad += float(grad)
        _backward_numbers(order)
    return order


def chain_rule(
    order: list[Value], seed: Any = 1.0, *, create_graph: bool = False
) -> Iterator[tuple[Value, Any, tuple[Any, ...] | None]]:
    """The backward pass over ``order`` (from ``topological_order``), children before parents, on the
    side: the one loop that ``backward()``, ``explain``, ``backward_steps`` and ``detect_anomaly`` run.

    It yields every node with its completed gradient d root / d node (after the node's hooks) and what
    it sends to each of its parents: ``vjp(g, out, *inputs)`` of the op that made it (None for a leaf).
    A parent's gradient is the sum of what it receives; a parent that needs no gradient receives
    nothing. No ``.grad`` is touched: the caller decides what to do with the gradients.

    Args:
        order: the nodes, each after its parents, the root last.
        seed: d root / d root.
        create_graph: run the rules on the Values themselves, recording their arithmetic, so that the
            gradients are Values that can be differentiated again; else on their numbers.

    Examples:
        >>> x = Value(3.0, label="x")
        >>> [(n.label or n.op, g, sent) for n, g, sent in chain_rule(topological_order(x * x))]
        [('*', 1.0, (3.0, 3.0)), ('x', 6.0, None)]
    """
    watchers = this_thread.mode.watchers
    grads: dict[Value, Any] = {order[-1]: seed} if order else {}
    for node in reversed(order):
        g = grads.pop(node, 0.0)
        hooks = _HOOKS.get(node)
        if hooks:
            for hook in list(hooks.values()):
                replaced = hook(g)
                g = g if replaced is None else _hooked(replaced)
        if not node._parents:
            yield node, g, None
            continue
        sent = _send(node, g, create_graph)
        for watcher in watchers:
            watcher.sent(node, g, sent)
        for parent, contribution in node._fn.in_order(node._parents, sent):  # type: ignore[union-attr]
            if type(parent) is not Constant:
                grads[parent] = _plus(parent, grads.get(parent, 0.0), contribution)
        yield node, g, sent


def forward_pass(order: list[Value], seeds: dict[Value, Any]) -> Iterator[tuple[Value, Any]]:
    """Forward mode over ``order`` (from ``topological_order``), parents before children: each node
    with the tangent it carries, d node along the ``seeds`` (the tangents of some of its leaves or
    inputs), or None where it depends on none of them. The mirror of ``chain_rule``: what ``explain``
    and the pictures show of a forward pass; ``autograd.jvp`` takes the same step at each node as
    the node is made.

    Examples:
        >>> x, y = Value(3.0, label="x"), Value(2.0, label="y")
        >>> [(n.label or n.op, t) for n, t in forward_pass(topological_order(x * y + x), {x: 1.0})]
        [('x', 1.0), ('y', None), ('*', 2.0), ('+', 3.0)]
    """
    carried = dict(seeds)
    for node in order:
        if node._parents and node not in carried:
            t = tangent(node._fn, node, node._parents, [carried.get(p) for p in node._parents])  # type: ignore[arg-type]
            if t is not None:
                carried[node] = t
        yield node, carried.get(node)


def _send(node: Value, g: Any, create_graph: bool) -> tuple[Any, ...]:
    """What ``node`` sends each parent: its op's rule, on the Values (create_graph) or their numbers."""
    mode = this_thread.mode
    was = mode.backward
    mode.backward = was or create_graph  # (create_graph: the nodes made are the backward pass's)
    try:
        fn: Op = node._fn  # type: ignore[assignment]
        return _rule(fn, fn.vjp, g, node, node._parents, create_graph)  # type: ignore[no-any-return]
    finally:
        mode.backward = was


def tangent(
    op: Op, out: Value, parents: tuple[Value, ...], carried: list[Any], create_graph: bool = False
) -> Any:
    """Forward mode's step: the tangent of ``out``, made by ``op`` from ``parents``, from theirs
    (``carried``, None for a parent that carries none), by the op's rule (``Op.tangent``): on the
    Values (create_graph: the arithmetic is recorded) or on their numbers. None when no parent
    carries a tangent.

    Examples:
        >>> from autograd import ops
        >>> x, y = Value(2.0), Value(3.0)
        >>> tangent(ops.MUL, x * y, (x, y), [1.0, None])    # d(x*y)/dx along dx = 1
        3.0
    """
    return _rule(op, op.tangent, carried, out, parents, create_graph)


def _rule(
    op: Op, rule: Callable[..., Any], first: Any, out: Value, parents: tuple[Value, ...], create_graph: bool
) -> Any:
    """``rule(first, out, *inputs)``, one of ``op``'s rules (``vjp`` or ``tangent``), on the Values
    (create_graph: its arithmetic is recorded) or on their numbers; a rule that cannot run on them
    is named."""
    try:
        if create_graph:
            return rule(first, out, *parents)
        return rule(first, out._data, *[p._data for p in parents])
    except (TypeError, AttributeError, ValueError) as e:  # (ValueError: `if` on an array)
        on = "Values (create_graph)" if create_graph else "arrays (batched mode)"
        if not create_graph and not is_batch(out._data):
            raise
        raise TypeError(
            f"the derivative rule of op {op.name!r} cannot run on {on}: it raised {type(e).__name__} "
            "(above). Write it with arithmetic, abs, ** and autograd.ops' exp, log ... rather than math "
            "functions or branches"
        ) from e


def _plus(parent: Value, total: Any, contribution: Any) -> Any:
    """``total + contribution``: a parent's gradient so far plus what one child sends it.

    Never in place (arrays may be shared between gradients); a plain zero added to a Value, or a
    Value to a plain zero, records nothing."""
    contribution = received(parent, contribution)
    if type(total) is float and type(contribution) is float:
        return total + contribution
    if type(contribution) is float and contribution == 0.0:
        return total
    return contribution if type(total) is float and total == 0.0 else total + contribution


def received(parent: Value, contribution: Any) -> Any:
    """What ``parent`` receives of a contribution: a parameter (one number shared by every sample)
    receives the sum of a batch of contributions, one per sample; any other parent all of it.

    Examples:
        >>> import numpy as np
        >>> received(Value(1.0), np.array([0.5, 0.25]))
        0.75
    """
    if not is_batch(parent._data):
        if is_batch(contribution):
            return float(np.sum(contribution))
        if type(contribution) is Value and is_batch(contribution._data):
            return contribution.batch_sum()
    return contribution


def _hooked(g: Any) -> Any:
    """A hook's replacement gradient, checked: a number (or a batch, a Value) of the gradient's kind."""
    if isinstance(g, Value) or is_batch(g):
        return g
    if isinstance(g, numbers.Real):
        return float(g)
    raise TypeError(f"a gradient hook must return a number or None, got {type(g).__qualname__}")


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


def _backward_numbers(order: list[Value]) -> None:
    """``chain_rule`` specialised for the common case, on the ``.grad`` of the nodes themselves: no
    hooks, no checker, nothing recorded. Spelled out for one and two parents (most nodes), with the
    fused ops' in-place vjp, for speed; a test checks that it computes what ``chain_rule`` does.
    Batched mode's steps go to ``_Layers``, made at the first, which takes a layer's sums together."""
    layers = None
    try:
        for node in reversed(order):
            parents = node._parents
            if not parents:  # a leaf: nothing to send
                continue
            g: Any = node.grad
            if type(g) is not float or type(node._data) is not float:  # batched mode: one per sample
                if layers is None:
                    layers = _Layers()
                layers.step(node)
            elif len(parents) == 2:
                a, b = parents
                ga, gb = node._fn.vjp(g, node._data, a._data, b._data)  # type: ignore[union-attr]
                if type(a) is not Constant:  # (a constant would drop it: not asking costs less)
                    a.grad += ga
                if type(b) is not Constant:
                    b.grad += gb
            elif len(parents) == 1:
                a = parents[0]
                a.grad += node._fn.vjp(g, node._data, a._data)[0]  # type: ignore[union-attr]
            else:
                fn: Op = node._fn  # type: ignore[assignment]
                if fn.into is not None:  # a fused op: the same rule as one loop (see ops.Op)
                    # (sends_nothing needs g == 0: behind a live unit the test costs no call)
                    if g != 0.0 or not ops.sends_nothing(g, node._data):
                        fn.into(g, parents)
                else:
                    sent = fn.vjp(g, node._data, *[p._data for p in parents])
                    for parent, c in zip(parents, sent, strict=True):
                        parent.grad += c
        if layers is not None:
            layers.finish()
    finally:
        if layers is not None:
            layers.unmark()  # (after an error: no gradient is left marked)


class _Waiting:
    """The gradient of an input that a held-back layer (``_Layers``) has yet to send to, while it is a
    plain number: what it ``had``, to which other children's contributions still add. Not a float, so
    that the pass brings the input to ``_Layers.step``, which sends first."""

    __slots__ = ("had", "node")

    def __init__(self, node: Value) -> None:
        self.node, self.had = node, node.grad

    def __add__(self, contribution: Any) -> _Waiting:
        self.had = _plus(self.node, self.had, contribution)
        return self


class _Layer:
    """The weighted sums held back by ``_Layers`` that read the same inputs ``xs``: their op, the inputs'
    numbers (a matrix ``X``, one row per input), which inputs need a gradient, and each sum (``sums``)
    with its gradient (``grads``)."""

    __slots__ = ("X", "fn", "grads", "needs", "sums", "xs")

    def __init__(self, fn: Op, xs: tuple[Value, ...], X: NDArray[np.float64]) -> None:
        self.fn, self.xs, self.X = fn, xs, X
        self.needs = [i for i, x in enumerate(xs) if type(x) is not Constant]
        self.sums: list[Value] = []
        self.grads: list[NDArray[np.float64]] = []


_parents_of = operator.attrgetter("_parents")
_data_of = operator.attrgetter("_data")


class _Layers:
    """Batched mode's backward steps, with the weighted sums (``dot``, ``w·x+b``) that read the same
    inputs, a layer's neurons, taken together: three matrix products per layer instead of a Python loop
    over each neuron's 2n+1 parents.

    With ``G`` the sums' gradients (k x B: k sums, B samples), ``X`` their inputs (n x B) and ``W`` their
    weights (k x n), the weights receive ``G @ X.T``, the biases ``G.sum(1)`` and the inputs ``W.T @ G``
    (only those that need a gradient: not the data). The same numbers as each node's own step, summed
    in another order (to about 1e-16).

    When the pass reaches a weighted sum whose inputs are batches and whose weights and bias are leaves,
    its step is held back in the group (``_Layer``) of the sums that read the very same inputs (the
    tuple of them is the key). A group is done before the pass reaches any of its inputs that is not a
    leaf (``watched``), and at the end. That is sound because:

    * a node's gradient is complete when the pass reaches it (every node that uses it came before), so
      holding its step back changes nothing but when its parents receive what it sends;
    * a leaf's own step sends nothing, so the leaves (weights, biases, the data) may receive it any time
      before the pass ends; the only interior parents of a held sum are its inputs, and each of them,
      reached, first completes the groups. (An input whose gradient is still a plain number would take
      the scalar branch, which does not look: it is marked ``_Waiting`` so that it comes here.)
    """

    __slots__ = ("layers", "watched")

    def __init__(self) -> None:
        self.layers: dict[tuple[Value, ...], _Layer] = {}  # by their inputs
        self.watched: set[Value] = set()  # their inputs that are not leaves

    def step(self, node: Value) -> None:
        """``node``'s step (its number or its gradient a batch, or marked ``_Waiting``): done now, or
        held back."""
        if node in self.watched:
            self.finish()  # what the held sums send it first
        g = node.grad
        if type(g) is float:  # a batch whose gradient is one number (0 from x**0): one per sample
            g = np.full(len(node._data), g)  # type: ignore[arg-type]
        fn: Op = node._fn  # type: ignore[assignment]
        parents = node._parents
        n = len(parents) // 2
        if (
            fn.into is ops.AFFINE.into  # a weighted sum (dot or w·x+b)
            and n
            and type(parents[0]._data) is float
            and not any(map(_parents_of, parents[:-n]))  # its weights and bias are leaves
        ):
            xs = parents[-n:]
            layer = self.layers.get(xs) or self._layer(fn, xs)
            if layer is not None and layer.fn is fn:
                layer.sums.append(node)
                layer.grads.append(g)
                return
        _backward_batched_node(node, g)

    def _layer(self, fn: Op, xs: tuple[Value, ...]) -> _Layer | None:
        """A new group for the sums that read ``xs`` (None unless they are batches of one size)."""
        try:
            X = np.array([x._data for x in xs], dtype=np.float64)
        except ValueError:  # a plain number among them, or batches of other sizes
            return None
        if X.ndim != 2:
            return None
        layer = self.layers[xs] = _Layer(fn, xs, X)
        for x in xs:
            if x._parents:
                self.watched.add(x)
                if type(x.grad) is float:
                    x.grad = _Waiting(x)
        return layer

    def finish(self) -> None:
        """Every held-back step, a group at a time."""
        self.unmark()
        for layer in self.layers.values():
            _layer_steps(layer)
        self.layers.clear()
        self.watched.clear()

    def unmark(self) -> None:
        """Give each input marked ``_Waiting`` its gradient back, as the number it is."""
        for x in self.watched:
            if type(x.grad) is _Waiting:
                x.grad = x.grad.had


def _layer_steps(layer: _Layer) -> None:
    """A group's steps: what its sums send their weights, biases and inputs."""
    n, sums = len(layer.xs), layer.sums
    cut = len(sums[0]._parents) - n  # the weights and bias of a sum
    params = list(itertools.chain.from_iterable([s._parents[:cut] for s in sums]))
    try:
        with np.errstate(all="ignore"):  # IEEE results (0 * inf = nan), no warnings, as elsewhere
            G = np.array(layer.grads, dtype=np.float64)
            W = np.fromiter(map(_data_of, params), np.float64, len(params)).reshape(len(sums), cut)
            D = np.empty_like(W)  # what each weight (and bias) receives
            D[:, :n] = G @ layer.X.T
            if cut > n:
                D[:, n] = G.sum(axis=1)
            dX = W[:, :n][:, layer.needs].T @ G if layer.needs else None
    except (ValueError, TypeError):  # a weight that is a batch, gradients of other sizes: one by one
        for s, g in zip(sums, layer.grads, strict=True):
            _backward_batched_node(s, g)
        return
    for p, d in zip(params, D.ravel().tolist(), strict=True):
        p.grad += d  # (a constant drops it)
    if dX is not None:
        for i, row in zip(layer.needs, dX, strict=True):
            x = layer.xs[i]
            x.grad = _plus(x, x.grad, row)


def _backward_batched_node(node: Value, g: NDArray[np.float64]) -> None:
    """One node's step in batched mode, where ``g`` holds one gradient per sample.

    A parent holding one number per sample gets each sample's contribution. A parameter (one number
    shared by every sample) gets their sum. A unary or binary op's rule runs on the whole batch. The
    fused ops (weighted sums, linear in each input) have many edges alike, done together: a
    matrix-vector product for the parameters (``sum_i g_i x_i``), an outer product for batch parents
    whose local derivative is one number, so NumPy's per-call cost is paid per node rather than per
    edge. A parent that needs no gradient (the inputs, in a model) is skipped altogether.
    """
    fn: Op = node._fn  # type: ignore[assignment]
    if fn.into is None:  # (the rule on the numbers: _send's, without its switch for create_graph)
        parents = node._parents
        for parent, contribution in zip(parents, _rule(fn, fn.vjp, g, node, parents, False), strict=True):
            if type(parent) is not Constant:
                parent.grad = _plus(parent, parent.grad, contribution)
        return
    shared: list[Value] = []  # parameters with a local derivative per sample: sum_i g_i d_i
    shared_d = []
    scaled: list[Value] = []  # batch parents with one local derivative d: g * d
    scaled_d = []
    for parent, d in zip(node._parents, fn.local(node._data, *[p._data for p in node._parents]), strict=True):
        if type(parent) is Constant:
            continue
        if not is_batch(parent._data):
            if type(d) is float:
                parent.grad += d * float(np.sum(g))
            else:
                shared.append(parent)
                shared_d.append(d)
        elif type(d) is float:
            scaled.append(parent)
            scaled_d.append(d)
        else:
            parent.grad = _plus(parent, parent.grad, g * d)
    if len(shared) > 1:
        for parent, total in zip(shared, (np.array(shared_d) @ g).tolist(), strict=True):
            parent.grad += total
    elif shared:
        shared[0].grad += float(np.dot(shared_d[0], g))
    if len(scaled) > 1:
        for parent, row in zip(scaled, np.multiply.outer(scaled_d, g), strict=True):
            parent.grad = _plus(parent, parent.grad, row)
    elif scaled:
        parent = scaled[0]
        parent.grad = _plus(parent, parent.grad, g if scaled_d[0] == 1.0 else g * scaled_d[0])


def topological_order(root: Value) -> list[Value]:
    """Every Value ``root`` depends on, each after all of its parents, ``root`` last.

    Iterative depth-first search (no recursion, so a graph a million nodes deep is fine). The search
    keeps an iterator per node on its stack; Python's cyclic garbage collector would walk them again
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
    nodes = [root]  # the path being searched, and where each node is in its parents (two stacks:
    parents = [iter(root._parents)]  # a pair per node would be one more object to make)
    while parents:
        for p in parents[-1]:  # resume this node's parents where we left off
            if p not in seen:
                seen.add(p)
                ps = p._parents
                # A leaf can follow at once, and so can a node whose parents are all placed: a neuron's
                # many inputs mostly are (its neighbours read the same ones), checked in C in one go.
                if not ps or (len(ps) > 2 and seen.issuperset(ps)):
                    order.append(p)
                else:
                    nodes.append(p)
                    parents.append(iter(ps))
                    break
        else:  # all parents placed: the node can follow them
            parents.pop()
            order.append(nodes.pop())
    return order


def _number(data: Any) -> Number:
    """A Value's data: a float, or (batched mode) a 1-D float64 array with one number per sample."""
    if type(data) is float:  # (most often: every parameter update, p.data -= lr * p.grad)
        return data
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
def _node(op: Op, parents: tuple[Value, ...], data: Number, needs: bool) -> Value:
    """A new Value made by ``op`` from ``parents``. It is recorded (its op and parents kept, for the
    backward pass) if recording is on and it ``needs`` a gradient (a parent does); else it is a
    constant."""
    mode = this_thread.mode
    if needs and mode.recording:
        out = _new_value(Value)
        out._parents = parents
        out._fn = op
        out.grad = 0.0
    else:
        out = _new_value(Constant)
        out._parents = ()
        out._fn = None
    out._data = data
    out.label = ""
    out._scope = mode.scope
    if mode.watchers:
        for watcher in mode.watchers:
            watcher.made(out, op, parents)
    return out


def _needs(parents: tuple[Value, ...]) -> bool:
    """Whether a node made from ``parents`` needs a gradient: whether one of them does."""
    for p in parents:  # noqa: SIM110 - a loop: any() on a generator costs more, on every node
        if type(p) is not Constant:
            return True
    return False


_new_value = object.__new__


def _unary(op: Op, x: Value) -> Value:
    return _node(op, (x,), op.value(x._data), type(x) is not Constant)


def apply(op: Op, inputs: Iterable[Any]) -> Value:
    """``op`` applied to Values or real numbers (a number is a constant): what calling an op does.

    Examples:
        >>> from autograd import ops
        >>> apply(ops.MUL, [Value(2.0), 3.0]).data
        6.0
    """
    parents, data = _read(tuple(inputs), f"op {op.name!r}")
    if op.arity is not None and len(parents) != op.arity:
        raise TypeError(f"op {op.name!r} takes {op.arity} input{'s' * (op.arity != 1)}, got {len(parents)}")
    return _node(op, parents, op.value(*data), _needs(parents))


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
    return _node(op, (a, b), op.value(a._data, b._data), type(a) is not Constant or type(b) is not Constant)


def _constant(x: Any) -> Value | None:
    """A plain number (or a batch of them) taking part in an op becomes a leaf node (None if it is no
    number)."""
    if type(x) is float or type(x) is int:
        return _node(None, (), float(x), False)  # type: ignore[arg-type]
    if isinstance(x, Value):
        return x
    if isinstance(x, numbers.Real) or (isinstance(x, np.ndarray) and x.ndim == 1):
        return _node(None, (), _number(x), False)  # type: ignore[arg-type]
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
    return _node(ops.SUM, parents, ops.SUM.value(data), type(parents[0]) is not Constant or _needs(parents))


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
    if ws is xs and bias is None:  # (a sum of squares, as l2_penalty's: the inputs read once)
        params, data = tuple(x), list(x.numbers)
    else:
        weights = _items(ws, "autograd.dot")
        params, data = _read(weights if bias is None else (*weights, bias), "autograd.dot")
    n = len(data) - (bias is not None)
    if n != len(x):
        raise ValueError(f"autograd.dot needs two sequences of one length, got {n} and {len(x)}")
    if bias is not None:  # inputs w_1..w_n, b, x_1..x_n: the neuron's parameters, then what it reads
        b = data.pop()
        parents = params + x  # (a neuron's first weight mostly needs a gradient: no call then)
        needs = type(params[0]) is not Constant or _needs(parents)
        return _node(ops.AFFINE, parents, ops.AFFINE.value(data, x.numbers, b), needs)
    if not n:
        return Value(0.0)
    parents = params + x
    return _node(
        ops.DOT, parents, ops.DOT.value(data, x.numbers), type(parents[0]) is not Constant or _needs(parents)
    )


def affine(
    weights: Iterable[Iterable[Value | float]],
    xs: Iterable[Value | float],
    biases: Iterable[Value | float],
    activation: Op | None = None,
    *,
    scopes: Iterable[scope] | None = None,
) -> list[Value]:
    """A layer of neurons reading the same inputs: ``activation(w_j · x + b_j)`` for each row ``w_j`` of
    ``weights``, as ``dot(weights[j], xs, biases[j])`` followed by the activation makes it.

    The graph is the same, one ``w·x+b`` node and one activation node per neuron; the inputs are read
    once for all the neurons (as a ``Row``), and each neuron costs a loop step rather than a few
    function calls. In batched mode the sums are one matrix product and the activations one call on
    it. ``nn.Layer`` computes its neurons with it.

    Args:
        weights: one row of ``len(xs)`` weights per neuron (Values or numbers).
        xs: the inputs, or a ``Row`` of them.
        biases: one bias per neuron.
        activation: a one-input op (``autograd.ops.RELU``, ``TANH`` ...) applied to each sum, or None.
        scopes: the ``autograd.scope`` of each neuron's two nodes (inside the current scope), for
            pictures; else they are in the current scope.

    Raises:
        TypeError: an input, weight or bias that is no Value or real number; an activation that is
            no one-input op.
        ValueError: a row of weights, or the biases or scopes, of the wrong length.

    Examples:
        >>> import autograd
        >>> from autograd import ops
        >>> W, b = [[Value(1.0), Value(-1.0)], [Value(2.0), Value(0.5)]], [Value(0.0), Value(-4.0)]
        >>> [y.data for y in autograd.affine(W, [3.0, 1.0], b, ops.RELU)]   # relu(2), relu(2.5)
        [2.0, 2.5]
    """
    x = xs if type(xs) is Row else Row(_items(xs, "autograd.affine"), "autograd.affine")
    rows, bs = _items(weights, "autograd.affine"), _items(biases, "autograd.affine")
    where = _items(scopes, "autograd.affine") if scopes is not None else (None,) * len(rows)
    if not len(rows) == len(bs) == len(where):
        raise ValueError(
            f"autograd.affine needs a bias (and a scope) per row of weights, got {len(rows)} rows, "
            f"{len(bs)} biases" + ("" if scopes is None else f" and {len(where)} scopes")
        )
    if activation is not None and (not isinstance(activation, Op) or activation.arity != 1):
        raise TypeError(f"autograd.affine: activation must be a one-input op or None, got {activation!r}")
    n = len(x)
    params, numbers = [], []  # each neuron's parameters w_1..w_n, b as Values, and their numbers
    for ws, b in zip(rows, bs, strict=True):
        row = ws if type(ws) is list else _items(ws, "autograd.affine")
        if len(row) != n:
            raise ValueError(f"autograd.affine needs {n} weights per row, one per input, got {len(row)}")
        values, data = _read((*row, b), "autograd.affine")
        params.append(values)
        numbers.append(data)
    Z = _sums(numbers, x.numbers)
    A = _activations(activation, Z)
    mode = this_thread.mode
    outer = mode.scope
    outs = []
    try:
        for p, z, a, where_j in zip(params, Z, A, where, strict=True):
            if where_j is not None:  # (what `with where_j:` does, without its calls)
                where_j._place(outer)
                mode.scope = where_j
            needs = type(p[0]) is not Constant or _needs(p + x)
            out = _node(ops.AFFINE, p + x, z, needs)
            if activation is not None:
                out = _node(activation, (out,), a, needs)
            outs.append(out)
    finally:
        mode.scope = outer
    return outs


def _sums(rows: list[list[Any]], X: Any) -> Any:
    """``w · x + b`` for each neuron's numbers ``w_1..w_n, b`` (a row of ``rows``) and the inputs' ``X``:
    a list, a neuron at a time; or in batched mode (``X`` a matrix, a row per input) one matrix
    product, a row per neuron."""
    if type(X) is np.ndarray and rows and len(rows[0]) > 1:
        with contextlib.suppress(ValueError):  # (a weight or a bias that is a batch: one at a time)
            W = np.array(rows, dtype=np.float64)
            if W.ndim == 2:
                with np.errstate(all="ignore"):  # IEEE results, no warnings, as elsewhere
                    return W[:, :-1] @ X + W[:, -1:]
    # (map stops at the shorter: w_1 x_1 + ... + w_n x_n, then + b; NumPy's broadcasting for batches)
    return [builtins.sum(map(operator.mul, r, X), r[-1]) for r in rows]


def _activations(activation: Op | None, Z: Any) -> Any:
    """The activation of each neuron's sum (None each, for no activation). On a matrix of sums (batched
    mode) it runs once, as every op runs on a batch, number by number; an op of one's own that takes
    only a float or a batch runs a row at a time."""
    if activation is None:
        return [None] * len(Z)
    if type(Z) is np.ndarray:
        with contextlib.suppress(TypeError):
            return activation.value(Z)
    return [activation.value(z) for z in Z]


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
        if numbers and is_batch(numbers[0]):  # a batch: one matrix for every neuron's product
            with contextlib.suppress(ValueError):  # unless numbers and batches are mixed
                row.numbers = np.array(numbers)
        return row


# -------------------------------------------------------------------- updates
def descend(params: Iterable[Value], lr: float) -> None:
    """``p.data -= lr * p.grad`` for every Value of ``params``: one step of gradient descent, micrograd's
    update loop (and ``nn.optim.SGD``'s plain step).

    The same numbers as that loop, each set as the ``data`` setter sets it; only a parameter holding a
    plain float with a float gradient (nearly always) skips the setter's two calls, which cost more
    than the update itself.

    Examples:
        >>> import autograd
        >>> w = Value(1.0)
        >>> (w * w).backward()
        >>> autograd.descend([w], lr=0.25)
        >>> w.data
        0.5
    """
    for p in params:
        data, g = p._data, p.grad
        if type(data) is float and type(g) is float:
            p._data = data - lr * g
        else:
            p.data = data - lr * g  # (checked: a batch, or a gradient that is a Value or an array)


# -------------------------------------------------------------------- modes
class _GradMode:
    """A switch of this thread's recording, on inside, restored after: as a context manager, and as a
    decorator (a function that runs inside). ``no_grad`` and ``enable_grad`` are its two positions."""

    recording: bool  # what recording is inside

    def __enter__(self) -> None:
        mode = this_thread.mode
        mode.saved.append(mode.recording)
        mode.recording = self.recording

    def __exit__(self, *exc: object) -> None:
        mode = this_thread.mode
        mode.recording = mode.saved.pop()

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradMode):  # noqa: N801 - named like torch.no_grad
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

    recording = False


class enable_grad(_GradMode):  # noqa: N801 - named like torch.enable_grad
    """Record the graph inside, even within ``no_grad``: the opposite switch, for this thread only.

    The derivative functions (``autograd.grad``, ``jvp``, ``jacrev`` ...) run their ``f`` inside one,
    as ``torch.func``'s transforms do: their result does not depend on a ``no_grad`` around the call
    (a ``no_grad`` inside ``f`` still holds). Works as a context manager and as a decorator.

    Examples:
        >>> x = Value(2.0)
        >>> with no_grad():
        ...     with enable_grad():
        ...         y = x * 3
        >>> y.is_leaf
        False
    """

    recording = True


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
        self._place(mode.scope)
        mode.saved.append(mode.scope)
        mode.scope = self
        return self

    def _place(self, outer: scope | None) -> None:
        """Entered inside ``outer``: make it the parent, unless entered again from inside itself (a
        module that calls itself), which keeps its place in the tree."""
        if self.parent is not outer:  # (entered where it was before: nothing to change)
            inner = outer
            while inner is not None and inner is not self:
                inner = inner.parent
            if inner is None:
                self.parent = outer

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


__all__ = [
    "RemovableHandle",
    "Row",
    "Value",
    "affine",
    "apply",
    "chain_rule",
    "descend",
    "dot",
    "enable_grad",
    "forward_pass",
    "is_grad_enabled",
    "no_grad",
    "scope",
    "sum",
    "tangent",
    "topological_order",
]
