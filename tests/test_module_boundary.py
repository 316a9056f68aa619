"""Tests for ``nn.module`` at its edges: models too big to build, files that must not be trusted, and the
files that ``save`` writes (their modes, their temporary files)."""

from __future__ import annotations

import time
from typing import Any

import pytest

import nn.module
from nn.module import MLP, Layer, Neuron


# ---------------------------------------------------------------- sizes
@pytest.mark.parametrize(
    ("make", "count", "memory"),
    [
        (lambda: MLP(2, [10**9]), "3,000,000,000", "510.0 GB"),  # used to hang
        (lambda: MLP(10**8, [1]), "100,000,001", "17.0 GB"),  # used to end in a MemoryError after 11 s
        (
            lambda: MLP(2, [10**30, 1]),
            "4,000,000,000,000,000,000,000,000,000,001",
            "680,000,000,000,000,000,000.0 TB",
        ),
        (lambda: Layer(10**4, 10**4), "100,010,000", "17.0 GB"),
        (lambda: Neuron(10**7), "10,000,001", "1.7 GB"),
    ],
    ids=["MLP wide", "MLP many inputs", "MLP absurd", "Layer", "Neuron"],
)
def test_a_model_over_the_limit_is_refused_before_anything_is_allocated(
    make: Any, count: str, memory: str
) -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError, match=f"{count} parameters asked for") as error:
        make()
    assert time.perf_counter() - start < 0.1
    message = str(error.value)
    assert f"about {memory}" in message and "a Value of about 170 bytes" in message
    assert "MAX_PARAMETERS = 10,000,000" in message


def test_the_limit_is_counted_exactly_and_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nn.module, "MAX_PARAMETERS", 63)
    assert MLP(2, [10, 3]).num_parameters() == 10 * 3 + 3 * 11 == 63  # at the limit: built
    assert Layer(2, 21).num_parameters() == Neuron(62).num_parameters() == 63
    for make, who, count in [
        (lambda: MLP(2, [10, 3, 1]), "MLP", 67),
        (lambda: Layer(2, 22), "Layer", 66),
        (lambda: Neuron(63), "Neuron", 64),
    ]:
        with pytest.raises(ValueError, match=f"^{who}: {count} parameters asked for.* = 63 "):
            make()
    monkeypatch.setattr(nn.module, "MAX_PARAMETERS", 64)  # read at each call
    assert Neuron(63).num_parameters() == 64
