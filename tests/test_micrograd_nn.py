"""micrograd's nn code runs on glassgrad's nn: its nonlin flag, a Layer of one neuron giving a Value, and
initialisation that follows Python's random module when no seed is given, weight for weight."""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pytest

from nn import MLP, Layer, Neuron


@pytest.fixture(autouse=True)
def keep_random_state() -> Any:
    """These tests seed Python's random module: give the other tests back the state they had."""
    state = random.getstate()
    yield
    random.setstate(state)


@pytest.mark.parametrize("nonlin", [True, False])
def test_nonlin_is_micrograds_way_to_say_relu_or_linear(nonlin: bool) -> None:
    expected = "relu" if nonlin else "linear"
    assert Neuron(3, nonlin=nonlin, seed=0).activation == expected
    layer = Layer(3, 2, nonlin=nonlin, seed=0)
    assert layer.activation == expected and all(n.activation == expected for n in layer.neurons)
    neuron = Neuron(2, nonlin=nonlin, seed=0)
    for w in neuron.w:
        w.data = 1.0
    assert neuron([-5.0, -5.0]).data == (0.0 if nonlin else -10.0)  # relu(-10), or the sum itself


@pytest.mark.parametrize(
    ("make", "activation"),
    [
        (lambda: Neuron(2, "relu", nonlin=True, seed=0), "relu"),
        (lambda: Neuron(2, activation="linear", nonlin=False, seed=0), "linear"),
        (lambda: Neuron(2, None, nonlin=False, seed=0), "linear"),
        (lambda: Layer(2, 2, nonlin=True, seed=0), "relu"),
        (lambda: Neuron(2, "relu", nonlin=False, seed=0), "linear"),  # relu is the default: nonlin decides
    ],
)
def test_nonlin_and_an_activation_that_agree_are_fine(make: Any, activation: str) -> None:
    assert make().activation == activation


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: Neuron(2, "tanh", nonlin=True),
            "Neuron: nonlin=True means activation='relu', but activation='tanh'",
        ),
        (
            lambda: Layer(2, 3, None, nonlin=True),
            "Layer: nonlin=True means activation='relu', but activation=None",
        ),
    ],
)
def test_nonlin_and_an_activation_that_disagree_are_an_error(make: Any, message: str) -> None:
    state = random.getstate()
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        make()
    assert random.getstate() == state  # refused before a weight was drawn


@pytest.mark.parametrize("nonlin", [1, "yes"])
def test_nonlin_is_a_flag(nonlin: object) -> None:
    with pytest.raises(TypeError, match=r"Neuron: nonlin must be True or False"):
        Neuron(2, nonlin=nonlin)  # type: ignore[arg-type]


def weights(model: Any) -> list[float]:
    return [float(p.data) for p in model.parameters()]


def test_with_no_seed_the_weights_are_micrograds_after_random_seed() -> None:
    micrograd = pytest.importorskip(
        "micrograd.nn", reason="the oracle is micrograd itself: pip install micrograd"
    )
    random.seed(1337)
    theirs = micrograd.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    assert len(weights(ours)) == 337 and weights(ours) == weights(theirs)
    random.seed(7)
    theirs_layer = micrograd.Layer(3, 4, nonlin=False)
    random.seed(7)
    assert weights(Layer(3, 4, nonlin=False)) == weights(theirs_layer)


def test_with_no_seed_each_init_draws_from_random_in_order() -> None:
    def xavier(fan_in: int, fan_out: int) -> float:
        bound = math.sqrt(6 / (fan_in + fan_out))
        return random.uniform(-bound, bound)

    for init, draw in [
        ("uniform", lambda fan_in, fan_out: random.uniform(-1, 1)),
        ("xavier", xavier),
        ("he", lambda fan_in, fan_out: random.gauss(0, math.sqrt(2 / fan_in))),
    ]:
        random.seed(0)
        model = MLP(3, [4, 2], init=init)
        random.seed(0)
        expected = []
        for fan_in, fan_out in [(3, 4), (4, 2)]:
            for _ in range(fan_out):
                expected += [draw(fan_in, fan_out) for _ in range(fan_in)] + [0.0]
        assert weights(model) == pytest.approx(expected, rel=1e-15, abs=0), init


def test_a_seed_or_a_generator_leaves_random_alone() -> None:
    random.seed(3)
    state = random.getstate()
    a = MLP(2, [4, 1], seed=5)
    b = MLP(2, [4, 1], init="he", seed=np.random.default_rng(5))
    assert random.getstate() == state
    rng = np.random.default_rng(5)
    assert weights(a)[:2] == rng.uniform(-1.0, 1.0, 2).tolist()
    assert weights(b)[:2] == np.random.default_rng(5).normal(0.0, 1.0, 2).tolist()
