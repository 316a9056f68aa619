"""The notebooks' exercise checks: right only when right, a hint that fits the exercise when wrong, one
friendly line for an answer of the wrong kind, and never the right value or a traceback.

tests/test_notebooks.py runs the same checks inside the notebooks; here each exercise is judged directly,
with every mistake it knows and many wrong numbers, which takes a second instead of a kernel per notebook.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "notebooks"))
import teaching
from teaching import Exercise, FunctionExercise, Mistake, exercises

from autograd import Value

# Every notebook's exercises, by the notebooks there are: a notebook without declared exercises fails here.
NOTEBOOKS = sorted(
    path.name[:2] for path in (Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb")
)
COURSE = {notebook: exercises(notebook) for notebook in NOTEBOOKS}
EVERY = [(notebook, number) for notebook, found in COURSE.items() for number in range(1, len(found) + 1)]
NUMBERS = [(nb, k) for nb, k in EVERY if not isinstance(COURSE[nb][k - 1], FunctionExercise)]


class Scores:
    """A stand-in for notebook 07's trained model: ``predict`` scores a point by its second coordinate."""

    def predict(self, X: Any) -> Any:
        return np.asarray(X)[:, 1] - 0.25


def context(notebook: str, number: int) -> dict[str, Any]:
    """What the notebook's check cell passes to ``check``, besides the answer."""
    return {"model": Scores()} if (notebook, number) == ("07", 3) else {}


def exercise(notebook: str, number: int) -> Exercise:
    return COURSE[notebook][number - 1]


