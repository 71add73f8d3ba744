"""Dialogs for problems to coordinate: edit, handle (办结 with a resolution, 销号, 退回重办, 办理进展),
and the history kept in the audit log."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.core.glossary import ProblemState, field_label
from desk.core.models import AuditEntry, Problem
from desk.core.validation import problem_errors
from desk.store.ledger import Ledger
from desk.ui.views.dialog_kit import OptionalDate, buttons, error_label, save_then_close, show_inline
from desk.ui.views.task_models import ListModel


def editable_combo(values: list[str], current: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(values)
    combo.setCurrentText(current)
    combo.completer().setFilterMode(Qt.MatchFlag.MatchContains)
    combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    return combo


class ProblemEditor(QDialog):
    """A problem: what, about which project or task, who handles it, by when."""

    def __init__(self, parent: QWidget, problem: Problem, projects: list[tuple[int, str]],
                 tasks: list[tuple[int, str]], owner_units: list[str], leaders: list[str], today: date) -> None:
        super().__init__(parent)
        self.problem = problem
        self.setWindowTitle("修改协调问题" if problem.id else "新增协调问题")
        self.setMinimumWidth(640)
        self.title = QLineEdit(problem.title)
        self.title.setPlaceholderText("例如：用地指标未落实")
        self.detail = QPlainTextEdit(problem.detail)
        self.detail.setFixedHeight(80)
        self.about_project = QRadioButton("项目")
        self.about_task = QRadioButton("任务")
        self.about_none = QRadioButton("不关联")
        group = QButtonGroup(self)
        for button in (self.about_project, self.about_task, self.about_none):
            group.addButton(button)
        self.project = editable_combo([name for _, name in projects], "")
        self.project_ids = [pid for pid, _ in projects]
        self.task = QComboBox()
        for tid, name in tasks:
            self.task.addItem(name, tid)
        if problem.project_id is not None:
            self.about_project.setChecked(True)
            if problem.project_id in self.project_ids:
                self.project.setCurrentIndex(self.project_ids.index(problem.project_id))
        elif problem.task_id is not None:
            self.about_task.setChecked(True)
            self.task.setCurrentIndex(max(0, self.task.findData(problem.task_id)))
        else:
            self.about_none.setChecked(True)
            self.project.setCurrentIndex(-1)
        self.about_project.toggled.connect(self._about_changed)
        self.about_task.toggled.connect(self._about_changed)
        self._about_changed()
        self.owner_unit = editable_combo(owner_units, problem.owner_unit)
        self.leader = editable_combo(leaders, problem.leader)
        self.deadline = OptionalDate(problem.deadline, today, "限时办结")
        form = QFormLayout()
        form.addRow("问题 *", self.title)
        form.addRow("问题描述", self.detail)
        about = QHBoxLayout()
        for button in (self.about_project, self.about_task, self.about_none):
            about.addWidget(button)
        about.addStretch(1)
        form.addRow("关联", about)
        form.addRow("关联项目", self.project)
        form.addRow("关联任务", self.task)
        form.addRow("责任单位", self.owner_unit)
        form.addRow("包保领导", self.leader)
        form.addRow("完成时限", self.deadline)
        if problem.id:
            form.addRow("状态", QLabel(problem.state.label))
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons(self, "保存", self.save))

    def _about_changed(self) -> None:
        self.project.setEnabled(self.about_project.isChecked())
        self.task.setEnabled(self.about_task.isChecked())

    def collect(self) -> Problem | list[str]:
        problems = []
        project_id = task_id = None
        if self.about_project.isChecked():
            name = self.project.currentText().strip()
            index = self.project.findText(name)
            if index < 0:
                problems.append(f"找不到项目“{name}”，请从列表中选择" if name else "请选择关联的项目")
            else:
                project_id = self.project_ids[index]
        elif self.about_task.isChecked():
            task_id = self.task.currentData()
            if task_id is None:
                problems.append("请选择关联的任务")
        problem = dataclasses.replace(
            self.problem, title=self.title.text().strip(), detail=self.detail.toPlainText().strip(),
            project_id=project_id, task_id=task_id, owner_unit=self.owner_unit.currentText().strip(),
            leader=self.leader.currentText().strip(), deadline=self.deadline.value(),
        )
        problems = [e.message for e in problem_errors(problem)] + problems
        return problems or problem

    def save(self) -> None:
        collected = self.collect()
        if isinstance(collected, list):
            show_inline(self.error, "\n".join(collected))
            return
        problem = collected
        show_inline(self.error, "")

        def write(ledger):  # type: ignore[no-untyped-def]
            return ledger.problems.add(problem) if problem.id is None else ledger.problems.update(problem)

        save_then_close(self, self.error, write)


class ResolveDialog(QDialog):
    """办结 (and optionally 销号 at once): the resolution note is required."""

    def __init__(self, parent: QWidget, problem: Problem) -> None:
        super().__init__(parent)
        self.problem = problem
        self.setWindowTitle(f"办结：{problem.title}")
        self.setMinimumWidth(560)
        self.resolution = QPlainTextEdit(problem.resolution)
        self.resolution.setPlaceholderText("怎样解决的：协调了哪些部门、取得了什么结果")
        self.strike = QCheckBox("同时销号（已核实解决）")
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"问题：{problem.title}"))
        layout.addWidget(QLabel("办结情况 *"))
        layout.addWidget(self.resolution, 1)
        layout.addWidget(self.strike)
        layout.addWidget(self.error)
        layout.addWidget(buttons(self, "办结", self.save))

    def save(self) -> None:
        text = self.resolution.toPlainText().strip()
        if not text:
            show_inline(self.error, "办结或销号前请填写办结情况")
            return
        pid = self.problem.id
        target = ProblemState.CLOSED if self.strike.isChecked() else ProblemState.RESOLVED

        save_then_close(self, self.error, lambda ledger: ledger.problems.move(pid, target, resolution=text))


class NoteDialog(QDialog):
    """One line of text for the history: 办理进展, or why a settled problem goes back (退回重办)."""

    def __init__(self, parent: QWidget, title: str, label: str, placeholder: str,
                 write: Callable[[Ledger, str], object]) -> None:
        super().__init__(parent)
        self.write = write
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(placeholder)
        self.text.setFixedHeight(100)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(label))
        layout.addWidget(self.text)
        layout.addWidget(self.error)
        layout.addWidget(buttons(self, "确定", self.save))

    def save(self) -> None:
        text = self.text.toPlainText().strip()
        if not text:
            show_inline(self.error, "请填写内容")
            return
        write = self.write
        save_then_close(self, self.error, lambda ledger: write(ledger, text))


# ----------------------------------------------------------------------- history
def _label_value(name: str, value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if name == "state" and value in ProblemState.values():
        return ProblemState(value).label
    if name in ("project_id", "task_id"):
        return f"编号 {value}"
    return str(value)


def describe_changes(entry: AuditEntry) -> str:
    """``状态：待办 → 办理中；办结情况：（空） → 已协调解决``"""
    parts = []
    for name, pair in entry.changes.items():
        if not isinstance(pair, list) or len(pair) != 2:
            continue
        old, new = pair
        if name == "progress_note":
            continue  # already the entry's summary
        parts.append(f"{field_label(name)}：{_label_value(name, old)} → {_label_value(name, new)}")
    return "；".join(parts)


class HistoryModel(ListModel):
    HEADERS = ["时间", "经办人", "事项", "变更内容"]

    def text(self, item: object, column: int) -> str:
        assert isinstance(item, AuditEntry)
        if column == 0:
            return item.at.strftime("%Y-%m-%d %H:%M")
        if column == 1:
            return item.clerk
        if column == 2:
            return item.summary
        if column == 3:
            return describe_changes(item) if item.action != "create" else ""
        return ""


class HistoryDialog(QDialog):
    def __init__(self, parent: QWidget, problem: Problem, entries: list[AuditEntry]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"办理记录：{problem.title}")
        self.setMinimumSize(900, 420)
        self.model = HistoryModel()
        self.model.set_items(list(reversed(entries)))  # oldest first: the story in order
        view = QTableView()
        view.setModel(self.model)
        view.verticalHeader().setVisible(False)
        view.setWordWrap(True)
        view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        header = view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        view.setColumnWidth(2, 340)
        header.setStretchLastSection(True)
        view.resizeRowsToContents()
        self.view = view
        facts = QLabel(f"责任单位：{problem.owner_unit or '—'}　包保领导：{problem.leader or '—'}　"
                       f"完成时限：{problem.deadline.isoformat() if problem.deadline else '未设'}　"
                       f"状态：{problem.state.label}")
        facts.setObjectName("viewFacts")
        layout = QVBoxLayout(self)
        layout.addWidget(facts)
        layout.addWidget(view, 1)
        if problem.resolution:
            resolution = QLabel(f"办结情况：{problem.resolution}")
            resolution.setWordWrap(True)
            layout.addWidget(resolution)
        close = buttons(self, "关闭", self.accept)
        close.button(close.StandardButton.Cancel).hide()
        layout.addWidget(close)
