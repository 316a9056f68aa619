"""The benchmark compares like with like: every system of a workload computes the same thing, and runs."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "benchmarks"))
import instructions
import run
import workloads as w

W2 = {
    "glassgrad scalar": lambda: w.w2_glassgrad(False),
    "glassgrad compiled": w.w2_glassgrad_compiled,
    "glassgrad batched": lambda: w.w2_glassgrad(True),
    "python floats": w.w2_floats,
    "numpy": w.w2_numpy,
    "micrograd": w.w2_micrograd,
    "micrograd, GC on": lambda: w.gc_on(w.w2_micrograd()),
    "micrograd, GC off": lambda: w.gc_off(w.w2_micrograd()),
    "torch 0-d": w.w2_torch_scalar,
    "torch batched": w.w2_torch_batched,
    "torch lean": w.w2_torch_lean,
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


def test_torch_lean_runs_on_one_thread_and_restores_the_process_count() -> None:
    try:
        step = w.w2_torch_lean()
    except w.Unavailable as missing:
        pytest.skip(f"optional system not installed: {missing}")
    import torch

    before = torch.get_num_threads()
    seen = []
    inner = step.step
    step.step = lambda: (seen.append(torch.get_num_threads()), inner())[1]
    step()
    assert seen == [1]
    assert torch.get_num_threads() == before


def test_gc_off_keeps_the_collector_out_of_the_step_and_collects_after() -> None:
    seen = []
    step = w.gc_off(lambda: seen.append(gc.isenabled()))
    assert gc.isenabled()
    step()
    assert seen == [False]
    assert gc.isenabled()


def test_timed_times_a_framed_step_alone_and_runs_its_frame_each_call() -> None:
    calls: list[str] = []
    framed = w.Framed(
        lambda: calls.append("step"), lambda: calls.append("before"), lambda: calls.append("after")
    )
    out = run.timed({"framed": lambda: framed}, rounds=3)
    assert out["framed"]["runs"] == 3
    assert calls == ["before", "step", "after"] * 4  # the warm-up, then 3 rounds


def _w3_systems(n: int) -> dict[str, Callable[[w.Parts], Callable[[], Any]]]:
    return {
        "glassgrad": lambda parts: w.w3_chain_glassgrad(n, parts),
        "python floats": lambda parts: w.w3_chain_floats(n, parts),
        "micrograd, GC on": lambda parts: w.gc_on(w.w3_chain_micrograd(n, parts)),
        "micrograd, GC off": lambda parts: w.gc_off(w.w3_chain_micrograd(n, parts)),
        "torch 0-d": lambda parts: w.w3_chain_torch(n, parts),
    }


@pytest.mark.parametrize("system", sorted(_w3_systems(1)))
def test_every_w3_system_computes_the_same_gradient_and_times_its_two_passes(system: str) -> None:
    n = w.W3_MICROGRAD_N  # the size micrograd's recursive sort reaches, run by every system
    expected = w.w3_chain_glassgrad(n)()
    assert 0.99 < expected < 1.0  # d y / d x = 0.999999 ** n: no ReLU is dead on this chain
    parts: w.Parts = []
    try:
        step = _w3_systems(n)[system](parts)
    except w.Unavailable as missing:
        pytest.skip(f"optional system not installed: {missing}")
    assert step() == pytest.approx(expected, rel=1e-12)
    assert step() == pytest.approx(expected, rel=1e-12)
    assert len(parts) == 2  # one (build, backward) per call
    assert all(build > 0 and backward > 0 for build, backward in parts)


def test_w3_reports_build_and_backward_nodes_per_second() -> None:
    out = run.w3_chains(quick=True, sizes=[w.W3_MICROGRAD_N, 1_000])
    row = out[f"glassgrad n={w.W3_MICROGRAD_N}"]
    assert row["build_nodes_per_second"] > 0 and row["backward_nodes_per_second"] > 0
    assert row["build_seconds"] + row["backward_seconds"] <= row["seconds"] * 1.5


def test_w5_inputs_that_need_gradients_change_the_cost_not_the_steps() -> None:
    # The losses of 3 batches (each after the step before it): same forward, same parameter gradients.
    plain = w.w5_glassgrad(True, batches=3)()
    assert plain == pytest.approx(w.w5_glassgrad(True, batches=3, input_grads=True)(), rel=1e-12)
    assert plain == pytest.approx(w.w5_glassgrad(False, batches=3)(), rel=1e-12)
    X, y = w.digits_like()
    for needs, has in ((False, False), (True, True)):
        inputs = w.w5_columns(X[:32], needs)
        model = nn.MLP(64, [32, 10], seed=0)
        nn.losses.cross_entropy(model(inputs), y[:32]).backward()
        assert all((np.abs(np.asarray(x.grad)).sum() > 0) == has for x in inputs)


def test_w4_micrograd_graph_has_glassgrads_shape_and_loss() -> None:
    X, y = w.moons_data()
    ours = run._glassgrad_graph(X, y, fused=False)
    try:
        theirs = run._micrograd_graph(X, y)
    except w.Unavailable as missing:
        pytest.skip(f"optional system not installed: {missing}")
    assert theirs["loss"] == ours["loss"]  # the same graph from the same weights
    assert abs(theirs["nodes"] - ours["nodes"]) < 0.02 * ours["nodes"]  # the loss's tail differs
    assert theirs["bytes_per_node"] > 0 and ours["bytes_per_node"] > 0
