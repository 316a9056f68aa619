"""Tests for ``nn.optim``: SGD and Adam against PyTorch's formulas written out on floats (and against
``torch.optim`` itself when it is installed), LinearLR, state_dict and the hyperparameter checks."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

import autograd
from autograd import Value
from nn.losses import mse_loss
from nn.optim import SGD, Adam, LinearLR, Optimizer

P0 = [1.0, -0.5, 2.0]
GRADS = [  # synthetic gradients for five steps of three parameters
    [0.5, -1.0, 2.0],
    [0.3, -0.2, -1.5],
    [-0.7, 0.0, 1.0],
    [1.2, 0.4, -0.3],
    [0.05, -2.5, 0.8],
]


# ---------------------------------------------------------------- PyTorch's algorithms, on floats
def sgd_reference(
    p0: Sequence[float], grads: Sequence[Sequence[float]], lr: float, momentum: float = 0.0, wd: float = 0.0
) -> list[float]:
    """torch.optim.SGD's documented algorithm (dampening 0, nesterov False), one float at a time."""
    theta, buf = list(p0), [0.0] * len(p0)
    for t, grad in enumerate(grads, start=1):
        for i, g in enumerate(grad):
            if wd != 0:
                g = g + wd * theta[i]
            if momentum != 0:
                buf[i] = g if t == 1 else momentum * buf[i] + g
                g = buf[i]
            theta[i] = theta[i] - lr * g
    return theta


def adam_reference(
    p0: Sequence[float],
    grads: Sequence[Sequence[float]],
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    wd: float = 0.0,
) -> list[float]:
    """torch.optim.Adam's documented algorithm (amsgrad False), one float at a time."""
    b1, b2 = betas
    theta, m, v = list(p0), [0.0] * len(p0), [0.0] * len(p0)
    for t, grad in enumerate(grads, start=1):
        for i, g in enumerate(grad):
            if wd != 0:
                g = g + wd * theta[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat = m[i] / (1 - b1**t)
            v_hat = v[i] / (1 - b2**t)
            theta[i] = theta[i] - lr * m_hat / (math.sqrt(v_hat) + eps)
    return theta


def run(make: Callable[[list[Value]], Optimizer], grads: Sequence[Sequence[float]] = GRADS) -> list[Value]:
    """Parameters at P0, then one optimizer step per row of ``grads`` (set as the parameters' .grad)."""
    params = [Value(x) for x in P0]
    opt = make(params)
    for grad in grads:
        for p, g in zip(params, grad, strict=True):
            p.grad = g
        opt.step()
    return params


def run_torch(make: Callable[[Any], Any], grads: Sequence[Sequence[float]] = GRADS) -> list[float]:
    """The same steps with a torch.optim optimizer on a float64 tensor of the parameters."""
    torch = pytest.importorskip("torch")
    x = torch.tensor(P0, dtype=torch.float64, requires_grad=True)
    opt = make([x])
    for grad in grads:
        x.grad = torch.tensor(grad, dtype=torch.float64)
        opt.step()
    return [float(v) for v in x.detach().tolist()]


SGD_SETTINGS = [  # (lr, momentum, weight_decay)
    (0.1, 0.0, 0.0),
    (0.1, 0.9, 0.0),
    (0.05, 0.0, 0.1),
    (0.05, 0.5, 0.01),
]
ADAM_SETTINGS = [  # (lr, betas, eps, weight_decay)
    (1e-3, (0.9, 0.999), 1e-8, 0.0),
    (0.1, (0.9, 0.999), 1e-8, 0.1),
    (0.05, (0.5, 0.9), 1e-3, 0.0),
    (0.05, (0.0, 0.0), 1e-8, 0.01),
]


# ---------------------------------------------------------------- SGD and Adam against the formulas
@pytest.mark.parametrize(("lr", "momentum", "wd"), SGD_SETTINGS)
def test_sgd_matches_pytorch_formulas(lr: float, momentum: float, wd: float) -> None:
    params = run(lambda ps: SGD(ps, lr=lr, momentum=momentum, weight_decay=wd))
    expected = sgd_reference(P0, GRADS, lr, momentum, wd)
    assert [p.data for p in params] == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(("lr", "betas", "eps", "wd"), ADAM_SETTINGS)
def test_adam_matches_pytorch_formulas(lr: float, betas: tuple[float, float], eps: float, wd: float) -> None:
    params = run(lambda ps: Adam(ps, lr=lr, betas=betas, eps=eps, weight_decay=wd))
    expected = adam_reference(P0, GRADS, lr, betas, eps, wd)
    assert [p.data for p in params] == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(("lr", "momentum", "wd"), SGD_SETTINGS)
def test_sgd_matches_torch(lr: float, momentum: float, wd: float) -> None:
    torch = pytest.importorskip("torch")
    ours = [p.data for p in run(lambda ps: SGD(ps, lr=lr, momentum=momentum, weight_decay=wd))]
    theirs = run_torch(lambda ps: torch.optim.SGD(ps, lr=lr, momentum=momentum, weight_decay=wd))
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(("lr", "betas", "eps", "wd"), ADAM_SETTINGS)
def test_adam_matches_torch(lr: float, betas: tuple[float, float], eps: float, wd: float) -> None:
    torch = pytest.importorskip("torch")
    ours = [p.data for p in run(lambda ps: Adam(ps, lr=lr, betas=betas, eps=eps, weight_decay=wd))]
    theirs = run_torch(lambda ps: torch.optim.Adam(ps, lr=lr, betas=betas, eps=eps, weight_decay=wd))
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15)


