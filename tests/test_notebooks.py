"""The teaching notebooks: each runs from a clean kernel without an error, is committed without outputs,
and opens with a title and a one-line purpose.

Running them needs the ``notebooks`` extra (nbclient, nbformat, ipykernel; ``make test`` installs it with
``dev``); without it those tests skip and say what to install. The kernel is "python3", which ipykernel
provides for the Python running the tests, so the notebooks import the same glassgrad.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
NAMES = [path.name for path in PATHS] or ["(no notebooks)"]
EXTRA = "running the notebooks needs the 'notebooks' extra: pip install 'glassgrad[notebooks]'"
CELL_TIMEOUT = 300  # seconds per cell


def _read(name: str) -> dict[str, Any]:
    """The notebook's JSON, as committed (no nbformat needed)."""
    assert PATHS, f"no notebooks in {NOTEBOOKS}: the course is missing"
    document: dict[str, Any] = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return document


def _client(notebook: Any, folder: Path) -> Any:
    """A client that runs ``notebook`` in a fresh "python3" kernel, in ``folder``, as Jupyter would."""
    nbclient = pytest.importorskip("nbclient", reason=EXTRA)
    pytest.importorskip("ipykernel", reason=EXTRA)
    return nbclient.NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},  # the kernel's working directory
    )


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_without_error(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _read(name)
    nbformat = pytest.importorskip("nbformat", reason=EXTRA)
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    monkeypatch.setenv("GLASSGRAD_STRICT_CHECKS", "1")  # the kernel inherits it: a wrong solution raises
    _client(notebook, NOTEBOOKS).execute()  # raises CellExecutionError (cell and traceback) on any error


def test_notebook_kernel_is_this_python() -> None:
    """The "python3" kernel runs the interpreter running the tests (the venv's), in the notebooks folder."""
    nbformat = pytest.importorskip("nbformat", reason=EXTRA)
    code = "import os, sys\nprint(sys.prefix)\nprint(os.getcwd())"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    _client(notebook, NOTEBOOKS).execute()
    prefix, cwd = notebook.cells[0].outputs[0]["text"].splitlines()
    assert prefix == sys.prefix, f"the kernel runs the Python in {prefix}, the tests the one in {sys.prefix}"
    assert os.path.samefile(cwd, NOTEBOOKS)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_without_outputs(name: str) -> None:
    notebook = _read(name)
    dirty = [
        i
        for i, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{name}: cells {dirty} have outputs or execution counts; clear them before committing "
        f"(jupyter nbconvert --clear-output --inplace notebooks/{name})"
    )


@pytest.mark.parametrize("name", NAMES)
def test_notebook_opens_with_a_title_and_a_purpose(name: str) -> None:
    notebook = _read(name)
    assert notebook["cells"], f"{name} has no cells"
    first = notebook["cells"][0]
    assert first["cell_type"] == "markdown", (
        f"{name}: the first cell must be Markdown, not {first['cell_type']}"
    )
    lines = [line.strip() for line in _source(first).strip().splitlines()]
    assert lines and lines[0].startswith("# ") and lines[0][2:].strip(), (
        f"{name}: the first cell must start with a '# ' title, got {lines[:1]}"
    )
    purpose = next((line for line in lines[1:] if line), "")
    assert purpose and not purpose.startswith("#"), (
        f"{name}: the title must be followed by a one-line purpose, got {purpose!r}"
    )
