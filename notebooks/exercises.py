"""The exercises of every notebook, with their reference solutions: spoilers.

A notebook gets its own with ``ex1, ex2, ex3 = exercises("02")`` (from ``teaching``). For each exercise:
what it asks for, how the engine computes the right value (the ``reference``), the mistakes learners often
make and what to tell them, a hint, and a reference solution: the source of a whole answer cell, which
``ex2.solution()`` prints and the tests put into the notebook to check that it says "right".

Each reference is computed here from scratch, with the engine, so that a learner who redefines ``f`` or
``x`` in the notebook cannot change what counts as right. Only a trained model is passed in by the check
cell (``ex3.check(answer, model=big)``), because training it again would take as long as the notebook.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from teaching import Exercise, FunctionExercise, Mistake, RuleExercise

import autograd
import nn
from autograd import Value, grad, hessian, jacfwd, jacobian, jvp
from nn.losses import binary_cross_entropy, hinge_loss, mse_loss
from nn.optim import SGD, LinearLR


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


# 01: derivatives by nudging ---------------------------------------------------------------------------


def _central(f: Callable[[float], float], x: float, h: float) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


def cube(x: float) -> float:
    """The probe of the slope exercise: its forward and central differences differ in the second digit."""
    return x**3


def _f01(x: Any) -> Any:
    return x**3 - 4 * x + 5


def _g01(a: Any, b: Any) -> Any:
    return a * b + b**2


def _tanh_neuron() -> tuple[float, float]:
    """dL/dw of notebook 01's tanh neuron, by the engine, and its output y_hat."""
    w = Value(0.5)
    y_hat = (w * 3.0).tanh()
    ((y_hat - 2.0) ** 2).backward()
    return w.grad, y_hat.data


_Y01 = math.tanh(1.5)
_EXACT = {cube: lambda x: 3 * x**2, math.sin: math.cos}  # the probes' slopes, from calculus

NB01 = (
    FunctionExercise(
        "the central difference of f at x, with step h",
        signature="slope(f, x, h)",
        reference=_central,
        probes=[(cube, 1.0, 0.1), (cube, 1.0, 0.01), (math.sin, 0.5, 0.1)],
        mistakes=[
            Mistake(
                lambda f, x, h: (f(x + h) - f(x)) / h,
                "returns a forward difference, (f(x + h) - f(x)) / h: it nudges x to the right only. "
                "Nudge both ways and divide by the whole run.",
            ),
            Mistake(
                lambda f, x, h: (f(x) - f(x - h)) / h,
                "returns a backward difference, (f(x) - f(x - h)) / h: it nudges x to the left only. "
                "Nudge both ways and divide by the whole run.",
            ),
            Mistake(
                lambda f, x, h: (f(x + h) - f(x - h)) / h,
                "returns twice the central difference: from x - h to x + h the run is 2 * h, not h.",
            ),
            Mistake(
                lambda f, x, h: (f(x + h) - f(x)) / (2 * h),
                "returns half a forward difference: nudge to both sides, f(x + h) - f(x - h), over 2 * h.",
            ),
            Mistake(
                lambda f, x, h: _EXACT[f](x),
                "returns the exact slope, not an estimate from nudging: use f(x + h) and f(x - h), with "
                "the h it is given.",
            ),
        ],
        hint="Nudge x by h to the right and to the left: the rise f(x + h) - f(x - h), over the run from "
        "x - h to x + h.",
        solution="""
def slope(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)  # rise over the run from x - h to x + h
""",
    ),
    Exercise(
        "dg/db at a = 1.5, b = 0.5",
        reference=lambda: grad(_g01, argnums=1)(1.5, 0.5),
        mistakes=[
            Mistake(lambda: 0.5, "That is dg/da (it is b): hold a still and nudge b instead."),
            Mistake(lambda: 1.5 + 0.5, "The slope of b**2 is 2 * b, not b."),
            Mistake(
                lambda: 2 * 0.5,
                "That is the slope of b**2 alone (it is also g itself): a * b has a slope in b too.",
            ),
            Mistake(lambda: 1.5, "That is the slope of a * b alone: b**2 has a slope in b too."),
        ],
        hint="The section 'A function of two inputs' wrote out both partial slopes of g: take the one for b, "
        "at a = 1.5 and b = 0.5.",
        solution="""
a, b = 1.5, 0.5
answer = a + 2 * b  # dg/db: a from a * b, 2b from b**2
""",
    ),
    Exercise(
        "dL/dw for the tanh neuron",
        reference=lambda: _tanh_neuron()[0],
        mistakes=[
            Mistake(
                lambda: -_tanh_neuron()[0],
                "The sign is flipped: seed 000 writes 2 * (actual - predicted), but the slope of "
                "(y_hat - t)**2 in y_hat is 2 * (y_hat - t), predicted minus actual.",
            ),
            Mistake(
                lambda: 3.0 * 2 * (_Y01 - 2.0),
                "The activation slope is missing: tanh's is 1 - y_hat**2 (relu's was 1).",
            ),
            Mistake(lambda: 2 * (_Y01 - 2.0) * (1 - _Y01**2), "The input node value x = 3 is missing."),
            Mistake(
                lambda: 3.0 * (_Y01 - 2.0) * (1 - _Y01**2),
                "The 2 from the square is missing: the slope of (y_hat - t)**2 is 2 * (y_hat - t).",
            ),
            Mistake(
                lambda: 3.0 * 2 * (_Y01 - 2.0) * _Y01 * (1 - _Y01),
                "That uses the sigmoid's slope y_hat * (1 - y_hat); tanh's is 1 - y_hat**2.",
            ),
        ],
        hint="Three factors, as in the relu example: input node value * slope of output node * activation "
        "slope, with 2 * (y_hat - t) for the slope of the output node and 1 - y_hat**2 for tanh.",
        solution="""
y_hat = math.tanh(0.5 * 3.0)
answer = 3.0 * 2 * (y_hat - 2.0) * (1 - y_hat**2)  # input * slope of output node * tanh's slope
""",
    ),
)


