"""Doctests that draw a picture need a renderer, an optional tool: skipped, with the reason, without one."""

from __future__ import annotations

import pytest
from helpers import needs_renderer

_RENDERING_DOCTESTS = {"autograd.viz.render", "autograd.viz.render_svg"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.name in _RENDERING_DOCTESTS:
            item.add_marker(needs_renderer)
