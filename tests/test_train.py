"""fit, History and the network pictures (the command line is in test_cli.py)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from helpers import needs_renderer

import nn
from autograd.viz import render_svg
from nn.optim import SGD, Adam, LinearLR
from nn.train import History, fit
from nn.viz import draw_network, plot_data, plot_decision_boundary, plot_history


def test_full_batch_step_equals_a_hand_written_step() -> None:
    X, y = nn.data.moons(12, seed=3)
    a = nn.MLP(2, [4, 1], seed=5)
    b = nn.MLP(2, [4, 1], seed=5)
    fit(a, X, y, loss="mse", optimizer=SGD(a.parameters(), lr=0.05), epochs=1, progress=False)
    preds = [b(list(row)) for row in X]
    loss = nn.losses.mse_loss(preds, y.astype(float))
    loss.backward()
    for p in b.parameters():
        p.data -= 0.05 * p.grad
    assert a.state_dict() == pytest.approx(b.state_dict(), rel=1e-14, abs=1e-15)


def test_minibatches_count_steps_and_shuffle_with_the_seed() -> None:
    X, y = nn.data.moons(10, seed=0)
    steps = []

    class Counting(SGD):
        def step(self) -> None:
            steps.append(1)
            super().step()

    model = nn.MLP(2, [3, 1], seed=0)
    fit(model, X, y, optimizer=Counting(model.parameters(), lr=0.01), epochs=2, batch_size=4, progress=False)
    assert len(steps) == 2 * 3  # ceil(10 / 4) batches per epoch
    runs = []
    for _ in range(2):
        m = nn.MLP(2, [3, 1], seed=0)
        fit(m, X, y, optimizer=SGD(m.parameters(), lr=0.1), epochs=3, batch_size=3, seed=7, progress=False)
        runs.append(m.state_dict())
    assert runs[0] == runs[1]
    m = nn.MLP(2, [3, 1], seed=0)
    fit(m, X, y, optimizer=SGD(m.parameters(), lr=0.1), epochs=3, batch_size=3, seed=8, progress=False)
    assert m.state_dict() != runs[0]


def test_history_records_loss_accuracy_and_lr() -> None:
    X, y = nn.data.xor()
    model = nn.MLP(2, [8, 1], activation="tanh", seed=0)
    opt = Adam(model.parameters(), lr=0.05)
    schedule = nn.optim.LinearLR(opt, 1.0, 0.5, total_iters=10)
    seen = []
    h = fit(model, X, y, loss="mse", optimizer=opt, epochs=200, schedule=schedule, progress=False,
            callback=lambda epoch, hist: seen.append(epoch))  # fmt: skip
    assert isinstance(h, History) and h.epochs == 200 == len(h.accuracy) == len(h.lr) == len(seen)
    assert h.loss[-1] < h.loss[0] and h.accuracy[-1] == 1.0
    assert h.lr[0] == 0.05 and h.lr[-1] == pytest.approx(0.025)


def test_cross_entropy_on_three_classes() -> None:
    X, y = nn.data.blobs(60, centers=3, std=0.5, seed=1)
    model = nn.MLP(2, [8, 3], seed=1)
    h = fit(
        model,
        X,
        y,
        loss="cross_entropy",
        optimizer=Adam(model.parameters(), lr=0.05),
        epochs=40,
        progress=False,
    )
    assert h.accuracy[-1] > 0.9
    assert (model.predict(X).argmax(axis=1) == y).mean() > 0.9


def test_custom_loss_has_no_accuracy_unless_given() -> None:
    X, y = nn.data.xor()
    model = nn.MLP(2, [2, 1], seed=0)
    h = fit(model, X, y, loss=lambda p, t: nn.losses.mse_loss(p, t), epochs=2, progress=False)
    assert math.isnan(h.accuracy[0])


def test_fit_boundary_errors() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    X, y = nn.data.xor()
    with pytest.raises(ValueError, match="one target per row"):
        fit(model, X, y[:3], progress=False)
    with pytest.raises(ValueError, match="2-D"):
        fit(model, X[0], y, progress=False)
    with pytest.raises(ValueError, match="unknown loss 'l1'"):
        fit(model, X, y, loss="l1", progress=False)
    with pytest.raises(ValueError, match="batch_size"):
        fit(model, X, y, batch_size=0, progress=False)
    with pytest.raises(TypeError, match="Module"):
        fit(lambda x: x, X, y, progress=False)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="real numbers"):
        fit(model, np.array([["a", "b"]]), [1.0], progress=False)


XOR_X, XOR_Y = nn.data.xor()


class Untouched:
    """A model, an optimizer and a callback to hand fit; then check that nothing ran or changed."""

    def __init__(self, model: nn.Module | None = None) -> None:
        self.model = model or nn.MLP(2, [3, 1], seed=0)
        self.optimizer = SGD(self.model.parameters(), lr=0.1)
        self.before = self.model.state_dict()
        self.epochs: list[int] = []

    def callback(self, epoch: int, history: History) -> None:
        self.epochs.append(epoch)

    def fit(self, X: Any = XOR_X, y: Any = XOR_Y, **kwargs: Any) -> History:
        kwargs = {"optimizer": self.optimizer, "callback": self.callback, "epochs": 2, "batch_size": 2,
                  "progress": False, **kwargs}  # fmt: skip
        return fit(self.model, X, y, **kwargs)

    def check(self) -> None:
        assert self.model.state_dict() == self.before and self.optimizer.steps == 0 and not self.epochs


def other_schedule() -> LinearLR:
    return LinearLR(SGD(nn.MLP(2, [1], seed=0).parameters(), lr=0.1))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"schedule": "x"}, TypeError, "schedule must be a learning-rate schedule (with a step() method) "
                                       "or None, got 'x' (str)"),
        ({"callback": 5}, TypeError, "callback must be a function or None, got 5 (int)"),
        ({"accuracy": "yes"}, TypeError, "accuracy must be a function or None, got 'yes' (str)"),
        ({"epochs": 2.5}, TypeError, "epochs must be a non-negative integer, got 2.5 (float)"),
        ({"epochs": -1}, ValueError, "epochs must be a non-negative integer, got -1"),
        ({"batch_size": 0}, ValueError, "batch_size (None for the full batch) must be a positive integer, "
                                        "got 0"),
        ({"batch_size": 1.5}, TypeError, "batch_size (None for the full batch) must be a positive integer, "
                                         "got 1.5 (float)"),
        ({"shuffle": "no"}, TypeError, "shuffle must be True or False, got 'no' (str)"),
        ({"progress": None}, TypeError, "progress must be True or False, got None (NoneType)"),
        ({"batched": 1}, TypeError, "batched must be True or False or None, got 1 (int)"),
        ({"seed": -1}, ValueError, "seed must be a non-negative integer, a numpy.random.Generator or None, "
                                   "got -1"),
        ({"seed": "0"}, TypeError, "seed must be a non-negative integer, a numpy.random.Generator or None, "
                                   "got '0' (str)"),
        ({"l2": -1e-4}, ValueError, "l2 must be a finite number >= 0, got -0.0001"),
        ({"l2": math.nan}, ValueError, "l2 must be a finite number >= 0, got nan"),
        ({"l2": "0.1"}, TypeError, "l2 must be a finite number >= 0, got '0.1' (str)"),
        ({"optimizer": "sgd"}, TypeError, "optimizer must be an nn.optim optimizer (SGD, Adam) or None, "
                                          "got 'sgd' (str)"),
        ({"loss": "l1"}, ValueError, "unknown loss 'l1', expected one of mse, bce, bce_logits, hinge, "
                                     "cross_entropy or a function"),
        ({"loss": 5}, TypeError, "loss must be a str or a function, got 5 (int)"),
        ({"schedule": other_schedule()}, ValueError, "schedule sets the learning rate of another optimizer "
                                                     "than the one fit steps"),
    ],
)  # fmt: skip
def test_fit_checks_every_argument_before_the_first_step(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    """schedule="x" and callback=5 used to fail only after a step or an epoch had changed the model."""
    run = Untouched()
    with pytest.raises(error, match=f"^fit: {re.escape(message)}$"):
        run.fit(**kwargs)
    run.check()


@pytest.mark.parametrize(
    "model",
    [
        nn.MLP(2, [3, 1], seed=0),
        nn.MLP(2, [3, 1], out_activation="tanh", seed=0),
        nn.Neuron(2, "linear", seed=0),
        nn.Neuron(2, "relu", seed=0),
    ],
    ids=["linear MLP", "tanh MLP", "linear Neuron", "relu Neuron"],
)
def test_bce_is_refused_on_an_output_that_is_no_probability(model: nn.Module) -> None:
    run = Untouched(model)
    with pytest.raises(
        ValueError,
        match=r"^fit: loss='bce' takes probabilities, but the model's output activation is "
        r"'(linear|tanh|relu)': use loss='bce_logits'",
    ):
        run.fit(loss="bce")
    run.check()


class Scaled(nn.Module):
    """A model of our own: fit cannot know its output activation, so it looks at the outputs."""

    def __init__(self, squash: bool) -> None:
        self.inner = nn.MLP(2, [3, 1], seed=0)
        self.squash = squash

    def forward(self, x: Any) -> Any:
        out = self.inner(x) * 10.0
        return out.sigmoid() if self.squash else out


def test_bce_on_a_model_of_ones_own_is_checked_by_its_outputs() -> None:
    run = Untouched(Scaled(squash=False))
    with pytest.raises(
        ValueError,
        match=r"^fit: loss='bce' takes probabilities, but the model's outputs on X are not all in \[0, 1\]: "
        r"use loss='bce_logits'",
    ):
        run.fit(loss="bce")
    run.check()
    for model in [
        Scaled(squash=True),
        nn.MLP(2, [3, 1], out_activation="sigmoid", seed=0),
        nn.Neuron(2, "sigmoid"),
    ]:
        assert fit(model, XOR_X, XOR_Y, loss="bce", epochs=1, progress=False).epochs == 1


def test_an_optimizer_over_another_model_is_refused_a_part_of_this_one_is_not() -> None:
    run = Untouched()
    other = nn.MLP(2, [3, 1], seed=1)
    with pytest.raises(ValueError, match=r"^fit: the optimizer holds none of the model's 13 parameters"):
        run.fit(optimizer=Adam(other.parameters()))
    run.check()
    first, last = run.model.layers  # type: ignore[attr-defined]
    fit(run.model, XOR_X, XOR_Y, optimizer=SGD(last.parameters(), lr=0.1), epochs=3, progress=False)
    assert first.state_dict() == nn.MLP(2, [3, 1], seed=0).layers[0].state_dict()  # fine-tuning a part
    assert last.state_dict() != nn.MLP(2, [3, 1], seed=0).layers[1].state_dict()


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("loss", ["mse", "bce_logits", "hinge"])
def test_several_outputs_for_one_target_per_sample_are_refused_up_front(loss: str, batched: bool) -> None:
    run = Untouched(nn.MLP(2, [3, 2], seed=0))
    y = 2 * XOR_Y - 1 if loss == "hinge" else XOR_Y
    with pytest.raises(
        ValueError,
        match=rf"^fit: loss='{loss}' takes one output per sample, to pair with y of shape \(4,\); "
        r"the model gives a list of 2 per sample \(for classes, use loss='cross_entropy'",
    ):
        run.fit(y=y, loss=loss, batched=batched)
    run.check()


class ListOfOne(nn.Module):
    """A model of one's own whose forward gives its one output in a list."""

    def __init__(self) -> None:
        self.neuron = nn.Neuron(2, seed=0)

    def forward(self, x: Any) -> list[Any]:
        return [self.neuron(x)]


