"""The seeds, reproduced by the engine: their hand-derived numpy networks, step for step.

seed 000 and seed 001 train a 2-4-1 sigmoid network on XOR with lr 0.1 for 10,000 epochs (000 without
biases, 001 with). Their update ``w += X.T @ delta * lr`` with ``delta = (y - out) * out * (1 - out)`` is
gradient descent on E = 1/2 * sum of squared errors over the four samples: here E is written as Values
and backward() finds the gradient. seed 002 does one step of a sigmoid neuron with cross-entropy.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
from autograd import Value
from nn.optim import SGD
from nn.train import fit


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def seed_numpy_xor(w1: np.ndarray, w2: np.ndarray, b1: np.ndarray | None, b2: np.ndarray | None, epochs: int):
    """The seeds' own code (000 without biases, 001 with), kept as they wrote it."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([[0], [1], [1], [0]])
    w1, w2 = w1.copy(), w2.copy()
    b1 = None if b1 is None else b1.copy()
    b2 = None if b2 is None else b2.copy()
    lr = 0.1
    for _ in range(epochs):
        hidden = sigmoid(X @ w1 + (0 if b1 is None else b1))
        out = sigmoid(hidden @ w2 + (0 if b2 is None else b2))
        out_delta = (y - out) * out * (1 - out)
        hidden_delta = out_delta @ w2.T * hidden * (1 - hidden)
        w2 += hidden.T @ out_delta * lr
        w1 += X.T @ hidden_delta * lr
        if b1 is not None and b2 is not None:
            b2 += np.sum(out_delta, axis=0, keepdims=True) * lr
            b1 += np.sum(hidden_delta, axis=0, keepdims=True) * lr
    return w1, w2, b1, b2


def engine_model(w1: np.ndarray, w2: np.ndarray) -> nn.MLP:
    model = nn.MLP(2, [4, 1], activation="sigmoid", out_activation="sigmoid", seed=0)
    for j, neuron in enumerate(model.layers[0].neurons):
        for i, w in enumerate(neuron.w):
            w.data = float(w1[i, j])
    for i, w in enumerate(model.layers[1].neurons[0].w):
        w.data = float(w2[i, 0])
    return model


def half_sse(preds: list[Value], targets: list[float]) -> Value:
    return 0.5 * autograd.sum([(p - t) ** 2 for p, t in zip(preds, targets, strict=True)])


def weights(model: nn.MLP) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    hidden, out = model.layers
    w1 = np.array([[n.w[i].data for n in hidden.neurons] for i in range(2)])
    w2 = np.array([[w.data] for w in out.neurons[0].w])
    b1 = np.array([[n.b.data for n in hidden.neurons]])
    b2 = np.array([[out.neurons[0].b.data]])
    return w1, w2, b1, b2


@pytest.mark.slow
def test_seed000_xor_without_biases_step_for_step() -> None:
    rng = np.random.default_rng(0)
    w1, w2 = rng.uniform(size=(2, 4)), rng.uniform(size=(4, 1))  # seed 000 draws uniform(0, 1)
    model = engine_model(w1, w2)
    weights_only = [p for name, p in model.named_parameters() if not name.endswith(".b")]
    X, y = nn.data.xor()
    fit(model, X, y, loss=half_sse, optimizer=SGD(weights_only, lr=0.1), epochs=10_000, progress=False)
    ref_w1, ref_w2, _, _ = seed_numpy_xor(w1, w2, None, None, 10_000)
    got_w1, got_w2, got_b1, got_b2 = weights(model)
    np.testing.assert_allclose(got_w1, ref_w1, rtol=0, atol=1e-9)
    np.testing.assert_allclose(got_w2, ref_w2, rtol=0, atol=1e-9)
    assert not got_b1.any() and not got_b2.any()  # no biases: they stay at 0


@pytest.mark.slow
def test_seed001_xor_with_biases_step_for_step_and_learns_xor() -> None:
    rng = np.random.default_rng(1)
    w1, w2 = rng.standard_normal((2, 4)), rng.standard_normal((4, 1))  # seed 001 draws randn, biases 0
    model = engine_model(w1, w2)
    X, y = nn.data.xor()
    history = fit(
        model, X, y, loss=half_sse, optimizer=SGD(model.parameters(), lr=0.1), epochs=10_000, progress=False
    )
    ref = seed_numpy_xor(w1, w2, np.zeros((1, 4)), np.zeros((1, 1)), 10_000)
    for got, want in zip(weights(model), ref, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    assert np.abs(model.predict(X) - y).max() < 0.1
    assert history.loss[-1] < history.loss[0]


def test_seed002_single_neuron_one_step() -> None:
    neuron = nn.Neuron(2, activation="sigmoid")
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 0.5, -0.5, 0.1
    optimizer = SGD(neuron.parameters(), lr=0.1)
    loss = nn.losses.binary_cross_entropy([neuron([1.0, 2.0])], [1.0])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    # the seed's own arithmetic: error = sigmoid(0.5 - 1.0 + 0.1) - 1, grad_w = error * X, grad_b = error
    error = 1 / (1 + np.exp(0.4)) - 1
    assert [w.data for w in neuron.w] == pytest.approx([0.5 - 0.1 * error, -0.5 - 0.1 * error * 2], abs=1e-15)
    assert neuron.b.data == pytest.approx(0.1 - 0.1 * error, abs=1e-15)
    assert [round(w.data, 7) for w in neuron.w] == [0.5598688, -0.3802625]  # what the seed prints
    assert round(neuron.b.data, 7) == 0.1598688


@pytest.mark.slow
def test_micrograd_demo_reaches_full_training_accuracy() -> None:
    X, y = nn.data.moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=1.0)
    schedule = nn.optim.LinearLR(optimizer, 1.0, 0.1, total_iters=100)
    fit(
        model,
        X,
        2 * y - 1,
        loss="hinge",
        optimizer=optimizer,
        epochs=100,
        l2=1e-4,
        schedule=schedule,
        progress=False,
    )
    assert np.mean((model.predict(X) > 0) == (y == 1)) == 1.0
