"""fit(..., monitor=True), the layers' health it records, plot_health and ``python -m nn train --monitor``.

The recorded numbers are checked against statistics computed here, straight from the model: its own
layers run on the same batches, one backward pass, one optimizer step, NumPy's mean and std.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Value, no_grad
from autograd.batch import columns
from nn.health import SATURATED, LayerHealth, find_layers
from nn.losses import binary_cross_entropy_with_logits
from nn.module import LAYER_OUTPUTS
from nn.optim import SGD, Adam
from nn.train import History, fit


def _twin(model: nn.MLP) -> nn.MLP:
    other = nn.MLP(model.nin, model.nouts, model.activation, model.out_activation)
    other.load_state_dict(model.state_dict())
    return other


def _direct(model: nn.MLP, X: Any, y: Any, lr: float, size: int, epochs: int) -> dict[str, np.ndarray]:
    """Each layer's statistics per epoch, computed from the model directly: its layers run one after
    another on each batch (in order, no shuffling), the loss's backward pass, a hand-written SGD step."""
    n_layers = len(model.layers)
    stats: dict[str, list[list[float]]] = {
        key: [[] for _ in range(n_layers)]
        for key in ("act_mean", "act_std", "grad_std", "dead", "saturated", "weight_grad_std", "update_ratio")
    }
    for _ in range(epochs):
        acts: list[list[np.ndarray]] = [[] for _ in range(n_layers)]
        grads: list[list[np.ndarray]] = [[] for _ in range(n_layers)]
        wgrads: list[list[float]] = [[] for _ in range(n_layers)]
        ratios: list[list[float]] = [[] for _ in range(n_layers)]
        for start in range(0, len(X), size):
            xb, yb = X[start : start + size], y[start : start + size]
            h: list[Value] = columns(xb)
            outs = []
            for layer in model.layers:
                out = layer(h)
                h = [out] if isinstance(out, Value) else out
                outs.append(h)
            loss = binary_cross_entropy_with_logits(h[0], yb)
            model.zero_grad()
            loss.backward()
            for k, layer in enumerate(model.layers):
                acts[k].append(np.column_stack([v.data for v in outs[k]]))
                grads[k].append(np.column_stack([v.grad for v in outs[k]]))
                weights = [w for neuron in layer.neurons for w in neuron.w]
                before = np.array([w.data for w in weights])
                g = np.array([w.grad for w in weights])
                wgrads[k].append(float(np.std(g)))
                ratios[k].append(math.log10(np.std(lr * g) / np.std(before)))
            for p in model.parameters():
                p.data -= lr * p.grad
        for k, layer in enumerate(model.layers):
            a, g = np.concatenate(acts[k]), np.concatenate(grads[k])
            stats["act_mean"][k].append(float(a.mean()))
            stats["act_std"][k].append(float(a.std()))
            stats["grad_std"][k].append(float(g.std()))
            relu, tanh = layer.activation == "relu", layer.activation == "tanh"
            stats["dead"][k].append(float(np.mean(np.all(a == 0, axis=0))) if relu else math.nan)
            stats["saturated"][k].append(float(np.mean(np.abs(a) > 0.97)) if tanh else math.nan)
            stats["weight_grad_std"][k].append(float(np.mean(wgrads[k])))
            stats["update_ratio"][k].append(float(np.mean(ratios[k])))
    return {key: np.array(value) for key, value in stats.items()}


