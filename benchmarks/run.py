"""``make bench``: every workload on every system, side by side in one process; a table and JSON.

    python benchmarks/run.py [--quick] [--json benchmarks/results/latest.json]

Workloads (see ``workloads.py``): W0 the engine on a 100,000-op mixed graph; W1 micrograd's README
expression; W2 micrograd's demo training step (MLP 2-16-16-1, 100 moons, hinge + L2, one SGD step);
W3 a chain of n links (3n op nodes), forward and backward, n = 250 and 10^4 .. 10^6, the build and the
backward also timed apart within the same calls (op nodes per second each); W4 memory of W2 (bytes per
node of glassgrad's graph and of micrograd's, from the same weights), and memory over 10,000 training
steps; W5 one epoch of a digits-sized problem (1,797 x 64, 10 classes, MLP 64-32-10, cross-entropy,
minibatches of 32), glassgrad batched with inputs that need no gradient (``autograd.batch.columns``)
and with inputs that do; W6 the Jacobian of a tall, a square and a wide function by forward mode and
by reverse mode (glassgrad's ``jacfwd``, ``jacrev`` and ``jacobian``, and ``torch.func``'s); and the
explorer page of W2's graph on 5 samples (its size, and how soon it answers in headless Chromium:
``explorer.py``). Every figure is a median of repeated runs, taken in this one run, and the ratios
compare systems measured together. micrograd, torch and the browser are optional: a missing one is
reported as skipped.

The cyclic GC. Every object alive at the start (torch's 170,000 among them), and before each
workload's timed rounds, is frozen out of it (``freeze_imports``, ``timed``), for every system; the
steps then run with it on, at its default thresholds (a user's process, whose own objects it walks
too, pays more for it, not less).
micrograd's graphs are reference cycles (a closure per node), freed only by the cyclic GC, so W2 and
W3 run micrograd both ways: "GC on", as its users run it, the cycles a step leaves collected at its
end, in its time (in a loop the next step would pay it); and "GC off", the collector disabled during
the step and its cycles collected after it, outside its time: micrograd's own work, without the GC
and without freeing its graph (which glassgrad's time includes). W2's "torch lean" is plain float64
tensors on one thread (``torch.set_num_threads(1)`` around its calls, outside their time) with SGD
written out, beside "torch batched" (``nn.Sequential``, ``optim.SGD``, torch's default threads).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import engine_graph
import explorer
import workloads as w

import autograd
from autograd import Value

Result = dict[str, Any]


def timed(makers: Mapping[str, Callable[[], Callable[[], Any]]], rounds: int, budget: float = 60.0) -> Result:
    """Seconds per call of each system's step (``make()`` returns it; one warm-up call first).

    The systems take turns, one call each per round and each round starting with the next system, so
    that a shared machine slowing down or speeding up during the run, and the caches one system leaves
    to the next, affect them alike; a ratio between two systems is the median of their per-round
    ratios. Rounds stop early past ``budget`` seconds once every system has 3 runs. A ``w.Framed``
    step's ``before()`` and ``after()`` run around each call, outside its time. What the set-ups and
    warm-ups leave alive (models, data, modules torch imports on first use) is frozen out of the cyclic
    GC before the rounds, as ``freeze_imports`` does at the start: a collection in one system's step
    then walks that step's objects, not every object the other systems hold.
    """
    out: Result = {}
    steps = {}
    for name, make in makers.items():
        try:
            step = make()
            step()  # warm-up
            steps[name] = step
        except w.Unavailable as missing:
            out[name] = {"skipped": f"not installed: {missing}"}
        except RecursionError:
            out[name] = {"failed": "RecursionError"}
    gc.collect()
    gc.freeze()
    times: dict[str, list[float]] = {name: [] for name in steps}
    start = time.perf_counter()
    names = list(steps)
    for i in range(rounds):
        for name in names:
            step = steps[name]
            framed = step if isinstance(step, w.Framed) else None
            call = framed.step if framed else step
            if framed:
                framed.before()
            try:
                t0 = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - t0)
            finally:
                if framed:
                    framed.after()
        names = names[1:] + names[:1]  # the next round starts with the next system
        if time.perf_counter() - start > budget and i >= 2:
            break
    for name, ts in times.items():
        out[name] = {"seconds": statistics.median(ts), "min": min(ts), "runs": len(ts), "times": ts}
    return {name: out[name] for name in makers}


def fmt(r: Result) -> str:
    if "seconds" not in r:
        return str(r.get("skipped") or r.get("failed", "?"))
    s = r["seconds"]
    return f"{s * 1e3:.3f} ms" if s < 1 else f"{s:.2f} s"


def ratio(a: Result, b: Result) -> float | None:
    """a's time over b's: the median of per-round ratios when they ran in turns, else of the medians."""
    if "seconds" not in a or "seconds" not in b:
        return None
    if len(a.get("times", ())) == len(b.get("times", ())) > 0:
        return float(statistics.median(x / y for x, y in zip(a["times"], b["times"], strict=True)))
    return float(a["seconds"] / b["seconds"])


def table(title: str, rows: dict[str, Result], base: str) -> None:
    print(f"\n{title}")
    for name, r in rows.items():
        x = ratio(r, rows[base]) if base in rows else None
        rel = f"{x:8.2f}x {base}" if x is not None and name != base else ""
        print(f"  {name:<28}{fmt(r):>16}   {rel}")


def _glassgrad_graph(X: Any, y: Any, fused: bool) -> Result:
    """Bytes per node and peak memory of one W2 step's scalar graph (fused: one w·x+b node per neuron;
    unfused: every multiply and add its own node, op for op the graph micrograd builds)."""
    import nn

    model = nn.MLP(2, [16, 16, 1], fused=fused)
    w._load_glassgrad(model, w.initial_weights())  # W2's weights: the loss micrograd's graph has too
    rows = [[Value(v) for v in r] for r in X.tolist()]
    return _graph_memory(
        lambda: nn.losses.hinge_loss([model(r) for r in rows], y) + nn.losses.l2_penalty(model.parameters()),
        lambda loss: len(autograd.topological_order(loss)),
    )


def _micrograd_graph(X: Any, y: Any) -> Result:
    """The same as ``_glassgrad_graph`` for micrograd's Values, on W2's step graph from the same weights
    (so the same loss). Nodes are every Value in the graph, leaves and constants included, as
    ``autograd.topological_order`` counts glassgrad's. The bulk, the MLP on 100 samples, is op for op
    glassgrad's unfused graph; only the loss's tail differs (micrograd sums the L2 penalty and the
    mean with one + per term, glassgrad with one dot and one sum node): about 1% of the nodes."""
    model = w.w2_micrograd_model()
    rows, labels = X.tolist(), y.tolist()

    def count(loss: Any) -> int:  # the graph's Values, without micrograd's recursive sort
        seen, stack = set(), [loss]
        while stack:
            v = stack.pop()
            if id(v) not in seen:
                seen.add(id(v))
                stack.extend(v._prev)
        return len(seen)

    return _graph_memory(lambda: w.w2_micrograd_loss(model, rows, labels), count)


def _graph_memory(build: Callable[[], Any], count: Callable[[Any], int]) -> Result:
    """What ``build()``'s graph (a loss) takes: its bytes per node (``count`` nodes), and the peak
    through its backward pass, by tracemalloc."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loss = build()
    graph_bytes = tracemalloc.get_traced_memory()[0] - before
    nodes = count(loss)
    loss.backward()
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    return {
        "nodes": nodes,
        "bytes_per_node": graph_bytes / nodes,
        "graph_bytes": graph_bytes,
        "peak_bytes": peak,
        "loss": float(loss.data),
    }


