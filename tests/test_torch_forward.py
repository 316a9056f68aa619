"""Oracle for forward mode: ``torch.func.jvp`` and ``torch.autograd.functional.jacobian`` (float64).

Every op of the catalogue at its points, random graphs with edge inputs (±0, ±inf, nan, 5e-324,
1e300 ...), and Jacobians of random smooth graphs. Skipped when torch is not installed (glassgrad
never needs it; CI installs it).
"""

from __future__ import annotations

import functools
import math
import random
from typing import Any

import pytest

torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle: pip install torch")

import catalogue  # noqa: E402
import fuzz_graphs  # noqa: E402
import numpy as np  # noqa: E402

import autograd  # noqa: E402
from autograd import jacfwd, jacobian, jacrev, jvp, ops  # noqa: E402

# torch.func's first jvp compiles PyTorch's own decompositions with torch.jit.script, which warns.
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:DeprecationWarning")


def tensor(x: float) -> Any:
    return torch.tensor(x, dtype=torch.float64)


def their_jvp(f: Any, primals: tuple[float, ...], tangents: tuple[float, ...]) -> tuple[float, float]:
    value, tangent = torch.func.jvp(f, tuple(map(tensor, primals)), tuple(map(tensor, tangents)))
    return value.item(), tangent.item()


UNARY = [case for case in catalogue.UNARY if case.torch is not None]


@pytest.mark.parametrize("case", UNARY, ids=lambda c: c.name)
def test_each_unary_op_matches_torch_func_jvp(case: catalogue.Case) -> None:
    assert case.torch is not None
    for x in case.points:
        for t in (1.0, -0.3):
            ours = jvp(case.apply, (x,), (t,))
            theirs = their_jvp(lambda a: case.torch(torch, a), (x,), (t,))  # type: ignore[misc]
            assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("case", catalogue.BINARY, ids=lambda c: c.name)
def test_each_binary_op_matches_torch_func_jvp(case: catalogue.Case) -> None:
    for a, b in case.points:
        for tangents in ((1.0, 0.0), (0.0, 1.0), (0.7, -1.9)):
            ours = jvp(case.apply, (a, b), tangents)
            theirs = their_jvp(case.apply, (a, b), tangents)
            assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("fused", catalogue.FUSED, ids=lambda f: f.name)
def test_each_fused_op_matches_torch_func_jvp(fused: catalogue.Fused) -> None:
    n = fused.width(3)
    point = tuple(0.4 * k - 1.3 for k in range(n))
    direction = tuple(1.0 / (k + 1) - 0.2 for k in range(n))
    ours = jvp(lambda *xs: fused.apply(*xs), point, direction)
    theirs = their_jvp(lambda *ts: fused.torch(torch, *ts), point, direction)
    assert ours == pytest.approx(theirs, rel=1e-12)


def test_random_graphs_with_edge_inputs_match_torch_func_jvp() -> None:
    found = fuzz_graphs.forward_disagreements(seed=7, graphs=1500)
    assert not found, f"{len(found)} of 1500 graphs disagree with torch.func.jvp:\n" + "\n".join(found[:5])


def test_the_forward_comparison_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    # x / x at a tiny x, with the sum of the two vjps as division's tangent: inf - inf = nan.
    monkeypatch.setattr(ops.DIV, "jvp", None)
    assert fuzz_graphs.forward_disagreements(seed=0, graphs=1500)


def _runs_on_tensors(form: Any) -> bool:
    try:
        form(*[tensor(0.5)] * form.__code__.co_argcount)
    except AttributeError:  # a Value method that tensors lack (softplus)
        return False
    return True


# The catalogue's smooth forms (finite and differentiable everywhere) that run on tensors as well.
SMOOTH = [
    (c.smooth, c.smooth.__code__.co_argcount)
    for c in (*catalogue.UNARY, *catalogue.BINARY)
    if c.smooth is not None and _runs_on_tensors(c.smooth)
]


def _random_smooth_function(seed: int, n: int, m: int) -> Any:
    """A random graph of n inputs and m outputs that runs on Values and on tensors alike."""
    rng = random.Random(seed)
    plan = []
    for k in range(8):
        fn, arity = rng.choice(SMOOTH)
        plan.append((fn, [rng.randrange(n + k) for _ in range(arity)]))

    def f(*xs: Any) -> Any:
        nodes = list(xs)
        for fn, args in plan:
            nodes.append(fn(*[nodes[i] for i in args]))
        return tuple(nodes[-m:])

    return f


@pytest.mark.parametrize("seed", range(12))
def test_jacobians_of_random_graphs_match_torch(seed: int) -> None:
    assert len(SMOOTH) >= 10
    rng = random.Random(seed)
    n, m = rng.randint(1, 4), rng.randint(1, 4)
    f = _random_smooth_function(seed, n, m)
    point = [rng.uniform(-1.5, 1.5) for _ in range(n)]
    theirs = torch.autograd.functional.jacobian(lambda *ts: torch.stack(f(*ts)), tuple(map(tensor, point)))
    expected = np.array([[theirs[j][i].item() for j in range(n)] for i in range(m)])
    for mode in (jacfwd, jacrev, jacobian):
        assert np.allclose(mode(f)(*point), expected, rtol=1e-12, atol=1e-13), mode.__name__
    # and one jvp along a random direction, against torch.func.jvp
    direction = tuple(rng.uniform(-1.0, 1.0) for _ in range(n))
    _, ours = jvp(f, point, direction)
    _, their_tangents = torch.func.jvp(
        lambda *ts: torch.stack(f(*ts)), tuple(map(tensor, point)), tuple(map(tensor, direction))
    )
    assert np.allclose(ours, their_tangents.numpy(), rtol=1e-12, atol=1e-13)


def test_forward_over_reverse_hessian_matches_torch_func_hessian() -> None:
    f = lambda x, y, z: (x * y).sin() * z.exp() + (x * x + z).sqrt()  # noqa: E731
    point = (0.3, -1.2, 0.8)
    theirs = torch.func.hessian(lambda v: f(v[0], v[1], v[2]))(torch.tensor(point, dtype=torch.float64))
    ours = autograd.hessian(f, mode="forward-over-reverse")(*point)
    assert np.allclose(ours, theirs.numpy(), rtol=1e-12, atol=1e-14)


def test_edge_values_match_torch_func_jvp_op_by_op() -> None:
    edges = [0.0, -0.0, 5e-324, -1e-300, 1e300, math.inf, -math.inf, math.nan, -745.0, 30.0]
    for case in UNARY:
        if case.name in ("sigmoid", "softplus"):
            continue  # their values differ from PyTorch's by design at the extremes (the numerics page)
        for x in edges:
            for t in (1.0, math.inf):
                ours = jvp(case.apply, (x,), (t,))
                theirs = their_jvp(functools.partial(case.torch, torch), (x,), (t,))  # type: ignore[arg-type]
                assert all(map(fuzz_graphs.agree, ours, theirs)), (case.name, x, t, ours, theirs)
