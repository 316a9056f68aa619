"""The benchmark workloads, one function per (workload, system), all on the same data.

Each ``setup_*`` function returns a zero-argument callable that runs the workload once (one forward
and backward, or one training step); ``run.py`` times them side by side in one process. Systems that
need an optional package (micrograd, torch) raise ``Unavailable`` when it is missing, and are reported
as skipped, never faked.
"""

from __future__ import annotations

import gc
import itertools
import time
from collections.abc import Callable
from operator import mul
from typing import Any

import numpy as np

import autograd
import autograd.batch
import nn
from autograd import Value

Step = Callable[[], Any]


class Unavailable(Exception):  # noqa: N818 - reads as 'raise Unavailable(...)'
    """The system's package is not installed."""


def _micrograd() -> Any:
    try:
        import micrograd.engine
        import micrograd.nn
    except ImportError as err:
        raise Unavailable("micrograd (pip install micrograd)") from err
    return micrograd


def _torch() -> Any:
    try:
        import torch
    except ImportError as err:
        raise Unavailable("torch (pip install torch)") from err
    return torch  # with its default threads: what a user would run


class Framed:
    """A step with what its system needs around each call but is not the step: ``before()`` it and
    ``after()`` it. Calling it runs all three; ``run.timed`` times only ``step``."""

    def __init__(self, step: Step, before: Callable[[], Any], after: Callable[[], Any]) -> None:
        self.step, self.before, self.after = step, before, after

    def __call__(self) -> Any:
        self.before()
        try:
            return self.step()
        finally:
            self.after()


def gc_on(step: Step) -> Step:
    """The step as micrograd's users run it: the cyclic GC on, at its default thresholds, and the cycles
    the step leaves collected at its end, in its time (in a loop of steps, the next one would pay it;
    here it would land on whichever system runs next)."""

    def collected() -> Any:
        out = step()
        gc.collect()
        return out

    return collected


def gc_off(step: Step) -> Framed:
    """The step with the cyclic GC frozen out: disabled during it, and the cycles it leaves collected
    after it, outside its time. What is left is the engine's own work."""

    def after() -> None:
        gc.enable()
        gc.collect()

    return Framed(step, gc.disable, after)


# ------------------------------------------------------------------------------------ W1
def w1_expression(V: Callable[[float], Any]) -> Step:
    """micrograd's README expression, forward and backward, on any Value-like class."""

    def step() -> Any:
        a, b = V(-4.0), V(2.0)
        c = a + b
        d = a * b + b**3
        c += c + 1
        c += 1 + c + (-a)
        d += d * 2 + (b + a).relu()
        d += 3 * d + (b - a).relu()
        e = c - d
        f = e**2
        g = f / 2.0
        g += 10.0 / f
        g.backward()
        return a.grad, b.grad

    return step


def w1_torch() -> Step:
    torch = _torch()
    return w1_expression(lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True))


def w1_floats() -> Step:
    """The same expression with its derivative written out by hand on floats (the pure-Python limit)."""

    def step() -> tuple[float, float]:
        a, b = -4.0, 2.0
        c1 = a + b
        d1 = a * b + b**3
        c2 = c1 + c1 + 1
        c3 = c2 + 1 + c2 - a
        r1 = max(b + a, 0.0)
        d2 = d1 + d1 * 2 + r1
        r2 = max(b - a, 0.0)
        d3 = d2 + 3 * d2 + r2
        e = c3 - d3
        f = e * e
        # g = f / 2 + 10 / f
        gf = 0.5 - 10.0 / (f * f)
        ge = gf * 2 * e
        gc3, gd3 = ge, -ge
        gd2, gr2 = gd3 * 4, gd3
        gd1, gr1 = gd2 * 3, gd2
        gc2 = gc3 * 2
        gc1 = gc2 * 2
        ga = gc1 - gc3 + gd1 * b
        gb = gc1 + gd1 * (a + 3 * b * b)
        if b + a > 0:
            ga, gb = ga + gr1, gb + gr1
        if b - a > 0:
            ga, gb = ga - gr2, gb + gr2
        return ga, gb

    return step