def _compiled_program(X: Any, y: Any) -> Result:
    """Memory of W2's step compiled (``autograd.compile``): what the program holds once its graph is gone,
    and the peak while Python compiles it."""
    model, params = w.w2_model()
    loss = w.w2_loss([model(r) for r in X.tolist()], y, params)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    program = autograd.compile(loss, wrt=params)
    del loss
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    return {"lines": program.source.count("\n"), "program_bytes": held, "compile_peak_bytes": peak}


def w4_memory(quick: bool) -> Result:
    """Bytes per node of W2's graph (glassgrad scalar, fused and unfused, vs micrograd), peak memory of a
    step, and the memory held after 100 and after 10,000 batched training steps (it must not grow)."""
    out: Result = {}
    X, y = w.moons_data()
    out["glassgrad"] = _glassgrad_graph(X, y, fused=True)
    out["glassgrad unfused"] = _glassgrad_graph(X, y, fused=False)
    out["glassgrad compiled"] = _compiled_program(X, y)
    try:
        out["micrograd"] = _micrograd_graph(X, y)
        per_node = out["micrograd"]["bytes_per_node"]
        unfused = out["glassgrad unfused"]["bytes_per_node"]
        out["bytes_per_node_ratio (same graph, unfused)"] = unfused / per_node
        out["bytes_per_node_ratio (fused)"] = out["glassgrad"]["bytes_per_node"] / per_node
        out["graph_bytes_ratio (fused)"] = out["glassgrad"]["graph_bytes"] / out["micrograd"]["graph_bytes"]
    except w.Unavailable as missing:
        out["micrograd"] = {"skipped": str(missing)}
    steps = 1_000 if quick else 10_000
    step = w.w2_glassgrad(batched=True)
    gc.collect()
    tracemalloc.start()
    held = {}
    for i in range(1, steps + 1):
        step()
        if i in (100, steps):
            gc.collect()
            held[i] = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    out["held_after_100_steps"] = held[100]
    out[f"held_after_{steps}_steps"] = held[steps]
    out["growth_bytes"] = held[steps] - held[100]
    return out


