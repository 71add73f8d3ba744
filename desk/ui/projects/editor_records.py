"""The project editor's record tabs: 存在问题 (the project's problems) and 变更记录 (history)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.core.glossary import (
    ApprovalKind,
    ApprovalStatus,
    Category,
    ConstructionKind,
    Evidence,
    Flag,
    ProblemState,
    ProjectClass,
    Stage,
    field_label,
)
from desk.core.models import AuditEntry, Problem, StageChange
from desk.core.validation import problem_errors
from desk.ui.fields import DateField, Form, combo
from desk.ui.projects.editor_tabs import Tab, read_date, text_edit
from desk.ui.views.summary import RowsModel

Index = QModelIndex | QPersistentModelIndex
OVERDUE = QColor("#c62828")
ENUM_FIELDS: dict[str, Any] = {
    "stage": Stage, "from_stage": Stage, "to_stage": Stage, "category": Category,
    "construction_kind": ConstructionKind, "project_class": ProjectClass, "status": ApprovalStatus,
    "kind": ApprovalKind, "state": ProblemState, "evidence": Evidence, "flags": Flag,
}


def plain_value(name: str, value: Any) -> str:
    """An audit value as the clerk reads it: labels for enums, 是/否, blanks as “（空）”."""
    if value is None or value == "" or value == []:
        return "（空）"
    enum = ENUM_FIELDS.get(name)
    if enum is not None:
        try:
            if isinstance(value, list):
                return "、".join(enum(v).label for v in value) or "（空）"
            return str(enum(value).label)
        except ValueError:
            return str(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if name in ("in_statistics", "archived") and value in (0, 1):
        return "是" if value else "否"
    return str(value)


def describe_changes(changes: dict[str, list[Any]]) -> str:
    parts = []
    for name, pair in changes.items():
        if name in ("updated_by", "project_id") or len(pair) != 2:
            continue
        parts.append(f"{field_label(name)}：{plain_value(name, pair[0])} → {plain_value(name, pair[1])}")
    return "；".join(parts)


class ProblemsModel(QAbstractTableModel):
    HEADERS = ["问题", "责任单位", "包保领导", "完成时限", "状态", "办结情况"]

    def __init__(self, items: list[Problem], today: date) -> None:
        super().__init__()
        self.items = items
        self.today = today

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        problem = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            deadline = problem.deadline.isoformat() if problem.deadline else ""
            if problem.is_overdue(self.today):
                deadline += "（已超时）"
            return [problem.title, problem.owner_unit, problem.leader, deadline, problem.state.label,
                    problem.resolution][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and problem.is_overdue(self.today) and index.column() == 3:
            return OVERDUE
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def replace(self, items: list[Problem]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()


class ProblemDialog(QDialog):
    """One problem to coordinate: owner unit and leader, a deadline (限时办结), its state."""

    def __init__(self, problem: Problem, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem = problem
        self.today = today
        self.setWindowTitle("存在问题")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        layout = QFormLayout()
        self.form = Form(layout)
        self.title_edit = QLineEdit(problem.title)
        self.title_edit.setObjectName("problem_title")
        self.detail = text_edit(3)
        self.detail.setPlainText(problem.detail)
        self.owner = QLineEdit(problem.owner_unit)
        self.leader = QLineEdit(problem.leader)
        self.deadline = DateField()
        self.deadline.set_value(problem.deadline)
        self.state = combo([(s.label, s) for s in ProblemState], problem.state)
        self.resolution = QLineEdit(problem.resolution)
        self.form.add("title", "问题", self.title_edit, required=True)
        self.form.add("detail", field_label("detail"), self.detail)
        self.form.add("owner_unit", field_label("owner_unit"), self.owner)
        self.form.add("leader", "包保领导", self.leader)
        self.form.add("deadline", field_label("deadline"), self.deadline)
        self.form.add("state", field_label("state"), self.state)
        self.form.add("resolution", field_label("resolution"), self.resolution)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(layout)
        column.addWidget(self.buttons)
        for edit in (self.title_edit, self.owner, self.leader, self.resolution):
            edit.textChanged.connect(self.result_problem)
        self.deadline.edited.connect(self.result_problem)
        self.state.currentIndexChanged.connect(self.result_problem)
        self.result_problem()

    def result_problem(self) -> Problem | None:
        errors: dict[str, str] = {}
        deadline = read_date(self.deadline, "deadline", errors)
        state: ProblemState = self.state.value()
        closing = state in (ProblemState.RESOLVED, ProblemState.CLOSED)
        problem = dataclasses.replace(
            self.problem, title=self.title_edit.text().strip(), detail=self.detail.toPlainText().strip(),
            owner_unit=self.owner.text().strip(), leader=self.leader.text().strip(), deadline=deadline,
            state=state, resolution=self.resolution.text().strip(),
            closed_on=(self.problem.closed_on or self.today) if closing else None,
        )
        for error in problem_errors(problem):
            errors.setdefault(error.field, error.message)
        self.form.set_errors(errors)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not errors)
        return None if errors else problem

    def _accept(self) -> None:
        if self.result_problem() is not None:
            self.accept()


class ProblemsTab(Tab):
    title = "存在问题"

    def __init__(self, problems: list[Problem], today: date, defaults: dict[str, str]) -> None:
        super().__init__()
        self.today = today
        self.defaults = defaults
        self.original = {p.id: p for p in problems}
        self.items: list[Problem] = list(problems)
        self.deleted: list[int] = []
        self.model = ProblemsModel(self.items, today)
        self.table = QTableView()
        self.table.setObjectName("problemsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.add_button = QPushButton("新增问题…")
        self.add_button.setObjectName("addProblem")
        self.edit_button = QPushButton("修改…")
        self.delete_button = QPushButton("删除")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel("问题限时办结：过了完成时限仍未办结的显示为红色（超时预警）；办结或销号时须填写办结情况。")
        hint.setObjectName("fieldHint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

    def _selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def open_dialog(self, problem: Problem) -> ProblemDialog:
        return ProblemDialog(problem, self.today, self)

    def add(self) -> None:
        dialog = self.open_dialog(Problem(title="", owner_unit=self.defaults.get("owner_unit", ""),
                                          leader=self.defaults.get("leader", "")))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.put(None, dialog.result_problem())

    def edit_selected(self) -> None:
        row = self._selected_row()
        if row < 0:
            return
        dialog = self.open_dialog(self.items[row])
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.put(row, dialog.result_problem())

    def put(self, row: int | None, problem: Problem | None) -> None:
        if problem is None:
            return
        items = list(self.items)
        if row is None:
            items.append(problem)
        else:
            items[row] = problem
        self.items = items
        self.model.replace(items)
        self.edited.emit()

    def delete_selected(self) -> None:
        row = self._selected_row()
        if row < 0:
            return
        problem = self.items[row]
        if problem.id is not None:
            self.deleted.append(problem.id)
        self.items = [p for i, p in enumerate(self.items) if i != row]
        self.model.replace(self.items)
        self.edited.emit()

    def changes(self) -> tuple[list[Problem], list[Problem], list[int]]:
        added = [p for p in self.items if p.id is None]
        updated = [p for p in self.items if p.id is not None and p != self.original.get(p.id)]
        return added, updated, list(self.deleted)


class HistoryTab(Tab):
    """变更记录: each stage move (dated) and every change from the audit log."""

    title = "变更记录"

    def __init__(self, stage_history: list[StageChange], audit: list[AuditEntry]) -> None:
        super().__init__()
        stage_rows = [
            [c.on_date.isoformat(), c.from_stage.label if c.from_stage else "（建档）", c.to_stage.label, c.reason,
             c.at.strftime("%Y-%m-%d %H:%M") if c.at else "", c.clerk]
            for c in reversed(stage_history)
        ]
        audit_rows = [
            [e.at.strftime("%Y-%m-%d %H:%M"), e.clerk, e.summary, describe_changes(e.changes)] for e in audit
        ]
        self.stages = self._table(RowsModel(["阶段日期", "原阶段", "新阶段", "原因", "登记时间", "填报人"], stage_rows))
        self.stages.setObjectName("stageHistory")
        self.audit = self._table(RowsModel(["时间", "填报人", "操作", "修改内容（原值 → 新值）"], audit_rows))
        self.audit.setObjectName("auditHistory")
        self.audit.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("阶段变更"))
        layout.addWidget(self.stages, 1)
        layout.addWidget(QLabel("修改记录"))
        layout.addWidget(self.audit, 2)

    @staticmethod
    def _table(model: RowsModel) -> QTableView:
        table = QTableView()
        table.setModel(model)
        table.verticalHeader().setVisible(False)
        table.setAlternatingRowColors(True)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table
