"""The gradient explorer of a W2-sized graph: how big its page is and how soon it answers in a browser.

    python benchmarks/explorer.py [--samples 5] [--repeats 3]

The graph is one step of W2's scalar graph (micrograd's 2-16-16-1 MLP, hinge loss + L2) on the first
few moons. Reported, not asserted: the seconds ``explore()`` takes (most of it Graphviz's layout), the
page's size, and, in headless Chromium, the milliseconds from navigation until the page's script has
set everything up (its ``explorer-ready`` performance mark) and until a click on a Value has filled the
inspector. Needs a Graphviz renderer, Playwright (the ``dev`` extra) and a Chromium; without one, what
needs it is reported as skipped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import workloads as w

from autograd import Value, topological_order
from autograd.viz import explore

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def w2_graph(samples: int) -> Value:
    """The loss of one W2 step on the first ``samples`` moons, as a scalar graph."""
    X, y = w.moons_data()
    model, params = w.w2_model()
    rows = [[Value(v) for v in row] for row in X[:samples].tolist()]
    loss = w.w2_loss([model(row) for row in rows], y[:samples], params)
    loss.label = "loss"
    return loss


def chromium() -> str:
    """The Chromium to drive, or Unavailable."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as err:
        raise w.Unavailable("playwright (pip install -e '.[dev]')") from err
    found = ("/usr/bin/chromium", *map(shutil.which, ("chromium", "chromium-browser", "google-chrome")))
    path = next((p for p in found if p and os.path.exists(p)), None)
    if path is None:
        raise w.Unavailable("chromium (apt-get install chromium)")
    return path


def in_browser(page_file: Path, loss: Value, repeats: int) -> dict[str, Any]:
    """Milliseconds until the page is ready, and until a click on a Value shows it in the inspector."""
    from playwright.sync_api import sync_playwright

    ready, click = [], []
    w0 = next(v for v in topological_order(loss) if v.label == "w0")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=ARGS)
        for _ in range(repeats):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(page_file.as_uri())
            ready.append(page.evaluate("performance.getEntriesByName('explorer-ready')[0].startTime"))
            page.locator("#search").fill("w0")  # w0 may be off screen: search brings it into view
            page.locator("#search").press("Enter")
            page.locator("#inspector").get_by_text("Chain rule").wait_for()
            page.evaluate("document.querySelector('#inspector').innerHTML = ''")
            t0 = time.perf_counter()
            page.locator(f'[data-value="{id(w0)}"]').click()
            page.locator("#inspector").get_by_text("Chain rule").wait_for()
            click.append((time.perf_counter() - t0) * 1e3)
            page.close()
        browser.close()
    return {"ready_ms": statistics.median(ready), "click_ms": statistics.median(click), "runs": repeats}


def report(samples: int = 5, repeats: int = 3) -> dict[str, Any]:
    """The figures, printed and returned (run.py keeps them in its JSON)."""
    loss = w2_graph(samples)
    nodes = len(topological_order(loss))
    print(f"\nExplorer of W2's scalar graph on {samples} samples ({nodes} nodes)")
    t0 = time.perf_counter()
    try:
        page = explore(loss)
    except ImportError as missing:  # no Graphviz renderer
        print(f"  skipped: {missing}")
        return {"samples": samples, "nodes": nodes, "skipped": str(missing)}
    seconds = time.perf_counter() - t0
    out: dict[str, Any] = {"samples": samples, "nodes": nodes, "explore_seconds": seconds}
    out["html_bytes"] = len(page.html.encode("utf-8"))
    print(f"  explore(): {seconds:.2f} s (Graphviz's layout, mostly); page: {out['html_bytes'] / 1e6:.2f} MB")
    with tempfile.TemporaryDirectory() as folder:
        saved = page.save(Path(folder) / "w2.html")
        try:
            out["chromium"] = in_browser(saved, loss, repeats)
        except w.Unavailable as missing:
            out["chromium"] = {"skipped": f"not installed: {missing}"}
            print(f"  in Chromium: skipped, not installed: {missing}")
            return out
    r = out["chromium"]
    print(
        f"  in headless Chromium: ready {r['ready_ms']:.0f} ms after navigation; "
        f"a click shows a Value in {r['click_ms']:.0f} ms (medians of {repeats})"
    )
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5, help="moons in the graph (default 5)")
    parser.add_argument("--repeats", type=int, default=3, help="page loads to take the median of")
    args = parser.parse_args()
    report(args.samples, args.repeats)
