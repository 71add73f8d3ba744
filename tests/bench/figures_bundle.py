"""The frozen program: its size and how fast it starts (``python build/build.py`` first).

* ``bundle_mb``: the one-folder bundle (build/dist/Desk, or ``DESK_BUNDLE``) in MB as
  Windows Explorer counts them (2**20 bytes); target ≤ 150.
* ``frozen_start_s``: the frozen program's self-test window step — Qt started offscreen,
  the main window built on the test ledger, shown, painted and closed (median of three runs
  of ``selftest --only window``); target ≤ 1.5 s.
* ``frozen_sections_s``: the self-test's next step, the window opened again and each of its
  six sections built and painted (until 2026-12 this was part of the window step).
* ``frozen_window_shown_s``: the same step up to the moment the window is shown.
* ``frozen_launch_to_window_s``: process launch to window shown, bootloader included.
* ``frozen_selftest_s``: the whole ``selftest``, wall clock.

Without a bundle the figures are ``None`` and the rest of the benchmark runs as usual.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RUNS = 3


def bundle_dir() -> Path:
    return Path(os.environ.get("DESK_BUNDLE") or ROOT / "build" / "dist" / "Desk")


def console_program(bundle: Path) -> Path:
    return bundle / ("desk-debug.exe" if sys.platform == "win32" else "desk")


def size_mb(folder: Path) -> float:
    total = sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return total / 2**20


def selftest(program: Path, *args: str) -> tuple[float, float, dict[str, Any]]:
    """Run the program's self-test; (launch epoch, wall seconds, its JSON report)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DESK_HOME", "QT_QPA_PLATFORM")}
    launched = time.time()
    start = time.perf_counter()
    result = subprocess.run(
        [str(program), "selftest", "--json", *args], capture_output=True, text=True, encoding="utf-8",
        env=env, cwd=program.parent, timeout=300, check=False,
    )
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"frozen selftest failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    report = json.loads(result.stdout[result.stdout.index("\n{") + 1:])
    return launched, wall, report


def step_seconds(report: dict[str, Any], name: str) -> float:
    return float(next(s["seconds"] for s in report["steps"] if s["name"] == name))


def figures(ctx: Any) -> dict[str, Any]:
    bundle = bundle_dir()
    program = console_program(bundle)
    if not program.is_file():
        return {"bundle_mb": None, "frozen_start_s": None, "frozen_note": f"no bundle at {bundle}"}
    starts, sections, shown, launch_to_window = [], [], [], []
    for _ in range(RUNS):
        launched, _wall, report = selftest(program, "--only", "window,sections")
        starts.append(step_seconds(report, "window"))
        sections.append(step_seconds(report, "sections"))
        shown.append(report["marks"]["window_shown"] - report["marks"]["window_start"])
        launch_to_window.append(report["marks"]["window_shown"] - launched)
    _launched, full_wall, _report = selftest(program)
    return {
        "bundle_mb": round(size_mb(bundle), 1),
        "frozen_start_s": round(statistics.median(starts), 3),
        "frozen_sections_s": round(statistics.median(sections), 3),
        "frozen_window_shown_s": round(statistics.median(shown), 3),
        "frozen_launch_to_window_s": round(statistics.median(launch_to_window), 3),
        "frozen_selftest_s": round(full_wall, 2),
    }
