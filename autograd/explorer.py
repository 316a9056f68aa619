"""The gradient explorer: ``explore(root)`` makes one offline HTML page to study a graph's gradients.

The page shows the graph as ``draw_dot`` draws it (the same layout, boxes and colours) and lets a learner
pan and zoom; click a Value to read the chain rule that made its gradient and the paths from the root to
it; step through the backward pass; fold and unfold scopes (neurons, layers); and find a Value by its
label. Given ``tangents`` (seeds of a forward-mode pass), it shows the forward pass on the same graph: each
Value's tangent beside its data, computed parents first, before the backward pass. Everything is in the
one file: the SVG, the numbers of both passes, and the JavaScript and CSS shipped beside this module
(``explorer.js``, ``explorer.css``). Nothing loads from the network.

The page's contract, for tests and for scripts that drive it: each Value drawn is an element with
``data-value`` (``id(value)`` in Python) and ``data-label`` (its label); the side panel is
``#inspector``; the backward-pass step control is ``#step``, an ``<input type=range>`` from 0 (only the
root's gradient, 1, is known) to the number of steps (the whole pass, shown at first); the search box
is ``#search``. With ``tangents``, ``#step`` runs the forward pass first: 0 (only the seeds' tangents are
known) to F (one step per Value an op makes, parents first; shown at first), then the backward pass
from F + 1 (its step 0) to its end.

Examples:
    >>> from autograd import Value
    >>> from autograd.viz import explore
    >>> x = Value(2.0, label="x")
    >>> y = (x * x).tanh()
    >>> page = explore(y)
    >>> 'data-label="x"' in page.html and "https://" not in page.html
    True
"""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.engine import Value, topological_order
from autograd.explain import (
    Edge,
    Term,
    check_tangents,
    format_number,
    replay_backward,
    replay_forward,
    seed_gradients,
)

if TYPE_CHECKING:
    from autograd.viz import Collapse

FOLD_PAST = 300
"""Past this many Values drawn, the page starts with the innermost scopes (the neurons) folded."""

_NO_RENDERER = (
    "explore lays the graph out with Graphviz, and there is none here: install the system program "
    "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz) or the pip renderer "
    "(Python 3.11+): pip install 'glassgrad[render]'"
)


