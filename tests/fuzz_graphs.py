"""Random graphs over every op, built in glassgrad and in PyTorch (float64), compared value and gradient.

A graph is a short program: leaves (edge numbers such as ±0, ±inf, nan, 5e-324 and 1e300 as well as
ordinary ones), then operations on earlier nodes and on constants. The same program runs on both engines,
and the root's value and every leaf's gradient must agree: exactly in kind (nan, ±inf, finite) and, where
finite, to a relative 1e-6 or within the rounding that the sum of the gradient's terms allows. (Two
engines add a leaf's contributions in different orders: where terms of 1e300 cancel to -1, either
answer is rounding. The bound is 1e-12 times the sum of the absolute values of every path's product.)
Used by ``tests/test_torch_fuzz.py`` (a few thousand graphs on every ``make test``) and by ``make fuzz``
(``python tests/fuzz_graphs.py --graphs 50000``). Forward mode is compared the same way, each leaf's
direction in turn, with ``torch.func.jvp`` (``forward_disagreements``, used by
``tests/test_torch_forward.py``).

Two ops are compared with exact forms rather than PyTorch's own, as the numerics page says: glassgrad's
``sigmoid`` does not underflow to 0 below x = -745 (PyTorch's ``1 / (1 + exp(-x))`` does), and its
``softplus`` is ``log(1 + e**x)`` for every x (PyTorch's returns x itself above 20).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Callable, Sequence
from typing import Any

import catalogue

import autograd
from autograd import Value

EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e-300, -1e-300, 5e-324, 4.47e-309, 1e300, -1e300]
EDGES += [709.0, -745.0, 30.0, math.inf, -math.inf, math.nan]
CONSTANTS = [0.0, 1.0, -2.0, 0.5, 3.0, math.inf, -math.inf, math.nan, 1e-308, 1e300]
EXPONENTS = [0.0, 1.0, 2.0, 3.0, 0.5, -0.5, -1.0, -2.0, 2.5]
# The ops of the shared catalogue that the graphs use (in a fixed order: seed k makes the same graph).
UNARY = [case.name for case in catalogue.UNARY if case.fuzz]
BINARY = [case.name for case in catalogue.BINARY if case.fuzz]
NARY = [fused.name for fused in catalogue.FUSED]

Program = list[tuple[Any, ...]]  # ("leaf", x) | ("op", name, args) with args node indices or ("c", x)


def random_program(rng: random.Random, n_leaves: int = 3, n_ops: int = 8) -> Program:
    """A random graph: leaves, then ops on earlier nodes (mostly recent ones) and constants."""
    program: Program = []
    for _ in range(n_leaves):
        program.append(("leaf", rng.choice(EDGES) if rng.random() < 0.6 else rng.uniform(-3.0, 3.0)))

    def arg() -> Any:
        if rng.random() < 0.15:
            return ("c", rng.choice(CONSTANTS))
        return max(0, len(program) - 1 - int(rng.expovariate(0.5)))

    for _ in range(n_ops):
        kind = rng.random()
        if kind < 0.45:
            name = rng.choice([*UNARY, "**c"])
            node = arg()
            if isinstance(node, tuple):
                node = len(program) - 1
            extra = rng.choice(EXPONENTS) if name == "**c" else None
            program.append(("op", name, (node,), extra))
        elif kind < 0.85:
            a, b = arg(), arg()
            if isinstance(a, tuple) and isinstance(b, tuple):
                a = len(program) - 1
            program.append(("op", rng.choice(BINARY), (a, b), None))
        else:
            name = rng.choice(NARY)
            n = rng.randint(1, 3)
            width = catalogue.FUSED_BY_NAME[name].width(n)
            program.append(("op", name, tuple(arg() for _ in range(width)), None))
    return program


class Glassgrad:
    """The program on glassgrad's Values."""

    def leaf(self, x: float) -> Value:
        return Value(x)

    def constant(self, x: float) -> float:
        return x

    def apply(self, name: str, args: list[Any], extra: Any) -> Any:
        if name == "**c":
            return args[0] ** extra
        if name in catalogue.FUSED_BY_NAME:
            return catalogue.FUSED_BY_NAME[name].apply(*args)
        return catalogue.CASES[name].apply(*args)

    def backward(self, root: Any, leaves: list[Any]) -> tuple[float, list[float]]:
        if not isinstance(root, Value):
            return float(root), [0.0] * len(leaves)
        if not root.requires_grad:  # built from constants only: no gradient to take, as in PyTorch
            return root.data, [0.0] * len(leaves)
        root.backward()
        return root.data, [leaf.grad for leaf in leaves]

    @staticmethod
    def scales(root: Any, leaves: list[Any]) -> list[float]:
        """For each leaf, the sum over the paths from the root of |the product of local derivatives|:
        what the gradient's terms add up to in absolute value (the scale of its rounding error)."""
        if not isinstance(root, Value):
            return [0.0] * len(leaves)
        order = autograd.topological_order(root)
        total = {id(root): 1.0}
        for node in reversed(order):
            if node.op:
                local = catalogue.op_named(node.op).local(node.data, *[p.data for p in node.parents])
                for parent, d in zip(node.parents, local, strict=True):
                    total[id(parent)] = total.get(id(parent), 0.0) + total.get(id(node), 0.0) * abs(d)
        return [total.get(id(leaf), 0.0) for leaf in leaves]


