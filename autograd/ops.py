"""The calculus of glassgrad: every primitive's value and its derivative, side by side.

An op is two rules, made with ``op``:

* ``value(*inputs)`` computes the result from the inputs' numbers;
* its derivative, in one of two forms:

  - ``grads(out, *inputs)``: the local derivatives d out / d input, one per input. The chain rule
    multiplies each by the upstream gradient ``g = d root / d out``. ``softsign``'s is
    ``(1 + abs(x)) ** -2``.
  - ``vjp(g, out, *inputs)``: what each input receives, the product ``g * d out / d input`` written
    out (a vector-Jacobian product). ``mul``'s is ``(g * b, g * a)``.

The built-in ops below use the second form, as PyTorch's ``derivatives.yaml`` and HIPS autograd's vjps
do: it lets a rule take the product the way exact arithmetic wants it at the edges, and the way PyTorch
does. ``log`` sends ``g / x`` (not ``g * (1 / x)``, whose ``1 / x`` overflows for a tiny x), and
``relu`` *selects* ``g`` or 0 (so an infinite ``g`` behind a dead unit gives 0, not ``0 * inf = nan``).
An op of your own is usually written in the first form; ``check=True`` compares it with finite
differences when it is defined.

That is all the engine needs to know about an operation: the backward pass in ``engine.py`` applies
these rules and nothing else. Every rule is written once and used four ways: on plain floats (or
arrays of them, in batched mode) for an ordinary ``backward()``; on ``Value`` objects for
``backward(create_graph=True)``, where the derivative arithmetic is itself recorded on the graph so that
it can be differentiated again (``grad(grad(f))``); by forward mode (``autograd.jvp``), where an input's
tangent takes the place of ``g`` and the result's tangent is the sum of what the inputs would receive
(``Op.tangent``); and by ``autograd.compile``, which runs it on names to write it out as code. The
functions ``div``, ``log``, ``exp`` ... below, which rules call, pick the function of ``MATH`` for
numbers, or the ``Value`` method of that name; a rule of your own may call them too.

Examples:
    >>> EXP.value(0.0), EXP.vjp(1.0, 1.0, 0.0)
    (1.0, (1.0,))
    >>> MUL.vjp(10.0, 6.0, 2.0, 3.0)  # g = 10: d(a*b)/da = b, d(a*b)/db = a
    (30.0, 20.0)
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import operator
import random
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd import _math
from autograd.batch import is_batch

if TYPE_CHECKING:
    from autograd.engine import Value

# The functions of numbers a rule may call, by name: on floats, or arrays in batched mode. On Values
# (create_graph) a rule calls the Value method of the same name instead (the functions ``exp``, ``log``
# ... below pick); ``autograd.compile`` writes calls to these into its programs.
MATH: dict[str, Callable[..., Any]] = {
    "div": _math.div,
    "power": _math.power,
    "power_scalar": _math.power_scalar,
    "exp": _math.exp,
    "log": _math.log,
    "sqrt": _math.sqrt,
    "tanh": _math.tanh,
    "sin": _math.sin,
    "cos": _math.cos,
    "sigmoid": _math.sigmoid,
}


class Op:
    """A primitive operation: its name, its value and what its inputs receive from the chain rule.

    Made by ``op`` (see there). An Op is callable: ``softsign(x)`` makes a node of the graph from Values
    or plain numbers, as the built-in operators do.

    Attributes:
        name: shown in pictures, ``explain`` tables and compiled programs.
        value: ``value(*numbers)``, the result from the inputs' numbers.
        vjp: ``vjp(g, out, *inputs)``, what each input receives (a tuple, one per input).
        grads: ``grads(out, *inputs)``, the local derivatives, for an op defined by them (else None).
        arity: how many inputs it takes (None for the fused n-ary ops).
        into: the fused ops only: their ``vjp`` done in place, ``parent.grad += g * d`` for each parent,
            reading each ``d`` off the inputs' numbers instead of building a tuple of n gradients first.
        split: the fused ops only: their inputs (in order) -> the sequences ``value`` takes.
        order: the fused ops only, where ``into`` does not add to the inputs in their order: the
            order it adds in, ``order(number of inputs) -> positions``. Every loop that adds the
            contributions of ``vjp`` follows it, so that all give the same sums, bit for bit.
        jvp: forward mode's rule, for an op that has a cheaper one than ``tangent``'s default:
            ``jvp(tangents, out, *inputs)``, the tangent of the result from the inputs' tangents
            (None for an input that carries none). The fused ops have one: n terms, not n vjps.

    Examples:
        >>> square = op("square", lambda x: x * x, grads=lambda out, x: (2 * x,))
        >>> square.value(3.0), square.vjp(10.0, 9.0, 3.0), square.local(9.0, 3.0)
        (9.0, (60.0,), (6.0,))
    """

    __slots__ = ("arity", "grads", "into", "jvp", "name", "order", "split", "value", "vjp")

    def __init__(
        self,
        name: str,
        value: Callable[..., Any],
        vjp: Callable[..., tuple[Any, ...]],
        *,
        grads: Callable[..., tuple[Any, ...]] | None = None,
        arity: int | None = 1,
        into: Callable[[Any, tuple[Any, ...]], None] | None = None,
        split: Callable[[Any], tuple[Any, ...]] | None = None,
        order: Callable[[int], Sequence[int]] | None = None,
        jvp: Callable[..., Any] | None = None,
    ) -> None:
        self.name, self.value, self.vjp, self.grads = name, value, vjp, grads
        self.arity, self.into, self.split, self.order, self.jvp = arity, into, split, order, jvp

    def in_order(self, parents: Sequence[Any], sent: Sequence[Any]) -> Iterable[tuple[Any, Any]]:
        """Each parent with what it receives, in the order the contributions are added (``order``).

        Examples:
            >>> from autograd import Value
            >>> w, x = Value(2.0), Value(3.0)
            >>> [(p.data, c) for p, c in DOT.in_order((w, x), DOT.vjp(1.0, 6.0, 2.0, 3.0))]
            [(2.0, 3.0), (3.0, 2.0)]
        """
        if self.order is None:
            return zip(parents, sent, strict=True)
        return [(parents[i], sent[i]) for i in self.order(len(parents))]

    def local(self, out: Any, *inputs: Any) -> tuple[Any, ...]:
        """The local derivatives d out / d input: the rule at ``g = 1``.

        Examples:
            >>> MUL.local(6.0, 2.0, 3.0)
            (3.0, 2.0)
        """
        return self.grads(out, *inputs) if self.grads is not None else self.vjp(1.0, out, *inputs)

    def tangent(self, tangents: Sequence[Any], out: Any, *inputs: Any) -> Any:
        """Forward mode's rule: the tangent of the result, given the inputs' tangents (None for an
        input that carries none, which contributes nothing, not even ``0 * inf``).

        It is the sum of each local derivative times its input's tangent, from the same rules as the
        backward pass: the local derivatives (``grads``), or else ``vjp`` with ``g`` set to the tangent,
        which is that product taken the rule's own way (``relu`` selects, ``log`` divides). The op's
        own ``jvp``, where it has one, instead.

        Examples:
            >>> MUL.tangent((1.0, None), 6.0, 2.0, 3.0)       # along a: d(a*b)/da = b
            3.0
            >>> MUL.tangent((1.0, 10.0), 6.0, 2.0, 3.0)       # b * 1 + a * 10
            23.0
        """
        if self.jvp is not None:
            return None if all(t is None for t in tangents) else self.jvp(tangents, out, *inputs)
        local = None if self.grads is None else self.grads(out, *inputs)
        total = None
        for i, t in enumerate(tangents):
            if t is not None:
                term = t * local[i] if local is not None else self.vjp(t, out, *inputs)[i]
                total = term if total is None else total + term
        return total

    def __call__(self, *inputs: Value | float) -> Value:
        """This op applied to Values or real numbers (a number is a constant): a new node.

        Examples:
            >>> from autograd import Value
            >>> MUL(Value(2.0), 3.0).data
            6.0
        """
        from autograd.engine import apply  # (the engine imports this module: it is loaded by now)

        return apply(self, inputs)

    def __repr__(self) -> str:
        return f"<op {self.name!r}>"


def op(
    name: str,
    value: Callable[..., Any],
    grads: Callable[..., Any] | None = None,
    *,
    vjp: Callable[..., Any] | None = None,
    jvp: Callable[..., Any] | None = None,
    check: bool = False,
) -> Op:
    """A new operation for the graph, through the same door as the built-in ones.

    Give its value and its derivative: ``grads(out, *inputs)`` returns the local derivatives
    d out / d input (one per input; a single number for an op of one input), which the chain rule
    multiplies by the upstream gradient. Or give ``vjp(g, out, *inputs)``, what each input receives,
    when the product with ``g`` must be taken a particular way (``g / x``, or selecting ``g`` or 0).
    Forward mode (``autograd.jvp``) uses the same rule; give ``jvp`` as well only where a tangent
    rule of its own is cheaper.

    The rules run on whatever the engine passes them, so write them with arithmetic, ``abs``, ``**``,
    ``out`` and the functions of this module (``autograd.ops.exp``, ``log``, ``sqrt``, ``tanh``,
    ``sin``, ``cos``, ``sigmoid``, ``div``), not ``math`` functions: then they work on floats
    (``backward()``), on Values (``create_graph=True`` and higher-order ``grad``: the rule's
    arithmetic is recorded) and on NumPy arrays (batched mode). A rule that cannot (it calls
    ``math.exp``, or branches with ``if x > 0``) works on floats, and the engine says which op failed
    where it cannot go. ``compile`` writes the rule out as code where it can, and calls it otherwise.

    Args:
        name: shown in pictures, ``explain`` and compiled programs.
        value: the result from the inputs' numbers; its parameters are the op's inputs.
        grads: the local derivatives ``grads(out, *inputs)``.
        vjp: instead of ``grads``: ``vjp(g, out, *inputs)``, what each input receives.
        jvp: optional, for forward mode: ``jvp(tangents, out, *inputs)``, the result's tangent from
            the inputs' (a tuple, one per input; 0.0 for an input that carries none). Without it,
            forward mode sums the local derivatives times the tangents.
        check: compare the derivative with central finite differences at a few points drawn from a
            fixed seed in [-2, 2], now (and ``jvp``, if given, with the derivative); a wrong one
            raises ``GradcheckError`` naming the input.

    Returns:
        An ``Op``: call it on Values or numbers to make a node.

    Raises:
        TypeError: ``name`` is not a str, a rule is not callable, both or neither of ``grads`` and
            ``vjp`` are given, or their parameters do not match ``value``'s inputs.
        GradcheckError: with ``check=True``, the derivative disagrees with finite differences.

    Examples:
        >>> import autograd
        >>> from autograd import Value
        >>> softsign = autograd.op(
        ...     "softsign",
        ...     value=lambda x: x / (1 + abs(x)),
        ...     grads=lambda out, x: (1 + abs(x)) ** -2,
        ...     check=True,
        ... )
        >>> x = Value(1.0)
        >>> y = softsign(x)
        >>> y.backward()
        >>> y.data, x.grad
        (0.5, 0.25)
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"op: name must be a non-empty str, got {name!r}")
    if not callable(value):
        raise TypeError(f"op {name!r}: value must be a function of the inputs, got {type(value).__name__}")
    if (grads is None) == (vjp is None):
        raise TypeError(f"op {name!r}: give its derivative as grads=(out, *inputs) or vjp=(g, out, *inputs)")
    rule, extra, form = (grads, 1, "grads(out, *inputs)") if vjp is None else (vjp, 2, "vjp(g, out, *inputs)")
    if not callable(rule):
        raise TypeError(
            f"op {name!r}: {form.split('(')[0]} must be a function {form}, got {type(rule).__name__}"
        )
    arity = _inputs(value, f"op {name!r}: value")
    takes = _inputs(rule, f"op {name!r}: {form.split('(')[0]}")
    if arity is not None and takes is not None and takes != arity + extra:
        raise TypeError(
            f"op {name!r}: value takes {arity} input{'s' * (arity != 1)}, so its rule must be {form} "
            f"with {arity + extra} parameters; it has {takes}"
        )

    def checked_value(*numbers: Any) -> Any:
        try:
            return _result(value(*numbers), name)
        except TypeError as e:
            if not any(map(is_batch, numbers)):
                raise
            raise TypeError(
                f"op {name!r}: its value cannot run on a batch (a 1-D array, in batched mode): it raised "
                f"{type(e).__name__} (above). Write it with arithmetic and NumPy functions (np.exp ...) "
                "rather than math functions"
            ) from e

    checked_value.__name__ = re.sub(r"\W+", "_", name).strip("_") or "value"  # what compile calls it

    tangent = None if jvp is None else _tangent_rule(jvp, name, arity)
    if vjp is None:
        derivatives = _per_input(grads, name, "grads")  # type: ignore[arg-type]

        def sent(g: Any, out: Any, *inputs: Any) -> tuple[Any, ...]:
            return tuple(g * d for d in derivatives(out, *inputs))

        new = Op(name, checked_value, sent, grads=derivatives, arity=arity, jvp=tangent)
    else:
        new = Op(name, checked_value, _per_input(vjp, name, "vjp"), arity=arity, jvp=tangent)
    if check:
        _check(new, value)
    return new


