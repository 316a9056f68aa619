"""``python -m nn train``: train an MLP on a built-in data set and save what came out.

The defaults are micrograd's demo: 100 moons samples, an MLP 2-16-16-1 with relu, hinge loss plus an
L2 penalty of 1e-4, full-batch SGD whose learning rate decays linearly from 1.0 to 0.1 over 100 steps.
``make demo`` runs exactly that. The output folder gets ``model.json`` (load it with ``nn.load``),
``history.json``, and, when matplotlib is installed, ``loss.png`` and ``boundary.png``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

import nn
from nn.optim import SGD, Adam, LinearLR, Optimizer
from nn.train import LOSSES, History, fit

DATASETS = ("moons", "circles", "spirals", "blobs", "xor")


def _hidden(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"hidden sizes must be integers like 16,16, got {text!r}") from None
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"hidden sizes must be positive, got {text!r}")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    """The command line, with micrograd's demo as every default."""
    parser = argparse.ArgumentParser(prog="python -m nn", description="glassgrad's command line.")
    sub = parser.add_subparsers(dest="command", required=True)
    description = (__doc__ or "").replace("``", "")  # the docstring, without its reST quoting
    train = sub.add_parser("train", help="train an MLP on a built-in data set", description=description)
    train.add_argument("--dataset", choices=DATASETS, default="moons")
    train.add_argument("--samples", type=int, default=100, help="number of samples (default 100)")
    train.add_argument("--noise", type=float, default=0.1, help="data noise (default 0.1)")
    train.add_argument("--hidden", type=_hidden, default=[16, 16], help="hidden sizes, e.g. 16,16")
    train.add_argument("--activation", choices=["relu", "tanh", "sigmoid", "leaky_relu"], default="relu")
    train.add_argument("--loss", choices=sorted(LOSSES), default=None, help="default: hinge (2 classes)")
    train.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    train.add_argument("--lr", type=float, default=None, help="learning rate (sgd: 1.0, adam: 0.01)")
    train.add_argument("--no-decay", action="store_true", help="keep the learning rate constant")
    train.add_argument("--l2", type=float, default=1e-4, help="L2 penalty (default 1e-4)")
    train.add_argument("--epochs", type=int, default=100)
    train.add_argument("--batch-size", type=int, default=None, help="default: the full batch")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--out", default="runs/demo", help="output folder (default runs/demo)")
    train.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def load_dataset(
    name: str, samples: int, noise: float, seed: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One of the built-in data sets, as float arrays."""
    X: NDArray[Any]
    y: NDArray[Any]
    if name == "xor":
        X, y = nn.data.xor()
    elif name == "moons":
        X, y = nn.data.moons(samples, noise=noise, seed=seed)
    elif name == "circles":
        X, y = nn.data.circles(samples, noise=noise, seed=seed)
    elif name == "spirals":
        X, y = nn.data.spirals(samples, noise=noise, seed=seed)
    else:
        X, y = nn.data.blobs(samples, seed=seed)
    return X.astype(np.float64), y.astype(np.float64)


def run(args: argparse.Namespace) -> int:
    """Train as the arguments say; print progress and a summary; write the outputs."""
    for name, value, low in [("--samples", args.samples, 1), ("--epochs", args.epochs, 1)]:
        if value < low:
            print(f"error: {name} must be at least {low}, got {value}", file=sys.stderr)
            return 2
    X, y = load_dataset(args.dataset, args.samples, args.noise, args.seed)
    classes = len(np.unique(y))
    loss = args.loss or ("hinge" if classes <= 2 else "cross_entropy")
    targets = {"hinge": 2.0 * y - 1.0, "cross_entropy": y.astype(np.int64)}.get(loss, y)
    nout = classes if loss == "cross_entropy" else 1
    out_activation = "sigmoid" if loss == "bce" else None
    model = nn.MLP(X.shape[1], [*args.hidden, nout], args.activation, out_activation, seed=args.seed)
    lr = args.lr if args.lr is not None else (1.0 if args.optimizer == "sgd" else 0.01)
    optimizer: Optimizer = (
        SGD(model.parameters(), lr=lr) if args.optimizer == "sgd" else Adam(model.parameters(), lr=lr)
    )
    batches = 1 if args.batch_size is None else math.ceil(len(X) / args.batch_size)
    schedule = None if args.no_decay else LinearLR(optimizer, 1.0, 0.1, total_iters=args.epochs * batches)
    print(f"data: {args.dataset}, {len(X)} samples, {classes} classes")
    print(f"model: {model}")
    print(f"training: {loss} loss + {args.l2:g} L2, {args.optimizer} lr {lr:g}, {args.epochs} epochs")
    every = max(1, args.epochs // 10)

    def report(epoch: int, history: History) -> None:
        if epoch % every == 0 or epoch == args.epochs - 1:
            print(f"  epoch {epoch + 1:4d}  loss {history.loss[-1]:.4f}  accuracy {history.accuracy[-1]:.0%}")

    start = time.perf_counter()
    history = fit(
        model,
        X,
        targets,
        loss=loss,
        optimizer=optimizer,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        progress=not args.no_progress,
        l2=args.l2,
        schedule=schedule,
        callback=report,
    )
    seconds = time.perf_counter() - start
    print(f"done in {seconds:.2f} s ({seconds / args.epochs * 1000:.1f} ms per epoch)")
    print(f"final training accuracy: {history.accuracy[-1]:.0%}")
    write_outputs(args.out, model, history, X, y, out_activation)
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
        json.dump({"loss": history.loss, "accuracy": history.accuracy, "lr": history.lr}, fh, indent=1)
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
    print(f"wrote {', '.join(written)} to {folder}/")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m nn`` (and the ``glassgrad`` script)."""
    args = build_parser().parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
