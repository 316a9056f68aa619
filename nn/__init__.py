"""glassgrad's nn: neurons, layers and MLPs built on ``autograd.Value``; backprop falls out of the graph.

Examples:
    >>> import nn
    >>> model = nn.MLP(2, [4, 1], seed=0)
    >>> loss = nn.losses.mse_loss([model([1.0, 2.0])], [1.0])
    >>> loss.backward()
    >>> all(isinstance(p.grad, float) for p in model.parameters())
    True
"""

from nn import data, losses, optim, train
from nn.module import MLP, Layer, Module, Neuron, load

__all__ = ["MLP", "Layer", "Module", "Neuron", "data", "load", "losses", "optim", "train"]