def _recorded(history: History, key: str) -> np.ndarray:
    return np.array([getattr(layer, key) for layer in history.health])


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "scalar"])
@pytest.mark.parametrize("batch_size", [None, 7], ids=["full batch", "minibatches"])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_recorded_health_is_what_the_model_shows(
    activation: str, batch_size: int | None, batched: bool
) -> None:
    X, y = nn.data.moons(20, noise=0.2, seed=4)
    model = nn.MLP(2, [6, 5, 1], activation=activation, seed=2)
    twin = _twin(model)
    options = {"batch_size": batch_size, "shuffle": False, "batched": batched, "progress": False}
    sgd = SGD(model.parameters(), lr=0.3)
    history = fit(model, X, y, loss="bce_logits", optimizer=sgd, epochs=3, monitor=True, **options)
    direct = _direct(twin, X, y.astype(float), lr=0.3, size=batch_size or len(X), epochs=3)
    assert model.state_dict() == pytest.approx(twin.state_dict(), rel=1e-10)  # the same training
    assert [(layer.name, layer.activation) for layer in history.health] == [
        ("layers.0", activation),
        ("layers.1", activation),
        ("layers.2", "linear"),
    ]
    for key, expected in direct.items():
        assert _recorded(history, key) == pytest.approx(expected, rel=1e-9, abs=1e-12, nan_ok=True), key
    assert _recorded(history, "act_std").shape == (3, 3)  # layers x epochs


def test_update_ratio_is_the_step_the_optimizer_took() -> None:
    """With Adam the step is not lr * grad: the ratio measures how far the weights really moved."""
    X, y = nn.data.moons(16, seed=1)
    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=0)
    snapshots = [model.state_dict()]
    adam = Adam(model.parameters(), lr=0.05)
    history = fit(model, X, y, loss="bce_logits", optimizer=adam, epochs=4, monitor=True, progress=False,
                  callback=lambda e, h: snapshots.append(model.state_dict()))  # fmt: skip
    for k, layer in enumerate(history.health):
        names = [name for name in snapshots[0] if name.startswith(f"layers.{k}.") and ".w." in name]
        for epoch in range(4):
            before = np.array([snapshots[epoch][name] for name in names])
            after = np.array([snapshots[epoch + 1][name] for name in names])
            expected = math.log10(np.std(after - before) / np.std(before))
            assert layer.update_ratio[epoch] == pytest.approx(expected, rel=1e-9)


def _one_layer(activation: str, biases: list[float], nin: int = 2) -> nn.MLP:
    """An MLP whose first layer has zero weights and these biases: each unit puts out act(bias) always."""
    model = nn.MLP(nin, [len(biases), 1], activation=activation, seed=0)
    for neuron, b in zip(model.layers[0].neurons, biases, strict=True):
        neuron.b.data = b
        for w in neuron.w:
            w.data = 0.0
    return model


def test_relu_units_pushed_below_zero_by_their_bias_are_dead() -> None:
    X, y = nn.data.moons(30, seed=0)
    model = nn.MLP(2, [8, 1], seed=0)
    for k, neuron in enumerate(model.layers[0].neurons):
        neuron.w[0].data, neuron.w[1].data = 1.0, 0.0
        neuron.b.data = -100.0 if k < 3 else 10.0  # x0 of moons lies in [-1.5, 2.5]: always < 0, always > 0
    history = fit(model, X, y, loss="bce_logits", optimizer=SGD(model.parameters(), lr=0.01), epochs=3,
                  monitor=True, progress=False)  # fmt: skip
    first = history.health[0]
    assert first.dead == [3 / 8] * 3  # a dead unit passes no gradient back: it stays dead
    assert all(math.isnan(v) for v in first.saturated)
    assert all(math.isnan(v) for v in history.health[1].dead)  # the linear output is neither


@pytest.mark.parametrize("batch_size", [None, 1], ids=["full batch", "a sample per step"])
def test_a_relu_unit_alive_for_one_sample_of_the_epoch_is_not_dead(batch_size: int | None) -> None:
    X = np.array([[3.0, 0.0], [-1.0, 0.0], [-2.0, 0.0]])
    model = nn.MLP(2, [2, 1], seed=0)
    for neuron in model.layers[0].neurons:
        neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, 0.0, -2.5  # alive on the first sample only
    model.layers[0].neurons[1].b.data = -5.0  # dead on all three
    y, sgd = np.array([0.0, 1.0, 0.0]), SGD(model.parameters(), lr=1e-6)
    history = fit(model, X, y, loss="bce_logits", optimizer=sgd, epochs=1, batch_size=batch_size,
                  shuffle=False, monitor=True, progress=False)  # fmt: skip
    assert history.health[0].dead == [0.5]


