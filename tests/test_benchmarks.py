"""The benchmark compares like with like: every system of W2 and W5 computes the same training steps."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "benchmarks"))
import instructions
import workloads as w

W2 = {
    "glassgrad scalar": lambda: w.w2_glassgrad(False),
    "glassgrad compiled": w.w2_glassgrad_compiled,
    "glassgrad batched": lambda: w.w2_glassgrad(True),
    "python floats": w.w2_floats,
    "numpy": w.w2_numpy,
    "micrograd": w.w2_micrograd,
    "torch 0-d": w.w2_torch_scalar,
    "torch batched": w.w2_torch_batched,
}


def _losses(make: Callable[[], Callable[[], Any]], steps: int = 3) -> list[float]:
    try:
        step = make()
    except w.Unavailable as missing:
        pytest.skip(f"optional system not installed: {missing}")
    return [float(step()) for _ in range(steps)]


@pytest.mark.parametrize("system", sorted(W2))
def test_every_w2_system_takes_the_same_steps(system: str) -> None:
    # The loss before each of 3 SGD steps: equal only if forward, backward and update all agree.
    expected = _losses(W2["glassgrad scalar"])
    assert expected[0] > expected[-1]  # it does train
    assert _losses(W2[system]) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", ["glassgrad", "compiled", "floats", *instructions.PARTS])
def test_what_make_instructions_counts_runs(name: str) -> None:
    step = instructions._step(name)  # what benchmarks/instructions.py runs under valgrind
    step()
    step()


@pytest.mark.parametrize(("n", "m"), w.W6_SHAPES)
def test_every_w6_system_computes_the_same_jacobian(n: int, m: int) -> None:
    expected = w.w6_glassgrad(n, m, "jacrev")()
    assert expected.shape == (m, n)
    assert np.abs(expected).sum() > 0
    for mode in ("jacfwd", "jacobian"):
        assert np.allclose(w.w6_glassgrad(n, m, mode)(), expected, rtol=1e-13, atol=1e-15), mode
    try:
        for mode in ("jacfwd", "jacrev"):
            theirs = w.w6_torch(n, m, mode)().numpy()
            assert np.allclose(theirs.reshape(expected.shape), expected, rtol=1e-12, atol=1e-14), mode
    except w.Unavailable as missing:
        pytest.skip(f"optional system not installed: {missing}")