# 02: the graph ----------------------------------------------------------------------------------------


def _micrograd_f() -> Value:
    """f from micrograd's README expression, after g.backward(): f.grad is dg/df."""
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    f = (c - d) ** 2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return f


def _f02() -> float:
    return _micrograd_f().data


def _path_sum(p: float, q: float) -> float:
    pv = Value(p)
    (pv * q + pv).backward()
    return pv.grad


def _cube_grad(s: float) -> float:
    sv = Value(s)
    (sv * sv * sv).backward()
    return sv.grad


NB02 = (
    Exercise(
        "dg/df",
        reference=lambda: _micrograd_f().grad,
        mistakes=[
            Mistake(
                lambda: 0.5,
                "That is only the path through f / 2: f is used twice, so add the path through 10 / f.",
            ),
            Mistake(
                lambda: -10 / _f02() ** 2, "That is only the path through 10 / f: add the path through f / 2."
            ),
            Mistake(
                lambda: 0.5 + 10 / _f02() ** 2, "The slope of 10 / f is -10 / f**2: it falls as f grows."
            ),
            Mistake(lambda: 0.5 - 10 / _f02(), "The slope of 10 / f is -10 / f**2, with f squared."),
        ],
        hint="The value f feeds two operations, f / 2 (slope 1/2) and 10 / f (slope -10 / f**2): add the "
        "two, with f.data for f.",
        solution="""
answer = 1 / 2 + (-10 / f.data**2)  # the path through f / 2, plus the path through 10 / f
""",
    ),
    Exercise(
        "dr/dp",
        reference=lambda: _path_sum(2.0, 5.0),
        mistakes=[
            Mistake(lambda: 5.0, "That is only the path through p * q: the + p adds a path of its own."),
            Mistake(lambda: 1.0, "That is only the path through + p: p * q adds a path too."),
            Mistake(lambda: 2.0 + 1.0, "Along p * q the slope in p is q (the other factor), not p."),
            Mistake(lambda: 12.0, "That is r itself, not its slope."),
        ],
        hint="The input p is used twice: add the slope along each path, through p * q and through + p.",
        solution="""
answer = 5.0 + 1.0  # through p * q the slope is q = 5, through + p it is 1
""",
    ),
    Exercise(
        "dt/ds at s = 2",
        reference=lambda: _cube_grad(2.0),
        mistakes=[
            Mistake(lambda: 4.0, "That is one path: s is used three times, and each use brings a path."),
            Mistake(
                lambda: 8.0, "That is t itself (s**3), or two of the three paths: s is used three times."
            ),
            Mistake(lambda: 6.0, "Each path carries the product of the other two factors, s * s, not s."),
        ],
        hint="Three uses of s: each path carries the product of the other two factors. Or take the slope of "
        "s**3.",
        solution="""
answer = 3 * 2.0**2  # three paths, each contributing s * s = 4
""",
    ),
)


# 03: backprop by hand vs the engine ---------------------------------------------------------------------

_START = {"w11": 0.2, "w21": 0.2, "w12": 0.3, "w22": 0.3, "w13": 0.3, "w23": 0.9}


def _seed001(target: float = 0.5) -> dict[str, Value]:
    """Seed 001's network as Values, after E.backward(): every node's data and grad."""
    v = {name: Value(value) for name, value in _START.items()}
    x1, x2 = 0.35, 0.7
    v["a1"] = v["w11"] * x1 + v["w21"] * x2
    v["y3"] = v["a1"].sigmoid()
    v["a2"] = v["w12"] * x1 + v["w22"] * x2
    v["y4"] = v["a2"].sigmoid()
    v["a3"] = v["w13"] * v["y3"] + v["w23"] * v["y4"]
    v["y5"] = v["a3"].sigmoid()
    ((target - v["y5"]) ** 2 / 2).backward()
    return v


def _n03(name: str) -> float:
    return _seed001()[name].data


def _delta5(target: float = 0.5) -> float:
    y5 = _n03("y5")
    return y5 * (1 - y5) * (target - y5)


_ROUNDED = (
    "Close, but only to a few digits: use Part 1's unrounded variables, not the article's rounded numbers."
)


def _log1pxy(x: Any, y: Any) -> Any:
    """The value of notebook 03's own op, log(1 + x*y): on numbers, or arrays in batched mode."""
    return np.log(1 + x * y)