def _tangent_rule(jvp: Callable[..., Any], name: str, arity: int | None) -> Callable[..., Any]:
    """A user's ``jvp(tangents, out, *inputs)`` as ``Op.jvp``: checked, with 0.0 for no tangent."""
    if not callable(jvp):
        raise TypeError(
            f"op {name!r}: jvp must be a function jvp(tangents, out, *inputs), got {type(jvp).__name__}"
        )
    takes = _inputs(jvp, f"op {name!r}: jvp")
    if arity is not None and takes is not None and takes != arity + 2:
        raise TypeError(
            f"op {name!r}: value takes {arity} input{'s' * (arity != 1)}, so jvp must be "
            f"jvp(tangents, out, *inputs) with {arity + 2} parameters; it has {takes}"
        )

    def tangent(tangents: Sequence[Any], out: Any, *inputs: Any) -> Any:
        return jvp(tuple(0.0 if t is None else t for t in tangents), out, *inputs)

    return tangent


def _inputs(fn: Callable[..., Any], what: str) -> int | None:
    """How many positional inputs ``fn`` takes (None for ``*args`` or a signature Python cannot read)."""
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        return None
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    if len(required) < len(positional):  # defaults: the inputs are the required ones
        return len(required)
    if not positional:
        raise TypeError(f"{what} must take the op's inputs as parameters")
    return len(positional)


