"""explain: the chain rule written out, reproducing seed 001's worked example with the correct numbers."""

from __future__ import annotations

import math
import re

import pytest

import nn
from autograd import ForwardExplanation, Value, explain, jvp, topological_order


def seed001_network(given: dict[str, Value] | None = None) -> tuple[dict[str, Value], Value]:
    """Seed 001: inputs 0.35 and 0.7, sigmoid units, target 0.5; E = (target - y5)**2 / 2. ``given``
    replaces some of its leaves (by name) with Values of the caller's."""
    v = {
        name: (given or {}).get(name) or Value(data, label=name)
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


# ---------------------------------------------------------------------------------- forward mode
def cells(line: str) -> list[str]:
    """A line of a printed table as its cells (columns are two or more spaces apart)."""
    return re.split(r" {2,}", line.strip())


SEEDED = {"w11": 1.0, "w23": -0.5, "x1": 2.0}  # a direction: two weights and an input move at once


def along(direction: dict[str, float], h: float) -> float:
    """The seed-001 loss with the leaves moved by ``h`` times ``direction``: for finite differences."""
    start, _ = seed001_network()
    moved = {name: Value(start[name].data + h * t, label=name) for name, t in direction.items()}
    return float(seed001_network(moved)[1].data)


def test_forward_tangent_is_jvp_and_finite_differences_and_the_backward_check() -> None:
    v, loss = seed001_network()
    record = explain(loss, tangents={v[name]: t for name, t in SEEDED.items()})
    assert isinstance(record, ForwardExplanation)
    names = list(SEEDED)

    def f(*inputs: Value) -> Value:
        return seed001_network(dict(zip(names, inputs, strict=True)))[1]

    _, expected = jvp(f, [v[n].data for n in names], list(SEEDED.values()))
    assert record.tangent == pytest.approx(expected, rel=1e-14)
    h = 1e-5
    assert record.tangent == pytest.approx((along(SEEDED, h) - along(SEEDED, -h)) / (2 * h), rel=1e-6)
    # the backward pass gives the same number: each seed's gradient times its seed, summed
    loss.backward()
    assert dict(record.gradients) == pytest.approx({n: v[n].grad for n in names}, rel=1e-15)
    assert record.check == pytest.approx(sum(v[n].grad * t for n, t in SEEDED.items()), rel=1e-15)
    assert record.agrees and record.check == pytest.approx(record.tangent, rel=1e-12)


def test_forward_steps_run_parents_first_and_each_tangent_is_its_terms_summed() -> None:
    v, loss = seed001_network()
    record = explain(loss, tangents={v["w11"]: 1.0, v["x2"]: -1.0})
    assert [s.node for s in record.steps] == [n for n in topological_order(loss) if n.parents]
    seen_dash = 0
    for step in record.steps:
        assert [t.input for t in step.terms] == list(step.node.parents)
        flowing = [t for t in step.terms if t.tangent is not None]
        for term in step.terms:
            if term.tangent is None:  # an input that depends on no seed: nothing flows from it
                assert term.term is None
                seen_dash += 1
            else:
                assert term.term == pytest.approx(term.local * term.tangent, rel=1e-15)
        if flowing:
            assert step.tangent == pytest.approx(sum(t.term for t in flowing), rel=1e-14)
        else:
            assert step.tangent is None
    assert seen_dash > 0
    assert not any(n.grad for n in topological_order(loss))  # no .grad touched


def test_forward_table_as_text_and_markdown() -> None:
    x, w, b = Value(0.5, label="x"), Value(-2.0, label="w"), Value(0.3, label="b")
    y = (w * x + b).tanh()
    y.label = "y"
    record = explain(y, tangents={x: 1.0})
    lines = str(record).splitlines()
    assert lines[0] == "seeds: x = 1"
    assert cells(lines[1]) == [
        "step",
        "node",
        "op",
        "tangent",
        "input",
        "local",
        "input tangent",
        "term",
    ]
    rows = [cells(line) for line in lines[2:7]]
    t1, t3 = -2.0, -2.0 * (1 - math.tanh(-0.7) ** 2)
    assert rows == [
        ["1", "v1", "*", "-2", "w", "0.5", "—", "—"],  # w carries no tangent: nothing flows from it
        ["x", "-2", "1", "-2"],
        ["2", "v2", "+", "-2", "v1", "1", "-2", "-2"],
        ["b", "1", "—", "—"],
        ["3", "y", "tanh", f"{t3:.6g}", "v2", f"{1 - math.tanh(-0.7) ** 2:.6g}", f"{t1:.6g}", f"{t3:.6g}"],
    ]
    y.backward()  # the check's number is the backward pass's: x.grad times the seed 1
    assert lines[7:] == [
        f"tangent: y = {t3:.6g}",
        f"backward pass: ∂y/∂x = {x.grad:.6g}",
        f"check: Σ ∂y/∂s × seed s = ({x.grad:.6g}) × 1 = {x.grad:.6g}, the same as the tangent",
    ]
    md = record._repr_markdown_()
    assert md.startswith("Seeds: `x` $= 1$\n\n| step | node $n$ | op | tangent $\\dot n$ |")
    assert md.count("\n| ") == 1 + 5  # the alignment row, one row per edge
    assert "Check: $\\sum_s \\partial$`y`" in md and md.endswith("the same as the tangent.")


def test_forward_check_can_disagree_and_says_so() -> None:
    # A hook changes what the backward pass sends: the forward pass does not see it, and the check tells.
    x = Value(0.5, label="x")
    h = x * 2.0
    h.register_hook(lambda g: g * 10)
    y = h.tanh()
    y.label = "y"
    record = explain(y, tangents={x: 1.0})
    assert record.check == pytest.approx(10 * record.tangent) and not record.agrees
    assert str(record).splitlines()[-1].endswith(f"but the tangent is {record.tangent:.6g}: they differ")


def test_forward_terms_follow_the_rules_own_way() -> None:
    # An infinite tangent into a dead relu: its rule selects, so the term is 0, not 0 * inf = nan.
    x = Value(-1.0, label="x")
    y = (x * 3.0).relu()
    record = explain(y, tangents={x: math.inf})
    (term,) = record.steps[-1].terms
    assert term.tangent == math.inf and term.local == 0.0 and term.term == 0.0
    assert record.tangent == jvp(lambda a: (a * 3.0).relu(), [-1.0], [math.inf])[1] == 0.0


def test_forward_along_an_input_of_a_model_and_a_seeded_interior_node() -> None:
    # A model's inputs need no gradient (constants); forward mode still asks how the output moves with one.
    model = nn.MLP(2, [3, 1], seed=0)
    out = model([0.5, -1.0])
    x0 = next(v for v in topological_order(out) if v.label == "x0")
    record = explain(out, tangents={x0: 1.0})
    h = 1e-6
    moved = [float(model([0.5 + s * h, -1.0]).data) for s in (1, -1)]  # type: ignore[union-attr]
    assert record.tangent == pytest.approx((moved[0] - moved[1]) / (2 * h), rel=1e-6) and record.agrees
    assert str(record).startswith("seeds: x0 (constant) = 1\n")
    # A seeded node's tangent is its seed: its step has no terms, and what it is made from does not matter.
    w = Value(0.3, label="w")
    a = w * 4.0
    a.label = "a"
    y = a.tanh()
    record = explain(y, tangents={a: 2.0})
    assert record.steps[0].tangent == 2.0 and record.steps[0].terms == ()
    assert cells(str(record).splitlines()[2]) == ["1", "a", "*", "2", "(seed)"]
    assert record.tangent == pytest.approx(2.0 * (1 - math.tanh(1.2) ** 2)) and record.agrees


def test_forward_large_graphs_are_summarised() -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(500):
        y = y * 1.001
    record = explain(y, max_nodes=20, tangents={x: 1.0})
    assert len(record.steps) == 20 and record.hidden == 480
    text = str(record).splitlines()
    assert "480 more nodes not shown" in text[-4] and len(text) == 1 + 1 + 20 * 2 + 1 + 3
    assert record.tangent == pytest.approx(1.001**500) and record.agrees


def test_forward_bad_tangents_are_refused_before_anything_runs() -> None:
    x, w = Value(2.0, label="x"), Value(3.0, label="w")
    a = x * w
    y = a.exp()
    stranger = Value(1.0, label="stranger")
    cases: list[tuple[object, type[Exception], str]] = [
        ([(x, 1.0)], TypeError, r"explain: tangents must be a dict of seed tangents.*got list"),
        ({"x": 1.0}, TypeError, r"keys of tangents must be Values, got str"),
        ({stranger: 1.0}, ValueError, r"seeds stranger, which is not in the graph"),
        ({x: "1"}, TypeError, r"the tangent of x must be a real number, got str"),
        ({x: Value(1.0)}, TypeError, r"the tangent of x must be a real number, got Value"),
        ({x: 1j}, TypeError, r"got complex"),
        ({}, ValueError, r"tangents is empty"),
        ({x: 1.0, a: 1.0}, ValueError, r"seeds both .* and x, which it is computed from"),
    ]
    for tangents, error, message in cases:
        with pytest.raises(error, match=message):
            explain(y, tangents=tangents)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        explain(y, 60, {x: 1.0})  # type: ignore[call-overload]  # tangents is a keyword
    assert isinstance(explain(y), type(explain(y))) and "upstream" in str(explain(y))  # without: backward