def w6_jacobians(reps: int) -> Result:
    """W6: the Jacobian of f: R^n -> R^m by forward mode (n passes) and reverse mode (1 + m passes),
    for a tall, a square and a wide f; ``jacobian`` should track the faster of the two."""
    out: Result = {}
    for n, m in w.W6_SHAPES:
        rows = timed(
            {
                "f alone": lambda n=n, m=m: w.w6_glassgrad(n, m, "f alone"),
                "glassgrad jacfwd": lambda n=n, m=m: w.w6_glassgrad(n, m, "jacfwd"),
                "glassgrad jacrev": lambda n=n, m=m: w.w6_glassgrad(n, m, "jacrev"),
                "glassgrad jacobian": lambda n=n, m=m: w.w6_glassgrad(n, m, "jacobian"),
                "torch.func jacfwd": lambda n=n, m=m: w.w6_torch(n, m, "jacfwd"),
                "torch.func jacrev": lambda n=n, m=m: w.w6_torch(n, m, "jacrev"),
            },
            reps * 4,
            budget=20,
        )
        table(f"W6 Jacobian of f: R^{n} -> R^{m} (forward: {n} passes; reverse: 1 + {m})", rows, "f alone")
        forward_over_reverse = ratio(rows["glassgrad jacfwd"], rows["glassgrad jacrev"])
        if forward_over_reverse is not None:
            print(f"  jacfwd / jacrev: {forward_over_reverse:.2f}x")
        out[f"n={n} m={m}"] = {**rows, "jacfwd / jacrev": forward_over_reverse}
    return out