def _result(x: Any, name: str) -> Any:
    """An op's value as the engine keeps numbers: a float, or a 1-D float64 array in batched mode."""
    if type(x) is float or (type(x) is np.ndarray and x.dtype == np.float64 and x.ndim == 1):
        return x
    if isinstance(x, np.ndarray) and x.ndim == 1 and x.dtype.kind in "biuf":
        return x.astype(np.float64)
    if isinstance(x, numbers.Real) and not isinstance(x, np.ndarray):
        return float(x)
    raise TypeError(f"op {name!r}: value must return a real number (or a 1-D array of them), got {x!r}")


def _per_input(rule: Callable[..., Any], name: str, what: str) -> Callable[..., tuple[Any, ...]]:
    """``rule``, returning a tuple of one item per input whatever it returned (a bare item for one input)."""

    def checked(*args: Any) -> tuple[Any, ...]:
        sent = rule(*args)
        n = len(args) - (2 if what == "vjp" else 1)
        if not isinstance(sent, (tuple, list)):
            sent = (sent,)
        if len(sent) != n:
            raise TypeError(
                f"op {name!r}: {what} must return one item per input ({n}), got {len(sent)}: {sent!r}"
            )
        return tuple(sent)

    return checked


def _check(new: Op, value: Callable[..., Any], points: int = 3) -> None:
    """Compare ``new``'s derivatives with central differences at a few points where it is finite."""
    from autograd.check import gradcheck

    rng = random.Random(0)
    n = new.arity or 2
    checked = 0
    for _ in range(50):
        point = [rng.uniform(-2.0, 2.0) for _ in range(n)]
        try:
            if not math.isfinite(new.value(*point)):
                continue  # outside the op's domain
        except (ArithmeticError, ValueError):
            continue
        names = [p for p in list(inspect.signature(value).parameters)[:n]]
        try:
            gradcheck(lambda *xs: new(*xs), point, names=names, what=f"op {new.name!r}")
        except (ArithmeticError, ValueError):
            continue
        if new.jvp is not None:
            _check_jvp(new, point, names)
        checked += 1
        if checked == points:
            return
    raise ValueError(f"op {new.name!r}: no point in [-2, 2] where its value is finite, to check it at")


