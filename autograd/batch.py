"""Batched mode, in one place: a ``Value`` that holds one number per sample.

A Value's number is a ``float``, or in batched mode a 1-D float64 array with one number per sample
(``Number``). Every op runs on both alike (NumPy does the per-sample arithmetic), so a model built for
one example runs on a whole batch at once: give it ``columns(X)``, one Value per input feature, and
read its result back with ``outputs``. ``is_batch`` tells the two kinds of number apart.

Examples:
    >>> import numpy as np
    >>> from autograd.batch import columns, outputs
    >>> X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])   # 3 samples, 2 features
    >>> x0, x1 = columns(X)
    >>> y = x0 * x1 + 1.0                                      # one graph, three samples
    >>> outputs(y, 3).tolist()
    [3.0, 13.0, 31.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from autograd.engine import Value

Number: TypeAlias = "float | NDArray[np.float64]"
"""A Value's number: a float, or a batch (a 1-D float64 array, one number per sample)."""


def is_batch(x: Any) -> bool:
    """Whether a number is a batch (one number per sample) rather than a single float.

    Examples:
        >>> import numpy as np
        >>> is_batch(np.array([1.0, 2.0])), is_batch(1.0)
        (True, False)
    """
    return type(x) is np.ndarray


def columns(X: ArrayLike, labels: bool = True) -> list[Value]:
    """The columns of a 2-D array of samples, each as a Value holding that feature of every sample.

    The Values are inputs, not parameters: they need no gradient (``requires_grad=False``), so the
    backward pass computes none for them. With ``labels`` they are named ``x0, x1, ...`` as a
    model's scalar inputs are.

    Raises:
        TypeError: ``X`` holds no real numbers.
        ValueError: ``X`` is not 2-D.

    Examples:
        >>> [v.data.tolist() for v in columns([[1, 2], [3, 4]])]
        [[1.0, 3.0], [2.0, 4.0]]
    """
    from autograd.engine import Value

    rows = np.asarray(X)
    if rows.dtype.kind not in "biuf":
        raise TypeError(f"columns takes an array of real numbers, got dtype {rows.dtype}")
    if rows.ndim != 2:
        raise ValueError(f"columns takes a 2-D array (samples x features), got shape {rows.shape}")
    return [
        Value(column, label=f"x{i}" if labels else "", requires_grad=False)
        for i, column in enumerate(rows.astype(np.float64).T)
    ]


def outputs(out: object, n: int) -> NDArray[np.float64]:
    """A forward result over a batch of ``n`` samples as an array: ``(n,)`` for one Value, ``(n, k)``
    for a list of k Values. A Value that holds one float (it does not depend on the samples) is
    repeated for each of them.

    Raises:
        TypeError: ``out`` is not a Value or a list of Values.

    Examples:
        >>> import numpy as np
        >>> from autograd import Value
        >>> outputs([Value(np.array([1.0, 2.0])), Value(3.0)], 2).tolist()
        [[1.0, 3.0], [2.0, 3.0]]
    """
    from autograd.engine import Value

    values = [out] if isinstance(out, Value) else out
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, Value) for v in values):
        raise TypeError(f"expected a Value or a list of Values, got {type(out).__name__}")
    cols = [np.broadcast_to(np.asarray(v._data, dtype=np.float64), (n,)) for v in values]
    return cols[0].copy() if isinstance(out, Value) else np.column_stack(cols).reshape(n, len(cols))


__all__ = ["Number", "columns", "is_batch", "outputs"]
