"""Saving and loading a Module subclass of one's own: nn.register, config(), and what load checks."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

import autograd
import nn
from autograd import Value
from nn import persistence


@pytest.fixture(autouse=True)
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, type[nn.Module]]:
    """Each test registers into a copy of the registry, so that its classes do not outlive it."""
    copy = dict(persistence._REGISTRY)
    monkeypatch.setattr(persistence, "_REGISTRY", copy)
    return copy


class Affine(nn.Module):
    """A model of one's own: ``w . x + b`` with a scale, built from two keyword arguments."""

    built = 0  # how many times the constructor ran

    def __init__(self, n: int, scale: float = 1.0) -> None:
        if not isinstance(n, int) or n < 1:
            raise ValueError(f"Affine: n must be a positive int, got {n!r}")
        Affine.built += 1
        self.n, self.scale = n, scale
        self.w = [Value(scale * (i + 1)) for i in range(n)]
        self.b = Value(0.0)

    def forward(self, x: list[float]) -> Value:
        return autograd.dot(self.w, x, self.b)

    def config(self) -> dict[str, Any]:
        return {"n": self.n, "scale": self.scale}


def bits(model: nn.Module) -> dict[str, str]:
    return {name: value.hex() for name, value in model.state_dict().items()}


def test_a_registered_class_of_ones_own_round_trips_exactly(tmp_path: Path) -> None:
    assert nn.register(Affine) is Affine  # a decorator: gives the class back
    model = Affine(3, scale=0.5)
    for p, value in zip(model.parameters(), [math.nan, -0.0, 0.1 + 0.2, 5e-324], strict=True):
        p.data = value
    model.save(tmp_path / "affine.json")
    document = json.loads((tmp_path / "affine.json").read_text())
    assert document["class"] == "Affine" and document["config"] == {"n": 3, "scale": 0.5}
    again = nn.load(tmp_path / "affine.json")
    assert type(again) is Affine and again.config() == model.config()
    assert bits(again) == bits(model)
    persistence.save(again, tmp_path / "again.json")  # the function, as the method
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "affine.json").read_bytes()


def test_an_unregistered_class_is_refused_saying_how_to_register_it(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"not Affine: register it with @nn\.register.*config\(self\)"):
        Affine(2).save(tmp_path / "affine.json")
    assert list(tmp_path.iterdir()) == []


def test_a_subclass_of_a_registered_class_is_not_saved_as_its_parent(tmp_path: Path) -> None:
    class Wide(nn.MLP):
        pass

    with pytest.raises(TypeError, match="not Wide"):
        Wide(2, [3, 1], seed=0).save(tmp_path / "wide.json")
    assert list(tmp_path.iterdir()) == []


def file_of(tmp_path: Path, config: dict[str, Any], parameters: dict[str, float]) -> Path:
    document = {"format": "glassgrad.module", "version": 1, "class": "Affine", "config": config}
    path = tmp_path / "affine.json"
    path.write_text(json.dumps({**document, "parameters": parameters}))
    return path


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"n": 2, "depth": 3}, "got an unexpected keyword argument 'depth'"),
        ({"scale": 1.0}, "missing a required argument: 'n'"),
    ],
    ids=["an unknown argument", "a missing argument"],
)
def test_a_config_that_does_not_fit_the_constructor_builds_nothing(
    tmp_path: Path, config: dict[str, Any], message: str
) -> None:
    nn.register(Affine)
    path = file_of(tmp_path, config, {"w.0": 1.0, "w.1": 2.0, "b": 0.0})
    built = Affine.built
    with pytest.raises(
        ValueError, match=f"^{re.escape(str(path))}: does not describe a valid Affine: {message}"
    ):
        nn.load(path)
    assert Affine.built == built


@pytest.mark.parametrize(
    ("config", "parameters", "message"),
    [
        ({"n": 3}, {"w.0": 1.0, "w.1": 2.0, "b": 0.0}, "its config asks for 4 parameters, the file has 3$"),
        ({"n": 2}, {"w.0": 1.0, "w.2": 2.0, "b": 0.0}, "missing 'w.1'; unexpected 'w.2'$"),
        ({"n": 0}, {"b": 0.0}, "Affine: n must be a positive int, got 0$"),  # the constructor's own check
    ],
    ids=["more parameters than the file", "other names", "refused by the constructor"],
)
def test_a_built_model_must_have_the_files_parameters(
    tmp_path: Path, config: dict[str, Any], parameters: dict[str, float], message: str
) -> None:
    nn.register(Affine)
    with pytest.raises(ValueError, match=f"does not describe a valid Affine: .*{message}"):
        nn.load(file_of(tmp_path, config, parameters))


def test_an_unregistered_class_in_a_file_is_refused_saying_how_to_register_it(tmp_path: Path) -> None:
    path = file_of(tmp_path, {"n": 1}, {"w.0": 1.0, "b": 0.0})
    with pytest.raises(
        ValueError, match=r"unknown class 'Affine', expected one of Neuron, Layer, MLP.*nn\.register"
    ):
        nn.load(path)


def test_register_checks_the_class() -> None:
    with pytest.raises(TypeError, match=r"subclass of nn\.Module"):
        nn.register(Affine(1))  # type: ignore[type-var]
    with pytest.raises(TypeError, match=r"subclass of nn\.Module"):
        nn.register(dict)  # type: ignore[type-var]

    class NoConfig(nn.Module):
        pass

    with pytest.raises(TypeError, match=r"NoConfig must define config\(self\) -> dict"):
        nn.register(NoConfig)


def test_one_name_is_one_class(registry: dict[str, type[nn.Module]]) -> None:
    nn.register(Affine)
    nn.register(Affine)  # the same class again: nothing changes
    assert registry["Affine"] is Affine
    with pytest.raises(ValueError, match=r"another class is registered as 'MLP' \(nn\.module\.MLP\)"):

        @nn.register
        class MLP(nn.Module):
            def config(self) -> dict[str, Any]:
                return {}

    assert registry["MLP"] is nn.MLP


def test_a_class_defined_again_replaces_its_old_definition(registry: dict[str, type[nn.Module]]) -> None:
    """A notebook cell run twice defines its class twice: the second is the one to build."""
    made = []
    for _ in range(2):

        @nn.register
        class Cell(nn.Module):
            def config(self) -> dict[str, Any]:
                return {}

        made.append(Cell)
    assert made[0] is not made[1] and registry["Cell"] is made[1]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ([3], r"Affine\.config\(\) must be a dict of keyword arguments, got \[3\] \(list\)"),
        ({"n": 2, "scale": {1.0}}, r"must give JSON values that Affine\(\.\.\.\) takes.*set"),
        ({"n": 2, "depth": 3}, r"must give JSON values that Affine\(\.\.\.\) takes.*'depth'"),
    ],
    ids=["not a dict", "not JSON", "not the constructor's"],
)
def test_save_checks_the_config_before_touching_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: Any, message: str
) -> None:
    nn.register(Affine)
    path = tmp_path / "affine.json"
    Affine(2).save(path)
    old = path.read_bytes()
    model = Affine(2, scale=3.0)
    monkeypatch.setattr(model, "config", lambda: config)
    with pytest.raises(TypeError, match=message):
        model.save(path)
    assert path.read_bytes() == old and sorted(tmp_path.iterdir()) == [path]


def test_the_builtins_config_is_public_and_rebuilds_them() -> None:
    for model in [nn.Neuron(2, "tanh", seed=0), nn.Layer(2, 3, seed=0), nn.MLP(2, [3, 1], seed=0)]:
        again = type(model)(**model.config())
        assert repr(again) == repr(model)
