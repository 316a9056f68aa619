"""Network-level pictures: the neurons-and-weights diagram, and matplotlib plots of data and training.

``draw_network`` needs only the ``graphviz`` package (render it with ``autograd.viz.render_svg``).
The plots need matplotlib (``pip install 'glassgrad[plot]'``); each takes an optional ``ax``, draws on
it (or on a new figure) and returns the Axes, except ``plot_health``, a figure of six panels, which takes
and returns a Figure. Each says what it shows: a key for its colours (classes,
boundary, loss and accuracy), and a title for the training and boundary plots (``title=`` to change it).

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
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from autograd.viz import Picture
from nn.health import SATURATED
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
_LOSS_INK = _POSITIVE  # the loss curve and its axis: blue, on the left
_ACCURACY_INK = _NEGATIVE  # the accuracy curve and its axis: red, on the right
# The colour of class 0, 1, 2, ... for the points and the regions alike: blue and red for two (the ends of
# matplotlib's coolwarm, as before), then colours far from both; a middle class never fades to grey.
_CLASS_COLOURS = ["#3b4cc0", "#b40426", "#1a9850", "#e08214", "#762a83", "#01665e", "#8c510a", "#de77ae"]


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


def _class_colours(count: int) -> list[Any]:
    """The colour of each of ``count`` classes: ``_CLASS_COLOURS``, then matplotlib's tab20 past them."""
    more = [_pyplot().get_cmap("tab20")(k % 20) for k in range(max(count - len(_CLASS_COLOURS), 0))]
    return (_CLASS_COLOURS + more)[:count]


def _class_name(label: Any) -> str:
    """``class 0`` for a label 0 (or 0.0), ``class -1``, ``class cat``."""
    if isinstance(label, (int, float, np.integer, np.floating)) and float(label).is_integer():
        return f"class {int(label)}"
    return f"class {label}"


def _class_index(ys: Any, count: int) -> Any:
    """Each label's class index among ``count`` classes, or None if the labels cannot be those classes.

    Labels 0, 1, ..., count - 1 (all or some of them) are their own indices; ``count`` other labels are
    numbered in order (-1 and 1 become 0 and 1).
    """
    labels = np.unique(ys)
    if np.issubdtype(labels.dtype, np.number) and all(
        float(v).is_integer() and 0 <= v < count for v in labels
    ):
        return ys.astype(int)
    if len(labels) == count:
        return np.searchsorted(labels, ys)
    return None


def _scatter(ax: Any, xs: Any, ys: Any, index: Any, count: int, boundary: bool = False) -> None:
    """The points, coloured by class index, and a key naming each class present (and the boundary)."""
    from matplotlib.lines import Line2D

    colours = _class_colours(count)
    ax.scatter(xs[:, 0], xs[:, 1], c=[colours[k] for k in index], s=25, edgecolors="black", linewidths=0.5)
    ax.set_xlabel("$x_0$")
    ax.set_ylabel("$x_1$")
    present = sorted({int(k): label for k, label in zip(index, ys, strict=True)}.items())  # in order
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=6,
            markerfacecolor=colours[k],
            markeredgecolor="black",
            markeredgewidth=0.5,
            label=_class_name(label),
        )
        for k, label in present
    ]
    if boundary:
        handles.append(Line2D([], [], color="black", linewidth=1.2, label="decision boundary"))
    ax.legend(handles=handles, loc="best", fontsize="small", framealpha=0.85)


def _checked(name: str, X: ArrayLike, y: ArrayLike) -> tuple[Any, Any]:
    xs, ys = np.asarray(X, dtype=np.float64), np.asarray(y)
    if xs.ndim != 2 or xs.shape[1] != 2:
        raise ValueError(f"{name} needs X of shape (n, 2), got {xs.shape}")
    if ys.shape != (len(xs),):
        raise ValueError(f"{name} needs y of shape ({len(xs)},), a label per row of X, got {ys.shape}")
    return xs, ys


def plot_data(X: ArrayLike, y: ArrayLike, ax: Any = None) -> Any:
    """Scatter a 2-D data set, one colour per class, with a key naming the classes.

    The classes are ``y``'s values in order: the first blue, the second red, the third green, ...

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import nn
        >>> ax = plot_data(*nn.data.moons(20, seed=0))
        >>> len(ax.collections), [t.get_text() for t in ax.get_legend().get_texts()]
        (1, ['class 0', 'class 1'])
    """
    xs, ys = _checked("plot_data", X, y)
    ax = _axes(ax)
    labels, rank = np.unique(ys, return_inverse=True)
    _scatter(ax, xs, ys, rank, len(labels))
    return ax