class Explorer:
    """An explorer page: ``html`` is the whole document, ``save(path)`` writes it, and Jupyter shows it.

    Made by [`explore`][autograd.explorer.explore]. In a notebook (JupyterLab, Notebook, VS Code) and on
    the documentation's notebook pages it shows in an ``<iframe>`` that holds the document, as wide as
    the output and about as tall as the graph needs.

    Examples:
        >>> from autograd import Value
        >>> page = explore(Value(3.0, label="a") * 2.0)
        >>> page._repr_html_().startswith("<iframe")
        True
    """

    def __init__(self, html: str) -> None:
        self.html = html

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (UTF-8) and return where it went; open it in any browser, offline.

        The write is atomic: a crash leaves any old file whole.

        Examples:
            >>> import os, tempfile
            >>> from autograd import Value
            >>> with tempfile.TemporaryDirectory() as folder:
            ...     where = explore(Value(1.0, label="one")).save(os.path.join(folder, "graph.html"))
            ...     where.read_text(encoding="utf-8").startswith("<!doctype html>")
            True
        """
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike, got {type(path).__qualname__}")
        target = Path(path).resolve()
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self.html)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
        return target

    def _repr_html_(self) -> str:
        # An iframe, not the page inline: Jupyter front ends may not run a script in an output, and the
        # page's styles stay its own. The page makes the frame as tall as the graph needs.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" title="gradient explorer" '
            'style="width: 100%; height: 560px; border: 1px solid #ddd; border-radius: 4px"></iframe>'
        )

    def __repr__(self) -> str:
        return f"<Explorer: {len(self.html):,} characters of HTML; .save(path) to write it>"


def explore(
    root: Value,
    *,
    collapse: Collapse = None,
    max_nodes: int = 5000,
    tangents: dict[Value, float] | None = None,
) -> Explorer:
    """An interactive, offline page of the graph that computes ``root`` and its backward pass.

    The page replays ``root``'s backward pass (as ``explain`` does, without touching any ``.grad``), so
    it shows the gradients ``root.backward()`` computes, whether or not it has run. Click a Value for the
    chain rule that made its gradient, one row per use, and the paths from the root to it; step through
    the backward pass with the slider or the arrow keys; click a scope's title to fold it; type a label
    in the search box. The keys: ← → step, Home End first and last step, P play, + - 0 zoom and fit,
    Shift+arrows pan, / search, Esc clear.

    With ``tangents``, the page also shows a forward-mode pass on the same graph (computed by
    ``engine.forward_pass``, as ``autograd.jvp`` computes it; no ``.grad`` is touched). Each Value carries
    a tangent, its derivative along the seeds; the step control runs the forward pass first, parents
    before children, each box showing its tangent beside its data, and then the backward pass. A
    clicked Value shows its data, tangent and grad, and its tangent as the sum over its inputs of the
    local derivative times the input's tangent. The root's tangent is its derivative along the seeds,
    ``sum_i d root / d x_i * t_i``: the page shows that sum from the backward pass's gradients too.

    Args:
        root: the output Value (usually the loss).
        collapse: scopes drawn as one box each, as in ``draw_dot``: ``True``, a scope name, a list of
            names, or a function ``scope -> bool``. (Other scopes fold and unfold in the page.)
        max_nodes: refuse (with a clear error) graphs with more nodes than this: Graphviz's layout
            takes about a second per 400 nodes, and the page grows by about 3 kB per node.
        tangents: seeds of a forward pass, ``{value: tangent}``: Values of the graph (usually leaves;
            none may depend on another), each with a real number (for a Value holding a batch, the
            same for every sample), checked as ``explain`` checks them. The others carry none
            (tangent 0).

    Returns:
        An [`Explorer`][autograd.explorer.Explorer]: ``.save(path)``, ``.html``; it shows itself in
        Jupyter.

    Raises:
        TypeError: ``root`` is no Value, ``tangents`` no dict, a key no Value or a tangent no real number.
        ValueError: ``tangents`` is empty, names a Value that is not in the graph, or a Value that
            depends on another it names.
        ImportError: no Graphviz renderer is installed (the message says how to get one).

    Examples:
        >>> from autograd import Value
        >>> from autograd.viz import explore
        >>> a = Value(2.0, label="a")
        >>> b = a * a + a
        >>> page = explore(b)
        >>> page.html.count("data-value=")   # a, a * a and b
        3
        >>> page = explore(b, tangents={a: 1.0})   # forward mode too: db/da along 1 is 2a + 1 = 5
        >>> '"same":' in page.html
        True
    """
    from autograd import viz  # here, not above: autograd.viz imports this module at its end

    if not isinstance(root, Value):
        raise TypeError(f"explore takes a Value, got {type(root).__qualname__}")
    collapse = _check_collapse(collapse)
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int):
        raise TypeError(f"max_nodes must be an int, got {type(max_nodes).__qualname__}")
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, got {max_nodes}")
    order = topological_order(root)
    seeds = None if tangents is None else check_tangents(tangents, order, "explore")
    if collapse is None and len(order) > max_nodes:
        raise ValueError(
            f"explore: the graph has {len(order)} nodes, more than max_nodes={max_nodes}. Fold scopes "
            "into single boxes with collapse=True (or a scope name, such as collapse='Layer 0'), or pass "
            f"max_nodes={len(order)} to lay it all out (Graphviz may take a while)."
        )
    if not viz.has_svg_renderer():
        raise ImportError(_NO_RENDERER)
    index = {id(v): i for i, v in enumerate(order)}
    grads: dict[int, Any] = {}
    steps = list(_steps(order, index, grads))
    # draw_dot counts the nodes left after collapse= and says what to do past max_nodes.
    # Drawn whole (draw_dot would fold a big graph's neurons itself): the page folds and unfolds them.
    whole = False if collapse is None else collapse
    picture = viz.draw_dot(root, collapse=whole, max_nodes=max_nodes, grads=grads)
    svg, drawn = _tag(viz.render_svg(picture), order, {viz._id(v): i for i, v in enumerate(order)})
    data = {
        "values": [
            _value(v, name, grads[id(v)], index) for v, name in zip(order, _names(order), strict=True)
        ],
        "steps": steps,
        "start": _box(1.0),
        "unknown": [viz._fill(0.0, False), viz._ink(viz._fill(0.0, False))],
        "fold": drawn > FOLD_PAST,
    }
    if seeds is not None:
        data["forward"] = _forward(order, index, seeds)
    return Explorer(_page(root.label or "the graph", svg, data))


# ------------------------------------------------------------------------------------ helpers
def _check_collapse(collapse: Any) -> Collapse:
    """``collapse`` as draw_dot takes it (a list of names read once), or a TypeError saying what it takes."""
    if collapse is None or isinstance(collapse, (bool, str)) or callable(collapse):
        return collapse  # type: ignore[no-any-return]
    names = list(collapse) if isinstance(collapse, Iterable) else None
    if names is None or not all(isinstance(n, str) for n in names):
        raise TypeError(
            "collapse must be True, a scope name, a list of names or a function scope -> bool, "
            f"got {collapse!r}"
        )
    return names


def _forward(order: list[Value], index: dict[int, int], seeds: dict[Value, float]) -> dict[str, Any]:
    """The forward pass along ``seeds``, for the page (``explain.replay_forward``): each Value's tangent
    (text; None where it carries none: 0) and as its box shows it; the seeded Values; one step per
    Value an op makes (not seeded), with each input's local derivative, tangent and term (text; None
    where it carries none); and the root's directional derivative both ways: ``sum_i d root / d x_i *
    t_i`` from the backward pass (``explain.seed_gradients``), one row per seed."""
    carried: dict[int, Any] = {}
    steps = [
        {
            "node": index[id(node)],
            "terms": [
                [index[id(term.input)], format_number(term.local), *_tangent_and_term(term)] for term in terms
            ],
        }
        for node, _, terms in replay_forward(order, seeds, carried)
        if node not in seeds
    ]
    tangents = [carried.get(id(v)) for v in order]
    at_seeds = seed_gradients(order, seeds)
    products = [float(np.sum(at_seeds.get(v, 0.0) * t)) for v, t in seeds.items()]
    return {
        "tangent": [None if t is None else format_number(t) for t in tangents],
        "box": [_box(0.0 if t is None else t) for t in tangents],
        "seeded": [index[id(v)] for v in seeds],
        "steps": steps,
        "same": {
            "terms": [
                [index[id(v)], format_number(at_seeds.get(v, 0.0)), format_number(t), format_number(product)]
                for (v, t), product in zip(seeds.items(), products, strict=True)
            ],
            "sum": format_number(sum(products)),
            "root": format_number(0.0 if tangents[-1] is None else np.sum(tangents[-1])),
        },
    }


def _tangent_and_term(term: Term) -> list[str | None]:
    """An input's tangent and term as text (None, None where it carries none)."""
    return [None, None] if term.tangent is None else [format_number(term.tangent), format_number(term.term)]


