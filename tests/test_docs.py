"""The documentation's Python examples run as written, and print what the pages say they print.

Every ```` ```python ```` block of a page under ``docs/`` runs, in order, in one namespace per page (a
page's examples build on each other). Excerpts that are not meant to run on their own (a few lines of
the engine, a call that fails on purpose) are fenced ```` ```py ```` instead. A ```` ```text ```` block
right after a ```` ```python ```` block (nothing but blank lines between) is what that block prints:
the test compares it with the block's output, line for line.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from helpers import NO_RENDERER, has_svg_renderer

DOCS = Path(__file__).resolve().parents[1] / "docs"
# A python block, and the text block right after it if there is one (what it prints).
EXAMPLE = re.compile(r"```python\n(.*?)```(?:[ \t]*\n(?:[ \t]*\n)*```text\n(.*?)```)?", flags=re.S)
PAGES = {
    str(page.relative_to(DOCS)): [
        (code, shown if shown else None) for code, shown in EXAMPLE.findall(page.read_text(encoding="utf-8"))
    ]
    for page in sorted(DOCS.rglob("*.md"))
}
RUNNABLE = sorted(name for name, blocks in PAGES.items() if blocks)
OPTIONAL = [("torch", "torch"), ("onnx", "onnx"), ("onnxruntime", "onnx")]  # (module, extra) pages may import


def test_the_docs_have_examples() -> None:
    assert len(RUNNABLE) >= 8


@pytest.mark.parametrize("page", RUNNABLE)
def test_docs_examples_run(page: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    blocks = PAGES[page]
    if any("render_svg(" in block for block, _ in blocks) and not has_svg_renderer():
        pytest.skip(NO_RENDERER)
    # Pages about the optional extras (PyTorch, ONNX) import them; without them the page cannot run.
    for module, extra in OPTIONAL:
        if (
            any(f"import {module}" in block for block, _ in blocks)
            and importlib.util.find_spec(module) is None
        ):
            pytest.skip(f"docs/{page} needs {module}: pip install 'glassgrad[{extra}]'")
    monkeypatch.chdir(tmp_path)  # examples may write files
    monkeypatch.setenv("MPLBACKEND", "Agg")
    displayed: list[object] = []
    namespace: dict[str, object] = {"display": displayed.append}  # what Jupyter provides
    for i, (block, shown) in enumerate(blocks):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block, f"docs/{page} block {i}", "exec"), namespace)
        if shown is not None:
            assert printed.getvalue().rstrip("\n").splitlines() == shown.rstrip("\n").splitlines(), (
                f"docs/{page} block {i} prints\n{printed.getvalue()}\nbut the page shows\n{shown}"
            )


def test_the_own_op_page_shows_what_its_code_prints() -> None:
    """The "Write your own op" page shows real output: most of its examples are followed by what they
    print, the check=True error among them, and those are compared by the test above."""
    blocks = PAGES["how-to/own-op.md"]
    shown = [text for _, text in blocks if text is not None]
    assert len(shown) >= 8, f"only {len(shown)} of its {len(blocks)} examples show their output"
    assert any("<- mismatch" in text for text in shown), "the check=True error is not shown"
    assert any("cannot run on Values" in text for text in shown), "the math.exp rule's TypeError is not shown"


# The seeds: the three texts the project grew from. Every page that speaks of them says what they are.
SEEDS = re.compile(r"\b(?:the seeds|seeds? 00\d)\b", flags=re.I)
ROOT = DOCS.parent


def test_the_credits_describe_each_seed() -> None:
    page = (DOCS / "credits.md").read_text(encoding="utf-8")
    section = page.split("## The seeds", 1)[1].split("\n## ", 1)[0]
    for number in ("000", "001", "002"):
        part = section.split(f"**Seed {number}**", 1)[1].split("**Seed", 1)[0]
        assert "*What it shows:*" in part and "*What it gets wrong:*" in part, f"seed {number}"


@pytest.mark.parametrize(
    "page",
    [ROOT / "README.md", *(p for p in sorted(DOCS.rglob("*.md")) if p.name != "credits.md")],
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_a_page_that_mentions_the_seeds_links_to_what_they_are(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    if SEEDS.search(text):
        assert "credits.md#the-seeds" in text or "(#credits)" in text, page.name


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_a_notebook_introduces_the_seeds_where_it_first_explains_one(notebook: Path) -> None:
    """The first Markdown cell after the title that names a seed says it is a text the project grew from."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"][1:]
    texts = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]
    first = next((text for text in texts if SEEDS.search(text)), None)
    if first is not None:
        assert "grew from" in first, f"{notebook.name}: the seeds are not introduced in\n{first}"


