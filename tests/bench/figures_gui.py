"""The project window with a big ledger: open, filter, sort, paste, save (offscreen).

Runs in its own process (``python figures_gui.py LEDGER TODAY LAUNCHED``) so that the
peak memory is the window's own and Qt's application object does not meet other
figure modules. Figures:

* ``gui_open_s``: opening the ledger and building the main window until the project
  table has painted (Python and Qt already imported); ``gui_open_cold_s`` adds the
  process start and the imports;
* ``gui_filter_ms_p95``: a query typed into the search box until the table has
  repainted, 50 different queries;
* ``gui_sort_ms``: the slowest of six header clicks until repainted;
* ``grid_paste_1000_rows_ms``: pasting a 1,000-row block into 本月填报 (parsed, checked,
  applied as one undoable edit, repainted); ``grid_save_1000_rows_ms`` writing it;
* ``gui_peak_mb``: the process's peak resident memory.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def figures(ctx: Any) -> dict[str, Any]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={ROOT / 'tests' / 'data' / 'offscreen.json'}")
    env["DESK_TODAY"] = ctx.today.isoformat()
    result = subprocess.run(
        [sys.executable, __file__, str(ctx.ledger_path), ctx.today.isoformat(), repr(time.time())],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )
    if result.returncode != 0:
        return {"gui_error": result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed"}
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _measure(ledger_path: str, today_text: str, launched: float) -> dict[str, Any]:
    import resource
    from datetime import date, datetime

    from PySide6.QtCore import QEvent, QObject

    from desk.store.ledger import Ledger
    from desk.ui.app import make_app
    from desk.ui.mainwindow import MainWindow
    from desk.ui.projects import view as _view  # noqa: F401 - imported before the clock starts
    from desk.ui.settings import UiSettings

    today = date.fromisoformat(today_text)
    app = make_app()

    class PaintSeen(QObject):
        seen = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                self.seen = True
            return False

    settings_path = Path(ledger_path).with_name("bench-settings.ini")
    start = time.perf_counter()
    ledger = Ledger.open(ledger_path)
    ledger.clock = lambda: datetime.combine(today, datetime.now().time()).replace(microsecond=0)
    window = MainWindow(ledger, UiSettings(settings_path), lambda: today)
    window.resize(1280, 800)
    page = window.show_section("projects")
    watcher = PaintSeen()
    page.table.viewport().installEventFilter(watcher)
    window.show()
    while not watcher.seen:
        app.processEvents()
    open_s = time.perf_counter() - start
    cold_s = time.time() - launched

    def painted(viewport_watcher: PaintSeen) -> None:
        """Let Qt run until the view has painted what changed (as it would for the clerk)."""
        while not viewport_watcher.seen:
            app.processEvents()
        viewport_watcher.seen = False

    def settle() -> None:
        watcher.seen = False
        page.table.viewport().update()
        painted(watcher)

    names = [r[0] for r in ledger.conn.execute("SELECT name FROM projects")]
    rng = random.Random(50)
    queries = []
    while len(queries) < 50:
        name = rng.choice(names)
        begin = rng.randrange(0, max(1, len(name) - 2))
        query = name[begin : begin + rng.choice([1, 2, 3])]
        if query not in queries:
            queries.append(query)
    search = page.filters.search
    filter_ms = []
    for query in queries:
        search.clear()
        settle()
        begin_t = time.perf_counter()
        search.insert(query)  # what an input method commits for one keystroke
        painted(watcher)
        filter_ms.append((time.perf_counter() - begin_t) * 1000)
    search.clear()
    settle()

    header = page.table.horizontalHeader()
    sort_ms = []
    for key in ("name", "total_investment", "unit", "invested_month", "stage", "name"):
        section = page.model.keys.index(key)
        begin_t = time.perf_counter()
        header.sectionClicked.emit(section)
        painted(watcher)
        sort_ms.append((time.perf_counter() - begin_t) * 1000)

    page.tabs.setCurrentIndex(1)
    grid = page.ensure_grid()
    begin_t = time.perf_counter()
    while grid.model is None:
        app.processEvents()
        time.sleep(0.001)
    grid_load_s = time.perf_counter() - begin_t
    model = grid.model
    rows = min(1000, model.rowCount())
    lines = [f"{(r % 97) * 3 + 12}.5\t\t第{r}次调度：主体施工中\t√\t\t\t√" for r in range(rows)]
    block = "\n".join(lines) + "\n"
    grid.view.clearSelection()
    grid.view.setCurrentIndex(model.index(0, model.columns.index(
        next(c for c in model.columns if c.key == "invested_month_wan"))))
    grid_watcher = PaintSeen()
    grid.view.viewport().installEventFilter(grid_watcher)
    app.processEvents()
    grid_watcher.seen = False
    begin_t = time.perf_counter()
    pasted = grid.paste_text(block)
    painted(grid_watcher)
    paste_ms = (time.perf_counter() - begin_t) * 1000
    if not pasted:
        raise SystemExit(f"paste refused: {grid.message.text()}")

    saved: list[float] = []
    begin_t = time.perf_counter()
    grid.saved.connect(lambda _text: saved.append(time.perf_counter() - begin_t))
    grid.save()
    while not saved:
        app.processEvents()
        time.sleep(0.001)
    save_ms = saved[0] * 1000
    while grid.loading:
        app.processEvents()
        time.sleep(0.001)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.close()
    ledger.close()
    ordered = sorted(filter_ms)
    return {
        "gui_open_s": round(open_s, 3),
        "gui_open_cold_s": round(cold_s, 3),
        "gui_filter_ms_p95": round(ordered[int(round(0.95 * (len(ordered) - 1)))], 1),
        "gui_filter_ms_median": round(statistics.median(filter_ms), 1),
        "gui_sort_ms": round(max(sort_ms), 1),
        "gui_sort_ms_median": round(statistics.median(sort_ms), 1),
        "grid_rows": model.rowCount(),
        "grid_load_s": round(grid_load_s, 3),
        "grid_paste_1000_rows_ms": round(paste_ms, 1),
        "grid_save_1000_rows_ms": round(save_ms, 1),
        "gui_peak_mb": round(peak_mb, 1),
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    figures_out = _measure(sys.argv[1], sys.argv[2], float(sys.argv[3]))
    print(json.dumps(figures_out, ensure_ascii=False))
