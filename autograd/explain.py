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
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import engine
from autograd.engine import Value, chain_rule, topological_order


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


@dataclass
class Explanation:
    """A record of one backward pass: ``steps`` in the order they run, and the leaves' ``gradients``.

    Examples:
        >>> from autograd import Value, explain
        >>> a = Value(3.0, label="a")
        >>> record = explain(a * a)
        >>> record.gradients[0][1], len(record.steps)
        (6.0, 1)
    """

    steps: list[Step]
    gradients: list[tuple[str, float]]
    names: dict[int, str] = field(repr=False)
    hidden: int = 0

    def rows(self) -> list[list[str]]:
        """The table's rows as strings: step, node, op, upstream, parent, local, contribution."""
        rows = []
        for i, step in enumerate(self.steps, 1):
            for j, edge in enumerate(step.edges):
                head = (
                    [str(i), step.name, step.node.op, format_number(step.upstream)]
                    if j == 0
                    else ["", "", "", ""]
                )
                rows.append(
                    [
                        *head,
                        self.names[id(edge.parent)],
                        format_number(edge.local),
                        "—" if edge.contribution is None else format_number(edge.contribution),
                    ]
                )
        return rows

    def __str__(self) -> str:
        header = ["step", "node", "op", "upstream", "parent", "local", "contribution"]
        table = [header, *self.rows()]
        widths = [max(len(r[k]) for r in table) for k in range(len(header))]
        lines = []
        for r in table:
            cells = [
                c.rjust(w) if k == 0 else c.ljust(w) for k, (c, w) in enumerate(zip(r, widths, strict=True))
            ]
            lines.append("  ".join(cells).rstrip())
        if self.hidden:
            lines.append(f"... {self.hidden} more nodes not shown (raise max_nodes to see them)")
        lines.append("gradients: " + ", ".join(f"{name} = {format_number(g)}" for name, g in self.gradients))
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        head = (
            "| step | node $n$ | op | upstream $\\partial L/\\partial n$ | parent $p$ | "
            "local $\\partial n/\\partial p$ | contribution |\n|---:|---|---|---:|---|---:|---:|"
        )
        body = [
            "| " + " | ".join(f"`{c}`" if k in (1, 4) and c else c for k, c in enumerate(r)) + " |"
            for r in self.rows()
        ]
        tail = (
            [f"\n*{self.hidden} more nodes not shown (raise `max_nodes` to see them).*"]
            if self.hidden
            else []
        )
        grads = ", ".join(
            f"$\\partial L/\\partial$`{name}` $= {format_number(g)}$" for name, g in self.gradients
        )
        return "\n".join([head, *body, *tail, "", f"Gradients: {grads}"])


def explain(root: Value, max_nodes: int = 60) -> Explanation:
    """Replay the backward pass from ``root`` and record every step of the chain rule.

    The replay does not touch any ``.grad``; it computes exactly what ``root.backward()`` computes.
    Unlabelled nodes are named ``v1, v2, ...`` in the order they were computed.

    Args:
        root: the output (usually the loss).
        max_nodes: show at most this many steps; the rest are counted in a summary line (the leaves'
            gradients are always listed).

    Examples:
        >>> from autograd import Value, explain
        >>> a = Value(2.0, label="a")
        >>> b = (a * a).exp()
        >>> [step.upstream for step in explain(b).steps][0]
        1.0
    """
    if not isinstance(root, Value):
        raise TypeError(f"explain takes a Value, got {type(root).__qualname__}")
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    order = topological_order(root)
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
    upstream: dict[int, float] = {}
    steps = [Step(node, names[id(node)], g, edges) for node, g, edges in replay_backward(order, upstream)]
    leaves = [node for node in order if not node.parents and node.label and node.requires_grad]
    gradients = [(node.label, upstream.get(id(node), 0.0)) for node in leaves]
    hidden = max(0, len(steps) - max_nodes)
    return Explanation(steps[:max_nodes], gradients, names, hidden)


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
