"""The gradient explorer in a real browser: what a learner sees and does on the page, offline.

Headless Chromium driven by Playwright (the ``dev`` extra; CI installs Debian's ``chromium``). One browser
serves the whole module; each test opens its own page, and fails if the page logs an error or asks the
network for anything.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from helpers import needs_renderer

import autograd.explorer
import autograd.viz
import nn
from autograd import Value, jvp, topological_order
from autograd.engine import forward_pass
from autograd.explain import format_number, replay_backward
from autograd.explorer import FOLD_PAST
from autograd.viz import Explorer, explore

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # the dev extra brings it
    sync_playwright = None

FOUND = ("/usr/bin/chromium", *map(shutil.which, ("chromium", "chromium-browser", "google-chrome")))
CHROMIUM = next((path for path in FOUND if path and os.path.exists(path)), None)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if sync_playwright is None:
        pytest.skip("the browser tests need Playwright: pip install -e '.[dev]' (or pip install playwright)")
    if CHROMIUM is None:
        pytest.skip("the browser tests need Chromium: apt-get install chromium (Debian/Ubuntu)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Opened:
    """A page of the explorer, open in the browser, with what it asked the network for."""

    def __init__(self, browser: Browser, path: Path) -> None:
        self.page: Page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.url = path.as_uri()
        self.page.goto(self.url)

    def box(self, v: Value) -> Any:
        return self.page.locator(f'[data-value="{id(v)}"]')

    def texts(self, v: Value) -> list[str]:
        """The lines of text in a Value's box: label, "data ...", "grad ..."."""
        return list(self.box(v).evaluate("g => [...g.querySelectorAll('text')].map(t => t.textContent)"))

    def inspector(self, selector: str) -> list[str]:
        return [t.strip() for t in self.page.locator(f"#inspector {selector}").all_inner_texts()]

    def step(self) -> int:
        return int(self.page.locator("#step").input_value())


@pytest.fixture
def open_page(browser: Browser, tmp_path: Path) -> Iterator[Any]:
    pages: list[Opened] = []

    def open_(root: Value, **options: Any) -> Opened:
        path = explore(root, **options).save(tmp_path / f"page{len(pages)}.html")
        pages.append(Opened(browser, path))
        return pages[-1]

    yield open_
    for opened in pages:
        opened.page.close()
        assert opened.errors == [], "the page logged errors"
        assert opened.requests == [opened.url], "the page asked for something besides itself"


def number(text: str) -> float:
    return float(re.sub(r"[^0-9eE.+\-naif]", "", text.replace("−", "-")))


