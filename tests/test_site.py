"""The built documentation site, as a reader's browser shows it, with the network cut off.

Headless Chromium (Debian's ``chromium``) driven by Playwright opens every page of the site built by
``make docs`` (``GLASSGRAD_SITE``, which ``make test`` sets after building it; without it the site is
built here, into a temporary folder). Every request that would leave the machine is blocked and
recorded. On each page: no raw TeX is left in the text a reader sees, the maths is typeset, every image
loads, and nothing was asked of the network.
"""

from __future__ import annotations

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
