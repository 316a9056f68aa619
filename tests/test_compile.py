"""autograd.compile: the graph written out as a program computes what backward() computes, bit for bit."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import catalogue
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value, engine
from autograd.ops import Op

# Every op of the shared catalogue, kinks and domain edges included: the program must agree with
# backward() everywhere. (Not detach: a graph of constants only has no backward pass to compare; plain
# numbers in the expressions make constants enough.)
UNARY: list[Callable[[Value], Value]] = [case.apply for case in catalogue.UNARY if case.gradient]
BINARY: list[Callable[[Value, Value], Value]] = [
    *(case.apply for case in catalogue.BINARY),
    *(form for fused in catalogue.FUSED for form in fused.forms),
]

steps_strategy = st.lists(
    st.tuples(st.booleans(), st.integers(0, 100), st.integers(0, 100), st.integers(0, 100)),
    min_size=1,
    max_size=20,
)
number = st.one_of(
    st.floats(-3.0, 3.0),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, math.inf, -math.inf, math.nan, 1e300, -1e-300]),
)


def build(steps: list[tuple[bool, int, int, int]], xs: list[Value]) -> Value:
    nodes = list(xs)
    for binary, op, i, j in steps:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(BINARY[op % len(BINARY)](a, b) if binary else UNARY[op % len(UNARY)](a))
    return autograd.sum(nodes[len(xs) :])


def same(a: float, b: float) -> bool:
    """Bit for bit: equal with the same sign (so 0.0 is not -0.0), or both nan."""
    return (a != a and b != b) or (a == b and math.copysign(1.0, a) == math.copysign(1.0, b))


def eager(steps: list[tuple[bool, int, int, int]], numbers: list[float]) -> tuple[float, list[float]]:
    xs = [Value(x) for x in numbers]
    root = build(steps, xs)
    root.backward()
    return root.data, [x.grad for x in xs]


@settings(max_examples=300, deadline=None)
@given(steps_strategy, st.lists(number, min_size=3, max_size=3), st.lists(number, min_size=3, max_size=3))
def test_random_graphs_run_exactly_as_backward(
    steps: list[tuple[bool, int, int, int]], first: list[float], second: list[float]
) -> None:
    xs = [Value(x) for x in first]
    program = autograd.compile(build(steps, xs), wrt=xs)
    for numbers in (first, second):  # compiled on the first numbers, then run again on others
        for x, number in zip(xs, numbers, strict=True):
            x.data, x.grad = number, 0.0
        value = program()
        expected, grads = eager(steps, numbers)
        assert same(value, expected), program.source
        assert all(same(x.grad, g) for x, g in zip(xs, grads, strict=True)), program.source


def test_a_dead_relu_passes_no_gradient_but_inf_times_zero_is_still_nan() -> None:
    # The program skips a fused node whose gradient is 0 only where backward() does: finite values.
    w, b = Value(1.0), Value(0.0)
    x = Value(-1.0)
    root = autograd.dot([w], [x], b).relu()
    program = autograd.compile(root, wrt=[w, b])
    assert program() == 0.0 and (w.grad, b.grad) == (0.0, 0.0)
    x.data = -math.inf  # relu(-inf) = 0 and its slope is 0, but d/dw = 0 * -inf = nan
    w.grad = b.grad = 0.0
    program()
    eager_w, eager_b = Value(1.0), Value(0.0)
    autograd.dot([eager_w], [Value(-math.inf)], eager_b).relu().backward()
    assert math.isnan(w.grad) and math.isnan(eager_w.grad)
    assert same(b.grad, eager_b.grad)


def test_gradients_add_up_and_only_wrt_leaves_change() -> None:
    a, b, c = Value(2.0, label="a"), Value(3.0, label="b"), Value(5.0, label="c")
    d = a * b
    root = d + c
    program = autograd.compile(root, wrt=[a, a, b])  # a twice: one gradient all the same
    a.grad, c.grad = 10.0, 7.0
    assert program() == 11.0
    assert (a.grad, b.grad) == (13.0, 2.0)  # added to what they had
    assert c.grad == 7.0  # not in wrt: untouched
    assert (d.data, d.grad, root.grad) == (6.0, 0.0, 0.0)  # interior nodes untouched
    assert program.wrt == [a, b]
    program()
    assert (a.grad, b.grad) == (16.0, 4.0)


def test_a_leaf_the_root_does_not_use_keeps_its_gradient() -> None:
    x, unused = Value(2.0), Value(1.0)
    unused.grad = 0.5
    program = autograd.compile(x * x, wrt=[unused, x])
    assert program() == 4.0
    assert (unused.grad, x.grad) == (0.5, 4.0)


def test_a_leaf_root() -> None:
    x = Value(3.0)
    program = autograd.compile(x, wrt=[x])
    assert program() == 3.0 and x.grad == 1.0


def test_new_input_numbers_without_new_values() -> None:
    # A minibatch pattern: input leaves are placeholders whose numbers change between calls.
    model = nn.MLP(3, [4, 2], activation="tanh", seed=0)
    inputs = [Value(0.0, label=f"x{i}") for i in range(3)]
    out = model(inputs)
    program = autograd.compile(autograd.sum(out), wrt=model.parameters())
    rng = np.random.default_rng(1)
    for row in rng.normal(size=(5, 3)).tolist():
        for x, number in zip(inputs, row, strict=True):
            x.data = number
        model.zero_grad()
        value = program()
        compiled_grads = [p.grad for p in model.parameters()]
        model.zero_grad()
        expected = autograd.sum(model(row))
        expected.backward()
        assert value == expected.data
        assert compiled_grads == [p.grad for p in model.parameters()]


def test_training_with_a_compiled_step_matches_eager_training() -> None:
    X, y = nn.data.moons(30, noise=0.1, seed=0)
    labels = 2.0 * y - 1.0

    def trained(compiled: bool) -> list[float]:
        model = nn.MLP(2, [8, 8, 1], seed=0)
        params = model.parameters()
        optimizer = nn.optim.SGD(params, lr=0.05)

        def loss() -> Value:
            scores = [model(row) for row in X.tolist()]
            return nn.losses.hinge_loss(scores, labels) + nn.losses.l2_penalty(params, 1e-4)

        step = autograd.compile(loss(), wrt=params) if compiled else None
        for _ in range(5):
            optimizer.zero_grad()
            if step is None:
                loss().backward()
            else:
                step()
            optimizer.step()
        return [p.data for p in params]

    assert trained(True) == trained(False)


def test_the_source_is_the_forward_and_backward_pass() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    program = autograd.compile((a * b).relu() + a, wrt=[a, b])
    lines = [line.strip() for line in program.source.splitlines()]
    assert "a, b = leaves" in lines
    assert "v2 = mul(a, b)  # *" in lines
    assert "g_a += g_v2 * b" in lines and "g_b += g_v2 * a" in lines  # d(a*b)/da = b, d(a*b)/db = a
    assert "(d0,) = relu_vjp(g_v3, v3, v2)" in lines  # a rule that branches on its number is called
    assert "g_a += g_v4" in lines  # d(x + a)/da = 1: no multiplication by 1.0
    assert repr(program) == f"Compiled(2 leaves, 2 with gradients, {len(lines)} lines)"


def test_a_node_is_called_by_its_label_where_that_is_a_fit_name() -> None:
    x = Value(1.0, label="x")
    twins = [Value(2.0, label="w"), Value(3.0, label="w")]  # one label, two nodes
    # labels that cannot name a number: a space, a keyword, a program's own name, a function's name
    odd = [Value(4.0 + i, label=name) for i, name in enumerate(("x y", "lambda", "v0", "mul"))]
    grads = Value(8.0, label="grads")
    y = autograd.sum([x * twins[0], twins[1], *odd, grads])
    y.label = "y"
    program = autograd.compile(y, wrt=[x, *twins, *odd, grads])
    first = program.source.splitlines()[1]
    assert first.startswith("    x, v1, v3, v4, v5, v6, mul, v8 = leaves  # v1 = w, v3 = w, v4 = x y,")
    assert "v2 = mul_(x, v1)" in program.source  # "mul" is a node's label: the function steps aside
    assert "g_y = 1.0" in program.source
    assert program() == y.data
    assert [p.grad for p in program.wrt] == [2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]


def test_the_program_printed_in_the_docs_is_the_one_written() -> None:
    page = (Path(__file__).parent.parent / "docs" / "concepts" / "compiled.md").read_text(encoding="utf-8")
    printed = page.split("```py\n", 1)[1].split("```", 1)[0]
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    assert autograd.compile((a * b).relu() + a, wrt=[a, b]).source == printed


def test_op_names_become_python_names() -> None:
    x = Value(2.0)
    source = autograd.compile(x**0.5 + x.leaky_relu(0.01) + x**2, wrt=[x]).source
    assert "pow0_5(v0)" in source and "leaky_relu_0_01(v0)" in source and "pow2(v0)" in source


def test_the_fused_ops_split_their_inputs_for_their_value() -> None:
    w, b, x = Value(2.0), Value(1.0), Value(3.0)
    node = autograd.dot([w], [x], b)
    assert node._fn.split is not None
    assert node._fn.value(*node._fn.split([2.0, 1.0, 3.0])) == node.data == 7.0
    assert "dot((v0,), (v2,), v1)" in autograd.compile(node, wrt=[w]).source


@pytest.mark.parametrize(
    ("root", "wrt", "error", "message"),
    [
        (1.0, [], TypeError, "compile takes a Value"),
        (Value(1.0), Value(1.0), TypeError, "wrt must be a sequence of Values"),
        (Value(1.0), 3, TypeError, "wrt must be a sequence of Values"),
        (Value(1.0), [1.0], TypeError, "wrt must hold Values, got float"),
        (Value(1.0), [Value(1.0) * 2], ValueError, r"wrt must hold leaves .*'\*'"),
        (Value(np.array([1.0, 2.0])).batch_sum(), [], ValueError, "holds a batch"),
    ],
)
def test_bad_arguments_are_refused(root: object, wrt: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        autograd.compile(root, wrt=wrt)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("attribute", "bad", "message"),
    [
        ("data", np.array([1.0, 2.0]), "leaf w has data of type ndarray"),
        ("grad", None, "leaf w has grad of type NoneType"),
    ],
)
def test_a_call_on_numbers_of_another_kind_is_refused_before_anything_changes(
    attribute: str, bad: object, message: str
) -> None:
    w, v = Value(2.0, label="w"), Value(3.0, label="v")
    program = autograd.compile(w * v, wrt=[v, w])
    setattr(w, attribute, bad)
    v.grad = 1.0
    with pytest.raises(TypeError, match=message):
        program()
    assert v.grad == 1.0  # nothing was added


def test_a_rule_that_looks_at_its_number_is_called_not_written_out() -> None:
    # d/dx is 2 at exactly 0 and 1 elsewhere: written out on names, "x == 0.0" would be decided once.
    kink = Op("kink", lambda x: x, lambda g, out, x: (g * (2.0 if x == 0.0 else 1.0),))
    x = Value(1.0, label="x")
    program = autograd.compile(engine._unary(kink, x), wrt=[x])
    assert "(d0,) = kink_vjp(g_v1, v1, x)" in program.source
    x.data = 0.0
    program()
    assert x.grad == 2.0


def test_a_program_longer_than_max_lines_is_refused_before_python_compiles_it() -> None:
    x = Value(1.0)
    y = x
    for _ in range(100):
        y = (y * 0.5).tanh()
    lines = autograd.compile(y, wrt=[x]).source.count("\n")
    assert autograd.compile(y, wrt=[x], max_lines=lines)() == y.data  # exactly at the limit: fine
    with pytest.raises(ValueError, match=rf"a program of {lines} lines, more than max_lines = {lines - 1}"):
        autograd.compile(y, wrt=[x], max_lines=lines - 1)
    for bad in (0, -5, 2.5, True):
        with pytest.raises(ValueError, match="max_lines must be a positive int"):
            autograd.compile(y, wrt=[x], max_lines=bad)  # type: ignore[arg-type]
