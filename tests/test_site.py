"""The built documentation site, as a reader's browser shows it, with the network cut off.

Headless Chromium (Debian's ``chromium``) driven by Playwright opens every page of the site built by
``make docs`` (``GLASSGRAD_SITE``, which ``make test`` sets after building it; without it the site is
built here, into a temporary folder). Every request that would leave the machine is blocked and
recorded. On each page: no raw TeX is left in the text a reader sees, the maths is typeset, every image
loads, and nothing was asked of the network. The explorers on the pages (an <iframe> of a committed
asset, or a notebook's output) load and answer a reader's clicks and steps with the engine's numbers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
playwright = pytest.importorskip("playwright.sync_api", reason="needs playwright (the dev extra)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="browser tests need Chromium: apt-get install chromium (Debian's package)"
)

# TeX a reader should never see: a command, or a snippet between dollars.
RAW_TEX = re.compile(r"\\(frac|dfrac|tfrac|partial|delta|sigma|hat|cdot|sum|mathrm|text)\b|\$[^$\s][^$]*\$")


# The text a reader sees outside code (code may well show TeX, in a string or a comment).
PROSE = """() => {
  const root = document.querySelector("article") || document.body;
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const seen = [];
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const code = "pre, code, .highlight, .jp-CodeCell .jp-InputArea, script, style, math";
    if (!node.parentElement.closest(code)) {
      seen.push(node.textContent);
    }
  }
  return seen.join(" ");
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site: ``make test``'s (GLASSGRAD_SITE), or one built here."""
    built = os.environ.get("GLASSGRAD_SITE")
    if built:
        return Path(built).resolve()
    folder = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(folder)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield chromium
        chromium.close()


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("index.html"))


