"""Network-level pictures: the neurons-and-weights diagram, and matplotlib plots of data and training.

``draw_network`` needs only the ``graphviz`` package (render it with ``autograd.viz.render_svg``).
The plots need matplotlib (``pip install 'glassgrad[plot]'``); each takes an optional ``ax``, draws on
it (or on a new figure) and returns the Axes, and draws nothing it was not asked for.

Examples:
    >>> import nn
    >>> from nn.viz import draw_network
    >>> dot = draw_network(nn.MLP(2, [3, 1], seed=0))
    >>> dot.source.count("->")   # 2*3 + 3*1 weights
    9
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from autograd.viz import Picture
from nn.module import MLP, Layer, Module, Neuron
from nn.train import History

_POSITIVE = "#2166ac"
_NEGATIVE = "#b2182b"


def draw_network(model: Module, by: str = "weight", rankdir: str = "LR", digits: int = 3) -> Picture:
    """The classic diagram: a column of circles per layer, an edge per weight.

    Edge colour is the sign (blue positive, red negative) and width the magnitude of the weight, or of
    its gradient with ``by="grad"``. Each neuron shows its bias.

    Args:
        model: an ``MLP``, ``Layer`` or ``Neuron``.
        by: ``"weight"`` or ``"grad"``.
        rankdir: Graphviz direction.
        digits: significant digits in the tooltips and bias labels.

    Examples:
        >>> import nn
        >>> dot = draw_network(nn.Layer(2, 2, seed=0), by="grad")
        >>> "penwidth" in dot.source
        True
    """
    if by not in ("weight", "grad"):
        raise ValueError(f"by must be 'weight' or 'grad', got {by!r}")
    layers = _layers(model)
    dot = Picture(format="svg", graph_attr={"rankdir": rankdir, "splines": "line", "nodesep": "0.15"})
    dot.attr("node", shape="circle", fontname="Helvetica", fontsize="10", width="0.55", margin="0.02")
    nin = layers[0].nin
    with dot.subgraph(name="cluster_in", graph_attr={"label": "inputs", "color": "white"}) as c:
        for i in range(nin):
            c.node(f"L0_{i}", label=f"x{i}", style="filled", fillcolor="#f0f0f0")
    values = [
        (w.data if by == "weight" else w.grad)
        for layer in layers
        for neuron in layer.neurons
        for w in neuron.w
    ]
    scale = max((abs(v) for v in values if math.isfinite(v)), default=1.0) or 1.0
    for k, layer in enumerate(layers, 1):
        last = k == len(layers)
        with dot.subgraph(name=f"cluster_{k}", graph_attr={"label": "output" if last else f"layer {k}"}) as c:
            c.attr(color="white")
            for j, neuron in enumerate(layer.neurons):
                c.node(
                    f"L{k}_{j}",
                    label=f"{neuron.activation}\\nb={neuron.b.data:.{digits}g}",
                    tooltip=f"bias {neuron.b.data:.{digits}g}, grad {neuron.b.grad:.{digits}g}",
                )
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                v = w.data if by == "weight" else w.grad
                width = 0.3 + 3.7 * min(1.0, abs(v) / scale) if math.isfinite(v) else 4.0
                dot.edge(
                    f"L{k - 1}_{i}",
                    f"L{k}_{j}",
                    color=_POSITIVE if v >= 0 else _NEGATIVE,
                    penwidth=f"{width:.2f}",
                    tooltip=f"w = {w.data:.{digits}g}, grad = {w.grad:.{digits}g}",
                    arrowsize="0.4",
                )
    return dot


def _layers(model: Module) -> list[Layer]:
    if isinstance(model, MLP):
        return list(model.layers)
    if isinstance(model, Layer):
        return [model]
    if isinstance(model, Neuron):
        layer = Layer.__new__(Layer)  # a one-neuron layer around it, for drawing only
        layer.nin, layer.nout, layer.neurons = model.nin, 1, [model]
        return [layer]
    raise TypeError(f"draw_network takes an MLP, Layer or Neuron, got {type(model).__name__}")


# ------------------------------------------------------------------------------- matplotlib plots
def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ImportError("plotting needs matplotlib: pip install 'glassgrad[plot]'") from err
    return plt


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    return _pyplot().subplots(figsize=(5, 4))[1]


def plot_data(X: ArrayLike, y: ArrayLike, ax: Any = None) -> Any:
    """Scatter a 2-D data set, one colour per class.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import nn
        >>> ax = plot_data(*nn.data.moons(20, seed=0))
        >>> len(ax.collections)
        1
    """
    xs, ys = np.asarray(X, dtype=np.float64), np.asarray(y)
    if xs.ndim != 2 or xs.shape[1] != 2:
        raise ValueError(f"plot_data needs X of shape (n, 2), got {xs.shape}")
    ax = _axes(ax)
    ax.scatter(xs[:, 0], xs[:, 1], c=ys, cmap="coolwarm", s=25, edgecolors="black", linewidths=0.5)
    ax.set_xlabel("$x_0$")
    ax.set_ylabel("$x_1$")
    return ax


def plot_decision_boundary(
    model: Module,
    X: ArrayLike,
    y: ArrayLike,
    ax: Any = None,
    resolution: int = 120,
    threshold: float = 0.0,
) -> Any:
    """Colour the plane by the model's prediction and scatter the data on top.

    A model with one output is split at ``threshold`` (0 for a score or a logit, 0.5 for a
    probability); with several outputs each point gets the class of its largest output.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import nn
        >>> X, y = nn.data.moons(20, seed=0)
        >>> ax = plot_decision_boundary(nn.MLP(2, [4, 1], seed=0), X, y, resolution=20)
        >>> bool(ax.get_xlim()[0] < X[:, 0].min())
        True
    """
    xs = np.asarray(X, dtype=np.float64)
    if xs.ndim != 2 or xs.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary needs X of shape (n, 2), got {xs.shape}")
    pad = 0.25 * (xs.max(axis=0) - xs.min(axis=0)) + 1e-9
    lo, hi = xs.min(axis=0) - pad, xs.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    out = model.predict(np.column_stack([gx.ravel(), gy.ravel()]))
    classes = (out > threshold).astype(float) if out.ndim == 1 else out.argmax(axis=1).astype(float)
    ax = _axes(ax)
    ax.contourf(gx, gy, classes.reshape(gx.shape), cmap="coolwarm", alpha=0.35)
    plot_data(xs, y, ax=ax)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    return ax


def plot_history(history: History, ax: Any = None) -> Any:
    """The loss per epoch (log scale), with accuracy on a second axis when it was measured.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = plot_history(History(loss=[1.0, 0.5, 0.2], accuracy=[0.5, 0.75, 1.0]))
        >>> ax.get_ylabel()
        'loss'
    """
    if not isinstance(history, History):
        raise TypeError(f"plot_history takes a History, got {type(history).__name__}")
    ax = _axes(ax)
    epochs = np.arange(1, history.epochs + 1)
    ax.plot(epochs, history.loss, color="#2166ac", label="loss")
    if history.loss and min(history.loss) > 0:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    acc = np.asarray(history.accuracy, dtype=np.float64)
    if acc.size and not np.isnan(acc).all():
        twin = ax.twinx()
        twin.plot(epochs, acc, color="#b2182b", label="accuracy")
        twin.set_ylabel("accuracy")
        twin.set_ylim(0.0, 1.05)
    return ax