def _check_jvp(new: Op, point: list[float], names: list[str]) -> None:
    """Compare an op's own tangent rule, along each input in turn, with its (checked) derivatives."""
    from autograd.check import GradcheckError

    out = new.value(*point)
    local = new.local(out, *point)
    for i, name in enumerate(names):
        along = new.tangent([1.0 if j == i else None for j in range(len(point))], out, *point)
        if not math.isclose(along, local[i], rel_tol=1e-6, abs_tol=1e-9):
            raise GradcheckError(
                f"op {new.name!r}: its jvp along input {name} gives {along!r} at {point}, but its "
                f"derivative there is {local[i]!r}"
            )


# A rule's inputs are numbers (plain backward: floats, or arrays in batched mode) or Values
# (create_graph): the functions below take either, so that one rule serves both.
def _is_number(x: Any) -> bool:
    return type(x) is float or is_batch(x)


def _rule_function(name: str) -> Callable[[Any], Any]:
    on_numbers = MATH[name]

    def function(x: Any) -> Any:
        return on_numbers(x) if _is_number(x) else getattr(x, name)()

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"""``{name}(x)`` for a derivative rule: on a number (a float, or a batch) the IEEE
    function, which never raises; on a Value its ``.{name}()``, recorded (``create_graph``).

    Examples:
        >>> from autograd import Value
        >>> {name}(0.5) == {name}(Value(0.5)).data
        True
    """
    return function


