"""The project editor: every field of a project in tabs, checked as the clerk types.

A dialog rather than a dock: the editor has seven tabs and some forty fields, which need
the room a side panel would take from the table's columns on a 1280×800 office screen,
and a dialog gives an unmistakable 保存/取消 — nothing reaches the ledger until 保存, and
保存 stays disabled while anything is wrong (the problems are listed at the bottom and
marked in red beside their fields). The dialog's size is remembered.

Saving is one ``Op`` on the ledger worker (``saving.save_project``): the project, its
approvals, problems and monthly records in one transaction.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk.core.glossary import Stage, field_label
from desk.core.models import AuditEntry, Project
from desk.core.validation import project_errors
from desk.store.ledger import Ledger
from desk.ui.projects.editor_months import EvidenceTab, InvestmentTab, MonthBook
from desk.ui.projects.editor_records import HistoryTab, ProblemsTab
from desk.ui.projects.editor_tabs import ApprovalsTab, BasicTab, RolesTab, Tab
from desk.ui.projects.saving import ProjectChanges, save_project
from desk.ui.taskman import Op, show_error

GEOMETRY_KEY = "projects/editor_geometry"
# Which tab each field's errors belong to (the rest are 基本信息's).
INVESTMENT_FIELDS = {"total_investment_wan", "year_plan_wan", "planned_start", "planned_completion", "start_date",
                     "completion_date"}


def scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


class ProjectEditor(QDialog):
    saved = Signal(int)  # the project's id, after it was written

    def __init__(self, ledger: Ledger, project: Project | None, month: str, today: date,
                 parent: QWidget | None = None, settings: object | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.settings = settings
        self.is_new = project is None or project.id is None
        self.original = project or Project(name="", unit_id=ledger.unit_id, stage=Stage.RESERVE)
        self.today = today
        self.month = month
        self.setObjectName("projectEditor")
        self.setWindowTitle("新建项目" if self.is_new else f"编辑项目 — {self.original.name}")
        self.setSizeGripEnabled(True)
        pid = self.original.id
        records = ledger.months.of_project(pid) if pid is not None else []
        locked = {r.month for r in records if ledger.is_month_locked(r.month)}
        if ledger.is_month_locked(month):
            locked.add(month)
        self.book = MonthBook(records, locked, month)

        self.basic = BasicTab(self.original, ledger.units.all(), self.is_new, today)
        if self.original.source_lead_id is not None and pid is not None:
            from desk.ui.views.leads.origin import source_lead_widget

            self.basic.right.add("source_lead_id", field_label("source_lead_id"), source_lead_widget(ledger, pid))
        self.investment = InvestmentTab(self.original, self.book)
        self.approvals = ApprovalsTab(ledger.approvals.of_project(pid) if pid is not None else [])
        self.roles = RolesTab(self.original)
        problems = ledger.problems.of_project(pid) if pid is not None else []
        self.problems = ProblemsTab(problems, today, {"leader": self.original.leader})
        self.evidence = EvidenceTab(ledger, self.original, self.book,
                                    ledger.attachments.of_project(pid) if pid is not None else [])
        self.history = HistoryTab(ledger.projects.stage_history(pid) if pid is not None else [],
                                  project_audit(ledger, pid, [p.id for p in problems if p.id is not None]))
        self.tabs = QTabWidget()
        self.all_tabs: list[Tab] = [self.basic, self.investment, self.approvals, self.roles, self.problems,
                                    self.evidence, self.history]
        for tab in self.all_tabs:
            self.tabs.addTab(scrolled(tab) if tab in (self.basic, self.approvals, self.roles) else tab, tab.title)
            tab.edited.connect(self.revalidate)

        self.errors_label = QLabel()
        self.errors_label.setObjectName("formError")
        self.errors_label.setWordWrap(True)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveProject")
        self.save_button.setProperty("primary", True)
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("取消")
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.errors_label, 1)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self._saving = False
        self._restore_geometry()
        self.changes: ProjectChanges | None = None
        self.errors: dict[str, str] = {}
        self.revalidate()
        self.basic.name.setFocus()

    # ------------------------------------------------------------- checking
    def collect(self) -> tuple[ProjectChanges, dict[str, str]]:
        """What the form says now, and everything wrong with it (field → message)."""
        errors: dict[str, str] = {}
        project = self.basic.apply(self.original, errors)
        project = self.investment.apply(project, errors)
        project = self.roles.apply(project, errors)
        for error in project_errors(project):
            errors.setdefault(error.field, error.message)
        self.book.drafts.clear()
        self.investment.apply_months(project, errors)
        self.evidence.apply_months(project, errors)
        approvals = self.approvals.changed(errors)
        added, updated, deleted = self.problems.changes()
        changes = ProjectChanges(
            project=project, stage_reason=self.basic.reason(), approvals=approvals, problems_added=added,
            problems_updated=updated, problems_deleted=deleted, months=self.book.changed(),
        )
        return changes, errors

    def revalidate(self) -> None:
        changes, errors = self.collect()
        self.changes, self.errors = changes, errors
        for tab in self.all_tabs:
            tab.show_errors(errors)
        bad_tabs = {self._tab_of(name) for name in errors}
        normal = self.palette().text().color()
        for i, tab in enumerate(self.all_tabs):
            self.tabs.tabBar().setTabTextColor(i, Qt.GlobalColor.red if tab in bad_tabs else normal)
        messages = list(dict.fromkeys(errors.values()))
        if messages:
            shown = messages[:4] + ([f"……还有 {len(messages) - 4} 处"] if len(messages) > 4 else [])
            self.errors_label.setText("请先改正：" + "；".join(shown))
        else:
            self.errors_label.setText("")
        self.save_button.setEnabled(not errors and not self._saving)

    def focus_field(self, name: str) -> None:
        """Show the tab holding ``name`` (a model field, as pre-flight names it) and focus it."""
        if name == "evidence":
            tab: Tab = self.evidence
        elif name == "problems":
            tab = self.problems
        elif name in ("progress", "statistics_ytd_wan", "invested_ytd_wan", "invested_month_wan"):
            tab = self.investment
        else:
            tab = self._tab_of(name)
        self.tabs.setCurrentIndex(self.all_tabs.index(tab))
        for form in tab.forms():
            row = form.rows.get(name)
            if row is not None:
                row.setFocus()
                focusable = row.focusProxy() or row.findChild(QWidget)
                if focusable is not None:
                    focusable.setFocus()
                return

    def _tab_of(self, name: str) -> Tab:
        if name.startswith("month:") or name in INVESTMENT_FIELDS:
            return self.investment
        if name.startswith("approval:"):
            return self.approvals
        if name in RolesTab.FIELDS:
            return self.roles
        return self.basic

    def is_dirty(self) -> bool:
        changes, _ = self.collect()
        if self.is_new:
            return bool(changes.project.name)
        return bool(
            changes.project != self.original or changes.approvals or changes.problems_added
            or changes.problems_updated or changes.problems_deleted or changes.months
        )

    # --------------------------------------------------------------- saving
    def save(self) -> None:
        self.revalidate()
        if self.errors or self.changes is None or self._saving:
            return
        changes = self.changes
        if not self.is_new and not self.is_dirty():
            self.accept()
            return
        self._saving = True
        self.save_button.setEnabled(False)

        def done(project_id: int) -> None:
            self._saving = False
            self.saved.emit(project_id)
            self.accept()

        def failed(error: BaseException) -> None:
            self._saving = False
            self.revalidate()
            show_error(self, error, "项目没有保存")

        Op(self, lambda ledger: save_project(ledger, changes)).success(done).failure(failed) \
            .with_progress("正在保存项目…").run_in_background()

    def reject(self) -> None:
        if self._saving:
            return
        if self.is_dirty():
            answer = QMessageBox.question(
                self, "放弃修改", "项目有尚未保存的修改，确定放弃吗？",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._saving:
            event.ignore()
            return
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self._save_geometry()
        super().done(result)

    # ------------------------------------------------------------ geometry
    def _restore_geometry(self) -> None:
        value = self.settings.value(GEOMETRY_KEY) if self.settings is not None else None  # type: ignore[attr-defined]
        if isinstance(value, QByteArray) and not value.isEmpty():
            self.restoreGeometry(value)
        else:
            metrics = self.fontMetrics()
            self.resize(metrics.averageCharWidth() * 150, metrics.lineSpacing() * 40)

    def _save_geometry(self) -> None:
        if self.settings is not None:
            self.settings.set_value(GEOMETRY_KEY, self.saveGeometry())  # type: ignore[attr-defined]


def project_audit(ledger: Ledger, project_id: int | None, problem_ids: list[int]) -> list[AuditEntry]:
    """The project's audit entries and those of its problems, newest first."""
    if project_id is None:
        return []
    entries = ledger.projects.history(project_id)
    for problem_id in problem_ids:
        entries += ledger.audit_entries("problem", problem_id)
    return sorted(entries, key=lambda e: (e.at, e.id or 0), reverse=True)
