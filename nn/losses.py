"""Loss functions built from ``Value`` operations: call ``loss.backward()`` and the gradients follow.

Nothing here derives a gradient by hand. Each loss is an ordinary expression of Values, so the
engine's chain rule gives every input's gradient. Each loss is a mean over the samples, reduced with
``autograd.sum`` (one graph node for the whole batch), and returns one ``Value``.

Inputs are checked at the boundary: predictions are a ``Value`` or a sequence of Values (one per
sample), targets a number or a sequence of numbers (a list, a tuple or a NumPy array). A number target
is one sample: it pairs with one prediction and is not broadcast. Rows of Values (a model with several
outputs) are a ValueError for every loss but ``cross_entropy``, which takes one logit per class.

Examples:
    >>> from autograd import Value
    >>> w = Value(0.5)
    >>> loss = mse_loss([w * 2.0, w * 4.0], [1.0, 1.0])   # ((1 - 1)**2 + (2 - 1)**2) / 2
    >>> loss.backward()
    >>> loss.data, w.grad                                # d/dw = (2*0*2 + 2*1*4) / 2
    (0.5, 4.0)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

import autograd
from autograd import Value
from autograd.batch import Number
from nn import _check

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge_loss",
    "l2_penalty",
    "log_softmax",
    "mse_loss",
    "softmax",
]

Predictions: TypeAlias = Value | Sequence[Value]
Targets: TypeAlias = float | Sequence[float] | NDArray[Any]

# PyTorch's BCELoss clamps each log at -100. max(log x, -100) = log(max(x, e**-100)), and we clamp x:
# the value is the same, but below the floor the gradient is 0 instead of 0 * (1/0) = nan at x = 0.
_P_FLOOR = math.exp(-100.0)  # log(_P_FLOOR) == -100.0 exactly


# ---------------------------------------------------------------- checks at the boundary
def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _values(func: str, xs: object, what: str) -> list[Value]:
    """``xs`` as a list of Values: a lone Value is one sample; anything else must be an iterable of Values."""
    if isinstance(xs, Value):
        return [xs]
    if isinstance(xs, str | bytes) or not isinstance(xs, Iterable):
        raise TypeError(f"{func}: {what} must be a Value or a sequence of Values, got {type(xs).__name__}")
    out = list(xs)
    for i, x in enumerate(out):
        if not isinstance(x, Value):
            raise TypeError(f"{func}: {what} must be Values, got {type(x).__name__} at index {i}")
    return out


def _targets(func: str, xs: object, what: str = "targets") -> list[float]:
    """``xs`` as a list of floats: a number is one sample; a list, tuple or 1-d NumPy array is many."""
    if isinstance(xs, np.ndarray):
        xs = xs.tolist()  # plain Python numbers (a 0-d array becomes one number)
    if isinstance(xs, numbers.Real):
        return [float(xs)]
    if isinstance(xs, str | bytes) or not isinstance(xs, Iterable):
        raise TypeError(f"{func}: {what} must be a number or a sequence of numbers, got {type(xs).__name__}")
    out = []
    for i, x in enumerate(xs):
        if not isinstance(x, numbers.Real):
            raise TypeError(f"{func}: {what} must be real numbers, got {type(x).__name__} at index {i}")
        out.append(float(x))
    return out


def _pairs(func: str, preds: object, targets: object) -> tuple[list[Value], list[Any]]:
    """Predictions and targets checked and paired: same length, at least one sample.

    In batched mode ``preds`` is one Value holding every sample's prediction: it pairs with the whole
    array of targets, and the loss's terms are computed for all samples at once.
    """
    if isinstance(preds, Value) and preds.batch_size is not None:
        t = _batch_targets(func, targets)
        if len(t) != preds.batch_size:
            raise ValueError(
                f"{func}: a batch of {preds.batch_size} predictions but {_plural(len(t), 'target')}"
            )
        return [preds], [t]
    rows = _rows(preds)
    if rows:
        raise ValueError(f"{func}: expected one prediction per sample, got {rows}")
    p = _values(func, preds, "predictions")
    ts = _targets(func, targets)
    if len(p) != len(ts):
        raise ValueError(f"{func}: {_plural(len(p), 'prediction')} but {_plural(len(ts), 'target')}")
    if not p:
        raise ValueError(f"{func}: empty input (no predictions and no targets)")
    return p, ts


def _batch_targets(func: str, targets: object) -> NDArray[np.float64]:
    """Targets for a batch, checked with NumPy (one number per sample)."""
    if isinstance(targets, np.ndarray) and targets.ndim == 1 and targets.dtype.kind in "biuf":
        return targets.astype(np.float64, copy=False)
    return np.asarray(_targets(func, targets), dtype=np.float64)


def _rows(preds: object) -> str:
    """What a model with several outputs gives a loss of one number per sample, described (else "")."""
    if not isinstance(preds, list | tuple) or not preds:
        return ""
    n, first = len(preds), preds[0]
    if isinstance(first, list | tuple):  # one row of outputs per sample
        k, what = len(first), f"{_plural(n, 'row')} of {_plural(len(first), 'Value')}"
    elif isinstance(first, Value) and first.batch_size is not None:  # batched: one Value per output
        k, what = (
            n,
            f"a list of {_plural(n, 'Value')} holding a batch of {first.batch_size}{' each' * (n > 1)}",
        )
    else:
        return ""
    return what + (f" (from a model with {k} outputs?)" if k > 1 else " (a list of one: give its Value)")


def _check_unit(func: str, what: str, xs: Sequence[Number], hint: str = "") -> None:
    """Every number of ``xs`` (floats, or arrays in batched mode) lies in [0, 1]; nan does not."""
    flat = np.concatenate([np.ravel(x) for x in xs])
    bad = np.flatnonzero(~((flat >= 0.0) & (flat <= 1.0)))
    if bad.size:
        first = float(flat[bad[0]])
        raise ValueError(f"{func}: {what} must lie in [0, 1], got {first!r} at index {bad[0]}{hint}")


def _mean(terms: list[Value]) -> Value:
    """mean = sum / n, with the sum as one graph node (one term holding a batch: its batch mean)."""
    if len(terms) == 1 and terms[0].batch_size is not None:
        return terms[0].batch_mean()
    return autograd.sum(terms) / len(terms)


# ---------------------------------------------------------------- regression
def mse_loss(preds: Predictions, targets: Targets) -> Value:
    """Mean squared error.

    Formula: ``loss = mean_i (p_i - t_i)**2``

    Examples:
        >>> from autograd import Value
        >>> round(mse_loss([Value(1.0)], [3.0]).data, 6)
        4.0
    """
    p, t = _pairs("mse_loss", preds, targets)
    return _mean([(pi - ti) ** 2 for pi, ti in zip(p, t, strict=True)])


# ---------------------------------------------------------------- binary classification
def _clamped_log(x: Value) -> Value:
    """``max(log x, -100)``, computed as ``log(max(x, e**-100))`` with ``max(x, c) = relu(x - c) + c``."""
    return ((x - _P_FLOOR).relu() + _P_FLOOR).log()


def binary_cross_entropy(probs: Predictions, targets: Targets) -> Value:
    """Binary cross-entropy of probabilities ``p`` in [0, 1] (PyTorch's ``BCELoss``).

    Formula: ``loss = -mean_i [t_i * log p_i + (1 - t_i) * log(1 - p_i)]``, each log clamped at -100

    A term whose coefficient is exactly 0 is left out (so ``0 * log 0`` never makes ``nan``), and the
    clamp keeps ``p = 0`` or ``1`` finite: a confidently wrong sample costs 100.

    As in PyTorch, a prediction or a target outside [0, 1] (or nan) is a ValueError that names it: a
    linear output is no probability (its loss could even be negative); give it to
    ``binary_cross_entropy_with_logits`` instead.

    Examples:
        >>> from autograd import Value
        >>> round(binary_cross_entropy([Value(0.5), Value(0.0)], [1.0, 1.0]).data, 6)  # (log 2 + 100) / 2
        50.346574
        >>> binary_cross_entropy([Value(1.5)], [1.0])
        Traceback (most recent call last):
        ValueError: binary_cross_entropy: predictions must lie in [0, 1], got 1.5 at index 0 (...)
    """
    p, t = _pairs("binary_cross_entropy", probs, targets)
    hint = " (probabilities: for a linear output use binary_cross_entropy_with_logits)"
    _check_unit("binary_cross_entropy", "predictions", [pi.data for pi in p], hint)
    _check_unit("binary_cross_entropy", "targets", t)
    if len(p) == 1 and p[0].batch_size is not None:  # a batch: the clamp keeps 0 * log 0 at 0
        terms: Value = _clamped_log(p[0]) * t[0] + _clamped_log(1.0 - p[0]) * (1.0 - t[0])
        return -terms.batch_mean()
    parts = []
    for pi, ti in zip(p, t, strict=True):
        if ti != 0.0:
            parts.append(ti * _clamped_log(pi))  # t * log p
        if ti != 1.0:
            parts.append((1.0 - ti) * _clamped_log(1.0 - pi))  # (1 - t) * log(1 - p)
    return -autograd.sum(parts) / len(p)


def binary_cross_entropy_with_logits(logits: Predictions, targets: Targets) -> Value:
    """Binary cross-entropy of ``sigmoid(z)``, computed from the logit ``z`` (``BCEWithLogitsLoss``).

    Formula: ``loss = mean_i [softplus(z_i) - t_i * z_i]``  (``softplus(z) = log(1 + e**z)``)

    ``softplus`` is exact in this engine, so the loss is finite for any finite logit, even 1e308.

    Examples:
        >>> from autograd import Value
        >>> round(binary_cross_entropy_with_logits([Value(0.0)], [1.0]).data, 6)  # log 2
        0.693147
    """
    z, t = _pairs("binary_cross_entropy_with_logits", logits, targets)
    _check_unit("binary_cross_entropy_with_logits", "targets", t)
    return _mean(
        [zi.softplus() - ti * zi if np.any(ti) else zi.softplus() for zi, ti in zip(z, t, strict=True)]
    )


def hinge_loss(scores: Predictions, labels: Targets) -> Value:
    """Max-margin loss for labels ``y`` in {-1, +1}, as in micrograd's demo (an SVM's loss).

    Formula: ``loss = mean_i relu(1 - y_i * s_i)``

    Examples:
        >>> from autograd import Value
        >>> round(hinge_loss([Value(2.0), Value(0.5)], [1, -1]).data, 6)  # (0 + 1.5) / 2
        0.75
    """
    s, y = _pairs("hinge_loss", scores, labels)
    flat = np.concatenate([np.ravel(yi) for yi in y])
    bad = np.flatnonzero((flat != -1.0) & (flat != 1.0))
    if bad.size:
        raise ValueError(
            f"hinge_loss: labels must be -1 or +1, got {float(flat[bad[0]])!r} at index {bad[0]}"
        )
    return _mean([(1.0 - yi * si).relu() for si, yi in zip(s, y, strict=True)])


# ---------------------------------------------------------------- softmax and multi-class
def _logit_row(func: str, logits: object, where: str = "") -> list[Value]:
    """One sample's logits: a non-empty sequence of Values."""
    if isinstance(logits, Value | str | bytes) or not isinstance(logits, Iterable):
        raise TypeError(f"{func}: logits{where} must be a sequence of Values, got {type(logits).__name__}")
    z = _values(func, logits, "logits" + where)
    if not z:
        raise ValueError(f"{func}: empty input (no logits{where})")
    return z


