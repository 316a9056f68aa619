"""Tests for ``nn.losses``: values against the formulas on plain floats, gradients against finite
differences, the numerics at the edges (huge logits, p = 0 or 1), the checks at the boundary, and
PyTorch as an oracle when it is installed."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from autograd import Value
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    l2_penalty,
    log_softmax,
    mse_loss,
    softmax,
)

PREDS = [0.5, -1.25, 3.0, 0.1]
TARGETS = [1.0, 0.0, 2.5, -0.4]
PROBS = [0.9, 0.2, 0.65, 0.01]
BINARY = [1.0, 0.0, 0.3, 1.0]  # 0.3: a soft target, both terms count
LOGITS = [2.0, -3.0, 0.4, 7.5]
SCORES = [2.0, 0.5, -0.3, -1.5]
LABELS = [1, -1, 1, -1]
BATCH = [[1.0, -0.5, 2.0], [0.3, 0.3, -1.0], [-2.0, 4.0, 0.0]]
CLASSES = [2, 0, 1]


# ---------------------------------------------------------------- helpers
def finite_diff(f: Callable[[list[float]], float], xs: Sequence[float], h: float = 1e-6) -> list[float]:
    """Central differences (f(x + h e_i) - f(x - h e_i)) / 2h on plain floats."""
    grads = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        grads.append((f(up) - f(down)) / (2 * h))
    return grads


def assert_grads(loss: Callable[[list[Value]], Value], xs: Sequence[float]) -> None:
    """Backprop through ``loss`` gives the finite-difference gradient (rel 1e-5)."""
    vs = [Value(x) for x in xs]
    loss(vs).backward()
    numeric = finite_diff(lambda ys: loss([Value(y) for y in ys]).data, xs)
    assert [v.grad for v in vs] == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def values(xs: Sequence[float]) -> list[Value]:
    return [Value(x) for x in xs]


def lse(z: Sequence[float]) -> float:
    """log sum exp z on floats, shifted by the max so that it cannot overflow."""
    m = max(z)
    return m + math.log(sum(math.exp(zi - m) for zi in z))


def stable_softplus(z: float) -> float:
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def stable_sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


# ---------------------------------------------------------------- values against the formulas
def test_mse_value() -> None:
    expected = sum((p - t) ** 2 for p, t in zip(PREDS, TARGETS, strict=True)) / len(PREDS)
    assert mse_loss(values(PREDS), TARGETS).data == pytest.approx(expected, rel=1e-14)


def test_bce_value() -> None:
    terms = [t * math.log(p) + (1 - t) * math.log(1 - p) for p, t in zip(PROBS, BINARY, strict=True)]
    expected = -sum(terms) / len(terms)
    assert binary_cross_entropy(values(PROBS), BINARY).data == pytest.approx(expected, rel=1e-14)


def test_bce_with_logits_value() -> None:
    terms = [math.log1p(math.exp(z)) - t * z for z, t in zip(LOGITS, BINARY, strict=True)]
    expected = sum(terms) / len(terms)
    assert binary_cross_entropy_with_logits(values(LOGITS), BINARY).data == pytest.approx(expected, rel=1e-14)


def test_bce_with_logits_equals_bce_of_sigmoid() -> None:
    probs = [1 / (1 + math.exp(-z)) for z in LOGITS]
    with_logits = binary_cross_entropy_with_logits(values(LOGITS), BINARY).data
    assert with_logits == pytest.approx(binary_cross_entropy(values(probs), BINARY).data, rel=1e-12)


def test_hinge_value() -> None:
    expected = sum(max(0.0, 1 - y * s) for s, y in zip(SCORES, LABELS, strict=True)) / len(SCORES)
    assert hinge_loss(values(SCORES), LABELS).data == pytest.approx(expected, rel=1e-14)


def test_softmax_and_log_softmax_values() -> None:
    z = BATCH[0]
    total = sum(math.exp(zi) for zi in z)
    assert [p.data for p in softmax(values(z))] == pytest.approx(
        [math.exp(zi) / total for zi in z], rel=1e-14
    )
    assert [q.data for q in log_softmax(values(z))] == pytest.approx(
        [zi - math.log(total) for zi in z], rel=1e-14
    )


def test_softmax_sums_to_one() -> None:
    for z in [*BATCH, [1000.0, 999.0, -1000.0], [-800.0, -801.0]]:
        probs = [p.data for p in softmax(values(z))]
        assert math.fsum(probs) == pytest.approx(1.0, abs=1e-15)
        assert all(0.0 <= p <= 1.0 for p in probs)


def test_cross_entropy_value() -> None:
    expected = sum(lse(z) - z[t] for z, t in zip(BATCH, CLASSES, strict=True)) / len(BATCH)
    assert cross_entropy([values(z) for z in BATCH], CLASSES).data == pytest.approx(expected, rel=1e-14)


def test_cross_entropy_is_minus_log_softmax_of_target() -> None:
    for z, t in zip(BATCH, CLASSES, strict=True):
        log_probs = log_softmax(values(z))
        assert cross_entropy(values(z), t).data == pytest.approx(-log_probs[t].data, rel=1e-14)


@pytest.mark.parametrize("target", [0, 1, 2])
def test_cross_entropy_with_a_huge_logit(target: int) -> None:
    z = [1000.0, 0.0, -5.0]  # exp(1000) overflows: only the shifted form is finite
    loss = cross_entropy(values(z), target)
    assert math.isfinite(loss.data)
    assert loss.data == pytest.approx(lse(z) - z[target], rel=1e-14, abs=1e-300)
    assert_grads(lambda zs: cross_entropy(zs, target), z)


def test_l2_penalty_value() -> None:
    params = [0.5, -2.0, 3.0]
    expected = 0.01 * sum(p * p for p in params)
    assert l2_penalty(values(params), alpha=0.01).data == pytest.approx(expected, rel=1e-14)
    assert l2_penalty(values(params)).data == pytest.approx(1e-4 * sum(p * p for p in params), rel=1e-14)


def test_one_value_and_one_number_are_one_sample() -> None:
    assert mse_loss(Value(1.0), 3).data == pytest.approx((1.0 - 3.0) ** 2)
    assert hinge_loss(Value(0.25), -1).data == pytest.approx(1.25)


def test_numpy_targets() -> None:
    expected = mse_loss(values(PREDS), TARGETS).data
    assert mse_loss(values(PREDS), np.array(TARGETS)).data == expected
    batch = [values(z) for z in BATCH]
    assert cross_entropy(batch, np.array(CLASSES)).data == cross_entropy(batch, CLASSES).data


def test_the_mean_is_one_sum_node() -> None:
    loss = mse_loss(values(PREDS), TARGETS)  # sum / n
    summed = loss.parents[0]
    assert summed.op == "sum" and len(summed.parents) == len(PREDS)


# ---------------------------------------------------------------- gradients against finite differences
@pytest.mark.parametrize(
    ("loss", "xs"),
    [
        (lambda vs: mse_loss(vs, TARGETS), PREDS),
        (lambda vs: binary_cross_entropy(vs, BINARY), PROBS),
        (lambda vs: binary_cross_entropy_with_logits(vs, BINARY), LOGITS),
        (lambda vs: hinge_loss(vs, LABELS), SCORES),
        (lambda vs: l2_penalty(vs, alpha=0.1), PREDS),
        # every entry of the softmax Jacobian counts: weight each output differently
        (lambda vs: sum(w * p for w, p in zip([1.0, -2.0, 0.5], softmax(vs), strict=True)), BATCH[0]),
        (lambda vs: sum(w * q for w, q in zip([1.0, -2.0, 0.5], log_softmax(vs), strict=True)), BATCH[0]),
        (lambda vs: cross_entropy([vs[0:3], vs[3:6], vs[6:9]], CLASSES), [z for row in BATCH for z in row]),
    ],
    ids=["mse", "bce", "bce_with_logits", "hinge", "l2", "softmax", "log_softmax", "cross_entropy"],
)
def test_gradients_match_finite_differences(loss: Callable[[list[Value]], Value], xs: list[float]) -> None:
    assert_grads(loss, xs)


# ---------------------------------------------------------------- numerics at the edges
@pytest.mark.parametrize("z", [1e308, -1e308, 800.0, -800.0])
@pytest.mark.parametrize("t", [0.0, 1.0, 0.25])
def test_bce_with_logits_is_finite_for_huge_logits(z: float, t: float) -> None:
    x = Value(z)
    loss = binary_cross_entropy_with_logits([x], [t])
    loss.backward()
    assert math.isfinite(loss.data) and math.isfinite(x.grad)
    assert loss.data == pytest.approx(stable_softplus(z) - t * z, rel=1e-14)
    assert x.grad == pytest.approx(stable_sigmoid(z) - t, rel=1e-14)  # d/dz = sigmoid(z) - t


def test_bce_with_logits_batch_at_the_edges() -> None:
    z, t = [1e308, -1e308, 1e308], [1.0, 0.0, 0.0]  # right, right, wrong by 1e308
    assert binary_cross_entropy_with_logits(values(z), t).data == pytest.approx(1e308 / 3, rel=1e-14)


@pytest.mark.parametrize(
    ("p", "t", "cost"), [(0.0, 1.0, 100.0), (1.0, 0.0, 100.0), (0.0, 0.0, 0.0), (1.0, 1.0, 0.0)]
)
def test_bce_at_zero_and_one_is_clamped(p: float, t: float, cost: float) -> None:
    x = Value(p)
    loss = binary_cross_entropy(x, t)
    loss.backward()
    assert loss.data == cost  # log is clamped at -100, as in PyTorch's BCELoss
    assert math.isfinite(x.grad)


def test_bce_costs_100_per_wrong_sample() -> None:
    probs, targets = [0.0, 1.0, 0.0, 1.0, 1.0], [1, 0, 0, 1, 0]  # three certain and wrong
    assert binary_cross_entropy(values(probs), targets).data == pytest.approx(3 * 100.0 / 5, rel=1e-15)


def test_bce_is_exact_just_above_the_clamp() -> None:
    p = 1e-30  # log p = -69.08, above the -100 floor
    assert binary_cross_entropy(Value(p), 1).data == pytest.approx(-math.log(p), rel=1e-14)


def test_huge_logits_in_softmax_do_not_overflow() -> None:
    z = [1000.0, 1000.0, -1000.0]
    assert [p.data for p in softmax(values(z))] == pytest.approx([0.5, 0.5, 0.0], abs=1e-15)
    assert [q.data for q in log_softmax(values(z))] == pytest.approx(
        [-math.log(2), -math.log(2), -2000 - math.log(2)], rel=1e-14
    )


# ---------------------------------------------------------------- checks at the boundary
def test_length_mismatch_names_both_lengths() -> None:
    with pytest.raises(ValueError, match="mse_loss: 3 predictions but 2 targets"):
        mse_loss(values([1.0, 2.0, 3.0]), [1.0, 2.0])
    with pytest.raises(ValueError, match="1 prediction but 2 targets"):
        binary_cross_entropy(Value(0.5), [1.0, 0.0])
    with pytest.raises(ValueError, match="3 samples but 2 targets"):
        cross_entropy([values(z) for z in BATCH], [0, 1])


@pytest.mark.parametrize(
    "call",
    [
        lambda: mse_loss([], []),
        lambda: binary_cross_entropy([], np.array([])),
        lambda: binary_cross_entropy_with_logits([], []),
        lambda: hinge_loss([], []),
        lambda: softmax([]),
        lambda: log_softmax([]),
        lambda: cross_entropy([], []),
        lambda: cross_entropy([[]], [0]),
        lambda: l2_penalty([]),
    ],
)
def test_empty_input(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="empty"):
        call()


@pytest.mark.parametrize(
    ("call", "kind"),
    [
        (lambda: mse_loss("abc", [1.0]), "str"),  # type: ignore[arg-type]
        (lambda: mse_loss(None, [1.0]), "NoneType"),  # type: ignore[arg-type]
        (lambda: mse_loss([Value(1.0)], None), "NoneType"),  # type: ignore[arg-type]
        (lambda: mse_loss([Value(1.0)], "1"), "str"),  # type: ignore[arg-type]
        (lambda: mse_loss([Value(1.0), 2.0], [1.0, 2.0]), "float"),  # type: ignore[list-item]
        (lambda: mse_loss([Value(1.0)], [Value(2.0)]), "Value"),  # type: ignore[list-item]
        (lambda: binary_cross_entropy([Value(0.5)], ["1"]), "str"),  # type: ignore[list-item]
        (lambda: softmax([1.0, 2.0]), "float"),  # type: ignore[list-item]
        (lambda: softmax(Value(1.0)), "Value"),  # type: ignore[arg-type]
        (lambda: cross_entropy(None, 0), "NoneType"),  # type: ignore[arg-type]
        (lambda: cross_entropy(values([1.0, 2.0]), [0]), "list"),
        (lambda: cross_entropy([values([1.0, 2.0])], 0), "int"),
        (lambda: l2_penalty([Value(1.0), "w"]), "str"),  # type: ignore[list-item]
        (lambda: l2_penalty([Value(1.0)], alpha="0.1"), "str"),  # type: ignore[arg-type]
    ],
)
def test_wrong_kinds_raise_type_error_naming_the_type(call: Callable[[], object], kind: str) -> None:
    with pytest.raises(TypeError, match=kind):
        call()


@pytest.mark.parametrize("loss", [binary_cross_entropy, binary_cross_entropy_with_logits])
@pytest.mark.parametrize("bad", [1.5, -0.1, math.nan])
def test_binary_targets_outside_0_1(loss: Callable[..., Value], bad: float) -> None:
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        loss(values([0.5, 0.5]), [1.0, bad])


@pytest.mark.parametrize(
    ("probs", "shown"),
    [([1.5], "1.5 at index 0"), ([0.5, -0.1], "-0.1 at index 1"), ([0.2, math.nan], "nan at index 1"),
     (np.array([0.5, 0.0, 1.0, 1.2]), "1.2 at index 3")],
)  # fmt: skip
def test_bce_predictions_must_be_probabilities(probs: Sequence[float], shown: str) -> None:
    """As PyTorch's BCELoss: an input outside [0, 1] is an error, not a negative loss."""
    preds = Value(probs) if isinstance(probs, np.ndarray) else values(probs)  # batched, or one per sample
    expected = f"binary_cross_entropy: predictions must lie in [0, 1], got {shown}"
    with pytest.raises(ValueError, match=re.escape(expected) + ".*binary_cross_entropy_with_logits"):
        binary_cross_entropy(preds, np.ones(len(probs)))


