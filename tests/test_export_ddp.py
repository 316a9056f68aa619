"""The how-to "When you outgrow glassgrad" trains on two processes: this runs that page's own script with
torchrun, for a few steps, on two CPU processes that talk only over 127.0.0.1, and checks what the page
says: both ranks end with identical weights, the loss went down, and the model back in glassgrad
predicts what PyTorch's does.

Skipped when torch (or its gloo backend) is not installed: ``pip install 'glassgrad[torch]'``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install 'glassgrad[torch]'")

import nn  # noqa: E402
from nn.export import to_torch, torch_state_dict  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "how-to" / "outgrow.md"
SCRIPT = ROOT / "docs" / "how-to" / "continue_in_pytorch.py"
TIMEOUT = 120  # seconds for the whole two-process run; it takes about 5
STEPS = 5

pytestmark = pytest.mark.skipif(
    not (torch.distributed.is_available() and torch.distributed.is_gloo_available()),
    reason="this PyTorch has no gloo backend for distributed training on CPUs",
)


def test_the_page_shows_the_script_the_test_runs() -> None:
    """The page includes the file (pymdownx.snippets) in a ``py`` block: shown on the site as it is,
    kept out of test_docs' in-process run (a ```python block would be run there), and run here. (The
    braces keep ruff's Markdown formatting, which rewrites ```py blocks, off the include line.)"""
    page = PAGE.read_text(encoding="utf-8")
    script = "docs/how-to/continue_in_pytorch.py"
    include = f'``` {{ .py title="{script}" }}\n--8<-- "{script}"\n```'
    assert include in page
    assert "torchrun --nproc_per_node=2 --master_addr=127.0.0.1" in page


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pages_model(folder: Path) -> None:
    """Run the page's first example, which trains the moons model and saves model.json, in ``folder``."""
    block = re.search(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)
    assert block is not None
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(block[1], f"{PAGE.name} block 0", "exec"), {})
    finally:
        os.chdir(cwd)


def test_two_processes_train_the_pages_model_to_the_same_weights(tmp_path: Path) -> None:
    pages_model(tmp_path)
    out = tmp_path / "runs" / "ddp"
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node=2",
        "--master_addr=127.0.0.1",
        f"--master_port={free_port()}",
        "--max_restarts=0",
        str(SCRIPT),
        "model.json",
        str(out),
        "--steps",
        str(STEPS),
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "GLOO_SOCKET_IFNAME": "lo",  # gloo's connections on the loopback interface, nowhere else
        "MASTER_ADDR": "127.0.0.1",
        "OMP_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
    }
    start = time.monotonic()
    # A session of its own, so that on a timeout the whole group (torchrun and its two workers) is ended.
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        output, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"torchrun did not finish in {TIMEOUT} s:\n{output}")
    seconds = time.monotonic() - start
    assert process.returncode == 0, output
    assert f"2 processes, {STEPS} steps" in output, output

    # Both ranks hold the same weights, and they moved from where they started.
    ranks = [dict(np.load(out / f"rank{r}.npz", allow_pickle=False)) for r in (0, 1)]
    assert (
        list(ranks[0]) == list(ranks[1]) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    )
    for name in ranks[0]:
        assert np.array_equal(ranks[0][name], ranks[1][name]), name
    start_model = nn.load(tmp_path / "model.json")
    assert any(not np.array_equal(ranks[0][k], v) for k, v in torch_state_dict(start_model).items())

    # The loss over all the data went down.
    losses = json.loads((out / "losses.json").read_text())
    assert len(losses) == STEPS and losses[-1] < losses[0], losses

    # The model back in glassgrad predicts what PyTorch's does.
    net = to_torch(start_model)
    net.load_state_dict({k: torch.from_numpy(v) for k, v in ranks[0].items()})
    back = nn.load(out / "model.json")
    X = np.random.default_rng(0).normal(size=(50, 2)) * 2
    np.testing.assert_allclose(
        back.predict(X), net(torch.from_numpy(X)).detach().numpy()[:, 0], rtol=1e-12, atol=1e-12
    )
    assert seconds < 60, f"the two-process run took {seconds:.1f} s"
