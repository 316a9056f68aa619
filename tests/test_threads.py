"""Modes are per thread, as PyTorch's grad mode is: what one thread switches, another never sees.

Each test interleaves real threads in a fixed order (with events), so the interleavings that broke the
process-wide flags before (a no_grad that restored the flag it saw on entry) happen every time.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

import nn
from autograd import AnomalyError, Value, detect_anomaly, is_grad_enabled, no_grad, scope


def in_order(*steps: Callable[[], Any]) -> list[Any]:
    """Run ``steps`` one after another, alternating between two threads: even steps in thread A, odd
    steps in thread B (each thread keeps its own modes from step to step). Returns the results."""
    results: list[Any] = [None] * len(steps)
    turns = [threading.Event() for _ in steps]
    errors: list[BaseException] = []

    def worker(parity: int) -> None:
        for k in range(parity, len(steps), 2):
            turns[k].wait(timeout=10)
            try:
                results[k] = steps[k]()
            except BaseException as err:  # reported in the main thread
                errors.append(err)
            if k + 1 < len(steps):
                turns[k + 1].set()

    threads = [threading.Thread(target=worker, args=(p,)) for p in (0, 1)]
    for t in threads:
        t.start()
    turns[0].set()
    for t in threads:
        t.join(timeout=20)
    if errors:
        raise errors[0]
    return results


def test_no_grad_in_two_threads_cannot_leave_recording_off() -> None:
    # A enters, B enters, A leaves, B leaves: B used to restore the False it saw on entry, for everyone.
    a, b = no_grad(), no_grad()
    in_order(
        a.__enter__, b.__enter__, lambda: a.__exit__(None, None, None), lambda: b.__exit__(None, None, None)
    )
    assert is_grad_enabled()
    in_order(is_grad_enabled, is_grad_enabled)  # and in new threads
    assert all(in_order(is_grad_enabled, is_grad_enabled))


def test_no_grad_in_one_thread_does_not_stop_another_recording() -> None:
    ng = no_grad()
    x = Value(3.0)
    results = in_order(
        ng.__enter__,  # A: no_grad on
        lambda: (x * x).is_leaf,  # B: still records
        lambda: (x * x).is_leaf,  # A: records nothing
        is_grad_enabled,  # B
        lambda: ng.__exit__(None, None, None),
    )
    assert results[1] is False and results[2] is True and results[3] is True


def test_backward_in_one_thread_is_right_while_another_is_in_no_grad() -> None:
    def gradient() -> float | None:
        x = Value(2.0)
        y = x * x * x
        if not y.requires_grad:  # built in no_grad: nothing was recorded to differentiate
            return None
        y.backward()
        return x.grad

    ng = no_grad()
    results = in_order(ng.__enter__, gradient, gradient, lambda: None, lambda: ng.__exit__(None, None, None))
    assert results[1] == 12.0  # B, while A is in no_grad
    assert results[2] is None  # A itself, in no_grad: nothing was recorded to differentiate


def test_a_scope_in_one_thread_is_not_recorded_in_another_nor_left_set() -> None:
    outer_a, outer_b = scope("A"), scope("B")
    results = in_order(
        outer_a.__enter__,
        outer_b.__enter__,
        lambda: (Value(1.0) * 2).scope,  # A
        lambda: (Value(1.0) * 2).scope,  # B
        lambda: outer_a.__exit__(None, None, None),
        lambda: outer_b.__exit__(None, None, None),
    )
    assert results[2] is outer_a and results[3] is outer_b
    assert outer_b.parent is None  # B's scope is not nested in A's
    assert (Value(1.0) * 2).scope is None
    assert in_order(lambda: (Value(1.0) * 2).scope, lambda: (Value(1.0) * 2).scope) == [None, None]


def test_detect_anomaly_in_one_thread_does_not_raise_in_another() -> None:
    check = detect_anomaly()
    results = in_order(
        check.__enter__,
        lambda: Value(-1.0).log().data,  # B: nan, silently, as without detect_anomaly
        lambda: raises(AnomalyError, lambda: Value(-1.0).log()),  # A: stopped
        lambda: Value(0.0).log().data,
        lambda: check.__exit__(None, None, None),
    )
    assert np.isnan(results[1]) and results[2] is True and results[3] == -np.inf
    Value(-1.0).log()  # and off again here


def test_one_scope_object_entered_by_two_threads_at_once() -> None:
    shared = scope("shared")
    results = in_order(
        shared.__enter__,
        shared.__enter__,
        lambda: shared.__exit__(None, None, None),
        lambda: (Value(1.0) * 2).scope,  # B is still inside
        lambda: (Value(1.0) * 2).scope,  # A is out
        lambda: shared.__exit__(None, None, None),
    )
    assert results[3] is shared and results[4] is None


def raises(error: type[BaseException], call: Callable[[], Any]) -> bool:
    """Whether ``call()`` raises ``error``."""
    try:
        call()
    except error:
        return True
    return False


def train(seed: int) -> tuple[list[float], list[float]]:
    """A small model trained by fit, whose callback calls predict (which uses no_grad) every epoch."""
    X, y = nn.data.moons(40, noise=0.1, seed=seed)
    model = nn.MLP(2, [8, 1], seed=seed)
    seen: list[float] = []

    def callback(epoch: int, history: nn.train.History) -> None:
        seen.append(float(model.predict(X[:5]).sum()))

    history = nn.train.fit(
        model,
        X,
        2 * y - 1,
        loss="hinge",
        epochs=15,
        batch_size=10,
        seed=seed,
        progress=False,
        callback=callback,
    )
    return history.loss, seen


def test_two_threads_training_give_what_one_after_the_other_gives() -> None:
    expected = [train(1), train(2)]
    found: list[Any] = [None, None]

    def run(k: int) -> None:
        found[k] = train(k + 1)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often: every interleaving gets its chance
    try:
        for _ in range(3):
            threads = [threading.Thread(target=run, args=(k,)) for k in (0, 1)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            assert found == expected
    finally:
        sys.setswitchinterval(interval)
    assert is_grad_enabled()
    assert (Value(1.0) * 2).scope is None