@pytest.fixture(autouse=True)
def _lenient(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GLASSGRAD_STRICT_CHECKS", raising=False)  # a learner's session: verdicts print


def _numbers(text: str) -> list[float]:
    return [float(t) for t in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", text)]


def shows(message: str, want: float, ex: Exercise, answer: Any) -> bool:
    """Whether ``message`` has a number that is the right value, other than the numbers of the exercise's
    own wording and of the learner's answer (a message may repeat those)."""
    allowed = _numbers("\n".join([*ex.texts(), repr(answer)]))
    free = [x for x in _numbers(message) if not any(math.isclose(x, a, rel_tol=1e-5) for a in allowed)]
    return any(math.isclose(x, want, rel_tol=1e-3, abs_tol=1e-9) for x in free)


def test_shows_finds_the_right_value_in_a_message() -> None:
    """The leak detector of these tests, on the message the old generic checker printed."""
    ex = exercise("02", 1)
    assert shows("wrong: dg/df: expected about 0.495835, got 0.6", 0.4958350687, ex, 0.6)
    assert not shows("wrong: dg/df is not 0.6. Hint: ...", 0.4958350687, ex, 0.6)


# --- each exercise of the course ------------------------------------------------------------------------


@pytest.mark.parametrize(("notebook", "number"), NUMBERS)
def test_each_mistake_gets_its_own_message(notebook: str, number: int) -> None:
    ex, ctx = exercise(notebook, number), context(notebook, number)
    want = float(ex.reference(**ctx))
    for mistake in ex.mistakes:
        value = float(mistake.value(**ctx))
        if mistake.rel is None:  # a mistake as tight as a right answer must be told apart from it
            assert not math.isclose(value, want, rel_tol=ex.rel, abs_tol=1e-12), (
                f"{notebook}.{number}: the mistake {mistake.says!r} is the right answer"
            )
        verdict = ex.verdict(value, **ctx)
        if math.isclose(value, want, rel_tol=ex.rel, abs_tol=1e-12):
            continue  # a loose mistake ("close, but rounded") centred on the right value
        assert verdict.status == "wrong", verdict
        first = next(
            m for m in ex.mistakes if math.isclose(value, float(m.value(**ctx)), rel_tol=m.rel or ex.rel)
        )
        assert first.says in verdict.message, f"{notebook}.{number}: {value!r} got {verdict.message!r}"
        assert not shows(verdict.message, want, ex, value), verdict.message


@pytest.mark.parametrize(("notebook", "number"), NUMBERS)
def test_a_wrong_number_never_shows_the_right_value(notebook: str, number: int) -> None:
    ex, ctx = exercise(notebook, number), context(notebook, number)
    want = float(ex.reference(**ctx))
    tries = [want * f for f in (1.001, 1.01, 1.1, 0.9, 2, 0.5, -1, 3, 10, 1e-3)] + [0.0, 1.0, -7.25, 1e6]
    for answer in [*tries, float("nan"), float("inf")]:
        verdict = ex.verdict(answer, **ctx)
        if verdict.status == "right":
            assert math.isclose(answer, want, rel_tol=ex.rel, abs_tol=1e-12)
            continue
        assert verdict.status == "wrong" and verdict.message.startswith("wrong:"), verdict
        assert verdict.message.endswith(f"ex{number}.solution() shows one way."), verdict.message
        assert not shows(verdict.message, want, ex, answer), f"{notebook}.{number}: {verdict.message}"
        assert "expected" not in verdict.message


@pytest.mark.parametrize(("notebook", "number"), EVERY)
def test_the_hint_and_the_solution_come_only_when_asked(
    notebook: str, number: int, capsys: pytest.CaptureFixture[str]
) -> None:
    ex = exercise(notebook, number)
    ex.check(...)
    said = capsys.readouterr().out
    assert said.startswith("not answered yet:") and ex.solution_source.strip() not in said
    ex.hint()
    assert capsys.readouterr().out.startswith("Hint: ")
    ex.solution()
    assert ex.solution_source in capsys.readouterr().out


def test_every_notebook_has_three_exercises_numbered_in_order() -> None:
    for notebook, found in COURSE.items():
        assert [(ex.notebook, ex.number, ex.handle) for ex in found] == [
            (notebook, k, f"ex{k}") for k in range(1, len(found) + 1)
        ]


def test_an_unknown_notebook_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match=r"no exercises for notebook '99'.*'01'"):
        exercises("99")


# --- answers of the wrong kind --------------------------------------------------------------------------


def dr_dp() -> Exercise:
    ex = Exercise(
        "dr/dp",
        reference=lambda: 6.0,
        hint="The input p is used twice: add the slope along each path.",
        solution="answer = 5.0 + 1.0",
        mistakes=[Mistake(lambda: 5.0, "That is only the path through p * q.")],
    )
    return ex


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("six", "answer is the text 'six'; dr/dp is a single number"),
        ("6", "in quotes: write the number without the quotes"),
        ([1.0, 2.0], "answer is a list of 2 items; dr/dp is a single number"),
        ([6.0], "take it out (answer[0])"),
        ((6.0, 1.0), "a tuple of 2 items"),
        ({"p": 6.0}, "a dict of 1 entry"),
        (print, "answer is a function (print); call it"),
        (lambda: 6.0, "call it, and put the number it returns in answer"),
        (None, "answer is None"),
        (True, "a yes or no"),
        (np.bool_(False), "a yes or no"),
        (6j, "complex"),
        (np.array([[1.0, 2.0]]), "an array of shape (1, 2) (2 numbers)"),
        (Value(np.array([6.0, 6.0])), "an array of shape (2,)"),
        (object(), "answer is a object"),
    ],
)
def test_an_answer_of_the_wrong_kind_gets_one_friendly_line(
    answer: Any, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    dr_dp().check(answer)
    said = capsys.readouterr().out
    assert said.startswith("not a number: ") and says in said, said
    assert said.count("\n") == 1 and "Traceback" not in said and "6" not in said.replace(repr(answer), "")


@pytest.mark.parametrize(
    "answer", [6, 6.0, np.float64(6.0), np.int64(6), Value(6.0), np.array(6.0), np.array([[6.0]]), 6.0000001]
)
def test_a_right_number_of_any_numeric_kind_is_right(answer: Any, capsys: pytest.CaptureFixture[str]) -> None:
    dr_dp().check(answer)
    assert capsys.readouterr().out == "right: dr/dp is 6.\n"


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (5.0, "That is only the path through p * q."),
        (-6.0, "the right size but the wrong sign"),
        (float("nan"), "nan"),
        (float("inf"), "infinite"),
        (7.5, "Hint: The input p is used twice"),
    ],
)
def test_a_wrong_number_gets_the_hint_that_fits(answer: float, says: str) -> None:
    verdict = dr_dp().verdict(answer)
    assert verdict.status == "wrong" and says in verdict.message, verdict


