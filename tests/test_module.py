"""Tests for ``nn.module``: parameters and their names, initialisation, forward values and gradients,
inputs and their checks, predict, and saving and loading (exact, atomic, never a pickle)."""

from __future__ import annotations

import gc
import json
import math
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import numeric_grad

import autograd
from autograd import Value
from nn.module import MLP, Layer, Module, Neuron
from nn.persistence import load


def weights(model: Module) -> np.ndarray:
    """Every weight (no biases) as one flat array."""
    return np.array([v for k, v in model.state_dict().items() if not k.endswith(".b") and k != "b"])


def interior_nodes(root: Value) -> int:
    return sum(1 for v in autograd.topological_order(root) if v.parents)


# ---------------------------------------------------------------- parameters and their names
def test_mlp_parameter_names_and_count() -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert len(names) == 337 == model.num_parameters() == len(set(names))
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert "layers.0.neurons.3.w.1" in names
    assert "layers.1.neurons.15.w.15" in names
    assert names[-1] == "layers.2.neurons.0.b"
    assert list(model.state_dict()) == names


def test_parameters_are_the_named_ones_in_order() -> None:
    model = MLP(3, [4, 2], seed=0)
    assert [id(p) for p in model.parameters()] == [id(p) for _, p in model.named_parameters()]
    assert model.layers[1].neurons[1].w[3] is dict(model.named_parameters())["layers.1.neurons.1.w.3"]


def test_named_parameters_walks_any_module_in_definition_order() -> None:
    shared = Value(5.0)

    class Net(Module):
        def __init__(self) -> None:
            self.scale = Value(1.0)
            self.name = "not a parameter"
            self.sizes = [1, 2]
            self.blocks = [Neuron(1, seed=0), Neuron(1, seed=1)]
            self._cache = Value(9.0)  # private: not walked
            self.tied = [shared, shared]  # a shared Value is listed once
            self.head = Layer(1, 1, seed=2)

    names = [name for name, _ in Net().named_parameters()]
    assert names == [
        "scale",
        "blocks.0.w.0",
        "blocks.0.b",
        "blocks.1.w.0",
        "blocks.1.b",
        "tied.0",
        "head.neurons.0.w.0",
        "head.neurons.0.b",
    ]


@pytest.mark.parametrize(
    "walk",
    ["named_parameters", "parameters", "num_parameters", "state_dict", "zero_grad"],
)
def test_walking_the_parameters_leaves_no_cyclic_garbage(walk: str) -> None:
    """Reference counting alone frees what a walk builds (a self-referencing closure needed the GC)."""
    model = MLP(2, [16, 16, 1], seed=0)
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for _ in range(10):
            getattr(model, walk)()
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()


def test_named_parameters_walks_deep_and_cyclic_attributes_without_recursion() -> None:
    class Chain(Module):
        def __init__(self, inner: Module | None) -> None:
            self.p = Value(1.0)
            self.inner = inner
            self.loop: list[Any] = [self.p]
            self.loop.append(self.loop)  # a list that holds itself is walked once

    model = Chain(None)
    for _ in range(5000):  # deeper than Python's recursion limit
        model = Chain(model)
    names = [name for name, _ in model.named_parameters()]
    assert len(names) == 5001 and names[:2] == ["p", "inner.p"]