def test_a_list_of_one_output_is_refused_with_a_hint() -> None:
    run = Untouched(ListOfOne())
    with pytest.raises(
        ValueError, match=r"gives a list of 1 per sample \(a list of one: make forward return its Value"
    ):
        run.fit(loss="mse")
    run.check()


@pytest.mark.parametrize("batched", [True, False])
def test_a_layer_of_one_neuron_trains_on_one_target_per_sample(batched: bool) -> None:
    layer = nn.Layer(2, 1, "linear", seed=0)  # its forward gives a Value, as micrograd's
    history = fit(layer, XOR_X, XOR_Y, loss="mse", epochs=3, progress=False, batched=batched)
    assert history.epochs == 3 and layer.state_dict() != nn.Layer(2, 1, "linear", seed=0).state_dict()


def test_cross_entropy_needs_one_output_per_class() -> None:
    run = Untouched()
    with pytest.raises(
        ValueError,
        match=r"^fit: loss='cross_entropy' takes one output \(logit\) per class, at least 2; "
        "the model gives one Value per sample",
    ):
        run.fit(y=XOR_Y.astype(int), loss="cross_entropy")
    run.check()


@pytest.mark.parametrize(
    ("loss", "y", "match"),
    [("hinge", [1, -1, -1, 0], r"hinge_loss: labels must be -1 or \+1, got 0.0 at index 3"),
     ("bce_logits", [0, 1, 1, 2], r"targets must lie in \[0, 1\], got 2.0 at index 3"),
     ("cross_entropy", [0, 1, 1, 3], r"cross_entropy: targets must lie in 0 \.\. 1, got 0 \.\. 3")],
)  # fmt: skip
def test_targets_of_every_batch_are_checked_before_the_first_step(
    loss: str, y: list[int], match: str
) -> None:
    """With minibatches, a bad target in a later batch used to stop training after some steps."""
    run = Untouched(nn.MLP(2, [3, 2 if loss == "cross_entropy" else 1], seed=0))
    with pytest.raises(ValueError, match=match):
        run.fit(y=np.array(y), loss=loss, shuffle=False)
    run.check()


