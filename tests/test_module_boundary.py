"""Tests for ``nn.module`` at its edges: models too big to build, files that must not be trusted, and the
files that ``save`` writes (their modes, their temporary files)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import nn.module
from nn.module import MLP, Layer, Neuron
from nn.persistence import load


# ---------------------------------------------------------------- sizes
@pytest.mark.parametrize(
    ("make", "count", "memory"),
    [
        (lambda: MLP(2, [10**9]), "3,000,000,000", "510.0 GB"),  # used to hang
        (lambda: MLP(10**8, [1]), "100,000,001", "17.0 GB"),  # used to end in a MemoryError after 11 s
        (
            lambda: MLP(2, [10**30, 1]),
            "4,000,000,000,000,000,000,000,000,000,001",
            "680,000,000,000,000,000,000.0 TB",
        ),
        (lambda: Layer(10**4, 10**4), "100,010,000", "17.0 GB"),
        (lambda: Neuron(10**7), "10,000,001", "1.7 GB"),
    ],
    ids=["MLP wide", "MLP many inputs", "MLP absurd", "Layer", "Neuron"],
)
def test_a_model_over_the_limit_is_refused_before_anything_is_allocated(
    make: Any, count: str, memory: str
) -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError, match=f"{count} parameters asked for") as error:
        make()
    assert time.perf_counter() - start < 1.0  # microseconds, in fact
    message = str(error.value)
    assert f"about {memory}" in message and "a Value of about 170 bytes" in message
    assert "MAX_PARAMETERS = 10,000,000" in message


def test_the_limit_is_counted_exactly_and_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nn.module, "MAX_PARAMETERS", 63)
    assert MLP(2, [10, 3]).num_parameters() == 10 * 3 + 3 * 11 == 63  # at the limit: built
    assert Layer(2, 21).num_parameters() == Neuron(62).num_parameters() == 63
    for make, who, count in [
        (lambda: MLP(2, [10, 3, 1]), "MLP", 67),
        (lambda: Layer(2, 22), "Layer", 66),
        (lambda: Neuron(63), "Neuron", 64),
    ]:
        with pytest.raises(ValueError, match=f"^{who}: {count} parameters asked for.* = 63 "):
            make()
    monkeypatch.setattr(nn.module, "MAX_PARAMETERS", 64)  # read at each call
    assert Neuron(63).num_parameters() == 64


# ---------------------------------------------------------------- load: a file is not to be trusted
def model_file(tmp_path: Path, name: str, config: dict[str, Any], parameters: dict[str, float]) -> Path:
    document = {"format": "glassgrad.module", "version": 1, "class": name, "config": config}
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({**document, "parameters": parameters}))
    return path


@pytest.mark.parametrize(
    ("name", "config", "parameters", "message"),
    [
        # 127 bytes that took 14 s and ended in a bare MemoryError
        ("MLP", {"nin": 1, "nouts": [100000, 100000]}, {}, "MLP: 10,000,300,000 parameters asked for"),
        # 4.7 s and 498 MB to find that the file holds one parameter
        (
            "Neuron",
            {"nin": 1000000},
            {"w.0": 1.0},
            "its config asks for 1,000,001 parameters, the file has 1",
        ),
        ("Layer", {"nin": 2, "nout": 3}, {f"p{i}": 0.0 for i in range(10)}, "asks for 9 .* has 10$"),
        ("MLP", {"nin": "2", "nouts": [1]}, {}, r"nin must be a positive integer, got '2' \(str\)"),
        ("MLP", {"nin": 2}, {}, "missing a required argument: 'nouts'"),
    ],
    ids=["too big", "more than the file holds", "fewer than the file holds", "a str size", "no nouts"],
)
def test_load_checks_the_sizes_against_the_file_before_building_anything(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    config: dict[str, Any],
    parameters: dict[str, float],
    message: str,
) -> None:
    def build(*args: Any) -> Any:
        raise AssertionError("load began to build the model")

    monkeypatch.setattr(nn.module, "_draw", build)  # every neuron draws its weights first
    path = model_file(tmp_path, name, config, parameters)
    start = time.perf_counter()
    with pytest.raises(
        ValueError, match=f"^{re.escape(str(path))}: does not describe a valid {name}: .*{message}"
    ):
        load(path)
    assert time.perf_counter() - start < 1.0  # microseconds, in fact


def test_the_127_byte_file_of_the_bug_report(tmp_path: Path) -> None:
    path = model_file(tmp_path, "MLP", {"nin": 1, "nouts": [100000, 100000]}, {})
    assert path.stat().st_size == 127
    with pytest.raises(ValueError, match="MAX_PARAMETERS"):
        load(path)


def test_a_file_within_the_limit_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nn.module, "MAX_PARAMETERS", 3)
    Neuron(2, seed=0).save(tmp_path / "n.json")
    assert load(tmp_path / "n.json").num_parameters() == 3
    monkeypatch.setattr(nn.module, "MAX_PARAMETERS", 2)
    with pytest.raises(ValueError, match="3 parameters asked for"):
        load(tmp_path / "n.json")


def test_deeply_nested_json_is_a_value_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)  # a RecursionError in Python's JSON parser
    with pytest.raises(ValueError, match=f"^not a glassgrad model file: {re.escape(str(path))}: .*nested"):
        load(path)


def test_an_unknown_top_level_key_is_refused(tmp_path: Path) -> None:
    Neuron(2, seed=0).save(tmp_path / "n.json")
    document = json.loads((tmp_path / "n.json").read_text())
    (tmp_path / "n.json").write_text(json.dumps({**document, "optimizer": {}}))
    expected = "unknown key 'optimizer'; a model file has format, version, class, config, parameters"
    with pytest.raises(ValueError, match=f"^{re.escape(str(tmp_path / 'n.json'))}: {expected}$"):
        load(tmp_path / "n.json")


# ---------------------------------------------------------------- save: modes and temporary files
@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077, 0o002], ids=oct)
def test_a_new_file_is_made_as_the_umask_says(tmp_path: Path, mask: int) -> None:
    before = os.umask(mask)
    try:
        Neuron(2, seed=0).save(tmp_path / "m.json")
    finally:
        os.umask(before)
    assert (tmp_path / "m.json").stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o444], ids=oct)
def test_saving_over_a_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "m.json"
    Neuron(2, seed=0).save(path)
    path.chmod(mode)
    Neuron(2, seed=1).save(path)
    assert path.stat().st_mode & 0o777 == mode
    assert load(path).state_dict() == Neuron(2, seed=1).state_dict()


def test_the_temporary_file_is_named_after_its_target_and_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = []
    replace = os.replace

    def spy(src: Any, dst: Any) -> None:
        written.append(os.path.basename(src))
        replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    Neuron(2, seed=0).save(tmp_path / "m.json")
    assert re.fullmatch(rf"\.m\.json\.{os.getpid()}\.[0-9a-f]{{8}}\.tmp", written[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    return int(child.stdout)


@pytest.mark.skipif(os.name != "posix", reason="whether a writer lives is asked with os.kill(pid, 0)")
def test_a_save_removes_the_temporary_files_that_dead_writers_of_its_target_left(tmp_path: Path) -> None:
    dead = dead_pid()
    stale = [f".m.json.{dead}.0123abcd.tmp", f".m.json.{dead}.ffffffff.tmp"]
    kept = [
        f".m.json.{os.getpid()}.0123abcd.tmp",  # a writer that is alive: this process
        ".m.json.1.0123abcd.tmp",  # and init
        f".other.json.{dead}.0123abcd.tmp",  # another target's
        f".m.json.{dead}.0123abcd.tmp.bak",  # not a temporary file of save's
        f"m.json.{dead}.0123abcd.tmp",
        "notes.txt",
    ]
    for name in stale + kept:
        (tmp_path / name).write_text("{")
    Neuron(2, seed=0).save(tmp_path / "m.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*kept, "m.json"])


CHILD = """
import json, os, sys
from nn import Neuron

def half_then_wait(obj, fp, **kwargs):  # killed in the middle of writing
    fp.write(json.dumps(obj)[:40])
    fp.flush()
    print("writing", flush=True)
    sys.stdin.read()

json.dump = half_then_wait
Neuron(2, seed=1).save(sys.argv[1])
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_save_killed_mid_write_leaves_the_old_file_and_the_next_save_cleans_up(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    Neuron(2, seed=0).save(path)
    old = path.read_bytes()
    root = Path(nn.module.__file__).resolve().parents[1]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == b"writing\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert path.read_bytes() == old
    (left,) = [p.name for p in tmp_path.iterdir() if p.name != "m.json"]
    assert left.startswith(f".m.json.{child.pid}.") and left.endswith(".tmp")
    Neuron(2, seed=2).save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]
    assert load(path).state_dict() == Neuron(2, seed=2).state_dict()
