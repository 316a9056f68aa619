"""Small toy datasets for training glassgrad networks: XOR, moons, circles, spirals and blobs.

Every function returns a pair ``(X, y)`` of NumPy arrays:

* ``X`` is float64 with shape ``(n, features)``, one example per row;
* ``y`` holds the labels, int64 with shape ``(n,)`` and values ``0 .. classes-1``. The one exception is
  ``xor()``, whose targets are the floats ``0.0`` and ``1.0``, as the XOR networks regress on them.

Randomness never touches a global state: every random function takes ``seed`` (an ``int >= 0``, ``None``
or a ``numpy.random.Generator``) and draws only from ``numpy.random.default_rng(seed)``. The same
integer seed gives the same dataset on every run; a ``Generator`` is used as it is (and advanced), so
one generator can feed a whole experiment. Rows come shuffled, so the classes are mixed.

Examples:
    >>> X, y = moons(100, noise=0.1, seed=0)
    >>> X.shape, X.dtype, y.shape, y.dtype
    ((100, 2), dtype('float64'), (100,), dtype('int64'))
    >>> np.bincount(y).tolist()        # 50 points per moon
    [50, 50]
"""

from __future__ import annotations

import numbers
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn import _check

__all__ = ["blobs", "circles", "moons", "spirals", "xor"]

Seed: TypeAlias = int | np.random.Generator | None
Dataset: TypeAlias = tuple[NDArray[np.float64], NDArray[np.int64]]