# The functions a rule of your own may call as well as arithmetic, abs and **: they work on floats,
# on batches and on Values alike (``math.exp`` works on floats only).
exp, log, sqrt, tanh, sin, cos, sigmoid = map(
    _rule_function, ("exp", "log", "sqrt", "tanh", "sin", "cos", "sigmoid")
)


def div(a: Any, b: Any) -> Any:
    """``a / b`` for a derivative rule: on numbers IEEE division (``1 / 0`` is inf, never an error, as
    ``/`` on floats is), on Values the recorded quotient.

    Examples:
        >>> div(1.0, 0.0), div(-1.0, 4.0)
        (inf, -0.25)
    """
    return _math.div(a, b) if _is_number(a) and _is_number(b) else a / b


def _pow(a: Any, b: Any) -> Any:
    return _math.power(a, b) if _is_number(a) and _is_number(b) else a**b


def _pow_c(x: Any, c: float) -> Any:  # x ** c for a constant c (sqrt for 0.5 ...: see _math.power_scalar)
    return _math.power_scalar(x, c) if _is_number(x) else x**c


def _data(x: Any) -> Any:
    """The number inside: piecewise rules (relu, abs) and selections depend on it, not on the graph."""
    return x if _is_number(x) else x._data


def _unless(zero: Any, g: Any) -> Any:
    """``g``, except 0 where ``zero`` holds: a selection, which gives 0 even where ``g`` is inf or nan
    (as PyTorch's ``where`` in its rules does), where a product would give ``0 * inf = nan``."""
    if type(zero) is bool or type(zero) is np.bool_:
        return 0.0 if zero else g
    if _is_number(g):
        return np.where(zero, 0.0, g)
    return g * np.where(zero, 0.0, 1.0)  # recorded (create_graph in batched mode): a product


