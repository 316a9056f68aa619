"""Models built out of ``autograd.Value``: ``Module``, ``Neuron``, ``Layer``, ``MLP``.

A model is nothing but Values arranged in attributes. ``Module`` finds them by walking those attributes
(``named_parameters``), so a forward pass is ordinary arithmetic on Values and ``backward()`` fills in
every parameter's ``grad``; no derivative is written by hand here.

* ``Neuron(nin)``: ``act(w . x + b)``, one fused ``w·x+b`` node (or, with ``fused=False``, every multiply
  and add as its own node, the graph drawn in textbooks).
* ``Layer(nin, nout)``: ``nout`` neurons reading the same inputs; returns a list of Values (the Value
  itself for one neuron, as micrograd's).
* ``MLP(nin, nouts)``: layers in a row; returns a Value for one output, else a list.

A model of more than ``MAX_PARAMETERS`` (10 million) parameters is refused, with a ValueError saying
how much memory it would take, before anything is allocated. Models save to a plain JSON document
(``Module.save``, ``nn.load``: see ``nn.persistence``), never a pickle.

Examples:
    >>> model = MLP(2, [4, 1], seed=0)
    >>> model
    MLP(2 -> [4, 1], activation='relu', out_activation=None, 17 parameters)
    >>> y = model([1.0, -2.0])
    >>> y.backward()
    >>> [name for name, _ in model.named_parameters()][:3]
    ['layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1', 'layers.0.neurons.0.b']
    >>> model.predict([[1.0, -2.0]]).tolist() == [y.data]
    True
"""

from __future__ import annotations

import itertools
import math
import numbers
import operator
import os
import random
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeAlias, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

import autograd
from autograd import Row, Value, ops
from autograd.batch import columns, outputs
from nn import _check

T = TypeVar("T")

__all__ = ["MAX_PARAMETERS", "MLP", "Layer", "Module", "Neuron"]

Seed: TypeAlias = int | np.random.Generator | None
Inputs: TypeAlias = Sequence[Value | float] | NDArray[Any]

MAX_PARAMETERS = 10_000_000
"""The most parameters a ``Neuron``, ``Layer`` or ``MLP`` may have, and so that ``nn.load`` will build.

A bigger model is refused with a ValueError before anything is allocated, instead of a long wait and a
MemoryError. Each parameter is a ``Value`` object of about 170 bytes (measured: the Value's 88, its float,
its label and its slot in a list), so 10 million take 1.7 GB before a graph is built, and building them
takes seconds; a scalar engine is no place for bigger ones. Raise it if you have the memory:
``nn.module.MAX_PARAMETERS = 10**8``.
"""
_BYTES_PER_PARAMETER = 170  # measured with tracemalloc: Layer(1000, 100) and Neuron(100000) take 174


# Activations by name, as the one-input op each applies; None means no function at all (a linear
# output, as in micrograd's last layer).
_ACTIVATIONS: dict[str, ops.Op | None] = {
    "relu": ops.RELU,
    "tanh": ops.TANH,
    "sigmoid": ops.SIGMOID,
    "leaky_relu": ops.leaky_relu_of(0.01),
    "softplus": ops.SOFTPLUS,  # log(1 + e**x), exact for every x
    "linear": None,
}
_INITS = ("uniform", "xavier", "he")