def test_momentum_buffer_is_the_gradient_on_the_first_step() -> None:
    w = Value(1.0)
    opt = SGD([w], lr=0.1, momentum=0.9)
    w.grad = 2.0
    opt.step()
    assert opt.state_dict()["momentum_buffer"] == [2.0]  # buf = g, not momentum * 0 + (1 - momentum) * g
    assert w.data == pytest.approx(1.0 - 0.1 * 2.0)
    w.grad = 1.0
    opt.step()
    assert opt.state_dict()["momentum_buffer"] == pytest.approx([0.9 * 2.0 + 1.0])
    assert w.data == pytest.approx(1.0 - 0.1 * 2.0 - 0.1 * (0.9 * 2.0 + 1.0))


def test_sgd_weight_decay_adds_wd_times_p_to_the_gradient() -> None:
    w = Value(2.0)
    w.grad = 0.5
    SGD([w], lr=0.1, weight_decay=0.1).step()
    assert w.data == pytest.approx(2.0 - 0.1 * (0.5 + 0.1 * 2.0))


def test_adam_first_step_moves_lr_against_the_sign_of_g() -> None:
    # m_hat = g and v_hat = g*g on step 1, so the step is lr * g / (|g| + eps): about lr, whatever |g|
    for grad in (1e-3, 5.0, -40.0):
        w = Value(0.0)
        w.grad = grad
        Adam([w], lr=0.01).step()
        assert w.data == pytest.approx(-0.01 * grad / (abs(grad) + 1e-8), rel=1e-12)
    w = Value(2.0)
    w.grad = -0.1  # with weight decay g = -0.1 + 0.1 * 2.0 > 0: the step goes down, not up
    Adam([w], lr=0.01, weight_decay=0.1).step()
    assert w.data == pytest.approx(2.0 - 0.01 * 0.1 / (0.1 + 1e-8), rel=1e-12)


def test_adam_overflow_is_ieee_without_warnings() -> None:
    grads = [[1e200, -1e-300, 0.0], [1.0, 2.0, 3.0]]  # 1e200**2 overflows to inf, as in PyTorch
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        params = run(lambda ps: Adam(ps, lr=0.1), grads)
    assert [p.data for p in params] == pytest.approx(adam_reference(P0, grads, 0.1), rel=1e-12)


def test_zero_grad() -> None:
    params = [Value(x) for x in P0]
    for p in params:
        p.grad = 3.0
    SGD(params, lr=0.1).zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1),
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
        lambda ps: Adam(ps, weight_decay=0.01),
    ],
)
def test_steps_change_data_in_place_and_record_no_graph(make: Callable[[list[Value]], Optimizer]) -> None:
    params = run(make)
    assert all(p.is_leaf and type(p.data) is float for p in params)  # a float, not a NumPy scalar or a Value
    assert [p.data for p in params] != P0


@pytest.mark.parametrize(
    "make",
    [lambda ps: SGD(ps, lr=0.1), lambda ps: SGD(ps, lr=0.05, momentum=0.9), lambda ps: Adam(ps, lr=0.1)],
)
def test_training_loop_fits_a_line(make: Callable[[list[Value]], Optimizer]) -> None:
    xs, ys = [-1.0, 0.0, 1.0, 2.0], [-1.0, 1.0, 3.0, 5.0]  # y = 2x + 1
    w, b = Value(0.0), Value(0.0)
    opt = make([w, b])
    for _ in range(500):
        opt.zero_grad()
        mse_loss([w * x + b for x in xs], ys).backward()
        opt.step()
    assert (w.data, b.data) == pytest.approx((2.0, 1.0), abs=1e-3)


# ---------------------------------------------------------------- LinearLR
def test_linear_lr_is_micrograds_schedule() -> None:
    opt = SGD([Value(0.0)], lr=1.0)
    sched = LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100)
    for k in range(101):
        assert opt.lr == pytest.approx(1.0 - 0.9 * k / 100, rel=1e-12)
        assert sched.get_last_lr() == [opt.lr]
        sched.step()
    for _ in range(5):  # constant after total_iters
        assert opt.lr == pytest.approx(0.1, rel=1e-12)
        sched.step()