def open_offline(browser: Any, page_file: Path, width: int = 1280) -> tuple[Any, list[str]]:
    """The page loaded with every request off this machine blocked; and those requests."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    left: list[str] = []

    def route(route: Any) -> None:
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(page_file.as_uri(), wait_until="load")
    return page, left


def test_the_site_has_its_pages(site: Path) -> None:
    names = {p.parent.name for p in pages(site)}
    assert {"03_backprop_by_hand_vs_engine", "numerics", "getting-started"} <= names


def test_every_page_as_a_reader_sees_it_offline(site: Path, browser: Any) -> None:
    """At desktop width: no raw TeX in the prose, every image loaded, nothing asked of the network, and
    the layout (see LAYOUT); at phone width, the layout again."""
    typeset, problems = {}, {}
    for page_file in pages(site):
        name = str(page_file.relative_to(site))
        page, left = open_offline(browser, page_file)
        text = page.evaluate(PROSE)
        raw = RAW_TEX.search(text)
        around = text[max(0, raw.start() - 40) : raw.end() + 40] if raw else ""
        assert raw is None, f"{name}: raw TeX a reader sees: ...{around}..."
        broken = page.eval_on_selector_all(
            "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        assert broken == [], f"{name}: images that did not load: {broken}"
        assert left == [], f"{name}: requests that left the machine: {left}"
        typeset[name] = page.eval_on_selector_all("article math", "ms => ms.length")
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            found = page.evaluate(LAYOUT, width >= 1280)
            if found:
                problems[f"{name} at {width} px"] = found
        page.context.close()
    # the notebooks full of maths show it typeset
    assert typeset["notebooks/03_backprop_by_hand_vs_engine/index.html"] > 50
    assert typeset["notebooks/01_derivatives_by_nudging/index.html"] > 5
    assert typeset["notebooks/09_forward_and_reverse/index.html"] > 50
    assert typeset["concepts/forward-mode/index.html"] > 20
    assert problems == {}


def test_typeset_maths_is_drawn_as_maths(site: Path, browser: Any) -> None:
    # A fraction is drawn as one: its numerator sits above its denominator.
    page, _ = open_offline(browser, site / "notebooks" / "03_backprop_by_hand_vs_engine" / "index.html")
    above = page.eval_on_selector(
        "article mfrac",
        "f => f.children[0].getBoundingClientRect().bottom <= f.children[1].getBoundingClientRect().top + 1",
    )
    assert above is True
    page.context.close()


# What a reader cannot see: the page scrolls sideways, or a block cuts its content off (hidden overflow)
# instead of scrolling it; and, at desktop width, a notebook's printed table that does not fit.
LAYOUT = """(wide) => {
  const problems = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    problems.push("the page scrolls sideways: " + document.documentElement.scrollWidth + " px");
  }
  const article = document.querySelector("article") || document.body;
  for (const e of article.querySelectorAll("*")) {
    const s = getComputedStyle(e);
    if ((s.overflowX === "hidden" || s.overflowX === "clip") && e.scrollWidth > e.clientWidth + 2
        && e.clientWidth > 0) {
      problems.push("cut off: " + e.tagName + "." + String(e.className).slice(0, 40)
        + " (" + e.scrollWidth + " px in " + e.clientWidth + ")");
    }
  }
  if (wide) {
    for (const t of article.querySelectorAll(".jp-OutputArea .md-typeset__scrollwrap")) {
      if (t.scrollWidth > t.clientWidth + 1) problems.push("a printed table scrolls: " + t.scrollWidth);
    }
  }
  return [...new Set(problems)];
}"""


def test_every_notebook_page_links_its_notebook_for_download(site: Path, browser: Any) -> None:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for source in notebooks:
        page_file = site / "notebooks" / source.stem / "index.html"
        page, _ = open_offline(browser, page_file)
        link = page.locator("a[download]", has_text="Download")
        assert link.count() == 1, f"{source.name}: no download link"
        target = page.evaluate("a => a.href", link.element_handle())
        downloaded = Path(target.removeprefix("file://"))
        assert downloaded.name == source.name and downloaded.read_bytes() == source.read_bytes()
        page.context.close()


def test_every_notebook_page_shows_its_plots(site: Path, browser: Any) -> None:
    """A notebook's page shows at least one loaded picture per code cell that calls plt.show()."""
    for source in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
        plots = sum("plt.show()" in "".join(c["source"]) for c in cells if c["cell_type"] == "code")
        page, _ = open_offline(browser, site / "notebooks" / source.stem / "index.html")
        shown = page.eval_on_selector_all(
            "article .jp-OutputArea img", "imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).length"
        )
        assert shown >= plots, f"{source.name}: {plots} cells draw a plot, the page shows {shown} pictures"
        page.context.close()


# ------------------------------------------------------------------------------------ the explorers
# Pages that embed an explorer (a committed asset of docs/assets/, in an <iframe>), with how many Values it
# draws; a notebook's explorer is its output, an <iframe srcdoc>.
EMBEDDED = {
    "index.html": 10,
    "concepts/graph/index.html": 10,
    "concepts/chain-rule/index.html": 4,
    "how-to/draw/index.html": 6,
}


def number(text: str) -> float:
    return float(re.sub(r"[^0-9eE.+\-naif]", "", text.replace("−", "-")))


def notebook_value(notebook: str, name: str) -> Any:
    """The Value ``name`` as a notebook's code computes it: its code cells, up to the one that defines it, run
    here (with the engine, not in the page), then its backward pass."""
    from autograd import Value

    cells = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    namespace: dict[str, Any] = {"Value": Value}
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and re.search(rf"^{name} = ", source, flags=re.M):
            exec(source, namespace)
            break
    value = namespace[name]
    value.backward()
    return value


def frame_of(page: Any, selector: str) -> Any:
    """The document inside the (first) iframe matching ``selector``, once loaded, in view."""
    element = page.locator(selector).first
    element.scroll_into_view_if_needed()
    frame = element.element_handle().content_frame()
    frame.wait_for_load_state()
    return frame