def _shifted_exps(z: list[Value]) -> tuple[list[Value], list[Value], Value]:
    """The log-sum-exp trick: ``z_i - m``, ``e_i = exp(z_i - m)`` and ``s = sum_i e_i``, with ``m = max z``.

    ``m`` is a plain float (softmax(z) = softmax(z - m) for any constant m), so no ``exp`` can overflow:
    the largest is ``exp(0) = 1``. Then ``softmax = e / s`` and ``logsumexp(z) = m + log s``.
    """
    m: Any = max(zi.data for zi in z)
    if math.isinf(m):  # all -inf, or a +inf logit: shifting by m would make inf - inf = nan
        m = 0.0
    shifted = [zi - m for zi in z]
    exps = [x.exp() for x in shifted]
    return shifted, exps, autograd.sum(exps)


def softmax(logits: Sequence[Value]) -> list[Value]:
    """Probabilities from one sample's logits.

    Formula: ``softmax(z)_i = exp(z_i - m) / sum_j exp(z_j - m)``, with ``m = max z``

    Examples:
        >>> from autograd import Value
        >>> [round(p.data, 6) for p in softmax([Value(0.0), Value(0.0)])]
        [0.5, 0.5]
    """
    _, exps, s = _shifted_exps(_logit_row("softmax", logits))
    return [e / s for e in exps]