# ------------------------------------------------------------------------------------ W2
def moons_data() -> tuple[np.ndarray, np.ndarray]:
    X, y = nn.data.moons(100, noise=0.1, seed=0)
    return X, 2.0 * y - 1.0


def initial_weights(
    seed: int = 0, sizes: tuple[int, ...] = (2, 16, 16, 1)
) -> list[tuple[np.ndarray, np.ndarray]]:
    """One (W, b) per layer, W of shape (nout, nin): the same starting point for every system."""
    rng = np.random.default_rng(seed)
    return [(rng.uniform(-1, 1, (o, i)), np.zeros(o)) for i, o in itertools.pairwise(sizes)]


def _load_glassgrad(model: nn.MLP, weights: list[tuple[np.ndarray, np.ndarray]]) -> None:
    for layer, (W, b) in zip(model.layers, weights, strict=True):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(W[j, i])
            neuron.b.data = float(b[j])


def w2_model() -> tuple[nn.MLP, list[Value]]:
    """micrograd's demo model, 2-16-16-1, from the shared starting weights; and its parameters."""
    model = nn.MLP(2, [16, 16, 1])
    _load_glassgrad(model, initial_weights())
    return model, model.parameters()


def w2_loss(scores: Any, y: np.ndarray, params: list[Value]) -> Value:
    """micrograd's demo loss: hinge loss + 1e-4 L2."""
    return nn.losses.hinge_loss(scores, y) + nn.losses.l2_penalty(params, 1e-4)


def w2_glassgrad(batched: bool) -> Step:
    """One SGD step of micrograd's demo: hinge loss + 1e-4 L2, full batch of 100 moons."""
    X, y = moons_data()
    model, params = w2_model()
    optimizer = nn.optim.SGD(params, lr=0.01)
    rows = [[Value(v) for v in row] for row in X.tolist()]

    def step() -> float:
        scores = model(autograd.batch.columns(X)) if batched else [model(row) for row in rows]
        loss = w2_loss(scores, y, params)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.data

    return step


def w2_glassgrad_compiled() -> Step:
    """The same step in scalar mode, its graph built once and compiled (``autograd.compile``): each step
    then runs the program on the parameters' new numbers."""
    X, y = moons_data()
    model, params = w2_model()
    optimizer = nn.optim.SGD(params, lr=0.01)
    loss = w2_loss([model(row) for row in X.tolist()], y, params)
    program = autograd.compile(loss, wrt=params)

    def step() -> float:
        optimizer.zero_grad()
        value = program()
        optimizer.step()
        return value

    return step


def w2_micrograd_model() -> Any:
    """micrograd's demo model, 2-16-16-1, from the shared starting weights."""
    mg = _micrograd()
    model = mg.nn.MLP(2, [16, 16, 1])
    for layer, (W, b) in zip(model.layers, initial_weights(), strict=True):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(W[j, i])
            neuron.b.data = float(b[j])
    return model