@pytest.mark.parametrize(
    ("preds", "shown"),
    [([values([1.0, 2.0]), values([0.0, 1.0])], "2 rows of 2 Values (from a model with 2 outputs?)"),
     ([values([1.0, 2.0, 3.0])], "1 row of 3 Values (from a model with 3 outputs?)"),
     ([[Value(1.0)], [Value(2.0)]], "2 rows of 1 Value (a list of one: give its Value)"),
     ([Value(np.zeros(2))], "a list of 1 Value holding a batch of 2 (a list of one: give its Value)"),
     ([Value(np.zeros(2)), Value(np.ones(2))], "a list of 2 Values holding a batch of 2 each (from a")],
)  # fmt: skip
@pytest.mark.parametrize("loss", [mse_loss, binary_cross_entropy_with_logits, hinge_loss])
def test_several_outputs_per_sample_are_a_shape_error(
    loss: Callable[..., Value], preds: list[Any], shown: str
) -> None:
    """A model with several outputs gives rows (or, batched, one Value per output): these losses take one
    number per sample. Batched, two outputs for two samples used to pair output k with sample k."""
    with pytest.raises(
        ValueError, match=re.escape(f"{loss.__name__}: expected one prediction per sample, got {shown}")
    ):
        loss(preds, np.ones(len(preds)))


