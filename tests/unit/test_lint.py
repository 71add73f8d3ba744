"""The house rules that tools can check: ruff on everything, mypy on the layers below the UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff() -> None:
    pytest.importorskip("ruff")
    result = run("ruff", "check", "desk", "tests", "build")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_on_core_store_exchange() -> None:
    pytest.importorskip("mypy")
    result = run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