def w2_micrograd_loss(model: Any, rows: list[list[float]], labels: list[float]) -> Any:
    """micrograd's demo loss, as its notebook writes it: hinge loss + 1e-4 L2."""
    mg = _micrograd()
    inputs = [list(map(mg.engine.Value, row)) for row in rows]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(labels, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def w2_micrograd() -> Step:
    X, y = moons_data()
    model = w2_micrograd_model()
    rows, labels = X.tolist(), y.tolist()

    def step() -> float:  # as in micrograd's demo notebook
        loss = w2_micrograd_loss(model, rows, labels)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.01 * p.grad
        return float(loss.data)

    return step


def w2_torch_scalar() -> Step:
    """The same scalar graph as micrograd's, built from 0-d tensors."""
    torch = _torch()
    X, y = moons_data()
    params = [
        ([[torch.tensor(float(W[j, i]), dtype=torch.float64, requires_grad=True) for i in range(W.shape[1])]
          for j in range(W.shape[0])],
         [torch.tensor(float(b[j]), dtype=torch.float64, requires_grad=True) for j in range(len(b))])
        for W, b in initial_weights()
    ]  # fmt: skip
    flat = [p for W, b in params for row in W for p in row] + [p for _, b in params for p in b]
    rows, labels = X.tolist(), y.tolist()

    def forward(x: list[Any]) -> Any:
        for k, (W, b) in enumerate(params):
            out = [
                sum((wi * xi for wi, xi in zip(row, x, strict=True)), bj)
                for row, bj in zip(W, b, strict=True)
            ]
            x = [o.relu() for o in out] if k < len(params) - 1 else out
        return x[0]

    def step() -> float:
        scores = [forward([torch.tensor(v, dtype=torch.float64) for v in row]) for row in rows]
        loss = sum((1 - yi * si).relu() for yi, si in zip(labels, scores, strict=True)) / len(rows)
        loss = loss + 1e-4 * sum(p * p for p in flat)
        for p in flat:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in flat:
                p -= 0.01 * p.grad
        return float(loss.item())

    return step


def w2_torch_batched() -> Step:
    """What a user would write instead: nn.Linear layers on a (100, 2) tensor."""
    torch = _torch()
    X, y = moons_data()
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 16),
        torch.nn.ReLU(),
        torch.nn.Linear(16, 16),
        torch.nn.ReLU(),
        torch.nn.Linear(16, 1),
    ).double()
    with torch.no_grad():
        for layer, (W, b) in zip([model[0], model[2], model[4]], initial_weights(), strict=True):
            layer.weight.copy_(torch.from_numpy(W))
            layer.bias.copy_(torch.from_numpy(b))
    xs, ys = torch.from_numpy(X), torch.from_numpy(y)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    def step() -> float:
        scores = model(xs).squeeze(1)
        loss = torch.relu(1 - ys * scores).mean() + 1e-4 * sum((p * p).sum() for p in model.parameters())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return float(loss.item())

    return step


def w2_torch_lean() -> Framed:
    """The leanest PyTorch for this step: plain float64 tensors, one thread, SGD written out.

    No nn.Module and no optimizer object; ``torch.set_num_threads(1)`` while this system runs (its
    tensors are far too small for threads to pay), the thread count the process had restored after.
    """
    torch = _torch()
    X, y = moons_data()
    params = [torch.from_numpy(a.copy()).requires_grad_() for W, b in initial_weights() for a in (W, b)]
    W1, b1, W2, b2, W3, b3 = params
    xs, ys = torch.from_numpy(X), torch.from_numpy(y)
    threads = [torch.get_num_threads()]

    def step() -> float:
        h1 = torch.relu(xs @ W1.T + b1)
        h2 = torch.relu(h1 @ W2.T + b2)
        scores = (h2 @ W3.T + b3).squeeze(1)
        loss = torch.relu(1 - ys * scores).mean() + 1e-4 * sum((p * p).sum() for p in params)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= 0.01 * p.grad
                p.grad = None
        return float(loss.item())

    def before() -> None:
        threads[0] = torch.get_num_threads()
        torch.set_num_threads(1)

    return Framed(step, before, lambda: torch.set_num_threads(threads[0]))


