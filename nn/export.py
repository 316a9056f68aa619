"""The way onward: a glassgrad model as a PyTorch ``Sequential`` or an ONNX file, and back from PyTorch.

* ``to_torch(model)``: a ``torch.nn.Sequential`` of ``Linear`` layers and activations, in float64, that
  computes what the model computes: the same outputs and the same parameter gradients, to 1e-12.
* ``from_torch(module)``: the glassgrad ``MLP`` of such a ``Sequential`` (a model trained in PyTorch,
  brought back to be drawn, explained and stepped through).
* ``to_onnx(model, path)``: an ONNX file, float64 end to end, for onnxruntime and every tool that reads
  ONNX. It needs the ``onnx`` package only, not PyTorch.
* ``torch_state_dict(model)``: the parameters as NumPy arrays under PyTorch's ``state_dict`` names
  (``0.weight``, ``0.bias``, ``2.weight``, ...), which ``to_torch``'s module and ``to_onnx``'s file use.

Layer ``i`` of an ``MLP`` is the ``Linear`` whose ``weight[j, k]`` is ``layers.i.neurons.j.w.k`` and
whose ``bias[j]`` is ``layers.i.neurons.j.b``; its activation follows it as a module of its own (none
for a linear layer), so the ``Linear`` layers of ``MLP(2, [16, 16, 1])`` are at 0, 2 and 4, as in the
``Sequential`` a PyTorch user writes by hand. A ``Layer`` or a ``Neuron`` exports as an MLP of one layer.

PyTorch and ONNX are optional: ``pip install 'glassgrad[torch]'`` or ``'glassgrad[onnx]'``; without them
these functions raise an ImportError that says which to install.

Examples:
    >>> import nn
    >>> model = nn.MLP(2, [3, 1], seed=0)
    >>> {name: array.shape for name, array in torch_state_dict(model).items()}
    {'0.weight': (3, 2), '0.bias': (3,), '2.weight': (1, 3), '2.bias': (1,)}
    >>> float(torch_state_dict(model)["0.weight"][1, 0]) == model.layers[0].neurons[1].w[0].data
    True
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from nn import _check
from nn.module import MLP, Layer, Module, Neuron
from nn.persistence import _write_atomic

if TYPE_CHECKING:
    import onnx
    import torch

__all__ = [
    "ONNX_OPSET",
    "SOFTPLUS_THRESHOLD",
    "from_torch",
    "onnx_model",
    "to_onnx",
    "to_torch",
    "torch_state_dict",
]

SOFTPLUS_THRESHOLD = 40.0
"""The ``threshold`` of the ``torch.nn.Softplus`` that ``to_torch`` makes.

PyTorch's Softplus returns ``x`` itself above its threshold (20 by default), where the exact
``log(1 + e**x)`` is ``x + log1p(e**-x)``: at 20 the two differ by 2e-9. glassgrad's softplus is exact
for every ``x``. Above 34 the difference, ``log1p(e**-x) < 2e-15``, is less than half the spacing of
float64 numbers there (``3.6e-15``), so the exact value rounds to ``x``: with the threshold at 40 both
give the same float, and below it PyTorch computes ``log1p(exp(x))``, which cannot overflow there.
"""

ONNX_OPSET = 17
"""The ONNX opset that ``to_onnx`` writes (onnx 1.12 and onnxruntime 1.13 onward read it)."""

_TORCH_EXTRA = "pip install 'glassgrad[torch]'"
_ONNX_EXTRA = "pip install 'glassgrad[onnx]'"
_LEAKY_SLOPE = 0.01  # glassgrad's leaky_relu, as nn.module's activation table has it


# ---------------------------------------------------------------- without optional packages
def _layers(model: object, who: str) -> list[tuple[NDArray[np.float64], NDArray[np.float64], str]]:
    """Each layer of a built-in model as ``(weight (nout, nin), bias (nout,), activation name)``."""
    if isinstance(model, MLP):
        layers = model.layers
    elif isinstance(model, Layer):
        layers = [model]
    elif isinstance(model, Neuron):
        weight = np.array([[w.data for w in model.w]], dtype=np.float64)
        return [(weight, np.array([model.b.data], dtype=np.float64), model.activation)]
    else:
        raise TypeError(
            _check.message(f"{who}: model", "an nn.MLP, nn.Layer or nn.Neuron", model, kind=True)
            + "; a model of your own has no fixed layout to export"
        )
    return [
        (
            np.array([[w.data for w in n.w] for n in layer.neurons], dtype=np.float64),
            np.array([n.b.data for n in layer.neurons], dtype=np.float64),
            layer.activation,
        )
        for layer in layers
    ]


def _names(layers: list[tuple[NDArray[np.float64], NDArray[np.float64], str]]) -> Iterator[str]:
    """The ``Sequential`` index of each layer's ``Linear``: one more after each activation module."""
    index = 0
    for _, _, activation in layers:
        yield str(index)
        index += 1 if activation == "linear" else 2


