"""Property-based: random expression graphs, reverse mode agrees with finite differences."""

from __future__ import annotations

from collections.abc import Callable

from helpers import assert_grads_match
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value

# Smooth ops only (relu and abs have kinks where differences disagree), on safe domains.
UNARY: list[Callable[[Value], Value]] = [
    lambda x: x.tanh(),
    lambda x: x.sigmoid(),
    lambda x: x.softplus(),
    lambda x: x.sin(),
    lambda x: x.cos(),
    lambda x: (x * x + 1).log(),
    lambda x: (x * x + 0.5).sqrt(),
    lambda x: (x * 0.5).exp(),
    lambda x: -x,
    lambda x: x**2,
]
BINARY: list[Callable[[Value, Value], Value]] = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (b * b + 1),
    lambda a, b: (a * a + 1) ** (b.tanh()),
    lambda a, b: autograd.dot([a, b], [b, 0.5]),
    lambda a, b: autograd.sum([a, b, a]),
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
