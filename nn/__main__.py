"""``python -m nn train``: train an MLP on a built-in data set and save what came out.

The defaults are micrograd's demo: 100 moons samples, an MLP 2-16-16-1 with relu, hinge loss plus an
L2 penalty of 1e-4, full-batch SGD whose learning rate decays linearly from 1.0 to 0.1 over 100 steps.
``make demo`` runs exactly that. The output folder gets ``model.json`` (load it with ``nn.load``),
``history.json``, and, when matplotlib is installed, ``loss.png`` and ``boundary.png``. With ``--monitor``
the history also holds each layer's health per epoch (``fit(..., monitor=True)``) and ``health.png``
draws it (``nn.viz.plot_health``).

Every argument is checked before anything runs (the data set, the model, the optimizer and the output
folder are made first): a bad one ends the program with one line of error and exit status 2.
"""

from __future__ import annotations

import argparse
import inspect
import itertools
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

import nn
from nn import _check, _export_cli
from nn.module import _ACTIVATIONS
from nn.optim import LinearLR, Optimizer
from nn.train import LOSSES, History, fit

T = TypeVar("T")

MAX_SAMPLES = 10**6  # a toy data set; NumPy would try to allocate any number asked for
MAX_PARAMETERS = 10**6  # one Value each: a million already takes seconds per step in this engine
BINARY_LOSSES = ("hinge", "bce", "bce_logits")  # their targets are two classes


def optimizers() -> dict[str, type[Optimizer]]:
    """``nn.optim``'s optimizers by their names in lower case: the choices of ``--optimizer``.

    The choices of the command line are the library's own tables, read when the parser is built:
    ``nn.data.__all__``, the activations of ``nn.module``, ``nn.train.LOSSES`` and these.

    Examples:
        >>> list(optimizers())
        ['sgd', 'adam']
    """
    return {
        cls.__name__.lower(): cls
        for cls in (getattr(nn.optim, name) for name in nn.optim.__all__)
        if isinstance(cls, type) and issubclass(cls, Optimizer) and not inspect.isabstract(cls)
    }


def _argument(read: Callable[[str], T], check: Callable[[T], T]) -> Callable[[str], T]:
    """An argparse type: the text read as an int or a float (argparse reports text it cannot read), then
    checked by ``nn._check``, whose ValueError becomes argparse's one line of error."""

    def parse(text: str) -> T:
        value = read(text)
        try:
            return check(value)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = getattr(read, "__name__", "value")  # "invalid int value: 'x'"
    return parse


_positive_int = _argument(int, partial(_check.integer, ""))
_non_negative_int = _argument(int, partial(_check.integer, "", at_least=0))
_positive_float = _argument(float, partial(_check.real, "", above=0))
_non_negative_float = _argument(float, partial(_check.real, "", at_least=0))
_samples = _argument(int, partial(_check.integer, "", at_most=MAX_SAMPLES))


