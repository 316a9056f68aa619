"""Doctests that need an optional tool (a renderer to draw a picture, PyTorch or onnx to export a model)
are skipped, with the reason, without it."""

from __future__ import annotations

import importlib.util

import pytest
from helpers import needs_renderer

_RENDERING_DOCTESTS = {"autograd.viz.render", "autograd.viz.render_svg"}
# nn.export's examples that run PyTorch or onnx (its others need neither): the package each needs.
_EXPORT_DOCTESTS = {
    "nn.export.to_torch": "torch",
    "nn.export.from_torch": "torch",
    "nn.export.onnx_model": "onnx",
    "nn.export.to_onnx": "onnx",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.name in _RENDERING_DOCTESTS:
            item.add_marker(needs_renderer)
        package = _EXPORT_DOCTESTS.get(item.name)
        if package is not None and importlib.util.find_spec(package) is None:
            extra = "torch" if package == "torch" else "onnx"
            reason = f"{package} is not installed: pip install 'glassgrad[{extra}]'"
            item.add_marker(pytest.mark.skip(reason=reason))