def test_zero_grad() -> None:
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    model([0.5, -1.5]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_neuron_layout() -> None:
    n = Neuron(3, seed=0)
    assert [w.label for w in n.w] == ["w0", "w1", "w2"]
    assert n.b.label == "b" and n.b.data == 0.0
    assert len(Layer(3, 5).neurons) == 5


def test_reprs() -> None:
    assert (
        repr(MLP(2, [16, 16, 1]))
        == "MLP(2 -> [16, 16, 1], activation='relu', out_activation=None, 337 parameters)"
    )
    assert repr(Neuron(2)) == "Neuron(2, activation='relu')"
    assert repr(Layer(2, 16, "tanh", fused=False)) == "Layer(2, 16, activation='tanh', fused=False)"


# ---------------------------------------------------------------- initialisation
def test_same_seed_same_model_other_seed_other_model() -> None:
    assert MLP(2, [8, 1], seed=3).state_dict() == MLP(2, [8, 1], seed=3).state_dict()
    assert MLP(2, [8, 1], seed=3).state_dict() != MLP(2, [8, 1], seed=4).state_dict()


def test_weights_are_drawn_layer_by_layer_neuron_by_neuron() -> None:
    rng = np.random.default_rng(11)
    expected = [rng.uniform(-1, 1, 2) for _ in range(3)] + [rng.uniform(-1, 1, 3)]
    model = MLP(2, [3, 1], seed=11)
    got = [[w.data for w in n.w] for layer in model.layers for n in layer.neurons]
    assert got == [list(e) for e in expected]


def test_generator_seed_is_used_and_advanced() -> None:
    rng = np.random.default_rng(5)
    first = MLP(2, [4, 1], seed=rng).state_dict()
    assert first == MLP(2, [4, 1], seed=np.random.default_rng(5)).state_dict()
    assert MLP(2, [4, 1], seed=rng).state_dict() != first  # the generator moved on


def test_a_failed_constructor_draws_nothing() -> None:
    rng = np.random.default_rng(5)
    for bad in ({"fused": 1}, {"init": "bad"}, {"nouts": [3, 0]}, {"out_activation": "bad"}):
        with pytest.raises((TypeError, ValueError)):
            MLP(**{"nin": 2, "nouts": [3, 1], "seed": rng, **bad})
    with pytest.raises(TypeError):
        Neuron(2, seed=rng, fused=1)  # type: ignore[arg-type]
    assert MLP(2, [3, 1], seed=rng).state_dict() == MLP(2, [3, 1], seed=5).state_dict()


def test_uniform_init() -> None:
    w = weights(Layer(100, 100, init="uniform", seed=0))
    assert np.all(np.abs(w) <= 1.0) and np.abs(w).max() > 0.99
    assert abs(w.mean()) < 0.02 and w.std() == pytest.approx(1 / math.sqrt(3), rel=0.02)


def test_xavier_init_bound_uses_fan_in_and_fan_out() -> None:
    w = weights(Layer(60, 40, init="xavier", seed=0))
    bound = math.sqrt(6 / (60 + 40))
    assert np.all(np.abs(w) <= bound) and np.abs(w).max() > 0.98 * bound
    lone = weights(Neuron(500, init="xavier", seed=0))  # a lone neuron: fan_out = 1
    assert np.abs(lone).max() <= math.sqrt(6 / 501) and np.abs(lone).max() > 0.98 * math.sqrt(6 / 501)


def test_he_init_std() -> None:
    w = weights(Layer(200, 200, init="he", seed=0))
    assert w.std() == pytest.approx(math.sqrt(2 / 200), rel=0.02)
    assert abs(w.mean()) < 0.003
    assert all(v == 0.0 for k, v in Layer(200, 3, init="he", seed=0).state_dict().items() if k.endswith(".b"))


# ---------------------------------------------------------------- forward values and gradients
def numpy_forward(model: MLP, x: np.ndarray, acts: list[Any]) -> np.ndarray:
    """The MLP by hand: matrices from the state_dict, then act(W @ h + b) layer by layer."""
    state = model.state_dict()
    h = x
    for i, layer in enumerate(model.layers):
        W = np.array(
            [[state[f"layers.{i}.neurons.{j}.w.{k}"] for k in range(layer.nin)] for j in range(layer.nout)]
        )
        b = np.array([state[f"layers.{i}.neurons.{j}.b"] for j in range(layer.nout)])
        h = acts[i](W @ h + b)
    return h


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_forward_equals_numpy(activation: str) -> None:
    model = MLP(3, [5, 4, 2], activation=activation, seed=1)
    for p in model.parameters():  # non-zero biases, so they count
        p.data += 0.1
    x = np.array([0.3, -1.2, 2.0])
    act = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh}[activation]
    expected = numpy_forward(model, x, [act, act, lambda z: z])
    assert [v.data for v in model(x)] == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("activation", ["sigmoid", "leaky_relu", "softplus", "linear", None])
