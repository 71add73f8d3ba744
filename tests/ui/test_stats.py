"""统计分析: each month's row counts the projects the clerk reported, by the stage reported."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

from desk.store.ledger import Ledger
from desk.ui.mainwindow import MainWindow
from desk.ui.settings import UiSettings
from desk.ui.views.summary import StatsSummary
from tests.conftest import TODAY


def test_the_stats_page_counts_each_month_by_reported_stage(qtbot, desk_app, demo: Ledger,  # type: ignore[no-untyped-def]
                                                              tmp_path: Path) -> None:
    window = MainWindow(demo, UiSettings(tmp_path / "settings.ini"), lambda: TODAY)
    qtbot.addWidget(window)
    page = window.show_section("stats")
    assert isinstance(page, StatsSummary)
    model = page.table.model()
    headers = [model.headerData(c, _horizontal()) for c in range(model.columnCount())]
    rows = {model.data(model.index(r, 0)): [model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())}
    assert model.data(model.index(0, 0)) == "2026年10月"  # newest first; November has no records yet

    stages: Counter[str] = Counter()
    invested = Decimal(0)
    for record in demo.months.where("month = ?", ["2026-10"]):
        stages[record.stage.value] += 1
        invested += record.invested_month_wan
    october = dict(zip(headers, rows["2026年10月"], strict=True))
    assert october["填报项目"] == str(sum(stages.values()))
    assert october["新开工"] == str(stages["new_start"]) and october["竣工"] == str(stages["completed"])
    assert october["在建"] == str(stages["construction"] + stages["resumed"])
    assert october["停工"] == str(stages["stopped"])
    assert Decimal(october["本月完成投资(万元)"].replace(",", "")) == invested
    assert "2026年已填报 10 个月" in page.facts.text()


def _horizontal():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.Orientation.Horizontal
