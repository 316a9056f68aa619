"""``python -m nn train``: a good command line trains and writes its outputs; a bad one is refused before
anything runs, as argparse refuses: its usage, one line of error, exit status 2, no traceback."""

from __future__ import annotations

import doctest
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import nn
from autograd import Value
from nn.__main__ import build_parser, main
from nn.module import _ACTIVATIONS
from nn.train import LOSSES

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 30  # seconds for all the bad command lines together: none of them may train or hang

# (arguments, a piece of the error line). None in the arguments stands for a folder made by the fixture.
BAD = [
    (["--batch-size", "0"], "argument --batch-size: must be a positive integer, got 0"),
    (["--batch-size", "-1"], "argument --batch-size: must be a positive integer, got -1"),
    (["--batch-size", "x"], "argument --batch-size: invalid int value: 'x'"),
    (["--lr", "-1"], "argument --lr: must be a finite number > 0, got -1.0"),
    (["--lr", "0"], "argument --lr: must be a finite number > 0, got 0.0"),
    (["--lr", "nan"], "argument --lr: must be a finite number > 0, got nan"),
    (["--lr", "inf"], "argument --lr: must be a finite number > 0, got inf"),
    (["--lr", "fast"], "argument --lr: invalid float value: 'fast'"),
    (["--l2", "-1"], "argument --l2: must be a finite number >= 0, got -1.0"),
    (["--l2", "nan"], "argument --l2: must be a finite number >= 0, got nan"),
    (["--noise", "-1"], "argument --noise: must be a finite number >= 0, got -1.0"),
    (["--noise", "inf"], "argument --noise: must be a finite number >= 0, got inf"),
    (["--seed", "-1"], "argument --seed: must be a non-negative integer, got -1"),
    (["--seed", "1.5"], "argument --seed: invalid int value: '1.5'"),
    (["--samples", "0"], "argument --samples: must be an integer from 1 to 1,000,000, got 0"),
    (
        ["--samples", "1000000000"],
        "argument --samples: must be an integer from 1 to 1,000,000, got 1000000000",
    ),
    (["--epochs", "0"], "argument --epochs: must be a positive integer, got 0"),
    (["--epochs", "-5"], "argument --epochs: must be a positive integer, got -5"),
    (["--hidden", "1000000000"], "argument --hidden: a model of 4,000,000,001 parameters"),
    (["--hidden", "1000,1000,1000"], "argument --hidden: a model of 2,006,001 parameters"),
    (["--hidden", "0"], "argument --hidden: hidden sizes must be positive, got '0'"),
    (["--hidden", "a,b"], "argument --hidden: hidden sizes must be integers like 16,16, got 'a,b'"),
    (["--dataset", "mnist"], "argument --dataset: invalid choice: 'mnist'"),
    (["--activation", "gelu"], "argument --activation: invalid choice: 'gelu'"),
    (["--loss", "l1"], "argument --loss: invalid choice: 'l1'"),
    (["--optimizer", "rmsprop"], "argument --optimizer: invalid choice: 'rmsprop'"),
    (
        ["--dataset", "spirals", "--loss", "hinge"],
        "argument --loss: hinge takes 2 classes, --dataset spirals has 3",
    ),
    (["--dataset", "blobs", "--loss", "bce"], "argument --loss: bce takes 2 classes, --dataset blobs has 3"),
    (["--lr"], "argument --lr: expected one argument"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--out", "file.txt"], "argument --out: 'file.txt' is a file, not a folder"),
    (["--out", "file.txt/runs"], "argument --out: cannot write in 'file.txt/runs': Not a directory"),
    (["--out", "/proc"], "argument --out: cannot write in '/proc': "),
    (["--out", None], "argument --out: cannot write in "),  # a read-only folder
]


def read_only_folder(base: Path) -> str:
    """A folder no file can be written in: mode 0o555, or, for root (who writes there anyway), /sys."""
    folder = base / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        (folder / "probe").touch()
    except PermissionError:
        return str(folder)
    if not Path("/sys").is_dir():
        pytest.skip("no read-only folder for this user")
    return "/sys"  # the kernel refuses new files in sysfs even to root


@pytest.fixture(scope="module")
def refusals(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int | None, str, str, bool]]:
    """Every bad command line of BAD, run at once, each in a fresh folder: (status, stdout, stderr, made)."""
    base = tmp_path_factory.mktemp("cli")
    read_only = read_only_folder(base)
    runs = []
    for i, (args, _) in enumerate(BAD):
        cwd = base / str(i)
        cwd.mkdir()
        (cwd / "file.txt").write_text("a file, not a folder\n")
        line = [read_only if arg is None else arg for arg in args]
        command = [sys.executable, "-m", "nn", "train", "--out", "runs/out", "--no-progress", *line]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this worktree's nn, from any folder
        runs.append((cwd, subprocess.Popen(command, cwd=cwd, env=env, stdout=-1, stderr=-1, text=True)))
    results = []
    for cwd, process in runs:
        try:
            out, err = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
            err += "\n(timed out)"
        results.append((process.returncode, out, err, (cwd / "runs").exists()))
    return results