def test_linear_lr_scales_the_base_lr_from_the_start() -> None:
    opt = Adam([Value(0.0)], lr=0.5)
    sched = LinearLR(opt, start_factor=0.25, end_factor=1.0, total_iters=4)  # a warm-up
    lrs = [opt.lr]
    for _ in range(5):
        sched.step()
        lrs.append(opt.lr)
    assert lrs == pytest.approx([0.5 * (0.25 + 0.75 * min(k, 4) / 4) for k in range(6)], rel=1e-12)


def test_linear_lr_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    x = torch.zeros(1, requires_grad=True)
    torch_opt = torch.optim.SGD([x], lr=0.3)
    torch_sched = torch.optim.lr_scheduler.LinearLR(
        torch_opt, start_factor=0.5, end_factor=0.1, total_iters=7
    )
    opt = SGD([Value(0.0)], lr=0.3)
    sched = LinearLR(opt, start_factor=0.5, end_factor=0.1, total_iters=7)
    for _ in range(10):
        assert sched.get_last_lr() == pytest.approx(torch_sched.get_last_lr(), rel=1e-12)
        torch_opt.step()
        torch_sched.step()
        sched.step()


# ---------------------------------------------------------------- state_dict
@pytest.mark.parametrize(
    "make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1, weight_decay=0.01)]
)
def test_state_dict_round_trip(make: Callable[[list[Value]], Optimizer]) -> None:
    params = [Value(x) for x in P0]
    opt = make(params)
    for grad in GRADS[:2]:
        for p, g in zip(params, grad, strict=True):
            p.grad = g
        opt.step()
    state = opt.state_dict()
    assert all(type(x) is float for key, xs in state.items() if key != "steps" for x in xs)
    assert state["steps"] == 2
    copies = [Value(p.data) for p in params]
    resumed = make(copies)
    resumed.load_state_dict(state)
    for grad in GRADS[2:]:
        for p, q, g in zip(params, copies, grad, strict=True):
            p.grad = q.grad = g
        opt.step()
        resumed.step()
    assert [q.data for q in copies] == [p.data for p in params]


def test_load_state_dict_checks_keys_and_lengths() -> None:
    opt = Adam([Value(x) for x in P0])
    with pytest.raises(ValueError, match="expected keys"):
        opt.load_state_dict({"steps": 0, "m": [0.0] * 3})
    with pytest.raises(ValueError, match="v has 2 values for 3 params"):
        opt.load_state_dict({"steps": 1, "m": [0.0] * 3, "v": [0.0] * 2})


ADAM_STATE = {"steps": 2, "m": [0.1] * 3, "v": [0.2] * 3}


def sgd(ps: list[Value]) -> SGD:
    return SGD(ps, lr=0.1)


@pytest.mark.parametrize(
    ("make", "state", "error", "match"),
    [
        (Adam, 5, TypeError, r"^Adam.load_state_dict: state must be a mapping \(from state_dict\(\)\), "
                             r"got 5 \(int\)$"),
        (sgd, [("steps", 1)], TypeError, r"^SGD.load_state_dict: state must be a mapping .*\(list\)$"),
        (sgd, None, TypeError, r"mapping .*got None \(NoneType\)$"),
        (Adam, {**ADAM_STATE, "lr": 0.1}, ValueError, r"expected keys \['m', 'steps', 'v'\]"),
        (Adam, {**ADAM_STATE, "steps": -1}, ValueError, "steps must be a non-negative integer, got -1$"),
        (Adam, {**ADAM_STATE, "steps": 1.5}, TypeError, r"steps must be .*, got 1.5 \(float\)$"),
        (Adam, {**ADAM_STATE, "v": 5}, TypeError, r"v must be a list of 3 numbers, got 5 \(int\)$"),
        (Adam, {**ADAM_STATE, "v": "000"}, TypeError, r"v must be a list of 3 numbers, got '000' \(str\)$"),
        (Adam, {**ADAM_STATE, "v": [0.0, "a"]}, TypeError, r"v\[1\] must be a real number, got 'a' \(str"),
        (Adam, {**ADAM_STATE, "v": [0.0] * 4}, ValueError, "v has 4 values for 3 params$"),
        (sgd, {"steps": 1, "momentum_buffer": [[0.0]] * 3}, TypeError, r"momentum_buffer\[0\] must be a"),
    ],
)  # fmt: skip
def test_load_state_dict_refuses_bad_states_and_changes_nothing(
    make: Callable[[list[Value]], Optimizer], state: Any, error: type[Exception], match: str
) -> None:
    params = [Value(x) for x in P0]
    opt = make(params)
    for p, g in zip(params, GRADS[0], strict=True):
        p.grad = g
    opt.step()
    before = opt.state_dict()
    with pytest.raises(error, match=match):
        opt.load_state_dict(state)
    assert opt.state_dict() == before


