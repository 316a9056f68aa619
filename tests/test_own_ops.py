"""Ops of your own, through the same door as the built-in ones: ``autograd.op``.

A user op must work everywhere a built-in does: backward, create_graph and higher-order grad, explain,
pictures, detect_anomaly, compile, batched Values and gradcheck.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from autograd import GradcheckError, Value, ops

softsign = autograd.op("softsign", value=lambda x: x / (1 + abs(x)), grads=lambda out, x: (1 + abs(x)) ** -2)
# The vjp form: what the input receives given g, here g / x as the built-in log sends it.
mylog = autograd.op("mylog", value=np.log, vjp=lambda g, out, x: g / x)


def f(x: Value) -> Value:
    return softsign(x * x) * x


def df(x: float) -> float:  # d/dx x * s(x^2), s(u) = u / (1 + |u|), s'(u) = (1 + |u|)^-2
    u = x * x
    return u / (1 + abs(u)) + x * 2 * x * (1 + abs(u)) ** -2


def test_value_backward_and_numbers() -> None:
    x = Value(0.7)
    y = f(x)
    y.backward()
    assert y.data == pytest.approx(0.7 * 0.49 / 1.49, rel=1e-15)
    assert x.grad == pytest.approx(df(0.7), rel=1e-14)
    assert softsign(3.0).data == 0.75 and not softsign(3.0).requires_grad  # numbers in: a constant
    assert softsign(Value(1.0)).op == "softsign"


def test_higher_order_grad_runs_the_rule_on_values() -> None:
    d2 = autograd.grad(autograd.grad(lambda x: softsign(x)))
    # s(x) = x / (1 + x) for x > 0: s' = (1 + x)^-2, s'' = -2 (1 + x)^-3
    assert d2(0.5) == pytest.approx(-2 * 1.5**-3, rel=1e-12)
    assert autograd.grad(f)(0.3) == pytest.approx(df(0.3), rel=1e-14)


def test_gradcheck_and_the_check_at_definition() -> None:
    assert autograd.gradcheck(f, [0.4])
    autograd.op(
        "softsign", value=lambda x: x / (1 + abs(x)), grads=lambda out, x: (1 + abs(x)) ** -2, check=True
    )
    with pytest.raises(GradcheckError, match=r"op 'bad' failed for 1 of 2 inputs: y") as err:
        autograd.op("bad", value=lambda x, y: x * y, grads=lambda out, x, y: (y, x + 1), check=True)
    assert (
        "<- mismatch" in str(err.value).splitlines()[-1] and str(err.value).splitlines()[-1].split()[0] == "y"
    )
    with pytest.raises(GradcheckError, match=r"inputs: x\b"):
        autograd.op("bad", value=lambda x, y: x * y, grads=lambda out, x, y: (2 * y, x), check=True)


def test_explain_pictures_and_the_explorer_show_it() -> None:
    from autograd import viz

    x = Value(0.5, label="x")
    y = softsign(x)
    y.label = "y"
    record = autograd.explain(y)
    assert [s.node.op for s in record.steps] == ["softsign"]
    assert record.steps[0].edges[0].local == pytest.approx(1.5**-2, rel=1e-15)
    assert "softsign" in viz.draw_dot(y).source
    assert "softsign" in viz.explore(y).html


def test_detect_anomaly_names_a_user_op() -> None:
    square = autograd.op("square", value=lambda x: x * x, grads=lambda out, x: 2 * x)
    with (
        pytest.raises(autograd.AnomalyError, match=r"forward: square produced inf"),
        autograd.detect_anomaly(),
    ):
        square(Value(1e200))
    flat = autograd.op("flat", value=lambda x: x * 1e-300, grads=lambda out, x: 1e300 * 1e300)
    with (
        pytest.raises(
            autograd.AnomalyError, match=r"backward: the gradient sent from flat to its input 0 is inf"
        ),
        autograd.detect_anomaly(),
    ):
        flat(Value(1.0)).backward()


def test_compile_writes_a_user_rule_out_and_runs_it_exactly() -> None:
    x = Value(0.8, label="x")
    program = autograd.compile(f(x), wrt=[x])
    assert "softsign(v1)" in program.source and "abs(v1)" in program.source  # the rule, written out
    for number in (0.8, -1.7, 0.0):
        x.data, x.grad = number, 0.0
        value = program()
        eager = Value(number)
        out = f(eager)
        out.backward()
        assert (value, x.grad) == (out.data, eager.grad)


def test_compile_calls_a_rule_it_cannot_write_out() -> None:
    kink = autograd.op(
        "kink", value=lambda x: x if x > 0 else 0.0 * x, grads=lambda out, x: 1.0 if x > 0 else 0.0
    )
    x = Value(2.0, label="x")
    program = autograd.compile(kink(x) * x, wrt=[x])
    assert "(d0,) = kink_vjp(g_v1, v1, x)" in program.source
    assert program() == 4.0 and x.grad == 4.0


def test_batched_values_run_the_rules_on_arrays() -> None:
    xs = np.array([-2.0, 0.0, 0.5, 3.0])
    batch = Value(xs)
    w = Value(1.5)
    out = softsign(batch * w).batch_sum()
    out.backward()
    expected = sum(x * (1 + abs(1.5 * x)) ** -2 for x in xs)  # d/dw sum s(w x) = sum x s'(w x)
    assert w.grad == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(batch.grad, 1.5 * (1 + np.abs(1.5 * xs)) ** -2, rtol=1e-14)


def test_a_rule_that_cannot_run_on_values_or_arrays_says_so() -> None:
    mexp = autograd.op("mexp", value=lambda x: math.exp(x), grads=lambda out, x: math.exp(x))
    x = Value(0.5)
    y = mexp(x)
    y.backward()  # on floats it works
    assert x.grad == pytest.approx(math.exp(0.5), rel=1e-15)
    with pytest.raises(
        TypeError, match=r"derivative rule of op 'mexp' cannot run on Values \(create_graph\)"
    ):
        autograd.grad(autograd.grad(lambda v: mexp(v)))(0.5)
    with pytest.raises(TypeError, match=r"op 'mexp': its value cannot run on a batch"):
        mexp(Value(np.array([0.0, 1.0])))


def test_definition_errors_are_clear_and_early() -> None:
    with pytest.raises(TypeError, match="name must be a non-empty str"):
        autograd.op("", value=abs, grads=lambda out, x: 1.0)
    with pytest.raises(TypeError, match="give its derivative as grads="):
        autograd.op("twice", value=lambda x: 2 * x)
    with pytest.raises(TypeError, match="give its derivative as grads="):
        autograd.op("twice", value=lambda x: 2 * x, grads=lambda out, x: 2.0, vjp=lambda g, out, x: 2 * g)
    with pytest.raises(
        TypeError, match=r"value takes 2 inputs, so its rule must be grads\(out, \*inputs\) with 3"
    ):
        autograd.op("mul2", value=lambda x, y: x * y, grads=lambda out, x: (1.0,))
    with pytest.raises(TypeError, match="value must be a function"):
        autograd.op("v", value=3.0, grads=lambda out, x: 1.0)  # type: ignore[arg-type]
    twice = autograd.op("twice", value=lambda x: 2 * x, grads=lambda out, x: (2.0, 1.0))
    with pytest.raises(TypeError, match=r"grads must return one item per input \(1\), got 2"):
        twice(Value(1.0)).backward()
    with pytest.raises(TypeError, match=r"op 'twice' takes 1 input, got 2"):
        twice(Value(1.0), 2.0)
    with pytest.raises(TypeError, match=r"op 'twice' takes Values or real numbers, got str"):
        twice("x")  # type: ignore[arg-type]
    bad_value = autograd.op("bad", value=lambda x: "a", grads=lambda out, x: 1.0)
    with pytest.raises(TypeError, match="value must return a real number"):
        bad_value(Value(1.0))


def test_the_vjp_form_runs_on_floats_values_and_arrays() -> None:
    x = Value(4.0)
    mylog(x * x).backward()
    assert x.grad == 0.5 and type(mylog(Value(1.0)).data) is float
    assert autograd.grad(autograd.grad(lambda v: mylog(v)))(2.0) == -0.25  # d2/dx2 log x = -1/x^2
    batch = Value(np.array([1.0, 2.0]))
    mylog(batch).batch_sum().backward()
    np.testing.assert_array_equal(batch.grad, [1.0, 0.5])


def test_the_built_in_ops_are_ops_of_the_same_class() -> None:
    assert isinstance(ops.MUL, autograd.Op) and isinstance(softsign, autograd.Op)
    assert ops.MUL(Value(2.0), 3.0).data == 6.0
    assert softsign.local(0.5, 1.0) == (0.25,) and ops.MUL.local(6.0, 2.0, 3.0) == (3.0, 2.0)
