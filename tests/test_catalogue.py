"""The shared op catalogue (``tests/catalogue.py``) covers every op of ``autograd/ops.py``.

A built-in op added to the ops table without a catalogue entry fails here, so it cannot miss the suites
that read the catalogue (values and gradients, batched mode, compile, property tests, PyTorch).
"""

from __future__ import annotations

import inspect
from types import ModuleType

import catalogue
import pytest

from autograd import ops


def _returns_op(annotation: object) -> bool:
    return annotation is ops.Op or (isinstance(annotation, str) and annotation.split(".")[-1] == "Op")


# autograd.op is the door for ops of one's own, not a family of built-in ones.
NOT_FAMILIES = {"op"}


def families(module: ModuleType) -> set[str]:
    """The op families of an ops module: its public functions that make an ``Op`` from a constant."""
    return {
        name
        for name, f in vars(module).items()
        if not name.startswith("_")
        and name not in NOT_FAMILIES
        and callable(f)
        and not isinstance(f, type)
        and getattr(inspect.unwrap(f), "__module__", None) == module.__name__
        and _returns_op(inspect.signature(inspect.unwrap(f)).return_annotation)
    }


def missing(module: ModuleType) -> set[str]:
    """What of the module's ops table no catalogue case records: Ops by name, families by name."""
    recorded = {
        catalogue.recorded_op(case) for case in (*catalogue.UNARY, *catalogue.BINARY, *catalogue.FUSED)
    }
    absent = {op.name for op in vars(module).values() if isinstance(op, ops.Op)} - recorded
    for family in families(module):
        constants = catalogue.FAMILIES.get(family, ())
        if not constants or not recorded & {getattr(module, family)(c).name for c in constants}:
            absent.add(family)
    return absent


def test_every_op_of_the_table_has_a_catalogue_case() -> None:
    assert families(ops) == {"power_of", "leaky_relu_of"}
    assert not missing(ops), f"ops without a case in tests/catalogue.py: {sorted(missing(ops))}"


def test_a_new_op_or_family_without_a_case_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        ops, "CUBE_ROOT", ops.Op("cbrt", lambda x: x ** (1 / 3), lambda g, out, x: (g,)), raising=False
    )

    def clip_of(limit: float) -> ops.Op:
        return ops.Op(f"clip({limit:g})", lambda x: min(x, limit), lambda g, out, x: (g,))

    clip_of.__module__ = ops.__name__
    monkeypatch.setattr(ops, "clip_of", clip_of, raising=False)
    assert missing(ops) == {"cbrt", "clip_of"}


def test_every_family_constant_and_case_names_an_op() -> None:
    for family, constants in catalogue.FAMILIES.items():
        for c in constants:
            op = getattr(ops, family)(c)
            assert catalogue.op_named(op.name) is op  # cached: the one Op per constant
    for case in (*catalogue.UNARY, *catalogue.BINARY, *catalogue.FUSED):
        if catalogue.recorded_op(case):  # ("" for detach: a constant records no op)
            catalogue.op_named(catalogue.recorded_op(case))  # no KeyError
    with pytest.raises(KeyError, match="no op"):
        catalogue.op_named("cbrt")


@pytest.mark.parametrize("name", [case.name for case in catalogue.UNARY if case.torch is not None])
def test_each_op_matches_its_pytorch_equivalent_at_its_points(name: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle: pip install torch")
    case = catalogue.CASES[name]
    assert case.torch is not None
    for x in case.points:
        v = catalogue.Value(x)
        out = case.apply(v)
        out.backward()
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        tout = case.torch(torch, t)
        tout.backward()
        assert out.data == pytest.approx(tout.item(), rel=1e-12), x
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-10, abs=1e-12), x