def test_neuron_activations(activation: str | None) -> None:
    n = Neuron(2, activation, seed=0)
    z = n.w[0].data * 1.5 - n.w[1].data * 2.0
    expected = {
        "sigmoid": 1 / (1 + math.exp(-z)),
        "leaky_relu": z if z > 0 else 0.01 * z,
        "softplus": math.log1p(math.exp(z)),
        "linear": z,
        None: z,
    }[activation]
    assert n([1.5, -2.0]).data == pytest.approx(expected, rel=1e-15)


def test_fused_and_expanded_graphs_agree() -> None:
    fused = MLP(3, [6, 6, 2], activation="tanh", seed=2)
    expanded = MLP(3, [6, 6, 2], activation="tanh", seed=2, fused=False)
    outs = []
    for model in (fused, expanded):
        x = [Value(0.3), Value(-1.2), Value(2.0)]
        y = model(x)
        loss = y[0] * y[1] + y[0]
        loss.backward()
        outs.append((loss, [p.grad for p in model.parameters()], [xi.grad for xi in x]))
    (a, grads_a, xgrads_a), (b, grads_b, xgrads_b) = outs
    assert a.data == b.data  # the same products summed in the same order
    # Gradients meet in shared hidden units, where the two graphs may add them up in another order.
    assert grads_a == pytest.approx(grads_b, rel=1e-12, abs=1e-15)
    assert xgrads_a == pytest.approx(xgrads_b, rel=1e-12, abs=1e-15)
    assert interior_nodes(a) < interior_nodes(b)


def test_one_neuron_fused_and_expanded_agree_exactly() -> None:
    x = [0.5, -2.0, 3.0]
    results = []
    for fused in (True, False):
        n = Neuron(3, "tanh", seed=0, fused=fused)
        n.b.data = 0.25
        y = n(x)
        y.backward()
        results.append((y.data, [p.grad for p in n.parameters()]))
    assert results[0] == results[1]
    assert results[0][1][:3] == pytest.approx([(1 - results[0][0] ** 2) * xi for xi in x])


def test_node_counts_of_one_neuron() -> None:
    x = [1.0, 2.0, 3.0]
    assert interior_nodes(Neuron(3, seed=0)(x)) == 2  # w·x+b, relu
    assert interior_nodes(Neuron(3, seed=0, fused=False)(x)) == 2 * 3 + 1  # 3 *, 2 +, + b, relu
    assert interior_nodes(Neuron(3, "linear", seed=0)(x)) == 1


def test_gradients_equal_finite_differences() -> None:
    model = MLP(2, [5, 3, 1], activation="tanh", out_activation="sigmoid", seed=4)
    x = [0.7, -0.4]
    model(x).backward()
    named = dict(model.named_parameters())
    for name in [
        "layers.0.neurons.1.w.0",
        "layers.0.neurons.4.b",
        "layers.1.neurons.2.w.3",
        "layers.2.neurons.0.b",
    ]:
        p = named[name]
        start = p.data

        def f(value: float, p: Value = p) -> float:
            p.data = value
            with autograd.no_grad():
                return float(model(x).data)

        (numeric,) = numeric_grad(f, [start])
        p.data = start
        assert p.grad == pytest.approx(numeric, rel=1e-6, abs=1e-9), name


# ---------------------------------------------------------------- inputs
def test_inputs_of_every_kind_agree() -> None:
    model = MLP(2, [4, 1], seed=0)
    ys = [model(x).data for x in ([0.5, -1.0], (0.5, -1.0), np.array([0.5, -1.0]), [np.float64(0.5), -1])]
    values = [Value(0.5), Value(-1.0)]
    out = model(values)
    out.backward()
    assert ys == [out.data] * 4
    assert any(v.grad != 0.0 for v in values)  # Values given are part of the graph