@pytest.mark.parametrize("bad", [0, 2, 0.5, -2])
def test_hinge_labels_must_be_plus_or_minus_one(bad: float) -> None:
    with pytest.raises(ValueError, match="labels must be -1 or \\+1"):
        hinge_loss(values([0.5, 0.5]), [1, bad])


@pytest.mark.parametrize("bad", [3, -1, 10])
def test_class_index_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError, match=f"the target of sample 1 must be an integer from 0 to 2, got {bad}"):
        cross_entropy([values(z) for z in BATCH], [0, bad, 1])


@pytest.mark.parametrize(("bad", "kind"), [(1.0, "float"), (True, "bool"), ("1", "str")])
def test_class_index_must_be_an_int(bad: object, kind: str) -> None:
    with pytest.raises(TypeError, match=kind):
        cross_entropy([values(z) for z in BATCH], [0, bad, 1])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=kind):
        cross_entropy(values(BATCH[0]), bad)  # type: ignore[arg-type]


def test_cross_entropy_rows_must_have_one_length() -> None:
    with pytest.raises(ValueError, match="sample 1 has 2 logits but sample 0 has 3"):
        cross_entropy([values([1.0, 2.0, 3.0]), values([1.0, 2.0])], [0, 1])


def test_negative_alpha() -> None:
    with pytest.raises(ValueError, match="alpha"):
        l2_penalty([Value(1.0)], alpha=-1e-4)