def log_softmax(logits: Sequence[Value]) -> list[Value]:
    """Log-probabilities from one sample's logits.

    Formula: ``log_softmax(z)_i = z_i - logsumexp(z) = (z_i - m) - log sum_j exp(z_j - m)``

    Examples:
        >>> from autograd import Value
        >>> [round(q.data, 6) for q in log_softmax([Value(1000.0), Value(1000.0)])]   # log(1/2)
        [-0.693147, -0.693147]
    """
    shifted, _, s = _shifted_exps(_logit_row("log_softmax", logits))
    log_s = s.log()
    return [x - log_s for x in shifted]


def cross_entropy(
    logits: Sequence[Value] | Sequence[Sequence[Value]], targets: int | Sequence[int] | NDArray[Any]
) -> Value:
    """Softmax cross-entropy with integer class targets (PyTorch's ``cross_entropy``), mean over samples.

    Formula: ``loss = mean_n [logsumexp(z_n) - z_n[t_n]] = mean_n -log_softmax(z_n)[t_n]``

    ``logits`` is one sample (a sequence of Values, with an int target) or a batch (a sequence of such
    sequences, all of one length, with a sequence of int targets).

    Examples:
        >>> from autograd import Value
        >>> round(cross_entropy([Value(0.0), Value(0.0)], 1).data, 6)   # -log(1/2)
        0.693147
        >>> batch = [[Value(0.0), Value(0.0)], [Value(0.0), Value(0.0)]]
        >>> round(cross_entropy(batch, [0, 1]).data, 6)
        0.693147
    """
    func = "cross_entropy"
    if isinstance(logits, Value | str | bytes) or not isinstance(logits, Iterable):
        raise TypeError(
            f"{func}: logits must be a sequence (of Values, or of sequences), got {type(logits).__name__}"
        )
    rows: list[Any] = list(logits)
    if not rows:
        raise ValueError(f"{func}: empty input (no logits)")
    if isinstance(rows[0], Value) and rows[0].batch_size is not None:
        return _batched_cross_entropy(_values(func, rows, "logits"), targets)
    raw: Any = targets.tolist() if isinstance(targets, np.ndarray) else targets
    if isinstance(rows[0], Value):  # one sample: a row of logits and one class index
        rows, ts = [rows], [_check.integer(f"{func}: one sample's target (a class index)", raw, at_least=0)]
    else:
        if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
            raise TypeError(f"{func}: a batch takes a sequence of int targets, got {type(raw).__name__}")
        ts = list(raw)
        if len(rows) != len(ts):
            raise ValueError(f"{func}: {_plural(len(rows), 'sample')} but {_plural(len(ts), 'target')}")
    zs = [_logit_row(func, row, f" of sample {n}") for n, row in enumerate(rows)]
    classes = len(zs[0])
    terms = []
    for n, (z, t) in enumerate(zip(zs, ts, strict=True)):
        if len(z) != classes:
            raise ValueError(f"{func}: sample {n} has {len(z)} logits but sample 0 has {classes}")
        shifted, _, s = _shifted_exps(z)
        index = _check.integer(f"{func}: the target of sample {n}", t, at_least=0, at_most=classes - 1)
        terms.append(s.log() - shifted[index])  # logsumexp(z) - z[t], m cancels
    return _mean(terms)


