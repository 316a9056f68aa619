"""The README's Python examples run as written and print what their comments say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index: int, tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # the training example saves a model file
    namespace: dict[str, object] = {}
    exec(compile(BLOCKS[index], f"README.md block {index}", "exec"), namespace)
    out = capsys.readouterr().out
    if "x1.grad" in BLOCKS[index]:
        dx1, dw1 = map(float, out.splitlines()[0].split())
        assert (dx1, dw1) == pytest.approx((-1.5, 1.0), rel=1e-12)
    if "history.accuracy" in BLOCKS[index]:
        assert out.strip() == "1.0"
        assert (tmp_path / "moons.json").exists()
