"""The training loop: ``fit`` runs gradient descent over epochs and batches and returns a ``History``.

One epoch is one pass over the training data. With ``batch_size=None`` each step uses every sample
(full-batch gradient descent); with a batch size, the samples are split into batches (shuffled each
epoch with ``shuffle=True``) and each batch gives one step: stochastic gradient descent, as the seeds
describe it. A step is the same four lines whatever the model:

    loss = loss_fn(predictions, targets)   # forward: builds the graph
    optimizer.zero_grad()                  # gradients add up, so clear them first
    loss.backward()                        # backward: every parameter's grad
    optimizer.step()                       # p -= lr * grad (or Adam's rule)

Examples:
    >>> import nn
    >>> X, y = nn.data.xor()
    >>> model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
    >>> history = fit(model, X, y, loss="mse", optimizer=nn.optim.Adam(model.parameters(), lr=0.05),
    ...               epochs=300, progress=False)
    >>> history.loss[-1] < 0.01, history.accuracy[-1]
    (True, 1.0)
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

import autograd
from autograd import Value
from autograd.batch import columns
from nn import _check, losses
from nn.health import LayerHealth, Monitor
from nn.module import MLP, Module, Neuron, _outputs
from nn.optim import SGD, LinearLR, Optimizer

LossFn = Callable[[Any, Any], Value]


@dataclass
class History:
    """What ``fit`` measured, one entry per epoch.

    Attributes:
        loss: the mean training loss over the epoch's batches (weighted by batch size), L2 term included.
        accuracy: the fraction of training samples predicted right during the epoch (before each
            batch's update), or ``nan`` where the loss has no notion of a right answer.
        lr: the learning rate used in the epoch's first step.
        health: with ``fit(..., monitor=True)``, one ``nn.health.LayerHealth`` per layer of the model,
            in its order, each with per-epoch lists (``history.health[0].act_std[epoch]``); else empty.

    Examples:
        >>> h = History()
        >>> h.loss.append(0.5)
        >>> h.epochs
        1
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    health: list[LayerHealth] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """How many epochs were run."""
        return len(self.loss)

    def to_dict(self) -> dict[str, Any]:
        """The history as plain JSON values, what ``python -m nn train`` writes to ``history.json``:
        ``loss``, ``accuracy`` and ``lr`` lists, and ``health`` (a list of per-layer records) when
        it was monitored.

        Examples:
            >>> History(loss=[0.5], accuracy=[1.0], lr=[0.1]).to_dict()
            {'loss': [0.5], 'accuracy': [1.0], 'lr': [0.1]}
        """
        document: dict[str, Any] = {
            "loss": list(self.loss),
            "accuracy": list(self.accuracy),
            "lr": list(self.lr),
        }
        if self.health:
            document["health"] = [layer.to_dict() for layer in self.health]
        return document

    @classmethod
    def from_dict(cls, document: object) -> History:
        """The History that ``to_dict`` wrote (a ``history.json`` read with ``json.load``), checked.
        Files written before health was recorded have no ``health``: they load with none.

        Raises:
            TypeError, ValueError: not such a document.

        Examples:
            >>> History.from_dict({"loss": [0.5], "accuracy": [1.0], "lr": [0.1]}).epochs
            1
        """
        if not isinstance(document, dict):
            raise TypeError(f"History.from_dict takes a dict, got {type(document).__name__}")
        lists: dict[str, list[float]] = {}
        for key in ("loss", "accuracy", "lr"):
            values = document.get(key, [])
            if not isinstance(values, list) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
            ):
                raise TypeError(f"History.from_dict: {key} must be a list of numbers")
            lists[key] = [float(v) for v in values]
        records = document.get("health", [])
        if not isinstance(records, list):
            raise TypeError("History.from_dict: health must be a list of per-layer records")
        return cls(**lists, health=[LayerHealth.from_dict(record) for record in records])


# Each named loss, and when an output counts as right (on arrays: one row per sample).
Correct = Callable[[NDArray[np.float64], NDArray[Any]], NDArray[np.bool_]]
LOSSES: dict[str, tuple[LossFn, Correct]] = {
    "mse": (losses.mse_loss, lambda out, t: np.abs(out - t) < 0.5),
    "bce": (losses.binary_cross_entropy, lambda out, t: (out >= 0.5) == (t >= 0.5)),
    "bce_logits": (losses.binary_cross_entropy_with_logits, lambda out, t: (out >= 0.0) == (t >= 0.5)),
    "hinge": (losses.hinge_loss, lambda out, t: (out > 0.0) == (t > 0.0)),
    "cross_entropy": (losses.cross_entropy, lambda out, t: out.argmax(axis=1) == t),
}


