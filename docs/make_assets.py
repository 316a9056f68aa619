"""Draw the pictures the documentation shows, into ``docs/assets/`` (they are committed).

Run it after changing how graphs are drawn, from the repository root:

    .venv/bin/python docs/make_assets.py

It writes ``docs/assets/graph.svg``: one tanh neuron, ``o = tanh(x1*w1 + x2*w2 + b)``, after
``o.backward()``, as in the README's "The engine in 15 lines"; drawn by ``autograd.viz.draw_dot``
(this checkout's, whichever glassgrad the venv has installed) and rendered by
``autograd.viz.render_svg`` (the system Graphviz ``dot`` when installed, else the pip renderer of the
``render`` extra). Node names in the SVG come from ``id()`` of each Value; they are renumbered in
drawing order, so running the script twice gives the same file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import graphviz

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's autograd

from autograd import Value
from autograd.viz import draw_dot, render_svg

ASSETS = Path(__file__).resolve().parent / "assets"


def neuron() -> Value:
    """The README's neuron with two inputs (as there, micrograd's numbers), after its backward pass."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def stable_ids(source: str) -> str:
    """Renumber the ``id()`` numbers in Graphviz node and cluster names 1, 2, 3... in order of appearance."""
    numbers: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        key = match.group(2)
        numbers.setdefault(key, str(len(numbers) + 1))
        return match.group(1) + numbers[key]

    return re.sub(r"\b(n|s|cluster_)(\d{5,})", renumber, source)


def main() -> None:
    ASSETS.mkdir(exist_ok=True)
    picture = graphviz.Source(stable_ids(draw_dot(neuron()).source))
    svg = render_svg(picture)
    (ASSETS / "graph.svg").write_text(svg, encoding="utf-8")
    print(f"wrote {ASSETS / 'graph.svg'} ({len(svg):,} bytes)")


if __name__ == "__main__":
    main()