NB03 = (
    Exercise(
        "dE/dw13",
        reference=lambda: _seed001()["w13"].grad,
        mistakes=[
            Mistake(
                lambda: _delta5() * _n03("y3"), "The sign is flipped: delta5 is minus the slope of E in a3."
            ),
            Mistake(lambda: -_delta5(), "The value that flows along w13, y3, is missing."),
            Mistake(lambda: -_delta5() * _n03("y4"), "That uses y4, the value on w23: w13 carries y3."),
            Mistake(lambda: _seed001()["w13"].grad, _ROUNDED, rel=0.05),
        ],
        hint="E reaches w13 through a3 = w13 * y3 + w23 * y4, so dE/dw13 = dE/da3 * y3, and dE/da3 is "
        "-delta5.",
        solution="""
answer = -delta5 * y3  # dE/da3 = -delta5, and a3 = w13 * y3 + ...: times y3
""",
    ),
    Exercise(
        "delta4",
        reference=lambda: -_seed001()["a2"].grad,  # delta_j = -dE/da_j
        mistakes=[
            Mistake(
                lambda: -0.0819,
                "That is the article's number, ten times too large: redo its arithmetic "
                "with the unrounded values.",
            ),
            Mistake(lambda: -10 * _seed001()["a2"].grad, "That is ten times too large, as the article's is."),
            Mistake(
                lambda: _seed001()["a2"].grad,
                "The sign is flipped: delta4 takes the sign of delta5 (every other factor is positive).",
            ),
            Mistake(lambda: 0.9 * _delta5(), "The sigmoid's slope at h2, y4 * (1 - y4), is missing."),
            Mistake(
                lambda: _n03("y4") * (1 - _n03("y4")) * 0.3 * _delta5(),
                "That uses w13 = 0.3: h2 reaches the output through w23 = 0.9.",
            ),
            Mistake(lambda: -_seed001()["a2"].grad, _ROUNDED, rel=0.05),
        ],
        hint="As the answer cell says, delta4 = y4 * (1 - y4) * w23 * delta5: the sigmoid's slope at h2, "
        "times the weight from h2 to the output, times the output's error term. Use Part 1's unrounded y4 "
        "and delta5.",
        solution="""
answer = y4 * (1 - y4) * 0.9 * delta5  # the slope of h2's sigmoid * w23 * delta5
""",
    ),
    Exercise(
        "dE/dw23 with target 0.7",
        reference=lambda: _seed001(target=0.7)["w23"].grad,
        mistakes=[
            Mistake(
                lambda: _seed001()["w23"].grad, "That is the slope for the old target, 0.5: use t = 0.7."
            ),
            Mistake(
                lambda: -_seed001(target=0.7)["w23"].grad,
                "The sign is flipped: E = (t - y5)**2 / 2, so dE/dy5 = -(t - y5).",
            ),
            Mistake(lambda: -_delta5(0.7), "The value that flows along w23, y4, is missing."),
            Mistake(lambda: -_delta5(0.7) * _n03("y3"), "That uses y3: w23 carries y4, from h2."),
            Mistake(
                lambda: -(0.7 - _n03("y5")) * _n03("y4"),
                "The sigmoid's slope at the output, y5 * (1 - y5), is missing.",
            ),
            Mistake(
                lambda: 2 * _seed001(target=0.7)["w23"].grad,
                "That is twice too large: the 1/2 in E cancels the 2 from the square.",
            ),
            Mistake(lambda: _seed001(target=0.7)["w23"].grad, _ROUNDED, rel=0.05),
        ],
        hint="Follow the formula in the question, -(t - y5) * y5 * (1 - y5) * y4, with t = 0.7 and Part 1's "
        "unrounded y4 and y5.",
        solution="""
answer = -(0.7 - y5) * y5 * (1 - y5) * y4  # the forward pass is unchanged: only t moves
""",
    ),
    RuleExercise(
        "the local derivatives of log(1 + x*y)",
        signature="grads(out, x, y)",
        value=_log1pxy,
        # where 1 + x*y > 0; no derivative there equals a coordinate (a message names the point)
        points=[(0.5, 1.5), (-0.4, 0.9), (1.2, 0.7)],
        reference=lambda out, x, y: (y / (1 + x * y), x / (1 + x * y)),
        mistakes=[
            Mistake(
                lambda out, x, y: (1 / (1 + x * y), 1 / (1 + x * y)),
                "leaves out the inner derivative: log's slope 1 / (1 + x*y) must be multiplied by how "
                "1 + x*y moves with that input.",
            ),
            Mistake(
                lambda out, x, y: (y / (1 + x * y), 1 / (1 + x * y)),
                "leaves out the inner derivative for y: 1 + x*y moves with y at the rate x.",
            ),
            Mistake(
                lambda out, x, y: (1 / (1 + x * y), x / (1 + x * y)),
                "leaves out the inner derivative for x: 1 + x*y moves with x at the rate y.",
            ),
            Mistake(
                lambda out, x, y: (x / (1 + x * y), y / (1 + x * y)),
                "swaps them: nudging x moves x*y at the rate y, so y goes with d out/dx.",
            ),
            Mistake(
                lambda out, x, y: (y / out, x / out),
                "divides by out, log(1 + x*y): the slope of log(u) is 1 / u, with u = 1 + x*y itself.",
            ),
            Mistake(
                lambda out, x, y: (y * out, x * out),
                "multiplies by out: the slope of log(u) is 1 / u (out would be exp's rule).",
            ),
        ],
        hint="The chain rule inside the op: log(u) has slope 1 / u, and u = 1 + x*y moves with x at the "
        "rate y and with y at the rate x. Write each with + - * / on x and y.",
        solution="""
def grads(out, x, y):
    u = 1 + x * y  # the inside of the log
    return y / u, x / u  # d out/dx, d out/dy: log's slope 1/u times u's slope in each input
""",
    ),
)


