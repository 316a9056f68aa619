"""The make commands the README and the docs give: each is a target of the Makefile, and ``make notebooks``
installs what the notebooks need (JupyterLab included) before it opens JupyterLab.

The targets are read with ``make -n`` (print the commands, run none) against a venv path that does not
exist, so nothing is installed and no browser opens.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _code(text: str) -> list[str]:
    """The lines of a page's fenced code blocks and its inline code spans."""
    blocks = re.findall(r"```[^\n]*\n(.*?)```", text, flags=re.S)
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    return [line.strip() for block in blocks for line in block.splitlines()] + spans


def _targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*)\s*:", makefile, flags=re.M))


def _dry_run(target: str, venv: Path) -> str:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        [make, "-n", "--no-print-directory", "-C", str(ROOT), f"VENV={venv}", target],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_every_make_command_in_the_docs_is_a_target() -> None:
    targets = _targets()
    told = {
        (page.relative_to(ROOT).as_posix(), match.group(1))
        for page in PAGES
        for line in _code(page.read_text(encoding="utf-8"))
        for match in re.finditer(r"^make(?:\s+[A-Z_]+=\S+)*\s+([a-z][a-z-]*)", line)
    }
    assert ("README.md", "notebooks") in told and ("docs/getting-started.md", "notebooks") in told
    missing = sorted((page, target) for page, target in told if target not in targets)
    assert not missing, f"pages tell people to run make targets the Makefile lacks: {missing}"


def test_make_notebooks_installs_jupyterlab_then_opens_it(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    install = _dry_run("notebooks-install", venv).splitlines()
    pip = [line for line in install if " -m pip install " in line and "-e " in line]
    assert pip, f"make notebooks-install installs nothing:\n{install}"
    assert ".[notebooks" in pip[-1], pip[-1]
    extra = re.search(r"^notebooks = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.M)
    assert extra is not None and '"jupyterlab>=' in extra[1], "the notebooks extra brings JupyterLab"
    assert not any("jupyter lab" in line for line in install), "notebooks-install must not open JupyterLab"
    opened = _dry_run("notebooks", venv).splitlines()
    assert opened[: len(install)] == install, "make notebooks installs first, as notebooks-install does"
    assert opened[-1].strip() == f"{venv}/bin/jupyter lab --ServerApp.root_dir=notebooks", opened[-1]
