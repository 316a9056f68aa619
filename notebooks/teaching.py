"""The notebooks' exercises: say right or wrong, give a hint that fits, show a solution only when asked.

Every exercise in a notebook is three cells:

1. the question, in Markdown;
2. the answer cell, tagged ``answer``: ``answer = ...  # your turn``, where the learner replaces the ``...``
   (or, when the exercise asks for a method, a function: ``def slope(f, x, h): return ...``);
3. the check cell: ``ex2.check(answer)``.

What each exercise asks for, how the engine computes the right value, the mistakes learners often make
(each with what to tell them) and a reference solution are declared once, in ``exercises.py`` beside this
file. A notebook takes its own with ``ex1, ex2, ex3 = exercises("02")``. No solution is in a notebook, so
running every cell of an untouched one answers nothing: each check says "not answered yet".
``ex2.hint()`` gives a hint before trying, and ``ex2.solution()`` prints one way to do it.

A check never prints the right value and never a traceback. An answer of the wrong kind (a text, a list,
a function where a number is due) gets one line that says what is due.

With the environment variable ``GLASSGRAD_STRICT_CHECKS=1`` (the test suite sets it when it runs the
notebooks with the reference solutions put in their answer cells), any verdict but "right" raises
``AssertionError``, so a broken solution or a broken check fails the run instead of printing a hint.
"""

from __future__ import annotations

import importlib
import math
import numbers
import os
import reprlib
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from autograd import Value

STRICT = "GLASSGRAD_STRICT_CHECKS"
RIGHT, WRONG, UNANSWERED = "right", "wrong", "not answered yet"
NOT_A_NUMBER, NOT_A_FUNCTION = "not a number", "not a function"

# The answer object each exercise last judged, by (notebook, number): an answer cell that was not run
# leaves `answer` holding the previous exercise's answer, and the check says so instead of judging it.
_judged: dict[tuple[str, int], Any] = {}


class Verdict(NamedTuple):
    """What a check found.

    ``status`` is one of ``"right"``, ``"wrong"``, ``"not answered yet"``, ``"not a number"`` and
    ``"not a function"``; ``message`` is what the check prints, and it starts with the status.
    """

    status: str
    message: str


class Mistake(NamedTuple):
    """A wrong answer that learners often give, and what to tell them when they give it.

    Args:
        value: computes the wrong answer, from the same context as the exercise's reference (for a
            :class:`FunctionExercise`, ``value`` is the wrong function itself).
        says: what the check prints after "wrong:"; it names the slip, never the right value.
        rel: how close an answer must be to ``value`` to count as this mistake (default: the exercise's
            own tolerance). A looser one catches "right to two digits" (a rounded number on the way).
    """

    value: Callable[..., Any]
    says: str
    rel: float | None = None