def plot_decision_boundary(
    model: Module,
    X: ArrayLike,
    y: ArrayLike,
    ax: Any = None,
    resolution: int = 120,
    threshold: float = 0.0,
    *,
    title: str | None = None,
) -> Any:
    """Colour the plane by the model's prediction, draw the boundary, and scatter the data on top.

    A model with one output is split at ``threshold`` (0 for a score or a logit, 0.5 for a
    probability); with several outputs each point gets the class of its largest output. Labels
    0, 1, ... are the model's classes 0, 1, ...; other labels are numbered in order (-1 and 1 are
    classes 0 and 1). A class has the same colour in the plane and among the points, and a key names
    the classes and the boundary (the black line). The title says how many of the points the model
    gets right; ``title`` replaces it ("" for none).

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import nn
        >>> X, y = nn.data.moons(20, seed=0)
        >>> ax = plot_decision_boundary(nn.MLP(2, [4, 1], seed=0), X, y, resolution=20)
        >>> bool(ax.get_xlim()[0] < X[:, 0].min())
        True
        >>> ax.get_title()
        'Decision boundary: 55% of the 20 points right'
    """
    xs, ys = _checked("plot_decision_boundary", X, y)
    pad = 0.25 * (xs.max(axis=0) - xs.min(axis=0)) + 1e-9
    lo, hi = xs.min(axis=0) - pad, xs.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    out = model.predict(np.column_stack([gx.ravel(), gy.ravel()]))
    count = 2 if out.ndim == 1 else out.shape[1]  # the classes the model tells apart
    ax = _axes(ax)
    levels = np.arange(count + 1) - 0.5  # a band per class: k - 0.5 to k + 0.5
    regions = _classes(out, threshold).reshape(gx.shape)
    ax.contourf(gx, gy, regions, levels=levels, colors=_class_colours(count), alpha=0.3)
    ax.contour(gx, gy, regions, levels=levels[1:-1], colors="black", linewidths=1.2)
    index = _class_index(ys, count)
    if index is None:  # labels that are not the model's classes: coloured as plot_data colours them
        labels, rank = np.unique(ys, return_inverse=True)
        _scatter(ax, xs, ys, rank, len(labels), boundary=True)
    else:
        _scatter(ax, xs, ys, index, count, boundary=True)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    if title is None:
        title = "Decision boundary"
        if index is not None:
            right = float(np.mean(_classes(model.predict(xs), threshold) == index))
            title += f": {right:.0%} of the {len(xs)} points right"
    ax.set_title(title)
    return ax


def _classes(out: Any, threshold: float) -> Any:
    """The class index of each row of a model's outputs: 0 or 1 by the threshold, or the largest output."""
    return (out > threshold).astype(int) if out.ndim == 1 else out.argmax(axis=1)


def plot_history(history: History, ax: Any = None, *, title: str | None = None) -> Any:
    """The loss per epoch on the left axis, and the accuracy on the right one when it was measured.

    The loss is blue, on a log scale when it stays above 0; the accuracy red, from 0 to 1. Each axis's
    label and numbers are in its curve's colour, a key names the curves with their last values, and
    the title says how many epochs; ``title`` replaces it ("" for none). A log axis over a few powers
    of ten is numbered at 1, 2 and 5 times each (a loss falling from 0.9 to 0.05 reads 0.05, 0.1,
    0.2, 0.5, 1), not at the powers of ten alone.

    Returns the loss's Axes; the accuracy's is its twin, the last of ``ax.figure.axes``.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> ax = plot_history(History(loss=[1.0, 0.5, 0.2], accuracy=[0.5, 0.75, 1.0]))
        >>> ax.get_ylabel(), ax.get_title()
        ('loss', 'Training over 3 epochs')
        >>> [t.get_text() for t in ax.figure.axes[-1].get_legend().get_texts()]
        ['loss (last 0.2)', 'accuracy (last 100%)']
    """
    if not isinstance(history, History):
        raise TypeError(f"plot_history takes a History, got {type(history).__name__}")
    from matplotlib.ticker import MaxNLocator

    ax = _axes(ax)
    epochs = np.arange(1, history.epochs + 1)
    last = f" (last {history.loss[-1]:.3g})" if history.loss else ""
    lines = ax.plot(epochs, history.loss, color=_LOSS_INK, label=f"loss{last}")
    positive = [v for v in history.loss if math.isfinite(v)]
    if history.loss and min(history.loss) > 0:
        ax.set_yscale("log")
        if positive:
            _log_ticks(ax.yaxis, min(positive), max(positive))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))  # no half epochs
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss", color=_LOSS_INK)
    ax.tick_params(axis="y", which="both", labelcolor=_LOSS_INK)
    key = ax
    acc = np.asarray(history.accuracy, dtype=np.float64)
    if acc.size and not np.isnan(acc).all():
        key = ax.twinx()
        measured = acc[~np.isnan(acc)]
        lines += key.plot(epochs, acc, color=_ACCURACY_INK, label=f"accuracy (last {measured[-1]:.0%})")
        key.set_ylabel("accuracy", color=_ACCURACY_INK)
        key.tick_params(axis="y", labelcolor=_ACCURACY_INK)
        key.set_ylim(0.0, 1.05)
    # The loss ends low and the accuracy high: the middle of the right side is where neither is.
    key.legend(handles=lines, loc="center right" if key is not ax else "upper right", fontsize="small")
    epochs_run = f"{history.epochs} epoch{'' if history.epochs == 1 else 's'}"
    ax.set_title(f"Training over {epochs_run}" if title is None else title)
    return ax


