# Port of the micrograd lecture's second notebook,
# lectures/micrograd/micrograd_lecture_second_half_roughly.ipynb of https://github.com/karpathy/nn-zero-to-hero
# (MIT licence), written for glassgrad: the cells that use micrograd's names, with the same statements in
# this project's formatting (comments are ours). Each group of cells is wrapped in a function that returns
# what the notebook displays. Lines that differ:
#   - cell 0: `import math`, `import numpy as np`, `import matplotlib.pyplot as plt` and `%matplotlib
#     inline` are left out: they served the lecture's own Value and cells 1-6 (slopes of plain floats, no
#     Value, not ported). `import random` stays.
#   - cell 7: the lecture's own `class Value` (with +, *, **, /, -, tanh, exp and backward) is replaced by
#     `from autograd import Value`.
#   - cell 12: `import torch` became `torch = pytest.importorskip(...)` inside `in_torch` (with `import
#     pytest`): PyTorch is optional.
#   - cell 14: the lecture's own classes `Neuron`, `Layer` and `MLP` are replaced by `from nn import MLP`
#     (the one it builds), and the only edit that is not an import is in cell 15:
#     `MLP(3, [4, 4, 1])` became `MLP(3, [4, 4, 1], activation="tanh", out_activation="tanh")`, as the
#     lecture's neurons all end in tanh where glassgrad's default MLP has relu hidden layers and a linear
#     output. (Its biases start at 0, where the lecture's draw them from U(-1, 1).)
#   - cell 15: `random.seed(1337)` is added before the model is made: the lecture draws its weights
#     unseeded, and a test wants the same run every time. Cells 15-18 are the function `mlp`, which
#     returns the model and the last predictions (cell 18 displays them); the losses are what it prints.
import random

import pytest
from graphviz import Digraph

from autograd import Value
from nn import MLP


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


def tanh_neuron():
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
    o.backward()
    return draw_dot(o), x1, x2, w1, w2, b, o


def exp_neuron():
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
    # ----
    e = (2 * n).exp()
    o = (e - 1) / (e + 1)
    # ----
    o.label = "o"
    o.backward()
    return draw_dot(o), x1, x2, w1, w2, b, o


def in_torch():
    torch = pytest.importorskip("torch", reason="the lecture compares with PyTorch: pip install torch")

    x1 = torch.Tensor([2.0]).double()
    x1.requires_grad = True
    x2 = torch.Tensor([0.0]).double()
    x2.requires_grad = True
    w1 = torch.Tensor([-3.0]).double()
    w1.requires_grad = True
    w2 = torch.Tensor([1.0]).double()
    w2.requires_grad = True
    b = torch.Tensor([6.8813735870195432]).double()
    b.requires_grad = True
    n = x1 * w1 + x2 * w2 + b
    o = torch.tanh(n)

    print(o.data.item())
    o.backward()

    print("---")
    print("x2", x2.grad.item())
    print("w2", w2.grad.item())
    print("x1", x1.grad.item())
    print("w1", w1.grad.item())


def mlp():
    random.seed(1337)  # added
    x = [2.0, 3.0, -1.0]
    n = MLP(3, [4, 4, 1], activation="tanh", out_activation="tanh")
    n(x)

    xs = [
        [2.0, 3.0, -1.0],
        [3.0, -1.0, 0.5],
        [0.5, 1.0, 1.0],
        [1.0, 1.0, -1.0],
    ]
    ys = [1.0, -1.0, -1.0, 1.0]  # desired targets

    for k in range(20):
        # forward pass
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))

        # backward pass
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()

        # update
        for p in n.parameters():
            p.data += -0.1 * p.grad

        print(k, loss.data)

    return n, ypred