def _steps(order: list[Value], index: dict[int, int], grads: dict[int, Any]) -> Iterator[dict[str, Any]]:
    """The backward pass, one record per step: the node, its upstream gradient, its edges (parent,
    local derivative as a number for the page's path products, then as text, contribution as text),
    and the boxes it fills (parent, then its gradient so far as the box shows it)."""
    for node, upstream, edges in replay_backward(order, grads):
        yield {
            "node": index[id(node)],
            "upstream": format_number(upstream),
            "edges": [
                [index[id(e.parent)], _json_number(e.local), format_number(e.local), _received(e)]
                for e in edges
            ],
            "grads": [
                [index[id(e.parent)], *_box(grads[id(e.parent)])] for e in edges if e.contribution is not None
            ],
        }


def _received(edge: Edge) -> str:
    """What the parent receives, as text ("constant" for a parent that needs no gradient)."""
    return "constant" if edge.contribution is None else format_number(edge.contribution)


def _box(g: Any) -> list[str]:
    """A gradient as a box shows it: its text, fill colour and ink colour (draw_dot's scale)."""
    from autograd import viz

    fill = viz._fill(g, True)
    return [format_number(g, 4), fill, viz._ink(fill)]


def _value(v: Value, name: str, grad: Any, index: dict[int, int]) -> dict[str, Any]:
    return {
        "name": name,
        "label": v.label,
        "op": v.op,
        "data": format_number(v.data),
        "grad": format_number(grad),
        "batch": isinstance(v.data, np.ndarray),
        "parents": [index[id(p)] for p in v.parents],
    }


