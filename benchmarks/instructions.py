"""Instructions per W2 step, counted by valgrind: exact and repeatable, however busy the machine is.

    python benchmarks/instructions.py [--systems glassgrad floats micrograd] [--parts]

Wall-clock times on a shared machine swing by a factor of two; instruction counts do not (the same
binary, inputs and environment give the same count). Each system's W2 step runs under
``valgrind --tool=callgrind`` twice, once for 1 step and once for 3 (both after a warm-up step); half
the difference is the count per step, free of start-up costs. The cyclic GC is off (its cost depends
on the whole process), ``PYTHONHASHSEED=0`` fixes set orders, and ``OPENBLAS_NUM_THREADS=1`` stops
NumPy's idle threads from spinning. ``--parts`` splits glassgrad's step into the forward pass, the
loss, the topological sort and the backward pass. Counts say nothing of the GC or of the caches:
for those, time the systems with ``run.py``.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

SYSTEMS = ("glassgrad", "compiled", "floats", "micrograd")
PARTS = ("model", "loss", "topological order", "backward")


def _step(system: str) -> Callable[[], Any]:
    """The W2 step of one system, or of one part of glassgrad's (prepared once, run again and again)."""
    import workloads as w

    if system == "glassgrad":
        return w.w2_glassgrad(False)
    if system == "compiled":
        return w.w2_glassgrad_compiled()
    if system == "floats":
        return w.w2_floats()
    if system == "micrograd":
        return w.w2_micrograd()
    return _part(system)


def _part(name: str) -> Callable[[], Any]:
    import workloads as w

    import autograd
    from autograd import engine

    X, y = w.moons_data()
    model, params = w.w2_model()
    rows = [[autograd.Value(v) for v in row] for row in X.tolist()]

    def forward() -> Any:
        return [model(row) for row in rows]

    scores = forward()

    def loss() -> Any:
        return w.w2_loss(scores, y, params)

    root = loss()
    order = autograd.topological_order(root)

    def backward() -> None:  # what root.backward() does after the sort
        for node in order:
            if node._parents:
                node.grad = 0.0
        root.grad = 1.0
        engine._backward_numbers(order)

    return {
        "model": forward,
        "loss": loss,
        "topological order": lambda: autograd.topological_order(root),
        "backward": backward,
    }[name]


def child(system: str, steps: int) -> None:
    """Run under valgrind: a warm-up step, then ``steps`` more."""
    gc.disable()
    step = _step(system)
    step()
    for _ in range(steps):
        step()


def count(system: str, steps: int) -> int:
    """Instructions of a whole child run (start-up, set-up, warm-up and ``steps`` steps)."""
    env = dict(os.environ, PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1")
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [sys.executable, os.path.abspath(__file__), "--child", system, str(steps)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or not found:
        raise RuntimeError(f"valgrind on {system!r} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def per_step(system: str) -> int:
    return (count(system, 3) - count(system, 1)) // 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=["glassgrad", "floats"])
    parser.add_argument("--parts", action="store_true", help="split glassgrad's step into its parts")
    parser.add_argument("--child", nargs=2, metavar=("SYSTEM", "STEPS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    names = list(args.systems) + (list(PARTS) if args.parts else [])
    if "micrograd" in names and importlib.util.find_spec("micrograd") is None:
        print("  micrograd: skipped, not installed (pip install micrograd)")
        names.remove("micrograd")
    counts = {}
    for name in names:
        counts[name] = per_step(name)
        print(f"  {name:<20}{counts[name] / 1e6:10.1f} M instructions per W2 step", flush=True)
    if "glassgrad" in counts and "floats" in counts:
        print(f"  glassgrad / floats: {counts['glassgrad'] / counts['floats']:.2f}x")
    if "compiled" in counts and "floats" in counts:
        print(f"  compiled / floats: {counts['compiled'] / counts['floats']:.2f}x")
    for name in ("glassgrad", "compiled"):
        if name in counts and "micrograd" in counts:
            print(f"  micrograd / {name}: {counts['micrograd'] / counts[name]:.2f}x")


if __name__ == "__main__":
    main()