def fit(
    model: Module,
    X: ArrayLike,
    y: ArrayLike,
    loss: str | LossFn = "mse",
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: int | np.random.Generator | None = None,
    progress: bool = True,
    *,
    batched: bool | None = None,
    l2: float = 0.0,
    schedule: LinearLR | None = None,
    accuracy: Correct | None = None,
    callback: Callable[[int, History], None] | None = None,
    monitor: bool = False,
) -> History:
    """Train ``model`` on ``(X, y)`` by gradient descent and return the per-epoch ``History``.

    Every argument is checked before the first step, so a refused call (TypeError for a wrong kind,
    ValueError for a wrong value or shape) leaves the model as it was; ``epochs=0`` checks and trains
    nothing. Besides each argument on its own, one pass of the model over ``X`` (recording no graph)
    checks what the steps will meet: the model's outputs against the loss (one per sample, or one per
    class for ``cross_entropy``), every target (not only the first batch's), and ``accuracy``.

    Args:
        model: an ``nn.Module`` taking one row of ``X``.
        X: inputs, shape ``(n, features)``.
        y: targets, shape ``(n,)``: numbers for mse/bce/hinge (labels -1/+1 for hinge), class indices
            for cross_entropy.
        loss: ``"mse"``, ``"bce"``, ``"bce_logits"``, ``"hinge"``, ``"cross_entropy"``, or a function
            ``(predictions, targets) -> Value``. ``"bce"`` takes probabilities: it is refused for a model
            whose output activation is known not to be a sigmoid (an ``MLP``'s ``out_activation``, a
            ``Neuron``'s ``activation``) and, for a model of your own, when an output on ``X`` lies
            outside [0, 1] before training. A linear output goes with ``"bce_logits"``.
        optimizer: an ``nn.optim`` optimizer over the model's parameters (default: ``SGD(lr=0.1)``), or
            over a part of them to train only that part; one that holds none of them is refused.
        epochs: passes over the data, an int >= 0.
        batch_size: samples per step, an int >= 1; ``None`` for the full batch.
        shuffle: reshuffle the samples each epoch (minibatches only).
        seed: for the shuffling: an int >= 0, None or a ``numpy.random.Generator``.
        progress: show a tqdm bar on a terminal or in a notebook (never when output is not interactive,
            or when tqdm is not installed: ``pip install 'glassgrad[progress]'``).
        batched: run each batch through the model at once, every input a Value holding one number per
            sample (NumPy does the per-sample arithmetic; same results to 1e-12, many times faster).
            ``False`` is scalar mode, one graph per sample as the seeds teach it. The default is batched
            for the named losses and scalar for a loss function, which then gets lists: one
            prediction (a Value, or a list of Values) and one target per sample.
        l2: add ``l2 * sum(p**2)`` over the parameters to each batch's loss (micrograd's demo: 1e-4).
        schedule: a learning-rate schedule of ``optimizer`` (such as ``LinearLR``), stepped after every
            optimizer step.
        accuracy: ``(outputs, targets) -> array of bools`` for a custom loss (the named losses know
            theirs); ``outputs`` has one row per sample.
        callback: called as ``callback(epoch, history)`` after every epoch.
        monitor: also record, per epoch and per ``nn.Layer`` of the model, its activations' mean and
            standard deviation, the fraction of dead (relu) or saturated (tanh, sigmoid) units, the
            standard deviation of the gradients (of its outputs and of its weights) and the
            update-to-data ratio, into ``History.health`` (``nn.health`` defines each; ``nn.viz.plot_health``
            draws them). A model with no Layer is refused.

    Returns:
        A ``History`` of loss, accuracy and learning rate per epoch (and the layers' health).

    Examples:
        >>> import nn
        >>> X, y = nn.data.moons(40, seed=0)
        >>> model = nn.MLP(2, [8, 1], seed=0)
        >>> h = fit(model, X, 2.0 * y - 1.0, loss="hinge", epochs=5, progress=False)
        >>> len(h.loss), len(h.accuracy)
        (5, 5)
        >>> fit(model, X, y, loss="bce", progress=False)
        Traceback (most recent call last):
        ValueError: fit: loss='bce' takes probabilities, but the model's output activation is 'linear': ...
    """
    # Everything is checked before the first step, so a refused call leaves the model as it was.
    if not isinstance(model, Module):
        raise TypeError(f"fit: model must be an nn.Module, got {type(model).__name__}")
    xs, ys = _check_data(X, y)
    loss_fn, correct = _resolve_loss(loss, accuracy)
    epochs = _check.integer("fit: epochs", epochs, at_least=0)
    n = len(xs)
    if batch_size is not None:
        batch_size = _check.integer("fit: batch_size (None for the full batch)", batch_size)
    size = batch_size or n
    shuffle = _check.flag("fit: shuffle", shuffle)
    progress = _check.flag("fit: progress", progress)
    if batched is not None and not isinstance(batched, bool):
        raise TypeError(_check.message("fit: batched", "True or False or None", batched, kind=True))
    batched = isinstance(loss, str) if batched is None else batched
    rng = _check.generator("fit: seed", seed)
    l2 = _check.real("fit: l2", l2, at_least=0)
    callback = _check.function("fit: callback", callback)
    params = model.parameters()
    opt = _check_optimizer(optimizer, params)
    _check_schedule(schedule, opt)
    forward = _batched_forward(model, xs) if batched else _scalar_forward(model, xs)
    _check_pass(model, forward, ys, loss, loss_fn, correct, batched)
    watch = Monitor(model) if _check.flag("fit: monitor", monitor) else None
    history = History(health=watch.records if watch is not None else [])
    bar = _progress_bar(epochs, progress)
    try:
        if watch is not None:
            watch.install()
        for epoch in range(epochs):
            order = rng.permutation(n) if shuffle and size < n else np.arange(n)
            total, right = 0.0, 0
            history.lr.append(opt.lr)
            for start in range(0, n, size):
                batch = order[start : start + size]
                if watch is None:
                    preds = forward(batch)
                else:
                    preds = watch.forward(forward, batch, len(batch) if batched else None)
                targets = ys[batch] if batched else ys[batch].tolist()
                value = loss_fn(preds, targets)
                if l2:
                    value = value + losses.l2_penalty(params, alpha=l2)
                opt.zero_grad()
                value.backward()
                if watch is not None:
                    watch.measure()
                opt.step()
                if watch is not None:
                    watch.stepped()
                if schedule is not None:
                    schedule.step()
                total += float(value.data) * len(batch)
                if correct is not None:
                    right += int(np.sum(correct(_predictions(preds, len(batch), batched), ys[batch])))
            history.loss.append(total / n)
            history.accuracy.append(right / n if correct is not None else float("nan"))
            if watch is not None:
                watch.close_epoch()
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{history.loss[-1]:.4g}", acc=f"{history.accuracy[-1]:.3f}")
            if callback is not None:
                callback(epoch, history)
    finally:
        if watch is not None:
            watch.remove()
        if bar is not None:
            bar.close()
    return history