class Torch:
    """The program on PyTorch float64 scalars: its own ops and derivative rules."""

    def __init__(self) -> None:
        import torch

        self.torch = torch
        self.sigmoid, self.softplus = _exact_functions(torch)

    def leaf(self, x: float) -> Any:
        return self.torch.tensor(x, dtype=self.torch.float64, requires_grad=True)

    def constant(self, x: float) -> float:
        return x  # a Python number, as in glassgrad: ``x ** 0.5`` is then PyTorch's scalar-exponent pow

    def apply(self, name: str, args: list[Any], extra: Any) -> Any:
        t = self.torch
        if name in BINARY:  # a constant is a tensor (PyTorch's float / tensor is 1/x * float), but an
            a, b = args  # exponent stays a number: glassgrad's x ** 0.5 is the scalar-exponent op
            a = t.as_tensor(a, dtype=t.float64)
            if name != "**":
                b = t.as_tensor(b, dtype=t.float64)
            return catalogue.CASES[name].apply(a, b)
        if name == "**c":
            return t.pow(args[0], extra)
        if name in catalogue.FUSED_BY_NAME:  # added in glassgrad's order (micrograd's: the bias first)
            return catalogue.FUSED_BY_NAME[name].torch(t, *args)
        if name == "sigmoid":
            return self.sigmoid(args[0])
        if name == "softplus":
            return self.softplus(args[0])
        torch_function = catalogue.CASES[name].torch
        assert torch_function is not None, name
        return torch_function(t, args[0])

    def backward(self, root: Any, leaves: list[Any]) -> tuple[float, list[float]]:
        if not isinstance(root, self.torch.Tensor):  # made of constants only
            return float(root), [0.0] * len(leaves)
        if root.requires_grad:
            root.backward()
        grads = [0.0 if leaf.grad is None else float(leaf.grad) for leaf in leaves]
        return root.item(), grads


def _exact_functions(torch: Any) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """sigmoid and softplus as glassgrad computes them (no underflow, no threshold), with PyTorch's
    derivative rules: ``sigmoid_backward`` is ``g * (1 - out) * out``; softplus's derivative is the
    exact sigmoid."""

    def exact_sigmoid(x: float) -> float:
        if x >= 0.0:
            return 1.0 / (1.0 + math.exp(-x))
        if x != x:
            return math.nan
        e = math.exp(x)
        return e / (1.0 + e)

    def exact_softplus(x: float) -> float:
        if x != x:
            return math.nan
        return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))

    def scalar(x: Any) -> Any:
        return torch.tensor(x, dtype=torch.float64)

    # In torch.func's style (forward without ctx, then setup_context), so that its transforms, jvp
    # among them, can run them; jvp is each function's forward-mode rule, PyTorch's for its own ops.
    class Sigmoid(torch.autograd.Function):  # type: ignore[misc]
        @staticmethod
        def forward(x: Any) -> Any:
            return scalar(exact_sigmoid(float(x)))

        @staticmethod
        def setup_context(ctx: Any, inputs: Any, output: Any) -> None:
            ctx.save_for_backward(output)
            ctx.save_for_forward(output)

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (out,) = ctx.saved_tensors
            return g * (1.0 - out) * out

        @staticmethod
        def jvp(ctx: Any, t: Any) -> Any:
            (out,) = ctx.saved_tensors
            return t * (1.0 - out) * out

    class Softplus(torch.autograd.Function):  # type: ignore[misc]
        @staticmethod
        def forward(x: Any) -> Any:
            return scalar(exact_softplus(float(x)))

        @staticmethod
        def setup_context(ctx: Any, inputs: Any, output: Any) -> None:
            ctx.save_for_backward(inputs[0])
            ctx.save_for_forward(inputs[0])

        @staticmethod
        def backward(ctx: Any, g: Any) -> Any:
            (x,) = ctx.saved_tensors
            return g * scalar(exact_sigmoid(float(x)))

        @staticmethod
        def jvp(ctx: Any, t: Any) -> Any:
            (x,) = ctx.saved_tensors
            return t * scalar(exact_sigmoid(float(x)))

    return Sigmoid.apply, Softplus.apply


