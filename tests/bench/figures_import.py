"""Importing a 10,000-row township table (two-row heading) beside calamine's own read time.

``floor_read_s``: python-calamine opening the same file and reading the sheet — the least
any import could take. ``import_10k_rows_s``: the whole import into a new ledger — checks,
table finding, mapping, every cell read, the plan, the backup and the transaction.
``import_10k_dry_run_s``: the same without writing. ``import_vs_floor``: the median, over
``ROUNDS`` rounds, of each import against the floor read just before it. Targets: ≤ 3 s and
≤ 5× the floor.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROWS = 10_000
ROUNDS = 5


def _workbook(path: Path) -> Path:
    import openpyxl

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.sheets.books import SINGLE_COLUMNS, TWO_ROW_SUB, TWO_ROW_TOP

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目台账"
    ws.append(["2026年10月韩家店镇重点项目调度表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TWO_ROW_TOP))
    ws.append(["单位：万元"])
    ws.append(TWO_ROW_TOP)
    ws.append(TWO_ROW_SUB)
    for col in SINGLE_COLUMNS:
        ws.merge_cells(start_row=3, start_column=col + 1, end_row=4, end_column=col + 1)
    ws.merge_cells(start_row=3, start_column=7, end_row=3, end_column=10)
    stages = ["续建", "新开工", "在建", "前期", "储备"]
    for n in range(1, ROWS + 1):
        ws.append([n, f"第{n}号标准厂房及配套设施建设项目", f"阜新恒通机械制造有限公司{n % 300}", "韩家店镇",
                   ["工业", "服务业", "农业产业化"][n % 3], stages[n % 5], 5000 + n, 1200.5, 80, 900,
                   date(2025, 1 + n % 12, 1 + n % 28), "2027年10月", "王建国", "主体结构施工中", ""])
    ws.append(["合计"])
    ws.append(["填报人：张三"])
    wb.save(path)
    return path


def figures(ctx: Any) -> dict[str, Any]:
    import python_calamine

    from desk.exchange.sheets.load import load_table
    from desk.store.importing import ImportSource, apply_import, automatic_mapping, plan_import
    from desk.store.ledger import Ledger

    path = _workbook(ctx.folder / "import-10k.xlsx")

    def floor_read() -> float:
        start = time.perf_counter()
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        book.close()
        return time.perf_counter() - start

    def ledger(n: int) -> Ledger:
        led = Ledger.create(ctx.folder / f"import-{n}.desk", "韩家店镇", parent_name="海州区")
        led.clock = ctx.clock
        return led

    # Each round reads the floor right before the import it is compared with: on a shared
    # machine the speed drifts from second to second, and a floor taken earlier than its
    # import measures the drift as much as the import.
    floors, dry_runs, imports, ratios = [], [], [], []
    for n in range(ROUNDS):
        led = ledger(n)
        start = time.perf_counter()
        loaded = load_table(path)
        mapping = automatic_mapping(led, loaded.table)
        plan = plan_import(led, loaded.table, mapping)
        dry_runs.append(time.perf_counter() - start)
        assert not plan.errors and plan.created == ROWS, plan.errors[:3]
        floors.append(floor_read())
        start = time.perf_counter()
        loaded = load_table(path)
        mapping = automatic_mapping(led, loaded.table)
        result = apply_import(led, loaded.table, mapping, ImportSource.of(path, loaded.sha256))
        imports.append(time.perf_counter() - start)
        ratios.append(imports[-1] / floors[-1])
        assert result.created == ROWS
        led.close()
    floor = statistics.median(floors)
    full = statistics.median(imports)
    return {
        "floor_read_s": round(floor, 3),
        "import_10k_dry_run_s": round(statistics.median(dry_runs), 3),
        "import_10k_rows_s": round(full, 3),
        "import_vs_floor": round(statistics.median(ratios), 2),
    }