def _check_optimizer(optimizer: object, params: list[Value]) -> Optimizer:
    """The optimizer to step (``SGD(lr=0.1)`` by default); one that holds none of ``params`` is refused."""
    if not params:
        raise ValueError("fit: the model has no parameters to train")
    if optimizer is None:
        return SGD(params, lr=0.1)
    if not isinstance(optimizer, Optimizer):
        expected = "an nn.optim optimizer (SGD, Adam) or None"
        raise TypeError(_check.message("fit: optimizer", expected, optimizer, kind=True))
    held = {id(p) for p in optimizer.params}
    if not any(id(p) in held for p in params):  # a part of them is fine: it trains that part
        raise ValueError(
            f"fit: the optimizer holds none of the model's {len(params)} parameters, so training would "
            "change nothing; make it over model.parameters() (or over the part of them to train)"
        )
    return optimizer


def _check_schedule(schedule: object, optimizer: Optimizer) -> None:
    """A schedule must have ``step()``, and set the learning rate of the optimizer that fit steps."""
    if schedule is None:
        return
    if not callable(getattr(schedule, "step", None)):
        expected = "a learning-rate schedule (with a step() method) or None"
        raise TypeError(_check.message("fit: schedule", expected, schedule, kind=True))
    if getattr(schedule, "optimizer", optimizer) is not optimizer:
        raise ValueError("fit: schedule sets the learning rate of another optimizer than the one fit steps")


def _check_pass(
    model: Module,
    forward: Callable[[NDArray[Any]], Any],
    ys: NDArray[Any],
    loss: str | LossFn,
    loss_fn: LossFn,
    correct: Correct | None,
    batched: bool,
) -> None:
    """One pass over all the data, recording no graph, shows what the steps will meet: the model's outputs
    against the loss, every target (not only the first batch's), and the accuracy function."""
    n = len(ys)
    with autograd.no_grad():
        preds = forward(np.arange(n))
        outs = _predictions(preds, n, batched)
        if isinstance(loss, str):
            _check_outputs(model, loss, outs, ys)
        loss_fn(preds, ys if batched else ys.tolist())
        if correct is not None:
            correct(outs, ys)


