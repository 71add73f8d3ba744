"""The lead list with its search and filters, beside the lead editor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.core.glossary import LeadSource, LeadState
from desk.core.models import Lead
from desk.store.lead_queries import LeadFilter
from desk.ui.views.leads.editor import LeadEditor
from desk.ui.views.leads.fields import select
from desk.ui.views.leads.model import COLUMNS, LeadTableModel

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

SEARCH_DELAY_MS = 150


class LeadListPage(QWidget):
    openProjectRequested = Signal(int)

    def __init__(self, ledger: Ledger, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.today = today
        self._selecting = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)

        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("leadSearch")
        self.search.setPlaceholderText("查找：企业、客商、地址、经营范围、意向行业、中介、负责人")
        self.search.setClearButtonEnabled(True)
        self.state = QComboBox()
        self.state.addItem("全部状态", None)
        for state in LeadState:
            self.state.addItem(state.label, state)
        self.source = QComboBox()
        self.source.addItem("全部来源", None)
        for source in LeadSource:
            self.source.addItem(source.label, source)
        self.team = QComboBox()
        self.team.setMinimumContentsLength(12)
        self.team.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.overdue = QCheckBox("只看跟进过期")
        self.overdue.setObjectName("overdueOnly")
        self.clear_button = QPushButton("清除条件")
        self.new_button = QPushButton("新建线索")
        self.new_button.setObjectName("newLead")
        self.new_button.setProperty("primary", True)
        bar.addWidget(self.search, 3)
        for widget in (self.state, self.source, self.team, self.overdue, self.clear_button):
            bar.addWidget(widget)
        bar.addStretch(0)
        bar.addWidget(self.new_button)
        layout.addLayout(bar)
        self.facts = QLabel()
        self.facts.setObjectName("viewFacts")
        layout.addWidget(self.facts)

        self.model = LeadTableModel(ledger, today)
        self.table = QTableView()
        self.table.setObjectName("leadTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for i, column in enumerate(COLUMNS):
            header.resizeSection(i, column.width)
        self.editor = LeadEditor(ledger, today)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([900, 620])
        layout.addWidget(self.splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._timer.start)
        for box in (self.state, self.source, self.team):
            box.currentIndexChanged.connect(self.run_search)
        self.overdue.toggled.connect(self.run_search)
        self.clear_button.clicked.connect(self.clear_filters)
        self.new_button.clicked.connect(self.new_lead)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.editor.saved.connect(self._after_save)
        self.editor.openRequested.connect(self._open_requested)
        self._fill_teams()
        self.run_search()

    # -------------------------------------------------------------- filters
    def _fill_teams(self) -> None:
        current = self.team.currentData()
        self.team.blockSignals(True)
        self.team.clear()
        self.team.addItem("全部小分队", None)
        for team in self.ledger.teams.all():
            self.team.addItem(team.name, team.id)
        select(self.team, current)
        self.team.blockSignals(False)

    def current_filter(self) -> LeadFilter:
        # Qt hands string enums back as plain str: turn them into the enums again.
        state = LeadState.parse(self.state.currentData()) if self.state.currentData() else None
        source = LeadSource.parse(self.source.currentData()) if self.source.currentData() else None
        team = self.team.currentData()
        return LeadFilter(
            text=self.search.text(),
            states=frozenset({state}) if state else frozenset(),
            sources=frozenset({source}) if source else frozenset(),
            team_ids=frozenset({team}) if team is not None else frozenset(),
            overdue_on=self.today() if self.overdue.isChecked() else None,
        )

    def clear_filters(self) -> None:
        for widget in (self.search, self.state, self.source, self.team, self.overdue):
            widget.blockSignals(True)
        self.search.clear()
        self.state.setCurrentIndex(0)
        self.source.setCurrentIndex(0)
        self.team.setCurrentIndex(0)
        self.overdue.setChecked(False)
        for widget in (self.search, self.state, self.source, self.team, self.overdue):
            widget.blockSignals(False)
        self.run_search()

    def run_search(self) -> None:
        keep = self.editor.lead.id if self.editor.lead else None
        self._selecting = True
        self.model.search(self.current_filter())
        self._selecting = False
        overdue = len(self.ledger.leads.overdue_ids(self.today()))
        total = self.ledger.count("leads")
        self.facts.setText(f"共 {total} 条线索，当前显示 {self.model.rowCount()} 条；跟进已过期 {overdue} 条"
                           "（红字）。联系方式已隐藏中间几位。")
        if keep is not None:
            self.select_lead(keep, load=False)

    def refresh(self) -> None:
        self._fill_teams()
        self.run_search()
        self.editor.reload()

    # ------------------------------------------------------------ selection
    def select_lead(self, lead_id: int, *, load: bool = True) -> bool:
        row = self.model.row_of(lead_id)
        if row < 0:
            return False
        self._selecting = not load
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        self._selecting = False
        return True

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._selecting:
            return
        lead_id = self.model.lead_id(current.row())
        if lead_id is None or (self.editor.lead and self.editor.lead.id == lead_id):
            return
        if not self.confirm_leave():
            self._selecting = True
            self.table.selectionModel().setCurrentIndex(
                previous, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            self._selecting = False
            return
        self.editor.show_lead(self.ledger.leads.maybe(lead_id))

    def confirm_leave(self) -> bool:
        """Ask before the editor's unsaved changes are left behind."""
        if not self.editor.is_dirty():
            return True
        answer = QMessageBox.question(
            self, "未保存的修改", "这条线索有未保存的修改。要保存吗？",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.editor.save()
        return answer == QMessageBox.StandardButton.Discard

    def open_lead(self, lead_id: int) -> bool:
        """Show one lead, clearing filters that hide it."""
        if self.model.row_of(lead_id) < 0:
            self.clear_filters()
        if not self.confirm_leave():
            return False
        lead = self.ledger.leads.maybe(lead_id)
        if lead is None:
            return False
        self.editor.show_lead(lead)
        self.select_lead(lead_id, load=False)
        return True

    def new_lead(self, template: Lead | None = None) -> None:
        if not self.confirm_leave():
            return
        self._selecting = True
        self.table.clearSelection()
        self._selecting = False
        self.editor.show_lead(template or Lead(visit_date=self.today(), unit_id=self.ledger.unit_id), new=True)
        self.editor.company.setFocus()

    def _after_save(self, lead_id: int) -> None:
        self.refresh()
        self.select_lead(lead_id, load=False)
        self.editor.show_lead(self.ledger.leads.maybe(lead_id))

    def _open_requested(self, kind: str, ident: int) -> None:
        if kind == "lead":
            self.open_lead(ident)
        else:
            self.openProjectRequested.emit(ident)