class Exercise:
    """One exercise whose answer is a number, checked against the engine.

    Args:
        what: what the answer is, as a short noun phrase (``"dr/dp"``); it goes into every message.
        reference: computes the right answer with the engine; it receives the keyword arguments given to
            :meth:`check` (most exercises need none).
        hint: a hint for this exercise; printed by :meth:`hint`, and by :meth:`check` after a wrong
            answer that matches none of ``mistakes``. It must not give the value away.
        solution: a reference solution: the source of a whole answer cell. :meth:`solution` prints it;
            the tests put it into the answer cell and expect "right".
        mistakes: the usual wrong answers, tried in order; the first that matches says what went wrong.
        rel: the relative tolerance of a right answer.
        name: the variable that the answer cell fills in.

    Examples:
        >>> ex = Exercise("dr/dp", reference=lambda: 6.0, hint="The input p is used twice: add both paths.",
        ...               solution="answer = 5.0 + 1.0", mistakes=[Mistake(lambda: 5.0, "That is one path.")])
        >>> ex.check(...)
        not answered yet: in the answer cell above, replace the ... with dr/dp;
        run that cell, then this check.
        >>> ex.check(6)
        right: dr/dp is 6.
        >>> ex.check(5.0)
        wrong: dr/dp is not 5. That is one path.
        Try again, or ex.solution() shows one way.
        >>> ex.check(7.5)
        wrong: dr/dp is not 7.5. Hint: The input p is used twice: add both paths.
        Try again, or ex.solution() shows one way.
        >>> ex.check("6")
        not a number: answer is the text '6', in quotes: write the number without the quotes.
    """

    def __init__(
        self,
        what: str,
        *,
        reference: Callable[..., Any],
        hint: str,
        solution: str,
        mistakes: Sequence[Mistake] = (),
        rel: float = 1e-4,
        name: str = "answer",
    ) -> None:
        self.what = what
        self.reference = reference
        self.mistakes = tuple(mistakes)
        self.rel = rel
        self.name = name
        self._hint = hint.strip()
        self._solution = solution.strip() + "\n"
        self.notebook = ""  # set by exercises(): the notebook and the place in it
        self.number = 0
        self._last_reference: float | None = None  # for the tests: the value the last check compared with

    @property
    def handle(self) -> str:
        """The name a notebook gives this exercise: ``ex2`` for its second one (``ex`` on its own)."""
        return f"ex{self.number}" if self.number else "ex"

    def check(self, answer: Any, **context: Any) -> None:
        """Print whether ``answer`` is right and, if not, a hint that fits this exercise.

        ``context`` goes to the reference (a notebook's trained model, say). Under
        ``GLASSGRAD_STRICT_CHECKS=1`` anything but "right" raises ``AssertionError`` instead.

        Examples:
            >>> ex = Exercise("the slope", reference=lambda: 0.5, hint="Rise over run.", solution="...")
            >>> ex.check(0.5)
            right: the slope is 0.5.
        """
        verdict = self.verdict(answer, **context)
        if verdict.status != RIGHT and os.environ.get(STRICT) == "1":
            raise AssertionError(verdict.message)
        print(verdict.message)

    def hint(self) -> None:
        """Print this exercise's hint.

        Examples:
            >>> Exercise("dr/dp", reference=lambda: 6, hint="Add both paths.", solution="...").hint()
            Hint: Add both paths.
        """
        print(f"Hint: {self._hint}")

    def solution(self) -> None:
        """Print a reference solution, to copy into the answer cell (or to compare with your own).

        Examples:
            >>> Exercise("dr/dp", reference=lambda: 6.0, hint="...", solution="answer = 5.0 + 1.0").solution()
            One way (put it in the answer cell, run that cell, then the check):
            <BLANKLINE>
            answer = 5.0 + 1.0
        """
        print(
            f"One way (put it in the answer cell, run that cell, then the check):\n\n{self._solution}", end=""
        )

    @property
    def solution_source(self) -> str:
        """The reference solution's source: a whole answer cell."""
        return self._solution

    def texts(self) -> list[str]:
        """Everything this exercise may print that its author wrote (the question aside): what, hints."""
        return [self.what, self._hint, *(mistake.says for mistake in self.mistakes)]

    def verdict(self, answer: Any, **context: Any) -> Verdict:
        """The verdict that :meth:`check` prints, without printing it.

        Examples:
            >>> ex = Exercise("dr/dp", reference=lambda: 6.0, hint="add both paths.", solution="answer = 6")
            >>> ex.verdict([6.0]).message
            'not a number: answer is a list of one item; dr/dp is the number itself: take it out (answer[0]).'
        """
        if answer is Ellipsis:
            return self._unanswered()
        stale = self._stale(answer)
        if stale:
            return Verdict(
                UNANSWERED,
                f"not answered yet: {self.name} still holds your answer to exercise {stale}; run the answer "
                "cell of this exercise first, then this check.",
            )
        self._remember(answer)
        got, problem = _as_number(answer, self.name, self.what)
        if got is None:
            return Verdict(NOT_A_NUMBER, problem)
        want = float(self.reference(**context))
        self._last_reference = want
        if _close(got, want, self.rel):
            return Verdict(RIGHT, f"right: {self.what} is {got:.6g}.")
        return Verdict(
            WRONG,
            f"wrong: {self.what} is not {got:.6g}. {self._diagnose(got, want, context)}\n{self._try_again()}",
        )

    def _unanswered(self) -> Verdict:
        return Verdict(
            UNANSWERED,
            f"not answered yet: in the answer cell above, replace the ... with {self.what}; run that cell, "
            "then this check.",
        )

    def _try_again(self) -> str:
        return f"Try again, or {self.handle}.solution() shows one way."

    def _diagnose(self, got: float, want: float, context: Mapping[str, Any]) -> str:
        if math.isnan(got):
            return "It is nan (not a number): look for 0/0, or the log or square root of a negative number."
        if math.isinf(got):
            return "It is infinite: look for a division by zero, or exp of a large number."
        for mistake in self.mistakes:
            if _close(got, float(mistake.value(**context)), mistake.rel or self.rel):
                return mistake.says[:1].upper() + mistake.says[1:]
        if want != 0 and _close(got, -want, self.rel):
            return "It has the right size but the wrong sign."
        return f"Hint: {self._hint}"

    def _stale(self, answer: Any) -> int:
        """The exercise of this notebook whose answer ``answer`` still is, or 0."""
        if not self.number or answer is None or isinstance(answer, (bool, int, str)):
            return 0  # small ints and texts are shared objects: the same one may well be typed twice
        for (notebook, number), judged in _judged.items():
            if notebook == self.notebook and number != self.number and judged is answer:
                return number
        return 0

    def _remember(self, answer: Any) -> None:
        if self.number:
            _judged[(self.notebook, self.number)] = answer


