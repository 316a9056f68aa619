"""The documentation's Python examples run as written.

Every ```` ```python ```` block of a page under ``docs/`` runs, in order, in one namespace per page (a
page's examples build on each other). Excerpts that are not meant to run on their own (a few lines of
the engine, a call that fails on purpose) are fenced ```` ```py ```` instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import NO_RENDERER, has_svg_renderer

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = {
    str(page.relative_to(DOCS)): re.findall(
        r"```python\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S
    )
    for page in sorted(DOCS.rglob("*.md"))
}
RUNNABLE = sorted(name for name, blocks in PAGES.items() if blocks)


def test_the_docs_have_examples() -> None:
    assert len(RUNNABLE) >= 8


@pytest.mark.parametrize("page", RUNNABLE)
def test_docs_examples_run(page: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    blocks = PAGES[page]
    if any("render_svg(" in block for block in blocks) and not has_svg_renderer():
        pytest.skip(NO_RENDERER)
    monkeypatch.chdir(tmp_path)  # examples may write files
    monkeypatch.setenv("MPLBACKEND", "Agg")
    shown: list[object] = []
    namespace: dict[str, object] = {"display": shown.append}  # what Jupyter provides
    for i, block in enumerate(blocks):
        exec(compile(block, f"docs/{page} block {i}", "exec"), namespace)


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
