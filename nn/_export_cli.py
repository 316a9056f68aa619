"""``python -m nn export MODEL --to onnx|torch [--out PATH]``: a saved model as a file for other tools.

``--to onnx`` writes the ONNX file of ``nn.export.to_onnx`` (float64; input ``"input"``, output
``"output"``). ``--to torch`` writes the ``state_dict`` of ``nn.export.to_torch``'s ``Sequential``
(``nn.export.torch_state_dict``: PyTorch's names, float64 arrays) as a NumPy ``.npz`` file, which holds
no pickles, as every file glassgrad writes (so writing it needs no PyTorch), and prints the lines that
rebuild the ``Sequential`` and load it. The file goes beside the model (``runs/demo/model.json`` gives
``runs/demo/model.onnx`` or ``model.npz``) or to ``--out`` (a
file, or a folder to write it in). Every argument is checked before anything is written, and the write
is atomic, as ``Module.save``'s; a bad argument, or a missing optional package, ends the program with
one line of error and exit status 2.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
from typing import Any

import numpy as np

import nn
from nn.export import onnx_model, torch_state_dict
from nn.module import Module
from nn.persistence import _write_atomic

SUFFIXES = {"onnx": ".onnx", "torch": ".npz"}


def add_parser(sub: Any) -> None:
    """Add the ``export`` command to the subparsers ``sub`` of ``python -m nn``.

    Examples:
        >>> parser = argparse.ArgumentParser(prog="python -m nn")
        >>> add_parser(parser.add_subparsers(dest="command"))
        >>> args = parser.parse_args(["export", "runs/demo/model.json", "--to", "onnx"])
        >>> args.model, args.to, args.out
        ('runs/demo/model.json', 'onnx', None)
    """
    description = (__doc__ or "").replace("``", "")
    export = sub.add_parser(
        "export", help="write a saved model as an ONNX file or a PyTorch state_dict", description=description
    )
    export.set_defaults(error=export.error)  # for the errors found after parsing: this usage, this prefix
    export.add_argument("model", help="a model file written by glassgrad (python -m nn train, Module.save)")
    export.add_argument("--to", choices=list(SUFFIXES), required=True, help="the format to write")
    export.add_argument(
        "--out", default=None, help="the file to write, or a folder for it (default: beside the model)"
    )


def prepare(args: argparse.Namespace) -> tuple[Module, str, bytes]:
    """The model, the path to write and the bytes to write there, every argument checked; nothing
    written yet.

    Raises:
        ValueError: the model file cannot be read or is no model of a fixed layout (``MLP``, ``Layer``,
            ``Neuron``); the output cannot be written.
        ImportError: the package for ``--to`` is not installed.

    Examples:
        >>> parser = argparse.ArgumentParser()
        >>> add_parser(parser.add_subparsers())
        >>> prepare(parser.parse_args(["export", "no/such/model.json", "--to", "onnx"]))
        Traceback (most recent call last):
        ValueError: argument model: cannot read 'no/such/model.json': No such file or directory
    """
    try:
        model = nn.load(args.model)
    except OSError as error:
        raise ValueError(f"argument model: cannot read {args.model!r}: {error.strerror or error}") from None
    except ValueError as error:
        raise ValueError(f"argument model: {error}") from None
    if not isinstance(model, (nn.MLP, nn.Layer, nn.Neuron)):
        raise ValueError(
            f"argument model: {args.model!r} holds a {type(model).__name__}; export takes an MLP, Layer or "
            "Neuron (a model of your own has no fixed layout to export)"
        )
    target = _target(args)
    if args.to == "onnx":
        data = onnx_model(model).SerializeToString()
    else:
        buffer = io.BytesIO()
        arrays: dict[str, Any] = torch_state_dict(model)
        np.savez(buffer, **arrays)  # float64 arrays only: no pickles
        data = buffer.getvalue()
    return model, target, data


def _target(args: argparse.Namespace) -> str:
    """The file to write: ``--out``, a file in the folder ``--out``, or beside the model; checked."""
    model: str = args.model
    out: str | None = args.out
    name = os.path.splitext(os.path.basename(model))[0] + SUFFIXES[args.to]
    if out is None:
        target = os.path.join(os.path.dirname(model), name)
    elif os.path.isdir(out):
        target = os.path.join(out, name)
    else:
        target = out
    if os.path.exists(target) and os.path.samefile(target, model):
        raise ValueError(f"argument --out: {target!r} is the model file itself")
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise ValueError(f"argument --out: no folder {os.path.dirname(target)!r} to write {target!r} in")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise ValueError(f"argument --out: cannot write in {folder!r}: {error.strerror or error}") from None
    return target


def rebuild_lines(model: Module, target: str) -> list[str]:
    """The Python lines that rebuild the exported ``Sequential`` and load the file ``target`` into it.

    Examples:
        >>> lines = rebuild_lines(nn.MLP(2, [4, 1], activation="tanh", seed=0), "m.npz")
        >>> print(lines[1])
        net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1)).double()
    """
    modules = []
    for layer in nn.export._layers(model, "export"):
        weight, _, activation = layer
        modules.append(f"torch.nn.Linear({weight.shape[1]}, {weight.shape[0]})")
        if activation != "linear":
            modules.append(f"torch.nn.{_ACTIVATION_SOURCE[activation]}")
    return [
        "import numpy, torch",
        f"net = torch.nn.Sequential({', '.join(modules)}).double()",
        f"net.load_state_dict({{k: torch.from_numpy(v) for k, v in numpy.load({target!r}).items()}})",
    ]


_ACTIVATION_SOURCE = {
    "relu": "ReLU()",
    "tanh": "Tanh()",
    "sigmoid": "Sigmoid()",
    "leaky_relu": "LeakyReLU(0.01)",
    "softplus": f"Softplus(beta=1.0, threshold={nn.export.SOFTPLUS_THRESHOLD})",
}


def run(args: argparse.Namespace) -> int:
    """The ``export`` command: check, write, say what was written (and, for torch, how to load it)."""
    try:
        model, target, data = prepare(args)
    except (ImportError, TypeError, ValueError) as error:
        args.error(str(error))
    _write_atomic(target, lambda f: f.write(data))
    print(f"wrote {target} ({len(data):,} bytes)")
    if args.to == "torch":
        print("load it in PyTorch (float64) with:")
        for line in rebuild_lines(model, target):
            print(f"    {line}")
        print("and bring it back with nn.export.from_torch(net)")
    else:
        print('its input is "input", (batch, nin) float64; its output "output", (batch, nout) float64')
    return 0
