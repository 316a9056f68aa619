"""Network-level pictures: the neurons-and-weights diagram, and matplotlib plots of data and training.

``draw_network`` needs only the ``graphviz`` package (render it with ``autograd.viz.render_svg``).
The plots need matplotlib (``pip install 'glassgrad[plot]'``); each takes an optional ``ax``, draws on
it (or on a new figure) and returns the Axes, and draws nothing it was not asked for.

Examples:
    >>> import nn
    >>> from nn.viz import draw_network
    >>> dot = draw_network(nn.MLP(2, [3, 1], seed=0))
    >>> dot.source.count("penwidth")   # a line per weight: 2*3 + 3*1
    9
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from autograd.viz import Picture
from nn.module import MLP, Layer, Module, Neuron
from nn.train import History

EDGE_LABELS_UP_TO = 12  # draw_network writes weights on lines that cannot cross, up to this many
_POSITIVE = "#2166ac"
_NEGATIVE = "#b2182b"


def draw_network(model: Module, by: str = "weight", rankdir: str = "LR", digits: int = 2) -> Picture:
    """The classic diagram: a column of circles per layer, a line per weight.

    A line's colour is the weight's sign (blue positive, red negative); its width and strength grow
    with the weight's size (or its gradient's, with ``by="grad"``), so small weights are thin and
    faint. Each circle shows its neuron's bias; each column's title, the layer's size and activation.
    When no lines can cross (one neuron per layer) and there are at most ``EDGE_LABELS_UP_TO`` (12),
    each line also shows its number; otherwise the lines alone show them, and in a browser hovering
    over a line or a circle gives its numbers.

    Args:
        model: an ``MLP``, ``Layer`` or ``Neuron``.
        by: ``"weight"`` or ``"grad"``.
        rankdir: Graphviz direction.
        digits: decimal places of the numbers written (tooltips give four significant digits).

    Examples:
        >>> import nn
        >>> dot = draw_network(nn.Layer(2, 2, seed=0), by="grad")
        >>> "penwidth" in dot.source
        True
    """
    if by not in ("weight", "grad"):
        raise ValueError(f"by must be 'weight' or 'grad', got {by!r}")
    layers = _layers(model)
    font = {"fontname": "Helvetica", "fontsize": "10"}  # one font for every text
    dot = Picture(
        format="svg",
        # Lines first, then the circles over them, filled: no line runs over a number.
        graph_attr={"rankdir": rankdir, "splines": "line", "nodesep": "0.08", "ranksep": "1.4", **font},
        node_attr={"shape": "circle", "width": "0.5", "fixedsize": "true", "style": "filled", **font},
        edge_attr={"arrowhead": "none", **font},
    )
    dot.attr(outputorder="edgesfirst")
    dot.attr("node", fillcolor="white")
    for i in range(layers[0].nin):
        dot.node(f"L0_{i}", label=f"x{i}", fillcolor="#eeeeee")
    number = operator.attrgetter("data" if by == "weight" else "grad")  # what a line shows of its weight
    weights = [w for layer in layers for neuron in layer.neurons for w in neuron.w]
    scale = max((abs(v) for v in map(number, weights) if math.isfinite(v)), default=1.0) or 1.0
    labelled = len(weights) <= EDGE_LABELS_UP_TO and all(layer.nout == 1 for layer in layers)
    for k, layer in enumerate(layers, 1):
        for j, neuron in enumerate(layer.neurons):
            b = neuron.b
            tooltip = f"bias {b.data:.4g}, grad {b.grad:.4g}"
            dot.node(f"L{k}_{j}", label=f"{b.data:.{digits}f}", tooltip=tooltip)
            for i, w in enumerate(neuron.w):
                v = number(w)
                ink = _POSITIVE if v >= 0 else _NEGATIVE
                # Squared, so that the few big weights stand out of the many middling ones.
                size = min(1.0, abs(v) / scale) ** 2 if math.isfinite(v) else 1.0
                dot.edge(
                    f"L{k - 1}_{i}",
                    f"L{k}_{j}",
                    color=f"{ink}{round(48 + 207 * size):02x}",  # its alpha: faint for small weights
                    penwidth=f"{0.3 + 2.7 * size:.2f}",
                    tooltip=f"w = {w.data:.4g}, grad = {w.grad:.4g}",
                    **({"label": f"{v:.{digits}f}", "fontcolor": ink} if labelled else {}),
                )
    # A row of titles above the columns, held level by invisible lines.
    titles = [f"inputs\\n{layers[0].nin}"] + [
        _title(layer, k == len(layers), k) for k, layer in enumerate(layers, 1)
    ]
    for k, title in enumerate(titles):
        dot.node(f"T{k}", label=title, shape="plaintext", fixedsize="false", style="")
        if k:
            dot.edge(f"T{k - 1}", f"T{k}", style="invis", weight="10")
    return dot


def _title(layer: Layer, last: bool, k: int) -> str:
    """A column's title: ``layer 2\\n16 relu``, or ``output\\n1 linear``."""
    activations = ", ".join(sorted({neuron.activation or "linear" for neuron in layer.neurons}))
    return f"{'output' if last else f'layer {k}'}\\n{layer.nout} {activations}"


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