@needs_renderer
def test_draw_network_edges_follow_weights() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    dot = draw_network(model)
    svg = ET.fromstring(render_svg(dot).encode())
    ns = "{http://www.w3.org/2000/svg}"
    edges = {
        next(g.iter(f"{ns}title")).text: next(g.iter(f"{ns}path")).get("stroke")
        for g in svg.iter(f"{ns}g")
        if g.get("class") == "edge"
    }
    assert len(edges) == 2 * 3 + 3 * 1
    for k, layer in enumerate(model.layers, 1):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                assert edges[f"L{k - 1}_{i}->L{k}_{j}"] == ("#2166ac" if w.data >= 0 else "#b2182b")
    with pytest.raises(ValueError, match="by"):
        draw_network(model, by="size")
    with pytest.raises(TypeError, match="MLP, Layer or Neuron"):
        draw_network(nn.Module())


def test_plots_return_axes_and_draw_only_what_is_asked() -> None:
    matplotlib = pytest.importorskip(
        "matplotlib", reason="plots need matplotlib: pip install 'glassgrad[plot]'"
    )
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = nn.data.moons(30, seed=0)
    _, ax = plt.subplots()
    assert plot_data(X, y, ax=ax) is ax and len(ax.collections) == 1
    ax2 = plot_decision_boundary(nn.MLP(2, [4, 1], seed=0), X, y, resolution=15)
    assert ax2 is not ax and len(ax2.collections) >= 2
    ax3 = plot_history(History(loss=[1.0, 0.1], accuracy=[float("nan")] * 2))
    assert len(ax3.lines) == 1 and ax3.get_yscale() == "log"
    plt.close("all")


