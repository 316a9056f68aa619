"""The chain rule written out: ``explain(root)`` replays the backward pass as a table.

For every node, children before parents (the order ``backward()`` runs in), it records the upstream
gradient d root / d node, each local derivative d node / d parent, and each contribution
upstream x local that the node sends to a parent. A parent's gradient is the sum of the contributions it
receives. The table prints as plain text and shows as Markdown with LaTeX in a notebook.

Examples:
    >>> from autograd import Value, explain
    >>> x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    >>> y = (w * x).relu()
    >>> y.label = "y"
    >>> print(explain(y))  # doctest: +NORMALIZE_WHITESPACE
    step  node  op    upstream  parent  local  contribution
       1  y     relu  1         v1      0      0
       2  v1    *     0         w       2      0
                                x       -3     -0
    gradients: w = 0, x = 0

With ``tangents`` (seed tangents of some Values), it replays the forward-mode pass instead, parents
before children: each node's tangent is the sum, over its inputs, of the local derivative times the
input's tangent; the result's tangent is then checked against the backward pass's gradients dotted
with the seeds.

    >>> print(explain(y, tangents={x: 1.0}))  # doctest: +NORMALIZE_WHITESPACE
    seeds: x = 1
    step  node  op    tangent  input  local  input tangent  term
       1  v1    *     -3       w      2      —              —
                               x      -3     1              -3
       2  y     relu  0        v1     0      -3             0
    tangent: y = 0
    backward pass: ∂y/∂x = 0
    check: Σ ∂y/∂s × seed s = 0 × 1 = 0, the same as the tangent
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, overload

import numpy as np

from autograd import engine
from autograd.engine import Value, chain_rule, forward_pass, topological_order


@dataclass(frozen=True)
class Edge:
    """One contribution sent to ``parent``: ``upstream * local``, taken as the op's rule takes it (a
    ``relu`` selects: behind an infinite upstream, a dead unit still sends 0)."""

    parent: Value
    local: Any
    contribution: Any  # None for a parent that needs no gradient (a constant): nothing is sent to it


@dataclass(frozen=True)
class Step:
    """One node's part of the backward pass."""

    node: Value
    name: str
    upstream: float
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class Term:
    """One input's part of a node's tangent: ``local * tangent``, the local derivative d node / d input
    times the tangent the input carries, taken as the op's forward rule takes it (``Op.tangent``: a
    ``relu`` selects, as in the backward pass)."""

    input: Value
    local: Any
    tangent: Any  # the input's tangent; None where it carries none (it depends on no seed)
    term: Any  # None where the input carries no tangent: nothing flows along this edge


@dataclass(frozen=True)
class ForwardStep:
    """One node's part of the forward pass: its tangent, the sum of its ``terms``. A node that was
    seeded has its seed for tangent, and no terms."""

    node: Value
    name: str
    tangent: Any  # None where the node depends on no seed: its tangent is 0
    terms: tuple[Term, ...]


