# Port of micrograd's demo.ipynb (https://github.com/karpathy/micrograd, MIT licence), written for
# glassgrad: the same statements, in this project's formatting, inside one function `run` so that the
# test can run the identical loop on micrograd's classes as well. Lines that differ from the source:
#   - cell 1: `import matplotlib.pyplot as plt` and `%matplotlib inline` are left out, with the lines that
#     only draw (the scatter of the data in cell 4, the whole decision-boundary cell 8).
#   - cell 2: `from micrograd.engine import Value` and `from micrograd.nn import Neuron, Layer, MLP`
#     became `from autograd import Value` and `from nn import MLP` (the two names it uses), passed to
#     `run` as parameters with these defaults.
#   - cell 3: `np.random.seed(1337)` is left out: it seeded sklearn's make_moons, which is gone (below).
#   - cell 4, data loading: `from sklearn.datasets import make_moons, make_blobs` and
#     `X, y = make_moons(n_samples=100, noise=0.1)` became `X, y = nn.data.moons(100, noise=0.1,
#     seed=1337)`: the same kind of data set without sklearn, not the same points.
#   - cell 5: `print(model)` prints glassgrad's repr; `print("number of parameters", ...)` is kept.
#   - cell 7: `for k in range(100)` became `for k in range(steps)` (steps=100 by default; the learning
#     rate keeps the source's 100-step schedule), and each step appends `(loss, accuracy)` to `history`,
#     which `run` returns (both added).
import random

import numpy as np

import nn
from autograd import Value as GlassgradValue
from nn import MLP as GlassgradMLP


def run(
    steps: int = 100, Value: type = GlassgradValue, MLP: type = GlassgradMLP
) -> list[tuple[float, float]]:
    """The demo's training loop for ``steps`` steps: the loss and accuracy before each update."""
    random.seed(1337)

    # make up a dataset
    X, y = nn.data.moons(100, noise=0.1, seed=1337)
    y = y * 2 - 1  # make y be -1 or 1

    # initialize a model
    model = MLP(2, [16, 16, 1])  # 2-layer neural network
    print(model)
    print("number of parameters", len(model.parameters()))

    # loss function
    def loss(batch_size=None):
        # inline DataLoader :)
        if batch_size is None:
            Xb, yb = X, y
        else:
            ri = np.random.permutation(X.shape[0])[:batch_size]
            Xb, yb = X[ri], y[ri]
        inputs = [list(map(Value, xrow)) for xrow in Xb]

        # forward the model to get scores
        scores = list(map(model, inputs))

        # svm "max-margin" loss
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        # L2 regularization
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss

        # also get accuracy
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    total_loss, acc = loss()
    print(total_loss, acc)

    # optimization
    history = []
    for k in range(steps):
        # forward
        total_loss, acc = loss()
        history.append((total_loss.data, acc))

        # backward
        model.zero_grad()
        total_loss.backward()

        # update (sgd)
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad

        if k % 1 == 0:
            print(f"step {k} loss {total_loss.data}, accuracy {acc * 100}%")
    return history