def w2_floats() -> Step:
    """Forward and backward written out by hand on Python floats: the limit for a pure-Python engine.

    Written as fast as plain Python allows: each weighted sum is ``sum(map(mul, ...))`` in C, the
    backward pass reads the weights column by column from a transposed copy, and a sample or a unit
    whose gradient is 0 (a satisfied margin, a dead ReLU) is skipped.
    """
    X, y = moons_data()
    layers = [([list(map(float, row)) for row in W], list(map(float, b))) for W, b in initial_weights()]
    rows, labels = X.tolist(), y.tolist()
    n, lr, alpha, last = len(rows), 0.01, 1e-4, len(layers) - 1

    def step() -> float:
        grads = [([[0.0] * len(W[0]) for _ in W], [0.0] * len(b)) for W, b in layers]
        columns = [[list(col) for col in zip(*W, strict=True)] for W, _ in layers]
        total = 0.0
        for x, label in zip(rows, labels, strict=True):
            acts = [x]  # each layer's input, then the score
            for k, (W, b) in enumerate(layers):
                pre = [sum(map(mul, row, acts[-1]), bj) for row, bj in zip(W, b, strict=True)]
                acts.append([v if v > 0.0 else 0.0 for v in pre] if k < last else pre)
            margin = 1.0 - label * acts[-1][0]
            if margin <= 0.0:
                continue
            total += margin
            delta = [-label / n]  # d loss / d pre-activation, layer by layer from the top
            for k in range(last, -1, -1):
                gW, gb = grads[k]
                inp = acts[k]
                for j, dj in enumerate(delta):
                    if dj:
                        gb[j] += dj
                        gW[j] = [g + dj * xi for g, xi in zip(gW[j], inp, strict=True)]
                if k:  # through W, then through the ReLU (its output is 0 exactly where it is dead)
                    back = [sum(map(mul, col, delta)) for col in columns[k]]
                    delta = [d if a > 0.0 else 0.0 for d, a in zip(back, inp, strict=True)]
        reg = 0.0
        for (W, b), (gW, gb) in zip(layers, grads, strict=True):
            for row, grow in zip(W, gW, strict=True):
                for i, w in enumerate(row):
                    reg += w * w
                    row[i] = w - lr * (grow[i] + 2 * alpha * w)
            for j, bj in enumerate(b):
                reg += bj * bj
                b[j] = bj - lr * (gb[j] + 2 * alpha * bj)
        return total / n + alpha * reg

    return step


def w2_numpy() -> Step:
    """The seeds' style: the forward and backward derived by hand with numpy matrices."""
    X, y = moons_data()
    (W1, b1), (W2, b2), (W3, b3) = [(W.copy(), b.copy()) for W, b in initial_weights()]
    lr, alpha, n = 0.01, 1e-4, len(X)

    def step() -> float:
        nonlocal W1, b1, W2, b2, W3, b3
        z1 = X @ W1.T + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ W2.T + b2
        h2 = np.maximum(z2, 0)
        s = (h2 @ W3.T + b3)[:, 0]
        margin = 1 - y * s
        active = margin > 0
        loss = margin[active].sum() / n + alpha * sum((p * p).sum() for p in (W1, b1, W2, b2, W3, b3))
        ds = np.where(active, -y / n, 0.0)[:, None]
        gW3, gb3 = ds.T @ h2, ds.sum(0)
        dz2 = (ds @ W3) * (z2 > 0)
        gW2, gb2 = dz2.T @ h1, dz2.sum(0)
        dz1 = (dz2 @ W2) * (z1 > 0)
        gW1, gb1 = dz1.T @ X, dz1.sum(0)
        W1, b1 = W1 - lr * (gW1 + 2 * alpha * W1), b1 - lr * (gb1 + 2 * alpha * b1)
        W2, b2 = W2 - lr * (gW2 + 2 * alpha * W2), b2 - lr * (gb2 + 2 * alpha * b2)
        W3, b3 = W3 - lr * (gW3 + 2 * alpha * W3), b3 - lr * (gb3 + 2 * alpha * b3)
        return float(loss.item())

    return step


# ------------------------------------------------------------------------------------ W3
# Each chain step may take ``parts``, a list to which every call appends (build seconds, backward
# seconds): the forward pass that records the chain, and the backward pass (its sort included).
Parts = list[tuple[float, float]]
W3_OPS_PER_LINK = 3  # y = (y * 0.999999).relu() + 0.001: a chain of n links has 3n op nodes
W3_MICROGRAD_N = 250  # micrograd's recursive sort goes about 3 frames per link: 750 of 1,000