# 04: XOR ------------------------------------------------------------------------------------------------


def _start_001() -> tuple[Any, Any]:
    """Seed 001's starting weights as notebook 04 draws them."""
    rng = np.random.default_rng(1)
    return rng.standard_normal((2, 4)), rng.standard_normal((4, 1))


def _xor_net() -> nn.MLP:
    w1, w2 = _start_001()
    model = nn.MLP(2, [4, 1], activation="sigmoid", out_activation="sigmoid", seed=0)
    for j, neuron in enumerate(model.layers[0].neurons):
        for i, w in enumerate(neuron.w):
            w.data = float(w1[i, j])
    for i, w in enumerate(model.layers[1].neurons[0].w):
        w.data = float(w2[i, 0])
    return model


def _xor_grads(per_sample: float = 1.0) -> nn.MLP:
    """The XOR network at seed 001's start, after backward() of per_sample * E (E: half the summed
    squared error)."""
    model = _xor_net()
    X, y = nn.data.xor()
    errors = [(model(row) - target) ** 2 for row, target in zip(X, y, strict=True)]
    (0.5 * per_sample * autograd.sum(errors)).backward()
    return model


def _output_bias_grad() -> float:
    return _xor_grads().layers[1].neurons[0].b.grad


def _mean_rate() -> float:
    summed = _xor_grads().layers[0].neurons[0].w[0].grad
    mean = _xor_grads(per_sample=1 / 4).layers[0].neurons[0].w[0].grad
    return 0.1 * summed / mean  # the rate that gives the mean loss the same step as the sum with 0.1


NB04 = (
    Exercise(
        "dE/d(output bias) at the start",
        reference=_output_bias_grad,
        mistakes=[
            Mistake(
                lambda: -_output_bias_grad(),
                "The sign is flipped: output_delta is minus the slope, so the slope is minus its sum.",
            ),
            Mistake(lambda: _output_bias_grad() / 4, "That is the mean over the samples: E adds them up."),
        ],
        hint="The bias adds 1 times itself to the output's weighted sum, so each sample contributes "
        "-output_delta times 1: add that up over the four samples.",
        solution="""
hidden = sigmoid(X @ w1_start_001)  # the biases are 0 at the start
out = sigmoid(hidden @ w2_start_001)
output_delta = (y - out) * out * (1 - out)
answer = float(-np.sum(output_delta))  # minus the sum over the four samples
""",
    ),
    Exercise(
        "the learning rate for the mean loss",
        reference=_mean_rate,
        mistakes=[
            Mistake(
                lambda: 0.1 / 4,
                "That makes the steps 16 times smaller: the mean divides every gradient "
                "by 4, so the learning rate has to make up for it, not add to it.",
            ),
            Mistake(lambda: 0.1, "With the same rate, the mean's steps are 4 times smaller than the sum's."),
            Mistake(lambda: 0.2, "The 1/2 is in both losses: only the 1/4 of the mean differs."),
        ],
        hint="E_mean = E / 4, so every gradient is divided by 4; a step is the learning rate times the "
        "gradient.",
        solution="""
answer = 0.1 * 4  # the mean divides every gradient by 4, so the learning rate must be 4 times larger
""",
    ),
    Exercise(
        "the number of parameters",
        reference=lambda: _xor_net().num_parameters(),
        mistakes=[
            Mistake(
                lambda: 2 * 4 + 4 * 1, "Those are the weights only: each of the 5 neurons has a bias too."
            ),
            Mistake(lambda: 2 * 4 + 4 * 1 + 1, "Each hidden neuron has a bias too, not only the output."),
            Mistake(lambda: 2 * 4 + 4 + 4 * 1, "The output neuron has a bias too."),
            Mistake(lambda: 2 + 4 + 1, "That counts the inputs and neurons: count their weights and biases."),
        ],
        hint="Each neuron has one weight per input and one bias: 4 hidden neurons with 2 inputs each, and 1 "
        "output neuron with 4 inputs.",
        solution="""
answer = 2 * 4 + 4 + 4 * 1 + 1  # hidden weights, hidden biases, output weights, output bias
""",
    ),
)


# 05: the moons classifier -------------------------------------------------------------------------------


def _hinge_slope() -> float:
    s = Value(0.3)
    hinge_loss([s], [-1.0]).backward()
    return s.grad


def _demo_rate(k: int) -> float:
    """The learning rate of epoch k + 1 (k steps of the schedule done) in the notebook's training."""
    optimizer = SGD([Value(0.0)], lr=1.0)
    schedule = LinearLR(optimizer, start_factor=1.0, end_factor=0.1, total_iters=100)
    for _ in range(k):
        schedule.step()
    return optimizer.lr


_WEIGHTS_05 = 2 * 16 + 16 * 16 + 16 * 1