# ---------------------------------------------------------------- helpers
def _split(n: int, parts: int) -> list[int]:
    """Split ``n`` as evenly as possible: the first ``n % parts`` parts get one extra."""
    return [n // parts + (1 if k < n % parts else 0) for k in range(parts)]


def _shuffled(points: NDArray[np.float64], labels: NDArray[np.int64], rng: np.random.Generator) -> Dataset:
    """Return the rows of ``(points, labels)`` in a random order drawn from ``rng``."""
    order = rng.permutation(len(labels))
    return points[order], labels[order]


# ---------------------------------------------------------------- the datasets
def xor() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The four points of the XOR truth table, with float targets ``0.0`` / ``1.0``.

    Returns:
        ``X`` of shape ``(4, 2)`` (the inputs ``00, 01, 10, 11``) and ``y`` of shape ``(4,)`` (their XOR),
        both float64.

    Examples:
        >>> X, y = xor()
        >>> X.tolist(), y.tolist()
        ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0])
    """
    inputs = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    targets = np.array([0.0, 1.0, 1.0, 0.0])
    return inputs, targets


def moons(n: int = 100, noise: float = 0.1, seed: Seed = None) -> Dataset:
    """Two interleaving half circles (like scikit-learn's ``make_moons``).

    The outer moon (label 0) is ``(cos t, sin t)`` and the inner moon (label 1) is
    ``(1 - cos t, 0.5 - sin t)``, for ``t`` evenly spaced in ``[0, pi]``; then Gaussian noise is added.

    Args:
        n: number of points; the outer moon gets ``n // 2``, the inner moon the rest.
        noise: standard deviation of the Gaussian noise added to each coordinate (``0`` for none).
        seed: an ``int``, ``None`` (fresh entropy) or a ``numpy.random.Generator``.

    Returns:
        ``X`` of shape ``(n, 2)``, float64, and ``y`` of shape ``(n,)``, int64 in ``{0, 1}``.

    Examples:
        >>> X, y = moons(100, seed=0)
        >>> X.shape, y.shape
        ((100, 2), (100,))
    """
    n = _check.integer("moons: n", n)
    noise = _check.real("moons: noise", noise, at_least=0)
    rng = _check.generator("moons: seed", seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    outer = np.column_stack([np.cos(t_out), np.sin(t_out)])
    inner = np.column_stack([1.0 - np.cos(t_in), 1.0 - np.sin(t_in) - 0.5])
    points = np.vstack([outer, inner])
    points += noise * rng.standard_normal(points.shape)
    labels = np.repeat(np.array([0, 1], dtype=np.int64), [n_out, n_in])
    return _shuffled(points, labels, rng)


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: Seed = None) -> Dataset:
    """A big circle (label 0) around a small one (label 1), both centred at the origin.

    Args:
        n: number of points; the big circle gets ``n // 2``, the small circle the rest.
        noise: standard deviation of the Gaussian noise added to each coordinate (``0`` for none).
        factor: radius of the small circle (the big one has radius 1); ``0 < factor < 1``.
        seed: an ``int``, ``None`` (fresh entropy) or a ``numpy.random.Generator``.

    Returns:
        ``X`` of shape ``(n, 2)``, float64, and ``y`` of shape ``(n,)``, int64 in ``{0, 1}``.

    Examples:
        >>> X, y = circles(100, factor=0.3, seed=0)
        >>> X.shape, np.bincount(y).tolist()
        ((100, 2), [50, 50])
    """
    n = _check.integer("circles: n", n)
    noise = _check.real("circles: noise", noise, at_least=0)
    scale = _check.real("circles: factor", factor, above=0, below=1)
    rng = _check.generator("circles: seed", seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0.0, 2.0 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0.0, 2.0 * np.pi, n_in, endpoint=False)
    outer = np.column_stack([np.cos(t_out), np.sin(t_out)])
    inner = scale * np.column_stack([np.cos(t_in), np.sin(t_in)])
    points = np.vstack([outer, inner])
    points += noise * rng.standard_normal(points.shape)
    labels = np.repeat(np.array([0, 1], dtype=np.int64), [n_out, n_in])
    return _shuffled(points, labels, rng)


def spirals(n: int = 100, classes: int = 3, noise: float = 0.2, seed: Seed = None) -> Dataset:
    """Interleaved spiral arms, one per class (the classic CS231n dataset).

    Arm ``k`` is ``(r sin a, r cos a)`` with the radius ``r`` evenly spaced in ``[0, 1]`` and the angle
    ``a`` evenly spaced in ``[4k, 4k + 4]`` radians, plus ``noise`` times a standard Gaussian.

    Args:
        n: total number of points, split as evenly as possible (the first ``n % classes`` arms get one
            extra point).
        classes: number of arms (labels ``0 .. classes-1``).
        noise: standard deviation of the Gaussian noise added to the angle, in radians (``0`` for none).
        seed: an ``int``, ``None`` (fresh entropy) or a ``numpy.random.Generator``.

    Returns:
        ``X`` of shape ``(n, 2)``, float64, and ``y`` of shape ``(n,)``, int64 in ``0 .. classes-1``.

    Examples:
        >>> X, y = spirals(100, classes=3, seed=0)
        >>> X.shape, np.bincount(y).tolist()
        ((100, 2), [34, 33, 33])
    """
    n = _check.integer("spirals: n", n)
    classes = _check.integer("spirals: classes", classes)
    noise = _check.real("spirals: noise", noise, at_least=0)
    rng = _check.generator("spirals: seed", seed)
    arms: list[NDArray[np.float64]] = []
    for k, m in enumerate(_split(n, classes)):
        radius = np.linspace(0.0, 1.0, m)
        angle = np.linspace(4.0 * k, 4.0 * (k + 1), m) + noise * rng.standard_normal(m)
        arms.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
    points = np.vstack(arms)
    labels = np.repeat(np.arange(classes, dtype=np.int64), _split(n, classes))
    return _shuffled(points, labels, rng)


def blobs(
    n: int = 100,
    centers: int | ArrayLike = 3,
    std: float = 1.0,
    dim: int = 2,
    box: tuple[float, float] = (-10.0, 10.0),
    seed: Seed = None,
) -> Dataset:
    """Gaussian blobs: points scattered with standard deviation ``std`` around a few centres.

    Args:
        n: total number of points, split as evenly as possible between the blobs (the first
            ``n % k`` blobs get one extra point).
        centers: either the number ``k`` of blobs, whose centres are then drawn uniformly in the box
            ``[low, high) ** dim``, or the centres themselves as an array-like of shape ``(k, dim)``.
        std: standard deviation of each coordinate around its centre (``0`` puts every point on it).
        dim: number of features (coordinates) per point.
        box: ``(low, high)`` bounds for random centres, ``low < high``.
        seed: an ``int``, ``None`` (fresh entropy) or a ``numpy.random.Generator``.

    Returns:
        ``X`` of shape ``(n, dim)``, float64, and ``y`` of shape ``(n,)``, int64 in ``0 .. k-1``
        (label ``i`` is the blob around centre ``i``).

    Examples:
        >>> X, y = blobs(90, centers=[[0.0, 0.0], [5.0, 5.0]], std=0.5, seed=0)
        >>> X.shape, np.bincount(y).tolist()
        ((90, 2), [45, 45])
    """
    n = _check.integer("blobs: n", n)
    std = _check.real("blobs: std", std, at_least=0)
    dim = _check.integer("blobs: dim", dim)
    if not (isinstance(box, tuple | list) and len(box) == 2):
        raise TypeError(f"blobs: box must be a pair (low, high), got {box!r}")
    low = _check.real("blobs: box[0]", box[0])
    high = _check.real("blobs: box[1]", box[1])
    if not low < high:
        raise ValueError(f"blobs: box must be (low, high) with low < high, got {box!r}")
    rng = _check.generator("blobs: seed", seed)

    if isinstance(centers, numbers.Integral):  # a count of random centres (a bool is refused here)
        k = _check.integer("blobs: centers", centers)
        means = rng.uniform(low, high, size=(k, dim))
    else:
        expected = f"an int or an array-like of shape (k, dim) with dim={dim}"
        try:
            means = np.asarray(centers, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise TypeError(f"blobs: centers must be {expected}, got {centers!r}") from err
        if means.ndim == 0:
            raise TypeError(f"blobs: centers must be {expected}, got {centers!r} ({type(centers).__name__})")
        if means.ndim != 2 or means.shape[0] < 1 or means.shape[1] != dim:
            raise ValueError(f"blobs: centers must be {expected}, got shape {means.shape}")
        if not np.all(np.isfinite(means)):
            raise ValueError(f"blobs: centers must be finite, got {centers!r}")
        k = means.shape[0]

    counts = _split(n, k)
    labels = np.repeat(np.arange(k, dtype=np.int64), counts)
    points = means[labels] + std * rng.standard_normal((n, dim))
    return _shuffled(points, labels, rng)