@pytest.mark.parametrize(
    ("activation", "biases", "expected"),
    [
        ("tanh", [5.0, -5.0, 0.0, 1.0], 0.5),  # tanh(1) = 0.76 is on the slope
        ("tanh", [2.2, -2.2, 2.0, 0.0], 0.5),  # the edge: tanh(2.2) = 0.976, tanh(2.0) = 0.964
        ("sigmoid", [5.0, -5.0, 3.0, -3.0], 0.5),  # sigmoid(5) = 0.993 > 0.985; sigmoid(3) = 0.953 is not
        ("sigmoid", [10.0, 10.0, 10.0, -10.0], 1.0),
    ],
)
def test_saturated_outputs_are_counted_at_the_threshold(
    activation: str, biases: list[float], expected: float
) -> None:
    X, y = nn.data.moons(12, seed=0)
    model = _one_layer(activation, biases)
    flat = [
        abs(math.tanh(b)) > SATURATED if activation == "tanh" else abs(2 / (1 + math.exp(-b)) - 1) > SATURATED
        for b in biases
    ]
    assert np.mean(flat) == expected  # the cases say what they claim
    history = fit(model, X, y, loss="bce_logits", optimizer=SGD(model.parameters(), lr=1e-9), epochs=1,
                  monitor=True, progress=False)  # fmt: skip
    assert history.health[0].saturated == [expected]
    assert math.isnan(history.health[0].dead[0])


def test_large_weights_saturate_a_tanh_layer() -> None:
    X, y = nn.data.moons(40, seed=0)
    small = nn.MLP(2, [16, 16, 1], activation="tanh", init="xavier", seed=0)
    big = _twin(small)
    for p in big.layers[1].parameters():
        p.data *= 30.0
    flat = []
    for m in (small, big):
        with no_grad():  # the second layer's outputs before the step, by hand
            h = m.layers[1](m.layers[0](columns(X)))
        flat.append(float(np.mean(np.abs(np.column_stack([v.data for v in h])) > 0.97)))
    assert flat[0] < 0.1 < 0.7 < flat[1]
    runs = [fit(m, X, y, loss="bce_logits", epochs=1, monitor=True, progress=False) for m in (small, big)]
    assert [run.health[1].saturated for run in runs] == [[flat[0]], [flat[1]]]
    assert runs[0].health[0].saturated == runs[1].health[0].saturated  # the first layer is the same