NB05 = (
    Exercise(
        "the number of parameters",
        reference=lambda: nn.MLP(2, [16, 16, 1], seed=0).num_parameters(),
        mistakes=[
            Mistake(lambda: _WEIGHTS_05, "Those are the weights only: add one bias per neuron."),
            Mistake(lambda: _WEIGHTS_05 + 32, "The output neuron has a bias too."),
            Mistake(
                lambda: (2 * 16 + 16) + (16 * 16 + 16),
                "The output layer (one neuron with 16 inputs) is missing.",
            ),
            Mistake(lambda: 16 + 16 + 1, "That counts the neurons: count their weights and biases."),
        ],
        hint="Layer by layer: (inputs * neurons) weights plus one bias per neuron. The layers go 2 -> 16, "
        "16 -> 16 and 16 -> 1.",
        solution="""
answer = (2 * 16 + 16) + (16 * 16 + 16) + (16 * 1 + 1)  # weights + biases, layer by layer
""",
    ),
    Exercise(
        "d L / d s",
        reference=_hinge_slope,
        mistakes=[
            Mistake(
                lambda: 0.0,
                "The hinge is flat only on the right side with margin: this point is on the "
                "wrong side, where 1 - t s > 0.",
            ),
            Mistake(lambda: 1.3, "That is the loss itself, not its slope."),
            Mistake(
                lambda: -_hinge_slope(),
                "The sign is flipped: the loss is 1 - t s, and t itself is negative here.",
            ),
        ],
        hint="While 1 - t s > 0 the loss is 1 - t s, a straight line in s: its slope is the number that "
        "multiplies s, with its sign.",
        solution="""
t_point, s_point = -1.0, 0.3
answer = -t_point  # d/ds (1 - t s) = -t
""",
    ),
    Exercise(
        "the learning rate at k = 50",
        reference=lambda: _demo_rate(50),
        mistakes=[
            Mistake(lambda: _demo_rate(51), "That is k = 51: the 51st epoch has k = 50, as k starts at 0."),
            Mistake(lambda: _demo_rate(49), "That is k = 49: the 51st epoch has k = 50."),
            Mistake(lambda: 0.9 * 50 / 100, "That is how far the rate has fallen, not the rate."),
            Mistake(lambda: 0.5, "The rate falls from 1.0 to 0.1, not to 0: halfway is not 0.5."),
        ],
        hint="Put k = 50 into eta_k = 1.0 - 0.9 * k / 100.",
        solution="""
answer = 1.0 - 0.9 * 50 / 100
""",
    ),
)


# 06: losses and optimizers ------------------------------------------------------------------------------


def _seed002(steps: int) -> float:
    """dL/db of seed 002's neuron (BCE, lr 0.1) after ``steps`` updates, by the engine."""
    neuron = nn.Neuron(2, activation="sigmoid")
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 0.5, -0.5, 0.1
    optimizer = SGD(neuron.parameters(), lr=0.1)
    for _ in range(steps):
        binary_cross_entropy([neuron([1.0, 2.0])], [1.0]).backward()
        optimizer.step()
        neuron.zero_grad()
    binary_cross_entropy([neuron([1.0, 2.0])], [1.0]).backward()
    return neuron.b.grad


def _seed002_uphill() -> float:
    """dL/db at the second step, had the first step gone up the slope (a plus for the minus)."""
    x, w, b = np.array([1.0, 2.0]), np.array([0.5, -0.5]), 0.1
    error = _sigmoid(float(x @ w + b)) - 1.0
    return _sigmoid(float(x @ (w + 0.1 * error * x) + b + 0.1 * error)) - 1.0


def _mse_slope(z: float) -> float:
    return float(grad(lambda v: mse_loss([v.sigmoid()], [1.0]))(z))


def _momentum(steps: int = 3, momentum: float = 0.9) -> float:
    p = Value(0.0)
    optimizer = SGD([p], lr=0.1, momentum=momentum)
    for _ in range(steps):
        p.grad = 1.0
        optimizer.step()
    return p.data


_Y06 = _sigmoid(-4.0)

NB06 = (
    Exercise(
        "d L / d b at the second step",
        reference=lambda: _seed002(1),
        mistakes=[
            Mistake(
                lambda: _seed002(0),
                "That is the first step's slope: take the step (new weights and bias) "
                "first, then run the neuron forward again.",
            ),
            Mistake(_seed002_uphill, "That step went uphill: the update is w - 0.1 * dL/dw, a minus."),
        ],
        hint="Take one step (weights - 0.1 * grad_w, bias - 0.1 * grad_b), run the neuron forward again "
        "(z, then y_hat = sigmoid(z)), and use the seed's formula dL/db = y_hat - y.",
        solution="""
w2 = weights - learning_rate * grad_w
b2 = bias - learning_rate * grad_b
answer = 1 / (1 + np.exp(-(np.dot(X_np, w2) + b2))) - y_true  # y_hat - y, after the first step
""",
    ),
    Exercise(
        "MSE dL/dz at z = -4",
        reference=lambda: _mse_slope(-4.0),
        mistakes=[
            Mistake(
                lambda: _Y06 - 1,
                "That is cross-entropy's slope, y_hat - y: the squared error keeps the "
                "sigmoid's slope y_hat * (1 - y_hat).",
            ),
            Mistake(lambda: (_Y06 - 1) * _Y06 * (1 - _Y06), "The 2 from the square is missing."),
            Mistake(
                lambda: _mse_slope(4.0), "That is z = +4: y_hat = sigmoid(-4) = 1 / (1 + e**4) is small."
            ),
        ],
        hint="First y_hat = sigmoid(-4) = 1 / (1 + e**4); then multiply 2 * (y_hat - 1), y_hat and "
        "(1 - y_hat).",
        solution="""
y_hat = 1 / (1 + math.exp(4.0))
answer = 2 * (y_hat - 1) * y_hat * (1 - y_hat)
""",
    ),
    Exercise(
        "p after 3 momentum steps",
        reference=_momentum,
        mistakes=[
            Mistake(
                lambda: _momentum(momentum=0.0),
                "That is plain SGD: with momentum, v grows every step (v = 0.9 * v + g).",
            ),
            Mistake(
                lambda: -_momentum(),
                "The sign is flipped: each step goes against the velocity, p = p - lr * v.",
            ),
            Mistake(lambda: -0.1 * 2.71, "That is the third step alone: p moves at every step."),
            Mistake(lambda: 2.71, "That is the velocity after three steps, not p."),
        ],
        hint="Track v and p step by step: v starts at 1 (the first gradient); each step moves p by -0.1 * v, "
        "and the next v is 0.9 * v + 1.",
        solution="""
v1 = 1.0
v2 = 0.9 * v1 + 1.0
v3 = 0.9 * v2 + 1.0
answer = -0.1 * (v1 + v2 + v3)  # every step moves p by -lr * v
""",
    ),
)