def _relu_vjp(g: Any, out: Any, x: Any) -> tuple[Any]:
    """Nothing passes where the unit is off (``out <= 0``), not even an infinite g; all of g elsewhere,
    at ``relu(nan)`` too, as PyTorch's ``threshold_backward``."""
    if type(out) is float:
        return (0.0 if out <= 0.0 else g,)
    return (_unless(_data(out) <= 0.0, g),)


def _step(x: Any, low: float) -> Any:
    """1 above 0, else ``low``: the derivative of leaky_relu, read off the number."""
    if type(x) is float:
        return 1.0 if x > 0.0 else low
    return _math.step(_data(x), low)


def _pow_vjp(g: Any, out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    """d(a**b)/da = b a**(b-1), 0 where b = 0 (a**0 = 1 is constant, also at a = 0 where a**-1 is inf);
    d(a**b)/db = a**b log a, 0 at a = 0 for b >= 0 (the limit; log 0 = -inf would give nan)."""
    da, db = _data(a), _data(b)
    return (
        _unless(db == 0.0, g * (b * _pow(a, b - 1.0))),
        g * _unless((da == 0.0) & (db >= 0.0), out * log(a)),  # a product, as PyTorch's: inf * 0 = nan
    )


def _div_jvp(tangents: Sequence[Any], out: Any, a: Any, b: Any) -> Any:
    """The tangent of a / b as one quotient, ``(t_a - t_b * out) / b``, as PyTorch's: ``x / x`` at a
    tiny x then has tangent (1 - 1) / x = 0, where the sum of the two vjps gives inf - inf = nan."""
    ta, tb = tangents
    if tb is None:
        return div(ta, b)
    return div(-(tb * out) if ta is None else ta - tb * out, b)


def _builtin(
    name: str,
    value: Callable[..., Any],
    vjp: Callable[..., tuple[Any, ...]],
    jvp: Callable[..., Any] | None = None,
) -> Op:
    """A built-in op of one or two inputs: ``op(name, value, vjp=vjp)`` without the checks a user's
    op gets (its results are already the engine's numbers), so the backward pass calls ``vjp`` itself.
    Forward mode derives its tangent from ``vjp`` (``Op.tangent``), unless ``jvp`` says otherwise."""
    return Op(name, value, vjp, arity=_inputs(vjp, name) - 2, jvp=jvp)  # type: ignore[operator]


def _batch_sum_jvp(tangents: Sequence[Any], out: Any, x: Any) -> Any:
    """The tangent of a batch's sum: the sum of its samples' tangents. (Its ``vjp`` spreads ``g`` over
    the samples, the transpose: ``tangent``'s default would leave the tangent a batch.) A tangent of one
    number, for a batch (from a parameter: ``w + x``), is each sample's."""
    (t,) = tangents
    spread = t * _math.ones_like(_data(x))
    return _math.batch_sum(spread) if _is_number(spread) else spread.batch_sum()


#                 name       value          what the chain rule sends each input, given g = d root / d out
ADD = _builtin("+", operator.add, lambda g, out, a, b: (g, g))
SUB = _builtin("-", operator.sub, lambda g, out, a, b: (g, -g))
MUL = _builtin("*", operator.mul, lambda g, out, a, b: (g * b, g * a))
DIV = _builtin("/", _math.div, lambda g, out, a, b: (div(g, b), -g * div(out, b)), _div_jvp)
POW = _builtin("**", _math.power, _pow_vjp)
NEG = _builtin("neg", operator.neg, lambda g, out, x: (-g,))
ABS = _builtin("abs", abs, lambda g, out, x: (g * _math.sign(_data(x)),))
EXP = _builtin("exp", _math.exp, lambda g, out, x: (g * out,))
LOG = _builtin("log", _math.log, lambda g, out, x: (div(g, x),))
SQRT = _builtin("sqrt", _math.sqrt, lambda g, out, x: (div(g, 2.0 * out),))
TANH = _builtin("tanh", _math.tanh, lambda g, out, x: (g * (1.0 - out * out),))
SIGMOID = _builtin("sigmoid", _math.sigmoid, lambda g, out, x: (g * (1.0 - out) * out,))
SOFTPLUS = _builtin("softplus", _math.softplus, lambda g, out, x: (g * sigmoid(x),))
RELU = _builtin("relu", _math.relu, _relu_vjp)
BATCH_SUM = _builtin(
    "batch_sum", _math.batch_sum, lambda g, out, x: (g * _math.ones_like(_data(x)),), _batch_sum_jvp
)
SIN = _builtin("sin", _math.sin, lambda g, out, x: (g * cos(x),))
COS = _builtin("cos", _math.cos, lambda g, out, x: (g * -sin(x),))
IDENTITY = _builtin("id", lambda x: x, lambda g, out, x: (g,))  # gives grad() an input node of its own


# n-ary ops, fused into one node each: a neuron's weighted sum costs one node instead of 2n. Their
# value takes the inputs' numbers as sequences: sum(xs), dot(ws, xs), and dot(ws, xs, b) for w·x+b,
# whose inputs are the neuron's parameters w_1..w_n, b, then its inputs x_1..x_n. ``_weighted`` is
# where that layout is read, for both.
def _weighted(inputs: Sequence[Any]) -> tuple[Sequence[Any], Sequence[Any], Any]:
    """Inputs ``w_1..w_n, x_1..x_n`` or ``w_1..w_n, b, x_1..x_n`` -> ``(ws, xs, b or None)``."""
    n = len(inputs) // 2
    return inputs[:n], inputs[-n:] if n else (), inputs[n] if len(inputs) % 2 else None


def _weighted_local(out: Any, *inputs: Any) -> tuple[Any, ...]:
    """The local derivatives of w·x (+ b): d/dw_i = x_i, d/db = 1, d/dx_i = w_i, read off the inputs
    (batched mode's backward step takes them as they are, with no product by g = 1)."""
    ws, xs, b = _weighted(inputs)
    return (*xs, *(() if b is None else (1.0,)), *ws)


def _weighted_vjp(g: Any, out: Any, *inputs: Any) -> tuple[Any, ...]:
    return tuple(g * d for d in _weighted_local(out, *inputs))


def _weighted_into(g: float, parents: tuple[Any, ...]) -> None:  # _weighted_vjp, in place
    n = len(parents) // 2  # (the layout of _weighted, read inline: this runs for every neuron)
    for w, x in zip(parents[:n], parents[-n:], strict=False):  # (n = 0: no pair)
        w.grad += g * x._data
        x.grad += g * w._data
    if len(parents) % 2:
        parents[n].grad += g


def _weighted_order(count: int) -> list[int]:
    """The order in which ``_weighted_into`` adds to a weighted sum's ``count`` inputs: w_1, x_1, w_2,
    x_2, ..., then b. The other loops follow it, so all add a Value's contributions in one order."""
    n = count // 2
    order = [i for k in range(n) for i in (k, count - n + k)]
    return [*order, n] if count % 2 else order


def _sum_into(g: float, xs: tuple[Any, ...]) -> None:  # d/dx_i = 1, in place
    for x in xs:
        x.grad += g


def _weighted_jvp(tangents: Sequence[Any], out: Any, *inputs: Any) -> Any:
    """The tangent of w·x (+ b): sum_i (t_wi x_i + w_i t_xi) (+ t_b), the terms with a tangent only."""
    ws, xs, _ = _weighted(inputs)
    tws, txs, tb = _weighted(tangents)
    terms = [t * x for t, x in zip(tws, xs, strict=True) if t is not None]
    terms += [w * t for w, t in zip(ws, txs, strict=True) if t is not None]
    return _total(terms if tb is None else [*terms, tb])


def _sum_jvp(tangents: Sequence[Any], out: Any, *xs: Any) -> Any:
    return _total([t for t in tangents if t is not None])


def _total(terms: list[Any]) -> Any:
    """The sum of a fused op's tangent terms (None for none: no input carries a tangent)."""
    if not terms:
        return None
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def sends_nothing(g: float, out: float) -> bool:
    """Whether a fused node sends nothing back: a zero ``g`` with a finite value (finite only if all
    its inputs are, so every ``g * d`` is 0; with an inf or nan about, ``0 * inf = nan`` must still
    happen). Behind a dead ReLU, a whole neuron costs nothing backwards."""
    return g == 0.0 and -_math.INF < out < _math.INF


SUM = Op(
    "sum",
    sum,
    lambda g, out, *xs: (g,) * len(xs),
    arity=None,
    into=_sum_into,
    split=lambda xs: (xs,),
    jvp=_sum_jvp,
)
DOT = Op(
    "dot",
    _math.dot,
    _weighted_vjp,
    arity=None,
    into=_weighted_into,
    split=lambda wx: _weighted(wx)[:2],
    order=_weighted_order,
    jvp=_weighted_jvp,
    grads=_weighted_local,
)
AFFINE = Op(
    "w·x+b",
    _math.dot,
    _weighted_vjp,
    arity=None,
    into=_weighted_into,
    split=_weighted,
    order=_weighted_order,
    jvp=_weighted_jvp,
    grads=_weighted_local,
)


# Ops with a constant parameter: one Op per constant, cached (exponents and slopes are few).
@functools.lru_cache(maxsize=256)
def power_of(c: float) -> Op:
    """``x ** c`` for a constant exponent ``c``: d/dx = c * x ** (c - 1).

    Examples:
        >>> square = power_of(2.0)
        >>> square.name, square.value(3.0), square.vjp(1.0, 9.0, 3.0)
        ('**2', 9.0, (6.0,))
    """
    if c == 0.0:  # x**0 = 1 is constant: nothing passes back, also at x = 0 (where x**-1 is inf)
        return _builtin("**0", lambda x: _math.power(x, 0.0), lambda g, out, x: (0.0,))
    return _builtin(
        f"**{c:g}", lambda x: _math.power_scalar(x, c), lambda g, out, x: (g * (c * _pow_c(x, c - 1.0)),)
    )


@functools.lru_cache(maxsize=256)
def leaky_relu_of(slope: float) -> Op:
    """``x if x > 0 else slope * x``: d/dx = 1 or slope.

    Examples:
        >>> leaky_relu_of(0.1).value(-2.0), leaky_relu_of(0.1).vjp(1.0, -0.2, -2.0)
        (-0.2, (0.1,))
    """
    return _builtin(
        f"leaky_relu({slope:g})",
        lambda x: _math.leaky_relu(x, slope),
        lambda g, out, x: (g * _step(x, slope),),
    )


__all__ = [
    "MATH",
    "Op",
    "cos",
    "div",
    "exp",
    "leaky_relu_of",
    "log",
    "op",
    "power_of",
    "sends_nothing",
    "sigmoid",
    "sin",
    "sqrt",
    "tanh",
]