class FunctionExercise(Exercise):
    """An exercise whose answer is a function, judged by what it does rather than by one number.

    The check calls the learner's function on each of ``probes`` and compares with ``reference`` called
    the same way. Probes are chosen where the methods to tell apart differ clearly: on the notebook's
    example a forward difference and a central difference agree to four digits, on ``x ** 3`` at 1 with
    ``h = 0.1`` they do not. A mistake's ``value`` is the wrong function; it matches when it agrees with
    the learner's on every probe.

    Args:
        what: what the function returns (``"the central difference of f at x, with step h"``).
        signature: how it is called (``"slope(f, x, h)"``); its name is the variable the cell defines.
        probes: argument tuples to call it with.
        rel: the relative tolerance, per probe.
        reference, hint, solution, mistakes: as for :class:`Exercise`.

    Examples:
        >>> def cube(x):
        ...     return x**3
        >>> ex = FunctionExercise(
        ...     "the central difference of f at x, with step h", signature="slope(f, x, h)",
        ...     reference=lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h), probes=[(cube, 1.0, 0.1)],
        ...     hint="nudge both ways.", solution="def slope(f, x, h): ...",
        ...     mistakes=[Mistake(lambda f, x, h: (f(x + h) - f(x)) / h, "returns a forward difference.")])
        >>> ex.check(lambda f, x, h: (f(x + h) - f(x)) / h)
        wrong: slope(f, x, h) returns a forward difference.
        Try again, or ex.solution() shows one way.
        >>> ex.check(lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h))
        right: slope(f, x, h) returns the central difference of f at x, with step h.
        >>> ex.check(8.0)
        not a function: slope is the number 8; this exercise wants the function itself:
        def slope(f, x, h): ...
    """

    def __init__(
        self,
        what: str,
        *,
        signature: str,
        reference: Callable[..., Any],
        probes: Sequence[tuple[Any, ...]],
        hint: str,
        solution: str,
        mistakes: Sequence[Mistake] = (),
        rel: float = 1e-9,
    ) -> None:
        name = signature.split("(", 1)[0].strip()
        super().__init__(
            what, reference=reference, hint=hint, solution=solution, mistakes=mistakes, rel=rel, name=name
        )
        self.signature = signature
        self.probes = [tuple(probe) for probe in probes]

    def verdict(self, answer: Any, **context: Any) -> Verdict:
        if answer is Ellipsis:
            return self._unanswered()
        if not callable(answer):
            return Verdict(
                NOT_A_FUNCTION,
                f"not a function: {self.name} is {_describe(answer)}; this exercise wants the function "
                f"itself: def {self.signature}: ...",
            )
        got: list[float] = []
        for probe in self.probes:
            call = f"{self.name}({', '.join(_show(arg) for arg in probe)})"
            try:
                result = answer(*probe)
            except Exception as error:  # the learner's code: one line about it, not a traceback
                return Verdict(
                    WRONG,
                    f"wrong: {call} raised {type(error).__name__}: {error}. Call it yourself to see where.",
                )
            if result is Ellipsis:
                return Verdict(
                    UNANSWERED,
                    f"not answered yet: in {self.signature} above, replace the ... with {self.what}; run "
                    "that cell, then this check.",
                )
            number, _ = _as_number(result, call, "")
            if number is None:
                missing = " (is its return line missing?)" if result is None else ""
                return Verdict(
                    NOT_A_NUMBER,
                    f"not a number: {call} returns {_describe(result)}{missing}; {self.name} should return a "
                    "single number.",
                )
            got.append(number)
        want = [float(self.reference(*probe)) for probe in self.probes]
        if all(_close(g, w, self.rel) for g, w in zip(got, want, strict=True)):
            return Verdict(RIGHT, f"right: {self.signature} returns {self.what}.")
        for mistake in self.mistakes:
            if all(
                _close(g, float(mistake.value(*probe)), mistake.rel or self.rel)
                for g, probe in zip(got, self.probes, strict=True)
            ):
                return Verdict(WRONG, f"wrong: {self.signature} {mistake.says}\n{self._try_again()}")
        return Verdict(
            WRONG,
            f"wrong: {self.signature} does not return {self.what}. Hint: {self._hint}\n{self._try_again()}",
        )


