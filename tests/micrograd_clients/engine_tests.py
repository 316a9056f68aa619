# Port of micrograd's test/test_engine.py (https://github.com/karpathy/micrograd, MIT licence), written
# for glassgrad: the same statements, in this project's formatting. Lines that differ from the source:
#   - `import torch` became `torch = pytest.importorskip(...)` (and `import pytest` was added): PyTorch is
#     an optional oracle here; CI installs it.
#   - `from micrograd.engine import Value` became `from autograd import Value`.
# Nothing else differs: the expressions, the torch side and the assertions (exact equality in the first
# test, 1e-6 in the second) are the source's.
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is the oracle of micrograd's tests: pip install torch")

from autograd import Value  # noqa: E402


def test_sanity_check() -> None:
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xmg, ymg = x, y

    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xpt, ypt = x, y

    # the forward pass agrees
    assert ymg.data == ypt.data.item()
    # and so does the backward pass
    assert xmg.grad == xpt.grad.item()


def test_more_ops() -> None:
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    amg, bmg, gmg = a, b, g

    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    apt, bpt, gpt = a, b, g

    tol = 1e-6
    # the forward pass agrees
    assert abs(gmg.data - gpt.data.item()) < tol
    # and so does the backward pass
    assert abs(amg.grad - apt.grad.item()) < tol
    assert abs(bmg.grad - bpt.grad.item()) < tol