def _hidden(text: str) -> list[int]:
    """``--hidden``: layer widths such as ``16,16`` (empty: no hidden layer)."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"hidden sizes must be integers like 16,16, got {text!r}") from None
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"hidden sizes must be positive, got {text!r}")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    """The command line, with micrograd's demo as every default.

    Examples:
        >>> args = build_parser().parse_args(["train", "--hidden", "8,8", "--lr", "0.5"])
        >>> args.hidden, args.lr, args.dataset
        ([8, 8], 0.5, 'moons')
    """
    parser = argparse.ArgumentParser(prog="python -m nn", description="glassgrad's command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    _export_cli.add_parser(sub)  # python -m nn export: nn/_export_cli.py
    description = (__doc__ or "").replace("``", "")  # the docstring, without its reST quoting
    train = sub.add_parser("train", help="train an MLP on a built-in data set", description=description)
    train.set_defaults(error=train.error)  # for the errors found after parsing: this usage, this prefix
    train.add_argument("--dataset", choices=list(nn.data.__all__), default="moons")
    samples = f"number of samples, at most {MAX_SAMPLES:,} (default 100)"
    train.add_argument("--samples", type=_samples, default=100, help=samples)
    train.add_argument("--noise", type=_non_negative_float, default=0.1, help="data noise (default 0.1)")
    train.add_argument("--hidden", type=_hidden, default=[16, 16], help="hidden sizes, e.g. 16,16")
    train.add_argument("--activation", choices=list(_ACTIVATIONS), default="relu")
    train.add_argument(
        "--loss", choices=list(LOSSES), default=None, help="default: hinge for 2 classes, else cross_entropy"
    )
    train.add_argument("--optimizer", choices=list(optimizers()), default="sgd")
    train.add_argument(
        "--lr", type=_positive_float, default=None, help="learning rate (sgd: 1.0, others: 0.01)"
    )
    train.add_argument("--no-decay", action="store_true", help="keep the learning rate constant")
    train.add_argument("--l2", type=_non_negative_float, default=1e-4, help="L2 penalty (default 1e-4)")
    train.add_argument("--epochs", type=_positive_int, default=100)
    train.add_argument("--batch-size", type=_positive_int, default=None, help="default: the full batch")
    train.add_argument("--seed", type=_non_negative_int, default=0)
    train.add_argument("--out", default="runs/demo", help="output folder (default runs/demo)")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    train.add_argument(
        "--monitor",
        action="store_true",
        help="record each layer's activation and gradient statistics per epoch; draw them in health.png",
    )
    return parser


def load_dataset(
    name: str, samples: int, noise: float, seed: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One of ``nn.data``'s data sets, as float arrays, given the options it takes (xor takes none).

    Examples:
        >>> X, y = load_dataset("xor", 100, 0.1, 0)
        >>> X.shape, y.dtype
        ((4, 2), dtype('float64'))
    """
    make = getattr(nn.data, name)
    given = {"n": samples, "noise": noise, "seed": seed}
    takes = inspect.signature(make).parameters
    X, y = make(**{key: value for key, value in given.items() if key in takes})
    return X.astype(np.float64), y.astype(np.float64)


@dataclass
class Job:
    """A training run, made and checked from the command line before it starts."""

    X: NDArray[np.float64]
    y: NDArray[np.float64]
    classes: int
    targets: NDArray[Any]
    loss: str
    model: nn.MLP
    optimizer: Optimizer
    schedule: LinearLR | None
    batch_size: int | None
    seed: int
    l2: float

    def fit(self, **options: Any) -> History:
        """``nn.train.fit`` on this job, with ``options`` (epochs, progress, callback)."""
        return fit(self.model, self.X, self.targets, self.loss, self.optimizer, batch_size=self.batch_size,
                   seed=self.seed, l2=self.l2, schedule=self.schedule, **options)  # fmt: skip


def prepare(args: argparse.Namespace) -> Job:
    """Make the data, the model, the optimizer and the output folder; check them with a run of no epoch.

    Raises:
        ValueError: the arguments do not go together (a loss of two classes on three), the model is too
            big, or the output folder cannot be written.

    Examples:
        >>> prepare(build_parser().parse_args(["train", "--dataset", "spirals", "--loss", "hinge"]))
        Traceback (most recent call last):
        ValueError: argument --loss: hinge takes 2 classes, --dataset spirals has 3 (use --loss cross_entropy)
    """
    X, y = load_dataset(args.dataset, args.samples, args.noise, args.seed)
    classes = len(np.unique(y))
    loss = args.loss or ("hinge" if classes <= 2 else "cross_entropy")
    if loss in BINARY_LOSSES and classes > 2:
        raise ValueError(
            f"argument --loss: {loss} takes 2 classes, --dataset {args.dataset} has {classes} "
            "(use --loss cross_entropy)"
        )
    targets = {"hinge": 2.0 * y - 1.0, "cross_entropy": y.astype(np.int64)}.get(loss, y)
    sizes = [X.shape[1], *args.hidden, classes if loss == "cross_entropy" else 1]
    count = sum((fan_in + 1) * fan_out for fan_in, fan_out in itertools.pairwise(sizes))
    if count > MAX_PARAMETERS:  # checked before the model is built: building it would take all memory
        raise ValueError(
            f"argument --hidden: a model of {count:,} parameters is too big for this engine "
            f"(at most {MAX_PARAMETERS:,})"
        )
    out_activation = "sigmoid" if loss == "bce" else None
    model = nn.MLP(sizes[0], sizes[1:], args.activation, out_activation, seed=args.seed)
    lr = args.lr if args.lr is not None else (1.0 if args.optimizer == "sgd" else 0.01)
    optimizer = optimizers()[args.optimizer](model.parameters(), lr=lr)
    batches = 1 if args.batch_size is None else math.ceil(len(X) / args.batch_size)
    schedule = None if args.no_decay else LinearLR(optimizer, 1.0, 0.1, total_iters=args.epochs * batches)
    job = Job(X, y, classes, targets, loss, model, optimizer, schedule, args.batch_size, args.seed, args.l2)
    job.fit(epochs=0, progress=False)  # checks every argument of fit; trains nothing
    _check_folder(args.out)
    return job