def test_numbers_become_values_once_per_call() -> None:
    model = MLP(2, [8, 1], seed=0)
    out = model([0.5, -1.0])
    params = {id(p) for p in model.parameters()}
    inputs = [v for v in autograd.topological_order(out) if not v.parents and id(v) not in params]
    assert sorted(v.data for v in inputs) == [-1.0, 0.5]  # shared by all 8 first-layer neurons


@pytest.mark.parametrize(
    ("x", "error", "message"),
    [
        ([1.0, 2.0, 3.0], ValueError, "MLP expects 2 inputs, got 3"),
        ([1.0], ValueError, "MLP expects 2 inputs, got 1"),
        (np.zeros((5, 2)), ValueError, r"shape \(2,\).*\(5, 2\).*predict"),
        ([[1.0, 2.0]], ValueError, "predict"),
        (3.0, TypeError, "list, tuple or 1-D array"),
        (["a", 1.0], TypeError, "MLP inputs must be Values or real numbers, got str at 0"),
        ([1.0, None], TypeError, "MLP inputs must be Values or real numbers, got NoneType at 1"),
    ],
)
def test_bad_inputs(x: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        MLP(2, [3, 1], seed=0)(x)


ONE_OF_EACH = {
    "Neuron": lambda: Neuron(2, "linear", seed=0),
    "Layer": lambda: Layer(2, 1, "linear", seed=0),
    "MLP": lambda: MLP(2, [1], seed=0),
}


@pytest.mark.parametrize("who", ONE_OF_EACH)
@pytest.mark.parametrize("x", [5, 2.5, None, "ab", Value(1.0), {1.0, 2.0}, range(2)], ids=repr)
def test_one_example_of_another_kind_is_a_type_error_naming_both(who: str, x: Any) -> None:
    expected = f"{who} expects a list, tuple or 1-D array of 2 numbers or Values, got {type(x).__name__}"
    with pytest.raises(TypeError, match=f"^{expected}$"):
        ONE_OF_EACH[who]()(x)


@pytest.mark.parametrize("who", ONE_OF_EACH)
@pytest.mark.parametrize(
    ("x", "message"),
    [
        (np.array([[1.0, 2.0], [3.0, 4.0]]), r"one example of shape \(2,\), got an array of shape \(2, 2\)"),
        ([[1.0, 2.0], [3.0, 4.0]], "one example of 2 inputs, got a nested sequence"),
        (np.zeros(()), r"one example of shape \(2,\), got an array of shape \(\)"),
    ],
    ids=["2x2 array", "nested lists", "0-d array"],
)
def test_a_batch_given_as_one_example_is_refused_by_every_model(who: str, x: Any, message: str) -> None:
    """A Neuron used to read a 2x2 array's rows as its inputs, so its columns as samples."""
    with pytest.raises(ValueError, match=f"^{who} expects {message}"):
        ONE_OF_EACH[who]()(x)


def test_layer_returns_a_list_or_its_one_value_and_checks_width() -> None:
    """As micrograd's Layer: a layer of one neuron gives its Value; an MLP chains layers all the same."""
    one = Layer(2, 1, seed=0)
    out = one([1.0, 2.0])
    assert isinstance(out, Value) and out.data == one.neurons[0]([1.0, 2.0]).data
    assert [v.data for v in Layer(2, 3, seed=0)([1.0, 2.0])] == [
        n([1.0, 2.0]).data for n in Layer(2, 3, seed=0).neurons
    ]
    model = MLP(2, [1, 1, 2], seed=0)  # layers of one neuron inside: each hands the next a list
    assert len(model([1.0, 2.0])) == 2
    assert one.predict(np.ones((3, 2))).shape == (3,)
    with pytest.raises(ValueError, match="Layer expects 2 inputs, got 3"):
        Layer(2, 1)([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Neuron expects 2 inputs, got 1"):
        Neuron(2)([1.0])


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: MLP(0, [1]), ValueError, "nin must be a positive integer, got 0"),
        (lambda: MLP(2.0, [1]), TypeError, "nin must be a positive integer, got 2.0"),
        (lambda: MLP(True, [1]), TypeError, "nin"),
        (lambda: MLP(2, []), ValueError, "at least one"),
        (lambda: MLP(2, 3), TypeError, "nouts must be a sequence"),
        (lambda: MLP(2, [4, 0]), ValueError, r"nouts\[1\]"),
        (
            lambda: MLP(2, [1], activation="gelu"),
            ValueError,
            "'gelu'.*relu, tanh, sigmoid, leaky_relu, softplus, linear",
        ),
        (lambda: MLP(2, [1], out_activation=3), TypeError, "activation"),
        (lambda: MLP(2, [1], init="normal"), ValueError, "'normal'.*uniform, xavier, he"),
        (lambda: MLP(2, [1], seed="0"), TypeError, "seed"),
        (lambda: MLP(2, [1], seed=-1), ValueError, "seed"),
        (lambda: MLP(2, [1], fused=1), TypeError, "fused"),
        (lambda: Layer(2, -1), ValueError, "nout"),
        (lambda: Neuron(2, "softmax"), ValueError, "softmax"),
    ],
)
def test_constructor_checks(make: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        make()


# ---------------------------------------------------------------- predict
def test_predict_equals_the_forward_loop_and_builds_no_graph() -> None:
    model = MLP(2, [6, 1], activation="tanh", seed=0)
    X = np.random.default_rng(1).normal(size=(10, 2))
    expected = np.array([model(x).data for x in X])
    seen = []
    forward = model.forward

    def spy(x: Any) -> Any:
        seen.append(autograd.is_grad_enabled())
        return forward(x)

    model.forward = spy  # type: ignore[method-assign]
    got = model.predict(X, batched=False)
    assert got.dtype == np.float64 and got.shape == (10,)
    assert np.array_equal(got, expected)
    assert seen == [False] * 10 and autograd.is_grad_enabled()
    assert np.array_equal(model.predict(X.tolist(), batched=False), expected)  # nested lists too
    seen.clear()
    batched = model.predict(X)  # every row at once: one forward pass over a batch
    assert seen == [False] and batched.shape == (10,)
    np.testing.assert_allclose(batched, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("batched", [True, False])
def test_predict_names_a_forward_result_it_cannot_read(batched: bool) -> None:
    class Odd(Module):
        def forward(self, x: Any) -> dict[str, Any]:
            return {"y": x}

    with pytest.raises(
        TypeError, match=r"^predict needs forward\(\) to return a Value or a list of Values, got dict$"
    ):
        Odd().predict([[1.0]], batched=batched)


def test_predict_shapes() -> None:
    X = np.zeros((4, 3))
    assert MLP(3, [5, 2], seed=0).predict(X).shape == (4, 2)
    assert Neuron(3, seed=0).predict(X).shape == (4,)
    assert MLP(3, [5, 2], seed=0).predict(np.zeros((0, 3))).shape == (0, 2)


@pytest.mark.parametrize(
    ("X", "message"), [(np.zeros(2), r"\(n, 2\).*\(2,\)"), (np.zeros((4, 3)), r"\(n, 2\).*\(4, 3\)")]
)
def test_predict_rejects_bad_shapes(X: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MLP(2, [3, 1], seed=0).predict(X)


def test_predict_rejects_non_numbers() -> None:
    with pytest.raises(TypeError, match="real numbers"):
        MLP(2, [3, 1], seed=0).predict([["a", "b"]])


# ---------------------------------------------------------------- state_dict
def test_state_dict_is_a_copy() -> None:
    model = Neuron(2, seed=0)
    state = model.state_dict()
    state["b"] = 7.0
    assert model.b.data == 0.0


def test_load_state_dict_copies_values_in() -> None:
    a, b = MLP(2, [4, 1], seed=0), MLP(2, [4, 1], seed=1)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert b([0.3, 0.4]).data == a([0.3, 0.4]).data


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda s: s.pop("layers.1.neurons.0.b"), ValueError, "missing 'layers.1.neurons.0.b'"),
        (lambda s: s.update(extra=1.0), ValueError, "unexpected 'extra'"),
        (
            lambda s: (s.pop("layers.0.neurons.0.b"), s.update(x=1.0)),
            ValueError,
            "missing .*; unexpected 'x'",
        ),
        (lambda s: s.update({"layers.1.neurons.0.b": "0.5"}), TypeError, "'layers.1.neurons.0.b'.*str"),
        (lambda s: s.update({"layers.1.neurons.0.b": True}), TypeError, "bool"),
        (lambda s: s.update({"layers.1.neurons.0.b": 10**400}), ValueError, "float64"),
    ],
)
def test_load_state_dict_checks_everything_first(change: Any, error: type[Exception], message: str) -> None:
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    state = {k: v + 1.0 for k, v in before.items()}  # every value different, the last one bad
    change(state)
    with pytest.raises(error, match=message):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_load_state_dict_not_strict_loads_the_common_names() -> None:
    model = Neuron(2, seed=0)
    model.load_state_dict({"b": 3.0, "other": 1.0}, strict=False)
    assert model.b.data == 3.0
    with pytest.raises(TypeError, match="mapping"):
        model.load_state_dict([("b", 1.0)])  # type: ignore[arg-type]


