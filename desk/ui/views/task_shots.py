"""Screenshots of the 任务与目标 section's dialogs and tabs (``desk screenshot --view NAME``)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desk.core.glossary import Metric
from desk.ui.screenshot import SHOTS
from desk.ui.views.tasks import TasksView


def _view(window: QWidget) -> TasksView:
    page = window.show_section("tasks")  # type: ignore[attr-defined]
    assert isinstance(page, TasksView)
    return page


def _counted_task(view: TasksView) -> int | None:
    report = view.report
    if report is None:
        return None
    first = report.tasks[0] if report.tasks else None
    found = next((t for t in report.tasks if t.task.metric == Metric.NEW_STARTS), first)
    return found.task.id if found else None


def task_editor(window: QWidget) -> QWidget:
    view = _view(window)
    view.breakdown.select(_counted_task(view))
    editor = view.breakdown.edit_task() or view.breakdown.new_task()
    return editor


def task_targets(window: QWidget) -> QWidget:
    view = _view(window)
    view.tabs.setCurrentWidget(view.targets)
    return window


def task_problems(window: QWidget) -> QWidget:
    view = _view(window)
    view.show_overdue()
    if view.problems.model.items:
        view.problems.select(view.problems.model.items[0].id)
    return window


def problem_resolve(window: QWidget) -> QWidget:
    view = _view(window)
    view.show_overdue()
    if view.problems.model.items:
        view.problems.select(view.problems.model.items[0].id)
    dialog = view.problems.resolve()
    return dialog if dialog is not None else window


def task_sheet(window: QWidget) -> QWidget:
    view = _view(window)
    dialog = view.breakdown.open_sheets()
    return dialog if dialog is not None else window


def task_print_preview(window: QWidget) -> QWidget:
    view = _view(window)
    sheets = view.breakdown.open_sheets()
    if sheets is None:
        return window
    preview = sheets.preview()
    preview.show()
    return preview


SHOTS.update({
    "task-editor": task_editor,
    "task-targets": task_targets,
    "task-problems": task_problems,
    "problem-resolve": problem_resolve,
    "task-sheet": task_sheet,
    "task-print-preview": task_print_preview,
})