def readme_expression() -> dict[str, Value]:
    """README.md's "engine in 15 lines" expression, after backward()."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n, "o": o}


def mlp_graph() -> tuple[nn.MLP, Value]:
    model = nn.MLP(2, [3, 1], seed=0)
    out = model([0.5, -1.0])
    out.label = "out"
    out.backward()
    return model, out


# ------------------------------------------------------------------------------------ in the browser
@needs_renderer
def test_clicking_w1_shows_its_grad_and_the_chain_rule(open_page: Any) -> None:
    v = readme_expression()
    page = open_page(v["o"])
    assert page.inspector("h2") == ["Gradient explorer"]  # nothing selected yet
    page.box(v["w1"]).click()
    assert page.inspector("h2")[0].startswith("w1")
    assert number(page.inspector(".grad")[0]) == pytest.approx(v["w1"].grad, rel=1e-5)
    assert number(page.inspector(".data")[0]) == pytest.approx(-3.0)
    # One use, x1 * w1: its grad upstream, times x1 (the local derivative), is w1's grad.
    use = next(u for u in topological_order(v["o"]) if v["w1"] in u.parents)
    rows = page.page.locator("#inspector tr.use")
    assert rows.count() == 1
    upstream, local, contribution = (
        number(rows.locator(f".{cell}").inner_text()) for cell in ("upstream", "local", "contribution")
    )
    assert upstream == pytest.approx(use.grad, rel=1e-5)
    assert local == pytest.approx(v["x1"].data)
    assert contribution == pytest.approx(v["w1"].grad, rel=1e-5)
    assert number(page.inspector(".sum")[0]) == pytest.approx(v["w1"].grad, rel=1e-5)


@needs_renderer
def test_the_path_products_add_up_to_the_grad_of_a_value_used_twice(open_page: Any) -> None:
    a, b = Value(3.0, label="a"), Value(-2.0, label="b")
    c = a * b
    c.label = "c"
    d = (c + a).tanh() * a  # a reaches d three ways: through c, through c + a, and directly
    d.label = "d"
    d.backward()
    page = open_page(d)
    page.box(a).click()
    products = [number(t.split("=")[-1]) for t in page.inspector("li.path .product")]
    assert len(products) == 3
    assert sum(products) == pytest.approx(a.grad, rel=1e-5)
    assert "3 paths" in page.inspector(".path-sum")[0]
    assert number(page.inspector(".path-sum b")[0]) == pytest.approx(a.grad, rel=1e-5)
    assert len(page.inspector("tr.use")) == 3  # one chain-rule row per use: d, c + a, and c
    # The paths are drawn in the highlight colour, from the root down; b, off every path, is not.
    stroke = "el => getComputedStyle(el.querySelector('polygon')).stroke"
    assert page.box(d).evaluate(stroke) == "rgb(255, 159, 0)"
    assert page.box(b).evaluate(stroke) != "rgb(255, 159, 0)"


@needs_renderer
def test_a_relu_that_is_off_sends_0_where_the_product_is_nan(open_page: Any) -> None:
    x = Value(-1.0, label="x")
    y = x.relu() * float("inf")
    y.label = "y"
    y.backward()
    assert x.grad == 0.0
    page = open_page(y)
    page.box(x).click()
    assert page.inspector(".grad") == ["0"]
    assert [number(c) for c in page.inspector("tr.use td:is(.upstream, .local, .contribution)")] == [
        float("inf"),
        0.0,
        0.0,
    ]
    assert page.inspector("li.path .product") == ["inf × 0 = nan"]
    assert "an op's own rule sends 0" in page.page.locator("#inspector").inner_text()


@needs_renderer
def test_the_step_control_marks_nodes_in_backward_order(open_page: Any) -> None:
    v = readme_expression()
    order = topological_order(v["o"])
    expected = [str(id(node)) for node, _, _ in replay_backward(order, {})]
    page = open_page(v["o"])
    slider = page.page.locator("#step")
    assert slider.get_attribute("max") == str(len(expected))
    assert page.step() == len(expected)  # the whole pass, at first
    slider.focus()
    page.page.keyboard.press("Home")
    assert page.step() == 0
    assert page.page.locator("[data-value].processing").count() == 0
    # Before the first step only the root's gradient is known; w1's is not yet computed.
    assert page.texts(v["w1"])[-1] == "grad —"
    assert page.texts(v["o"])[-1] == "grad 1"
    page.box(v["w1"]).click()  # (the arrow keys step wherever the focus is, but in the search box)
    assert page.inspector("tr.now") == ["at step 0: not computed yet"]
    marked = []
    for _ in expected:
        page.page.keyboard.press("ArrowRight")
        marked.append(page.page.locator("[data-value].processing").get_attribute("data-value"))
    assert marked == expected
    assert page.texts(v["w1"])[-1] == f"grad {v['w1'].grad:.4g}"
    assert page.inspector("tr.now") == []  # the whole pass: the gradient above is the one


@needs_renderer
def test_arrow_keys_step_and_the_caption_follows(open_page: Any) -> None:
    v = readme_expression()
    page = open_page(v["o"])
    last = page.step()
    page.page.locator("#graph").click(position={"x": 20, "y": 20})  # focus the page, select nothing
    page.page.keyboard.press("ArrowLeft")
    assert page.step() == last - 1
    page.page.keyboard.press("Home")
    page.page.keyboard.press("ArrowRight")
    assert page.step() == 1
    assert page.page.locator("#step-info").inner_text().startswith(f"Step 1 of {last}: o (tanh)")
    page.page.keyboard.press("End")
    assert page.step() == last


@needs_renderer
def test_clicking_works_after_zoom_and_pan(open_page: Any) -> None:
    v = readme_expression()
    page = open_page(v["o"])
    before = page.box(v["n"]).bounding_box()
    page.page.locator("#zoom-in").click()
    page.page.mouse.move(500, 600)
    page.page.mouse.wheel(0, -200)  # zoom in more, around the pointer
    zoomed = page.box(v["n"]).bounding_box()
    assert zoomed["width"] > 1.3 * before["width"]
    # Drag the drawing: it moves with the pointer, and the drag selects nothing.
    page.page.mouse.move(400, 500)
    page.page.mouse.down()
    page.page.mouse.move(300, 450, steps=5)
    page.page.mouse.up()
    panned = page.box(v["n"]).bounding_box()
    assert panned["x"] == pytest.approx(zoomed["x"] - 100, abs=2)
    assert panned["y"] == pytest.approx(zoomed["y"] - 50, abs=2)
    assert page.inspector("h2") == ["Gradient explorer"]
    page.box(v["n"]).click()
    assert page.inspector("h2")[0].startswith("n")
    assert number(page.inspector(".grad")[0]) == pytest.approx(v["n"].grad, rel=1e-5)


@needs_renderer
def test_folding_a_neuron_hides_its_nodes(open_page: Any) -> None:
    model, out = mlp_graph()
    neuron = model.layers[0].neurons[1]
    inside = [*neuron.parameters()]
    inside += [u for u in topological_order(out) if u.scope is not None and u.scope.name == "Neuron 1"]
    others = model.layers[0].neurons[0].parameters()
    page = open_page(out)
    assert all(page.box(u).is_visible() for u in inside + others)
    page.page.locator(".scope-title", has_text="Neuron 1").click()
    assert not any(page.box(u).is_visible() for u in inside)
    assert all(page.box(u).is_visible() for u in others)
    folded = page.page.locator(".fold", has_text="Neuron 1")
    assert f"{len(inside)} Values" in (folded.text_content() or "")
    folded.click()
    assert all(page.box(u).is_visible() for u in inside)


@needs_renderer
def test_search_finds_a_label(open_page: Any) -> None:
    v = readme_expression()
    page = open_page(v["o"])
    page.page.keyboard.press("/")  # the key goes to the search box
    page.page.keyboard.type("x2")
    assert page.page.locator("#search").input_value() == "x2"
    page.page.keyboard.press("Enter")
    assert page.inspector("h2")[0].startswith("x2")
    assert number(page.inspector(".grad")[0]) == pytest.approx(v["x2"].grad, rel=1e-5)
    assert "selected" in (page.box(v["x2"]).get_attribute("class") or "")
    page.page.locator("#search").fill("no such thing")
    assert page.page.locator("#search-info").inner_text() == "no such label"


@needs_renderer
def test_the_page_asks_the_network_for_nothing(open_page: Any) -> None:
    _, out = mlp_graph()
    page = open_page(out)
    page.page.locator(".scope-title", has_text="Layer 0").focus()  # (by keyboard: it may be out of view)
    page.page.keyboard.press("Enter")
    page.page.locator("#play").click()
    page.page.wait_for_timeout(300)
    page.page.keyboard.press("/")
    page.page.keyboard.type("b\n")
    assert page.requests == [page.url]  # (and the fixture checks it again once the test is done)


@needs_renderer
def test_a_big_graph_starts_with_its_neurons_folded(open_page: Any) -> None:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    out = model([0.5, -1.0])
    out.backward()
    assert len(topological_order(out)) > FOLD_PAST
    page = open_page(out)
    assert page.page.locator(".fold:visible").count() == 33  # one box per neuron
    assert not page.box(model.layers[1].neurons[3].w[0]).is_visible()


@needs_renderer
@pytest.mark.parametrize("kind", ["batched", "create_graph", "collapse"])
def test_it_works_on_the_graphs_draw_dot_draws(open_page: Any, kind: str) -> None:
    w = Value(0.3, label="w")
    if kind == "batched":  # one Value holds a batch of three samples; w's grad sums over them
        x = Value(np.array([0.5, -1.0, 2.0]), label="x")
        root = (((w * x).tanh() * w) ** 2).batch_mean()
        root.backward()
        grad = w.grad
    elif kind == "create_graph":  # leaf grads are Values
        root = (w * w * w).tanh()
        with pytest.warns(UserWarning, match="reference cycles"):
            root.backward(create_graph=True)
        grad = w.grad.data  # type: ignore[attr-defined]
        assert isinstance(w.grad, Value)
    else:
        model, root = mlp_graph()
        w = model.layers[1].neurons[0].w[1]
        grad = w.grad
    root.label = "root"
    page = open_page(root, collapse="Layer 0" if kind == "collapse" else None)
    page.page.locator("#search").fill(w.label)
    page.page.locator("#search").press("Enter")
    assert number(page.inspector(".grad")[0]) == pytest.approx(grad, rel=1e-5)
    if kind == "batched":
        assert page.texts(x)[:2] == ["x", "data mean 0.5 of 3"]
    if kind == "collapse":  # Layer 0 is one box: none of its Values is drawn
        drawn = page.page.locator("[data-value]").count()
        assert drawn == len([u for u in topological_order(root) if page.box(u).count()])
        assert not page.box(model.layers[0].neurons[0].w[0]).count()


@needs_renderer
def test_jupyter_shows_an_iframe_that_holds_the_document(browser: Browser) -> None:
    page = explore(readme_expression()["o"])
    shown = page._repr_html_()

    found: list[dict[str, str | None]] = []

    class Frames(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "iframe":
                found.append(dict(attrs))

    Frames().feed(shown)
    assert len(found) == 1 and shown.strip().endswith("</iframe>")
    assert found[0]["srcdoc"] == page.html
    # As a notebook shows it: the page runs inside the frame and makes it as tall as the graph needs.
    tab = browser.new_page(viewport={"width": 1000, "height": 900})
    try:
        tab.set_content(f"<!doctype html><html><body>{shown}</body></html>")
        frame = tab.frames[1]
        frame.locator('[data-label="w1"]').click()
        assert frame.locator("#inspector h2").inner_text().startswith("w1")
        height = tab.locator("iframe").evaluate("f => f.getBoundingClientRect().height")
        assert 380 <= height <= 900 and height != 560
    finally:
        tab.close()


# ------------------------------------------------------------------------------------ forward mode
def tangents_of(root: Value, seeds: dict[Value, float]) -> dict[Value, Any]:
    """Every Value's tangent along ``seeds``, by the engine's forward pass (None: it carries none)."""
    return dict(forward_pass(topological_order(root), seeds))


@needs_renderer
def test_a_clicked_value_shows_its_tangent_as_jvp_computes_it(open_page: Any) -> None:
    v = readme_expression()
    grads = {name: value.grad for name, value in v.items()}
    seeds = {v["x1"]: 1.0, v["w1"]: 0.5}
    # o = tanh(x1 w1 + x2 w2 + b), as a function of x1 and w1: its derivative along (1, 0.5), and n's
    rest = v["x2"].data * v["w2"].data + v["b"].data
    _, o_along = jvp(lambda x1, w1: (x1 * w1 + rest).tanh(), (2.0, -3.0), (1.0, 0.5))
    _, n_along = jvp(lambda x1, w1: x1 * w1 + rest, (2.0, -3.0), (1.0, 0.5))
    assert tangents_of(v["o"], seeds)[v["o"]] == pytest.approx(o_along)
    page = open_page(v["o"], tangents=seeds)
    assert {name: value.grad for name, value in v.items()} == grads  # no .grad touched
    page.box(v["o"]).click()
    assert number(page.inspector(".facts .tangent")[0]) == pytest.approx(o_along, rel=1e-5)
    assert number(page.inspector(".facts .data")[0]) == pytest.approx(v["o"].data, rel=1e-5)
    assert number(page.inspector(".facts .grad")[0]) == 1.0
    page.box(v["n"]).click()
    assert number(page.inspector(".facts .tangent")[0]) == pytest.approx(n_along, rel=1e-5)
    # n = v3 + b: v3 (x1 w1) carries its tangent forward times the local derivative 1; b carries none.
    rows = page.page.locator("#inspector table.forward tr.term")
    assert rows.count() == 2
    v3 = v["n"].parents[0]
    local, carried, term = (
        number(rows.nth(0).locator(f".{c}").inner_text()) for c in ("local", "tangent", "term")
    )
    assert (local, carried) == (1.0, pytest.approx(tangents_of(v["o"], seeds)[v3], rel=1e-5))
    assert term == pytest.approx(n_along, rel=1e-5)
    assert [rows.nth(1).locator(f".{c}").inner_text() for c in ("tangent", "term")] == ["none", "—"]
    assert number(page.inspector(".forward .sum")[0]) == pytest.approx(n_along, rel=1e-5)
    page.box(v["x2"]).click()  # a leaf not seeded
    assert page.inspector(".facts .tangent") == ["0"]
    assert "not seeded" in page.page.locator("#inspector").inner_text()


@needs_renderer
def test_forward_and_backward_give_the_same_directional_derivative(open_page: Any) -> None:
    v = readme_expression()
    seeds = {v["x1"]: -2.0, v["b"]: 3.0, v["w2"]: 0.25}
    _, along = jvp(
        lambda x1, w2, b: (x1 * v["w1"].data + v["x2"].data * w2 + b).tanh(),
        (2.0, 1.0, 6.8813735870195432),
        (-2.0, 0.25, 3.0),
    )
    page = open_page(v["o"], tangents=seeds)
    assert page.inspector("h2") == ["Gradient explorer"]  # nothing selected: the help shows it
    assert number(page.inspector(".agree .root-tangent")[0]) == pytest.approx(along, rel=1e-5)
    assert number(page.inspector(".agree .sum")[0]) == pytest.approx(along, rel=1e-5)
    products = [number(t) for t in page.inspector(".agree tr.seed .product")]
    assert products == pytest.approx([x.grad * t for x, t in seeds.items()], rel=1e-5)
    page.box(v["o"]).click()  # and the root's panel
    assert number(page.inspector(".agree .sum")[0]) == pytest.approx(along, rel=1e-5)


@needs_renderer
def test_the_step_control_runs_the_forward_pass_parents_first_then_the_backward_pass(open_page: Any) -> None:
    v = readme_expression()
    order = topological_order(v["o"])
    seeds = {v["x1"]: 1.0}
    tangents = tangents_of(v["o"], seeds)
    computed = [node for node in order if node.parents]
    backward = [str(id(node)) for node, _, _ in replay_backward(order, {})]
    page = open_page(v["o"], tangents=seeds)
    label = page.page.locator('label[for="step"]')
    assert page.page.locator("#step").get_attribute("max") == str(len(computed) + 1 + len(backward))
    assert page.step() == len(computed)  # at first: the forward pass's end, every tangent computed
    assert label.inner_text() == "forward step"
    for node in order:
        assert page.texts(node)[-1] == f"tangent {format_number(tangents[node] or 0.0, 4)}"
    page.page.locator("#graph").click(position={"x": 20, "y": 20})  # focus the page, select nothing
    page.page.keyboard.press("Home")
    assert page.step() == 0  # the leaves' tangents are known; the others are not computed yet
    assert [page.texts(u)[-1] for u in (v["x1"], v["w1"], v["n"])] == ["tangent 1", "tangent 0", "tangent —"]
    assert page.page.locator("[data-value].processing").count() == 0
    done: set[Value] = {node for node in order if not node.parents}
    marked = []
    for _ in computed:
        page.page.keyboard.press("ArrowRight")
        node = next(
            u
            for u in order
            if str(id(u)) == page.page.locator(".processing[data-value]").get_attribute("data-value")
        )
        assert set(node.parents) <= done, "a Value's tangent was computed before its inputs'"
        assert not page.texts(node)[-1].endswith("—")
        done.add(node)
        marked.append(node)
    assert marked == computed
    assert page.page.locator("#step-info").inner_text().endswith("→ runs the backward pass.")
    page.page.keyboard.press("ArrowRight")  # the backward pass's step 0: only the root's gradient is known
    assert label.inner_text() == "backward step"
    assert page.texts(v["o"])[-1] == "grad 1" and page.texts(v["n"])[-1] == "grad —"
    assert page.page.locator("#step-info").inner_text().startswith(f"Backward step 0 of {len(backward)}")
    marked_back = []
    for _ in backward:
        page.page.keyboard.press("ArrowRight")
        marked_back.append(page.page.locator("[data-value].processing").get_attribute("data-value"))
    assert marked_back == backward
    assert page.texts(v["x1"])[-1] == f"grad {v['x1'].grad:.4g}"
    page.page.keyboard.press("p")  # play it all once more: nothing breaks, nothing is asked for
    page.page.wait_for_timeout(300)


@needs_renderer
@pytest.mark.parametrize("kind", ["batched", "collapse"])
def test_forward_mode_works_on_the_graphs_draw_dot_draws(open_page: Any, kind: str) -> None:
    w = Value(0.3, label="w")
    if kind == "batched":  # x holds three samples; its tangent is the same for each
        x = Value(np.array([0.5, -1.0, 2.0]), label="x")
        root = (((w * x).tanh() * w) ** 2).batch_mean()
        seeds = {w: 1.0, x: -0.5}
        _, along = jvp(
            lambda w, x: (((w * x).tanh() * w) ** 2).batch_mean(), (0.3, x.data), (1.0, -0.5 + 0 * x.data)
        )
    else:
        model, root = mlp_graph()
        w = model.layers[1].neurons[0].w[1]
        seeds = {w: 1.0, model.layers[0].neurons[2].b: 2.0}
        along = tangents_of(root, seeds)[root]
    root.label = "root"
    root.backward()
    page = open_page(root, collapse="Layer 0" if kind == "collapse" else None, tangents=seeds)
    assert number(page.inspector(".agree .root-tangent")[0]) == pytest.approx(along, rel=1e-5)
    assert number(page.inspector(".agree .sum")[0]) == pytest.approx(along, rel=1e-5)
    page.page.locator("#search").fill("root")
    page.page.locator("#search").press("Enter")
    assert number(page.inspector(".facts .tangent")[0]) == pytest.approx(along, rel=1e-5)
    if kind == "batched":
        assert page.texts(x)[1:] == ["data mean 0.5 of 3", "tangent -0.5"]


# ------------------------------------------------------------------------------------ no browser
def test_a_graph_past_max_nodes_is_refused_with_what_to_do() -> None:
    x = Value(1.0)
    for _ in range(30):
        x = x * 1.0
    with pytest.raises(ValueError, match=r"61 nodes, more than max_nodes=20.*collapse=.*max_nodes=61"):
        explore(x, max_nodes=20)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((1.0,), TypeError, "explore takes a Value, got float"),
        ((Value(1.0), "x"), TypeError, "positional"),
    ],
)
def test_bad_arguments_are_refused_at_the_boundary(args: tuple[Any, ...], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        explore(*args)


def test_bad_options_are_refused_at_the_boundary() -> None:
    with pytest.raises(TypeError, match="max_nodes must be an int, got float"):
        explore(Value(1.0), max_nodes=10.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_nodes must be at least 1, got 0"):
        explore(Value(1.0), max_nodes=0)
    with pytest.raises(TypeError, match="collapse must be True, a scope name"):
        explore(Value(1.0), collapse=5)  # type: ignore[arg-type]


def test_without_a_renderer_it_says_how_to_install_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(autograd.viz, "has_svg_renderer", lambda: False)
    with pytest.raises(ImportError, match=r"apt-get install graphviz.*glassgrad\[render\]"):
        explore(Value(1.0))


@needs_renderer
def test_the_page_is_one_file_that_names_each_value(tmp_path: Path) -> None:
    v = readme_expression()
    page = explore(v["o"])
    assert isinstance(page, Explorer)
    assert "<script src" not in page.html and "<link" not in page.html and "@import" not in page.html
    assert re.findall(r"https?://(?!www\.w3\.org/)", page.html) == []  # only XML namespace names
    for name in ("x1", "x2", "w1", "w2", "b", "n", "o"):
        assert f'data-value="{id(v[name])}" data-label="{name}"' in page.html
    labels = re.findall(r'data-label="([^"]*)"', page.html)
    assert len(labels) == len(topological_order(v["o"]))
    saved = page.save(tmp_path / "o.html")
    assert saved.read_text(encoding="utf-8") == page.html


def test_bad_tangents_are_refused_before_anything_is_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    xy = x * y
    root = xy + 1.0

    def computed(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("something was computed before tangents were checked")

    monkeypatch.setattr(autograd.explorer, "replay_forward", computed)
    monkeypatch.setattr(autograd.viz, "draw_dot", computed)
    # The same check as explain's and draw_dot's (explain.check_tangents), naming explore.
    refused: list[tuple[Any, type, str]] = [
        ([(x, 1.0)], TypeError, r"explore: tangents must be a dict of seed tangents, .*got list"),
        (1.0, TypeError, "tangents must be a dict"),
        ({}, ValueError, "tangents is empty"),
        ({"x": 1.0}, TypeError, "the keys of tangents must be Values, got str"),
        ({Value(2.0, label="elsewhere"): 1.0}, ValueError, "elsewhere.*not in the graph"),
        ({x: "1"}, TypeError, "the tangent of x must be a real number, got str"),
        ({x: Value(1.0)}, TypeError, "must be a real number, got Value"),
        ({x: None}, TypeError, "must be a real number, got NoneType"),
        ({x: np.array([1.0, 2.0])}, TypeError, "must be a real number, got ndarray"),
        ({x: 1.0, xy: 1.0}, ValueError, "seeds both .* and x, which it is computed from"),
    ]
    for tangents, error, match in refused:
        with pytest.raises(error, match=match):
            explore(root, tangents=tangents)


@needs_renderer
def test_a_page_without_tangents_carries_no_forward_pass() -> None:
    v = readme_expression()
    plain, forward = explore(v["o"]).html, explore(v["o"], tangents={v["x1"]: 1.0}).html
    assert '"forward":' not in plain and '"forward":' in forward
    steps = len(list(replay_backward(topological_order(v["o"]), {})))
    assert f'max="{steps}" value="{steps}"' in plain