def _check_folder(folder: str) -> None:
    """Make ``folder`` (with its parents) if it is not there, and write a file in it, as a test."""
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise ValueError(f"argument --out: {folder!r} is a file, not a folder")
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise ValueError(f"argument --out: cannot write in {folder!r}: {error.strerror or error}") from None


def run(job: Job, args: argparse.Namespace) -> int:
    """Train as the arguments say; print progress and a summary; write the outputs."""
    print(f"data: {args.dataset}, {len(job.X)} samples, {job.classes} classes")
    print(f"model: {job.model}")
    print(
        f"training: {job.loss} loss + {job.l2:g} L2, {args.optimizer} lr {job.optimizer.lr:g}, "
        f"{args.epochs} epochs"
    )
    every = max(1, args.epochs // 10)

    def report(epoch: int, history: History) -> None:
        if epoch % every == 0 or epoch == args.epochs - 1:
            print(f"  epoch {epoch + 1:4d}  loss {history.loss[-1]:.4f}  accuracy {history.accuracy[-1]:.0%}")

    start = time.perf_counter()
    history = job.fit(
        epochs=args.epochs, progress=not args.no_progress, callback=report, monitor=args.monitor
    )
    seconds = time.perf_counter() - start
    print(f"done in {seconds:.2f} s ({seconds / args.epochs * 1000:.1f} ms per epoch)")
    print(f"final training accuracy: {history.accuracy[-1]:.0%}")
    write_outputs(args.out, job.model, history, job.X, job.y, job.model.out_activation)
    return 0


def write_outputs(
    folder: str,
    model: nn.MLP,
    history: History,
    X: NDArray[np.float64],
    y: NDArray[np.float64],
    out: str | None,
) -> None:
    """Save the model and the history; draw the loss curve and the decision boundary if matplotlib is here."""
    os.makedirs(folder, exist_ok=True)
    model.save(os.path.join(folder, "model.json"))
    with open(os.path.join(folder, "history.json"), "w", encoding="utf-8") as fh:
        json.dump(history.to_dict(), fh, indent=1)
    written = ["model.json", "history.json"]
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from nn.viz import plot_decision_boundary, plot_history
    except ImportError:
        print("(matplotlib is not installed: no PNGs; pip install 'glassgrad[plot]')")
    else:
        fig, ax = plt.subplots(figsize=(5, 3.5))
        plot_history(history, ax=ax)
        fig.tight_layout()
        fig.savefig(os.path.join(folder, "loss.png"), dpi=110)
        plt.close(fig)
        written.append("loss.png")
        if X.shape[1] == 2:
            fig, ax = plt.subplots(figsize=(5, 4))
            plot_decision_boundary(model, X, y, ax=ax, threshold=0.5 if out == "sigmoid" else 0.0)
            fig.tight_layout()
            fig.savefig(os.path.join(folder, "boundary.png"), dpi=110)
            plt.close(fig)
            written.append("boundary.png")
        if history.health:
            from nn.viz import plot_health

            fig = plot_health(history)
            fig.savefig(os.path.join(folder, "health.png"), dpi=100)
            plt.close(fig)
            written.append("health.png")
    print(f"wrote {', '.join(written)} to {folder}/")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m nn`` (and the ``glassgrad`` script)."""
    args, extra = build_parser().parse_known_args(argv)
    if extra:  # reported by the train command, with its usage
        args.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "export":
        return _export_cli.run(args)
    try:
        job = prepare(args)
    except (TypeError, ValueError) as error:
        args.error(str(error))
    return run(job, args)


if __name__ == "__main__":
    sys.exit(main())