def torch_state_dict(model: Module) -> dict[str, NDArray[np.float64]]:
    """The parameters of an ``MLP``, ``Layer`` or ``Neuron`` under PyTorch's ``state_dict`` names.

    Needs neither PyTorch nor ONNX: the arrays are NumPy's, float64. ``to_torch(model).state_dict()``
    has the same names and values (as tensors), so ``{k: torch.from_numpy(v) for k, v in ...}`` loads into
    it; ``to_onnx`` names its initializers so too.

    Raises:
        TypeError: ``model`` is not an ``MLP``, ``Layer`` or ``Neuron``.

    Examples:
        >>> from nn import MLP
        >>> list(torch_state_dict(MLP(2, [4, 4, 1], activation="tanh", seed=0)))
        ['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias']
        >>> list(torch_state_dict(MLP(2, [4, 1], activation="linear", seed=0)))  # no activation modules
        ['0.weight', '0.bias', '1.weight', '1.bias']
    """
    layers = _layers(model, "torch_state_dict")
    state: dict[str, NDArray[np.float64]] = {}
    for name, (weight, bias, _) in zip(_names(layers), layers, strict=True):
        state[f"{name}.weight"], state[f"{name}.bias"] = weight, bias
    return state


# ---------------------------------------------------------------- PyTorch
def _optional(package: str, who: str, what: str, extra: str) -> Any:
    """The optional ``package``, or an ImportError saying that ``who`` needs it and how to install it."""
    try:
        return importlib.import_module(package)
    except ImportError as err:
        raise ImportError(f"{who} needs {what}: {extra}") from err


def _torch(who: str) -> Any:
    return _optional("torch", who, "PyTorch", _TORCH_EXTRA)


def _torch_activation(torch: Any, name: str) -> Any:
    """The ``torch.nn`` module of a glassgrad activation, ``None`` for linear."""
    return {
        "relu": torch.nn.ReLU,
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
        "leaky_relu": lambda: torch.nn.LeakyReLU(negative_slope=_LEAKY_SLOPE),
        "softplus": lambda: torch.nn.Softplus(beta=1.0, threshold=SOFTPLUS_THRESHOLD),
        "linear": lambda: None,
    }[name]()


