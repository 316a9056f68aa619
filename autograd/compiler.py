"""A recorded graph written out as a Python program: its forward pass and its backward pass as code.

``backward()`` walks the graph node by node. When the same graph is to be run again and again with new
numbers (a training step on a fixed batch, a model evaluated on a fixed set of inputs), the walk is the
same every time; ``compile(root, wrt)`` does it once and writes what it did as straight-line Python:

* a forward line per node, calling the node's own ``value`` rule: ``v4 = mul(v2, v3)``;
* a backward line per edge, children before parents: ``g2 += g4 * v3`` (d(a*b)/da = b). The local
  derivative is the node's own ``grads`` rule, run once on the names instead of numbers, so that it
  is written out as an expression; a rule that branches on its number (``relu``'s slope is 1 or 0) is
  called instead: ``d0, = relu_grads(v5, v4)``.

Each op is thus still defined once, in ``ops.py``, and the program computes bit for bit what
``backward()`` computes: the same rules, in the same order. Running it creates no ``Value`` objects and
walks no graph; it reads the leaves' numbers, and adds the gradients to the ``wrt`` leaves' ``grad``.

Examples:
    >>> import autograd
    >>> from autograd import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b + a
    >>> step = autograd.compile(c, wrt=[a, b])
    >>> step(), a.grad, b.grad        # c, dc/da = b + 1, dc/db = a
    (-4.0, -2.0, 2.0)
    >>> a.data = 5.0                  # new numbers, same graph: no Values are made
    >>> a.grad = b.grad = 0.0
    >>> step(), a.grad, b.grad
    (-10.0, -2.0, 5.0)
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterable
from typing import Any

from autograd import _math
from autograd.engine import Value, topological_order
from autograd.ops import Op


class Compiled:
    """A graph compiled by ``autograd.compile``: call it to run the forward and backward pass again.

    Calling it reads the current ``data`` of every leaf of the graph (parameters, inputs, constants),
    returns the root's value for those numbers, and adds d root / d p to ``p.grad`` for each ``p`` in
    ``wrt``, exactly as ``root.backward()`` would (zero them between steps). No other Value changes:
    interior nodes keep the numbers they were built with, and leaves outside ``wrt`` get no gradient.

    Attributes:
        source: the generated Python code, one line per node forwards and one per edge backwards.
        wrt: the leaves that get gradients, in the order given.
        leaves: every leaf of the graph, in the order the program reads them.

    Examples:
        >>> import autograd
        >>> x = autograd.Value(3.0, label="x")
        >>> f = autograd.compile(x * x, wrt=[x])
        >>> f(), x.grad
        (9.0, 6.0)
        >>> print(f.source.split("# backward")[0].strip())   # the forward pass, as code
        def run(leaves, grads):
            v0, = leaves  # x
            v1 = mul(v0, v0)  # *
    """

    def __init__(self, source: str, run: Callable[..., Any], leaves: list[Value], wrt: list[Value]) -> None:
        self.source = source
        self.leaves = leaves
        self.wrt = wrt
        self._run = run

    def __call__(self) -> float:
        """Run the program on the leaves' current numbers; return the root's value and add the grads."""
        numbers = [leaf.data for leaf in self.leaves]
        grads = [p.grad for p in self.wrt]
        for what, values, found in (("data", self.leaves, numbers), ("grad", self.wrt, grads)):
            for leaf, x in zip(values, found, strict=True):
                if type(x) is not float:  # checked before anything changes
                    raise TypeError(
                        f"compiled graph: leaf {_describe(leaf)} has {what} of type {type(x).__name__}; "
                        "a compiled graph runs on plain floats (numbers in .data, and .grad zeroed to 0.0)"
                    )
        value, new_grads = self._run(numbers, grads)
        for p, g in zip(self.wrt, new_grads, strict=True):
            p.grad = g
        return value  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        lines = self.source.count("\n")
        return f"Compiled({len(self.leaves)} leaves, {len(self.wrt)} with gradients, {lines} lines)"


def compile(root: Value, wrt: Iterable[Value]) -> Compiled:  # noqa: A001 - named like torch.compile
    """Write the graph of ``root`` and its backward pass as a Python function, to run again cheaply.

    The graph's shape is fixed when it is compiled: the program replays the operations recorded, with
    whatever numbers the leaves hold when it is called (Python ``if``s taken while building the graph
    are not taken again). Compiling costs about as much as a few hundred ``backward()`` calls on the
    same graph; each call then costs about what hand-written float code does (see docs/performance.md).

    Args:
        root: a scalar Value (not a batch), such as a loss built from a model's parameters.
        wrt: the leaves to differentiate with respect to, such as ``model.parameters()``. Their ``grad``
            accumulates, as with ``backward()``. A Value that ``root`` does not depend on gets nothing.

    Returns:
        A ``Compiled`` program: call it to get ``root``'s value and the gradients for new numbers.

    Raises:
        TypeError: ``root`` or an item of ``wrt`` is not a Value.
        ValueError: an item of ``wrt`` is not a leaf, or the graph holds batches (batched mode is
            vectorised already) or gradients recorded with ``create_graph``.

    Examples:
        >>> import autograd
        >>> from autograd import Value
        >>> w, x = Value(0.0, label="w"), Value(2.0, label="x")
        >>> loss = (w * x - 1.0) ** 2
        >>> step = autograd.compile(loss, wrt=[w])   # once
        >>> for _ in range(3):                       # then a training step costs one call
        ...     w.grad = 0.0
        ...     print(round(step(), 4), round(w.grad, 4))
        ...     w.data -= 0.1 * w.grad
        1.0 -4.0
        0.04 -0.8
        0.0016 -0.16
    """
    if not isinstance(root, Value):
        raise TypeError(f"compile takes a Value to differentiate, got {type(root).__qualname__}")
    if isinstance(wrt, Value) or not isinstance(wrt, Iterable):
        raise TypeError(f"compile: wrt must be a sequence of Values, got {type(wrt).__qualname__}")
    targets = list(dict.fromkeys(wrt))  # each leaf once, in the order given
    for p in targets:
        if not isinstance(p, Value):
            raise TypeError(f"compile: wrt must hold Values, got {type(p).__qualname__}")
        if not p.is_leaf:
            raise ValueError(f"compile: wrt must hold leaves (Values you made), got the result of {p.op!r}")
    order = topological_order(root)
    for node in order:
        if type(node.data) is not float:
            raise ValueError(
                "compile takes a graph of plain numbers; this one holds a batch (batched mode is "
                "vectorised by NumPy already)"
            )
    return _Program(order, targets).build()


class _Program:
    """Writes the source of one graph: names for its nodes, its functions, then the lines."""

    def __init__(self, order: list[Value], wrt: list[Value]) -> None:
        self.order = order
        self.wrt = wrt
        self.name = {id(node): i for i, node in enumerate(order)}  # node -> its number: v{i}, g{i}
        for p in wrt:  # a leaf the root does not depend on keeps its gradient
            self.name.setdefault(id(p), len(self.name))
        # What _Code writes calls: the IEEE functions of _math, as the float backward pass does.
        self.globals: dict[str, Any] = {
            "INF": _math.INF,
            "NAN": _math.NAN,
            **{f: getattr(_math, f) for f in ("div", "power", "log", "sin", "cos", "sigmoid")},
        }
        self.functions: dict[int, str] = {}  # id(function) -> its name in the program
        self.lines: list[str] = []
        # The nodes whose gradient is needed: those that depend on a leaf of wrt.
        self.needs = {id(p) for p in wrt}
        for node in order:
            if any(id(p) in self.needs for p in node._parents):
                self.needs.add(id(node))

    def build(self) -> Compiled:
        leaves = [node for node in self.order if node.is_leaf]
        root = self.order[-1]
        emit = self.lines.append
        emit("def run(leaves, grads):")
        emit(f"    {self._names('v', leaves)}, = leaves  # {', '.join(_describe(x) for x in leaves)}")
        for node in self.order:  # forward: each node from its parents, in the order they were made
            if not node.is_leaf:
                emit(f"    v{self._id(node)} = {self._value(node)}  # {node._op.name}")  # type: ignore[union-attr]
        emit("    # backward: g{i} = d root / d v{i}, children before parents")
        if self.wrt:
            emit(f"    {self._names('g', self.wrt)}, = grads  # what they had: gradients add up")
        for node in self.order[:-1]:
            if not node.is_leaf and id(node) in self.needs:
                emit(f"    g{self._id(node)} = 0.0")
        if id(root) in self.needs:
            emit(f"    g{self._id(root)} {'+' if root.is_leaf else ''}= 1.0")
        for node in reversed(self.order):
            if not node.is_leaf and id(node) in self.needs:
                self._backward(node)
        emit(f"    return v{self._id(root)}, [{self._names('g', self.wrt)}]")
        source = "\n".join(self.lines) + "\n"
        namespace = dict(self.globals)
        exec(builtins.compile(source, "<autograd.compile>", "exec"), namespace)  # the program written above
        return Compiled(source, namespace["run"], leaves, self.wrt)

    def _backward(self, node: Value) -> None:
        """One node's step backwards, written down by running the rule ``backward()`` runs for it."""
        op: Op = node._op  # type: ignore[assignment]
        i, parents, g = self._id(node), node._parents, _Code(f"g{self._id(node)}")
        if op.vjp is not None:  # fused: the vjp itself, on inputs whose ``.grad += ...`` writes a line
            # A zero gradient passes nothing on (see _backward_floats): so neither does the program.
            self.lines.append(f"    if g{i} != 0.0 or not -INF < v{i} < INF:")
            op.vjp(g, tuple(_Input(self, p, "        ") for p in parents))  # type: ignore[arg-type]
            return
        local = self._local_derivatives(node)
        if local is None:  # the rule branches on its number: the program calls it
            local = [_Code(f"d{k}") for k in range(len(parents))]
            call = f"{self._function(op.grads, op, 'grads')}(v{i}, {self._names('v', parents)})"
            self.lines.append(f"    {self._names_of(local)}, = {call}")
        for parent, d in zip(parents, local, strict=True):
            _Input(self, parent, "    ").grad += g * d

    def _local_derivatives(self, node: Value) -> list[Any] | None:
        """The node's ``grads`` rule run on names: each local derivative as an expression or a constant
        (None if the rule needs the numbers themselves)."""
        args = [_Code(f"v{self._id(p)}") for p in node._parents]
        try:
            local = node._op.grads(_Code(f"v{self._id(node)}"), *args)  # type: ignore[union-attr]
            for d in local:
                _source(d)  # a constant the program cannot hold is a rule to call, too
        except (AttributeError, TypeError):
            return None
        return list(local)

    def _value(self, node: Value) -> str:
        """The call that computes a node from its parents: ``mul(v2, v3)``, ``dot((w..), (x..), b)``."""
        op: Op = node._op  # type: ignore[assignment]
        names = [f"v{self._id(p)}" for p in node._parents]
        args = op.split(names) if op.split is not None else names
        rendered = ", ".join(f"({', '.join(a)},)" if isinstance(a, list) else a for a in args)
        return f"{self._function(op.value, op, '')}({rendered})"

    def _function(self, fn: Callable[..., Any], op: Op, suffix: str) -> str:
        """The name under which the program calls ``fn``: its own name where it has one (``mul``,
        ``exp``, ``dot``), else one made from the op's (``pow2`` for ``**2``)."""
        if id(fn) not in self.functions:
            base = fn.__name__ if fn.__name__.isidentifier() and not suffix else _identifier(op.name)
            name = f"{base}_{suffix}" if suffix else base
            while self.globals.get(name, fn) is not fn:
                name += "_"
            self.globals[name] = fn
            self.functions[id(fn)] = name
        return self.functions[id(fn)]

    def _id(self, node: Value) -> int:
        return self.name[id(node)]

    def _names(self, prefix: str, nodes: Iterable[Value]) -> str:
        return ", ".join(f"{prefix}{self._id(node)}" for node in nodes)

    @staticmethod
    def _names_of(codes: list[_Code]) -> str:
        return ", ".join(c.text for c in codes)


