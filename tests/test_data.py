"""Tests for ``nn.data``: shapes, dtypes, seeding, class balance, geometry and input checks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from nn import data

# Each random dataset at its defaults, called as make(n, seed).
MAKERS: dict[str, Callable[[int, Any], tuple[np.ndarray, np.ndarray]]] = {
    "moons": lambda n, seed: data.moons(n, seed=seed),
    "circles": lambda n, seed: data.circles(n, seed=seed),
    "spirals": lambda n, seed: data.spirals(n, seed=seed),
    "blobs": lambda n, seed: data.blobs(n, seed=seed),
}
CLASSES = {"moons": 2, "circles": 2, "spirals": 3, "blobs": 3}


def test_xor_is_the_truth_table() -> None:
    X, y = data.xor()
    assert X.shape == (4, 2) and X.dtype == np.float64
    assert y.shape == (4,) and y.dtype == np.float64
    assert np.array_equal(y, np.logical_xor(X[:, 0], X[:, 1]).astype(np.float64))
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]


@pytest.mark.parametrize("name", MAKERS)
@pytest.mark.parametrize("n", [1, 7, 100])
def test_shapes_and_dtypes(name: str, n: int) -> None:
    X, y = MAKERS[name](n, 0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.all(np.isfinite(X))


def test_blobs_dim() -> None:
    X, y = data.blobs(10, centers=4, dim=5, seed=0)
    assert X.shape == (10, 5) and y.shape == (10,)


@pytest.mark.parametrize("name", MAKERS)
def test_same_seed_same_data_other_seed_other_data(name: str) -> None:
    X1, y1 = MAKERS[name](50, 123)
    X2, y2 = MAKERS[name](50, 123)
    X3, _ = MAKERS[name](50, 124)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", MAKERS)
def test_generator_passes_through(name: str) -> None:
    rng = np.random.default_rng(7)
    X1, y1 = MAKERS[name](50, rng)
    X2, y2 = MAKERS[name](50, np.random.default_rng(7))
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    # the caller's generator was used (and advanced), not copied
    assert rng.bit_generator.state != np.random.default_rng(7).bit_generator.state
    X3, _ = MAKERS[name](50, rng)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", MAKERS)
def test_seed_none_is_accepted(name: str) -> None:
    X, y = MAKERS[name](5, None)
    assert X.shape == (5, 2) and y.shape == (5,)


@pytest.mark.parametrize("name", MAKERS)
@pytest.mark.parametrize(
    ("seed", "error", "shown"),
    [(-1, ValueError, "got -1"), (1.5, TypeError, "got 1.5 (float)"), ("0", TypeError, "got '0' (str)"),
     (True, TypeError, "got True (bool)"), ([1, 2], TypeError, "got [1, 2] (list)")],
)  # fmt: skip
def test_seed_is_checked(name: str, seed: object, error: type[Exception], shown: str) -> None:
    expected = f"{name}: seed must be a non-negative integer, a numpy.random.Generator or None, {shown}"
    with pytest.raises(error, match=f"^{re.escape(expected)}$"):
        MAKERS[name](10, seed)


@pytest.mark.parametrize("name", MAKERS)
def test_rows_are_shuffled(name: str) -> None:
    _, y = MAKERS[name](100, 0)
    assert not np.array_equal(y, np.sort(y))


@pytest.mark.parametrize(
    ("make", "counts"),
    [
        (lambda: data.moons(101, seed=0), [50, 51]),
        (lambda: data.circles(101, seed=0), [50, 51]),
        (lambda: data.spirals(10, classes=3, seed=0), [4, 3, 3]),
        (lambda: data.spirals(12, classes=4, seed=0), [3, 3, 3, 3]),
        (lambda: data.blobs(11, centers=4, seed=0), [3, 3, 3, 2]),
        (lambda: data.blobs(9, centers=[[0, 0], [1, 1], [2, 2]], seed=0), [3, 3, 3]),
    ],
)
def test_class_balance(make: Callable[[], tuple[np.ndarray, np.ndarray]], counts: list[int]) -> None:
    _, y = make()
    assert np.bincount(y).tolist() == counts


@pytest.mark.parametrize("name", MAKERS)
def test_label_range(name: str) -> None:
    _, y = MAKERS[name](300, 0)
    assert set(y.tolist()) == set(range(CLASSES[name]))


@pytest.mark.parametrize("classes", [1, 2, 5])
def test_spirals_label_range(classes: int) -> None:
    _, y = data.spirals(50, classes=classes, seed=0)
    assert set(y.tolist()) == set(range(classes))


def test_moons_lie_on_their_half_circles_without_noise() -> None:
    X, y = data.moons(201, noise=0.0, seed=0)
    outer, inner = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(outer[:, 0], outer[:, 1]), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.hypot(inner[:, 0] - 1.0, inner[:, 1] - 0.5), 1.0, atol=1e-12)
    assert np.all(outer[:, 1] >= -1e-12)  # upper half of the circle around (0, 0)
    assert np.all(inner[:, 1] <= 0.5 + 1e-12)  # lower half of the circle around (1, 0.5)
    # both ends of each arc are present
    assert np.isclose(outer[:, 0].min(), -1.0) and np.isclose(outer[:, 0].max(), 1.0)
    assert np.isclose(inner[:, 0].min(), 0.0) and np.isclose(inner[:, 0].max(), 2.0)


def test_moons_noise_has_the_requested_std() -> None:
    X0, y0 = data.moons(4000, noise=0.0, seed=3)
    X1, y1 = data.moons(4000, noise=0.1, seed=3)
    assert np.array_equal(y0, y1)  # the same points in the same order, only the noise differs
    assert np.std(X1 - X0) == pytest.approx(0.1, rel=0.05)


@pytest.mark.parametrize("factor", [0.2, 0.5, 0.9])
def test_circles_radii_without_noise(factor: float) -> None:
    X, y = data.circles(100, noise=0.0, factor=factor, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0, atol=1e-12)
    np.testing.assert_allclose(radius[y == 1], factor, atol=1e-12)


def test_spirals_radius_without_noise() -> None:
    X, y = data.spirals(300, classes=3, noise=0.0, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.all((radius >= 0.0) & (radius <= 1.0 + 1e-12))
    for k in range(3):  # each arm runs from the centre out to radius 1
        assert radius[y == k].min() == pytest.approx(0.0, abs=1e-12)
        assert radius[y == k].max() == pytest.approx(1.0)


def test_spirals_noise_moves_points_off_the_noiseless_arms() -> None:
    X0, _ = data.spirals(300, noise=0.0, seed=0)
    X1, _ = data.spirals(300, noise=0.2, seed=0)
    np.testing.assert_allclose(np.hypot(*X0.T), np.hypot(*X1.T), atol=1e-12)  # noise turns, never stretches
    assert not np.allclose(X0, X1)


def test_blobs_with_given_centres() -> None:
    centres = np.array([[0.0, 0.0], [5.0, -3.0], [-4.0, 8.0]])
    X, y = data.blobs(6000, centers=centres, std=0.5, seed=0)
    for k, centre in enumerate(centres):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centre, atol=0.05)
        np.testing.assert_allclose(X[y == k].std(axis=0), 0.5, rtol=0.1)


def test_blobs_random_centres_lie_in_the_box() -> None:
    X, y = data.blobs(40, centers=4, std=0.0, dim=3, box=(2.0, 3.0), seed=0)
    assert np.all((X >= 2.0) & (X < 3.0))
    for k in range(4):  # std=0: every point of a blob sits on its centre
        assert np.all(X[y == k] == X[y == k][0])
    assert len(np.unique(X, axis=0)) == 4


@pytest.mark.parametrize(
    ("call", "error", "shown"),
    [
        (lambda: data.moons(-3), ValueError, "got -3"),
        (lambda: data.moons(0), ValueError, "got 0"),
        (lambda: data.moons(2.5), TypeError, "got 2.5"),  # type: ignore[arg-type]
        (lambda: data.moons(True), TypeError, "got True"),
        (lambda: data.moons("10"), TypeError, "got '10'"),  # type: ignore[arg-type]
        (lambda: data.moons(10, noise=-0.1), ValueError, "got -0.1"),
        (lambda: data.moons(10, noise=float("nan")), ValueError, "got nan"),
        (lambda: data.moons(10, noise="0.1"), TypeError, "got '0.1'"),  # type: ignore[arg-type]
        (lambda: data.circles(-1), ValueError, "got -1"),
        (lambda: data.circles(10, noise=-1.0), ValueError, "got -1.0"),
        (lambda: data.circles(10, factor=1.5), ValueError, "got 1.5"),
        (lambda: data.circles(10, factor=1), ValueError, "got 1"),
        (lambda: data.circles(10, factor=0.0), ValueError, "got 0.0"),
        (lambda: data.circles(10, factor=-0.5), ValueError, "got -0.5"),
        (lambda: data.circles(10, factor=None), TypeError, "got None"),  # type: ignore[arg-type]
        (lambda: data.spirals(0), ValueError, "got 0"),
        (lambda: data.spirals(10, classes=0), ValueError, "got 0"),
        (lambda: data.spirals(10, classes=2.0), TypeError, "got 2.0"),  # type: ignore[arg-type]
        (lambda: data.spirals(10, noise=-0.2), ValueError, "got -0.2"),
        (lambda: data.blobs(-5), ValueError, "got -5"),
        (lambda: data.blobs(10, centers=0), ValueError, "got 0"),
        (lambda: data.blobs(10, centers=True), TypeError, "got True"),
        (lambda: data.blobs(10, centers=[[0, 0, 0]]), ValueError, "got shape (1, 3)"),
        (lambda: data.blobs(10, centers=[0.0, 1.0]), ValueError, "got shape (2,)"),
        (lambda: data.blobs(10, centers="abc"), TypeError, "got 'abc'"),
        (lambda: data.blobs(10, centers=3.0), TypeError, "got 3.0"),
        (lambda: data.blobs(10, std=-1.0), ValueError, "got -1.0"),
        (lambda: data.blobs(10, dim=0), ValueError, "got 0"),
        (lambda: data.blobs(10, box=(1.0, -1.0)), ValueError, "got (1.0, -1.0)"),
        (lambda: data.blobs(10, box=(0.0,)), TypeError, "got (0.0,)"),  # type: ignore[arg-type]
    ],
)
def test_bad_inputs_say_what_came(call: Callable[[], object], error: type[Exception], shown: str) -> None:
    with pytest.raises(error, match=re.escape(shown)):
        call()


def test_messages_name_the_function_and_the_argument() -> None:
    with pytest.raises(ValueError, match=r"^moons: n must be a positive integer, got -3$"):
        data.moons(-3)
    with pytest.raises(ValueError, match=r"^spirals: classes must be a positive integer"):
        data.spirals(10, classes=-1)


def test_numpy_integers_and_floats_are_accepted() -> None:
    X, y = data.spirals(np.int64(9), classes=np.int32(3), noise=np.float64(0.1), seed=0)
    assert X.shape == (9, 2) and np.bincount(y).tolist() == [3, 3, 3]
