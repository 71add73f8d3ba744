"""The 招商线索 section: the lead list and editor, the investment teams with their trips
and monthly report, and the pipeline.

``open_lead(window, lead_id)`` shows one lead from anywhere (the project editor's
“来源线索”, see ``desk.ui.views.leads.origin``); ``open_project(window, project_id)``
goes the other way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from desk.ui.views.leads.listpage import LeadListPage
from desk.ui.views.leads.pipeline import PipelinePage
from desk.ui.views.leads.teams import TeamsPage

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

LIST_TAB, TEAMS_TAB, PIPELINE_TAB = 0, 1, 2


class LeadsView(QWidget):
    def __init__(self, ledger: Ledger, window: QWidget | None = None) -> None:
        super().__init__(window)
        self.ledger = ledger
        self.window_ = window
        today = getattr(window, "today", None) or ledger.today
        self.today = today
        self.setObjectName("leadsView")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 8)
        heading = QLabel("招商线索")
        heading.setObjectName("viewTitle")
        layout.addWidget(heading)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("leadTabs")
        self.list = LeadListPage(ledger, today)
        self.teams = TeamsPage(ledger, today)
        self.pipeline = PipelinePage(ledger, today)
        self.tabs.addTab(self.list, "线索")
        self.tabs.addTab(self.teams, "招商小分队")
        self.tabs.addTab(self.pipeline, "线索漏斗")
        layout.addWidget(self.tabs, 1)
        self._stale: set[int] = set()
        self.tabs.currentChanged.connect(self._tab_shown)
        self.list.openProjectRequested.connect(lambda pid: open_project(self.window_, pid))
        self.teams.openLeadRequested.connect(self.open_lead)
        self.teams.exportRequested.connect(self.export_team_report)
        manager = getattr(window, "taskman", None)
        if manager is not None:
            manager.changed.connect(self.ledger_changed)

    # ------------------------------------------------------------ refreshing
    def ledger_changed(self) -> None:
        """Refresh the visible tab now, the others when they are shown."""
        self._stale = {LIST_TAB, TEAMS_TAB, PIPELINE_TAB}
        self._tab_shown(self.tabs.currentIndex())

    def _tab_shown(self, index: int) -> None:
        if index in self._stale:
            self._stale.discard(index)
            page = self.tabs.widget(index)
            if page is self.list:
                self.list.refresh()
            else:
                page.refresh()  # type: ignore[attr-defined]

    def refresh(self) -> None:
        self.ledger_changed()

    # ------------------------------------------------------- window actions
    def action_new(self) -> None:
        self.tabs.setCurrentIndex(LIST_TAB)
        self.list.new_lead()

    def action_save(self) -> None:
        if self.tabs.currentIndex() == LIST_TAB:
            self.list.editor.save()
        elif self.tabs.currentIndex() == TEAMS_TAB:
            self.teams.save_team()

    def action_find(self) -> None:
        self.tabs.setCurrentIndex(LIST_TAB)
        self.list.search.setFocus()
        self.list.search.selectAll()

    def export_team_report(self, team_id: int, month: str) -> None:
        from desk.ui.views.leads.report import export_team_report

        export_team_report(self, self.ledger, team_id, month)

    def confirm_close(self) -> bool:
        return self.list.confirm_leave()

    # ---------------------------------------------------------- navigation
    def open_lead(self, lead_id: int) -> bool:
        self.tabs.setCurrentIndex(LIST_TAB)
        return self.list.open_lead(lead_id)

    def show_team_month(self, team_id: int, month: str) -> None:
        from desk.core.periods import Month

        self.tabs.setCurrentIndex(TEAMS_TAB)
        self.teams.set_month(Month.parse(month))
        self.teams.refresh()
        self.teams.select_team(team_id)


def open_lead(window: QWidget | None, lead_id: int) -> bool:
    """Show a lead in the 招商线索 section of the main window."""
    show = getattr(window, "show_section", None)
    if show is None:
        return False
    page = show("leads")
    opener = getattr(page, "open_lead", None)
    return bool(opener(lead_id)) if opener is not None else False


def open_project(window: QWidget | None, project_id: int) -> bool:
    """Show a project in the 项目台账 section (whichever way that section opens one)."""
    show = getattr(window, "show_section", None)
    if show is None:
        return False
    page = show("projects")
    opener = getattr(page, "open_project", None)
    if opener is not None:
        return bool(opener(project_id))
    editor = getattr(page, "open_editor", None)
    ledger = getattr(window, "ledger", None)
    if editor is not None and ledger is not None:
        editor(ledger.projects.get(project_id))
        return True
    return False