class _Input:
    """A parent in a backward step being written: ``.data`` is its number's name, and ``.grad += c``
    writes the line ``g{i} += c`` (nothing for a parent whose gradient is not needed)."""

    __slots__ = ("data", "indent", "name", "program")

    def __init__(self, program: _Program, node: Value, indent: str) -> None:
        self.program, self.indent = program, indent
        self.name = f"g{program._id(node)}" if id(node) in program.needs else ""
        self.data = _Code(f"v{program._id(node)}")

    @property
    def grad(self) -> _Code:
        return _Code(self.name)

    @grad.setter
    def grad(self, total: _Code) -> None:
        prefix = f"({self.name} + "
        if not total.text.startswith(prefix):
            raise TypeError(f"a vjp must add to a gradient (grad += ...), got grad = {total.text}")
        if self.name:  # total is (g_i + contribution): written as g_i += contribution
            self.program.lines.append(f"{self.indent}{self.name} += {_unwrap(total.text[len(prefix) : -1])}")


class _Code:
    """A number in the program being written: arithmetic on it writes the expression down.

    ``grads`` rules are plain arithmetic on their inputs (``1.0 - out * out`` for tanh), and call ``/``,
    ``**``, ``log`` ... through helpers that pick the float function or the Value method. Run on
    ``_Code`` names, they return the source of each local derivative, calling the very functions that
    the float backward pass calls (``div``, ``power``, ``log``). A rule that needs the number itself
    (to branch on it) fails here, and is called in the program instead.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def _op(self, symbol: str, other: Any, swap: bool = False) -> _Code:
        a, b = (_source(other), self.text) if swap else (self.text, _source(other))
        return _Code(f"({a} {symbol} {b})")

    def __add__(self, other: Any) -> _Code:
        return self._op("+", other)

    def __radd__(self, other: Any) -> _Code:
        return self._op("+", other, swap=True)

    def __sub__(self, other: Any) -> _Code:
        return self._op("-", other)

    def __rsub__(self, other: Any) -> _Code:
        return self._op("-", other, swap=True)

    def __mul__(self, other: Any) -> _Code:
        return self if type(other) is float and other == 1.0 else self._op("*", other)  # g * 1.0 is g

    def __rmul__(self, other: Any) -> _Code:
        return self._op("*", other, swap=True)

    def __neg__(self) -> _Code:
        return _Code(f"(-{self.text})")

    # What the helpers of ops.py call on a non-number: the IEEE functions of _math, by name.
    def __truediv__(self, other: Any) -> _Code:
        return _call("div", self, other)

    def __rtruediv__(self, other: Any) -> _Code:
        return _call("div", other, self)

    def __pow__(self, other: Any) -> _Code:
        return _call("power", self, other)

    def __rpow__(self, other: Any) -> _Code:
        return _call("power", other, self)

    def log(self) -> _Code:
        return _call("log", self)

    def sin(self) -> _Code:
        return _call("sin", self)

    def cos(self) -> _Code:
        return _call("cos", self)

    def sigmoid(self) -> _Code:
        return _call("sigmoid", self)

    def __bool__(self) -> bool:
        raise TypeError("a rule that branches on its number is called, not written out")


def _call(function: str, *args: Any) -> _Code:
    return _Code(f"{function}({', '.join(_source(a) for a in args)})")


def _source(x: Any) -> str:
    """An expression or a constant as source text (a float exactly: its repr round-trips)."""
    if isinstance(x, _Code):
        return x.text
    if type(x) is not float and type(x) is not int:
        raise TypeError(f"cannot write {type(x).__qualname__} as code")
    if x != x:
        return "NAN"
    if x in (_math.INF, -_math.INF):
        return "INF" if x > 0 else "(-INF)"
    return repr(float(x))


def _unwrap(text: str) -> str:
    """``(a * b)`` -> ``a * b``: an expression that starts with a parenthesis is wrapped whole (``_Code``
    wraps every operation it writes, and nothing else starts with one)."""
    return text[1:-1] if text.startswith("(") else text


def _identifier(name: str) -> str:
    """An op's name as a Python name: ``**2`` -> ``pow2``, ``leaky_relu(0.01)`` -> ``leaky_relu_0_01``."""
    return re.sub(r"\W+", "_", name.replace("**", "pow")).strip("_") or "op"


def _describe(leaf: Value) -> str:
    return leaf.label or f"Value({leaf.data!r})"


__all__ = ["Compiled", "compile"]
