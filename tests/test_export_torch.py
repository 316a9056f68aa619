"""nn.export with PyTorch: to_torch computes what glassgrad computes (outputs and parameter gradients to
1e-12, for every activation), from_torch brings a Sequential back exactly and refuses what it cannot take,
and ``python -m nn export --to torch`` writes a state_dict that the lines it prints load.

Skipped when torch is not installed (``pip install 'glassgrad[torch]'``).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import math
from collections import OrderedDict

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install 'glassgrad[torch]'")

import nn  # noqa: E402
from autograd import Value  # noqa: E402
from nn.__main__ import main  # noqa: E402
from nn.export import SOFTPLUS_THRESHOLD, from_torch, to_torch, torch_state_dict  # noqa: E402
from nn.module import _ACTIVATIONS  # noqa: E402

ACTIVATIONS = list(_ACTIVATIONS)  # every activation glassgrad has
TOL = {"rtol": 1e-12, "atol": 1e-12}


def inputs(nin: int, seed: int = 0) -> np.ndarray:
    """Ordinary rows, large ones, and rows near the edges of the activations (0, softplus's threshold)."""
    rng = np.random.default_rng(seed)
    rows = [rng.normal(size=(12, nin)), rng.normal(size=(4, nin)) * 60, rng.normal(size=(2, nin)) * 800]
    rows.append(np.zeros((1, nin)))
    rows.append(np.full((1, nin), SOFTPLUS_THRESHOLD / nin))
    return np.concatenate(rows)


def glassgrad_grads(model: nn.Module, X: np.ndarray, G: np.ndarray) -> dict[str, np.ndarray]:
    """The gradients of sum(G * model(X)) in glassgrad, under PyTorch's names (as torch_state_dict's)."""
    model.zero_grad()
    total = Value(0.0)
    for x, g in zip(X, G, strict=True):
        out = model(x.tolist())
        outs = out if isinstance(out, list) else [out]
        for o, gi in zip(outs, g, strict=True):
            total = total + o * float(gi)
    total.backward()
    values = {id(p): p for p in model.parameters()}
    saved = {id(p): p.data for p in values.values()}
    for p in values.values():  # torch_state_dict reads .data: put each grad there for a moment
        p.data = p.grad
    try:
        return torch_state_dict(model)
    finally:
        for key, p in values.items():
            p.data = saved[key]


def torch_grads(net: torch.nn.Sequential, X: np.ndarray, G: np.ndarray) -> dict[str, np.ndarray]:
    net.zero_grad()
    (net(torch.from_numpy(X)) * torch.from_numpy(G)).sum().backward()
    return {name: p.grad.numpy() for name, p in net.named_parameters()}


def compare(model: nn.Module, net: torch.nn.Sequential, X: np.ndarray, seed: int = 1) -> None:
    """Outputs and every parameter gradient equal to 1e-12."""
    expected = model.predict(X).reshape(len(X), -1)
    np.testing.assert_allclose(net(torch.from_numpy(X)).detach().numpy(), expected, **TOL)
    G = np.random.default_rng(seed).normal(size=expected.shape)
    ours, theirs = glassgrad_grads(model, X, G), torch_grads(net, X, G)
    assert list(ours) == list(theirs)
    for name in ours:
        np.testing.assert_allclose(theirs[name], ours[name], err_msg=name, **TOL)


@pytest.mark.parametrize(("activation", "out_activation"), list(itertools.product(ACTIVATIONS, ACTIVATIONS)))
def test_outputs_and_gradients_equal_glassgrads(activation: str, out_activation: str) -> None:
    model = nn.MLP(3, [5, 4, 2], activation, out_activation, seed=7)
    net = to_torch(model)
    assert all(p.dtype == torch.float64 for p in net.parameters())
    compare(model, net, inputs(3))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_a_layer_and_a_neuron_export_as_one_layer(activation: str) -> None:
    for model in (nn.Layer(3, 4, activation, seed=1), nn.Neuron(3, activation, seed=2)):
        net = to_torch(model)
        assert isinstance(net[0], torch.nn.Linear) and net[0].out_features == (
            1 if isinstance(model, nn.Neuron) else 4
        )
        compare(model, net, inputs(3))


def test_the_module_is_what_a_pytorch_user_writes() -> None:
    net = to_torch(nn.MLP(2, [16, 16, 1], activation="tanh", out_activation="sigmoid", seed=0))
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear", "Sigmoid"]
    assert list(net.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]


def test_state_dict_names_and_values_follow_glassgrads_parameters() -> None:
    model = nn.MLP(3, [4, 2], "leaky_relu", seed=3)
    state = to_torch(model).state_dict()
    for i, name in enumerate(["0", "2"]):
        for j, neuron in enumerate(model.layers[i].neurons):
            assert state[f"{name}.bias"][j].item() == neuron.b.data
            for k, w in enumerate(neuron.w):
                assert state[f"{name}.weight"][j, k].item() == w.data


def test_leaky_relu_keeps_glassgrads_slope() -> None:
    net = to_torch(nn.MLP(2, [3, 1], "leaky_relu", seed=0))
    assert net[1].negative_slope == 0.01
    x = torch.tensor([-1000.0, -1e-3, 0.0, 2.0], dtype=torch.float64)
    assert net[1](x).tolist() == [Value(v).leaky_relu().data for v in x.tolist()]


def test_softplus_is_exact_at_every_input_where_pytorchs_default_is_not() -> None:
    neuron = nn.Neuron(1, "softplus", seed=0)
    neuron.w[0].data = 1.0
    xs = np.concatenate([np.linspace(-60, 60, 1201), [33.5, 39.9, 40.0, 40.1, 1e3, 1e300, -1e300]])[:, None]
    compare(neuron, to_torch(neuron), xs)
    # PyTorch's default threshold (20) returns x above it, where the exact value is x + log1p(e**-x).
    default = torch.nn.Softplus()(torch.tensor([25.0], dtype=torch.float64)).item()
    assert abs(default - Value(25.0).softplus().data) > 1e-12


def test_the_comparison_catches_a_wrong_weight_and_a_wrong_activation() -> None:
    model = nn.MLP(3, [5, 1], "relu", seed=4)
    wrong = to_torch(model)
    with torch.no_grad():
        wrong[0].weight[2, 1] += 1e-9
    with pytest.raises(AssertionError):
        compare(model, wrong, inputs(3))
    wrong = to_torch(model)
    wrong[1] = torch.nn.LeakyReLU(0.01)
    with pytest.raises(AssertionError):
        compare(model, wrong, inputs(3))


def test_the_module_is_a_copy() -> None:
    model = nn.MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    net = to_torch(model)
    with torch.no_grad():
        net[0].weight.add_(1.0)
    assert model.state_dict() == before


class Custom(nn.Module):
    def __init__(self) -> None:
        self.w = Value(1.0)

    def forward(self, x: float) -> Value:
        return self.w * x


@pytest.mark.parametrize("model", [Custom(), "model.json", None])
def test_to_torch_refuses_a_model_of_no_fixed_layout(model: object) -> None:
    with pytest.raises(TypeError, match=r"to_torch: model must be an nn.MLP, nn.Layer or nn.Neuron"):
        to_torch(model)  # type: ignore[arg-type]


# ---------------------------------------------------------------- from_torch
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_from_torch_brings_back_exactly_what_to_torch_took(activation: str) -> None:
    for out_activation in ("linear", "sigmoid", activation):
        model = nn.MLP(3, [6, 5, 2], activation, out_activation, seed=5)
        back = from_torch(to_torch(model))
        assert back.state_dict() == model.state_dict()
        assert back.activation == model.activation
        assert (back.out_activation or "linear") == out_activation
        X = inputs(3)
        np.testing.assert_array_equal(back.predict(X), model.predict(X))


def test_from_torch_takes_what_a_pytorch_user_writes() -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        OrderedDict(
            [
                ("hidden", torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Softplus())),
                ("out", torch.nn.Linear(8, 3, bias=False)),
                ("identity", torch.nn.Identity()),
            ]
        )
    )  # float32, nested, named, a Linear without a bias
    model = from_torch(net)
    assert model.config() == nn.MLP(2, [8, 3], "softplus").config()
    assert model.layers[0].neurons[3].w[1].data == net.hidden[0].weight[3, 1].item()  # float32, exactly
    assert [n.b.data for n in model.layers[1].neurons] == [0.0, 0.0, 0.0]
    X = np.random.default_rng(0).normal(size=(5, 2))
    expected = net.double()(torch.from_numpy(X)).detach().numpy()
    np.testing.assert_allclose(model.predict(X), expected, rtol=1e-8, atol=1e-8)  # PyTorch's threshold 20
    lone = from_torch(torch.nn.Linear(3, 2))
    assert lone.config()["nouts"] == [2] and lone.out_activation is None