def w3_chains(quick: bool, sizes: list[int] | None = None) -> Result:
    """W3: a chain of n links (3n op nodes), forward + backward, each system timed whole and, within
    the same calls, its build and its backward apart (as op nodes per second). micrograd's recursive
    sort cannot reach n = 10^4, so it runs at n = 250 too, beside the others, GC on and off; glassgrad
    runs both ways from n = 10^5, where the GC's full collections walk the growing chain again and again."""
    if sizes is None:
        sizes = [w.W3_MICROGRAD_N, 10_000, 100_000] + ([] if quick else [1_000_000])
    w3: Result = {}
    parts: dict[str, w.Parts] = {}

    def maker(name: str, chain: Callable[[int, w.Parts], w.Step], n: int, gc_mode: str = "") -> None:
        parts[name] = []
        wrap: Callable[[w.Step], w.Step] = {"": lambda s: s, "on": w.gc_on, "off": w.gc_off}[gc_mode]
        makers[name] = lambda: wrap(chain(n, parts[name]))

    for n in sizes:
        makers: dict[str, Callable[[], w.Step]] = {}
        maker(f"glassgrad n={n}", w.w3_chain_glassgrad, n)
        if n >= 100_000:  # where the GC's full collections, walking every node, are most of the build
            maker(f"glassgrad n={n}, GC off", w.w3_chain_glassgrad, n, "off")
        maker(f"python floats n={n}", w.w3_chain_floats, n)
        if n <= 100_000:
            maker(f"torch 0-d n={n}", w.w3_chain_torch, n)
        if n == w.W3_MICROGRAD_N:
            maker(f"micrograd n={n}, GC on", w.w3_chain_micrograd, n, "on")
            maker(f"micrograd n={n}, GC off", w.w3_chain_micrograd, n, "off")
        elif n == 10_000:
            maker(f"micrograd n={n}", w.w3_chain_micrograd, n)  # reported as a RecursionError
        w3.update(timed(makers, 20 if n < 10_000 else 3 if n < 10**6 else 1))
    table(
        "W3 a chain of n links (*, relu, +: 3n op nodes), forward + backward", w3, f"glassgrad n={sizes[1]}"
    )
    print(f"  {'op nodes per second':<32}{'build':>14}{'backward':>14}")
    for name, done in parts.items():
        runs = done[1:]  # the first call is timed's warm-up
        if not runs or "seconds" not in w3[name]:
            continue
        n = int(name.split("n=")[1].split(",")[0])
        nodes = w.W3_OPS_PER_LINK * n
        build = statistics.median(b for b, _ in runs)
        back = statistics.median(b for _, b in runs)
        w3[name].update(
            build_seconds=build,
            backward_seconds=back,
            build_nodes_per_second=nodes / build,
            backward_nodes_per_second=nodes / back,
        )
        print(f"  {name:<32}{nodes / build:>14,.0f}{nodes / back:>14,.0f}")
    growth = ratio(w3[f"glassgrad n={sizes[-1]}"], w3[f"glassgrad n={sizes[-2]}"])
    print(f"  time x{sizes[-1] // sizes[-2]} nodes: x{growth:.2f} (linear is x{sizes[-1] // sizes[-2]})")
    w3["growth_last_decade"] = growth
    n = w.W3_MICROGRAD_N
    w3[f"ratios n={n}"] = {
        "micrograd (GC on) vs glassgrad": ratio(w3[f"micrograd n={n}, GC on"], w3[f"glassgrad n={n}"]),
        "micrograd (GC off) vs glassgrad": ratio(w3[f"micrograd n={n}, GC off"], w3[f"glassgrad n={n}"]),
    }
    for k, v in w3[f"ratios n={n}"].items():
        print(f"  n={n}: {k:<32}{v:8.2f}x" if v is not None else f"  n={n}: {k:<32}     n/a")
    return w3


