"""MkDocs hook: publish the teaching notebooks (``notebooks/*.ipynb`` at the repository root) as pages.

The notebooks live outside ``docs/``. Instead of copying them in (copies go stale, and a copy would run
in a folder without ``notebooks/teaching.py`` beside it), this hook adds each one to the site as a
virtual file ``notebooks/NAME.ipynb`` whose source is the real notebook. mkdocs-jupyter then executes it
in its own folder, ``notebooks/``, as a learner would, and renders the result.

It also fills the ``Notebooks`` section of ``nav`` in ``mkdocs.yml`` with every notebook in file-name
order (``01_...``, ``02_...``), so a new notebook appears in the site without editing the config; the
section is dropped when there are no notebooks. And each notebook's page opens with a link to download
the notebook (mkdocs-jupyter copies the ``.ipynb`` beside the page, but the theme shows no link to it)
and a pointer to running them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SECTION = "Notebooks"


def notebooks() -> list[Path]:
    """The notebooks to publish, in file-name order."""
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def on_config(config: Any) -> Any:
    """Fill the ``Notebooks`` section of the nav (or drop it when there is nothing to show)."""
    nav = config["nav"]
    if nav is None:
        return config
    pages = [f"notebooks/{path.name}" for path in notebooks()]
    for i, item in enumerate(nav):
        if isinstance(item, dict) and SECTION in item:
            if pages:
                item[SECTION] = pages
            else:
                del nav[i]
            break
    return config


@event_priority(100)  # before mkdocs-jupyter's on_files, which turns .ipynb files into pages
def on_files(files: Files, config: Any) -> Files:
    """Add every notebook as ``notebooks/NAME.ipynb``, read from the repository's ``notebooks/``."""
    for path in notebooks():
        # A File rooted at the repository (src_dir) rather than File.generated: mkdocs-jupyter's wrapper
        # recomputes abs_src_path from src_dir and src_uri, which a generated file leaves unset.
        files.append(
            File(
                f"notebooks/{path.name}",
                src_dir=str(ROOT),
                dest_dir=config["site_dir"],
                use_directory_urls=config["use_directory_urls"],
            )
        )
    return files


DOWNLOAD = (
    '<p class="notebook-download"><a href="{name}" download class="md-button">Download {name}</a> '
    "and run it in Jupyter, or all the notebooks at once: <code>make notebooks</code> "
    '(<a href="{start}#run-the-notebooks">how</a>).</p>'
)


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    """A notebook's page opens with a link to download it, and a pointer to running them all."""
    source = page.file.src_uri
    if not source.endswith(".ipynb"):
        return html
    start = "../../getting-started/" if config["use_directory_urls"] else "../getting-started.html"
    return DOWNLOAD.format(name=Path(source).name, start=start) + html