def test_nan_and_inf_are_loaded() -> None:
    model = Neuron(2, seed=0)
    model.load_state_dict({"w.0": math.nan, "w.1": -math.inf, "b": np.float64(2.0)})
    assert math.isnan(model.w[0].data) and model.w[1].data == -math.inf and type(model.b.data) is float


# ---------------------------------------------------------------- save and load
def bits(model: Module) -> dict[str, str]:
    return {k: v.hex() for k, v in model.state_dict().items()}


def test_save_load_round_trip_is_exact(tmp_path: Path) -> None:
    model = MLP(2, [16, 16, 1], activation="tanh", out_activation="sigmoid", init="he", seed=0, fused=False)
    special = [math.nan, math.inf, -math.inf, -0.0, 5e-324, 0.1 + 0.2]
    for p, value in zip(model.parameters(), special, strict=False):
        p.data = value
    model.save(tmp_path / "model.json")  # a PathLike
    again = load(str(tmp_path / "model.json"))  # a str
    assert isinstance(again, MLP) and repr(again) == repr(model)
    assert bits(again) == bits(model)
    X = np.random.default_rng(0).normal(size=(5, 2))
    assert np.array_equal(again.predict(X), model.predict(X), equal_nan=True)


@pytest.mark.parametrize("model", [Neuron(3, "tanh", seed=0), Layer(2, 3, "sigmoid", seed=0)])
def test_save_load_neuron_and_layer(tmp_path: Path, model: Module) -> None:
    model.save(tmp_path / "m.json")
    again = load(tmp_path / "m.json")
    assert type(again) is type(model) and repr(again) == repr(model) and bits(again) == bits(model)


