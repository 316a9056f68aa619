"""Draw the pictures and explorers the documentation shows, into ``docs/assets/`` (they are committed).

Run it after changing how graphs are drawn or explored, or a page's example, from the repository root:

    .venv/bin/python docs/make_assets.py

Each asset is drawn from the example its page discusses, run as the page writes it (its ```` ```python ````
blocks, in order, until the Value is defined), so a picture cannot drift from its page's code:

| asset | page | what |
|---|---|---|
| ``graph.svg``, ``explore-readme.html`` | README, home page, The graph | ``o = tanh(x1*w1 + x2*w2 + b)`` |
| ``concept-graph.svg`` | The graph | ``c = a * b``, before any backward pass |
| ``chain-rule.svg``, ``explore-chain-rule.html`` | The chain rule | ``d = a * b + a``: ``a`` used twice |
| ``draw.svg``, ``explore-draw.html`` | Draw a graph | ``y = tanh(w * x + b)`` |
| ``draw-forward.svg`` | Draw a graph | the same ``y``, with the tangents of ``tangents={x: 1.0}`` |
| ``own-op-nodes.svg``, ``own-op-one.svg`` | Write your own op | tanh from ``exp``, and as one op |

Pictures are drawn by ``autograd.viz.draw_dot`` (this checkout's) and rendered by
``autograd.viz.render_svg`` (the system Graphviz ``dot`` when installed, else the pip renderer of the
``render`` extra). Node names in the SVG come from ``id()`` of each Value; they are renumbered in
drawing order, so running the script twice gives the same file. The explorers are
``autograd.viz.explore`` pages, offline single files that the pages show in an ``<iframe>``; their
``data-value`` attributes (``id()`` numbers too) are renumbered with the rest.
``tests/test_docs.py`` checks that the committed assets are what this script makes now.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import graphviz

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's autograd

from autograd import Value, topological_order  # noqa: E402
from autograd.viz import draw_dot, explore, render_svg  # noqa: E402

ASSETS = Path(__file__).resolve().parent / "assets"


def example(page: str, name: str) -> Value:
    """The Value ``name`` of a page's example: the page's ```` ```python ```` blocks run in order (as
    ``tests/test_docs.py`` runs them) until one defines ``name``. Printing and display are muted."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / page).read_text(encoding="utf-8"), flags=re.S)
    mute: Callable[..., None] = lambda *args, **kwargs: None  # noqa: E731
    namespace: dict[str, Any] = {"print": mute, "display": mute}
    for i, block in enumerate(blocks):
        exec(compile(block, f"{page} block {i}", "exec"), namespace)
        if isinstance(namespace.get(name), Value):
            value: Value = namespace[name]
            return value
    raise LookupError(f"no python block of {page} defines a Value {name!r}")


def leaf(root: Value, label: str) -> Value:
    """The Value labelled ``label`` in the graph of ``root``."""
    return next(v for v in topological_order(root) if v.label == label)


def stable_ids(source: str) -> str:
    """Renumber the ``id()`` numbers of Values and scopes, in Graphviz node and cluster names and in an
    explorer's ``data-value`` attributes, 1, 2, 3... in order of appearance."""
    numbers: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        key = match.group(2)
        numbers.setdefault(key, str(len(numbers) + 1))
        return match.group(1) + numbers[key]

    return re.sub(r'(\b(?:n|s|cluster_)|data-value=")(\d{5,})', renumber, source)


def svg(root: Value, **options: Any) -> str:
    """``draw_dot(root, **options)`` as SVG text, the same on every run."""
    return render_svg(graphviz.Source(stable_ids(draw_dot(root, **options).source)))


# asset name -> (page, Value name, what to make of it)
ASSET_LIST: dict[str, tuple[str, str, Callable[[Value], str]]] = {
    "graph.svg": ("README.md", "o", svg),
    "explore-readme.html": ("README.md", "o", lambda o: stable_ids(explore(o).html)),
    # The graph page speaks of structure (leaves, op, parents) before any backward pass: no gradients.
    "concept-graph.svg": ("docs/concepts/graph.md", "c", lambda c: svg(c, show="data", color=None)),
    "chain-rule.svg": ("docs/concepts/chain-rule.md", "d", svg),
    "explore-chain-rule.html": ("docs/concepts/chain-rule.md", "d", lambda d: stable_ids(explore(d).html)),
    "draw.svg": ("docs/how-to/draw.md", "y", svg),
    "explore-draw.html": ("docs/how-to/draw.md", "y", lambda y: stable_ids(explore(y).html)),
    # Forward mode on the same graph: each box's tangent along x, between its data and its gradient.
    "draw-forward.svg": ("docs/how-to/draw.md", "y", lambda y: svg(y, tangents={leaf(y, "x"): 1.0})),
    # tanh twice: from exp, a node per operation of the formula; and as one op of the reader's own.
    "own-op-nodes.svg": ("docs/how-to/own-op.md", "t_nodes", svg),
    "own-op-one.svg": ("docs/how-to/own-op.md", "t_op", svg),
}


def write_assets(folder: Path = ASSETS) -> dict[str, int]:
    """Write every asset into ``folder``; return each one's size in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, (page, value, make) in ASSET_LIST.items():
        text = make(example(page, value))
        (folder / name).write_text(text, encoding="utf-8")
        sizes[name] = len(text.encode("utf-8"))
    return sizes


def main() -> None:
    for name, size in write_assets().items():
        print(f"wrote {ASSETS / name} ({size:,} bytes)")


if __name__ == "__main__":
    main()