class RuleExercise(FunctionExercise):
    """An exercise whose answer is the derivative rule of an op, ``grads(out, x, y)``: the local
    derivatives d out / d input, one per input, as ``autograd.op`` takes them. It is judged input by
    input, so a wrong answer is told which input's derivative is wrong; then, as ``autograd.op`` would
    run it, on Values (``hessian``, ``grad(grad(f))``) and on arrays (batched mode).

    Args:
        what: what the function returns (``"the local derivatives of log(1 + x*y)"``).
        signature: how it is called (``"grads(out, x, y)"``): ``out`` first, then one name per input.
        value: the op's value, a function of the inputs' numbers.
        points: the inputs to compare at; the first where an answer is wrong is named in the message.
        reference: the right rule, called as the answer is.
        mistakes: wrong rules that learners write (each a ``Mistake`` whose ``value`` is the wrong rule);
            one matches when it gives the learner's derivatives at every point.
        hint, solution: as for :class:`Exercise`.

    Examples:
        >>> ex = RuleExercise(
        ...     "the local derivatives of x * y", signature="grads(out, x, y)", value=lambda x, y: x * y,
        ...     points=[(2.0, 3.0)], reference=lambda out, x, y: (y, x), hint="Hold one input still.",
        ...     solution="def grads(out, x, y): return y, x",
        ...     mistakes=[Mistake(lambda out, x, y: (x, y), "swaps them: each input's is the other input.")])
        >>> ex.check(lambda out, x, y: (..., ...))
        not answered yet: in grads(out, x, y) above, replace each ... with a local derivative; run that
        cell, then this check.
        >>> ex.check(lambda out, x, y: (y, y))
        wrong: grads(out, x, y) gets input y wrong (at x = 2, y = 3); its derivative for x is right.
        Hint: Hold one input still.
        Try again, or ex.solution() shows one way.
        >>> ex.check(lambda out, x, y: (x, y))
        wrong: grads(out, x, y) gets inputs x and y wrong (at x = 2, y = 3). It swaps them: each input's
        is the other input.
        Try again, or ex.solution() shows one way.
        >>> ex.check(lambda out, x, y: (y, x))
        right: grads(out, x, y) returns the local derivatives of x * y, on numbers, Values and arrays.
    """

    def __init__(
        self,
        what: str,
        *,
        signature: str,
        value: Callable[..., Any],
        points: Sequence[tuple[float, ...]],
        reference: Callable[..., Any],
        hint: str,
        solution: str,
        mistakes: Sequence[Mistake] = (),
        rel: float = 1e-9,
    ) -> None:
        self.value = value
        self.points = [tuple(float(x) for x in point) for point in points]
        self.inputs = [name.strip() for name in signature.split("(", 1)[1].rstrip(")").split(",")][1:]
        super().__init__(
            what,
            signature=signature,
            reference=reference,
            probes=[(float(value(*point)), *point) for point in self.points],  # (out, x, y)
            hint=hint,
            solution=solution,
            mistakes=mistakes,
            rel=rel,
        )

    def verdict(self, answer: Any, **context: Any) -> Verdict:
        if answer is Ellipsis:
            return self._unanswered()
        if not callable(answer):
            return Verdict(
                NOT_A_FUNCTION,
                f"not a function: {self.name} is {_describe(answer)}; this exercise wants the function "
                f"itself: def {self.signature}: ...",
            )
        got: list[tuple[float, ...]] = []
        for probe in self.probes:
            derivatives = self._derivatives(answer, probe)
            if isinstance(derivatives, Verdict):
                return derivatives
            got.append(derivatives)
        want = [tuple(float(d) for d in _items(self.reference(*probe))) for probe in self.probes]
        for point, mine, right in zip(self.points, got, want, strict=True):
            wrong = [
                name
                for name, g, w in zip(self.inputs, mine, right, strict=True)
                if not _close(g, w, self.rel)
            ]
            if wrong:
                return Verdict(WRONG, self._wrong(wrong, point, got))
        return self._runs_on_values_and_arrays(answer)

    def _derivatives(
        self, answer: Callable[..., Any], probe: tuple[float, ...]
    ) -> tuple[float, ...] | Verdict:
        """The answer's derivatives at one probe ``(out, x, y)``, or the verdict on what it returned."""
        call = f"{self.name}({', '.join(f'{x:g}' for x in probe)})"
        try:
            result = answer(*probe)
        except Exception as error:  # the learner's code: one line about it, not a traceback
            return Verdict(
                WRONG, f"wrong: {call} raised {type(error).__name__}: {error}. Call it yourself to see where."
            )
        items = _items(result)
        if result is Ellipsis or any(item is Ellipsis for item in items):
            return Verdict(
                UNANSWERED,
                f"not answered yet: in {self.signature} above, replace each ... with a local derivative; run "
                "that cell, then this check.",
            )
        n = len(self.inputs)
        if len(items) != n:
            return Verdict(
                WRONG,
                f"wrong: {call} returns {_describe(result)}; {self.name} should return one local derivative "
                f"per input, {n} numbers: ({', '.join(f'd out/d{name}' for name in self.inputs)}).\n"
                f"{self._try_again()}",
            )
        numbers = []
        for name, item in zip(self.inputs, items, strict=True):
            number, _ = _as_number(item, call, "")
            if number is None:
                return Verdict(
                    NOT_A_NUMBER,
                    f"not a number: {call} returns {_describe(item)} for d out/d{name}; each local "
                    "derivative should be a single number.",
                )
            numbers.append(number)
        return tuple(numbers)

    def _wrong(self, wrong: list[str], point: tuple[float, ...], got: list[tuple[float, ...]]) -> str:
        at = ", ".join(f"{name} = {x:g}" for name, x in zip(self.inputs, point, strict=True))
        if len(wrong) == 1:
            right = [name for name in self.inputs if name not in wrong]
            said = f"input {wrong[0]} wrong (at {at}); its derivative for {' and '.join(right)} is right."
        else:
            said = f"inputs {' and '.join(wrong)} wrong (at {at})."
        for mistake in self.mistakes:
            if self._matches(mistake, got):
                return f"wrong: {self.signature} gets {said} It {mistake.says}\n{self._try_again()}"
        return f"wrong: {self.signature} gets {said}\nHint: {self._hint}\n{self._try_again()}"

    def _matches(self, mistake: Mistake, got: list[tuple[float, ...]]) -> bool:
        """Whether the wrong rule ``mistake.value`` gives the learner's derivatives at every probe."""
        for mine, probe in zip(got, self.probes, strict=True):
            theirs = _items(mistake.value(*probe))
            if len(theirs) != len(mine) or not all(
                _close(g, float(m), mistake.rel or self.rel) for g, m in zip(mine, theirs, strict=True)
            ):
                return False
        return True

    def _runs_on_values_and_arrays(self, answer: Callable[..., Any]) -> Verdict:
        """Right on numbers: now as the engine runs a rule, on Values (a recorded backward pass, as
        hessian does) and on arrays (batched mode)."""
        import autograd

        mine = autograd.op(self.name, self.value, grads=answer)
        point = self.points[0]
        for where, run in (
            ("Values (as hessian and grad(grad(f)) run it)", lambda: autograd.hessian(mine)(*point)),
            ("arrays (batched mode)", lambda: _batched_backward(mine, self.points)),
        ):
            try:
                run()
            except Exception as error:
                return Verdict(
                    WRONG,
                    f"wrong: {self.signature} is right on numbers, but cannot run on {where}: "
                    f"{type(error).__name__}. Write it with arithmetic (+ - * / **) on out and the inputs, "
                    f"not math functions.\n{self._try_again()}",
                )
        return Verdict(RIGHT, f"right: {self.signature} returns {self.what}, on numbers, Values and arrays.")