def test_file_is_plain_documented_json(tmp_path: Path) -> None:
    model = MLP(2, [3, 1], seed=0)
    model.save(tmp_path / "m.json")
    text = (tmp_path / "m.json").read_text(encoding="utf-8")
    document = json.loads(text)
    assert list(document) == ["format", "version", "class", "config", "parameters"]
    assert document["format"] == "glassgrad.module" and document["version"] == 1
    assert document["class"] == "MLP"
    assert document["config"] == {
        "nin": 2,
        "nouts": [3, 1],
        "activation": "relu",
        "out_activation": None,
        "fused": True,
    }
    assert document["parameters"] == model.state_dict()


def test_saving_a_class_load_cannot_rebuild_is_refused(tmp_path: Path) -> None:
    class Custom(Module):
        def __init__(self) -> None:
            self.a = Value(1.0)

    with pytest.raises(TypeError, match="Custom"):
        Custom().save(tmp_path / "c.json")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("failing", ["dump", "replace"])
def test_a_failed_save_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "m.json"
    MLP(2, [3, 1], seed=0).save(path)
    old = path.read_bytes()

    def half_dump(obj: Any, fp: Any, **kwargs: Any) -> None:
        fp.write(json.dumps(obj)[:50])
        raise OSError("disk full")

    def bad_replace(src: Any, dst: Any) -> None:
        raise OSError("power cut")

    if failing == "dump":
        monkeypatch.setattr(json, "dump", half_dump)
    else:
        monkeypatch.setattr(os, "replace", bad_replace)
    with pytest.raises(OSError):
        MLP(2, [3, 1], seed=1).save(path)
    assert path.read_bytes() == old
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_load_never_unpickles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("pickle used")

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, forbidden)
    monkeypatch.setattr(np, "load", forbidden)
    MLP(2, [3, 1], seed=0).save(tmp_path / "m.json")
    assert isinstance(load(tmp_path / "m.json"), MLP)
    (tmp_path / "p.json").write_bytes(pickle.dumps({"format": "glassgrad.module"}))
    with pytest.raises(ValueError, match="not a glassgrad model file"):
        load(tmp_path / "p.json")


