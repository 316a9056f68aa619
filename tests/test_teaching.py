"""The notebooks' exercise checker says right or wrong, and why."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "notebooks"))
from teaching import check

from autograd import Value


@pytest.mark.parametrize(
    ("answer", "expected", "says"),
    [
        (0.5, 0.5, "right: w = 0.5"),
        (Value(0.5), 0.5, "right"),
        (np.float64(0.5), Value(0.5), "right"),
        (-0.5, 0.5, "off by a sign"),
        (1.0, 0.5, "factor of 2"),
        (0.25, 0.5, "factor of 0.5"),
        (5.0, 0.5, "activation derivative"),
        (0.01, 0.5, "slope multiplied in twice"),
        (0.6, 0.5, "expected about 0.5, got 0.6"),
        (float("nan"), 0.5, "nan"),
        (..., 0.5, "not yet"),
        ([1.0, 2.0], [1.0, 3.0], "w[1]"),
        ([1.0], [1.0, 3.0], "expected 2 numbers"),
    ],
)
def test_check_messages(answer, expected, says, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("GLASSGRAD_STRICT_CHECKS", raising=False)
    check(answer, expected, "w")
    assert says in capsys.readouterr().out


def test_strict_mode_raises_on_a_wrong_answer(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GLASSGRAD_STRICT_CHECKS", "1")
    with pytest.raises(AssertionError, match="off by a sign"):
        check(-1.0, 1.0, "slope")
    check(1.0, 1.0, "slope")  # right: no exception
