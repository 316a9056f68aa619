"""A recorded graph written out as a Python program: its forward pass and its backward pass as code.

``backward()`` walks the graph node by node. When the same graph is to be run again and again with new
numbers (a training step on a fixed batch, a model evaluated on a fixed set of inputs), the walk is the
same every time; ``compile(root, wrt)`` does it once and writes what it did as straight-line Python:

* a forward line per node, calling the node's own ``value`` rule: ``v2 = mul(a, b)``;
* a backward line per edge, children before parents: ``g_a += g_v2 * b`` (d(a*b)/da = b). What is
  added is the node's own ``grads`` rule, run once on the names instead of numbers, so that it is
  written out as an expression; a rule that branches on its number (``relu`` passes g or nothing) is
  called instead: ``(d0,) = relu_vjp(g_v3, v3, v2)``.

A node is called by its label where that is a fit Python name (one no other node has), else ``v{i}``;
its gradient is ``g_`` and that name.

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
import keyword
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from autograd import _math, ops
from autograd.batch import is_batch
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
            (x,) = leaves
            v1 = mul(x, x)  # *
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


def compile(  # noqa: A001 - named like torch.compile
    root: Value, wrt: Iterable[Value], *, max_lines: int = 1_000_000
) -> Compiled:
    """Write the graph of ``root`` and its backward pass as a Python function, to run again cheaply.

    The graph's shape is fixed when it is compiled: the program replays the operations recorded, with
    whatever numbers the leaves hold when it is called (Python ``if``s taken while building the graph
    are not taken again). Compiling costs about as much as a few dozen training steps that build the
    graph; each call then costs about what hand-written float code does (see docs/performance.md).

    Args:
        root: a scalar Value (not a batch), such as a loss built from a model's parameters.
        wrt: the leaves to differentiate with respect to, such as ``model.parameters()``. Their ``grad``
            accumulates, as with ``backward()``. A Value that ``root`` does not depend on gets nothing.
        max_lines: the longest program to compile. Python's compiler needs about 3 KB of memory per
            line while it works (micrograd's demo step is 85,000 lines): a graph of millions of nodes
            would take gigabytes for a moment. Raise it knowingly, or use batched mode for such graphs.

    Returns:
        A ``Compiled`` program: call it to get ``root``'s value and the gradients for new numbers.

    Raises:
        TypeError: ``root`` or an item of ``wrt`` is not a Value.
        ValueError: an item of ``wrt`` is not a leaf, the graph holds batches (batched mode is
            vectorised already), or its program would be longer than ``max_lines``.

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
    if isinstance(max_lines, bool) or not isinstance(max_lines, int) or max_lines < 1:
        raise ValueError(f"compile: max_lines must be a positive int, got {max_lines!r}")
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
        if is_batch(node.data):
            raise ValueError(
                "compile takes a graph of plain numbers; this one holds a batch (batched mode is "
                "vectorised by NumPy already)"
            )
    return _Program(order, targets).build(max_lines)


class _Program:
    """Writes the source of one graph: names for its nodes, its functions, then the lines."""

    def __init__(self, order: list[Value], wrt: list[Value]) -> None:
        self.order = order
        self.wrt = wrt
        # What _Code writes calls: the functions a rule may call (ops.MATH), as the float backward pass
        # does, and the fused ops' test for a step that sends nothing.
        self.globals: dict[str, Any] = {
            "INF": _math.INF,
            "NAN": _math.NAN,
            "sends_nothing": ops.sends_nothing,
            **ops.MATH,
        }
        self.functions: dict[int, str] = {}  # id(function) -> its name in the program
        self.lines: list[str] = []
        in_graph = set(order)
        nodes = order + [p for p in wrt if p not in in_graph]  # an unused wrt leaf keeps its grad
        self.names = _node_names(nodes, reserved={"run", "leaves", "grads", *self.globals})
        # The nodes whose gradient is needed: those that depend on a leaf of wrt that needs one.
        self.needs = {id(p) for p in wrt if p.requires_grad}
        for node in order:
            if any(id(p) in self.needs for p in node._parents):
                self.needs.add(id(node))

    def build(self, max_lines: int) -> Compiled:
        # At least a line per node forwards and one per needed edge backwards: refuse a program that
        # is too long before writing it.
        least = sum(
            1 + sum(id(p) in self.needs for p in node._parents) for node in self.order if node._parents
        )
        if least > max_lines:
            self._refuse(least, max_lines, "at least ")
        leaves = [node for node in self.order if node.is_leaf]
        root = self.order[-1]
        emit = self.lines.append
        unnamed = ", ".join(f"{self.v(x)} = {_describe(x)}" for x in leaves if self.v(x) != x.label)
        emit(f"    {_unpacking(map(self.v, leaves))} = leaves" + (f"  # {unnamed}" if unnamed else ""))
        for node in self.order:  # forward: each node from its parents, in the order they were made
            if not node.is_leaf:
                emit(f"    {self.v(node)} = {self._value(node)}  # {node.op}")
        emit("    # backward: g_x = d root / d x, children before parents")
        if self.wrt:
            emit(f"    {_unpacking(map(self.g, self.wrt))} = grads  # what they had: gradients add up")
        for node in self.order[:-1]:
            if not node.is_leaf and id(node) in self.needs:
                emit(f"    {self.g(node)} = 0.0")
        if id(root) in self.needs:
            emit(f"    {self.g(root)} {'+' if root.is_leaf else ''}= 1.0")
        for node in reversed(self.order):
            if not node.is_leaf and id(node) in self.needs:
                self._backward(node)
        emit(f"    return {self.v(root)}, [{self._list(self.g, self.wrt)}]")
        lines = len(self.lines) + 1  # and the def line
        if lines > max_lines:
            self._refuse(lines, max_lines, "")
        source = "def run(leaves, grads):\n" + "\n".join(self.lines) + "\n"
        namespace = dict(self.globals)
        exec(builtins.compile(source, "<autograd.compile>", "exec"), namespace)  # the program written above
        return Compiled(source, namespace["run"], leaves, self.wrt)

    @staticmethod
    def _refuse(lines: int, max_lines: int, bound: str) -> None:
        raise ValueError(
            f"compile: this graph is a program of {bound}{lines:,} lines, more than max_lines = "
            f"{max_lines:,}; Python's compiler would need about {lines * 3.2e-6:.1f} GB for it. Pass a "
            "larger max_lines to go on, or run the graph in batched mode."
        )

    def _backward(self, node: Value) -> None:
        """One node's step backwards, written down by running the rule ``backward()`` runs for it."""
        op: Op = node._fn  # type: ignore[assignment]
        v, g, parents = self.v(node), self.g(node), node._parents
        indent = "    "
        if op.into is not None:  # a fused op: its step sends nothing at times (see ops.sends_nothing)
            self.lines.append(f"    if {g} != 0.0 or not sends_nothing({g}, {v}):")  # (as backward() asks)
            indent += "    "
        sent = self._sent(node)
        if sent is None:  # the rule branches on its number: the program calls it
            sent = [_Code(f"d{k}") for k in range(len(parents))]
            call = f"{self._function(op.vjp, op, 'vjp')}({g}, {v}, {self._list(self.v, parents)})"
            self.lines.append(f"{indent}{_unpacking(d.text for d in sent)} = {call}")
        for parent, contribution in op.in_order(parents, sent):
            if id(parent) in self.needs:
                self.lines.append(f"{indent}{self.g(parent)} += {_unwrap(_source(contribution))}")

    def _sent(self, node: Value) -> list[Any] | None:
        """The node's rule run on names: what it sends each parent as an expression or a constant
        (None if the rule needs the numbers themselves)."""
        args = [_Code(self.v(p)) for p in node._parents]
        try:
            sent = node._fn.vjp(_Code(self.g(node)), _Code(self.v(node)), *args)  # type: ignore[union-attr]
            for c in sent:
                _source(c)  # a constant the program cannot hold is a rule to call, too
        except (AttributeError, TypeError):
            return None
        return list(sent)

    def _value(self, node: Value) -> str:
        """The call that computes a node from its parents: ``mul(v2, v3)``, ``dot((w..), (x..), b)``."""
        op: Op = node._fn  # type: ignore[assignment]
        names = [self.v(p) for p in node._parents]
        args = op.split(names) if op.split is not None else names
        rendered = ", ".join(_tuple(a) if isinstance(a, list) else a for a in args)
        return f"{self._function(op.value, op, '')}({rendered})"

    def _function(self, fn: Callable[..., Any], op: Op, suffix: str) -> str:
        """The name under which the program calls ``fn``: its own name where it has one (``mul``,
        ``exp``, ``dot``), else one made from the op's (``pow2`` for ``**2``)."""
        if id(fn) not in self.functions:
            base = fn.__name__ if fn.__name__.isidentifier() and not suffix else _identifier(op.name)
            name = f"{base}_{suffix}" if suffix else base
            while self.globals.get(name, fn) is not fn or name in self.names.taken:
                name += "_"
            self.globals[name] = fn
            self.functions[id(fn)] = name
        return self.functions[id(fn)]

    def v(self, node: Value) -> str:
        """The name of a node's number: its label where that is a fit Python name, else ``v{i}``."""
        return self.names.value[id(node)]

    def g(self, node: Value) -> str:
        """The name of a node's gradient: ``g_`` and the name of its number."""
        return f"g_{self.names.value[id(node)]}"

    @staticmethod
    def _list(name: Callable[[Value], str], nodes: Iterable[Value]) -> str:
        return ", ".join(name(node) for node in nodes)


class _Names(NamedTuple):
    value: dict[int, str]  # id(node) -> the name of its number
    taken: set[str]  # every name the nodes' numbers and gradients use


def _node_names(nodes: list[Value], reserved: set[str]) -> _Names:
    """A node is called by its label if the label is a Python name that no other node has and that
    nothing else in the program uses; else ``v{i}`` (its place in the order)."""
    count = Counter(node.label for node in nodes)
    value = {}
    for i, node in enumerate(nodes):
        label = node.label
        fit = label.isidentifier() and not keyword.iskeyword(label) and count[label] == 1
        fit = fit and label not in reserved and not re.fullmatch(r"[vd]\d+|g_.*", label)
        value[id(node)] = label if fit else f"v{i}"
    taken = set(value.values()) | {f"g_{name}" for name in value.values()}
    return _Names(value, taken)


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

    def __abs__(self) -> _Code:
        return _Code(f"abs({self.text})")

    # What the helpers of ops.py call on a non-number: the functions of ops.MATH, by name.
    def __truediv__(self, other: Any) -> _Code:
        return _call("div", self, other)

    def __rtruediv__(self, other: Any) -> _Code:
        return _call("div", other, self)

    def __pow__(self, other: Any) -> _Code:  # a constant exponent is x ** c's own power (sqrt for 0.5 ...)
        return _call("power_scalar" if type(other) is float else "power", self, other)

    def __rpow__(self, other: Any) -> _Code:
        return _call("power", other, self)

    def __getattr__(self, name: str) -> Callable[[], _Code]:  # x.log() ... for the functions of one input
        if name not in ops.MATH:
            raise AttributeError(name)
        return lambda: _call(name, self)

    def __bool__(self) -> bool:
        raise TypeError("a rule that branches on its number is called, not written out")

    def __eq__(self, other: object) -> bool:  # x == 0 is a branch on the number too
        raise TypeError("a rule that compares its number is called, not written out")

    __hash__ = None  # type: ignore[assignment]


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


def _tuple(names: list[str]) -> str:
    """A tuple display: ``(a,)`` or ``(a, b)``."""
    return f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"


def _unpacking(names: Iterable[str]) -> str:
    """The targets of an unpacking assignment: ``(a,)`` or ``a, b``."""
    listed = list(names)
    return _tuple(listed) if len(listed) == 1 else ", ".join(listed)


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