def to_torch(model: Module) -> torch.nn.Sequential:
    """A ``torch.nn.Sequential`` (float64, on the CPU) that computes what ``model`` computes.

    Each layer becomes a ``torch.nn.Linear`` followed by its activation's module (``ReLU``, ``Tanh``,
    ``Sigmoid``, ``LeakyReLU(0.01)``, ``Softplus`` with threshold ``SOFTPLUS_THRESHOLD``; nothing for
    a linear layer). Its ``state_dict()`` names are those of ``torch_state_dict``. Outputs are
    ``(batch, nout)``, ``(batch, 1)`` for a model of one output (whose ``predict`` gives ``(batch,)``).
    Outputs and parameter gradients equal glassgrad's to 1e-12. The module is a copy: training it
    leaves ``model`` as it was (``from_torch`` brings it back).

    Raises:
        ImportError: PyTorch is not installed (``pip install 'glassgrad[torch]'``).
        TypeError: ``model`` is not an ``MLP``, ``Layer`` or ``Neuron``.

    Examples:
        >>> import nn
        >>> net = to_torch(nn.MLP(2, [16, 16, 1], seed=0))
        >>> net
        Sequential(
          (0): Linear(in_features=2, out_features=16, bias=True)
          (1): ReLU()
          (2): Linear(in_features=16, out_features=16, bias=True)
          (3): ReLU()
          (4): Linear(in_features=16, out_features=1, bias=True)
        )
        >>> net[0].weight.dtype
        torch.float64
    """
    pt = _torch("to_torch")
    layers = _layers(model, "to_torch")  # checked before anything is built
    modules: list[Any] = []
    for weight, bias, activation in layers:
        linear = pt.nn.Linear(weight.shape[1], weight.shape[0], dtype=pt.float64)
        with pt.no_grad():
            linear.weight.copy_(pt.from_numpy(weight))
            linear.bias.copy_(pt.from_numpy(bias))
        modules.append(linear)
        act = _torch_activation(pt, activation)
        if act is not None:
            modules.append(act)
    sequential: torch.nn.Sequential = pt.nn.Sequential(*modules)
    return sequential


def _glassgrad_activation(torch: Any, module: Any, where: str) -> str | None:
    """The glassgrad name of a PyTorch activation module, ``None`` if it is none; errors for what
    glassgrad cannot compute as PyTorch does."""
    nn = torch.nn
    if isinstance(module, nn.Identity):
        return "linear"
    if isinstance(module, nn.LeakyReLU):
        if module.negative_slope != _LEAKY_SLOPE:
            raise ValueError(
                f"from_torch: {where} is LeakyReLU(negative_slope={module.negative_slope}), but glassgrad's "
                f"leaky_relu has slope {_LEAKY_SLOPE} only"
            )
        return "leaky_relu"
    if isinstance(module, nn.Softplus):
        if module.beta != 1:
            raise ValueError(
                f"from_torch: {where} is Softplus(beta={module.beta}), but glassgrad's softplus is "
                "log(1 + e**x), beta=1 only"
            )
        return "softplus"
    simple = {nn.ReLU: "relu", nn.Tanh: "tanh", nn.Sigmoid: "sigmoid"}
    return simple.get(type(module))


