"""nn.export without its optional packages: PyTorch's names for the parameters, the ImportError that
names the extra to install, and ``python -m nn export``'s refusals (one line, exit 2, nothing written)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

import autograd
import nn
from nn.__main__ import main
from nn.export import from_torch, onnx_model, to_onnx, to_torch, torch_state_dict
from nn.module import _ACTIVATIONS


@pytest.mark.parametrize("activation", list(_ACTIVATIONS))
def test_torch_names_skip_a_module_for_a_linear_layer(activation: str) -> None:
    model = nn.MLP(3, [4, 4, 2], activation, seed=0)
    step = 1 if activation == "linear" else 2
    names = [f"{i * step}.{kind}" for i in range(3) for kind in ("weight", "bias")]
    state = torch_state_dict(model)
    assert list(state) == names
    assert sum(a.size for a in state.values()) == model.num_parameters()
    assert all(a.dtype == np.float64 for a in state.values())
    assert state[f"{2 * step}.weight"][1, 3] == model.layers[2].neurons[1].w[3].data
    assert state[f"{step}.bias"][2] == model.layers[1].neurons[2].b.data


def test_a_layer_and_a_neuron_are_one_linear() -> None:
    assert {k: v.shape for k, v in torch_state_dict(nn.Layer(3, 2, seed=0)).items()} == {
        "0.weight": (2, 3),
        "0.bias": (2,),
    }
    assert {k: v.shape for k, v in torch_state_dict(nn.Neuron(3, seed=0)).items()} == {
        "0.weight": (1, 3),
        "0.bias": (1,),
    }


@pytest.mark.parametrize(
    ("call", "package", "extra"),
    [
        (lambda: to_torch(nn.MLP(2, [1], seed=0)), "torch", "torch"),
        (lambda: from_torch(None), "torch", "torch"),  # type: ignore[arg-type]
        (lambda: to_onnx(nn.MLP(2, [1], seed=0), "m.onnx"), "onnx", "onnx"),
        (lambda: onnx_model(nn.MLP(2, [1], seed=0)), "onnx", "onnx"),
    ],
)
def test_a_missing_package_names_the_extra(call, package, extra, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, package, None)  # import fails, as if it were not installed
    with pytest.raises(ImportError, match=rf"pip install 'glassgrad\[{extra}\]'"):
        call()
    assert os.listdir(tmp_path) == []


def _model_file(folder: Path) -> Path:
    nn.MLP(2, [3, 1], seed=0).save(folder / "model.json")
    return folder / "model.json"


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("usage: python -m nn export")
    assert len(err) == 2, err
    return err[1]


@nn.register
class Doubler(nn.Module):
    def __init__(self) -> None:
        self.w = autograd.Value(2.0)

    def forward(self, x: float) -> autograd.Value:
        return self.w * x

    def config(self) -> dict[str, object]:
        return {}


def test_export_refuses_bad_arguments_before_writing(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    model = _model_file(tmp_path)
    (tmp_path / "notes.json").write_text("{}")
    Doubler().save(tmp_path / "doubler.json")
    before = sorted(os.listdir(tmp_path))
    cases = [
        (
            ["export", "missing.json", "--to", "onnx"],
            "argument model: cannot read 'missing.json': No such file",
        ),
        (["export", "notes.json", "--to", "onnx"], "argument model: not a glassgrad model file: notes.json"),
        (["export", "doubler.json", "--to", "onnx"], "holds a Doubler; export takes an MLP, Layer or Neuron"),
        (["export", str(model), "--to", "keras"], "argument --to: invalid choice: 'keras'"),
        (["export", str(model)], "the following arguments are required: --to"),
        (["export", str(model), "--to", "onnx", "--out", str(model)], "is the model file itself"),
        (
            ["export", str(model), "--to", "onnx", "--out", "no/such/m.onnx"],
            "argument --out: no folder 'no/such'",
        ),
        (["export", str(model), "--to", "onnx", "--bogus"], "unrecognized arguments: --bogus"),
    ]
    for argv, message in cases:
        assert message in refused(argv, capsys), argv
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.setitem(sys.modules, "onnx", None)
    assert "pip install 'glassgrad[onnx]'" in refused(["export", str(model), "--to", "onnx"], capsys)
    assert sorted(os.listdir(tmp_path)) == before


def test_export_to_torch_writes_plain_arrays_without_pytorch(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The state_dict for PyTorch is an .npz of float64 arrays with PyTorch's names: no pickles, as
    # every file glassgrad writes, and writing it needs no PyTorch.
    monkeypatch.chdir(tmp_path)
    model = _model_file(tmp_path)
    monkeypatch.setitem(sys.modules, "torch", None)
    assert main(["export", str(model), "--to", "torch"]) == 0
    with np.load(tmp_path / "model.npz", allow_pickle=False) as state:
        assert list(state.files) == list(torch_state_dict(nn.load(model)))
        assert all(state[k].dtype == np.float64 for k in state.files)
