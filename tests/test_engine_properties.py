"""Property-based: random expression graphs, reverse mode agrees with finite differences."""

from __future__ import annotations

from collections.abc import Callable

import catalogue
from helpers import assert_grads_match
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value

# The shared catalogue's ops in their forms that are smooth and finite on the whole line (the cases that
# have one: relu, abs and leaky_relu have kinks where differences disagree; log, sqrt, exp, / and ** get
# safe domains).
UNARY: list[Callable[[Value], Value]] = [case.smooth for case in catalogue.UNARY if case.smooth is not None]
BINARY: list[Callable[[Value, Value], Value]] = [
    *(case.smooth for case in catalogue.BINARY if case.smooth is not None),
    *(fused.smooth for fused in catalogue.FUSED),
]

program = st.lists(
    st.tuples(st.booleans(), st.integers(0, 100), st.integers(0, 100), st.integers(0, 100)),
    min_size=1,
    max_size=25,
)


def build(steps: list[tuple[bool, int, int, int]]) -> Callable[..., Value]:
    """A random graph over three inputs: each step applies an op to earlier nodes (reuse included)."""

    def f(*xs: Value) -> Value:
        nodes = list(xs)
        for binary, op, i, j in steps:
            a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
            nodes.append(BINARY[op % len(BINARY)](a, b) if binary else UNARY[op % len(UNARY)](a))
        return autograd.sum(nodes[3:]).tanh()  # every step reaches the root

    return f


@settings(max_examples=150, deadline=None)
@given(program, st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3))
def test_random_graphs_match_finite_differences(
    steps: list[tuple[bool, int, int, int]], xs: list[float]
) -> None:
    assert_grads_match(build(steps), xs, rtol=1e-4, atol=1e-6)