class Module:
    """The base of every model: finds its parameters, copies them in and out, saves them.

    Subclasses define ``forward``; calling the module calls it. Parameters are found by walking the
    instance's attributes in the order they were set: a ``Value``, a list of Values, a ``Module`` or a
    list of Modules. Attributes whose names start with ``_`` are private and not walked.

    Examples:
        >>> class Affine(Module):
        ...     def __init__(self) -> None:
        ...         self.w = [Value(2.0), Value(3.0)]
        ...         self.b = Value(1.0)
        ...     def forward(self, x: list[float]) -> Value:
        ...         return autograd.dot(self.w, x) + self.b
        >>> f = Affine()
        >>> f([1.0, 1.0]).data
        6.0
        >>> f.state_dict()
        {'w.0': 2.0, 'w.1': 3.0, 'b': 1.0}
    """

    _name: str  # set by a parent module ("Layer 0"), names the scope of this module's nodes

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward``; the Values it builds are recorded in this module's scope, for pictures."""
        with self.__dict__.get("_scope") or self._in_scope():  # (made once: read it, the common case)
            return self.forward(*args, **kwargs)

    def _in_scope(self) -> autograd.scope:
        """This module's scope, made once and named by its parent ("Layer 0", "Neuron 3")."""
        scope = self.__dict__.get("_scope")
        if scope is None:
            scope = self._scope = autograd.scope(self.__dict__.get("_name", type(self).__name__))
        return scope

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation of the model; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    # ------------------------------------------------------------ parameters
    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every parameter with its dotted name (``layers.0.neurons.3.w.1``), in definition order.

        A Value reached twice (a shared weight) is listed once, under its first name.

        Examples:
            >>> [name for name, _ in Neuron(2, seed=0).named_parameters()]
            ['w.0', 'w.1', 'b']
        """
        return self._named(Value)

    def _named(self, kind: type[T]) -> list[tuple[str, T]]:
        """The objects of ``kind`` this module holds, with their dotted names, in definition order: the
        walk of ``named_parameters`` (``kind=Value``), which ``nn.health`` takes for Layers. It goes into
        modules (their public attributes), lists and tuples, and not into what it finds.

        Examples:
            >>> [name for name, _ in MLP(2, [3, 1], seed=0)._named(Layer)]
            ['layers.0', 'layers.1']
        """
        # Depth first with a stack of (name, object) still to visit, children pushed in reverse so that they
        # come off in order. No recursion and no closure: what a walk builds is freed when it returns.
        found: list[tuple[str, T]] = []
        seen: set[int] = set()  # what was visited: each once, even in a cycle
        stack: list[tuple[str, object]] = [("", self)]
        while stack:
            name, obj = stack.pop()
            if id(obj) in seen:
                continue
            if isinstance(obj, kind) and obj is not self:
                found.append((name, obj))
            elif isinstance(obj, Module):
                attrs = [(attr, value) for attr, value in vars(obj).items() if not attr.startswith("_")]
                stack.extend((f"{name}.{attr}" if name else attr, value) for attr, value in reversed(attrs))
            elif isinstance(obj, (list, tuple)):
                stack.extend((f"{name}.{i}", obj[i]) for i in reversed(range(len(obj))))
            else:
                continue  # nothing that may hold one
            seen.add(id(obj))
        return found

    def parameters(self) -> list[Value]:
        """The parameters, in the order of ``named_parameters()``.

        Examples:
            >>> len(MLP(2, [16, 16, 1]).parameters())
            337
        """
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        """How many parameters the model has.

        Examples:
            >>> Layer(3, 2).num_parameters()
            8
        """
        return len(self.named_parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0.0 (gradients add up across ``backward()`` calls).

        Examples:
            >>> n = Neuron(2, seed=0)
            >>> n([1.0, 2.0]).backward()
            >>> n.zero_grad()
            >>> [p.grad for p in n.parameters()]
            [0.0, 0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0.0

    # ------------------------------------------------------------ state
    def state_dict(self) -> dict[str, float]:
        """A copy of the parameter values: ``{dotted name: float}``.

        Examples:
            >>> Neuron(1, seed=0).state_dict().keys()
            dict_keys(['w.0', 'b'])
        """
        return {name: float(p.data) for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float], strict: bool = True) -> None:
        """Copy values from ``state`` into the parameters; checks everything before changing anything.

        Args:
            state: ``{dotted name: real number}``, as made by ``state_dict()``.
            strict: require exactly this model's names (else ValueError naming the missing and the
                unexpected ones). With ``strict=False`` names found in both are loaded, others ignored.

        Raises:
            TypeError: ``state`` is no mapping, or a value is no real number.
            ValueError: the names differ (``strict``), or a value does not fit in a float64.

        Examples:
            >>> a, b = Neuron(2, seed=0), Neuron(2, seed=1)
            >>> b.load_state_dict(a.state_dict())
            >>> b.state_dict() == a.state_dict()
            True
        """
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state, Mapping):
            raise TypeError(f"{where} expects a mapping of names to numbers, got {type(state).__name__}")
        params = dict(self.named_parameters())
        missing = [name for name in params if name not in state]
        unexpected = [name for name in state if name not in params]
        if strict and (missing or unexpected):
            problems = [
                f"{kind} {_check.some(names)}"
                for kind, names in [("missing", missing), ("unexpected", unexpected)]
                if names
            ]
            raise ValueError(f"{where}: keys do not match the model: " + "; ".join(problems))
        values: dict[str, float] = {}
        for name in params:
            if name not in state:
                continue
            values[name] = _check.real(f"{where}: {name!r}", state[name], finite=False)
        for name, number in values.items():  # everything checked: now change the model
            params[name].data = number

    # ------------------------------------------------------------ inference and files
    def predict(self, X: ArrayLike, batched: bool = True) -> NDArray[np.float64]:
        """Run the model on each row of ``X`` without building a graph.

        Args:
            X: shape ``(n, nin)``, a NumPy array or nested lists of real numbers.
            batched: run all rows at once (each input a Value holding one number per row: fast);
                ``False`` runs them one by one, in scalar mode.

        Returns:
            float64 values shaped like the forward pass: ``(n,)`` when it returns one Value (an MLP with
            one output, a Neuron, a Layer of one), ``(n, nout)`` when it returns a list.

        Examples:
            >>> MLP(2, [8, 3], seed=0).predict([[0.0, 1.0], [1.0, 0.0]]).shape
            (2, 3)
        """
        rows = np.asarray(X)
        if rows.dtype.kind not in "biuf":
            raise TypeError(f"predict expects an array of real numbers, got dtype {rows.dtype}")
        nin = getattr(self, "nin", None)  # models that declare their width get it checked here
        if rows.ndim != 2 or (nin is not None and rows.shape[1] != nin):
            expected = f"(n, {nin})" if nin is not None else "(n, features)"
            raise ValueError(f"predict expects a 2-D array of shape {expected}, got shape {rows.shape}")
        data = rows.astype(np.float64)
        with autograd.no_grad():
            if batched:
                return _outputs("predict", self(columns(data)), len(data))
            # One row at a time; an empty batch runs once on zeros, to tell the output's shape.
            each = [_outputs("predict", self(row), 1) for row in data.tolist() or [[0.0] * data.shape[1]]]
        return np.concatenate(each)[: len(data)]

    def config(self) -> dict[str, Any]:
        """The keyword arguments of the constructor that rebuild this model's architecture.

        ``save`` writes them and ``load`` calls the class with them. A class of your own defines this
        method (JSON values only) and is registered with ``nn.register`` to be saved: see
        ``nn.persistence``.

        Examples:
            >>> Neuron(2, "tanh", seed=0).config()
            {'nin': 2, 'activation': 'tanh', 'fused': True}
        """
        raise NotImplementedError(
            f"{type(self).__name__} defines no config(): the keyword arguments that rebuild it, for save()"
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model to ``path`` as a plain JSON document; ``nn.load(path)`` rebuilds it.

        The write is atomic, and a class of your own must be registered first: ``nn.persistence.save``
        says all.

        Examples:
            >>> import os, tempfile
            >>> import nn
            >>> model = MLP(2, [3, 1], seed=0)
            >>> with tempfile.TemporaryDirectory() as folder:
            ...     model.save(os.path.join(folder, "model.json"))
            ...     again = nn.load(os.path.join(folder, "model.json"))
            >>> again.state_dict() == model.state_dict()
            True
        """
        from nn import persistence  # which builds on this module, so is imported when first used

        persistence.save(self, path)