def run(program: Program, engine: Any) -> tuple[float, list[float], list[float]]:
    """The program's root value, each leaf's gradient and (glassgrad) their scales, on one engine."""
    leaves = [engine.leaf(step[1]) for step in program if step[0] == "leaf"]
    root = build(program, engine, leaves)
    value, grads = engine.backward(root, leaves)
    scales = engine.scales(root, leaves) if hasattr(engine, "scales") else []
    return value, grads, scales


def build(program: Program, engine: Any, leaves: Sequence[Any]) -> Any:
    """The program's root, computed on ``engine`` from the given leaves (one per "leaf" step)."""
    nodes: list[Any] = []
    given = iter(leaves)
    for step in program:
        if step[0] == "leaf":
            nodes.append(next(given))
            continue
        _, name, args, extra = step
        values = [engine.constant(a[1]) if isinstance(a, tuple) else nodes[a] for a in args]
        nodes.append(engine.apply(name, values, extra))
    return nodes[-1]


def function_of_leaves(program: Program, engine: Any) -> Callable[..., Any]:
    """The program as a function of its leaves on ``engine``, returning a Value or a tensor (a root
    made of constants only becomes one, of no input)."""

    def f(*leaves: Any) -> Any:
        root = build(program, engine, leaves)
        if isinstance(engine, Torch) and not isinstance(root, engine.torch.Tensor):
            return engine.torch.tensor(float(root), dtype=engine.torch.float64)
        return root

    return f


def leaf_values(program: Program) -> list[float]:
    return [step[1] for step in program if step[0] == "leaf"]


def forward_disagreements(seed: int, graphs: int) -> list[str]:
    """The graphs whose value or tangent along some leaf differs between glassgrad's ``jvp`` and
    ``torch.func.jvp`` (the direction is one leaf's: tangent 1 for it, a zero for each other leaf)."""
    import torch

    torch_engine = Torch()
    found = []
    for k in range(graphs):
        rng = random.Random(seed * 1_000_003 + k)
        program = random_program(rng, n_leaves=rng.randint(1, 3), n_ops=rng.randint(1, 8))
        xs = leaf_values(program)
        leaves = [Value(x) for x in xs]
        scales = Glassgrad.scales(build(program, Glassgrad(), leaves), leaves)
        ours, theirs = function_of_leaves(program, Glassgrad()), function_of_leaves(program, torch_engine)
        for i in range(len(xs)):
            direction = [1.0 if j == i else 0.0 for j in range(len(xs))]
            value, tangent = autograd.jvp(ours, xs, direction)
            their_value, their_tangent = torch.func.jvp(
                theirs,
                tuple(torch.tensor(x, dtype=torch.float64) for x in xs),
                tuple(torch.tensor(t, dtype=torch.float64) for t in direction),
            )
            if not (agree(value, their_value.item()) and agree(tangent, their_tangent.item(), scales[i])):
                found.append(
                    f"graph {k} along leaf {i}: {program}\n  glassgrad {value, tangent}\n"
                    f"  pytorch   {their_value.item(), their_tangent.item()}"
                )
                break
    return found


def agree(a: float, b: float, scale: float = 0.0) -> bool:
    """Same kind (nan, +inf, -inf, finite) and, where finite, equal to a relative 1e-6 or within
    1e-12 of ``scale`` (the sum of the absolute values of the terms that were added up)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=max(1e-300, 1e-12 * scale))


def disagreements(seed: int, graphs: int) -> list[str]:
    """The graphs (by seed and program) whose value or gradients differ between the two engines."""
    torch_engine = Torch()
    found = []
    for k in range(graphs):
        rng = random.Random(seed * 1_000_003 + k)
        program = random_program(rng, n_leaves=rng.randint(1, 3), n_ops=rng.randint(1, 8))
        (value, grads, scales), (their_value, their_grads, _) = (
            run(program, Glassgrad()),
            run(program, torch_engine),
        )
        same = agree(value, their_value) and all(map(agree, grads, their_grads, scales))
        if not same:
            found.append(
                f"graph {k}: {program}\n  glassgrad {value, grads}\n  pytorch   {their_value, their_grads}"
            )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graphs", type=int, default=50_000, help="how many random graphs (default 50000)")
    parser.add_argument("--seed", type=int, default=0, help="the seed of the first graph (default 0)")
    args = parser.parse_args()
    found = disagreements(args.seed, args.graphs)
    for line in found[:20]:
        print(line)
    print(f"{args.graphs} random graphs, {len(found)} disagreements with PyTorch in reverse mode")
    forward = forward_disagreements(args.seed, args.graphs)
    for line in forward[:20]:
        print(line)
    print(f"{args.graphs} random graphs, {len(forward)} disagreements with torch.func.jvp in forward mode")
    return 1 if found or forward else 0


if __name__ == "__main__":
    sys.exit(main())