# ---------------------------------------------------------------- checks at the boundary
@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda ps: SGD(ps, lr=0.0), ValueError, "lr must be a finite number > 0, got 0.0"),
        (lambda ps: SGD(ps, lr=-0.1), ValueError, "lr .* got -0.1"),
        (lambda ps: Adam(ps, lr=math.nan), ValueError, "lr .* got nan"),
        (lambda ps: SGD(ps, lr="0.1"), TypeError, r"lr .* got '0.1' \(str\)"),  # type: ignore[arg-type]
        (lambda ps: SGD(ps, lr=0.1, momentum=-0.5), ValueError, "momentum .* got -0.5"),
        (lambda ps: SGD(ps, lr=0.1, weight_decay=-1e-4), ValueError, "weight_decay .* got -0.0001"),
        (lambda ps: Adam(ps, weight_decay=-1.0), ValueError, "weight_decay .* got -1.0"),
        (
            lambda ps: Adam(ps, betas=(1.0, 0.999)),
            ValueError,
            r"betas\[0\] must be a finite number in \[0, 1\), got 1.0",
        ),
        (lambda ps: Adam(ps, betas=(0.9, -0.1)), ValueError, r"betas\[1\] .* got -0.1"),
        (lambda ps: Adam(ps, betas=(0.9,)), ValueError, "betas must be a pair"),  # type: ignore[arg-type]
        (lambda ps: Adam(ps, betas=0.9), TypeError, "betas must be a pair"),  # type: ignore[arg-type]
        (lambda ps: Adam(ps, eps=0.0), ValueError, "eps must be a finite number > 0, got 0.0"),
        (lambda ps: Adam(ps, eps=-1e-8), ValueError, "eps .* got -1e-08"),
        (lambda ps: LinearLR(SGD(ps, lr=1.0), total_iters=0), ValueError, "total_iters .* got 0"),
        (
            lambda ps: LinearLR(SGD(ps, lr=1.0), total_iters=2.5),
            TypeError,
            r"total_iters .* got 2.5 \(float\)",
        ),  # type: ignore[arg-type]
        (lambda ps: LinearLR(SGD(ps, lr=1.0), start_factor=0.0), ValueError, "start_factor .* got 0.0"),
        (lambda ps: LinearLR(SGD(ps, lr=1.0), end_factor=1.5), ValueError, "end_factor .* got 1.5"),
        (lambda ps: LinearLR(ps), TypeError, "optimizer must be an Optimizer, got list"),
    ],
)
def test_hyperparameter_checks(
    make: Callable[[list[Value]], object], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        make([Value(1.0)])


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ([], ValueError, "empty"),
        ([Value(1.0), 2.0], TypeError, "got float at index 1"),
        (Value(1.0), TypeError, "iterable of Values, got Value"),
        (None, TypeError, "got NoneType"),
    ],
)
def test_params_checks(params: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        SGD(params, lr=0.1)


def test_a_parameter_twice_is_refused() -> None:
    w = Value(1.0)
    with pytest.raises(ValueError, match="more than once"):
        Adam([w, Value(2.0), w])


def test_lr_is_settable_and_checked() -> None:
    opt = SGD([Value(1.0)], lr=0.1)
    opt.lr = 0.01
    assert opt.lr == 0.01
    with pytest.raises(ValueError, match="lr"):
        opt.lr = -1.0
    assert opt.lr == 0.01


def test_optimizer_is_abstract() -> None:
    with pytest.raises(TypeError):
        Optimizer([Value(1.0)], lr=0.1)  # type: ignore[abstract]


def test_descend_is_micrograds_update_loop_number_for_number() -> None:
    """``autograd.descend`` gives what ``p.data -= lr * p.grad`` gives, for a float, a NumPy scalar
    gradient and a batch; a gradient that is a Value fails as the loop does, at that parameter."""

    def params() -> list[Value]:
        ps = [Value(0.1), Value(-2.5), Value(np.array([1.0, 2.0])), Value(3.0)]
        for p, g in zip(ps, [0.3, np.float64(1e-3), np.array([0.5, -0.5]), 7.0], strict=True):
            p.grad = g
        return ps

    by_loop, by_engine = params(), params()
    for p in by_loop:
        p.data -= 0.01 * p.grad
    autograd.descend(by_engine, 0.01)
    for a, b in zip(by_loop, by_engine, strict=True):
        assert type(a.data) is type(b.data)
        np.testing.assert_array_equal(a.data, b.data)
    x = Value(2.0)
    x.grad = Value(1.0)  # as backward(create_graph=True) leaves it
    with pytest.raises(TypeError, match="real number"):
        autograd.descend([Value(1.0), x], 0.1)