def _check_outputs(model: Module, loss: str, outs: NDArray[np.float64], ys: NDArray[Any]) -> None:
    """The model's outputs (one row per sample) fit the named loss: as many, and probabilities for bce."""
    if loss == "cross_entropy":
        if outs.ndim == 1 or outs.shape[1] < 2:
            gives = "one Value" if outs.ndim == 1 else "a list of 1"
            raise ValueError(
                f"fit: loss='cross_entropy' takes one output (logit) per class, at least 2; the model gives "
                f"{gives} per sample (for two classes: loss='bce_logits' or 'hinge' on one output)"
            )
        return
    if outs.ndim == 2:
        hint = (
            " (for classes, use loss='cross_entropy' with int labels)"
            if outs.shape[1] > 1
            else " (a list of one: make forward return its Value, as MLP and Layer do)"
        )
        raise ValueError(
            f"fit: loss={loss!r} takes one output per sample, to pair with y of shape {ys.shape}; the model "
            f"gives a list of {outs.shape[1]} per sample{hint}"
        )
    if loss == "bce":
        activation = _output_activation(model)
        if activation is None and not np.all((outs >= 0.0) & (outs <= 1.0)):
            problem = "the model's outputs on X are not all in [0, 1]"
        elif activation not in (None, "sigmoid"):
            problem = f"the model's output activation is {activation!r}"
        else:
            return
        raise ValueError(
            f"fit: loss='bce' takes probabilities, but {problem}: use loss='bce_logits' on a linear output "
            "(the same loss, computed stably), or a sigmoid output (out_activation='sigmoid')"
        )


def _output_activation(model: Module) -> str | None:
    """The name of the model's output activation where its class tells it (MLP, Neuron), else None."""
    if type(model) is MLP:
        return model.out_activation or "linear"
    if type(model) is Neuron:
        return model.activation
    return None


def _scalar_forward(model: Module, xs: NDArray[np.float64]) -> Callable[[NDArray[Any]], Any]:
    """One graph per sample: a list of the model's outputs."""
    with autograd.no_grad():  # the data are constants: make each row's Values once, not every epoch
        rows = [[Value(v) for v in row] for row in xs.tolist()]
    return lambda batch: [model(rows[i]) for i in batch.tolist()]


def _batched_forward(model: Module, xs: NDArray[np.float64]) -> Callable[[NDArray[Any]], Any]:
    """One graph per batch: each input feature a Value holding one number per sample."""
    return lambda batch: model(columns(xs[batch]))


def _predictions(preds: Any, n: int, batched: bool) -> NDArray[np.float64]:
    """The model's outputs on ``n`` samples, one row per sample: from one batched forward result, or
    from a list of the results of each sample."""
    if batched:
        return _outputs("fit", preds, n)
    return np.concatenate([_outputs("fit", p, 1) for p in preds])


def _check_data(X: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[Any]]:
    xs = np.asarray(X)
    ys = np.asarray(y)
    if xs.dtype.kind not in "biuf" or ys.dtype.kind not in "biuf":
        raise TypeError(f"fit: X and y must hold real numbers, got dtypes {xs.dtype} and {ys.dtype}")
    if xs.ndim != 2:
        raise ValueError(f"fit: X must be 2-D (samples, features), got shape {xs.shape}")
    if ys.ndim != 1 or len(ys) != len(xs):
        raise ValueError(f"fit: y must be 1-D with one target per row of X ({len(xs)}), got shape {ys.shape}")
    if len(xs) == 0:
        raise ValueError("fit: X has no samples")
    return xs.astype(np.float64), ys  # integer labels stay integers (class indices)


def _resolve_loss(loss: str | LossFn, accuracy: Correct | None) -> tuple[LossFn, Correct | None]:
    accuracy = _check.function("fit: accuracy", accuracy)
    if callable(loss):
        return loss, accuracy
    fn, correct = LOSSES[_check.choice("fit", "loss", loss, LOSSES, other="a function")]
    return fn, accuracy or correct


def _interactive() -> bool:
    if "ipykernel" in sys.modules:  # a Jupyter notebook
        return True
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


def _progress_bar(epochs: int, progress: bool) -> Any:
    if not progress or not _interactive():
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # an optional extra: no bar without it
        return None
    return tqdm(total=epochs, unit="epoch", leave=True)