# The pictures and explorers the pages show are committed (docs/assets/), made by docs/make_assets.py from
# each page's own example. They must be what the script makes now: from the pages' code as it is, and from
# this checkout's drawing and explorer code. SVG bytes depend on the Graphviz version, so a picture is
# compared by the text in its boxes; an explorer by its data (every Value's label, op, data and gradient,
# and every step of the backward pass), its labels, and the script and styles it carries.
ASSETS = DOCS / "assets"


def _make_assets() -> Any:
    spec = importlib.util.spec_from_file_location("make_assets", DOCS / "make_assets.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _explorer_parts(page: str) -> dict[str, Any]:
    """What an explorer page shows and does, without its SVG's coordinates."""

    def between(start: str, end: str) -> str:
        match = re.search(re.escape(start) + "(.*?)" + re.escape(end), page, flags=re.S)
        assert match is not None, f"no {start!r} in the page"
        return match[1]

    return {
        "data": json.loads(between('<script type="application/json" id="explorer-data">', "</script>")),
        "labels": sorted(re.findall(r'data-label="([^"]*)"', page)),
        "script": between("<script>", "</script>"),
        "style": between("<style>", "</style>"),
    }


def _picture_texts(svg: str) -> list[str]:
    """Every text in a picture (labels, data, gradients, op names), sorted."""
    tree = ET.fromstring(svg)
    return sorted(t.text or "" for t in tree.iter("{http://www.w3.org/2000/svg}text"))


@pytest.mark.skipif(not has_svg_renderer(), reason=NO_RENDERER)
def test_committed_assets_are_what_make_assets_makes_now(tmp_path: Path) -> None:
    make_assets = _make_assets()
    made = make_assets.write_assets(tmp_path)
    assert set(made) == {p.name for p in ASSETS.iterdir()}, (
        "docs/assets/ holds other files than the script makes"
    )
    redo = "; run .venv/bin/python docs/make_assets.py and commit docs/assets/"
    for name in made:
        committed = (ASSETS / name).read_text(encoding="utf-8")
        fresh = (tmp_path / name).read_text(encoding="utf-8")
        if name.endswith(".html"):
            old, new = _explorer_parts(committed), _explorer_parts(fresh)
            for part in new:
                assert old[part] == new[part], f"docs/assets/{name}: its {part} is out of date{redo}"
        else:
            assert _picture_texts(committed) == _picture_texts(fresh), (
                f"docs/assets/{name} is out of date{redo}"
            )


@pytest.mark.skipif(not has_svg_renderer(), reason=NO_RENDERER)
def test_the_chain_rule_explorer_is_its_pages_example() -> None:
    """The chain-rule page's explorer shows its example, d = a * b + a: a, used twice, has gradient -2."""
    values = {
        v["name"]: v
        for v in _explorer_parts((ASSETS / "explore-chain-rule.html").read_text())["data"]["values"]
    }
    assert {name: (v["op"], v["data"], v["grad"]) for name, v in values.items()} == {
        "a": ("", "2", "-2"),
        "b": ("", "-3", "2"),
        "c": ("*", "-6", "1"),
        "d": ("+", "-4", "1"),
    }


def test_embedded_assets_are_named_relative_to_the_built_page() -> None:
    """Raw HTML (an <iframe>) is not rewritten by MkDocs: its path must be relative to the page as built
    (concepts/graph.md becomes concepts/graph/index.html), so that the site works offline and anywhere."""
    for page in sorted(DOCS.rglob("*.md")):
        for src in re.findall(r'<(?:iframe|img)[^>]*\bsrc="([^"]+)"', page.read_text(encoding="utf-8")):
            depth = len(page.relative_to(DOCS).parts) - (1 if page.name == "index.md" else 0)
            assert src.startswith("../" * depth + "assets/"), (
                f"{page.name}: {src} is not relative to the built page"
            )
            assert (ASSETS / src.rsplit("/", 1)[1]).is_file(), f"{page.name}: {src} is not in docs/assets/"