class Neuron(Module):
    """One neuron: ``activation(w . x + b)``.

    Args:
        nin: number of inputs.
        activation: ``"relu"`` (the default), ``"tanh"``, ``"sigmoid"``, ``"leaky_relu"`` (slope 0.01),
            ``"softplus"`` (``log(1 + e**x)``) or ``"linear"`` (``None`` also means linear).
        init: ``"uniform"`` (U(-1, 1), as micrograd), ``"xavier"`` (Glorot uniform, bound
            ``sqrt(6 / (nin + fan_out))``) or ``"he"`` (Kaiming normal, std ``sqrt(2 / nin)``). ``b`` is 0.
        seed: an ``int`` or a ``numpy.random.Generator`` (used as it is, and advanced) draws the weights
            with NumPy. ``None`` (the default) draws them from Python's ``random`` module, one by one as
            micrograd does (``random.uniform(-1, 1)`` for ``"uniform"``, ``random.uniform(-bound, bound)``
            for ``"xavier"``, ``random.gauss(0, std)`` for ``"he"``): after ``random.seed(1337)`` a model
            gets exactly the weights micrograd's gets.
        fused: one ``w·x+b`` node for the weighted sum and bias (fast); ``False`` records every multiply
            and add as its own node (``w0*x0 + w1*x1 + ... + b``): the same value, a bigger graph to look at.
        fan_out: the width of the layer the neuron sits in; only ``init="xavier"`` uses it.
        nonlin: micrograd's flag, another way to say the activation: ``True`` is ``"relu"``, ``False``
            is ``"linear"``. Given with an ``activation`` other than the default ``"relu"`` that says
            otherwise, it is a ValueError.

    Raises:
        TypeError: an argument of the wrong kind.
        ValueError: a size below 1, an unknown name, more than ``MAX_PARAMETERS`` parameters, or
            ``nonlin`` and ``activation`` that disagree.

    Examples:
        >>> n = Neuron(2, activation="tanh", seed=0)
        >>> n.w[0].label, n.b.label, n.b.data
        ('w0', 'b', 0.0)
        >>> n([0.0, 0.0]).data
        0.0
        >>> Neuron(3, nonlin=False)  # micrograd's LinearNeuron(3)
        Neuron(3, activation='linear')
    """

    def __init__(
        self,
        nin: int,
        activation: str | None = "relu",
        *,
        init: str = "uniform",
        seed: Seed = None,
        fused: bool = True,
        fan_out: int = 1,
        nonlin: bool | None = None,
    ) -> None:
        self.nin = self._widths(nin)[0]
        self.activation = _activation("Neuron", activation, nonlin)
        self.fused = _check.flag("Neuron: fused", fused)
        init = _check.choice("Neuron", "init", init, _INITS)
        fan_out = _check.integer("Neuron: fan_out", fan_out)
        weights = _draw(_rng(_check.seed("Neuron: seed", seed)), init, self.nin, fan_out)  # all checked
        self.w = [Value(wi, label=f"w{i}") for i, wi in enumerate(weights)]
        self.b = Value(0.0, label="b")

    @staticmethod
    def _widths(nin: object, **_: object) -> list[int]:
        """The widths ``[nin, 1]`` of these arguments, checked (other arguments, as in a config, ignored)."""
        return _check_widths("Neuron", [_check.integer("Neuron: nin", nin), 1])

    def forward(self, x: Inputs) -> Value:
        """``activation(w . x + b)`` for one example of ``nin`` inputs (Values or numbers)."""
        x = _as_inputs(x, self.nin, "Neuron")  # a Row from a Layer passes straight through
        act = _ACTIVATIONS[self.activation]
        if self.fused:
            return autograd.affine([self.w], x, [self.b], act)[0]
        out = self.w[0] * x[0]
        for wi, xi in zip(self.w[1:], x[1:], strict=True):
            out = out + wi * xi
        out = out + self.b
        return out if act is None else act(out)

    def config(self) -> dict[str, Any]:
        """The keyword arguments that rebuild this architecture (what ``save`` writes)."""
        return {"nin": self.nin, "activation": self.activation, "fused": self.fused}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r}{_fused_note(self.fused)})"