def test_monitor_off_records_nothing_and_leaves_no_trace() -> None:
    X, y = nn.data.moons(10, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    plain = fit(model, X, y, loss="bce_logits", epochs=2, progress=False)
    assert plain.health == [] and "health" not in plain.to_dict()
    watched = fit(model, X, y, loss="bce_logits", epochs=2, progress=False, monitor=True)
    assert len(watched.health) == 2
    assert LAYER_OUTPUTS.see is None  # nothing watches the layers any more


def test_a_failed_run_removes_the_monitor() -> None:
    X, y = nn.data.moons(10, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)

    def stop(epoch: int, history: History) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        fit(model, X, y, loss="bce_logits", epochs=2, progress=False, monitor=True, callback=stop)
    assert LAYER_OUTPUTS.see is None


def test_predictions_in_a_callback_are_not_counted() -> None:
    X, y = nn.data.moons(10, seed=0)
    a, b = nn.MLP(2, [4, 1], seed=0), nn.MLP(2, [4, 1], seed=0)
    quiet = fit(a, X, y, loss="bce_logits", epochs=3, progress=False, monitor=True)
    busy = fit(b, X, y, loss="bce_logits", epochs=3, progress=False, monitor=True,
               callback=lambda e, h: b.predict(X * 10.0))  # fmt: skip
    np.testing.assert_equal(busy.to_dict(), quiet.to_dict())  # nan equals nan here


def test_monitor_refuses_bad_input_before_training() -> None:
    X, y = nn.data.moons(10, seed=0)
    neuron = nn.Neuron(2, seed=0)
    before = neuron.state_dict()
    with pytest.raises(
        ValueError, match=r"monitor=True watches the nn\.Layer modules of a model, this Neuron"
    ):
        fit(neuron, X, y, loss="bce_logits", epochs=2, progress=False, monitor=True)
    assert neuron.state_dict() == before
    with pytest.raises(TypeError, match="fit: monitor must be"):
        fit(nn.MLP(2, [3, 1], seed=0), X, y, loss="bce_logits", progress=False, monitor="yes")  # type: ignore[arg-type]


def test_layers_of_a_model_of_ones_own_are_found_by_their_place() -> None:
    class Two(nn.Module):
        def __init__(self) -> None:
            self.encoder = nn.Layer(2, 3, activation="tanh", seed=0)
            self.head = nn.Layer(3, 1, activation=None, seed=1)

        def forward(self, x: Any) -> Any:
            return self.head(self.encoder(x))

    X, y = nn.data.moons(10, seed=0)
    model = Two()
    assert [name for name, _ in find_layers(model)] == ["encoder", "head"]
    history = fit(model, X, y, loss="bce_logits", epochs=2, progress=False, monitor=True)
    assert [(h.name, h.activation, len(h.act_std)) for h in history.health] == [
        ("encoder", "tanh", 2),
        ("head", "linear", 2),
    ]
    assert all(h.act_std[-1] > 0 for h in history.health)


def test_history_round_trips_through_json_and_old_files_load() -> None:
    X, y = nn.data.moons(10, seed=0)
    history = fit(nn.MLP(2, [3, 1], seed=0), X, y, loss="bce_logits", epochs=2, progress=False, monitor=True)
    again = History.from_dict(json.loads(json.dumps(history.to_dict())))
    np.testing.assert_equal(again.to_dict(), history.to_dict())
    assert [h.name for h in again.health] == ["layers.0", "layers.1"]
    old = History.from_dict({"loss": [1.0, 0.5], "accuracy": [0.5, 1.0], "lr": [0.1, 0.1]})
    assert old.health == [] and old.epochs == 2
    with pytest.raises(TypeError, match="loss must be a list of numbers"):
        History.from_dict({"loss": "low"})
    with pytest.raises(ValueError, match="unknown keys"):
        History.from_dict({"loss": [], "health": [{"name": "a", "activation": "relu", "mood": []}]})
    with pytest.raises(TypeError, match="act_std must be a list of numbers"):
        LayerHealth.from_dict({"name": "a", "activation": "relu", "act_std": ["x"]})


# ------------------------------------------------------------------------------- the picture
@pytest.fixture
def plt() -> Any:
    pytest.importorskip("matplotlib", reason="plot_health needs matplotlib: pip install 'glassgrad[plot]'")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    yield pyplot
    pyplot.close("all")


def _trained(epochs: int = 6) -> History:
    X, y = nn.data.moons(30, seed=0)
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=0)
    return fit(model, X, y, loss="bce_logits", epochs=epochs, monitor=True, progress=False)


def test_plot_health_draws_a_line_per_layer_in_each_panel(plt: Any) -> None:
    history = _trained()
    fig = nn.viz.plot_health(history)
    assert tuple(fig.get_size_inches() * fig.dpi) == (1200, 650)
    panels = fig.axes[:6]
    assert [ax.get_title() for ax in panels] == [
        "activation mean",
        "activation std",
        f"saturated: |tanh| > {SATURATED:g}",
        "gradient std at the outputs",
        "weight gradient std",
        "update:data ratio",
    ]
    assert all(ax.get_xlabel() == "epoch" for ax in panels)
    assert [ax.get_ylabel() for ax in panels][3:] == [
        "std of dL/d(outputs)",
        "std of dL/dw",
        "log10(std(step) / std(w))",
    ]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "layers.0 (tanh)",
        "layers.1 (tanh)",
        "layers.2 (linear)",
    ]
    keys = ["act_mean", "act_std", "saturated", "grad_std", "weight_grad_std", "update_ratio"]
    for ax, key in zip(panels, keys, strict=True):
        drawn = [line for line in ax.get_lines() if line.get_label().startswith("layers.")]
        assert len(drawn) == 3
        for line, layer in zip(drawn, history.health, strict=True):  # the numbers drawn are the records
            np.testing.assert_array_equal(line.get_ydata(), getattr(layer, key))
            np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 7))
    guide = [line for line in panels[5].get_lines() if line.get_label() == "guide: -3"]
    assert len(guide) == 1 and list(guide[0].get_ydata()) == [-3.0, -3.0]
    assert panels[3].get_yscale() == panels[4].get_yscale() == "log"
    assert fig._suptitle.get_text() == "Layer health over 6 epochs"