def w3_chain(V: Callable[[float], Any], n: int, parts: Parts | None = None) -> Step:
    """The chain on any Value-like class (glassgrad's, micrograd's)."""

    def step() -> float:
        t0 = time.perf_counter()
        x = V(1.0)
        y = x
        for _ in range(n):
            y = (y * 0.999999).relu() + 0.001
        t1 = time.perf_counter()
        y.backward()  # micrograd's recursive topological sort fails past about 1,000 levels
        if parts is not None:
            parts.append((t1 - t0, time.perf_counter() - t1))
        return float(x.grad)

    return step


def w3_chain_glassgrad(n: int, parts: Parts | None = None) -> Step:
    return w3_chain(Value, n, parts)


def w3_chain_micrograd(n: int, parts: Parts | None = None) -> Step:
    return w3_chain(_micrograd().engine.Value, n, parts)


def w3_chain_torch(n: int, parts: Parts | None = None) -> Step:
    torch = _torch()

    def step() -> float:
        t0 = time.perf_counter()
        x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
        y = x
        for _ in range(n):
            y = torch.relu(y * 0.999999) + 0.001
        t1 = time.perf_counter()
        y.backward()
        if parts is not None:
            parts.append((t1 - t0, time.perf_counter() - t1))
        return float(x.grad)

    return step


def w3_chain_floats(n: int, parts: Parts | None = None) -> Step:
    """The chain's forward on floats, keeping what the backward needs, and its derivative by hand."""

    def step() -> float:
        t0 = time.perf_counter()
        y, ys = 1.0, []
        for _ in range(n):
            ys.append(y)
            y = max(y * 0.999999, 0.0) + 0.001
        t1 = time.perf_counter()
        g = 1.0
        for v in reversed(ys):
            g *= 0.999999 if v * 0.999999 > 0.0 else 0.0
        if parts is not None:
            parts.append((t1 - t0, time.perf_counter() - t1))
        return g

    return step


