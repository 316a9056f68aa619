# Port of micrograd's trace_graph.ipynb (https://github.com/karpathy/micrograd, MIT licence), written for
# glassgrad: the same statements, in this project's formatting (the comments and docstrings are ours).
# It reads only micrograd's names on a Value (`_prev`, `_op`, `data`, `grad`). Lines that differ from
# the source:
#   - cell 1: `from micrograd.engine import Value` became `from autograd import Value`.
#   - cell 4: `from micrograd import nn` became `import nn`; its statements, and cell 3's, are wrapped in
#     the functions `simple_example` and `neuron_example`, which return the picture and what it shows
#     (added), instead of leaving them to Jupyter to display.
#   - cell 5: `dot.render('gout')` is left out: it writes a file and needs the Graphviz program; the test
#     reads the dot source instead.
# `trace` recurses over the graph, as the source does: fine for these small graphs (glassgrad's own
# drawing, autograd.viz.draw_dot, does not recurse).
import random

from graphviz import Digraph

import nn
from autograd import Value


def trace(root):
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def draw_dot(root, format="svg", rankdir="LR"):
    """The graph that ends in root, as a Graphviz Digraph (format: svg, png...; rankdir: LR or TB)."""
    assert rankdir in ["LR", "TB"]
    nodes, edges = trace(root)
    dot = Digraph(format=format, graph_attr={"rankdir": rankdir})

    for n in nodes:
        dot.node(name=str(id(n)), label="{ data %.4f | grad %.4f }" % (n.data, n.grad), shape="record")
        if n._op:
            dot.node(name=str(id(n)) + n._op, label=n._op)
            dot.edge(str(id(n)) + n._op, str(id(n)))

    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)

    return dot


def simple_example():
    # a very simple example
    x = Value(1.0)
    y = (x * 2 + 1).relu()
    y.backward()
    return draw_dot(y), x, y


def neuron_example():
    # a simple 2D neuron
    random.seed(1337)
    n = nn.Neuron(2)
    x = [Value(1.0), Value(-2.0)]
    y = n(x)
    y.backward()

    dot = draw_dot(y)
    return dot, n, x, y
