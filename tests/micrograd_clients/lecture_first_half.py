# Port of the micrograd lecture's first notebook,
# lectures/micrograd/micrograd_lecture_first_half_roughly.ipynb of https://github.com/karpathy/nn-zero-to-hero
# (MIT licence), written for glassgrad: the cells that use micrograd's names, with the same statements in
# this project's formatting (comments are ours). Each group of cells is wrapped in a function that returns
# what the notebook displays. Lines that differ:
#   - cell 0 is left out: `math` served the lecture's own Value, numpy and matplotlib (`%matplotlib inline`)
#     only cells 1-6 (slopes of plain floats, no Value) and 12 (a plot), which are not ported.
#   - cell 7: the lecture's own `class Value` (its __init__ with `label`, __add__, __mul__, tanh and
#     backward) is replaced by `from autograd import Value`: glassgrad's Value has the same names.
#   - cell 10 nudges the leaves by gradients that the video set by hand, in cells the notebook no longer
#     has; `nudge` first makes them as the video then does, `L.grad = 1.0` and one `_backward()` per
#     node (four added lines).
#   - cells 13 and 15-28: the video runs the node-by-node `_backward()` calls (cells 17-22) before
#     `backward()` existed, and the notebook keeps them after cell 15's `o.backward()`, so run in the
#     notebook's order they would add to its gradients. The port runs each on a graph of its own
#     (`neuron()` builds cell 13's; `backward` is cells 14-15): `by_hand` (cells 28 up to 23, in the order
#     the video runs them: the gradients worked out on paper),
#     `node_by_node` (cells 17-22), `topological` (cell 16, then the loop of the lecture's backward,
#     `self.grad = 1.0` and `for node in reversed(topo): node._backward()`, written on `o`).
#   - cell 29's expression is returned by `tanh_slope`; cells 31 and 32 are `used_twice` and
#     `used_twice_more`, returning the picture and the leaves.
from graphviz import Digraph

from autograd import Value


def expression():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return a, b, c, d, e, f, L


def trace(root):
    # every node and edge of the graph that ends in root
    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def draw_dot(root):
    dot = Digraph(format="svg", graph_attr={"rankdir": "LR"})  # left to right

    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        # a record for each Value: its label, data and grad
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad), shape="record")
        if n._op:
            # and, for a Value an op made, a node for the op, pointing at it
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)

    for n1, n2 in edges:
        # each input points at the op node of the Value it went into
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)

    return dot


def nudge():
    a, b, c, d, e, f, L = expression()
    L.grad = 1.0  # added: the gradients the video set by hand
    L._backward()
    d._backward()
    e._backward()

    a.data += 0.01 * a.grad
    b.data += 0.01 * b.grad
    c.data += 0.01 * c.grad
    f.data += 0.01 * f.grad

    e = a * b
    d = e + c
    L = d * f

    print(L.data)


def lol():
    h = 0.001

    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    L1 = L.data

    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    b.data += h
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    L2 = L.data

    print((L2 - L1) / h)


def neuron():
    # inputs x1,x2
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    # weights w1,w2
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    # bias of the neuron
    b = Value(6.8813735870195432, label="b")
    # x1*w1 + x2*w2 + b
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o


def backward():
    x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o = neuron()
    o.backward()
    return draw_dot(o), x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o


def by_hand():
    x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o = neuron()
    o.grad = 1.0
    # o = tanh(n)
    # do/dn = 1 - o**2
    n.grad = 0.5
    x1w1x2w2.grad = 0.5
    b.grad = 0.5
    x1w1.grad = 0.5
    x2w2.grad = 0.5
    x2.grad = w2.data * x2w2.grad
    w2.grad = x2.data * x2w2.grad
    x1.grad = w1.data * x1w1.grad
    w1.grad = x1.data * x1w1.grad
    return x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o


def node_by_node():
    x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o = neuron()
    o.grad = 1.0
    o._backward()
    n._backward()
    b._backward()
    x1w1x2w2._backward()
    x2w2._backward()
    x1w1._backward()
    return x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o


def topological():
    x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o = neuron()
    topo = []
    visited = set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)

    build_topo(o)

    o.grad = 1.0
    for node in reversed(topo):
        node._backward()
    return topo, x1, x2, w1, w2, b, x1w1, x2w2, x1w1x2w2, n, o


def tanh_slope():
    *_, o = neuron()
    return 1 - o.data**2


def used_twice():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    b.backward()
    return draw_dot(b), a, b


def used_twice_more():
    a = Value(-2.0, label="a")
    b = Value(3.0, label="b")
    d = a * b
    d.label = "d"
    e = a + b
    e.label = "e"
    f = d * e
    f.label = "f"

    f.backward()

    return draw_dot(f), a, b