# ------------------------------------------------------------------------------------ W5
def digits_like(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """1,797 samples of 64 features in 10 classes (the size of scikit-learn's digits), synthetic."""
    X, y = nn.data.blobs(1797, centers=10, dim=64, std=4.0, seed=seed)
    return (X - X.mean(0)) / X.std(0), y


def w5_columns(X: np.ndarray, input_grads: bool) -> list[Value]:
    """A batch's inputs: ``autograd.batch.columns`` (Values that need no gradient), or the same columns
    as Values that need one, so that the backward pass carries a gradient down to every input."""
    if not input_grads:
        return autograd.batch.columns(X)
    return [Value(c.data, label=c.label) for c in autograd.batch.columns(X)]


def w5_glassgrad(batched: bool, batches: int | None = None, input_grads: bool = False) -> Step:
    """One epoch of minibatches of 32 on the digits-sized problem (``batches`` limits it, to extrapolate);
    each call returns its batches' losses. ``input_grads``: batched inputs that need gradients."""
    X, y = digits_like()
    model = nn.MLP(64, [32, 10], seed=0)
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    order = np.random.default_rng(0).permutation(len(X))
    starts = list(range(0, len(X), 32))[:batches]
    rows = [[Value(v) for v in row] for row in X.tolist()]

    def step() -> list[float]:
        losses = []
        for start in starts:
            idx = order[start : start + 32]
            if batched:
                logits = model(w5_columns(X[idx], input_grads))
                loss = nn.losses.cross_entropy(logits, y[idx])
            else:
                loss = nn.losses.cross_entropy([model(rows[i]) for i in idx], y[idx].tolist())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(float(loss.data))
        return losses

    return step


def w5_torch_batched() -> Step:
    torch = _torch()
    X, y = digits_like()
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)).double()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    xs, ys = torch.from_numpy(X), torch.from_numpy(y)
    order = torch.from_numpy(np.random.default_rng(0).permutation(len(X)))

    def step() -> None:
        for start in range(0, len(X), 32):
            idx = order[start : start + 32]
            loss = torch.nn.functional.cross_entropy(model(xs[idx]), ys[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    return step


def w5_numpy() -> Step:
    X, y = digits_like()
    rng = np.random.default_rng(0)
    W1, b1 = rng.uniform(-1, 1, (32, 64)), np.zeros(32)
    W2, b2 = rng.uniform(-1, 1, (10, 32)), np.zeros(10)
    order = np.random.default_rng(0).permutation(len(X))

    def step() -> None:
        nonlocal W1, b1, W2, b2
        for start in range(0, len(X), 32):
            idx = order[start : start + 32]
            x, t = X[idx], y[idx]
            z1 = x @ W1.T + b1
            h = np.maximum(z1, 0)
            z2 = h @ W2.T + b2
            z2 = z2 - z2.max(1, keepdims=True)
            p = np.exp(z2)
            p /= p.sum(1, keepdims=True)
            d2 = p.copy()
            d2[np.arange(len(t)), t] -= 1
            d2 /= len(t)
            gW2, gb2 = d2.T @ h, d2.sum(0)
            d1 = (d2 @ W2) * (z1 > 0)
            gW1, gb1 = d1.T @ x, d1.sum(0)
            W1, b1, W2, b2 = W1 - 0.1 * gW1, b1 - 0.1 * gb1, W2 - 0.1 * gW2, b2 - 0.1 * gb2

    return step


# ------------------------------------------------------------------------------------ W6
# The Jacobian of f: R^n -> R^m by each mode: forward mode takes one pass per input, reverse mode one
# backward pass per output, each pass over the whole graph. f is a small network with a shared trunk,
# h = tanh(A tanh(B x)) of width 8, then y_j = sin(c_j · h): every output depends on every input.
W6_SHAPES = ((1, 32), (8, 8), (32, 1))
W6_WIDTH = 8


def _w6_constants(n: int, m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n * 1000 + m)
    scale = lambda rows, cols: rng.uniform(-1.0, 1.0, (rows, cols)) / np.sqrt(cols)  # noqa: E731
    return scale(W6_WIDTH, n), scale(W6_WIDTH, W6_WIDTH), scale(m, W6_WIDTH)


def w6_function(n: int, m: int) -> Callable[..., tuple[Value, ...]]:
    """f on glassgrad Values: n scalar arguments, m outputs."""
    b, a, c = (w.tolist() for w in _w6_constants(n, m))

    def f(*xs: Value) -> tuple[Value, ...]:
        h = [autograd.dot(row, xs).tanh() for row in b]
        h = [autograd.dot(row, h).tanh() for row in a]
        return tuple(autograd.dot(row, h).sin() for row in c)

    return f


def w6_point(n: int) -> list[float]:
    return np.linspace(-1.0, 1.0, n).tolist()


def w6_glassgrad(n: int, m: int, mode: str) -> Step:
    """``jacfwd``, ``jacrev`` or ``jacobian`` of f at one point; ``"f alone"``: f once, for scale."""
    f, x = w6_function(n, m), w6_point(n)
    if mode == "f alone":
        return lambda: f(*[Value(v) for v in x])
    transform = {"jacfwd": autograd.jacfwd, "jacrev": autograd.jacrev, "jacobian": autograd.jacobian}[mode]
    jac = transform(f)
    return lambda: jac(*x)


def w6_torch(n: int, m: int, mode: str) -> Step:
    """``torch.func.jacfwd`` or ``jacrev`` of f on a 1-D float64 tensor (vmapped over the basis: one
    vectorised pass, as a PyTorch user would write it)."""
    torch = _torch()
    b, a, c = (torch.tensor(w) for w in _w6_constants(n, m))
    x = torch.tensor(w6_point(n), dtype=torch.float64)
    jac = {"jacfwd": torch.func.jacfwd, "jacrev": torch.func.jacrev}[mode](
        lambda v: torch.sin(c @ torch.tanh(a @ torch.tanh(b @ v)))
    )
    return lambda: jac(x)