def saved_document(tmp_path: Path) -> dict[str, Any]:
    MLP(2, [3, 1], seed=0).save(tmp_path / "good.json")
    document: dict[str, Any] = json.loads((tmp_path / "good.json").read_text())
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other"), "not a glassgrad model file.*'other'"),
        (lambda d: d.pop("format"), "not a glassgrad model file"),
        (lambda d: d.update(version=2), "version 2"),
        (lambda d: d.update({"class": "Transformer"}), "unknown class 'Transformer'"),
        (lambda d: d.update(config=[2, 3]), "config"),
        (lambda d: d["config"].update(nin=0), "nin must be a positive int"),
        (lambda d: d["config"].update(depth=3), "depth"),
        (lambda d: d["config"].update(nouts=[4, 1]), "config asks for 17 parameters, the file has 13"),
        (lambda d: d["parameters"].pop("layers.1.neurons.0.b"), "asks for 13 parameters, the file has 12"),
        (lambda d: d["parameters"].update(extra=1.0), "asks for 13 parameters, the file has 14"),
        (
            lambda d: d["parameters"].update(extra=d["parameters"].pop("layers.1.neurons.0.b")),
            "missing 'layers.1.neurons.0.b'; unexpected 'extra'",
        ),
        (lambda d: d["parameters"].update({"layers.0.neurons.0.b": "1"}), "real number"),
        (lambda d: d.update(parameters=[1.0, 2.0]), "parameters"),
    ],
)
def test_load_rejects_bad_documents(tmp_path: Path, change: Any, message: str) -> None:
    document = saved_document(tmp_path)
    change(document)
    (tmp_path / "bad.json").write_text(json.dumps(document))
    with pytest.raises(ValueError, match=message):
        load(tmp_path / "bad.json")


@pytest.mark.parametrize(
    "content",
    [b"\x80\x81\x00garbage\xff", b"", b"[1, 2]", b"null"],
    ids=["garbage", "empty", "a list", "null"],
)
def test_load_rejects_files_that_are_no_model(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "bad.json").write_bytes(content)
    with pytest.raises(ValueError, match="not a glassgrad model file"):
        load(tmp_path / "bad.json")


def test_load_rejects_a_truncated_file(tmp_path: Path) -> None:
    saved_document(tmp_path)
    text = (tmp_path / "good.json").read_bytes()
    (tmp_path / "half.json").write_bytes(text[: len(text) // 2])
    with pytest.raises(ValueError, match="not a glassgrad model file"):
        load(tmp_path / "half.json")


def test_a_file_of_another_architecture_leaves_the_model_unchanged(tmp_path: Path) -> None:
    MLP(2, [3, 1], seed=0).save(tmp_path / "small.json")
    small = load(tmp_path / "small.json")
    model = MLP(2, [4, 1], seed=1)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"missing 'layers\.0\.neurons\.3\.w\.0'"):
        model.load_state_dict(small.state_dict())
    assert model.state_dict() == before
    with pytest.raises(ValueError, match=r"unexpected 'layers\.0\.neurons\.3\.w\.0'"):
        small.load_state_dict(before)
    assert bits(small) == bits(load(tmp_path / "small.json"))