BAD = [
    (
        torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU()),
        r"module 0 \(Conv2d.*no layer an MLP has",
    ),
    (
        torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.GELU()),
        r"module 1 \(GELU.*activation glassgrad does not",
    ),
    (
        torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.LeakyReLU(0.2)),
        r"negative_slope=0.2.*slope 0.01 only",
    ),
    (
        torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Softplus(beta=2)),
        r"Softplus\(beta=2\).*beta=1 only",
    ),
    (
        torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Linear(4, 1)),
        r"module 1 .* takes 4 inputs, .* gives 8",
    ),
    (
        torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Tanh()),
        r"follows another activation",
    ),
    (torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(2, 4)), r"comes before any Linear layer"),
    (torch.nn.Sequential(), r"the Sequential is empty"),
    (
        torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Dropout()),
        r"module 1 \(Dropout.*no layer an MLP has",
    ),
    (
        torch.nn.Sequential(
            torch.nn.Linear(2, 4),
            torch.nn.ReLU(),
            torch.nn.Linear(4, 4),
            torch.nn.Tanh(),
            torch.nn.Linear(4, 1),
        ),
        r"one activation for all its hidden layers.*0: relu, 1: tanh",
    ),
    (torch.nn.Sequential(torch.nn.Linear(2, 4, dtype=torch.complex64)), r"complex64, expected real floating"),
]