# ---------------------------------------------------------------- PyTorch as an oracle (float64)
def torch_check(ours: Callable[[list[Value]], Value], theirs: Callable[[Any], Any], xs: list[float]) -> None:
    """Same value and same input gradients as PyTorch, to 1e-10."""
    torch = pytest.importorskip("torch")
    vs = values(xs)
    loss = ours(vs)
    loss.backward()
    x = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    expected = theirs(x)
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-10, abs=1e-12)
    assert [v.grad for v in vs] == pytest.approx(x.grad.tolist(), rel=1e-10, abs=1e-12)


def test_torch_mse() -> None:
    torch = pytest.importorskip("torch")
    t = torch.tensor(TARGETS, dtype=torch.float64)
    torch_check(lambda vs: mse_loss(vs, TARGETS), lambda x: torch.nn.functional.mse_loss(x, t), PREDS)


def test_torch_bce() -> None:
    torch = pytest.importorskip("torch")
    t = torch.tensor(BINARY, dtype=torch.float64)
    torch_check(
        lambda vs: binary_cross_entropy(vs, BINARY),
        lambda x: torch.nn.functional.binary_cross_entropy(x, t),
        PROBS,
    )


def test_torch_bce_clamped_value() -> None:
    torch = pytest.importorskip("torch")
    p, t = [0.0, 1.0, 0.0, 0.5], [1.0, 0.0, 0.0, 1.0]
    expected = torch.nn.functional.binary_cross_entropy(
        torch.tensor(p, dtype=torch.float64), torch.tensor(t, dtype=torch.float64)
    )
    assert binary_cross_entropy(values(p), t).data == pytest.approx(expected.item(), rel=1e-12)