@pytest.mark.parametrize(("index", "expected"), [(i, expected) for i, (_, expected) in enumerate(BAD)],
                         ids=[" ".join(str(a) for a in args) for args, _ in BAD])  # fmt: skip
def test_a_bad_command_line_is_refused_in_one_line_before_anything_runs(
    refusals: list[tuple[int | None, str, str, bool]], index: int, expected: str
) -> None:
    status, out, err, made = refusals[index]
    assert "Traceback" not in err and "(timed out)" not in err, err
    lines = err.splitlines()
    assert lines[0].startswith("usage: python -m nn train"), err
    assert all(line.startswith(" ") for line in lines[1:-1]), err  # the rest of the usage, wrapped
    assert lines[-1].startswith("python -m nn train: error: ") and expected in lines[-1], err
    assert status == 2 and out == ""  # nothing ran: not even the data line
    assert not made or BAD[index][0][0] == "--out"  # the output folder is made last, once all is well


def test_cli_trains_micrograd_demo_and_writes_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib", reason="the PNGs need matplotlib: pip install 'glassgrad[plot]'")
    assert main(["train", "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "final training accuracy: 100%" in out
    assert "MLP(2 -> [16, 16, 1]" in out
    model = nn.load(tmp_path / "model.json")
    assert model.num_parameters() == 337
    history = json.loads((tmp_path / "history.json").read_text())
    assert len(history["loss"]) == 100 and history["lr"][0] == 1.0
    for png in ("loss.png", "boundary.png"):
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["train", "--dataset", "spirals", "--samples", "30", "--hidden", "8", "--optimizer", "adam",
                 "--epochs", "3", "--batch-size", "10", "--out", str(tmp_path), "--no-progress"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "3 classes" in out and "cross_entropy" in out
    assert nn.load(tmp_path / "model.json").layers[-1].nout == 3  # type: ignore[attr-defined]


def test_the_choices_are_the_librarys_own(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for names in (nn.data.__all__, _ACTIVATIONS, LOSSES, ["sgd", "adam"]):
        assert "{" + ",".join(names) + "}" in text


def test_a_name_added_to_a_library_table_is_a_choice_of_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Lion(nn.optim.SGD):
        pass

    added = {"--activation": "gelu", "--loss": "l1", "--dataset": "swirls", "--optimizer": "lion"}
    for option, name in added.items():
        with pytest.raises(SystemExit):
            build_parser().parse_args(["train", option, name])
    monkeypatch.setitem(_ACTIVATIONS, "gelu", Value.tanh)
    monkeypatch.setitem(LOSSES, "l1", LOSSES["mse"])
    monkeypatch.setattr(nn.data, "__all__", [*nn.data.__all__, "swirls"])
    monkeypatch.setattr(nn.optim, "Lion", Lion, raising=False)
    monkeypatch.setattr(nn.optim, "__all__", [*nn.optim.__all__, "Lion"])
    for option, name in added.items():
        args = build_parser().parse_args(["train", option, name])
        assert getattr(args, option[2:]) == name


def test_the_output_folder_is_made_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "new" / "run"
    assert (
        main(["train", "--epochs", "1", "--activation", "linear", "--out", str(folder), "--no-progress"]) == 0
    )
    assert (folder / "model.json").is_file() and "linear" in capsys.readouterr().out


def test_the_examples_in_the_docstrings_run() -> None:
    """pytest's doctest collection skips files named __main__.py, so this runs them."""
    import nn.__main__ as cli

    result = doctest.testmod(cli, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 5