class Layer(Module):
    """``nout`` neurons that read the same ``nin`` inputs.

    The forward pass returns a list of ``nout`` Values, or the Value itself when ``nout`` is 1, as
    micrograd's ``Layer`` does.

    Args and errors are those of ``Neuron`` (``nonlin`` too, micrograd's ``Layer(nin, nout, nonlin=...)``).
    The weights are drawn neuron by neuron, weight by weight: from one generator made of ``seed``, or
    with no seed from Python's ``random``, in micrograd's order.

    Examples:
        >>> layer = Layer(3, 2, activation="tanh", seed=0)
        >>> layer
        Layer(3, 2, activation='tanh')
        >>> len(layer([1.0, 2.0, 3.0]))
        2
        >>> type(Layer(3, 1, nonlin=False)([1.0, 2.0, 3.0])).__name__
        'Value'
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = "relu",
        *,
        init: str = "uniform",
        seed: Seed = None,
        fused: bool = True,
        nonlin: bool | None = None,
    ) -> None:
        self.nin, self.nout = self._widths(nin, nout)
        self.activation = _activation("Layer", activation, nonlin)
        init = _check.choice("Layer", "init", init, _INITS)
        self.fused = _check.flag("Layer: fused", fused)
        rng = _rng(_check.seed("Layer: seed", seed))
        self.neurons = [
            Neuron(self.nin, self.activation, init=init, seed=rng, fused=self.fused, fan_out=self.nout)
            for _ in range(self.nout)
        ]
        for i, neuron in enumerate(self.neurons):
            neuron._name = f"Neuron {i}"

    @staticmethod
    def _widths(nin: object, nout: object, **_: object) -> list[int]:
        """The widths ``[nin, nout]`` of these arguments, checked (other arguments ignored)."""
        widths = [_check.integer("Layer: nin", nin), _check.integer("Layer: nout", nout)]
        return _check_widths("Layer", widths)

    def forward(self, x: Inputs) -> Value | list[Value]:
        """Each neuron's output, for ``nin`` inputs (Values or numbers, converted to Values once): a list,
        or the one Value of a layer of one neuron."""
        out = self._forward_all(x)
        return out[0] if len(out) == 1 else out

    def _forward_all(self, x: Inputs) -> list[Value]:
        """Each neuron's output in a list, even of one (what an MLP hands to its next layer)."""
        inputs = _as_inputs(x, self.nin, "Layer")
        neurons, act = self.neurons, self.activation
        ws, bs, scopes = [], [], []  # neuron(inputs) for every neuron, in one call to affine:
        for n in neurons:  # the same nodes, each in its neuron's scope (a Neuron as this layer made it)
            if type(n) is not Neuron or not n.fused or n.activation != act:
                outs = [neuron(inputs) for neuron in neurons]
                break
            ws.append(n.w)
            bs.append(n.b)
            scopes.append(n.__dict__.get("_scope") or n._in_scope())
        else:
            outs = autograd.affine(ws, inputs, bs, _ACTIVATIONS[act], scopes=scopes)
        if LAYER_OUTPUTS.see is not None:
            LAYER_OUTPUTS.see(self, outs)
        return outs

    def config(self) -> dict[str, Any]:
        """The keyword arguments that rebuild this architecture (what ``save`` writes)."""
        return {"nin": self.nin, "nout": self.nout, "activation": self.activation, "fused": self.fused}

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r}{_fused_note(self.fused)})"