# 07: vanishing gradients --------------------------------------------------------------------------------


def _chain_slopes(slope: Any, activation: Any, x: float, start_each_at_x: bool = False) -> float:
    """The product of three slopes along a chain of three activations, by hand (for the mistakes)."""
    product, value = 1.0, x
    for _ in range(3):
        product *= slope(x if start_each_at_x else value)
        value = activation(value)
    return product


def _sigmoid_slope(z: float) -> float:
    return _sigmoid(z) * (1 - _sigmoid(z))


def _tanh_slope(z: float) -> float:
    return 1 - math.tanh(z) ** 2


def _accuracy(model: Any, X: Any, y: Any) -> float:
    return float(np.mean((model.predict(X) > 0) == (y == 1)))


def _gap(model: Any) -> float:
    X_train, y_train = nn.data.moons(30, noise=0.3, seed=1)
    X_test, y_test = nn.data.moons(200, noise=0.3, seed=2)
    return _accuracy(model, X_train, y_train) - _accuracy(model, X_test, y_test)


NB07 = (
    Exercise(
        "d/dx sigmoid(sigmoid(sigmoid(x))) at 0",
        reference=lambda: grad(lambda x: x.sigmoid().sigmoid().sigmoid())(0.0),
        mistakes=[
            Mistake(
                lambda: 0.25**3,
                "That is 1/4 three times, as if every sigmoid saw 0: the second one sees "
                "s1 = sigmoid(0), the third s2.",
            ),
            Mistake(lambda: 0.25, "That is the first sigmoid's slope alone: multiply in the other two."),
            Mistake(lambda: _sigmoid(_sigmoid(_sigmoid(0.0))), "That is the value of f, not its slope."),
        ],
        hint="Go forward first: s1 = sigmoid(0), s2 = sigmoid(s1), s3 = sigmoid(s2). Then multiply the three "
        "slopes s_k * (1 - s_k).",
        solution="""
def sigmoid(z):
    return 1 / (1 + math.exp(-z))


s1 = sigmoid(0.0)
s2 = sigmoid(s1)
s3 = sigmoid(s2)
answer = s1 * (1 - s1) * s2 * (1 - s2) * s3 * (1 - s3)
""",
    ),
    Exercise(
        "d/dx tanh(tanh(tanh(x))) at 0.5",
        reference=lambda: grad(lambda x: x.tanh().tanh().tanh())(0.5),
        mistakes=[
            Mistake(
                lambda: _chain_slopes(_tanh_slope, math.tanh, 0.5, start_each_at_x=True),
                "That is the slope at 0.5 three times: the second tanh sees t1 = tanh(0.5), the third t2.",
            ),
            Mistake(
                lambda: _tanh_slope(0.5), "That is the first tanh's slope alone: multiply in the other two."
            ),
            Mistake(lambda: math.tanh(math.tanh(math.tanh(0.5))), "That is the value of g, not its slope."),
            Mistake(
                lambda: _chain_slopes(_sigmoid_slope, _sigmoid, 0.5),
                "That uses the sigmoid's slopes: tanh's slope is 1 - t**2.",
            ),
        ],
        hint="Go forward first: t1 = tanh(0.5), t2 = tanh(t1), t3 = tanh(t2). Then multiply the three slopes "
        "1 - t_k**2.",
        solution="""
t1 = math.tanh(0.5)
t2 = math.tanh(t1)
t3 = math.tanh(t2)
answer = (1 - t1**2) * (1 - t2**2) * (1 - t3**2)
""",
    ),
    Exercise(
        "training minus test accuracy",
        reference=_gap,
        mistakes=[
            Mistake(
                lambda model: -_gap(model),
                "That is test minus training: the model does better on the points it trained on.",
            ),
            Mistake(
                lambda model: 100 * _gap(model), "Accuracies here are fractions, from 0 to 1, not percent."
            ),
            Mistake(
                lambda model: _accuracy(model, *nn.data.moons(30, noise=0.3, seed=1)),
                "That is the training accuracy alone: subtract the test accuracy.",
            ),
            Mistake(
                lambda model: _accuracy(model, *nn.data.moons(200, noise=0.3, seed=2)),
                "That is the test accuracy alone: the gap is training minus test.",
            ),
        ],
        hint="Accuracy is the fraction of points whose predicted class (score > 0) equals the label: compute "
        "it on the training set and on the test set, and subtract.",
        solution="""
train_accuracy = np.mean((big.predict(X_train) > 0) == (y_train == 1))
test_accuracy = np.mean((big.predict(X_test) > 0) == (y_test == 1))
answer = train_accuracy - test_accuracy
""",
    ),
)


