"""Benchmarks: figures, not pass/fail. ``python tests/bench/run.py --projects 10000 --json``.

Builds a demo ledger of N projects (12 monthly records each where the year allows) in a
temporary folder, then runs every ``figures_*.py`` module beside this file. Each module has
``figures(ctx) -> dict`` and adds its own keys; the result is one JSON object.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# "Today" in January: the demo fills every month of last year, so each active project
# has twelve monthly records; pinned so that figures compare run to run.
BENCH_TODAY = date(2027, 1, 15)


@dataclass
class Context:
    projects: int
    folder: Path
    ledger_path: Path
    today: date = BENCH_TODAY
    extra: dict[str, Any] = field(default_factory=dict)

    def clock(self) -> datetime:
        return datetime.combine(self.today, datetime.now().time()).replace(microsecond=0)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1)))))
    return ordered[k]


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def modules() -> list[Any]:
    found = []
    for path in sorted(Path(__file__).parent.glob("figures_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found.append(module)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Desk benchmarks")
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated figures_* module names to run")
    args = parser.parse_args(argv)
    from tests.conftest import offscreen_platform  # Windows-safe (a drive letter has a ':')

    os.environ.setdefault("QT_QPA_PLATFORM", offscreen_platform(ROOT / "tests" / "data" / "offscreen.json"))
    from desk.store.demo import build_demo

    results: dict[str, Any] = {"projects": args.projects}
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as tmp:
        folder = Path(tmp)
        os.environ["DESK_HOME"] = str(folder / "home")
        ctx = Context(args.projects, folder, folder / "bench.desk")
        seconds, ledger = timed(build_demo, ctx.ledger_path, projects=args.projects, today=ctx.today,
                                clock=ctx.clock)
        results["demo_build_s"] = round(seconds, 3)
        results["project_months"] = ledger.count("project_months")
        ledger.close()
        wanted = {w.strip() for w in args.only.split(",") if w.strip()}
        for module in modules():
            if wanted and module.__name__ not in wanted and module.__name__.removeprefix("figures_") not in wanted:
                continue
            results.update(module.figures(ctx))
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for key, value in results.items():
            print(f"{key:>28}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