# The numbers of a log axis (times each power of ten), by how many decades the data span, at most.
_LOG_TICKS = [
    (0.7, tuple(float(k) for k in range(1, 10))),
    (1.5, (1.0, 2.0, 3.0, 5.0)),
    (3.0, (1.0, 2.0, 5.0)),
    (4.0, (1.0, 3.0)),
]


def _log_ticks(axis: Any, lo: float, hi: float) -> None:
    """Number a log axis from ``lo`` to ``hi`` densely enough to read off it.

    Matplotlib numbers only the powers of ten past one decade: a loss from 0.9 to 0.05 would show
    just 1 and 0.1. This numbers every digit within a fraction of a decade (0.5, 0.6, ... 0.9), then
    1, 2, 3 and 5 times each power of ten, then 1, 2 and 5 times, then 1 and 3 times, and past four
    decades the powers of ten alone, every one or every few (about eight). The numbers are written plainly
    (0.05) when all of them can be, and as powers of ten otherwise.
    """
    from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

    decades = math.log10(hi / lo)
    subs = next((subs for most, subs in _LOG_TICKS if decades <= most), None)
    if subs is not None:
        axis.set_major_locator(LogLocator(base=10, subs=subs, numticks=100))
    else:  # powers of ten, one every `step` decades: at most about eight (not left to matplotlib's version)
        step = math.ceil(decades / 8)
        first = math.floor(math.log10(lo) / step) * step
        powers = range(first, math.ceil(math.log10(hi)) + 1, step)
        axis.set_major_locator(FixedLocator([10.0**e for e in powers]))

    def number(value: float, _position: Any = None) -> str:
        low, high = sorted(axis.get_view_interval())
        return _tick_number(value, plain=low >= 1e-4 and high < 1e5)

    axis.set_major_formatter(FuncFormatter(number))
    axis.set_minor_formatter(NullFormatter())


def _tick_number(value: float, plain: bool) -> str:
    """``0.05``, ``2``, ``300`` if ``plain``, else ``$5\\times10^{-2}$``, ``$2\\times10^{0}$``."""
    if plain:
        return f"{value:g}"
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = round(value / 10.0**exponent)
    return f"$10^{{{exponent}}}$" if mantissa == 1 else f"${mantissa}\\times10^{{{exponent}}}$"


# ------------------------------------------------------------------------------- layer health
UPDATE_RATIO_GUIDE = -3.0
"""The guide line of ``plot_health``'s update panel: steps about a thousandth of the weights' size."""


