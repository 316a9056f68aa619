"""gradcheck and detect_anomaly."""

from __future__ import annotations

import math
import timeit

import pytest

import autograd
from autograd import AnomalyError, GradcheckError, Value, detect_anomaly, gradcheck


def test_gradcheck_passes_on_correct_gradients() -> None:
    assert gradcheck(lambda x, y: (x * y).tanh() + y.exp() / x, [0.8, -0.3]) is True
    assert gradcheck(lambda *xs: autograd.dot(xs[:2], xs[2:]).sigmoid(), [0.1, 0.2, 0.3, -0.4])


def test_gradcheck_reports_a_table_when_a_rule_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograd import ops

    broken = ops.Op("sin", ops.SIN.value, lambda g, out, x: (g * -ops.cos(x),))  # wrong sign
    monkeypatch.setattr(ops, "SIN", broken)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: x.sin() * y, [0.5, 2.0])
    message = str(info.value)
    assert "1 of 2 inputs" in message
    lines = message.splitlines()
    assert lines[1].split() == ["input", "x", "analytic", "numeric", "difference"]
    row0 = lines[2].split()
    assert row0[0] == "0" and float(row0[2]) == pytest.approx(-2 * math.cos(0.5), rel=1e-6)
    assert float(row0[3]) == pytest.approx(2 * math.cos(0.5), rel=1e-6)
    assert "mismatch" in lines[2] and "mismatch" not in lines[3]


def test_gradcheck_input_errors() -> None:
    with pytest.raises(TypeError, match="str"):
        gradcheck(lambda x: x, ["a"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="eps"):
        gradcheck(lambda x: x, [1.0], eps=0.0)


def test_anomaly_forward_names_op_inputs_and_user_line() -> None:
    x = Value(-2.0, label="x")
    with pytest.raises(AnomalyError) as info, detect_anomaly():
        y = x * 3.0
        y.log()  # the line that makes the nan
    message = str(info.value)
    assert message.startswith("forward: log produced nan")
    assert "-6.0" in message
    assert f"{__file__}:" in message
    line = int(message.rsplit(":", 1)[1])
    with open(__file__) as fh:
        assert "the line that makes the nan" in fh.readlines()[line - 1]


def test_anomaly_backward_names_the_node_and_its_label() -> None:
    x = Value(0.0, label="x")
    with detect_anomaly():
        r = x.sqrt()  # forward is fine: sqrt(0) = 0
        r.label = "root"
        with pytest.raises(AnomalyError) as info:
            r.backward()  # d sqrt / dx at 0 is inf
    message = str(info.value)
    assert message.startswith("backward: the gradient sent from sqrt to its input 0 is inf")
    assert "'root'" in message and "test_check.py" in message


def test_anomaly_catches_inf_in_create_graph_backward() -> None:
    x = Value(0.0)
    with detect_anomaly(), pytest.raises(AnomalyError, match="backward"):
        x.sqrt().backward(create_graph=True)  # 0.5 / sqrt(0), recorded as a node


def test_outside_the_context_ieee_values_flow_silently() -> None:
    x = Value(-1.0)
    with pytest.raises(AnomalyError), detect_anomaly():
        x.log()
    assert math.isnan(x.log().data)  # engine restored
    y = Value(0.0)
    y.sqrt().backward()
    assert y.grad == math.inf


def test_the_engine_calls_the_checker_only_while_it_is_on() -> None:
    # detect_anomaly plugs a checker into this thread's mode; off, the engine's mode has none (no cost).
    from autograd import engine

    mode = engine.this_thread.mode
    assert mode.watchers == ()
    with detect_anomaly(), detect_anomaly():
        assert len(mode.watchers) == 1
    assert mode.watchers == () and mode.saved == []
    a = Value(1.0)
    timeit.timeit(lambda: a * a, number=10)  # and it still runs


def test_anomaly_names_the_users_line_not_one_of_nn() -> None:
    import nn

    neuron = nn.Neuron(1, activation="linear", seed=0)
    neuron.w[0].data = 1e308
    with pytest.raises(AnomalyError, match=r"w·x\+b produced inf") as err, detect_anomaly():
        neuron([10.0])  # <- the line the report must name
    site = str(err.value).rsplit("created at ", 1)[1]
    assert site.startswith(__file__ + ":") and "nn/" not in site