def _batched_cross_entropy(z: list[Value], targets: object) -> Value:
    """Batched mode: ``z[k]`` holds class k's logit for every sample; ``targets`` one class per sample.

    The same formula, all samples at once: ``m`` is the per-sample max (a constant array), and the
    target logit ``z_n[t_n]`` is picked with one-hot masks: ``sum_k [t_n = k] * z_k`` (one ``dot`` node).
    """
    n = z[0].batch_size
    t = np.asarray(targets)
    if t.ndim != 1 or len(t) != n:
        raise ValueError(f"cross_entropy: a batch of {n} samples but targets of shape {t.shape}")
    if t.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: targets must be int class indices, got dtype {t.dtype}")
    if len(t) and (t.min() < 0 or t.max() >= len(z)):
        raise ValueError(f"cross_entropy: targets must lie in 0 .. {len(z) - 1}, got {t.min()} .. {t.max()}")
    # Row k: class k's logits (in batched mode each ``zk.data`` is a Number that holds an array).
    logits: list[Number] = [zk.data for zk in z]
    m: NDArray[np.float64] = np.max(np.array(logits, dtype=np.float64), axis=0)
    m = np.where(np.isinf(m), 0.0, m)  # as in _shifted_exps
    # Value(m) is the constant leaf that ``zk - m`` would make; the operators are typed for a scalar.
    shifted = [zk - Value(m, requires_grad=False) for zk in z]
    s = autograd.sum([x.exp() for x in shifted])
    picked = autograd.dot([(t == k).astype(np.float64) for k in range(len(z))], shifted)
    return (s.log() - picked).batch_mean()


# ---------------------------------------------------------------- regularisation
def l2_penalty(params: Iterable[Value], alpha: float = 1e-4) -> Value:
    """L2 regularisation of the parameters, micrograd's ``alpha * sum(p*p)``; add it to the loss.

    Formula: ``penalty = alpha * sum_i p_i**2``  (computed as one ``autograd.dot(params, params)`` node)

    Examples:
        >>> from autograd import Value
        >>> round(l2_penalty([Value(3.0), Value(4.0)], alpha=0.01).data, 6)   # 0.01 * (9 + 16)
        0.25
    """
    ps = _values("l2_penalty", params, "params")
    if not ps:
        raise ValueError("l2_penalty: empty input (no params)")
    return _check.real("l2_penalty: alpha", alpha, at_least=0) * autograd.dot(ps, ps)