def from_torch(module: torch.nn.Module) -> MLP:
    """The glassgrad ``MLP`` of a ``torch.nn.Sequential`` of ``Linear`` layers and activations.

    Takes ``Linear`` layers, each followed by at most one of ``ReLU``, ``Tanh``, ``Sigmoid``,
    ``LeakyReLU`` (slope 0.01, glassgrad's), ``Softplus`` (``beta=1``) or ``Identity``; nested
    ``Sequential`` modules are read in order, and a lone ``Linear`` is an MLP of one layer. The hidden
    layers must share one activation (an ``MLP`` has one, ``activation``, and ``out_activation`` for the
    last layer). Parameters of any floating dtype and device are copied as float64 (float32 exactly).
    A ``Linear`` without a bias gets glassgrad's bias set to 0: the same function, a parameter more.
    A ``Softplus`` with PyTorch's default threshold (20) returns ``x`` above it where glassgrad's is
    exact: they differ there by at most ``log1p(e**-20)``, 2e-9.

    The model is built with ``fused=True`` and ``seed=0`` (its weights then replaced), so Python's
    ``random`` is left as it was.

    Raises:
        ImportError: PyTorch is not installed.
        TypeError: ``module`` is no ``torch.nn.Module``.
        ValueError: what glassgrad cannot take, named with its place in the Sequential: a layer that is
            no ``Linear`` (a convolution, a normalisation, dropout), an unknown activation, two
            activations in a row, an activation before the first ``Linear``, sizes that do not chain
            (``Linear(2, 8)`` then ``Linear(4, 1)``), hidden layers with different activations, an empty
            Sequential, or parameters that are no real floats.

    Examples:
        >>> import torch
        >>> net = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
        >>> from_torch(net)
        MLP(2 -> [8, 1], activation='tanh', out_activation=None, 33 parameters)
        >>> from_torch(torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.GELU()))
        Traceback (most recent call last):
        ValueError: from_torch: module 1 (GELU(...)) is an activation glassgrad does not have; it takes ...
    """
    pt = _torch("from_torch")
    if not isinstance(module, pt.nn.Module):
        raise TypeError(
            _check.message(
                "from_torch: module", "a torch.nn.Sequential or torch.nn.Linear", module, kind=True
            )
        )
    # Flatten nested Sequentials, keeping each module's dotted place (its state_dict prefix).
    flat: list[tuple[str, Any]] = []
    stack: list[tuple[str, Any]] = [("", module)]
    while stack:
        name, item = stack.pop()
        if isinstance(item, pt.nn.Sequential):
            stack.extend(
                (f"{name}.{key}" if name else key, child) for key, child in reversed(item._modules.items())
            )
        else:
            flat.append((name, item))
    if not flat:
        raise ValueError("from_torch: the Sequential is empty; it needs at least one Linear layer")
    layers: list[tuple[Any, str]] = []  # (Linear, activation name)
    for name, item in flat:
        where = f"module {name} ({item})" if name else f"the module ({item})"
        if isinstance(item, pt.nn.Linear):
            if layers and item.in_features != layers[-1][0].out_features:
                previous = layers[-1][0]
                raise ValueError(
                    f"from_torch: {where} takes {item.in_features} inputs, but the Linear before it gives "
                    f"{previous.out_features}"
                )
            layers.append((item, "linear"))
            continue
        activation = _glassgrad_activation(pt, item, where)
        if activation is None:
            supported = "Linear layers and ReLU, Tanh, Sigmoid, LeakyReLU(0.01), Softplus, Identity"
            if _is_activation(pt, item):
                raise ValueError(
                    f"from_torch: {where} is an activation glassgrad does not have; it takes {supported}"
                )
            raise ValueError(f"from_torch: {where} is no layer an MLP has; from_torch takes {supported}")
        if activation == "linear":  # Identity: nothing to do
            continue
        if not layers:
            raise ValueError(f"from_torch: {where} comes before any Linear layer; an MLP starts with one")
        if layers[-1][1] != "linear":
            raise ValueError(
                f"from_torch: {where} follows another activation ({layers[-1][1]}); a layer has one"
            )
        layers[-1] = (layers[-1][0], activation)
    hidden = {activation for _, activation in layers[:-1]}
    if len(hidden) > 1:
        found = ", ".join(f"{i}: {activation}" for i, (_, activation) in enumerate(layers[:-1]))
        raise ValueError(
            "from_torch: glassgrad's MLP has one activation for all its hidden layers, these differ "
            f"(layer {found})"
        )
    state: dict[str, float] = {}
    for i, (linear, _) in enumerate(layers):
        weight = _floats(pt, linear.weight, f"layer {i}'s weight")
        bias = (
            np.zeros(linear.out_features)
            if linear.bias is None
            else _floats(pt, linear.bias, f"layer {i}'s bias")
        )
        for j in range(linear.out_features):
            for k in range(linear.in_features):
                state[f"layers.{i}.neurons.{j}.w.{k}"] = float(weight[j, k])
            state[f"layers.{i}.neurons.{j}.b"] = float(bias[j])
    nouts = [linear.out_features for linear, _ in layers]
    activation = hidden.pop() if hidden else "relu"
    out_activation = None if layers[-1][1] == "linear" else layers[-1][1]
    model = MLP(layers[0][0].in_features, nouts, activation, out_activation, seed=0)
    model.load_state_dict(state)
    return model