def test_a_notebook_page_explorer_answers_clicks_and_steps_offline(site: Path, browser: Any) -> None:
    """Notebook 02's first explorer, explore(L), on the built page: clicking a shows the gradient and the
    chain-rule row the engine computes; the step control replays backward's order; all offline."""
    from autograd import topological_order
    from autograd.explain import replay_backward

    L = notebook_value("02_the_graph.ipynb", "L")
    values = {v.label: v for v in topological_order(L)}
    page, left = open_offline(browser, site / "notebooks" / "02_the_graph" / "index.html")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    assert page.locator("article .jp-OutputArea-output iframe[srcdoc]").count() >= 2
    frame = frame_of(page, "article .jp-OutputArea-output iframe[srcdoc]")
    assert sorted(frame.eval_on_selector_all("[data-label]", "gs => gs.map(g => g.dataset.label)")) == sorted(
        values
    )
    frame.locator('[data-label="a"]').click()
    inspector = frame.locator("#inspector")
    assert inspector.locator("h2").inner_text().startswith("a")
    assert number(inspector.locator(".grad").first.inner_text()) == pytest.approx(values["a"].grad)  # 6
    rows = inspector.locator("tr.use")
    assert rows.count() == 1  # a is used once, by e = a * b
    cells = [number(rows.locator(f".{c}").inner_text()) for c in ("upstream", "local", "contribution")]
    assert cells == pytest.approx([values["e"].grad, values["b"].data, values["a"].grad])  # -2 x -3 = 6
    # The step control: at 0 only L's gradient is known; each step outlines the node backward() processes.
    order = [node.label for node, _, _ in replay_backward(topological_order(L), {})]
    step = frame.locator("#step")
    assert step.get_attribute("max") == str(len(order)) == "3"
    step.focus()
    frame.press("#step", "Home")
    assert step.input_value() == "0"
    assert frame.locator('[data-label="a"] text').last.text_content() == "grad —"
    processed = []
    for _ in order:
        frame.press("#step", "ArrowRight")
        processed.append(frame.locator("[data-value].processing").get_attribute("data-label"))
    assert processed == order == ["L", "d", "e"]
    assert frame.locator('[data-label="a"] text').last.text_content() == "grad 6"
    assert left == [], f"requests that left the machine: {left}"
    assert errors == []
    page.context.close()


@pytest.mark.parametrize("name", sorted(EMBEDDED))
def test_a_page_with_an_explorer_shows_it_and_its_pictures(site: Path, browser: Any, name: str) -> None:
    """The embedded explorer loads (its Values drawn, its inspector there) and every picture has loaded."""
    page, left = open_offline(browser, site / name)
    frames = page.locator("article iframe.explorer")
    assert frames.count() == 1 and frames.first.get_attribute("title")
    frame = frame_of(page, "article iframe.explorer")
    assert frame.locator("[data-value]").count() == EMBEDDED[name]
    assert frame.locator("#inspector h2").inner_text() == "Gradient explorer"  # its script ran
    pictures = page.eval_on_selector_all(
        "article img", "imgs => imgs.map(i => [i.getAttribute('src'), i.complete && i.naturalWidth])"
    )
    assert pictures, f"{name}: no picture"
    assert all(width for _, width in pictures), f"{name}: pictures that did not load: {pictures}"
    assert not any(src.startswith(("/", "http")) for src, _ in pictures), (
        pictures
    )  # relative: offline anywhere
    if name == "concepts/chain-rule/index.html":  # a is used twice: a row per use, adding up to its grad
        frame.locator('[data-label="a"]').click()
        rows = frame.locator("#inspector tr.use .contribution").all_inner_texts()
        assert sorted(number(r) for r in rows) == [-3.0, 1.0]
        assert number(frame.locator("#inspector .sum").inner_text()) == -2.0
    assert left == []
    page.context.close()
