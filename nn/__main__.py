"""``python -m nn``: glassgrad's command line (``make demo`` runs ``python -m nn train``)."""

from __future__ import annotations

import argparse
import sys

from autograd import Value


def engine_demo() -> None:
    """Print a forward value and its gradients: micrograd's README expression, on this engine."""
    a, b = Value(-4.0, label="a"), Value(2.0, label="b")
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
    print(f"g = {g.data:.4f}")
    print(f"dg/da = {a.grad:.4f}")
    print(f"dg/db = {b.grad:.4f}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m nn``."""
    parser = argparse.ArgumentParser(prog="python -m nn", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("train", help="run the main job")
    parser.parse_args(argv)
    engine_demo()
    return 0


if __name__ == "__main__":
    sys.exit(main())
