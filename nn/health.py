"""Layer-by-layer health of a network in training: what ``fit(..., monitor=True)`` records.

A deep network can train badly while its loss says little about why: activations pile up in the flat
tails of tanh, relu units die, gradients shrink or blow up from layer to layer, steps are far too small
or too large for the weights they move. Watching a few statistics per layer, epoch after epoch, shows it.
``fit(model, ..., monitor=True)`` records them into ``History.health``: one ``LayerHealth`` per
``nn.Layer`` of the model (an ``MLP``'s ``layers``, a ``Layer`` trained on its own, or the Layers held
in the attributes of a model of your own), in the model's order; ``nn.viz.plot_health`` draws them.

What is measured, exactly (each list has one number per epoch):

* A layer's **activations** are its outputs after its activation function, one per unit and sample:
  every sample of the epoch, each as the forward pass of its own batch saw it (before that batch's
  step). ``act_mean`` and ``act_std`` are their mean and standard deviation over all those
  (sample, unit) pairs: for the full batch, over the one forward pass of the epoch.
* ``dead`` (relu layers; ``nan`` for the others): the fraction of the layer's units whose output was 0
  for every sample of the epoch. Such a unit passes no gradient back, so its weights stop learning.
* ``saturated`` (tanh and sigmoid layers; ``nan`` for the others): the fraction of the activations in
  the flat tails, where the slope is below 6% of its top: ``|tanh| > 0.97`` (``SATURATED``), and for
  the sigmoid the same point of its own curve, ``|2 sigmoid - 1| > 0.97`` (below 0.015 or above 0.985).
* ``grad_std``: the standard deviation of the loss's gradient with respect to the activations (the
  signal that backpropagation carries back into the layer), over the same (sample, unit) pairs. The
  loss is each batch's loss, penalty included, as ``fit`` differentiates it.
* ``weight_grad_std``: the standard deviation of the gradient of the layer's weights (not its biases)
  at a step, averaged over the epoch's steps.
* ``update_ratio``: at a step, ``log10(std(step) / std(weights))`` over the layer's weights, where the
  step is how much the optimizer moved each weight (``-lr * grad`` for plain SGD, whatever Adam did for
  Adam) and the weights are those it moved; averaged over the epoch's steps. Around -3 is the usual
  rule of thumb; far below, the layer hardly learns; far above, it jumps around. A layer of one weight
  has no spread: ``nan``; weights the optimizer does not hold never move: ``-inf``.

All of them come from the arrays of the step itself (the graph of the batch, with its gradients): no
extra forward or backward pass; ``monitor=False`` (the default) records nothing and costs nothing.

Examples:
    >>> import nn
    >>> X, y = nn.data.moons(40, seed=0)
    >>> model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=0)
    >>> history = nn.train.fit(model, X, y, loss="bce_logits", epochs=3, monitor=True, progress=False)
    >>> [layer.name for layer in history.health]
    ['layers.0', 'layers.1', 'layers.2']
    >>> first = history.health[0]
    >>> first.activation, len(first.act_std), 0.0 <= first.saturated[-1] <= 1.0
    ('tanh', 3, True)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from autograd import Value
from nn.module import LAYER_OUTPUTS, Layer, Module

__all__ = ["SATURATED", "LayerHealth", "find_layers"]

SATURATED = 0.97
"""A tanh output beyond ±0.97 (slope ``1 - 0.97**2`` ≈ 0.06, 6% of its top) counts as saturated, as in
Karpathy's lecture on activations and gradients; a sigmoid output counts at the same point of its curve,
``|2 sigmoid - 1| > 0.97``."""

STATISTICS = ("act_mean", "act_std", "dead", "saturated", "grad_std", "weight_grad_std", "update_ratio")
"""The per-epoch lists of a ``LayerHealth``, in the order ``nn.viz.plot_health`` draws them."""


@dataclass
class LayerHealth:
    """One layer's statistics, one number per epoch in each list (see the module's page for each).

    Attributes:
        name: where the layer sits in the model, as ``named_parameters`` names it (``"layers.0"``);
            ``"layer"`` for a ``Layer`` trained on its own.
        activation: the layer's activation function (``"relu"``, ``"tanh"``, ``"linear"``, ...).
        act_mean, act_std: mean and standard deviation of the layer's outputs over the epoch's samples.
        dead: relu layers: the fraction of units that output 0 for every sample of the epoch.
        saturated: tanh and sigmoid layers: the fraction of outputs in the flat tails.
        grad_std: standard deviation of the loss's gradient with respect to the layer's outputs.
        weight_grad_std: standard deviation of the gradient of the layer's weights (mean over steps).
        update_ratio: ``log10(std(step) / std(weights))`` of the layer's weights (mean over steps).

    Examples:
        >>> h = LayerHealth("layers.0", "relu")
        >>> h.act_std.append(0.8)
        >>> h.act_std
        [0.8]
    """

    name: str
    activation: str
    act_mean: list[float] = field(default_factory=list)
    act_std: list[float] = field(default_factory=list)
    dead: list[float] = field(default_factory=list)
    saturated: list[float] = field(default_factory=list)
    grad_std: list[float] = field(default_factory=list)
    weight_grad_std: list[float] = field(default_factory=list)
    update_ratio: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON values (what ``history.json`` holds for the layer).

        Examples:
            >>> LayerHealth("layers.0", "tanh", act_std=[0.5]).to_dict()["act_std"]
            [0.5]
        """
        return {
            f.name: list(v) if isinstance(v, list) else v
            for f in fields(self)
            for v in [getattr(self, f.name)]
        }

    @classmethod
    def from_dict(cls, record: object) -> LayerHealth:
        """The record that ``to_dict`` made, checked: TypeError or ValueError for anything else.

        Examples:
            >>> LayerHealth.from_dict({"name": "layers.0", "activation": "relu", "dead": [0.25]}).dead
            [0.25]
        """
        if not isinstance(record, dict):
            raise TypeError(f"a layer's health record must be a JSON object, got {type(record).__name__}")
        unknown = sorted(set(record) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"a layer's health record has unknown keys {unknown}")
        name, activation = record.get("name"), record.get("activation")
        if not isinstance(name, str) or not isinstance(activation, str):
            raise TypeError("a layer's health record needs a text 'name' and 'activation'")
        lists: dict[str, list[float]] = {}
        for key in STATISTICS:
            values = record.get(key, [])
            if not isinstance(values, list) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
            ):
                raise TypeError(f"{name}: {key} must be a list of numbers")
            lists[key] = [float(v) for v in values]
        return cls(name, activation, **lists)