class _LayerOutputs(threading.local):
    """Who sees every Layer's outputs as this thread computes them: ``see(layer, outputs)``, or None.
    ``fit(..., monitor=True)`` sets it while it trains (``nn.health``); per thread, as the engine's
    modes are, so nothing another thread runs meanwhile is seen."""

    see: Callable[[Layer, list[Value]], None] | None = None


LAYER_OUTPUTS = _LayerOutputs()


class MLP(Module):
    """A multilayer perceptron: ``Layer(nin, nouts[0])``, ``Layer(nouts[0], nouts[1])``, ...

    Args:
        nin: number of inputs.
        nouts: the width of each layer, the last one being the number of outputs.
        activation: for the hidden layers (names as in ``Neuron``).
        out_activation: for the last layer; ``None`` (linear) as in micrograd.
        init: as in ``Neuron``.
        seed: as in ``Neuron``; one generator draws every weight, layer by layer (with no seed, Python's
            ``random`` does, in micrograd's order: ``random.seed(1337); MLP(2, [16, 16, 1])`` has the
            weights of micrograd's ``MLP(2, [16, 16, 1])`` after the same ``random.seed(1337)``).
        fused: as in ``Neuron``.

    Raises:
        TypeError, ValueError: as in ``Neuron``; the limit ``MAX_PARAMETERS`` is on the whole network.

    The forward pass takes one example (a list, tuple or 1-D array of ``nin`` numbers or Values) and
    returns a Value when the last layer has one output, else a list. Use ``predict`` for a batch.

    Examples:
        >>> model = MLP(2, [16, 16, 1], seed=0)
        >>> model
        MLP(2 -> [16, 16, 1], activation='relu', out_activation=None, 337 parameters)
        >>> type(model([0.5, -1.0])).__name__
        'Value'
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | None = "relu",
        out_activation: str | None = None,
        *,
        init: str = "uniform",
        seed: Seed = None,
        fused: bool = True,
    ) -> None:
        self.nin, *self.nouts = self._widths(nin, nouts)
        _activation("MLP", activation)
        _activation("MLP", out_activation)
        self.activation = activation
        self.out_activation = out_activation
        init = _check.choice("MLP", "init", init, _INITS)
        self.fused = _check.flag("MLP: fused", fused)
        rng = _rng(_check.seed("MLP: seed", seed))
        sizes = [self.nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                out_activation if i == last else activation,
                init=init,
                seed=rng,
                fused=fused,
            )
            for i in range(len(self.nouts))
        ]
        for i, layer in enumerate(self.layers):
            layer._name = f"Layer {i}"

    @staticmethod
    def _widths(nin: object, nouts: object, **_: object) -> list[int]:
        """The widths ``[nin, *nouts]`` of these arguments, checked (other arguments ignored)."""
        widths = [_check.integer("MLP: nin", nin)]
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Iterable):
            raise TypeError(f"MLP: nouts must be a sequence of layer widths, got {type(nouts).__name__}")
        widths += [_check.integer(f"MLP: nouts[{i}]", n) for i, n in enumerate(nouts)]
        if len(widths) == 1:
            raise ValueError("MLP: nouts must name at least one layer width, got an empty sequence")
        return _check_widths("MLP", widths)

    def forward(self, x: Inputs) -> Value | list[Value]:
        """The network's output for one example of ``nin`` inputs."""
        out: Sequence[Value] = _as_inputs(x, self.nin, "MLP")
        for layer in self.layers:
            with layer._in_scope():
                out = layer._forward_all(out)
        return out[0] if len(out) == 1 else list(out)

    def config(self) -> dict[str, Any]:
        """The keyword arguments that rebuild this architecture (what ``save`` writes)."""
        return {
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": self.activation,
            "out_activation": self.out_activation,
            "fused": self.fused,
        }

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin} -> {self.nouts}, activation={self.activation!r}, "
            f"out_activation={self.out_activation!r}{_fused_note(self.fused)}, "
            f"{self.num_parameters()} parameters)"
        )