def _is_activation(torch: Any, module: Any) -> bool:
    """Whether a module is one of ``torch.nn``'s activations (defined in ``torch.nn.modules.activation``)."""
    return type(module).__module__ == "torch.nn.modules.activation"


def _floats(torch: Any, tensor: Any, what: str) -> NDArray[np.float64]:
    """A parameter tensor as a float64 NumPy array, from any device; a ValueError for no real floats."""
    if not (tensor.dtype.is_floating_point and not tensor.dtype.is_complex):
        raise ValueError(f"from_torch: {what} is {tensor.dtype}, expected real floating-point numbers")
    array: NDArray[np.float64] = tensor.detach().to(device="cpu", dtype=torch.float64).numpy()
    return array


# ---------------------------------------------------------------- ONNX
def _onnx(who: str) -> Any:
    return _optional("onnx", who, "the onnx package", _ONNX_EXTRA)


def onnx_model(model: Module) -> onnx.ModelProto:
    """The ONNX model that ``to_onnx`` writes, in memory (``onnx.ModelProto``).

    Input ``"input"`` of shape ``(batch, nin)``, output ``"output"`` of shape ``(batch, nout)``, both
    float64 (``tensor(double)``); ``batch`` is a free dimension. Each layer is a ``Gemm`` whose
    initializers have ``torch_state_dict``'s names (``0.weight`` is ``(nout, nin)``, so ``transB=1``),
    followed by its activation. ``Relu``, ``Tanh`` and ``Sigmoid`` are ONNX's own; leaky relu is
    ``Where(x > 0, x, 0.01 * x)`` (ONNX's ``LeakyRelu`` keeps its slope as a float32, 0.00999999977)
    and softplus is ``Relu(x) + Log(1 + Exp(-Abs(x)))`` (onnxruntime has no float64 ``Softplus``), both
    of ops that onnxruntime runs in float64, with constants in float64.

    Raises:
        ImportError: the onnx package is not installed (``pip install 'glassgrad[onnx]'``).
        TypeError: ``model`` is not an ``MLP``, ``Layer`` or ``Neuron``.

    Examples:
        >>> import nn
        >>> proto = onnx_model(nn.MLP(2, [4, 1], activation="leaky_relu", seed=0))
        >>> [node.op_type for node in proto.graph.node]
        ['Gemm', 'Mul', 'Greater', 'Where', 'Gemm']
        >>> [tensor.name for tensor in proto.graph.initializer]
        ['0.weight', '0.bias', '2.weight', '2.bias', 'zero', 'slope']
    """
    return _onnx_model(model, "onnx_model")


def _onnx_model(model: Module, who: str) -> onnx.ModelProto:
    """``onnx_model``, its errors named after ``who``, the function the user called."""
    onnxlib = _onnx(who)
    from onnx import TensorProto, helper, numpy_helper

    layers = _layers(model, who)
    nin, nout = layers[0][0].shape[1], layers[-1][0].shape[0]
    nodes: list[Any] = []
    constants: dict[str, float] = {}
    initializers: list[Any] = []
    x = "input"
    names = list(_names(layers))
    for i, (name, (weight, bias, activation)) in enumerate(zip(names, layers, strict=True)):
        initializers += [
            numpy_helper.from_array(weight, f"{name}.weight"),
            numpy_helper.from_array(bias, f"{name}.bias"),
        ]
        last = i == len(layers) - 1
        z = "output" if last and activation == "linear" else f"{name}.out"
        nodes.append(
            helper.make_node("Gemm", [x, f"{name}.weight", f"{name}.bias"], [z], name=name, transB=1)
        )
        if activation != "linear":
            x = "output" if last else f"{int(name) + 1}.out"
            nodes += _onnx_activation(helper, activation, z, x, f"{int(name) + 1}", constants)
        else:
            x = z
    initializers += [
        numpy_helper.from_array(np.array(value, dtype=np.float64), key) for key, value in constants.items()
    ]
    graph = helper.make_graph(
        nodes,
        f"glassgrad {type(model).__name__}",
        [helper.make_tensor_value_info("input", TensorProto.DOUBLE, ["batch", nin])],
        [helper.make_tensor_value_info("output", TensorProto.DOUBLE, ["batch", nout])],
        initializer=initializers,
    )
    proto: onnx.ModelProto = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", ONNX_OPSET)], producer_name="glassgrad"
    )
    proto.doc_string = f"{model!r}, exported by glassgrad's nn.export.to_onnx"
    onnxlib.checker.check_model(proto, full_check=True)
    return proto


