"""Tasks and targets: counting the year's actuals, the overdue count, and writing task sheets."""

from __future__ import annotations

import statistics
import time
from typing import Any

from desk.store.ledger import Ledger


def figures(ctx: Any) -> dict[str, Any]:
    from desk.exchange.tasksheet import write_breakdown_table, write_unit_sheet
    from desk.store.progress import report

    ledger = Ledger.open(ctx.ledger_path)
    ledger.clock = ctx.clock
    year = ctx.today.year - 1 if ctx.today.month == 1 else ctx.today.year
    times = []
    result = None
    for _ in range(3):
        start = time.perf_counter()
        result = report(ledger, year, today=ctx.today)
        times.append(time.perf_counter() - start)
    assert result is not None
    overdue = []
    for _ in range(20):
        start = time.perf_counter()
        ledger.problems.count_overdue(ctx.today)
        overdue.append((time.perf_counter() - start) * 1000)
    unit_id = result.tasks[0].rows[0].unit_id if result.tasks and result.tasks[0].rows else ledger.unit_id
    sheets: dict[str, float] = {}
    for suffix in ("pdf", "xlsx"):
        start = time.perf_counter()
        write_unit_sheet(ledger, result, unit_id, ctx.folder / f"sheet.{suffix}")  # type: ignore[arg-type]
        sheets[f"task_sheet_{suffix}_s"] = round(time.perf_counter() - start, 3)
    start = time.perf_counter()
    write_breakdown_table(ledger, result, ctx.folder / "table.pdf", with_progress=True)
    sheets["breakdown_table_pdf_s"] = round(time.perf_counter() - start, 3)
    problems = ledger.count("problems")
    ledger.close()
    return {
        "tasks_report_s": round(statistics.median(times), 3),
        "overdue_count_ms": round(statistics.median(overdue), 3),
        "problems": problems,
        **sheets,
    }
