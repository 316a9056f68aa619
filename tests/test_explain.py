"""explain: the chain rule written out, reproducing seed 001's worked example with the correct numbers."""

from __future__ import annotations

import pytest

from autograd import Value, explain, topological_order


def seed001_network() -> tuple[dict[str, Value], Value]:
    """Seed 001: inputs 0.35 and 0.7, sigmoid units, target 0.5; E = (target - y5)**2 / 2."""
    v = {
        name: Value(data, label=name)
        for name, data in [
            ("x1", 0.35),
            ("x2", 0.7),
            ("w11", 0.2),
            ("w21", 0.2),
            ("w12", 0.3),
            ("w22", 0.3),
            ("w13", 0.3),
            ("w23", 0.9),
        ]
    }
    named = {}
    for node, name in [
        (v["w11"] * v["x1"] + v["w21"] * v["x2"], "a1"),
        (v["w12"] * v["x1"] + v["w22"] * v["x2"], "a2"),
    ]:
        node.label = name
        named[name] = node
    y3 = named["a1"].sigmoid()
    y4 = named["a2"].sigmoid()
    a3 = v["w13"] * y3 + v["w23"] * y4
    y5 = a3.sigmoid()
    for node, name in [(y3, "y3"), (y4, "y4"), (a3, "a3"), (y5, "y5")]:
        node.label = name
    loss = 0.5 * (0.5 - y5) ** 2
    loss.label = "E"
    v.update(named)
    v.update(y3=y3, y4=y4, a3=a3, y5=y5)
    return v, loss


def test_reproduces_seed001_with_correct_arithmetic() -> None:
    v, loss = seed001_network()
    record = explain(loss)
    steps = {step.name: step for step in record.steps}
    # forward values (the article rounds y4 to 0.59 and y5 to 0.67; the engine's are exact)
    assert v["y3"].data == pytest.approx(0.552308, abs=1e-6)
    assert v["y4"].data == pytest.approx(0.578105, abs=1e-6)
    assert v["y5"].data == pytest.approx(0.66507, abs=1e-5)
    # the article's delta_j = -dE/da_j, read off the upstream gradient of each pre-activation
    delta5 = -steps["a3"].upstream
    delta4 = -steps["a2"].upstream
    delta3 = -steps["a1"].upstream
    assert delta5 == pytest.approx(-0.036770, abs=1e-6)
    assert delta4 == pytest.approx(-0.0080714, abs=1e-7)  # the article prints -0.0819
    assert delta3 == pytest.approx(-0.0027276, abs=1e-7)
    # weight updates with learning rate 1: w_new = w - dE/dw
    grads = dict(record.gradients)
    new = {name: v[name].data - grads[name] for name in ["w11", "w21", "w12", "w22", "w13", "w23"]}
    assert new["w23"] == pytest.approx(0.878743, abs=1e-6)  # the article prints 0.877816
    assert new["w13"] == pytest.approx(0.3 - 0.0367703 * 0.552308, abs=1e-6)
    assert new["w11"] == pytest.approx(0.2 + delta3 * 0.35, abs=1e-9)
    assert new["w12"] == pytest.approx(0.3 + delta4 * 0.35, abs=1e-9)
    # and the record agrees with the engine's own backward pass
    loss.backward()
    for name, g in record.gradients:
        assert v[name].grad == pytest.approx(g, rel=1e-15)


def test_record_follows_backward_order_and_contributions_add_up() -> None:
    _, loss = seed001_network()
    record = explain(loss)
    order = [s.node for s in record.steps]
    topo = [n for n in reversed(topological_order(loss)) if n.parents]
    assert order == topo
    constants = 0
    for step in record.steps:
        for edge in step.edges:
            if edge.parent.requires_grad:
                assert edge.contribution == pytest.approx(step.upstream * edge.local, rel=1e-15)
            else:  # a number in the expression: nothing is sent to it
                assert edge.contribution is None
                constants += 1
    assert constants > 0


def test_explain_does_not_touch_grads() -> None:
    _, loss = seed001_network()
    explain(loss)
    assert all(node.grad == 0.0 for node in topological_order(loss))


def test_text_and_markdown_tables() -> None:
    _, loss = seed001_network()
    record = explain(loss)
    text = str(record)
    header = text.splitlines()[0].split()
    assert header == ["step", "node", "op", "upstream", "parent", "local", "contribution"]
    assert "sigmoid" in text and "w23" in text
    assert text.splitlines()[-1].startswith("gradients: ")
    md = record._repr_markdown_()
    assert md.startswith("| step |") and "\\partial L/\\partial n" in md
    assert md.count("\n| ") >= len(record.steps)


def test_large_graphs_are_summarised() -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(500):
        y = y * 1.001
    record = explain(y, max_nodes=20)
    assert len(record.steps) == 20 and record.hidden == 480
    text = str(record)
    assert "480 more nodes not shown" in text
    assert len(text.splitlines()) == 1 + 20 * 2 + 2  # header, two edges per shown step, summary, gradients
    assert dict(record.gradients)["x"] == pytest.approx(1.001**500)
    assert len(explain(y, max_nodes=1000).steps) == 500


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="float"):
        explain(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_nodes"):
        explain(Value(1.0), max_nodes=0)