def _items(result: Any) -> tuple[Any, ...]:
    """A rule's result as a tuple: one item per input (a bare item for an op of one input)."""
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def _batched_backward(op: Any, points: Sequence[tuple[float, ...]]) -> None:
    """``op`` on one batch of all ``points``, and a backward pass through it."""
    inputs = [Value(np.array(column)) for column in zip(*points, strict=True)]
    op(*inputs).batch_sum().backward()


def exercises(notebook: str) -> tuple[Exercise, ...]:
    """The exercises of one notebook, in order, as ``exercises.py`` declares them.

    A notebook takes them with ``ex1, ex2, ex3 = exercises("02")`` and checks with ``ex2.check(answer)``.

    Examples:
        >>> ex1, ex2, ex3 = exercises("02")
        >>> ex2.check(...)
        not answered yet: in the answer cell above, replace the ... with dr/dp;
        run that cell, then this check.
        >>> ex2.check(6.0)
        right: dr/dp is 6.
    """
    course = _course()
    if notebook not in course:
        raise KeyError(f"no exercises for notebook {notebook!r}; there are some for {sorted(course)}")
    found = tuple(course[notebook])
    for number, exercise in enumerate(found, start=1):
        exercise.notebook, exercise.number = notebook, number
    return found


def _course() -> Mapping[str, Sequence[Exercise]]:
    folder = str(Path(__file__).resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)  # exercises.py sits beside this file and imports it by name
    course: Mapping[str, Sequence[Exercise]] = importlib.import_module("exercises").COURSE
    return course


