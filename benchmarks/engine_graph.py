"""Engine benchmark: build + backward of a 100,000-op mixed graph, glassgrad against micrograd.

The same program runs on each engine's ``Value`` class: terms made of ``+ * relu **`` with constants,
over 1,000 shared leaves, summed by a balanced tree of additions (so the graph stays a few dozen
levels deep and micrograd's recursive topological sort can handle it). Every measurement is taken in
this one process run; figures are medians, and the ratios are what we report.

    python benchmarks/engine_graph.py            # needs `pip install micrograd` for the comparison
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

OPS_PER_TERM = 6


def program(V: Callable[[float], Any], n_ops: int) -> Any:
    """The benchmark graph: about n_ops operations; returns the root."""
    rnd = random.Random(0)
    leaves = [V(rnd.uniform(-1.0, 1.0)) for _ in range(1000)]
    terms = []
    for i in range(n_ops // (OPS_PER_TERM + 1)):
        a, b = leaves[i % 1000], leaves[(i * 7 + 3) % 1000]
        terms.append((a * b + 0.5).relu() * a + b**2 * 0.25)  # 6 ops
    while len(terms) > 1:  # balanced tree of additions: one op per pair
        pairs = [terms[j] + terms[j + 1] for j in range(0, len(terms) - 1, 2)]
        terms = pairs + ([terms[-1]] if len(terms) % 2 else [])
    return terms[0]


def count_ops(n_ops: int) -> int:
    terms = n_ops // (OPS_PER_TERM + 1)
    return terms * OPS_PER_TERM + (terms - 1)


def measure(systems: dict[str, Callable[[float], Any]], n_ops: int, repeats: int) -> dict[str, Any]:
    """Build and backward times per op (medians) and bytes per op, for each system; the systems take
    turns, one graph each per round, so that a shared machine's changes of speed hit them alike."""
    builds: dict[str, list[float]] = {name: [] for name in systems}
    backs: dict[str, list[float]] = {name: [] for name in systems}
    for _ in range(repeats):
        for name, V in systems.items():
            gc.collect()
            t0 = time.perf_counter()
            root = program(V, n_ops)
            t1 = time.perf_counter()
            root.backward()
            t2 = time.perf_counter()
            builds[name].append(t1 - t0)
            backs[name].append(t2 - t1)
            del root
    ops = count_ops(n_ops)
    results: dict[str, Any] = {}
    for name, V in systems.items():
        gc.collect()
        tracemalloc.start()
        root = program(V, n_ops)
        graph_bytes, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del root
        build, back = statistics.median(builds[name]), statistics.median(backs[name])
        results[name] = {
            "build_us_per_op": build / ops * 1e6,
            "backward_us_per_op": back / ops * 1e6,
            "total_us_per_op": (build + back) / ops * 1e6,
            "bytes_per_op": graph_bytes / ops,
        }
    return results


def compare(n_ops: int, repeats: int) -> dict[str, Any]:
    """Measure glassgrad and (when installed) micrograd on the same graph; print a table and ratios."""
    from autograd import Value

    systems: dict[str, Callable[[float], Any]] = {"glassgrad": Value}
    try:
        from micrograd.engine import Value as MicrogradValue

        systems["micrograd"] = MicrogradValue
    except ImportError:
        print("  micrograd: skipped (pip install micrograd)")
    results = measure(systems, n_ops, repeats)
    print(f"  {'system':<12}{'build us/op':>14}{'backward us/op':>16}{'total us/op':>14}{'bytes/op':>11}")
    for name, r in results.items():
        print(
            f"  {name:<12}{r['build_us_per_op']:>14.3f}{r['backward_us_per_op']:>16.3f}"
            f"{r['total_us_per_op']:>14.3f}{r['bytes_per_op']:>11.0f}"
        )
    if "micrograd" in results:
        m, g = results["micrograd"], results["glassgrad"]
        speed = m["total_us_per_op"] / g["total_us_per_op"]
        memory = g["bytes_per_op"] / m["bytes_per_op"]
        print(f"  glassgrad is {speed:.1f}x faster per op and uses {memory:.2f}x micrograd's bytes per op")
        results["ratios"] = {"speedup_vs_micrograd": speed, "memory_vs_micrograd": memory}
    return results


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args()
    results = compare(args.ops, args.repeats)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)
    return results


if __name__ == "__main__":
    main()