@pytest.mark.parametrize(
    ("zs", "t"),
    [
        (LOGITS, BINARY),
        ([1e308, -1e308, 800.0, -800.0], [1.0, 0.0, 0.0, 1.0]),  # right by 1e308 twice, wrong by 800 twice
    ],
)
def test_torch_bce_with_logits(zs: list[float], t: list[float]) -> None:
    torch = pytest.importorskip("torch")
    tt = torch.tensor(t, dtype=torch.float64)
    torch_check(
        lambda vs: binary_cross_entropy_with_logits(vs, t),
        lambda x: torch.nn.functional.binary_cross_entropy_with_logits(x, tt),
        zs,
    )


def test_torch_hinge() -> None:
    torch = pytest.importorskip("torch")
    y = torch.tensor(LABELS, dtype=torch.float64)
    torch_check(lambda vs: hinge_loss(vs, LABELS), lambda x: torch.relu(1 - y * x).mean(), SCORES)


@pytest.mark.parametrize("z", [BATCH[0], [1000.0, 0.0, -5.0]])
def test_torch_softmax_and_log_softmax(z: list[float]) -> None:
    torch = pytest.importorskip("torch")
    w = [1.0, -2.0, 0.5]
    tw = torch.tensor(w, dtype=torch.float64)

    def weighted(qs: list[Value]) -> Value:
        return sum((wi * q for wi, q in zip(w, qs, strict=True)), Value(0.0))

    torch_check(lambda vs: weighted(softmax(vs)), lambda x: (tw * torch.softmax(x, dim=0)).sum(), z)
    torch_check(lambda vs: weighted(log_softmax(vs)), lambda x: (tw * torch.log_softmax(x, dim=0)).sum(), z)


def test_torch_cross_entropy() -> None:
    torch = pytest.importorskip("torch")
    flat = [z for row in BATCH for z in row]
    flat[4] = 900.0  # one huge logit in the batch
    t = torch.tensor(CLASSES)
    torch_check(
        lambda vs: cross_entropy([vs[0:3], vs[3:6], vs[6:9]], CLASSES),
        lambda x: torch.nn.functional.cross_entropy(x.reshape(3, 3), t),
        flat,
    )
