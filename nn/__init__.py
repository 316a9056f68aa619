"""glassgrad's nn: neurons, layers and MLPs built on ``autograd.Value``; backprop falls out of the graph.

Examples:
    >>> import nn
    >>> model = nn.MLP(2, [4, 1], seed=0)
    >>> loss = nn.losses.mse_loss([model([1.0, 2.0])], [1.0])
    >>> loss.backward()
    >>> all(isinstance(p.grad, float) for p in model.parameters())
    True
"""

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from autograd.check import library
from nn import data, export, losses, optim, persistence, train
from nn.module import MLP, Layer, Module, Neuron
from nn.persistence import load, register

if TYPE_CHECKING:
    from nn import viz as viz

__all__ = [
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "data",
    "export",
    "load",
    "losses",
    "optim",
    "persistence",
    "register",
    "train",
]

library("nn")  # detect_anomaly names the user's line that called nn, not a line of nn itself

_LAZY = {"viz"}  # loaded on first use (PEP 562): pictures and plots need graphviz, and matplotlib in time


def __getattr__(name: str) -> ModuleType:
    """A submodule not imported up front, on first use: ``nn.viz.draw_network`` after a plain import."""
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