def _onnx_activation(
    helper: Any, activation: str, x: str, y: str, name: str, constants: dict[str, float]
) -> list[Any]:
    """The nodes that compute ``y = activation(x)`` in float64, their constants added to ``constants``."""
    op = {"relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid"}.get(activation)
    if op is not None:
        return [helper.make_node(op, [x], [y], name=name)]
    if activation == "leaky_relu":
        constants["zero"], constants["slope"] = 0.0, _LEAKY_SLOPE
        return [
            helper.make_node("Mul", [x, "slope"], [f"{name}.scaled"], name=f"{name}.mul"),
            helper.make_node("Greater", [x, "zero"], [f"{name}.positive"], name=f"{name}.greater"),
            helper.make_node("Where", [f"{name}.positive", x, f"{name}.scaled"], [y], name=name),
        ]
    if activation == "softplus":
        constants["one"] = 1.0
        steps = [
            ("Relu", [x], "relu"),
            ("Abs", [x], "abs"),
            ("Neg", [f"{name}.abs"], "neg"),
            ("Exp", [f"{name}.neg"], "exp"),
            ("Add", ["one", f"{name}.exp"], "onep"),
            ("Log", [f"{name}.onep"], "log"),
        ]
        nodes = [
            helper.make_node(op, inputs, [f"{name}.{out}"], name=f"{name}.{out}") for op, inputs, out in steps
        ]
        return [*nodes, helper.make_node("Add", [f"{name}.relu", f"{name}.log"], [y], name=name)]
    raise AssertionError(f"no ONNX form for activation {activation!r}")  # pragma: no cover


def to_onnx(model: Module, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` as an ONNX file (float64 end to end), checked by ``onnx.checker``.

    The graph is ``onnx_model(model)``'s: input ``"input"`` ``(batch, nin)``, output ``"output"``
    ``(batch, nout)``. Under onnxruntime its predictions equal ``model.predict`` to 1e-9 (``(batch, 1)``
    where ``predict`` gives ``(batch,)``). Needs the onnx package only, not PyTorch. The write is
    atomic, as ``Module.save``'s: a temporary file beside ``path`` replaces it once complete.

    Raises:
        ImportError: the onnx package is not installed (``pip install 'glassgrad[onnx]'``).
        TypeError: ``model`` is not an ``MLP``, ``Layer`` or ``Neuron``.

    Examples:
        >>> import os, tempfile
        >>> import nn, onnx
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     to_onnx(nn.MLP(2, [16, 16, 1], seed=0), os.path.join(folder, "model.onnx"))
        ...     onnx.checker.check_model(os.path.join(folder, "model.onnx"))
        ...     proto = onnx.load(os.path.join(folder, "model.onnx"))
        >>> [(i.name, i.type.tensor_type.elem_type == onnx.TensorProto.DOUBLE) for i in proto.graph.input]
        [('input', True)]
    """
    data = _onnx_model(model, "to_onnx").SerializeToString()  # everything checked before the file is touched
    _write_atomic(path, lambda f: f.write(data))
