"""Random graphs over every op, with edge inputs, agree with PyTorch (float64): values and gradients.

A few thousand on every ``make test`` (CI installs torch); ``make fuzz`` runs fifty thousand. The
graphs and the comparison are in ``fuzz_graphs.py``.
"""

from __future__ import annotations

import pytest

pytest.importorskip("torch", reason="PyTorch is an optional oracle: pip install torch")

import fuzz_graphs

from autograd import ops


def test_random_graphs_agree_with_pytorch() -> None:
    found = fuzz_graphs.disagreements(seed=0, graphs=5000)
    assert not found, f"{len(found)} of 5000 graphs disagree with PyTorch:\n" + "\n".join(found[:5])


def test_the_graphs_use_every_op_of_the_table() -> None:
    table = {op.name for op in vars(ops).values() if isinstance(op, ops.Op)}
    table -= {"id", "batch_sum"}  # grad()'s input node; batches are not scalar graphs
    fuzzed = {*fuzz_graphs.UNARY, *fuzz_graphs.BINARY, "sum", "dot", "w·x+b"}
    assert table <= fuzzed, table - fuzzed
    # x ** c: each way PyTorch computes it (a constant, a root, products, quotients, pow itself)
    assert {0.0, 0.5, 1.0, 2.0, 3.0, -1.0, -2.0, 2.5} <= set(fuzz_graphs.EXPONENTS)


def test_a_wrong_rule_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # The comparison can fail: relu's old rule, a product (0 * inf = nan behind a dead unit).
    monkeypatch.setattr(ops, "RELU", ops.Op("relu", ops.RELU.value, lambda g, out, x: (g * (x > 0.0),)))
    assert fuzz_graphs.disagreements(seed=0, graphs=2000)