def _names(order: list[Value]) -> list[str]:
    """Names for the inspector, as ``explain`` gives them: the label; else v1, v2, ... for computed
    Values, in the order they were computed; else (a constant) its value."""
    names, count = [], 0
    for v in order:
        if v.label:
            names.append(v.label)
        elif v.parents:
            count += 1
            names.append(f"v{count}")
        else:
            names.append(format_number(v.data))
    return names


def _json_number(x: Any) -> Any:
    """A number, or a batch of them, for JSON: nan and infinities as the strings JavaScript reads."""
    if isinstance(x, Value):
        x = x.data
    if isinstance(x, np.ndarray):
        return [_json_number(float(e)) for e in x]
    x = float(x)
    return x if np.isfinite(x) else {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[str(x)]


_NODE = re.compile(r'<g id="(node\d+)" class="node">(\s*<title>)([^<]*)</title>')


def _tag(svg: str, order: list[Value], names: dict[str, int]) -> tuple[str, int]:
    """The SVG without its XML prologue and comments, each Value's box and op node tagged with where it
    belongs (``data-value``, ``data-label``, ``data-index``; ``data-op-of``); and how many boxes."""
    drawn = 0

    def tag(m: re.Match[str]) -> str:
        nonlocal drawn
        name = html.unescape(m[3])
        if name in names:
            drawn += 1
            v = order[names[name]]
            attrs = (
                f'class="node value" data-value="{id(v)}" data-label="{html.escape(v.label)}" '
                f'data-index="{names[name]}" tabindex="0" role="button"'
            )
        elif name.endswith("op") and name[:-2] in names:
            attrs = f'class="node op" data-op-of="{names[name[:-2]]}"'
        else:
            attrs = 'class="node"'
        return f'<g id="{m[1]}" {attrs}>{m[2]}{m[3]}</title>'

    svg = re.sub(r"<!--.*?-->\s*", "", svg[svg.index("<svg") :], flags=re.S)
    return _NODE.sub(tag, svg), drawn


def _page(title: str, svg: str, data: dict[str, Any]) -> str:
    here = files("autograd")
    script = here.joinpath("explorer.js").read_text(encoding="utf-8")
    style = here.joinpath("explorer.css").read_text(encoding="utf-8")
    # In a <script> block only "</" could end it early; JSON allows "<" written as \u003c.
    blob = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")
    # The step control: the backward pass's steps, after the forward pass's (0..F) on a page with tangents.
    ahead = len(data["forward"]["steps"]) + 1 if "forward" in data else 0
    last = ahead + len(data["steps"])
    start = ahead - 1 if ahead else last  # with tangents, at first: every tangent computed
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gradients of {html.escape(title)} · glassgrad explorer</title>
<style>
{style}</style>
</head>
<body>
<header>
  <div class="row">
    <input id="search" type="search" placeholder="Find a label  ( / )" aria-label="Find a Value by its label"
      autocomplete="off" spellcheck="false">
    <span id="search-info" aria-live="polite"></span>
    <span class="spacer"></span>
    <span id="legend" title="A box's fill: its gradient (blue +, red −, deeper for larger)"></span>
    <button id="zoom-out" type="button" title="Zoom out ( - )" aria-label="Zoom out">−</button>
    <button id="fit" type="button" title="Fit the width ( 0 )">Fit</button>
    <button id="zoom-in" type="button" title="Zoom in ( + )" aria-label="Zoom in">+</button>
  </div>
  <div class="row">
    <button id="play" type="button" title="Play the backward pass ( P )" aria-label="Play">▶</button>
    <label for="step">backward step</label>
    <input id="step" type="range" min="0" max="{last}" value="{start}" step="1">
    <output id="step-info" for="step" aria-live="polite"></output>
  </div>
</header>
<main>
  <div id="graph" aria-label="The graph: drag to pan, scroll to zoom, click a Value">
{svg}
  </div>
  <aside id="inspector" aria-live="polite"></aside>
</main>
<script type="application/json" id="explorer-data">{blob}</script>
<script>
{script}</script>
</body>
</html>
"""