# 08: beyond first derivatives ---------------------------------------------------------------------------

NB08 = (
    Exercise(
        "the third derivative of sin at 0.5",
        reference=lambda: grad(grad(grad(lambda x: x.sin())))(0.5),
        mistakes=[
            Mistake(lambda: math.cos(0.5), "That is the first derivative of sin: apply grad three times."),
            Mistake(lambda: -math.sin(0.5), "That is the second derivative: one more grad."),
            Mistake(
                lambda: math.sin(0.5),
                "That is sin itself (or its fourth derivative): apply grad three times.",
            ),
        ],
        hint="Since grad(f) is a function again, grad(grad(grad(f))) is the third derivative; f must use "
        "Value methods: lambda x: x.sin().",
        solution="""
answer = grad(grad(grad(lambda x: x.sin())))(0.5)
""",
    ),
    Exercise(
        "the cube root of 10",
        reference=lambda: 10 ** (1 / 3),
        mistakes=[
            Mistake(lambda: math.sqrt(10), "That is the square root of 10: the function is x**3 - 10."),
            Mistake(lambda: 2.0, "That is the starting guess: newton_root returns the root it finds."),
        ],
        hint="The call newton_root(f, x) starts at x and returns the root it finds; f must use Value "
        "operations: lambda x: x**3 - 10.",
        solution="""
answer = newton_root(lambda x: x**3 - 10, 2.0)
""",
    ),
    Exercise(
        "d2f / dx dy at (2, 0.5)",
        reference=lambda: hessian(lambda x, y: x * y.exp())(2.0, 0.5)[0, 1],
        mistakes=[
            Mistake(
                lambda: 2 * math.exp(0.5),
                "That is d2f/dy2 (row 1, column 1), or f itself: the mixed derivative is off the diagonal.",
            ),
            Mistake(
                lambda: 0.0, "That is d2f/dx2 (row 0, column 0): the mixed derivative is off the diagonal."
            ),
        ],
        hint="The result of hessian(f)(2.0, 0.5) is a 2 x 2 array; the mixed derivative sits off the "
        "diagonal: row 0, column 1.",
        solution="""
answer = hessian(lambda x, y: x * y.exp())(2.0, 0.5)[0, 1]
""",
    ),
)


# 09: forward mode and reverse mode ----------------------------------------------------------------------


def _passes(jacobian_of: Callable[..., Any], n: int, m: int) -> dict[str, int]:
    """The passes ``jacobian_of`` (``jacfwd``, ``jacrev`` or ``jacobian``) makes for a function of ``n``
    inputs and ``m`` outputs, each output depending on every input, counted as notebook 9's ``Counted``
    counts them: the runs of the function, the forward passes that carry a tangent to its first output
    (an identity op whose tangent rule counts) and the backward passes that bring a gradient back to
    its first input (a hook there)."""
    counts = {"runs": 0, "forward": 0, "backward": 0}

    def carried(tangents: Any, out: Any, x: Any) -> Any:
        counts["forward"] += 1
        return tangents[0]

    def reached(g: Any) -> None:
        counts["backward"] += 1

    tick = autograd.op("tick", lambda x: x, grads=lambda out, x: 1.0, jvp=carried)

    def f(*xs: Any) -> tuple[Any, ...]:
        counts["runs"] += 1
        xs[0].register_hook(reached)
        total = autograd.sum(xs)
        return (tick(total), *(total * (k + 1) for k in range(1, m)))

    jacobian_of(f)(*[0.5] * n)
    return counts


def _f09(x: Any, y: Any) -> tuple[Any, Any]:
    return x * y, x * x * y


def _along(direction: tuple[float, float], output: int = 1) -> float:
    """The tangent of _f09's output ``output`` at (1.5, 2) along ``direction``, by jvp."""
    return float(jvp(_f09, (1.5, 2.0), direction)[1][output])


