"""The teaching notebooks: each runs from a clean kernel, is committed without outputs, opens with a title
and a one-line purpose, and has exercises that a learner cannot pass by accident.

An exercise is an answer cell tagged ``answer`` (``answer = ...  # your turn``) and, right after it, a
check cell (``ex2.check(answer)``); ``notebooks/exercises.py`` declares what each checks and holds the
reference solutions, which are not in the notebooks. So these tests:

* run every notebook untouched, as "Run All" does: no check may say "right", each says "not answered yet";
* then, in the same kernel, put a wrong number, a text and a list in each answer cell: each gets its own
  message, in one piece, with no traceback and without the right value in it;
* run every notebook again with each reference solution put into its answer cell, under
  ``GLASSGRAD_STRICT_CHECKS=1`` (any verdict but "right" raises): every check says "right".

Running them needs the ``notebooks`` extra (nbclient, nbformat, ipykernel; ``make test`` installs them
with ``dev``); without it those tests skip and say what to install. The kernel is "python3", which
ipykernel provides for the Python running the tests, started in ``notebooks/`` with this checkout first on
``PYTHONPATH``, so the notebooks import this checkout's glassgrad even from a venv shared with another.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
NAMES = [path.name for path in PATHS] or ["(no notebooks)"]
EXTRA = "running the notebooks needs the 'notebooks' extra: pip install 'glassgrad[notebooks]'"
CELL_TIMEOUT = 300  # seconds per cell
RUN_BUDGET = 60  # seconds for one run of a notebook, start of the kernel included
ANSWER_TAG = "answer"

# What each kind of wrong answer must be told: (the source after "NAME = ", the status its message starts
# with for an exercise that wants a number, and for one that wants a function, as notebook 01's slope).
NOT_ANSWERS = {
    "a wrong number": ("12345.678", "wrong:", "not a function:"),
    "a text": ('"six"', "not a number:", "not a function:"),
    "a list": ("[1.0, 2.0]", "not a number:", "not a function:"),
}
# and, for each exercise that wants a function (by the function's name), functions that compute the wrong
# thing: (source, what the message must say after "wrong:"). An op's rule (notebook 03's grads) is told
# which input's derivative is wrong, and never about the other.
WRONG_FUNCTIONS = {
    "slope": {
        "a forward difference": ("lambda f, x, h: (f(x + h) - f(x)) / h", "forward difference"),
        "a function of the wrong number": ("lambda f, x, h: 12345.678", "Hint:"),
    },
    "grads": {
        "a wrong derivative for y": (
            "lambda out, x, y: (y / (1 + x * y), 1 / (1 + x * y))",
            "gets input y wrong (at x = 0.5, y = 1.5); its derivative for x is right.",
        ),
        "a wrong derivative for x": (
            "lambda out, x, y: (1 / (1 + x * y), x / (1 + x * y))",
            "gets input x wrong (at x = 0.5, y = 1.5); its derivative for y is right.",
        ),
        "both wrong, unforeseen": ("lambda out, x, y: (x * y, x + y)", "gets inputs x and y wrong"),
        "a rule with math.exp": (
            "lambda out, x, y: (y / math.exp(out), x / math.exp(out))",
            "right on numbers, but cannot run on Values",
        ),
        "one number for two inputs": ("lambda out, x, y: 12345.678", "one local derivative per input"),
        "a rule of the wrong arity": ("lambda out, x: 1.0", "raised TypeError"),
    },
}


def _read(name: str) -> dict[str, Any]:
    """The notebook's JSON, as committed (no nbformat needed)."""
    assert PATHS, f"no notebooks in {NOTEBOOKS}: the course is missing"
    document: dict[str, Any] = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return document


def _source(cell: Any) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _text(cell: Any) -> str:
    """Everything a code cell showed: printed text, results, and any error with its traceback."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(_source({"source": output.get("text", "")}))
        elif output.get("output_type") == "error":
            parts.append("\n".join([output.get("ename", ""), output.get("evalue", ""), *output["traceback"]]))
        else:
            parts.append(_source({"source": output.get("data", {}).get("text/plain", "")}))
    return "\n".join(parts)


def _exercise_cells(notebook: Any) -> list[tuple[int, int]]:
    """(answer cell, check cell) for each exercise, in order: the check is the code cell after the answer."""
    cells = notebook["cells"]
    pairs = []
    for index, cell in enumerate(cells):
        if ANSWER_TAG in cell.get("metadata", {}).get("tags", []):
            after = next((i for i in range(index + 1, len(cells)) if cells[i]["cell_type"] == "code"), None)
            assert after is not None, f"the answer cell {index} has no check cell after it"
            pairs.append((index, after))
    return pairs


def _course(name: str) -> Any:
    """The exercises that notebooks/exercises.py declares for the notebook ``name`` ("02_the_graph.ipynb")."""
    if str(NOTEBOOKS) not in sys.path:
        sys.path.insert(0, str(NOTEBOOKS))
    import teaching

    return teaching.exercises(name[:2])


def _kernel_environment(patch: pytest.MonkeyPatch, strict: bool) -> None:
    """The kernel inherits the environment: this checkout's code first, and strict checks or not."""
    paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    patch.setenv("PYTHONPATH", os.pathsep.join(paths))
    if strict:
        patch.setenv("GLASSGRAD_STRICT_CHECKS", "1")
    else:
        patch.delenv("GLASSGRAD_STRICT_CHECKS", raising=False)


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