def plot_health(
    history: History, fig: Any = None, *, layers: Sequence[str] | None = None, title: str | None = None
) -> Any:
    """Draw the layers' health that ``fit(..., monitor=True)`` recorded: six panels over the epochs,
    one line per layer in the same colour in each, and a key naming the layers (``layers.0 (tanh)``).

    The panels: the activations' mean, their standard deviation, the fraction of dead relu units and
    saturated tanh/sigmoid outputs (each layer where it applies), the standard deviation of the gradient
    of the layer's outputs and of its weights (log scales), and the update:data ratio
    ``log10(std(step) / std(weights))`` with a dashed guide at -3. ``nn.health`` defines each number.
    A run of few epochs gets a dot on each epoch, so that one epoch still shows.

    Args:
        history: a ``History`` with ``health``, from ``fit(..., monitor=True)`` or
            ``History.from_dict`` of a ``history.json``.
        fig: a matplotlib Figure to draw on (empty); default a new one, 12 x 6.5 inches.
        layers: the names of the layers to draw (``["layers.0", "layers.1"]``), default all of them;
            leaving out a linear output layer, whose outputs are scores, keeps the hidden layers' scale.
        title: the figure's title; default ``Layer health over N epochs`` ("" for none).

    Returns:
        The Figure; its first six axes are the panels, in the order above.

    Raises:
        TypeError: ``history`` is no History.
        ValueError: it holds no health (trained without ``monitor=True``), or ``layers`` names a
            layer it does not have.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import nn
        >>> X, y = nn.data.moons(30, seed=0)
        >>> model = nn.MLP(2, [6, 6, 1], activation="tanh", seed=0)
        >>> history = nn.train.fit(model, X, y, loss="bce_logits", epochs=4, monitor=True, progress=False)
        >>> fig = plot_health(history)
        >>> [ax.get_title() for ax in fig.axes[:2]]
        ['activation mean', 'activation std']
        >>> [t.get_text() for t in fig.legends[0].get_texts()][:3]
        ['layers.0 (tanh)', 'layers.1 (tanh)', 'layers.2 (linear)']
    """
    if not isinstance(history, History):
        raise TypeError(f"plot_health takes a History, got {type(history).__name__}")
    if not history.health:
        raise ValueError(
            "plot_health needs a History recorded with fit(..., monitor=True); this one has no health"
        )
    records = history.health
    if layers is not None:
        if isinstance(layers, str) or not all(isinstance(name, str) for name in layers):
            raise TypeError("plot_health: layers must be a list of layer names, such as ['layers.0']")
        names = [layer.name for layer in records]
        unknown = [name for name in layers if name not in names]
        if unknown or not layers:
            raise ValueError(f"plot_health: layers must name some of {names}, got {list(layers)}")
        records = [layer for layer in records if layer.name in layers]
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    if fig is None:
        fig = plt.figure(figsize=(12, 6.5), layout="constrained")
    axes = fig.subplots(2, 3)
    panels = list(axes.ravel())
    kinds = {layer.activation for layer in records}
    flat_parts = [
        text
        for text, present in [
            ("dead relu units", "relu" in kinds),
            (f"saturated: |tanh| > {SATURATED:g}", "tanh" in kinds),
            (f"saturated: |2 sigmoid - 1| > {SATURATED:g}", "sigmoid" in kinds),
        ]
        if present
    ]
    flat_title = "; ".join(flat_parts) or "dead or saturated (no relu, tanh or sigmoid)"
    specs = [
        ("act_mean", "activation mean", "mean of the outputs", False),
        ("act_std", "activation std", "std of the outputs", False),
        ("flat", flat_title, "fraction of the layer", False),
        ("grad_std", "gradient std at the outputs", "std of dL/d(outputs)", True),
        ("weight_grad_std", "weight gradient std", "std of dL/dw", True),
        ("update_ratio", "update:data ratio", "log10(std(step) / std(w))", False),
    ]
    colours = [plt.get_cmap("tab10")(k % 10) for k in range(len(records))]
    handles = []
    for ax, (key, panel_title, ylabel, log) in zip(panels, specs, strict=True):
        for k, layer in enumerate(records):
            if key == "flat":
                values = layer.dead if layer.activation == "relu" else layer.saturated
            else:
                values = getattr(layer, key)
            epochs = np.arange(1, len(values) + 1)
            marker = "o" if len(values) <= 20 else None
            (line,) = ax.plot(
                epochs,
                values,
                color=colours[k],
                marker=marker,
                markersize=3,
                label=f"{layer.name} ({layer.activation})",
            )
            if key == "act_mean":
                handles.append(line)
        if log and any(v > 0 for layer in records for v in getattr(layer, key) if math.isfinite(v)):
            ax.set_yscale("log")
        if key == "flat":
            ax.set_ylim(-0.03, 1.03)
        if key == "update_ratio":
            guide = ax.axhline(UPDATE_RATIO_GUIDE, color="black", linestyle="--", linewidth=1)
            guide.set_label(f"guide: {UPDATE_RATIO_GUIDE:g}")
            ax.legend(handles=[guide], loc="best", fontsize="small")
        ax.set_title(panel_title, fontsize="medium")
        ax.set_ylabel(ylabel)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    fig.legend(handles=handles, loc="outside right upper", fontsize="small", title="layer")
    epochs_run = f"{history.epochs} epoch{'' if history.epochs == 1 else 's'}"
    fig.suptitle(f"Layer health over {epochs_run}" if title is None else title)
    return fig
