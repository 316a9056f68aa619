"""The documentation's Python examples run as written.

Every ```` ```python ```` block of a page under ``docs/`` runs, in order, in one namespace per page (a
page's examples build on each other). Excerpts that are not meant to run on their own (a few lines of
the engine, a call that fails on purpose) are fenced ```` ```py ```` instead.
"""

from __future__ import annotations

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