def _load(name: str) -> Any:
    _read(name)
    nbformat = pytest.importorskip("nbformat", reason=EXTRA)
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def _check_budget(name: str, seconds: float) -> None:
    assert seconds < RUN_BUDGET, (
        f"{name} took {seconds:.0f} s to run; keep each notebook under {RUN_BUDGET} s"
    )


# --- the notebooks as committed -------------------------------------------------------------------------


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


@pytest.mark.parametrize("name", NAMES)
def test_notebook_holds_no_solution(name: str) -> None:
    """Only the answer cells set the answer: no solution cell, hidden or not, can overwrite the learner's."""
    notebook = _read(name)
    answer_cells = {answer for answer, _ in _exercise_cells(notebook)}
    for index, cell in enumerate(notebook["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        assert "solution" not in tags, (
            f"{name}: cell {index} is a solution cell; solutions live in exercises.py"
        )
        if cell["cell_type"] == "code" and index not in answer_cells:
            assert not re.search(r"^\s*answer\s*=", _source(cell), flags=re.M), (
                f"{name}: cell {index} assigns `answer` but is not an answer cell: it would overwrite the "
                f"learner's answer\n{_source(cell)}"
            )


@pytest.mark.parametrize("name", NAMES)
def test_notebook_exercises_match_their_declarations(name: str) -> None:
    """Each answer cell is unanswered (``...``), names the variable its exercise checks, and is followed by
    ``exK.check(that variable)``; there are as many as exercises.py declares, and the handles are bound."""
    notebook = _read(name)
    pairs = _exercise_cells(notebook)
    declared = _course(name)
    assert len(pairs) == len(declared), (
        f"{name}: {len(pairs)} answer cells (tagged {ANSWER_TAG!r}), {len(declared)} exercises declared"
    )
    handles = ", ".join(f"ex{k}" for k in range(1, len(declared) + 1))
    binding = f'{handles} = exercises("{name[:2]}")'
    first_answer = pairs[0][0] if pairs else len(notebook["cells"])
    assert any(binding in _source(cell) for cell in notebook["cells"][:first_answer]), (
        f"{name}: no cell before the first exercise binds `{binding}`"
    )
    for number, ((answer, check), exercise) in enumerate(zip(pairs, declared, strict=True), start=1):
        source = _source(notebook["cells"][answer])
        assert "..." in source, f"{name}: the answer cell of exercise {number} is not left for the learner"
        assert re.search(rf"^(def {exercise.name}\(|{exercise.name}\s*=)", source, flags=re.M), (
            f"{name}: the answer cell of exercise {number} does not set {exercise.name}"
        )
        assert f"ex{number}.check({exercise.name}" in _source(notebook["cells"][check]), (
            f"{name}: the cell after the answer cell of exercise {number} must call ex{number}.check"
        )


def test_notebook_kernel_is_this_python_and_this_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The "python3" kernel runs the interpreter running the tests (the venv's), in the notebooks folder,
    and imports this checkout's autograd."""
    nbformat = pytest.importorskip("nbformat", reason=EXTRA)
    _kernel_environment(monkeypatch, strict=False)
    code = "import os, sys, autograd\nprint(sys.prefix)\nprint(os.getcwd())\nprint(autograd.__file__)"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    _client(notebook, NOTEBOOKS).execute()
    prefix, cwd, engine = notebook.cells[0].outputs[0]["text"].splitlines()
    assert prefix == sys.prefix, f"the kernel runs the Python in {prefix}, the tests the one in {sys.prefix}"
    assert os.path.samefile(cwd, NOTEBOOKS)
    assert Path(engine).resolve().is_relative_to(ROOT), f"the kernel imports {engine}, not this checkout's"


# --- Run All on an untouched notebook, then wrong answers in the same kernel ----------------------------


class Untouched:
    """A notebook after "Run All" as committed, with its kernel still running for more cells."""

    def __init__(self, name: str, notebook: Any, client: Any, seconds: float) -> None:
        self.name, self.notebook, self.client, self.seconds = name, notebook, client, seconds
        self.outputs = [_text(cell) for cell in notebook.cells]

    def run(self, index: int, source: str) -> str:
        """Run ``source`` as the cell ``index`` (replacing it) and return what it showed."""
        cell = self.notebook.cells[index]
        cell.source, cell.outputs = source, []
        self.client.execute_cell(cell, index)
        return _text(cell)


@pytest.fixture(scope="module", params=NAMES)
def untouched(request: pytest.FixtureRequest) -> Iterator[Untouched]:
    name = request.param
    notebook = _load(name)
    client = _client(notebook, NOTEBOOKS)
    with pytest.MonkeyPatch.context() as patch:
        _kernel_environment(patch, strict=False)  # a learner's kernel: verdicts are printed, never raised
        start = time.perf_counter()
        with client.setup_kernel():
            client.reset_execution_trackers()
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)  # raises CellExecutionError on any error
            yield Untouched(name, notebook, client, time.perf_counter() - start)


@pytest.mark.slow
def test_untouched_notebook_answers_nothing(untouched: Untouched) -> None:
    """Run All on a notebook as committed: no check says "right"; each says "not answered yet"."""
    said_right = [
        f"cell {index}: {line}"
        for index, text in enumerate(untouched.outputs)
        for line in text.splitlines()
        if re.match(r"right\b", line)
    ]
    assert not said_right, f"{untouched.name}: Run All on the untouched notebook says right:\n" + "\n".join(
        said_right
    )
    pairs = _exercise_cells(untouched.notebook)
    assert pairs, f"{untouched.name}: no exercises (answer cells tagged {ANSWER_TAG!r})"
    for number, (_, check) in enumerate(pairs, start=1):
        said = untouched.outputs[check]
        assert said.startswith("not answered yet:") and len(said.strip().splitlines()) == 1, (
            f"{untouched.name}: exercise {number}, untouched, says {said!r}"
        )
    _check_budget(untouched.name, untouched.seconds)
    print(f"{untouched.name}: Run All, untouched, in {untouched.seconds:.1f} s")


def _flat(result: Any) -> tuple[Any, ...]:
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _numbers(text: str) -> list[float]:
    return [float(token) for token in NUMBER.findall(text)]


def _shows(said: str, wants: list[float], allowed: str) -> list[float]:
    """The numbers in ``said`` that are one of ``wants`` (to 3 digits), leaving out the numbers of
    ``allowed`` (the exercise's own wording and the learner's answer, which a message may repeat)."""
    free = [x for x in _numbers(said) if not any(math.isclose(x, a, rel_tol=1e-5) for a in _numbers(allowed))]
    return [x for x in free if any(math.isclose(x, w, rel_tol=1e-3, abs_tol=1e-9) for w in wants)]


@pytest.mark.slow
def test_wrong_answers_get_their_own_message(untouched: Untouched) -> None:
    """A wrong number, a text, a list (and, for a function, wrong methods) in each answer cell: the right
    status, one piece of text with no traceback, and never the right value."""
    declared = _course(untouched.name)
    for number, ((answer, check), exercise) in enumerate(
        zip(_exercise_cells(untouched.notebook), declared, strict=True), start=1
    ):
        function = hasattr(exercise, "signature")
        tries = {
            what: (value, by_function if function else by_number, "")
            for what, (value, by_number, by_function) in NOT_ANSWERS.items()
        }
        if function:
            assert exercise.name in WRONG_FUNCTIONS, f"no wrong functions to try on {exercise.signature}"
            tries.update(
                {
                    what: (value, "wrong:", says)
                    for what, (value, says) in WRONG_FUNCTIONS[exercise.name].items()
                }
            )
            # what the reference returns at each probe: a number, or one local derivative per input
            wants = [float(w) for probe in exercise.probes for w in _flat(exercise.reference(*probe))]
        checking = _source(untouched.notebook.cells[check])
        for what, (value, status, says) in tries.items():
            source = f"{exercise.name} = {value}"
            untouched.run(answer, source)
            said = untouched.run(check, checking)
            where = f"{untouched.name}, exercise {number}, {what} ({source}): the check says\n{said}"
            assert "Traceback" not in said, where
            assert said.startswith(status) and says in said, f"{where}\nnot {status} ... {says}"
            if status != "wrong:":
                assert len(said.strip().splitlines()) == 1, f"{where}\nin more than one line"
            if not function:  # the value the check compared with, from the kernel
                compared = untouched.run(check, f"print(repr(ex{number}._last_reference))").strip()
                wants = [] if compared == "None" else [float(compared)]
            shown = _shows(said, wants, "\n".join([*exercise.texts(), source]))
            assert not shown, f"{where}\nshows the right value {shown}"


# --- Run All with the reference solutions put in --------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_with_the_reference_solutions(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each reference solution, put into its answer cell, makes its check say "right" (strict mode: any
    other verdict raises, and the run fails on that cell)."""
    notebook = _load(name)
    pairs = _exercise_cells(notebook)
    for (answer, _), exercise in zip(pairs, _course(name), strict=True):
        notebook.cells[answer].source = exercise.solution_source
    _kernel_environment(monkeypatch, strict=True)
    start = time.perf_counter()
    _client(notebook, NOTEBOOKS).execute()  # raises CellExecutionError (cell and traceback) on any error
    seconds = time.perf_counter() - start
    for number, (_, check) in enumerate(pairs, start=1):
        said = _text(notebook.cells[check])
        assert said.startswith("right:"), f"{name}: exercise {number}, with its solution, says {said!r}"
    _check_budget(name, seconds)
    print(f"{name}: Run All, with the solutions, in {seconds:.1f} s")