# --- the plots as a person sees them: titles, keys, axis labels, tick numbers -----------------------------


@pytest.fixture
def plt() -> Iterator[Any]:
    matplotlib = pytest.importorskip(
        "matplotlib", reason="plots need matplotlib: pip install 'glassgrad[plot]'"
    )
    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    yield pyplot
    pyplot.close("all")


def legend_texts(fig: Any) -> list[str]:
    """The texts of every key on the figure, in order."""
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    return [text.get_text() for legend in legends for text in legend.get_texts()]


def seen_tick_labels(axis: Any) -> list[str]:
    """The numbers written along an axis once drawn: labelled ticks, major or minor, inside its view."""
    axis.axes.figure.canvas.draw()
    lo, hi = sorted(axis.get_view_interval())
    return [
        label.get_text()
        for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]
        if lo <= tick.get_loc() <= hi
        for label in (tick.label1, tick.label2)  # left (or bottom) and right (or top)
        if label.get_visible() and label.get_text()
    ]


def test_plot_history_says_which_line_is_loss_and_which_accuracy(plt: Any) -> None:
    from matplotlib.colors import same_color

    loss = list(np.geomspace(0.9, 0.05, 30))
    ax = plot_history(History(loss=loss, accuracy=list(np.linspace(0.5, 1.0, 30))))
    fig = ax.figure
    twin = next(other for other in fig.axes if other is not ax)
    assert ax.get_title() == "Training over 30 epochs"
    texts = legend_texts(fig)
    assert len(texts) == 2 and "loss" in texts[0] and "accuracy" in texts[1], texts
    assert texts == ["loss (last 0.05)", "accuracy (last 100%)"]
    # Each axis labelled in its line's colour: loss on the left, log scale; accuracy on the right, 0 to 1.
    (loss_line,), (accuracy_line,) = ax.get_lines(), twin.get_lines()
    assert ax.get_ylabel() == "loss" and ax.get_yscale() == "log"
    assert same_color(ax.yaxis.label.get_color(), loss_line.get_color())
    assert twin.get_ylabel() == "accuracy" and twin.get_yscale() == "linear"
    assert same_color(twin.yaxis.label.get_color(), accuracy_line.get_color())
    assert not same_color(loss_line.get_color(), accuracy_line.get_color())
    assert twin.yaxis.get_label_position() == "right"
    lo, hi = twin.get_ylim()
    assert lo == 0 and 1 <= hi <= 1.1
    # A loss from 0.9 to 0.05 is numbered more often than at 1 and 0.1 alone.
    numbers = seen_tick_labels(ax.yaxis)
    assert len(numbers) > 2 and len(set(numbers)) == len(numbers), numbers
    assert numbers == ["0.05", "0.1", "0.2", "0.3", "0.5", "1"]
    assert len(seen_tick_labels(twin.yaxis)) > 2