# ---------------------------------------------------------------- helpers
def _check_widths(who: str, widths: list[int]) -> list[int]:
    """Layer widths ``[nin, n1, n2, ...]`` if their parameters, ``n1*(nin+1) + n2*(n1+1) + ...`` counted
    exactly, are at most ``MAX_PARAMETERS``; else a ValueError, before anything is allocated."""
    count = _count(widths)
    if count > MAX_PARAMETERS:
        memory = _bytes(count * _BYTES_PER_PARAMETER)
        raise ValueError(
            f"{who}: {count:,} parameters asked for, which would take about {memory} (each is a Value "
            f"of about {_BYTES_PER_PARAMETER} bytes); the limit is MAX_PARAMETERS = {MAX_PARAMETERS:,} "
            "(set nn.module.MAX_PARAMETERS to raise it)"
        )
    return widths


def _count(widths: Sequence[int]) -> int:
    """The parameters of layers of these widths ``[nin, n1, n2, ...]``: a weight per input and a bias."""
    return sum(n * (m + 1) for m, n in itertools.pairwise(widths))


def _bytes(n: int) -> str:
    """A number of bytes for people: ``170 bytes``, ``1.7 GB``."""
    power = min((len(str(n)) - 1) // 3, 4)
    return f"{n / 1000**power:,.1f} {'KMGT'[power - 1]}B" if power else f"{n} bytes"


def _activation(who: str, name: object, nonlin: object = None) -> str:
    """The activation's name (``None`` -> ``"linear"``), or a clear error. micrograd's ``nonlin`` flag,
    if given, says it instead (``True``: ``"relu"``, ``False``: ``"linear"``); an activation given as well
    must agree with it, unless it is the default ``"relu"``."""
    chosen = (
        "linear" if name is None else str(_check.choice(who, "activation", name, _ACTIVATIONS, other="None"))
    )
    if nonlin is None:
        return chosen
    flagged = "relu" if _check.flag(f"{who}: nonlin", nonlin) else "linear"
    if chosen not in ("relu", flagged):  # (relu is the default: given or not, nonlin decides)
        raise ValueError(
            f"{who}: nonlin={nonlin} means activation={flagged!r}, but activation={name!r} was given; "
            "give one of the two"
        )
    return flagged


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator | None:
    """The generator a checked seed makes: a Generator as it is (so that one feeds a whole model), a new
    one for an int; ``None`` stays None, for Python's ``random``, as in micrograd."""
    return None if seed is None else np.random.default_rng(seed)


def _draw(rng: np.random.Generator | None, init: str, fan_in: int, fan_out: int) -> list[float]:
    """One neuron's ``fan_in`` initial weights, from ``rng`` or, without one, from Python's ``random``
    one weight at a time (micrograd's ``random.uniform(-1, 1)`` for each, with ``init="uniform"``)."""
    weights: list[float]
    if init == "he":
        std = math.sqrt(2.0 / fan_in)
        if rng is None:
            return [random.gauss(0.0, std) for _ in range(fan_in)]
        weights = rng.normal(0.0, std, fan_in).tolist()
    else:
        bound = 1.0 if init == "uniform" else math.sqrt(6.0 / (fan_in + fan_out))  # "xavier"
        if rng is None:
            return [random.uniform(-bound, bound) for _ in range(fan_in)]
        weights = rng.uniform(-bound, bound, fan_in).tolist()
    return weights


def _as_inputs(x: object, nin: int, who: str) -> Row:
    """Check one example of ``nin`` inputs and make them a ``Row`` of Values, read once for all neurons."""
    if type(x) is Row and len(x) == nin:  # checked already: a Layer hands its Row to every neuron
        return x
    batch_hint = "; for a batch of examples use predict(X)"
    if isinstance(x, np.ndarray):
        if x.ndim != 1:
            hint = batch_hint if x.ndim == 2 else ""
            raise ValueError(
                f"{who} expects one example of shape ({nin},), got an array of shape {x.shape}{hint}"
            )
    elif not isinstance(x, (list, tuple)):
        what = f"a list, tuple or 1-D array of {nin} numbers or Values"
        raise TypeError(f"{who} expects {what}, got {type(x).__name__}")
    elif x and isinstance(x[0], (list, tuple, np.ndarray)):
        raise ValueError(f"{who} expects one example of {nin} inputs, got a nested sequence{batch_hint}")
    if len(x) != nin:
        raise ValueError(f"{who} expects {nin} inputs, got {len(x)}")
    if type(x) is Row:
        return x
    try:
        row = Row(x.tolist() if isinstance(x, np.ndarray) else x, who)
    except TypeError:
        for i, xi in enumerate(x):  # name the culprit and where it is
            if not isinstance(xi, Value | numbers.Real):
                what = type(xi).__name__
                raise TypeError(f"{who} inputs must be Values or real numbers, got {what} at {i}") from None
        raise
    if not all(map(operator.is_, row, x)):  # numbers made into Values: name them x0, x1, ... in pictures
        for i, (v, xi) in enumerate(zip(row, x, strict=True)):
            if v is not xi:
                v.label = f"x{i}"
    return row


def _outputs(who: str, out: object, n: int) -> NDArray[np.float64]:
    """``autograd.batch.outputs``: a forward result over ``n`` samples as an array, ``(n,)`` for one
    Value, ``(n, k)`` for a list of k; its error says that ``who`` needs such a result."""
    try:
        return outputs(out, n)
    except TypeError:
        what = type(out).__name__
        raise TypeError(f"{who} needs forward() to return a Value or a list of Values, got {what}") from None


def _fused_note(fused: bool) -> str:
    return "" if fused else ", fused=False"