def test_plot_health_saves_a_png_of_its_size(plt: Any, tmp_path: Path) -> None:
    fig = nn.viz.plot_health(_trained(), layers=["layers.0", "layers.1"])
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["layers.0 (tanh)", "layers.1 (tanh)"]
    fig.savefig(tmp_path / "health.png", dpi=100)
    assert plt.imread(tmp_path / "health.png").shape[:2] == (650, 1200)


def test_plot_health_names_dead_and_saturated_by_the_activations_present(plt: Any) -> None:
    X, y = nn.data.moons(20, seed=0)
    history = fit(nn.MLP(2, [4, 1], seed=0), X, y, loss="bce_logits", epochs=2, monitor=True, progress=False)
    fig = nn.viz.plot_health(history)
    assert fig.axes[2].get_title() == "dead relu units"
    assert fig.axes[2].get_lines()[0].get_ydata().tolist() == history.health[0].dead


def test_plot_health_refuses_what_it_cannot_draw(plt: Any) -> None:
    with pytest.raises(TypeError, match="plot_health takes a History, got dict"):
        nn.viz.plot_health({"loss": [1.0]})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"fit\(..., monitor=True\)"):
        nn.viz.plot_health(History(loss=[1.0]))
    with pytest.raises(ValueError, match=r"layers must name some of \['layers.0', 'layers.1', 'layers.2'\]"):
        nn.viz.plot_health(_trained(1), layers=["layer 0"])
    with pytest.raises(TypeError, match="layers must be a list of layer names"):
        nn.viz.plot_health(_trained(1), layers="layers.0")


def test_plot_health_without_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    history = _trained(1)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install 'glassgrad\[plot\]'"):
        nn.viz.plot_health(history)


# ------------------------------------------------------------------------------- the command line
def test_cli_monitor_writes_health_png_and_the_records(tmp_path: Path, plt: Any) -> None:
    from nn.__main__ import main

    watched, plain = tmp_path / "watched", tmp_path / "plain"
    common = ["train", "--epochs", "4", "--activation", "tanh", "--no-progress"]
    assert main([*common, "--monitor", "--out", str(watched)]) == 0
    assert main([*common, "--out", str(plain)]) == 0
    assert plt.imread(watched / "health.png").shape[:2] == (650, 1200)
    assert not (plain / "health.png").exists()
    document = json.loads((watched / "history.json").read_text())
    assert [layer["name"] for layer in document["health"]] == ["layers.0", "layers.1", "layers.2"]
    assert all(len(layer["act_std"]) == 4 for layer in document["health"])
    assert "health" not in json.loads((plain / "history.json").read_text())
    loaded = History.from_dict(document)
    assert (
        loaded.loss == json.loads((plain / "history.json").read_text())["loss"]
    )  # monitoring changes nothing


def test_the_layers_are_watched_per_thread() -> None:
    # The monitor sees layer outputs through a per-thread hook (nn.module.LAYER_OUTPUTS): a Layer that
    # another thread runs meanwhile is not seen, as a no_grad in one thread is not felt in another.
    import threading

    layer = nn.Layer(2, 3, seed=0)
    seen: list[int] = []
    LAYER_OUTPUTS.see = lambda lay, outs: seen.append(len(outs))
    try:
        worker = threading.Thread(target=lambda: layer([1.0, 2.0]))
        worker.start()
        worker.join()
        assert seen == []
        layer([1.0, 2.0])
        assert seen == [3]
    finally:
        LAYER_OUTPUTS.see = None