class _Table:
    """How a pass prints, backward or forward: a header, one row per edge (a step's first row names its
    node), and notes before and after; as plain text, or as Markdown with LaTeX in a notebook."""

    COLUMNS: ClassVar[tuple[str, ...]]  # the text header
    MARKDOWN: ClassVar[tuple[str, ...]]  # the Markdown header, with LaTeX
    ALIGN: ClassVar[str]  # the Markdown alignment row
    NAMES: ClassVar[tuple[int, ...]] = (1, 4)  # the columns of Values' names: code font in Markdown
    hidden: int

    def rows(self) -> list[list[str]]:
        """The table's rows as strings, one per edge, in the order of ``COLUMNS``."""
        raise NotImplementedError

    def _notes(self, markdown: bool) -> tuple[list[str], list[str]]:
        """The lines before the table and after it."""
        raise NotImplementedError

    def __str__(self) -> str:
        table = [list(self.COLUMNS), *self.rows()]
        widths = [max(len(r[k]) for r in table) for k in range(len(self.COLUMNS))]
        lines = []
        for r in table:
            cells = [
                c.rjust(w) if k == 0 else c.ljust(w) for k, (c, w) in enumerate(zip(r, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
        if self.hidden:
            lines.append(f"... {self.hidden} more nodes not shown (raise max_nodes to see them)")
        before, after = self._notes(markdown=False)
        return "\n".join([*before, *lines, *after])

    def _repr_markdown_(self) -> str:
        head = "| " + " | ".join(self.MARKDOWN) + " |\n" + self.ALIGN
        body = [
            "| " + " | ".join(f"`{c}`" if k in self.NAMES and c else c for k, c in enumerate(r)) + " |"
            for r in self.rows()
        ]
        tail = (
            [f"\n*{self.hidden} more nodes not shown (raise `max_nodes` to see them).*"]
            if self.hidden
            else []
        )
        before, after = self._notes(markdown=True)
        return "\n".join([*before, head, *body, *tail, "", *after])


def _step_rows(head: list[str], edges: list[list[str]]) -> list[list[str]]:
    """A step's rows: ``head`` (its number, node ...) on the first, blanks under it, beside one row of
    cells per edge."""
    blank = [""] * len(head)
    return [[*(head if j == 0 else blank), *cells] for j, cells in enumerate(edges)]


@dataclass
class Explanation(_Table):
    """A record of one backward pass: ``steps`` in the order they run, and the leaves' ``gradients``.

    Examples:
        >>> from autograd import Value, explain
        >>> a = Value(3.0, label="a")
        >>> record = explain(a * a)
        >>> record.gradients[0][1], len(record.steps)
        (6.0, 1)
    """

    COLUMNS = ("step", "node", "op", "upstream", "parent", "local", "contribution")
    MARKDOWN = (
        "step",
        "node $n$",
        "op",
        "upstream $\\partial L/\\partial n$",
        "parent $p$",
        "local $\\partial n/\\partial p$",
        "contribution",
    )
    ALIGN = "|---:|---|---|---:|---|---:|---:|"

    steps: list[Step]
    gradients: list[tuple[str, float]]
    names: dict[int, str] = field(repr=False)
    hidden: int = 0

    def rows(self) -> list[list[str]]:
        """The table's rows as strings: step, node, op, upstream, parent, local, contribution."""
        rows = []
        for i, step in enumerate(self.steps, 1):
            head = [str(i), step.name, step.node.op, format_number(step.upstream)]
            edges = [
                [self.names[id(e.parent)], format_number(e.local), _or_dash(e.contribution)]
                for e in step.edges
            ]
            rows += _step_rows(head, edges)
        return rows

    def _notes(self, markdown: bool) -> tuple[list[str], list[str]]:
        if markdown:
            grads = ", ".join(
                f"$\\partial L/\\partial$`{name}` $= {format_number(g)}$" for name, g in self.gradients
            )
            return [], [f"Gradients: {grads}"]
        return [], ["gradients: " + ", ".join(f"{name} = {format_number(g)}" for name, g in self.gradients)]


@dataclass
class ForwardExplanation(_Table):
    """A record of one forward-mode pass: ``steps`` in the order they run (parents before children),
    the ``tangent`` it ends with, and the same derivative from the backward pass, ``check``.

    Each step's tangent is the sum of its terms, one per input: the local derivative times the input's
    tangent. The root's tangent is the derivative of the root along the seeds; the backward pass gives
    it too, as the sum over the seeds of d root / d seed times the seed (``gradients`` and ``check``).

    Examples:
        >>> from autograd import Value, explain
        >>> a, b = Value(3.0, label="a"), Value(2.0, label="b")
        >>> record = explain(a * b, tangents={a: 1.0, b: 10.0})   # b * 1 + a * 10
        >>> record.tangent, record.check, record.agrees
        (32.0, 32.0, True)
    """

    COLUMNS = ("step", "node", "op", "tangent", "input", "local", "input tangent", "term")
    MARKDOWN = (
        "step",
        "node $n$",
        "op",
        "tangent $\\dot n$",
        "input $p$",
        "local $\\partial n/\\partial p$",
        "input tangent $\\dot p$",
        "term $\\frac{\\partial n}{\\partial p}\\,\\dot p$",
    )
    ALIGN = "|---:|---|---|---:|---|---:|---:|---:|"
    SHOWN_PRODUCTS: ClassVar[int] = 6  # the check writes out its products for at most this many seeds

    steps: list[ForwardStep]
    root: str  # the root's name
    seeds: list[tuple[str, float]]  # each seeded Value's name and tangent
    tangent: Any  # the root's tangent: its derivative along the seeds
    gradients: list[tuple[str, Any]]  # d root / d seed for each seed, from the backward pass
    check: Any  # the sum of d root / d seed * seed: the same derivative
    names: dict[int, str] = field(repr=False)
    hidden: int = 0

    @property
    def agrees(self) -> bool:
        """Whether the forward pass's tangent and the backward pass's ``check`` are equal (to rounding).

        Examples:
            >>> from autograd import Value, explain
            >>> x = Value(0.5, label="x")
            >>> explain(x.tanh() * x, tangents={x: 1.0}).agrees
            True
        """
        return bool(np.allclose(self.check, self.tangent, rtol=1e-9, atol=1e-12, equal_nan=True))

    def rows(self) -> list[list[str]]:
        """The table's rows as strings: step, node, op, tangent, input, local, input tangent, term."""
        rows = []
        for i, step in enumerate(self.steps, 1):
            head = [str(i), step.name, step.node.op, format_number(_zero_if_none(step.tangent))]
            terms = [
                [self.names[id(t.input)], format_number(t.local), _or_dash(t.tangent), _or_dash(t.term)]
                for t in step.terms
            ]
            rows += _step_rows(head, terms or [["(seed)", "", "", ""]])
        return rows

    def _notes(self, markdown: bool) -> tuple[list[str], list[str]]:
        y = self.root
        verdict = (
            "the same as the tangent"
            if self.agrees
            else f"but the tangent is {format_number(self.tangent)}: they differ"
        )
        if len(self.seeds) <= self.SHOWN_PRODUCTS:
            times = " \\times " if markdown else " × "
            products = " + ".join(
                _bracket(format_number(g)) + times + _bracket(format_number(t))
                for (_, t), (_, g) in zip(self.seeds, self.gradients, strict=True)
            )
        else:
            products = f"(over {len(self.seeds)} seeds)"
        total = format_number(self.check)
        if markdown:
            seeds = ", ".join(f"`{name}` $= {format_number(t)}$" for name, t in self.seeds)
            grads = ", ".join(
                f"$\\partial$`{y}`$/\\partial$`{name}` $= {format_number(g)}$" for name, g in self.gradients
            )
            return [f"Seeds: {seeds}", ""], [
                f"Tangent of `{y}`: ${format_number(self.tangent)}$",
                "",
                f"Backward pass: {grads}",
                "",
                f"Check: $\\sum_s \\partial$`{y}`$/\\partial s \\times \\dot s = {products} = {total}$, "
                f"{verdict}.",
            ]
        return ["seeds: " + ", ".join(f"{name} = {format_number(t)}" for name, t in self.seeds)], [
            f"tangent: {y} = {format_number(self.tangent)}",
            "backward pass: " + ", ".join(f"∂{y}/∂{name} = {format_number(g)}" for name, g in self.gradients),
            f"check: Σ ∂{y}/∂s × seed s = {products} = {total}, {verdict}",
        ]


@overload
def explain(root: Value, max_nodes: int = 60, *, tangents: None = None) -> Explanation: ...


@overload
def explain(root: Value, max_nodes: int = 60, *, tangents: dict[Value, float]) -> ForwardExplanation: ...


def explain(
    root: Value, max_nodes: int = 60, *, tangents: dict[Value, float] | None = None
) -> Explanation | ForwardExplanation:
    """Replay the backward pass from ``root`` and record every step of the chain rule; with
    ``tangents``, the forward-mode pass instead.

    The replay does not touch any ``.grad``; it computes exactly what ``root.backward()`` computes (and,
    forward, what ``autograd.jvp`` computes). Unlabelled nodes are named ``v1, v2, ...`` in the order
    they were computed.

    Args:
        root: the output (usually the loss).
        max_nodes: show at most this many steps; the rest are counted in a summary line (the leaves'
            gradients, or the forward pass's result and check, are always listed).
        tangents: seed tangents, ``{value: tangent}``: a direction in which to move some Values of the
            graph (usually leaves; ``{x: 1.0}`` for d root / d x). Each step is then a node's tangent,
            the sum over its inputs of local derivative times input tangent, in forward order. A "—"
            marks an input that carries no tangent (it depends on no seed): nothing flows from it. The
            result's tangent is checked against the backward pass: the sum over the seeds of
            d root / d seed times the seed, both numbers shown.

    Returns:
        An ``Explanation`` of the backward pass, or with ``tangents`` a ``ForwardExplanation``; each
        prints as a table (``print``) and shows as Markdown in a notebook.

    Raises:
        TypeError: ``root`` is not a Value, ``tangents`` is not a dict, a key of it not a Value or a
            tangent not a real number.
        ValueError: ``max_nodes`` is below 1; ``tangents`` is empty, seeds a Value ``root`` does not
            depend on, or seeds a Value and one it depends on.

    Examples:
        >>> from autograd import Value, explain
        >>> a = Value(2.0, label="a")
        >>> b = (a * a).exp()
        >>> [step.upstream for step in explain(b).steps][0]
        1.0
        >>> forward = explain(b, tangents={a: 1.0})     # d b / d a = 2a exp(a*a)
        >>> round(forward.tangent, 6), forward.agrees
        (218.3926, True)
    """
    if not isinstance(root, Value):
        raise TypeError(f"explain takes a Value, got {type(root).__qualname__}")
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    order = topological_order(root)
    seeds = None if tangents is None else check_tangents(tangents, order, "explain")
    names: dict[int, str] = {}
    count = 0
    for node in order:
        if node.label:
            names[id(node)] = node.label
        elif node.parents:
            count += 1
            names[id(node)] = f"v{count}"
        else:
            names[id(node)] = format_number(node.data)  # an unlabelled leaf: show its value
        if not node.requires_grad:
            names[id(node)] += " (constant)"
    if seeds is not None:
        return _explain_forward(order, seeds, names, max_nodes)
    upstream: dict[int, float] = {}
    steps = [Step(node, names[id(node)], g, edges) for node, g, edges in replay_backward(order, upstream)]
    leaves = [node for node in order if not node.parents and node.label and node.requires_grad]
    gradients = [(node.label, upstream.get(id(node), 0.0)) for node in leaves]
    hidden = max(0, len(steps) - max_nodes)
    return Explanation(steps[:max_nodes], gradients, names, hidden)


def _explain_forward(
    order: list[Value], seeds: dict[Value, float], names: dict[int, str], max_nodes: int
) -> ForwardExplanation:
    """``explain`` with ``tangents``: the forward pass, and the backward pass's gradients at the seeds."""
    root = order[-1]
    carried: dict[int, Any] = {}
    steps = [
        ForwardStep(node, names[id(node)], t, terms)
        for node, t, terms in replay_forward(order, seeds, carried)
    ]
    tangent = _zero_if_none(carried[id(root)])
    at_seeds = seed_gradients(order, seeds)
    gradients = [(names[id(s)], at_seeds.get(s, 0.0)) for s in seeds]
    # (a batch of products, for a root that holds one number, adds up as the root's gradient would)
    check = sum(
        (engine.received(root, g * t) for (_, g), t in zip(gradients, seeds.values(), strict=True)), 0.0
    )
    return ForwardExplanation(
        steps[:max_nodes],
        names[id(root)],
        [(names[id(s)], t) for s, t in seeds.items()],
        tangent,
        gradients,
        check,
        names,
        max(0, len(steps) - max_nodes),
    )


def check_tangents(tangents: object, order: list[Value], what: str) -> dict[Value, float]:
    """Seed tangents for a forward pass over ``order`` (from ``topological_order``), checked before
    anything is computed: a non-empty dict from Values of the graph to real numbers, none of them
    seeding a Value that another seeded Value depends on (its seed would hide theirs). ``what`` names
    the caller in the errors. Returns the seeds with float tangents.

    Examples:
        >>> x = Value(1.0, label="x")
        >>> check_tangents({x: 2}, topological_order(x * 3), "explain")
        {Value(data=1.0, grad=0.0, label='x'): 2.0}
        >>> check_tangents({x: "up"}, topological_order(x * 3), "explain")
        Traceback (most recent call last):
        ...
        TypeError: explain: the tangent of x must be a real number, got str
    """
    if not isinstance(tangents, dict):
        raise TypeError(
            f"{what}: tangents must be a dict of seed tangents, {{value: number}}, "
            f"got {type(tangents).__qualname__}"
        )
    if not tangents:
        raise ValueError(f"{what}: tangents is empty: seed at least one Value, e.g. tangents={{x: 1.0}}")
    graph = set(order)
    seeds: dict[Value, float] = {}
    for v, t in tangents.items():
        if not isinstance(v, Value):
            raise TypeError(f"{what}: the keys of tangents must be Values, got {type(v).__qualname__}")
        if v not in graph:
            raise ValueError(
                f"{what}: tangents seeds {_called(v)}, which is not in the graph: "
                "the root is not computed from it"
            )
        if isinstance(t, Value) or not isinstance(t, numbers.Real):
            raise TypeError(
                f"{what}: the tangent of {_called(v)} must be a real number, got {type(t).__qualname__}"
            )
        seeds[v] = float(t)
    for v in seeds:
        if v.parents:
            for before in topological_order(v)[:-1]:
                if before in seeds:
                    raise ValueError(
                        f"{what}: tangents seeds both {_called(v)} and {_called(before)}, which it is "
                        "computed from: a seeded Value's tangent is its seed, so the other's would not "
                        "reach past it. Seed only Values that do not depend on each other (usually leaves)"
                    )
    return seeds


def _called(v: Value) -> str:
    """A Value as an error message names it."""
    return v.label if v.label else f"the Value with data {format_number(v.data)}"


def replay_backward(
    order: list[Value], grads: dict[int, Any]
) -> Iterator[tuple[Value, Any, tuple[Edge, ...]]]:
    """The engine's backward pass (``engine.chain_rule``) over ``order``, step by step, with each edge's
    local derivative: what ``explain`` and ``backward_steps`` show.

    Yields, for each node with parents in the order ``backward()`` visits them, the node, its upstream
    gradient and its edges: what each parent receives (a batch's contributions to a shared parameter
    summed, as ``backward()`` adds them; nothing for a parent that needs no gradient, a constant).
    ``grads`` (keyed by ``id``) is filled as the pass goes: each parent's gradient so far, and each
    node's once it is complete. No ``.grad`` is touched.

    Examples:
        >>> from autograd import Value, topological_order
        >>> x = Value(3.0)
        >>> grads = {}
        >>> steps = replay_backward(topological_order(x * x), grads)
        >>> [(g, [e.contribution for e in edges]) for _, g, edges in steps]
        [(1.0, [3.0, 3.0])]
        >>> grads[id(x)]
        6.0
    """
    for node, g, sent in chain_rule(order, 1.0):
        grads[id(node)] = g
        if sent is None:
            continue
        local = node._fn.local(node.data, *[p.data for p in node.parents])  # type: ignore[union-attr]
        for parent, c in node._fn.in_order(node.parents, sent):  # type: ignore[union-attr]
            if parent.requires_grad:
                grads[id(parent)] = engine._plus(parent, grads.get(id(parent), 0.0), c)
        edges = (
            Edge(parent, d, engine.received(parent, c) if parent.requires_grad else None)
            for parent, d, c in zip(node.parents, local, sent, strict=True)
        )
        yield node, g, tuple(edges)


def replay_forward(
    order: list[Value], seeds: dict[Value, float], carried: dict[int, Any]
) -> Iterator[tuple[Value, Any, tuple[Term, ...]]]:
    """The engine's forward pass (``engine.forward_pass``) over ``order``, step by step, with each
    input's term: what ``explain`` and ``forward_steps`` show. The mirror of ``replay_backward``.

    Yields, for each node with parents in the order the forward pass computes them, the node, its
    tangent (None where it depends on no seed) and its terms: per input, the local derivative, the
    input's tangent and their product, taken as the op's forward rule takes it (no terms for a seeded
    node: its tangent is its seed). ``carried`` (keyed by ``id``) is filled as the pass goes: the
    tangent of every node reached, leaves included.

    Examples:
        >>> from autograd import Value, topological_order
        >>> x, w = Value(3.0), Value(2.0)
        >>> carried = {}
        >>> steps = replay_forward(topological_order(w * x), {x: 1.0}, carried)
        >>> [(t, [(term.local, term.tangent, term.term) for term in terms]) for _, t, terms in steps]
        [(2.0, [(3.0, None, None), (2.0, 1.0, 2.0)])]
        >>> carried[id(w)], carried[id(x)]
        (None, 1.0)
    """
    for node, t in forward_pass(order, seeds):
        carried[id(node)] = t
        if not node.parents:
            continue
        if node in seeds:
            yield node, t, ()
            continue
        op, parents = node._fn, node.parents
        ins = [carried[id(p)] for p in parents]
        local = op.local(node.data, *[p.data for p in parents])  # type: ignore[union-attr]
        terms = (
            Term(p, d, tp, None if tp is None else engine.tangent(op, node, parents, _alone(ins, i)))  # type: ignore[arg-type]
            for i, (p, d, tp) in enumerate(zip(parents, local, ins, strict=True))
        )
        yield node, t, tuple(terms)


def seed_gradients(order: list[Value], seeds: dict[Value, Any]) -> dict[Value, Any]:
    """d root / d seed for each seeded Value, by the backward pass (``engine.chain_rule``) over
    ``order``: the sum of what the seed is sent, as ``backward()`` adds it (a constant's too, which
    ``backward()`` drops). The backward half of ``explain``'s check of a forward pass.

    Examples:
        >>> from autograd import Value, topological_order
        >>> x, c = Value(3.0), Value(2.0, requires_grad=False)
        >>> list(seed_gradients(topological_order(x * c + x), {x: 1.0, c: 1.0}).values())
        [3.0, 3.0]
    """
    root = order[-1]
    grads: dict[Value, Any] = {root: 1.0} if root in seeds else {}
    for node, _, sent in chain_rule(order):
        if sent is not None:
            for parent, c in node._fn.in_order(node.parents, sent):  # type: ignore[union-attr]
                if parent in seeds:
                    grads[parent] = engine._plus(parent, grads.get(parent, 0.0), c)
    return grads


def _alone(tangents: list[Any], i: int) -> list[Any]:
    """The tangents with all but the ``i``-th set to None: one input's term of a forward rule."""
    return [t if j == i else None for j, t in enumerate(tangents)]


def _or_dash(x: Any) -> str:
    """A number of a table, or "—" where there is none (nothing flows along the edge)."""
    return "—" if x is None else format_number(x)


def _zero_if_none(t: Any) -> Any:
    """A tangent as a number: None (a Value that depends on no seed) is 0."""
    return 0.0 if t is None else t


def _bracket(text: str) -> str:
    """A negative number in brackets, as a factor of a product."""
    return f"({text})" if text.startswith("-") else text


def format_number(x: Any, digits: int = 6) -> str:
    """A number for a table or a picture; a batch (batched mode) shows its mean and its size.

    Examples:
        >>> import numpy as np
        >>> format_number(0.1234567), format_number(np.array([1.0, 2.0]), 3)
        ('0.123457', 'mean 1.5 of 2')
    """
    if isinstance(x, Value):
        x = x.data
    if isinstance(x, np.ndarray):
        return f"mean {float(np.mean(x)):.{digits}g} of {x.size}"
    return f"{float(x):.{digits}g}"