@pytest.mark.parametrize(("module", "message"), BAD, ids=[m for _, m in BAD])
def test_from_torch_says_what_it_cannot_take(module: torch.nn.Module, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        from_torch(module)


@pytest.mark.parametrize("module", [None, [torch.nn.Linear(2, 1)], nn.MLP(2, [1], seed=0)])
def test_from_torch_refuses_what_is_no_torch_module(module: object) -> None:
    with pytest.raises(
        TypeError, match=r"from_torch: module must be a torch.nn.Sequential or torch.nn.Linear"
    ):
        from_torch(module)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the command line
def test_export_to_torch_writes_a_state_dict_that_the_printed_lines_load(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    model = nn.MLP(2, [5, 3], "softplus", "sigmoid", seed=0)
    model.save("model.json")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["export", "model.json", "--to", "torch"]) == 0
    lines = printed.getvalue().splitlines()
    assert lines[0].startswith("wrote model.npz (")
    code = "\n".join(line.strip() for line in lines if line.startswith("    "))
    namespace: dict[str, object] = {}
    exec(code, namespace)  # the lines it prints rebuild the Sequential and load the file
    net = namespace["net"]
    assert isinstance(net, torch.nn.Sequential)
    X = inputs(2)
    np.testing.assert_allclose(net(torch.from_numpy(X)).detach().numpy(), model.predict(X), **TOL)
    with np.load("model.npz", allow_pickle=False) as state:  # plain arrays, no pickles
        assert list(state.files) == list(torch_state_dict(model))
        assert state["0.bias"].dtype == np.float64
        biases = state["0.bias"].tolist()
    assert all(math.isclose(biases[j], n.b.data) for j, n in enumerate(model.layers[0].neurons))