@pytest.mark.parametrize(
    ("top", "bottom", "expected"),
    [
        (0.9, 0.5, ["0.5", "0.6", "0.7", "0.8", "0.9"]),  # within a decade: every digit
        (0.9, 0.05, ["0.05", "0.1", "0.2", "0.3", "0.5", "1"]),  # not just 1 and 0.1
        (0.4, 0.05, ["0.05", "0.1", "0.2", "0.3"]),
        (2.0, 1e-3, ["0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1"]),
    ],
)
def test_plot_history_numbers_a_log_axis_densely_enough(
    plt: Any, top: float, bottom: float, expected: list[str]
) -> None:
    ax = plot_history(History(loss=list(np.geomspace(top, bottom, 20)), accuracy=[math.nan] * 20))
    assert seen_tick_labels(ax.yaxis) == expected
    assert len(ax.figure.axes) == 1  # no accuracy axis when none was measured
    assert legend_texts(ax.figure) == [f"loss (last {bottom:.3g})"]


@pytest.mark.parametrize(("top", "bottom", "count"), [(10.0, 1e-4, 6), (1.0, 1e-12, 7), (3e-6, 1e-7, 7)])
def test_plot_history_numbers_many_decades_or_tiny_losses_in_powers_of_ten(
    plt: Any, top: float, bottom: float, count: int
) -> None:
    ax = plot_history(History(loss=list(np.geomspace(top, bottom, 50))))
    numbers = seen_tick_labels(ax.yaxis)
    assert len(numbers) == count and all("10^{" in n for n in numbers), numbers


def test_plot_history_title_can_be_given_or_left_out(plt: Any) -> None:
    history = History(loss=[1.0, 0.5], accuracy=[0.5, 1.0])
    assert plot_history(history, title="XOR").get_title() == "XOR"
    assert plot_history(history, title="").get_title() == ""
    assert plot_history(History(loss=[0.3])).get_title() == "Training over 1 epoch"


def test_plot_decision_boundary_has_a_title_and_a_key_of_the_classes_and_the_boundary(plt: Any) -> None:
    from matplotlib.colors import same_color

    X, y = nn.data.moons(40, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    right = float(np.mean((model.predict(X) > 0) == (y == 1)))
    ax = plot_decision_boundary(model, X, y, resolution=30)
    assert ax.get_title() == f"Decision boundary: {right:.0%} of the 40 points right"
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["class 0", "class 1", "decision boundary"]
    # Each class's dot in the key has the colour of its points.
    points = ax.collections[-1].get_facecolors()
    dots = legend.legend_handles
    for label, dot in zip((0, 1), dots, strict=False):
        assert same_color(dot.get_markerfacecolor(), points[y == label][0])
    assert same_color(dots[2].get_color(), "black") and dots[2].get_marker() in ("None", "", None)
    # The same, for labels -1 and 1 (hinge targets) and with a title of one's own.
    ax = plot_decision_boundary(model, X, 2 * y - 1, resolution=30, title="moons")
    assert ax.get_title() == "moons"
    assert legend_texts(ax.figure) == ["class -1", "class 1", "decision boundary"]


def test_plot_decision_boundary_names_three_classes(plt: Any) -> None:
    X, y = nn.data.blobs(30, seed=0)
    model = nn.MLP(2, [3], seed=0)
    ax = plot_decision_boundary(model, X, y, resolution=20)
    right = float(np.mean(model.predict(X).argmax(axis=1) == y))
    assert ax.get_title() == f"Decision boundary: {right:.0%} of the 30 points right"
    assert legend_texts(ax.figure) == ["class 0", "class 1", "class 2", "decision boundary"]


def test_plot_data_names_its_classes_and_checks_the_labels(plt: Any) -> None:
    X, y = nn.data.moons(20, seed=0)
    assert legend_texts(plot_data(X, y).figure) == ["class 0", "class 1"]
    with pytest.raises(ValueError, match=r"y of shape \(20,\)"):
        plot_data(X, y[:5])
