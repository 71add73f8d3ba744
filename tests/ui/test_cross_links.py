"""The sections lead into each other: a checklist item opens its project at the field to fix,
and a landed project opens the lead it came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from desk.store.ledger import Ledger
from desk.ui.mainwindow import MainWindow
from desk.ui.projects.editor import ProjectEditor
from desk.ui.settings import UiSettings
from tests.conftest import TODAY


@pytest.fixture
def window(qtbot, desk_app, demo: Ledger, tmp_path: Path):  # type: ignore[no-untyped-def]
    win = MainWindow(demo, UiSettings(tmp_path / "s.ini"), lambda: TODAY)
    qtbot.addWidget(win)
    win.show()
    return win


def open_editors() -> list[ProjectEditor]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ProjectEditor) and w.isVisible()]


def test_a_checklist_item_opens_its_project_at_the_field(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = window.show_section("submission")
    qtbot.waitUntil(lambda: page.checklist.rowCount() > 0, timeout=10000)
    issues = [(r, page.checklist.issue(r)) for r in range(page.checklist.rowCount())]
    # A claim that fails recognition points at the evidence to fix (the demo has some in October).
    row, issue = next((r, i) for r, i in issues if i is not None and i.project_id and i.field == "evidence")
    page._open_issue(page.checklist.index(row))
    qtbot.waitUntil(lambda: bool(open_editors()))
    editor = open_editors()[0]
    assert editor.original.id == issue.project_id
    assert window.nav.currentItem().text() == "项目台账"
    assert editor.tabs.currentIndex() == editor.all_tabs.index(editor.evidence)
    editor.reject()
    qtbot.waitUntil(lambda: not open_editors())


def test_a_landed_project_opens_the_lead_it_came_from(qtbot, window: MainWindow, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    lead = demo.leads.where("state = 'landed'")[0]
    page = window.show_section("projects")
    assert page.open_project(lead.project_id)
    editor = open_editors()[0]
    box = editor.findChild(QPushButton, "openSourceLead")
    assert box is not None and box.isVisible()
    assert f"线索编号 {lead.id}" in box.parentWidget().findChildren(type(editor.errors_label))[0].text()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not open_editors())
    assert window.nav.currentItem().text() == "招商线索"
    leads_page = window.pages["leads"]
    assert leads_page.list.editor.lead is not None and leads_page.list.editor.lead.id == lead.id


def test_the_month_summary_above_the_table_filters_it(qtbot, window: MainWindow, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    from desk.core.glossary import MonthFilter
    from desk.store.recognition import recognition_filter

    page = window.show_section("projects")
    page.month_box.setCurrentIndex(page.month_box.findData("2026-10"))
    summary = page.recognition
    expected = recognition_filter(demo, "2026-10", frozenset({MonthFilter.NOT_RECOGNISED.value}))
    button = summary.buttons["not_recognised"]
    assert button.text() == f"不予认定 {len(expected)}" and expected  # the demo has refused claims in October
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: set(page.model.ids) == expected)
    assert page.filters.plugin_select("recognition").text() == f"认定结果：{MonthFilter.NOT_RECOGNISED.label}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.model.ids) == demo.count("projects", "archived = 0"))