NB09 = (
    Exercise(
        "the ε part of (3 + 2ε)(5 + 4ε)",
        reference=lambda: jvp(lambda a, b: a * b, (3.0, 5.0), (2.0, 4.0))[1],
        mistakes=[
            Mistake(
                lambda: 2.0 * 4.0,
                "That multiplies the two ε parts, which makes the ε² term: it is 0. The ε part of the "
                "product has one ε in it: each number times the other's ε part.",
            ),
            Mistake(lambda: 3.0 * 5.0, "That is the value part, 3 * 5: the question asks for the ε part."),
            Mistake(
                lambda: 2.0 + 4.0,
                "That adds the ε parts, as a sum would: a product follows the product rule.",
            ),
            Mistake(
                lambda: 3.0 * 2.0 + 5.0 * 4.0,
                "That pairs each number with its own ε part: pair it with the other number's.",
            ),
            Mistake(lambda: 3.0 * 4.0, "That is one of the two ε terms, 3 * 4ε: add the other, 2ε * 5."),
            Mistake(lambda: 2.0 * 5.0, "That is one of the two ε terms, 2ε * 5: add the other, 3 * 4ε."),
        ],
        hint="Multiply (3 + 2ε)(5 + 4ε) out term by term, as you would (a + b)(c + d), and drop the ε² term: "
        "what is left in front of ε?",
        solution="""
answer = (Dual(3.0, 2.0) * Dual(5.0, 4.0)).tangent  # 3 * 4 + 2 * 5: the ε² term, 2 * 4 ε², is dropped
""",
    ),
    Exercise(
        "the number of forward passes jacfwd makes",
        reference=lambda: _passes(jacfwd, 5, 3)["forward"],
        mistakes=[
            Mistake(
                lambda: 3,
                "That is the number of outputs, which is what reverse mode counts (one backward pass per "
                "output): jacfwd makes one pass per input, even where that is more.",
            ),
            Mistake(
                lambda: 1 + 3,
                "That is jacrev's count (one run to record the graph, then one backward pass per output): "
                "jacfwd makes one forward pass per input.",
            ),
            Mistake(
                lambda: 5 * 3,
                "That is one pass per entry of the Jacobian: one forward pass gives a whole column, every "
                "output at once.",
            ),
            Mistake(
                lambda: 1,
                "One forward pass gives one column of the Jacobian, the derivatives along one input: "
                "count the columns.",
            ),
            Mistake(
                lambda: 5 + 1,
                "That counts the run that records the graph as well: it carries no tangent. One forward "
                "pass per input over that graph, and that is all.",
            ),
        ],
        hint="One forward pass gives one column of the Jacobian: every output's derivative along one input. "
        "How many columns has the Jacobian of a function with 5 inputs and 3 outputs?",
        solution="""
f = Counted(network(5, 3))  # 5 inputs, 3 outputs
jacfwd(f)(*np.linspace(-1, 1, 5))
answer = f.forward  # one pass per input, each giving a column
""",
    ),
    Exercise(
        "the number of backward passes jacobian makes",
        reference=lambda: _passes(jacobian, 30, 2)["backward"],
        mistakes=[
            Mistake(
                lambda: 30,
                "That is forward mode's count, one pass per input (and those are forward passes, not "
                "backward ones): jacobian picks the mode with fewer passes.",
            ),
            Mistake(
                lambda: 1 + 2,
                "That counts the run that records the graph as well: it is not a backward pass.",
            ),
            Mistake(
                lambda: 1,
                "One backward pass gives the gradient of one output, one row of the Jacobian: count the "
                "rows.",
            ),
            Mistake(
                lambda: 30 * 2,
                "That is one pass per entry of the Jacobian: a backward pass gives a whole row, every "
                "input at once.",
            ),
            Mistake(
                lambda: 0,
                "No backward pass at all is what jacobian makes when it picks forward mode, for fewer inputs "
                "than outputs: here the outputs are fewer.",
            ),
        ],
        hint="jacobian compares the two ways and takes the one with fewer passes: forward mode makes one "
        "pass per input, reverse mode one backward pass per output. Which is fewer for 30 inputs and 2 "
        "outputs, and how many backward passes does it make?",
        solution="""
f = Counted(network(30, 2))  # 30 inputs, 2 outputs
jacobian(f)(*np.linspace(-1, 1, 30))
answer = f.backward  # fewer outputs than inputs: reverse mode, one backward pass per output
""",
    ),
    Exercise(
        "the tangent of f's second output along (1, -1)",
        reference=lambda: _along((1.0, -1.0)),
        mistakes=[
            Mistake(
                lambda: _along((1.0, 0.0)),
                "That is the tangent along (1, 0), x alone (the first column of the Jacobian): along "
                "(1, -1) y moves too, backwards.",
            ),
            Mistake(
                lambda: _along((0.0, 1.0)),
                "That is the tangent along (0, 1), y alone (the second column of the Jacobian): along "
                "(1, -1) x moves too.",
            ),
            Mistake(
                lambda: _along((1.0, 1.0)),
                "That is the tangent along (1, 1): in the direction (1, -1) y moves backwards, at -1.",
            ),
            Mistake(
                lambda: _along((1.0, -1.0), output=0),
                "That is the tangent of the first output, x * y: jvp returns one tangent per output, in "
                "the order f returns them.",
            ),
            Mistake(
                lambda: 1.5 * 1.5 * 2.0,
                "That is the value of the second output, not its tangent: jvp returns (values, tangents).",
            ),
        ],
        hint="jvp(f, (1.5, 2.0), (1.0, -1.0)) returns (values, tangents), each with one item per output of "
        "f, in order: take the second tangent.",
        solution="""
def f(x, y):
    return x * y, x * x * y


values, tangents = jvp(f, (1.5, 2.0), (1.0, -1.0))  # the point, then the direction
answer = tangents[1]  # the second output's tangent: d(x*x*y) = 2xy * 1 + x*x * (-1)
""",
    ),
)


COURSE: dict[str, tuple[Exercise, ...]] = {
    "01": NB01,
    "02": NB02,
    "03": NB03,
    "04": NB04,
    "05": NB05,
    "06": NB06,
    "07": NB07,
    "08": NB08,
    "09": NB09,
}