def test_strict_mode_raises_on_anything_but_right(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLASSGRAD_STRICT_CHECKS", "1")
    for answer, says in [(5.0, "only the path"), (..., "not answered yet"), ("six", "not a number")]:
        with pytest.raises(AssertionError, match=says):
            dr_dp().check(answer)
    dr_dp().check(6.0)  # right: no exception


def test_a_check_before_its_answer_cell_ran_names_the_exercise_answered(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Shift+Enter on exercise 2's check without running its answer cell: `answer` is still exercise 1's."""
    ex1, ex2, _ = exercises("02")
    answer = 0.5 + -10 / 49.0**2
    ex1.check(answer)
    ex2.check(answer)
    said = capsys.readouterr().out.splitlines()
    assert said[0].startswith("right:")
    assert said[1] == (
        "not answered yet: answer still holds your answer to exercise 1; run the answer cell of this "
        "exercise first, then this check."
    )
    ex2.check(6.0)  # its own answer, once its cell has run
    assert capsys.readouterr().out.startswith("right:")


# --- an exercise that asks for a method -----------------------------------------------------------------


def cube(x: float) -> float:
    return x**3


SLOPE = exercise("01", 1)


@pytest.mark.parametrize(
    ("slope", "status", "says"),
    [
        (lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h), "right", "returns the central difference"),
        (lambda f, x, h: (f(x + h) - f(x - h)) / 2 / h, "right", "returns the central difference"),
        (lambda f, x, h: (f(x + h) - f(x)) / h, "wrong", "forward difference"),
        (lambda f, x, h: (f(x) - f(x - h)) / h, "wrong", "backward difference"),
        (lambda f, x, h: (f(x + h) - f(x - h)) / h, "wrong", "twice the central difference"),
        (lambda f, x, h: (f(x + 1e-6) - f(x - 1e-6)) / 2e-6, "wrong", "the h it is given"),
        (lambda f, x, h: 8.0, "wrong", "Hint: Nudge x by h"),
        (lambda f, x, h: ..., "not answered yet", "replace the ... with the central difference"),
        (lambda f, x, h: 1 / 0, "wrong", "slope(cube, 1.0, 0.1) raised ZeroDivisionError: division by zero"),
        (lambda f: f(1.0), "wrong", "raised TypeError"),
        (lambda f, x, h: "8", "not a number", "slope(cube, 1.0, 0.1) returns the text '8'"),
        (lambda f, x, h: None, "not a number", "returns None (is its return line missing?)"),
        (8.0, "not a function", "slope is the number 8; this exercise wants the function itself"),
        ("slope", "not a function", "slope is the text 'slope'"),
        ([1.0, 2.0], "not a function", "slope is a list of 2 items"),
        (..., "not answered yet", "replace the ..."),
    ],
)
def test_the_slope_exercise_tells_the_methods_apart(slope: Any, status: str, says: str) -> None:
    verdict = SLOPE.verdict(slope)
    assert verdict.status == status and says in verdict.message, verdict
    assert "Traceback" not in verdict.message
    if status != "wrong":
        assert "\n" not in verdict.message


def test_on_the_notebooks_own_example_a_forward_difference_would_pass_a_number_check() -> None:
    """Why the slope exercise checks a function: on f at -1 with h = 1e-5, the forward difference is
    within the 1e-4 tolerance of a number check, so only other probes can tell it from a central one."""
    f = lambda x: x**3 - 4 * x + 5  # noqa: E731
    forward = (f(-1.0 + 1e-5) - f(-1.0)) / 1e-5
    assert math.isclose(forward, -1.0, rel_tol=1e-4)
    assert SLOPE.verdict(lambda f, x, h: (f(x + h) - f(x)) / h).status == "wrong"


def test_a_function_exercise_of_ones_own() -> None:
    ex = FunctionExercise(
        "the average of f at x - h and x + h",
        signature="mean(f, x, h)",
        reference=lambda f, x, h: (f(x - h) + f(x + h)) / 2,
        probes=[(cube, 1.0, 0.5)],
        hint="Add the two values and halve.",
        solution="def mean(f, x, h):\n    return (f(x - h) + f(x + h)) / 2",
    )
    assert ex.name == "mean"
    assert ex.verdict(lambda f, x, h: (f(x - h) + f(x + h)) / 2).status == "right"
    assert "Hint: Add the two values" in ex.verdict(lambda f, x, h: f(x)).message


def test_the_module_docstring_describes_the_cells() -> None:
    assert teaching.__doc__ is not None and "ex2.check(answer)" in teaching.__doc__