def _close(got: float, want: float, rel: float) -> bool:
    return math.isclose(got, want, rel_tol=rel, abs_tol=1e-12)


def _show(arg: Any) -> str:
    return getattr(arg, "__name__", None) or repr(arg)


def _describe(answer: Any) -> str:
    """A few words for what ``answer`` is: "the number 8", "a list of 3 items", "the text 'six'"."""
    if isinstance(answer, Value):
        return f"a Value holding {reprlib.repr(answer.data)}"
    if isinstance(answer, (bool, np.bool_)):
        return f"{bool(answer)}, a yes or no"
    if isinstance(answer, numbers.Real):
        return f"the number {float(answer):.6g}"
    if isinstance(answer, str):
        return f"the text {reprlib.repr(answer)}"
    if answer is None:
        return "None"
    if isinstance(answer, np.ndarray):
        return f"an array of shape {answer.shape}"
    if isinstance(answer, Mapping):
        return f"a dict of {len(answer)} entr{'ies' if len(answer) != 1 else 'y'}"
    if isinstance(answer, (list, tuple, set, frozenset)):
        kind = type(answer).__name__
        return f"a {kind} of {len(answer)} item{'s' if len(answer) != 1 else ''}"
    if callable(answer):
        return f"a function ({_show(answer)})"
    return f"a {type(answer).__name__}"


def _as_number(answer: Any, name: str, what: str) -> tuple[float | None, str]:
    """``answer`` as a float, or None and one line that says what kind of answer is due."""
    if isinstance(answer, Value):
        answer = answer.data  # a Value counts by its number
    single = f"{what} is a single number (an int or a float)"
    if isinstance(answer, (bool, np.bool_)):
        return None, f"not a number: {name} is {answer}, a yes or no; {single}."
    if isinstance(answer, numbers.Real):
        return float(answer), ""
    if isinstance(answer, numbers.Complex):
        return None, (
            f"not a number: {name} is the complex number {answer}; {what} is a real number (in Python, "
            "a negative number to a fractional power is complex)."
        )
    if isinstance(answer, np.ndarray):
        if answer.size == 1 and np.isrealobj(answer) and answer.dtype.kind in "biuf":
            return float(answer.reshape(-1)[0]), ""  # np.sum(...) of a 1-element array and the like
        return (
            None,
            f"not a number: {name} is an array of shape {answer.shape} ({answer.size} numbers); {single}.",
        )
    if isinstance(answer, str):
        try:
            float(answer)
        except ValueError:
            return None, f"not a number: {name} is the text {reprlib.repr(answer)}; {single}."
        return (
            None,
            f"not a number: {name} is the text {answer!r}, in quotes: write the number without the quotes.",
        )
    if answer is None:
        return None, (
            f"not a number: {name} is None; {single}. (A function that prints its result instead of "
            "returning it gives None.)"
        )
    if isinstance(answer, (list, tuple)) and len(answer) == 1:
        return None, (
            f"not a number: {name} is a {type(answer).__name__} of one item; {what} is the number itself: "
            f"take it out ({name}[0])."
        )
    if callable(answer):
        return None, (
            f"not a number: {name} is a function ({_show(answer)}); call it, and put the number it returns "
            f"in {name}."
        )
    return None, f"not a number: {name} is {_describe(answer)}; {single}."
