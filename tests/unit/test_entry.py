"""The frozen program's entry script (build/entry.py): the windowed desk.exe has no console,
so sys.stdout and sys.stderr are None there — commands must still run, not crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ENTRY = Path(__file__).resolve().parents[2] / "build" / "entry.py"

WITHOUT_CONSOLE = """
import runpy
import sys

sys.stdout = None
sys.stderr = None
sys.argv = ["desk", *sys.argv[1:]]
runpy.run_path({entry!r}, run_name="__main__")
"""


def run_windowed(*args: str) -> int:
    code = WITHOUT_CONSOLE.format(entry=str(ENTRY))
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, check=False, timeout=60).returncode


def test_a_command_that_prints_runs_without_a_console(tmp_path: Path) -> None:
    ledger = tmp_path / "韩家店镇 台账.desk"
    assert run_windowed("init", "--ledger", str(ledger), "--unit", "韩家店镇") == 0
    assert ledger.is_file()
    assert run_windowed("info", "--ledger", str(ledger), "--json") == 0


def test_an_error_without_a_console_still_gives_its_exit_code(tmp_path: Path) -> None:
    from desk.store.errors import LedgerNotFound

    assert run_windowed("info", "--ledger", str(tmp_path / "没有这个文件.desk")) == LedgerNotFound.exit_code