def find_layers(model: Module) -> list[tuple[str, Layer]]:
    """The model's ``nn.Layer`` modules with their places in it, in the order of its parameters.

    Examples:
        >>> import nn
        >>> [name for name, _ in find_layers(nn.MLP(2, [3, 1], seed=0))]
        ['layers.0', 'layers.1']
        >>> find_layers(nn.Layer(2, 3, seed=0))[0][0]
        'layer'
    """
    if isinstance(model, Layer):
        return [("layer", model)]
    return model._named(Layer)


class _Moments:
    """Count, mean and sum of squared deviations of numbers seen in parts, merged exactly (Chan et al.)."""

    __slots__ = ("count", "m2", "mean")

    def __init__(self) -> None:
        self.count, self.mean, self.m2 = 0, 0.0, 0.0

    def add(self, xs: NDArray[np.float64]) -> None:
        n = xs.size
        if n == 0:
            return
        mean = float(xs.mean())
        m2 = float(((xs - mean) ** 2).sum())
        total = self.count + n
        delta = mean - self.mean
        self.mean += delta * n / total
        self.m2 += m2 + delta * delta * self.count * n / total
        self.count = total

    def std(self) -> float:
        return math.sqrt(self.m2 / self.count) if self.count else math.nan


class _Watch:
    """One layer's running statistics over an epoch."""

    def __init__(self, name: str, layer: Layer) -> None:
        self.layer = layer
        self.record = LayerHealth(name, layer.activation)
        self.weights = [w for neuron in layer.neurons for w in neuron.w]
        self.calls: list[list[Value]] = []  # the layer's outputs in this step's forward pass
        self.before: NDArray[np.float64] = np.empty(0)
        self.reset()

    def reset(self) -> None:
        self.acts, self.grads = _Moments(), _Moments()
        self.alive = np.zeros(self.layer.nout, dtype=bool)
        self.flat = 0
        self.weight_grad_stds: list[float] = []
        self.ratios: list[float] = []

    def measure(self, samples: int | None) -> None:
        """After backward, before the step: the outputs, their gradients and the weights' gradients.
        ``samples`` is the number of samples of each call (batched mode), or None for scalar mode (a
        call per sample, each output a float)."""
        if self.calls:
            if samples is None:  # one row per call, read at once
                acts = np.array([[v.data for v in outs] for outs in self.calls], dtype=np.float64)
                grads = np.array([[v.grad for v in outs] for outs in self.calls], dtype=np.float64)
            else:
                acts = np.concatenate([_block(outs, "data", samples) for outs in self.calls])
                grads = np.concatenate([_block(outs, "grad", samples) for outs in self.calls])
            self.calls = []  # let the graph go
            self.acts.add(acts)
            self.grads.add(grads)
            self.alive |= (acts != 0.0).any(axis=0)
            if self.layer.activation == "tanh":
                self.flat += int(np.count_nonzero(np.abs(acts) > SATURATED))
            elif self.layer.activation == "sigmoid":
                self.flat += int(np.count_nonzero(np.abs(2.0 * acts - 1.0) > SATURATED))
        self.before = np.array([w.data for w in self.weights], dtype=np.float64)
        self.weight_grad_stds.append(float(np.std([w.grad for w in self.weights])))

    def stepped(self) -> None:
        """After the step: how far it moved the weights, against their size."""
        step = np.array([w.data for w in self.weights], dtype=np.float64) - self.before
        with np.errstate(divide="ignore", invalid="ignore"):
            self.ratios.append(float(np.log10(np.std(step) / np.std(self.before))))

    def close_epoch(self) -> None:
        r, activation = self.record, self.layer.activation
        r.act_mean.append(self.acts.mean if self.acts.count else math.nan)
        r.act_std.append(self.acts.std())
        r.grad_std.append(self.grads.std())
        r.dead.append(float(np.mean(~self.alive)) if activation == "relu" and self.acts.count else math.nan)
        saturating = activation in ("tanh", "sigmoid") and self.acts.count
        r.saturated.append(self.flat / self.acts.count if saturating else math.nan)
        r.weight_grad_std.append(_mean(self.weight_grad_stds))
        r.update_ratio.append(_mean(self.ratios))
        self.reset()


