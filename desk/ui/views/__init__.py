"""The sections of the main window and the view that shows each.

``SECTIONS`` is the left navigation, in order. ``view_factory(key)`` gives the callable
that builds a section's page: ``factory(ledger, window) -> QWidget``. A section whose
own view is not built yet shows its summary page (desk.ui.views.summary).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

SECTIONS: list[tuple[str, str]] = [
    ("projects", "项目台账"),
    ("leads", "招商线索"),
    ("tasks", "任务与目标"),
    ("submission", "月报报送"),
    ("stats", "统计分析"),
    ("settings", "设置"),
]
SECTION_KEYS = [key for key, _ in SECTIONS]
SECTION_LABELS = dict(SECTIONS)

# key → "module:callable" building that section's page.
VIEW_FACTORIES: dict[str, str] = {
    "projects": "desk.ui.projects.view:ProjectsPage",
    "leads": "desk.ui.views.leads:LeadsView",
    "tasks": "desk.ui.views.tasks:TasksView",
    "submission": "desk.ui.views.submission:SubmissionView",
    "stats": "desk.ui.views.summary:StatsSummary",
    "settings": "desk.ui.views.settings:SettingsView",
}

ViewFactory = Callable[["Ledger", QWidget], QWidget]


def view_factory(key: str) -> ViewFactory:
    module_name, _, attr = VIEW_FACTORIES[key].partition(":")
    return getattr(importlib.import_module(module_name), attr)  # type: ignore[no-any-return]