def freeze_imports() -> None:
    """Import the optional systems now and move every object alive to the GC's permanent generation.

    torch's modules make about 170,000 objects; in this one process, every full collection that
    any system's allocations trigger would walk them all, a cost that lands on whichever workload
    happens to be running (a user's script that never imports torch does not pay it).
    """
    for name in ("torch", "micrograd.engine"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    gc.collect()
    gc.freeze()


def main() -> Result:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller W3 and W4")
    parser.add_argument("--json", default="benchmarks/results/latest.json", help="where to write the results")
    args = parser.parse_args()
    reps = 3 if args.quick else 15
    results: Result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": date.today().isoformat(),
    }
    print(f"glassgrad benchmarks on {results['machine']}, {results['date']}")
    freeze_imports()

    # W0: the engine on a mixed graph of 100,000 ops (issue 2's figure)
    print("\nW0 engine: build + backward of a 100,000-op graph (+ * relu ** with constants)")
    w0 = engine_graph.compare(100_000, repeats=2 if args.quick else 5)
    results["W0"] = w0

    w1 = timed(
        {
            "glassgrad": lambda: w.w1_expression(Value),
            "micrograd": lambda: w.w1_expression(w._micrograd().engine.Value),
            "torch 0-d": w.w1_torch,
            "python floats (by hand)": w.w1_floats,
        },
        reps * 20,
    )
    table("W1 micrograd's README expression, forward + backward", w1, "glassgrad")
    results["W1"] = w1

    w2 = timed(
        {
            "glassgrad scalar": lambda: w.w2_glassgrad(False),
            "glassgrad scalar, compiled": w.w2_glassgrad_compiled,
            "glassgrad batched": lambda: w.w2_glassgrad(True),
            "micrograd, GC on": lambda: w.gc_on(w.w2_micrograd()),
            "micrograd, GC off": lambda: w.gc_off(w.w2_micrograd()),
            "torch 0-d": w.w2_torch_scalar,
            "torch batched": w.w2_torch_batched,
            "torch lean (1 thread)": w.w2_torch_lean,
            "python floats (by hand)": w.w2_floats,
            "numpy (by hand, seeds)": w.w2_numpy,
        },
        reps,
        budget=120,
    )
    table("W2 micrograd's demo training step (2-16-16-1, 100 moons, hinge + L2, SGD)", w2, "glassgrad scalar")
    results["W2"] = w2
    mg_on, mg_off = w2["micrograd, GC on"], w2["micrograd, GC off"]
    r = {
        "scalar vs python floats": ratio(w2["glassgrad scalar"], w2["python floats (by hand)"]),
        "micrograd (GC on) vs scalar": ratio(mg_on, w2["glassgrad scalar"]),
        "micrograd (GC off) vs scalar": ratio(mg_off, w2["glassgrad scalar"]),
        "micrograd GC on vs GC off": ratio(mg_on, mg_off),
        "compiled vs python floats": ratio(w2["glassgrad scalar, compiled"], w2["python floats (by hand)"]),
        "micrograd (GC on) vs compiled": ratio(mg_on, w2["glassgrad scalar, compiled"]),
        "micrograd (GC off) vs compiled": ratio(mg_off, w2["glassgrad scalar, compiled"]),
        "micrograd (GC on) vs batched": ratio(mg_on, w2["glassgrad batched"]),
        "batched vs torch batched": ratio(w2["glassgrad batched"], w2["torch batched"]),
        "batched vs torch lean": ratio(w2["glassgrad batched"], w2["torch lean (1 thread)"]),
        "torch batched vs torch lean": ratio(w2["torch batched"], w2["torch lean (1 thread)"]),
    }
    results["W2 ratios"] = r
    for k, v in r.items():
        print(f"  {k:<32}{v:8.2f}x" if v is not None else f"  {k:<32}     n/a")
    t0 = time.perf_counter()
    w.w2_glassgrad_compiled()  # building the graph once and compiling it, paid once before the steps
    once = time.perf_counter() - t0
    results["W2 compile seconds"] = once
    print(f"  compiled: built and compiled once in {once:.2f} s")

    results["W3"] = w3_chains(args.quick)

    print("\nW4 memory")
    w4 = w4_memory(args.quick)
    results["W4"] = w4
    for k, v in w4.items():
        print(f"  {k:<44}{v}")

    w5 = timed(
        {
            "glassgrad batched": lambda: w.w5_glassgrad(True),
            "glassgrad batched, inputs need grad": lambda: w.w5_glassgrad(True, input_grads=True),
            "glassgrad scalar (5 batches)": lambda: w.w5_glassgrad(False, batches=5),
            "torch batched": w.w5_torch_batched,
            "numpy (by hand)": w.w5_numpy,
        },
        3 if args.quick else 5,
    )
    w5["micrograd"] = {"skipped": "n/a: micrograd's Value has no exp or log for cross-entropy"}
    if "seconds" in w5["glassgrad scalar (5 batches)"]:
        per_batch = w5["glassgrad scalar (5 batches)"]["seconds"] / 5
        w5["glassgrad scalar (epoch, extrapolated)"] = {"seconds": per_batch * 57, "extrapolated": True}
    table(
        "W5 one epoch, digits-sized (1797 x 64, 10 classes, MLP 64-32-10, batches of 32)", w5, "torch batched"
    )
    inputs_cost = ratio(w5["glassgrad batched, inputs need grad"], w5["glassgrad batched"])
    w5["inputs need grad vs not"] = inputs_cost
    if inputs_cost is not None:
        print(f"  batched, inputs that need gradients vs inputs that do not: {inputs_cost:.2f}x")
    results["W5"] = w5

    results["W6"] = w6_jacobians(reps)

    results["explorer"] = explorer.report(samples=5, repeats=1 if args.quick else 3)

    os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
    with open(args.json, "w") as fh:
        json.dump(results, fh, indent=2, default=str)
    print(f"\nwrote {args.json}")
    return results


if __name__ == "__main__":
    main()