def _mean(xs: Sequence[float]) -> float:
    return float(np.mean(xs)) if xs else math.nan


def _block(outs: list[Value], what: str, samples: int) -> NDArray[np.float64]:
    """A layer's outputs (or their gradients) from one call, one row per sample and a column per unit; a
    number that is the same for every sample of a batched call (a float) is repeated for each."""
    return np.stack(
        [np.broadcast_to(np.asarray(getattr(v, what), dtype=np.float64), (samples,)) for v in outs], axis=1
    )


class Monitor:
    """Watches the Layers of a model through ``fit``'s steps (``fit`` makes and drives it).

    While installed, each Layer's forward pass also hands its outputs to the monitor, only for the
    forward passes of training steps run by the thread that installed it (a ``predict`` in a callback
    or another thread is not counted).
    """

    def __init__(self, model: Module) -> None:
        layers = find_layers(model)
        if not layers:
            raise ValueError(
                f"fit: monitor=True watches the nn.Layer modules of a model, this {type(model).__name__} "
                "has none (an MLP, a Layer, or a model of your own holding Layers)"
            )
        self.watches = [_Watch(name, layer) for name, layer in layers]
        self.records = [w.record for w in self.watches]
        self._by_layer = {id(w.layer): w for w in self.watches}
        self._recording = False
        self._samples: int | None = None
        self._saw: Any = None  # who saw the layers' outputs before install

    def install(self) -> None:
        """See each Layer's outputs as this thread computes them (``nn.module.LAYER_OUTPUTS``; undone
        by ``remove``)."""
        self._saw = LAYER_OUTPUTS.see
        LAYER_OUTPUTS.see = self._seen

    def remove(self) -> None:
        LAYER_OUTPUTS.see = self._saw
        for watch in self.watches:
            watch.calls = []

    def _seen(self, layer: Layer, outs: list[Value]) -> None:
        watch = self._by_layer.get(id(layer))
        if self._recording and watch is not None and watch.layer is layer:
            watch.calls.append(outs)

    def forward(self, run: Callable[[Any], Any], batch: Any, samples_per_call: int | None) -> Any:
        """``run(batch)``, a step's forward pass, keeping each Layer's outputs; ``samples_per_call`` is
        the batch's size in batched mode, None in scalar mode (each call is one sample)."""
        self._samples = samples_per_call
        self._recording = True
        try:
            return run(batch)
        finally:
            self._recording = False

    def measure(self) -> None:
        """After backward, before the optimizer's step."""
        for watch in self.watches:
            watch.measure(self._samples)

    def stepped(self) -> None:
        """After the optimizer's step."""
        for watch in self.watches:
            watch.stepped()

    def close_epoch(self) -> None:
        for watch in self.watches:
            watch.close_epoch()
