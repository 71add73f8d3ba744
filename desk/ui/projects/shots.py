"""Screenshots of the project section's windows (``desk screenshot --view project-editor``)."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desk.ui.screenshot import SHOTS


def _page(window: QWidget):  # type: ignore[no-untyped-def]
    return window.show_section("projects")  # type: ignore[attr-defined]


def _wait(condition, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def project_table(window: QWidget) -> QWidget:
    """The table on last month's figures, narrowed to projects under construction."""
    page = _page(window)
    page.month_box.setCurrentIndex(1)
    for i in range(page.filters.stage.list.count()):
        item = page.filters.stage.list.item(i)
        if item.text() in ("在建", "新开工"):
            item.setCheckState(Qt.CheckState.Checked)
    page.table.horizontalHeader().sectionClicked.emit(page.model.keys.index("total_investment"))
    page.table.horizontalHeader().sectionClicked.emit(page.model.keys.index("total_investment"))
    # As a clerk would lay it out: 认定状态 beside the stage, 建设单位 hidden.
    header = page.table.horizontalHeader()
    keys = page.model.keys
    if "recognition" in keys:
        header.moveSection(header.visualIndex(keys.index("recognition")), header.visualIndex(keys.index("stage")) + 1)
    page.set_column_visible(keys.index("owner_company"), False)
    page.table.setCurrentIndex(page.model.index(2, 0))
    return window


def project_editor(window: QWidget) -> QWidget:
    """The editor on the project with the most history: problems, approvals and months."""
    page = _page(window)
    ledger = page.ledger
    row = ledger.conn.execute(
        "SELECT p.id FROM projects p JOIN problems q ON q.project_id = p.id"
        " WHERE p.stage = 'construction' ORDER BY p.id LIMIT 1"
    ).fetchone()
    project = ledger.projects.get(row[0] if row else ledger.projects.search_ids()[0])
    editor = page.open_editor(project)
    editor.resize(1100, 760)
    return editor


def month_grid(window: QWidget) -> QWidget:
    """本月填报 with a few rows typed in (blue, unsaved) and the rest not yet updated (amber)."""
    page = _page(window)
    page.tabs.setCurrentIndex(1)
    grid = page.ensure_grid()
    _wait(lambda: grid.model is not None)
    model = grid.model
    rows = []
    for r in range(min(4, model.rowCount())):
        amount = 120 + 35 * r
        rows.append("\t".join([f"{amount}", "", "主体结构施工中" if r % 2 else "设备基础施工中"]))
    grid.view.setCurrentIndex(model.index(0, 4))
    grid.paste_text("\n".join(rows) + "\n")
    grid.view.setCurrentIndex(model.index(4, 4))
    return window


SHOTS["project-table"] = project_table
SHOTS["project-editor"] = project_editor
SHOTS["month-grid"] = month_grid
