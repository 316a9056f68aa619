"""Forward mode: ``jvp`` carries a tangent with every Value, by the same rules as the backward pass.

What is checked here needs no other engine: each op's tangent against its reverse-mode derivative
(they come from one rule), nesting without perturbation confusion, forward-over-reverse and
reverse-over-forward, batches, ops of your own, edge values, threads, and the boundary. PyTorch's
``torch.func`` is the oracle in ``test_torch_forward.py``.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import catalogue
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import (
    Value,
    detect_anomaly,
    engine,
    grad,
    hessian,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    no_grad,
    ops,
    vjp,
)

UNARY = [case for case in catalogue.UNARY if case.gradient]


# ---------------------------------------------------------------------------- each op
@pytest.mark.parametrize("case", UNARY, ids=lambda c: c.name)
def test_each_unary_op_carries_its_derivative_times_the_tangent(case: catalogue.Case) -> None:
    for x in case.points:
        for t in (1.0, -0.75, 3.5):
            value, tangent = jvp(case.apply, (x,), (t,))
            assert value == case.apply(Value(x)).data
            assert tangent == pytest.approx(grad(case.apply)(x) * t, rel=1e-15)


@pytest.mark.parametrize("case", catalogue.BINARY, ids=lambda c: c.name)
def test_each_binary_op_sums_its_inputs_contributions(case: catalogue.Case) -> None:
    for a, b in case.points:
        da, db = grad(case.apply, (0, 1))(a, b)
        for ta, tb in ((1.0, 0.0), (0.0, 1.0), (0.5, -2.0)):
            _, tangent = jvp(case.apply, (a, b), (ta, tb))
            assert tangent == pytest.approx(da * ta + db * tb, rel=1e-14, abs=1e-300)


@pytest.mark.parametrize("fused", catalogue.FUSED, ids=lambda f: f.name)
def test_each_fused_op_has_a_tangent_rule_of_n_terms(fused: catalogue.Fused) -> None:
    n = fused.width(3)
    point = [0.3 * k - 1.1 for k in range(n)]
    direction = [1.0 / (k + 2) for k in range(n)]
    _, tangent = jvp(lambda *xs: fused.apply(*xs), point, direction)
    gradient = grad(lambda *xs: fused.apply(*xs), tuple(range(n)))(*point)
    assert tangent == pytest.approx(sum(g * t for g, t in zip(gradient, direction, strict=True)), rel=1e-14)


def test_the_fused_ops_have_a_tangent_rule_of_their_own() -> None:
    # n terms, not n vjps of n terms each: the default rule would call vjp once per input.
    point, direction = [0.5, -1.0, 2.0, 1.5, 0.25, -3.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    calls = 0
    vjp_rule = ops.DOT.vjp

    def counting(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        return vjp_rule(*args)

    ops.DOT.vjp = counting
    try:
        _, tangent = jvp(lambda *xs: autograd.dot(xs[:3], xs[3:]), point, direction)
    finally:
        ops.DOT.vjp = vjp_rule
    assert calls == 0
    assert tangent == 1.0 * 1.5 + 0.5 * 4.0 + 2.0 * 0.25 + -1.0 * 5.0 + 3.0 * -3.0 + 2.0 * 6.0


def test_the_default_rule_calls_the_backward_rule_once_per_input_with_a_tangent() -> None:
    # Op.tangent of a vjp-form op: vjp(t_i)[i] for each input with a tangent, none for the others.
    seen = []
    mul = autograd.op("mul", lambda a, b: a * b, vjp=lambda g, out, a, b: seen.append(g) or (g * b, g * a))
    assert jvp(lambda a, b: mul(a, b), (2.0, 3.0), (10.0, 100.0)) == (6.0, 10.0 * 3.0 + 100.0 * 2.0)
    assert seen == [10.0, 100.0]
    seen.clear()
    assert jvp(lambda a: mul(a, 3.0), (2.0,), (10.0,)) == (6.0, 30.0)
    assert seen == [10.0]  # the constant 3 carries no tangent: no call for it


# ---------------------------------------------------------------------------- nesting
def test_nested_jvp_does_not_confuse_the_perturbations() -> None:
    # Siskind and Pearlmutter's example: d/dx [x * (d/dy (x + y))(1)] at x = 1 is 1 (d/dy (x + y) = 1).
    # A dual number that does not tell the two derivatives apart takes x's tangent for y's: it gives 2.
    def inner(x: Any) -> Any:
        return jvp(lambda y: x + y, (1.0,), (1.0,))[1]

    assert jvp(lambda x: x * inner(x), (1.0,), (1.0,)) == (1.0, 1.0)
    # And where the inner derivative does depend on x: d/dx [x * d/dy (x y)] = d/dx x**2 = 2x.
    assert jvp(lambda x: x * jvp(lambda y: x * y, (1.0,), (1.0,))[1], (3.0,), (1.0,)) == (9.0, 6.0)


def test_nesting_mixes_modes_to_any_order() -> None:
    f = lambda x: x.sin() * x  # noqa: E731
    f2 = lambda x: 2 * x.cos() - x * x.sin()  # noqa: E731 - f''
    f3 = lambda x: -3 * x.sin() - x * x.cos()  # noqa: E731 - f'''
    x = 0.7
    forward = lambda g: lambda v: jvp(g, (v,), (1.0,))[1]  # noqa: E731 - d/dx by forward mode
    assert forward(forward(f))(x) == pytest.approx(f2(Value(x)).data, rel=1e-14)  # forward-over-forward
    assert forward(grad(f))(x) == pytest.approx(f2(Value(x)).data, rel=1e-14)  # forward-over-reverse
    assert grad(forward(f))(x) == pytest.approx(f2(Value(x)).data, rel=1e-14)  # reverse-over-forward
    assert forward(grad(forward(f)))(x) == pytest.approx(f3(Value(x)).data, rel=1e-13)


def test_a_jvp_inside_grad_is_differentiated_through() -> None:
    # grad(x -> x * d/dy(x y)) = grad(x**2) = 2x: the inner tangent is recorded, so the outer grad sees it.
    assert grad(lambda x: x * jvp(lambda y: x * y, (1.0,), (1.0,))[1])(3.0) == 6.0


def test_hessian_forward_over_reverse_gives_the_same_numbers() -> None:
    functions = [
        lambda x, y: (x * y).sin() + x**3 * y.exp(),
        lambda x, y, z: (x * x + y * z).tanh() * (z - x).sigmoid(),
        lambda x, y: autograd.dot([x, y], [y, x], x * y).log(),
    ]
    points = [(0.3, -0.7), (0.2, 0.5, -1.1), (1.3, 0.4)]
    for f, point in zip(functions, points, strict=True):
        reverse = hessian(f)(*point)
        forward = hessian(f, mode="forward-over-reverse")(*point)
        assert np.allclose(forward, reverse, rtol=1e-14, atol=1e-15)
        assert np.allclose(forward, forward.T, rtol=1e-14, atol=1e-15)
    with pytest.raises(ValueError, match="mode must be"):
        hessian(functions[0], mode="forward")


def test_a_hessian_vector_product_is_one_forward_pass_of_the_gradient() -> None:
    f = lambda x, y: x * x * y + y.exp()  # noqa: E731
    _, hv = jvp(grad(f, (0, 1)), (1.0, 2.0), (1.0, -1.0))
    h = hessian(f)(1.0, 2.0)
    assert hv == pytest.approx(tuple(h @ np.array([1.0, -1.0])), rel=1e-14)


# ---------------------------------------------------------------------------- Jacobians
def _polynomial_family(n: int, m: int) -> Any:
    def f(*xs: Any) -> Any:
        return tuple(sum(((k + 1) * x) ** (j % 3 + 1) for k, x in enumerate(xs)) for j in range(m))

    return f


def test_jacfwd_and_jacrev_agree_and_have_the_shapes_of_jax() -> None:
    f = lambda x, y, z: (x * y, y.sin() * z, x / z)  # noqa: E731
    forward, reverse = jacfwd(f)(1.0, 2.0, 4.0), jacrev(f)(1.0, 2.0, 4.0)
    assert forward.shape == reverse.shape == (3, 3)
    assert np.allclose(forward, reverse, rtol=1e-15, atol=0)
    assert forward.tolist() == [
        [2.0, 1.0, 0.0],
        [0.0, 4 * math.cos(2.0), math.sin(2.0)],
        [0.25, 0.0, -1 / 16],
    ]
    # a scalar function: its gradient; argnums picks columns
    g = lambda x, y: x * y  # noqa: E731
    assert jacfwd(g)(2.0, 3.0).shape == (2,)
    assert jacrev(g, argnums=1)(2.0, 3.0).tolist() == jacfwd(g, argnums=(1,))(2.0, 3.0).tolist() == [2.0]


@pytest.mark.parametrize(("n", "m", "forward"), [(1, 5, True), (2, 3, True), (3, 3, False), (4, 1, False)])
def test_jacobian_takes_the_mode_with_fewer_passes(
    n: int, m: int, forward: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from autograd import functional

    calls = {"f": 0, "forward passes": 0, "backward passes": 0}

    def counting(name: str, fn: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return fn(*args, **kwargs)

        return counted

    f = _polynomial_family(n, m)
    monkeypatch.setattr(functional, "forward_pass", counting("forward passes", functional.forward_pass))
    monkeypatch.setattr(functional, "chain_rule", counting("backward passes", functional.chain_rule))
    point = [0.5 + k for k in range(n)]
    j = jacobian(counting("f", f))(*point)
    # f runs once, recording its graph; then n forward passes over it, or m backward passes
    assert calls == {"f": 1, "forward passes": n if forward else 0, "backward passes": 0 if forward else m}
    monkeypatch.undo()
    assert np.array_equal(j, jacfwd(f)(*point) if forward else jacrev(f)(*point))


def test_jvp_runs_f_once_with_its_tangents() -> None:
    calls = 0

    def f(x: Any, y: Any) -> Any:
        nonlocal calls
        calls += 1
        return x * y

    assert jvp(f, (2.0, 3.0), (1.0, 1.0)) == (6.0, 5.0)
    assert calls == 1


def test_vjp_gives_the_rows_and_can_be_called_again() -> None:
    out, pull = vjp(lambda a, b: (a * b, a - b, a.exp()), 1.0, 2.0)
    assert out == (2.0, -1.0, math.e)
    assert pull((1.0, 0.0, 0.0)) == (2.0, 1.0)
    assert pull((0.0, 1.0, 0.0)) == (1.0, -1.0)
    assert pull((1.0, 1.0, 1.0)) == (2.0 + 1.0 + math.e, 0.0)
    single, pull_one = vjp(lambda a: a * a, 3.0)
    assert single == 9.0 and pull_one(2.0) == (12.0,)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 4),
    m=st.integers(1, 4),
    point=st.lists(st.floats(-2.0, 2.0), min_size=4, max_size=4),
)
def test_forward_and_reverse_jacobians_agree_on_random_graphs(
    seed: int, n: int, m: int, point: list[float]
) -> None:
    import random

    rng = random.Random(seed)
    smooth = [c.smooth for c in (*catalogue.UNARY, *catalogue.BINARY) if c.smooth is not None]
    unary = [s for s in smooth if s.__code__.co_argcount == 1]
    binary = [s for s in smooth if s.__code__.co_argcount == 2]
    plan = []
    for k in range(6 + m):
        if rng.random() < 0.5:
            plan.append((rng.choice(unary), (rng.randrange(n + k),)))
        else:
            plan.append((rng.choice(binary), (rng.randrange(n + k), rng.randrange(n + k))))

    def f(*xs: Any) -> Any:
        nodes = list(xs)
        for fn, args in plan:
            nodes.append(fn(*[nodes[i] for i in args]))
        return tuple(nodes[-m:])

    forward, reverse = jacfwd(f)(*point[:n]), jacrev(f)(*point[:n])
    assert forward.shape == reverse.shape == (m, n)
    assert np.allclose(forward, reverse, rtol=1e-12, atol=1e-12), (forward, reverse)


# ---------------------------------------------------------------------------- kinds of input
def test_batched_primals_give_each_samples_tangent() -> None:
    x = np.array([-1.0, 0.25, 2.0])
    f = lambda a, w: (a * w).tanh() + w * w  # noqa: E731 - w is a parameter shared by the samples
    value, tangent = jvp(f, (x, 0.5), (np.array([1.0, 2.0, 3.0]), 0.1))
    for i in range(3):
        v_i, t_i = jvp(f, (x[i], 0.5), ((1.0, 2.0, 3.0)[i], 0.1))
        assert value[i] == pytest.approx(v_i, rel=1e-15)
        assert tangent[i] == pytest.approx(t_i, rel=1e-15)
    # an output that depends on no input has a zero tangent of its kind
    assert jvp(lambda a: a * 0 + 1, (x,), (x,))[1].tolist() == [0.0, 0.0, 0.0]
    assert jvp(lambda a: 1.0, (x,), (x,)) == (1.0, 0.0)


def test_a_model_in_batched_mode() -> None:
    import nn

    model = nn.MLP(2, [4, 1], seed=3)
    x = np.array([0.5, -1.0, 2.0])
    _, batched = jvp(lambda a: model([a, 1.0]), (x,), (np.ones(3),))
    each = [jvp(lambda a: model([a, 1.0]), (float(v),), (1.0,))[1] for v in x]
    assert batched == pytest.approx(each, rel=1e-14)


def test_an_op_of_your_own_works_with_no_extra_work() -> None:
    softsign = autograd.op("softsign", lambda x: x / (1 + abs(x)), grads=lambda out, x: (1 + abs(x)) ** -2)
    assert jvp(softsign, (1.0,), (2.0,)) == (0.5, 0.5)
    assert jvp(grad(softsign), (1.0,), (1.0,))[1] == pytest.approx(-2 * 2.0**-3, rel=1e-15)


def test_an_op_may_give_a_cheaper_tangent_rule_which_is_used_and_checked() -> None:
    used = []

    def tangent(ts: tuple[float, ...], out: Any, *xs: Any) -> Any:
        used.append(ts)
        return sum(t for t in ts) * out

    total = autograd.op(
        "exp_of_sum",
        lambda a, b: math.exp(a + b),
        grads=lambda out, a, b: (out, out),
        jvp=tangent,
        check=True,
    )
    used.clear()
    assert jvp(lambda a: total(a, 2.0), (0.0,), (3.0,)) == (math.exp(2.0), 3.0 * math.exp(2.0))
    assert used == [(3.0, 0.0)]  # an input without a tangent gets 0.0
    with pytest.raises(autograd.GradcheckError, match="jvp along input b"):
        autograd.op(
            "bad",
            lambda a, b: a * b,
            grads=lambda out, a, b: (b, a),
            jvp=lambda ts, o, a, b: ts[0] * b,
            check=True,
        )
    with pytest.raises(TypeError, match="jvp must be jvp\\(tangents, out, \\*inputs\\) with 4 parameters"):
        autograd.op("short", lambda a, b: a * b, grads=lambda out, a, b: (b, a), jvp=lambda ts, out: 0.0)
    with pytest.raises(TypeError, match="jvp must be a function"):
        autograd.op("not callable", lambda a: a, grads=lambda out, a: 1.0, jvp=3.0)  # type: ignore[arg-type]


def test_tangents_flow_under_no_grad_as_in_pytorch() -> None:
    # PyTorch's forward AD does not look at grad mode; nor do glassgrad's tangents.
    def f(x: Any) -> Any:
        with no_grad():
            return x * x

    assert jvp(f, (3.0,), (1.0,)) == (9.0, 6.0)


def test_edge_values_flow_as_in_reverse_mode_without_an_exception() -> None:
    edges = [0.0, -0.0, 5e-324, -1e-300, 1e300, math.inf, -math.inf, math.nan]
    for case in UNARY:
        for x in edges:
            leaf = Value(x)
            node = case.apply(leaf)
            if leaf not in node.parents:
                continue  # two ops (3 ** (x * 0.1)): covered by the graphs against PyTorch
            for t in (1.0, math.inf, 0.0):
                _, tangent = jvp(case.apply, (x,), (t,))  # never raises
                if node._fn.jvp is not None:
                    continue  # division's own rule, PyTorch's: test_torch_forward compares it
                # One input's tangent is its backward rule with g = t: the very same IEEE number.
                sent = node._fn.vjp(t, node.data, *[p.data for p in node.parents])
                expected = sent[node.parents.index(leaf)]
                assert _same(tangent, expected), (case.name, x, t, tangent, expected)
    assert jvp(lambda x: x.relu(), (-1.0,), (math.inf,)) == (0.0, 0.0)  # selects, as its vjp: not 0 * inf
    assert jvp(lambda x: x.log(), (0.0,), (1.0,)) == (-math.inf, math.inf)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_what_carries_no_tangent_adds_nothing_not_a_zero_product() -> None:
    # x * y at x = inf, y = 0. A tangent given is a number like any other, as in PyTorch:
    # along (1, 0) the tangent is 1 * y + x * 0 = 0 + inf * 0 = nan.
    assert math.isnan(jvp(lambda x, y: x * y, (math.inf, 0.0), (1.0, 0.0))[1])
    # A Jacobian's column for x gives y no tangent at all (nor does a constant have one), so x's
    # infinite value meets no zero: d/dx = y = 0, d/dy = x = inf, as the reverse-mode row says.
    assert jacfwd(lambda x, y: x * y)(math.inf, 0.0).tolist() == [0.0, math.inf]
    assert jacrev(lambda x, y: x * y)(math.inf, 0.0).tolist() == [0.0, math.inf]
    value, tangent = jvp(lambda y: math.inf * y, (0.0,), (1.0,))
    assert math.isnan(value) and tangent == math.inf  # inf * 1; the constant's value times nothing


# ---------------------------------------------------------------------------- the engine around it
def test_gradients_are_left_alone() -> None:
    w = Value(2.0)
    w.grad = 5.0
    f = lambda x: x * w  # noqa: E731
    jvp(f, (3.0,), (1.0,))
    vjp(f, 3.0)[1](1.0)
    jacfwd(f)(3.0), jacrev(f)(3.0), jacobian(f)(3.0)
    assert w.grad == 5.0


def test_a_failing_f_leaves_no_tangents_behind() -> None:
    def boom(x: Any) -> Any:
        raise RuntimeError("inside f")

    with pytest.raises(RuntimeError, match="inside f"):
        jvp(boom, (1.0,), (1.0,))
    mode = engine.this_thread.mode
    assert mode.watchers == () and mode.saved == []


def test_tangents_are_per_thread() -> None:
    # A jvp in progress in one thread gives no tangents to Values another thread makes meanwhile.
    started, go_on = threading.Event(), threading.Event()
    seen: list[Any] = []

    def f(x: Any) -> Any:
        started.set()
        go_on.wait(10)
        return x * 2

    worker = threading.Thread(target=lambda: seen.append(jvp(f, (1.0,), (1.0,))))
    worker.start()
    started.wait(10)
    assert engine.this_thread.mode.watchers == ()
    y = Value(3.0) * 2
    y.backward()
    go_on.set()
    worker.join(10)
    assert seen == [(2.0, 2.0)]


def test_anomaly_mode_and_forward_mode_together() -> None:
    with detect_anomaly():
        assert jvp(lambda x: x.exp(), (0.0,), (1.0,)) == (1.0, 1.0)
        with pytest.raises(autograd.AnomalyError, match="log produced nan"):
            jvp(lambda x: x.log(), (-1.0,), (1.0,))
    assert jvp(lambda x: (x * x).sqrt(), (3.0,), (1.0,)) == (3.0, 1.0)
    assert engine.this_thread.mode.watchers == ()


# ---------------------------------------------------------------------------- the boundary
@pytest.mark.parametrize(
    ("primals", "tangents", "error", "match"),
    [
        (1.0, (1.0,), TypeError, "primals must be a tuple or list.*for one argument write"),
        ((1.0,), 1.0, TypeError, "tangents must be a tuple or list"),
        ((1.0, 2.0), (1.0,), ValueError, "2 primals but 1 tangents"),
        ((1.0,), ("a",), TypeError, "tangent 0 must be a real number, got str"),
        ((np.ones(3),), (1.0,), ValueError, "tangent 0 must be a batch of 3 numbers"),
        ((np.ones(3),), (np.ones(2),), ValueError, "tangent 0 must be a batch of 3 numbers"),
        ((1.0,), (np.ones(2),), ValueError, "tangent 0 is a batch, but its primal is one number"),
        (("x",), (1.0,), TypeError, "jvp: differentiated arguments must be real numbers or Values, got str"),
    ],
)
def test_jvp_refuses_bad_arguments_before_running_f(
    primals: Any, tangents: Any, error: type[Exception], match: str
) -> None:
    ran = []
    with pytest.raises(error, match=match):
        jvp(lambda *xs: ran.append(xs) or xs[0], primals, tangents)
    assert not ran


def test_f_must_return_values_or_numbers() -> None:
    with pytest.raises(TypeError, match="jvp: f must return a Value or a tuple or list of Values, got str"):
        jvp(lambda x: "x", (1.0,), (1.0,))
    with pytest.raises(ValueError, match="empty sequence"):
        jacrev(lambda x: ())(1.0)


def test_vjp_fn_refuses_cotangents_that_do_not_fit() -> None:
    _, pull = vjp(lambda a, b: (a * b, a + b), 1.0, 2.0)
    with pytest.raises(ValueError, match="2 outputs but 1 cotangents"):
        pull((1.0,))
    with pytest.raises(TypeError, match="cotangents must be a tuple or list"):
        pull(1.0)
    with pytest.raises(TypeError, match="cotangent must be a real number"):
        pull((1.0, "a"))


def test_jacobians_refuse_bad_argnums() -> None:
    with pytest.raises(ValueError, match="argnums 2 is out of range for 2"):
        jacfwd(lambda x, y: x * y, argnums=2)(1.0, 2.0)
    with pytest.raises(ValueError, match="at least one argument"):
        jacrev(lambda: Value(1.0))()


def test_has_aux_hands_back_what_f_returns_beside_its_output() -> None:
    value, tangent, aux = jvp(lambda x: (x * x, {"note": "seen"}), (3.0,), (1.0,), has_aux=True)
    assert (value, tangent, aux) == (9.0, 6.0, {"note": "seen"})
    out, pull, aux = vjp(lambda x: (x * x, "aux"), 3.0, has_aux=True)
    assert (out, pull(1.0), aux) == (9.0, (6.0,), "aux")
    with pytest.raises(TypeError, match="with has_aux=True, f must return a pair"):
        jvp(lambda x: x, (1.0,), (1.0,), has_aux=True)


def test_a_no_grad_around_the_call_changes_no_derivative_as_with_torch_func() -> None:
    # The transforms record their f whatever the caller's grad mode (torch.func's rule); before,
    # reverse mode gave silent zeros under no_grad while forward mode did not.
    f = lambda x, y: (x * y, x + y, x * x)  # noqa: E731
    expected = [[3.0, 2.0], [1.0, 1.0], [4.0, 0.0]]
    with no_grad():
        assert jacfwd(f)(2.0, 3.0).tolist() == expected
        assert jacrev(f)(2.0, 3.0).tolist() == expected
        assert jacobian(lambda x, y, z: (x * y * z, x + y))(1.0, 2.0, 3.0).tolist() == [
            [6.0, 3.0, 2.0],
            [1.0, 1.0, 0.0],
        ]
        assert vjp(f, 2.0, 3.0)[1]((1.0, 0.0, 0.0)) == (3.0, 2.0)
        assert grad(lambda x: x**3)(2.0) == 12.0
        g = lambda x, y: x * x * y  # noqa: E731
        assert hessian(g, mode="forward-over-reverse")(1.0, 2.0).tolist() == [[4.0, 2.0], [2.0, 0.0]]
        assert hessian(g)(1.0, 2.0).tolist() == [[4.0, 2.0], [2.0, 0.0]]
        assert not autograd.is_grad_enabled()  # and the caller's mode is as it was

    # A no_grad inside f still holds: what it computes is a constant.
    def inside(x: Any) -> Any:
        with no_grad():
            c = x * x
        return c * x

    assert grad(inside)(3.0) == 9.0  # d/dx (c x) with c = 9 held constant
