"""nn.export.to_onnx: a file valid under onnx.checker, float64 end to end, whose predictions under
onnxruntime equal glassgrad's to 1e-9 for every activation, at edge inputs too; written without PyTorch;
and ``python -m nn export --to onnx``.

Skipped when onnx or onnxruntime is not installed (``pip install 'glassgrad[onnx]'``).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="onnx is optional: pip install 'glassgrad[onnx]'")
ort = pytest.importorskip("onnxruntime", reason="onnxruntime is optional: pip install 'glassgrad[onnx]'")

import nn  # noqa: E402
from autograd import Value  # noqa: E402
from nn.__main__ import main  # noqa: E402
from nn.export import SOFTPLUS_THRESHOLD, onnx_model, to_onnx, torch_state_dict  # noqa: E402
from nn.module import _ACTIVATIONS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ACTIVATIONS = list(_ACTIVATIONS)
TOL = {"rtol": 1e-9, "atol": 1e-9}


def run(path: str | Path, X: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = session.run(None, {"input": X})
    assert out.dtype == np.float64
    return out


def edge_inputs(nin: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    rows = [rng.normal(size=(10, nin)), rng.normal(size=(4, nin)) * 50, rng.normal(size=(3, nin)) * 1e4]
    specials = [0.0, -0.0, 1e-300, -1e-300, 30.0, SOFTPLUS_THRESHOLD, -745.0, 710.0, 1e300, -1e300]
    rows.append(np.repeat(np.array(specials)[:, None], nin, axis=1))
    return np.concatenate(rows)


@pytest.mark.parametrize(("activation", "out_activation"), list(itertools.product(ACTIVATIONS, ACTIVATIONS)))
def test_onnxruntime_predicts_what_glassgrad_does(
    tmp_path: Path, activation: str, out_activation: str
) -> None:
    model = nn.MLP(3, [5, 4, 2], activation, out_activation, seed=3)
    to_onnx(model, tmp_path / "model.onnx")
    onnx.checker.check_model(str(tmp_path / "model.onnx"), full_check=True)
    X = edge_inputs(3)
    with np.errstate(all="ignore"):
        expected = model.predict(X)
    np.testing.assert_allclose(run(tmp_path / "model.onnx", X), expected, **TOL)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_each_activation_at_the_edges_of_float64(tmp_path: Path, activation: str) -> None:
    """One neuron with weight 1: the activation alone, over the whole range, infinities and nan included."""
    neuron = nn.Neuron(1, activation, seed=0)
    neuron.w[0].data = 1.0
    xs = np.concatenate([np.linspace(-60, 60, 2401), [1e308, -1e308, np.inf, -np.inf, np.nan, -0.0]])[:, None]
    to_onnx(neuron, tmp_path / "neuron.onnx")
    got = run(tmp_path / "neuron.onnx", xs)[:, 0]
    with np.errstate(all="ignore"):
        expected = neuron.predict(xs)
    np.testing.assert_allclose(got, expected, equal_nan=True, **TOL)


def test_onnxs_own_leaky_relu_would_not_do(tmp_path: Path) -> None:
    """ONNX keeps LeakyRelu's alpha as a float32: 0.01 becomes 0.00999999977, 2e-7 off at x = -1000. The
    test above would catch that; this shows why to_onnx builds leaky relu from Where and Mul."""
    from onnx import TensorProto, helper

    node = helper.make_node("LeakyRelu", ["input"], ["output"], alpha=0.01)
    shape = ["batch", 1]
    graph = helper.make_graph(
        [node],
        "leaky",
        [helper.make_tensor_value_info("input", TensorProto.DOUBLE, shape)],
        [helper.make_tensor_value_info("output", TensorProto.DOUBLE, shape)],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), tmp_path / "leaky.onnx")
    got = run(tmp_path / "leaky.onnx", np.array([[-1000.0]]))[0, 0]
    assert abs(got - Value(-1000.0).leaky_relu().data) > 1e-9


def test_the_graph_is_float64_with_pytorchs_names() -> None:
    model = nn.MLP(2, [4, 3], "softplus", "tanh", seed=1)
    proto = onnx_model(model)
    double = onnx.TensorProto.DOUBLE
    assert [(v.name, v.type.tensor_type.elem_type) for v in proto.graph.input] == [("input", double)]
    assert [(v.name, v.type.tensor_type.elem_type) for v in proto.graph.output] == [("output", double)]
    dims = [d.dim_param or d.dim_value for d in proto.graph.output[0].type.tensor_type.shape.dim]
    assert dims == ["batch", 3]
    assert all(t.data_type == double for t in proto.graph.initializer)
    arrays = {t.name: onnx.numpy_helper.to_array(t) for t in proto.graph.initializer}
    for name, array in torch_state_dict(model).items():
        np.testing.assert_array_equal(arrays[name], array)
    assert "Softplus" not in {n.op_type for n in proto.graph.node}  # onnxruntime has it in float32 only


def test_a_wrong_weight_is_caught(tmp_path: Path) -> None:
    model = nn.MLP(2, [4, 1], "tanh", seed=2)
    to_onnx(model, tmp_path / "model.onnx")
    model.layers[1].neurons[0].w[2].data += 1e-8  # the file now holds other weights than the model
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(
            run(tmp_path / "model.onnx", edge_inputs(2))[:, 0], model.predict(edge_inputs(2)), **TOL
        )


def test_a_refused_export_leaves_the_old_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "model.onnx"
    path.write_bytes(b"old")
    with pytest.raises(TypeError, match=r"to_onnx: model must be an nn.MLP"):
        to_onnx("not a model", path)  # type: ignore[arg-type]
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["model.onnx"]


def test_to_onnx_needs_no_pytorch(tmp_path: Path) -> None:
    """In a process where torch cannot be imported, to_onnx writes the same file."""
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "import nn, nn.export\n"
        f"nn.export.to_onnx(nn.MLP(2, [3, 1], 'sigmoid', seed=0), {str(tmp_path / 'a.onnx')!r})\n"
        "assert 'torch' not in sys.modules or sys.modules['torch'] is None\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)
    to_onnx(nn.MLP(2, [3, 1], "sigmoid", seed=0), tmp_path / "b.onnx")
    assert (tmp_path / "a.onnx").read_bytes() == (tmp_path / "b.onnx").read_bytes()


@pytest.mark.parametrize(
    ("out", "written"),
    [
        (None, "runs/model.onnx"),
        ("elsewhere", "elsewhere/model.onnx"),
        ("elsewhere/m.onnx", "elsewhere/m.onnx"),
    ],
)
def test_export_to_onnx_from_the_command_line(tmp_path, monkeypatch, out, written) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runs").mkdir()
    (tmp_path / "elsewhere").mkdir()
    model = nn.MLP(2, [6, 1], "leaky_relu", seed=0)
    model.save("runs/model.json")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["export", "runs/model.json", "--to", "onnx", *(["--out", out] if out else [])]) == 0
    assert printed.getvalue().startswith(f"wrote {os.path.join(*written.split('/'))} (")
    X = edge_inputs(2)
    np.testing.assert_allclose(run(written, X)[:, 0], model.predict(X), **TOL)
