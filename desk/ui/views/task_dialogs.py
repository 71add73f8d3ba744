"""Dialogs of the breakdown table: a task with its split per unit, hand-entered actuals, a yearly target."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.core.glossary import IndicatorKind, Metric, TaskGroup, TaskStatus, field_label
from desk.core.metrics import METRIC_KIND, RATE, SCOPED, WAN, WUSD, metrics_for
from desk.core.models import Target, Task, TaskTarget, Unit
from desk.core.money import AmountError, parse_amount
from desk.core.progress import TaskProgress, format_number
from desk.core.splits import parse_figure, parse_split
from desk.core.validation import target_errors, task_errors
from desk.ui.views.dialog_kit import OptionalDate, buttons, error_label, save_then_close, show_inline

Index = QModelIndex | QPersistentModelIndex


def assignable_units(units: list[Unit], own_unit_id: int) -> list[Unit]:
    """Units a task can be split to: the ledger's own unit and everything but its superiors."""
    by_id = {u.id: u for u in units}
    above: set[int] = set()
    node = by_id.get(own_unit_id)
    while node is not None and node.parent_id is not None:
        above.add(node.parent_id)
        node = by_id.get(node.parent_id)
    return [u for u in units if u.id not in above]


class GridModel(QAbstractTableModel):
    """An editable grid of text cells with fixed first column (the unit)."""

    def __init__(self, headers: list[str], rows: list[list[str]], editable: set[int]) -> None:
        super().__init__()
        self.headers = headers
        self.rows = rows
        self.editable = editable

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and index.column() not in self.editable:
            from PySide6.QtGui import QBrush, QColor

            return QBrush(QColor("#f3f5f8"))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in self.editable:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() not in self.editable:
            return False
        self.rows[index.row()][index.column()] = str(value).strip()
        self.dataChanged.emit(index, index)
        return True

    def set_cell(self, row: int, column: int, text: str) -> None:
        self.setData(self.index(row, column), text)


def grid_view(model: GridModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setEditTriggers(QTableView.EditTrigger.AllEditTriggers)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    view.setColumnWidth(0, 150)
    view.setColumnWidth(1, 130)
    return view


class TaskEditor(QDialog):
    """A task of the breakdown table and its planned value per unit."""

    def __init__(self, parent: QWidget, task: Task, targets: list[TaskTarget], units: list[Unit]) -> None:
        super().__init__(parent)
        self.task = task
        self.units = units
        self.setWindowTitle("修改任务" if task.id else "新增任务")
        self.setMinimumSize(860, 720)
        self.year = QSpinBox()
        self.year.setRange(1900, 9999)
        self.year.setValue(task.year)
        self.section = QComboBox()
        for group in TaskGroup:
            self.section.addItem(group.label, group.value)
        self.section.setCurrentIndex(list(TaskGroup).index(task.section))
        self.seq = QLineEdit(task.seq)
        self.seq.setMaximumWidth(80)
        self.name = QLineEdit(task.name)
        self.name.setPlaceholderText("例如：新开工亿元以上产业项目")
        self.content = QPlainTextEdit(task.content)
        self.content.setPlaceholderText("任务的主要内容，例如：全年新开工亿元以上产业项目105项")
        self.content.setFixedHeight(64)
        self.indicator = QComboBox()
        for kind in IndicatorKind:
            self.indicator.addItem(kind.label, kind.value)
        self.indicator.setCurrentIndex(list(IndicatorKind).index(task.indicator))
        self.metric_box = QComboBox()
        self.indicator.currentIndexChanged.connect(self._fill_metrics)
        self._fill_metrics()
        if task.metric is not None:
            self.metric_box.setCurrentIndex(max(0, self.metric_box.findData(task.metric.value)))
        self.deadline = OptionalDate(task.deadline, date(task.year, 12, 31))
        self.deadline_text = QLineEdit(task.deadline_text)
        self.deadline_text.setPlaceholderText("例如：12月底")
        self.lead_units = QLineEdit(task.lead_units)
        self.lead_units.setPlaceholderText("例如：各镇街")
        self.cooperating = QLineEdit(task.cooperating_units)
        self.cooperating.setPlaceholderText("例如：区直相关部门")
        self.status = QComboBox()
        for status in TaskStatus:
            self.status.addItem(status.label, status.value)
        self.status.setCurrentIndex(list(TaskStatus).index(task.status))
        self.note = QLineEdit(task.note)

        form = QFormLayout()
        head = QHBoxLayout()
        head.addWidget(self.year)
        head.addWidget(QLabel("分组"))
        head.addWidget(self.section, 1)
        head.addWidget(QLabel("序号"))
        head.addWidget(self.seq)
        form.addRow("年度", head)
        form.addRow("任务名称 *", self.name)
        form.addRow("主要内容", self.content)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.indicator)
        kind_row.addWidget(QLabel("完成情况"))
        kind_row.addWidget(self.metric_box, 1)
        form.addRow("指标类型", kind_row)
        deadline_row = QHBoxLayout()
        deadline_row.addWidget(self.deadline, 1)
        deadline_row.addWidget(QLabel("表中写作"))
        deadline_row.addWidget(self.deadline_text, 1)
        form.addRow("完成时限", deadline_row)
        form.addRow("责任单位", self.lead_units)
        form.addRow("配合单位", self.cooperating)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status)
        status_row.addWidget(QLabel("备注"))
        status_row.addWidget(self.note, 1)
        form.addRow("任务状态", status_row)

        planned = {t.unit_id: t for t in targets}
        rows = []
        for unit in units:
            target = planned.get(unit.id)  # type: ignore[arg-type]
            rows.append([unit.name, format_number(target.planned) if target and target.planned is not None else "",
                         target.planned_text if target else ""])
        self.grid = GridModel(["单位", "计划指标", "指标说明（如“50亿元以上5项”）"], rows, {1, 2})
        self.split_view = grid_view(self.grid)
        self.split_text = QLineEdit()
        self.split_text.setPlaceholderText("可粘贴文件中的分解指标，如：韩家店镇4项，西山街道3项，和平街道3项")
        fill = QPushButton("按文字填入")
        fill.clicked.connect(self._fill_from_text)
        paste_row = QHBoxLayout()
        paste_row.addWidget(self.split_text, 1)
        paste_row.addWidget(fill)
        split_box = QGroupBox("计划任务分解指标（未填的单位不分解）")
        split_layout = QVBoxLayout(split_box)
        split_layout.addLayout(paste_row)
        split_layout.addWidget(self.split_view, 1)

        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(split_box, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons(self, "保存", self.save))

    def _fill_metrics(self) -> None:
        indicator = IndicatorKind(self.indicator.currentData())
        current = self.metric_box.currentData()
        self.metric_box.clear()
        self.metric_box.addItem("手工填报", None)
        if indicator != IndicatorKind.TEXT:
            for metric in metrics_for(indicator):
                self.metric_box.addItem(f"台账自动统计：{metric.label}", metric.value)
        found = self.metric_box.findData(current)
        self.metric_box.setCurrentIndex(found if found >= 0 else 0)

    def _fill_from_text(self) -> None:
        split = parse_split(self.split_text.text(), [u.name for u in self.units])
        by_name = {row[0]: i for i, row in enumerate(self.grid.rows)}
        for line in split.lines:
            i = by_name[line.unit]
            self.grid.set_cell(i, 1, format_number(line.planned) if line.planned is not None else "")
            self.grid.set_cell(i, 2, line.text)
        problems = []
        if not split.lines:
            problems.append("没有找到单位名称，请写成“单位名称+数字”，如“韩家店镇4项”")
        if split.unknown:
            problems.append(f"没有对应单位的内容：{'；'.join(split.unknown)}")
        show_inline(self.error, "\n".join(problems))

    def collect(self) -> tuple[Task, list[TaskTarget]] | list[str]:
        """The task and its split as typed, or what is wrong with them (in Chinese)."""
        indicator = IndicatorKind(self.indicator.currentData())
        metric = self.metric_box.currentData()
        task = dataclasses.replace(
            self.task, year=self.year.value(), section=TaskGroup(self.section.currentData()),
            seq=self.seq.text().strip(), name=self.name.text().strip(), content=self.content.toPlainText().strip(),
            indicator=indicator, metric=Metric(metric) if metric else None, deadline=self.deadline.value(),
            deadline_text=self.deadline_text.text().strip(), lead_units=self.lead_units.text().strip(),
            cooperating_units=self.cooperating.text().strip(), status=TaskStatus(self.status.currentData()),
            note=self.note.text().strip(),
        )
        problems = [e.message for e in task_errors(task)]
        targets = []
        for unit, (_name, planned_text, extra) in zip(self.units, self.grid.rows, strict=True):
            if not planned_text and not extra:
                continue
            try:
                planned = parse_figure(planned_text, indicator)
            except ValueError as exc:
                problems.append(f"{unit.name}的计划指标：{exc}")
                continue
            if indicator == IndicatorKind.TEXT and planned_text:
                extra = f"{planned_text} {extra}".strip()
            targets.append(TaskTarget(task.id or 0, unit.id, planned, extra))  # type: ignore[arg-type]
        return problems if problems else (task, targets)

    def save(self) -> None:
        collected = self.collect()
        if isinstance(collected, list):
            show_inline(self.error, "\n".join(collected))
            return
        task, targets = collected
        show_inline(self.error, "")
        save_then_close(self, self.error, lambda ledger: ledger.tasks.save_with_targets(task, targets))


class ActualsDialog(QDialog):
    """Hand-entered actuals (完成值) with a note, for a task the ledger cannot count."""

    def __init__(self, parent: QWidget, progress: TaskProgress) -> None:
        super().__init__(parent)
        self.progress = progress
        task = progress.task
        self.setWindowTitle(f"填报完成情况：{task.name}")
        self.setMinimumSize(720, 460)
        rows = [[r.unit_name, progress.show(r.planned) or r.planned_text,
                 format_number(r.actual) if r.actual is not None else "", r.note] for r in progress.rows]
        self.grid = GridModel(["单位", "计划", "完成值", "说明（依据、进展）"], rows, {2, 3})
        self.view = grid_view(self.grid)
        hint = QLabel(f"指标类型：{task.indicator.label}。完成值留空表示尚未填报。")
        hint.setObjectName("viewFacts")
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons(self, "保存", self.save))

    def collect(self) -> dict[int, tuple[Decimal | None, str]] | list[str]:
        indicator = self.progress.task.indicator
        actuals: dict[int, tuple[Decimal | None, str]] = {}
        problems = []
        for row, (name, _planned, actual, note) in zip(self.progress.rows, self.grid.rows, strict=True):
            try:
                value = parse_figure(actual, indicator if indicator != IndicatorKind.TEXT else IndicatorKind.COUNT)
            except ValueError as exc:
                problems.append(f"{name}的完成值：{exc}")
                continue
            actuals[row.unit_id] = (value, note)  # type: ignore[index]
        return problems or actuals

    def save(self) -> None:
        collected = self.collect()
        if isinstance(collected, list):
            show_inline(self.error, "\n".join(collected))
            return
        task_id = self.progress.task.id
        save_then_close(self, self.error, lambda ledger: ledger.task_targets.enter_actuals(task_id, collected))


def parse_target_value(text: str, metric: Metric) -> Decimal:
    """A yearly target as typed: counts, “60亿”/“8000万元” (万元), “2000万美元” (万美元), “90%”."""
    kind = METRIC_KIND[metric]
    try:
        if kind == WAN:
            value = parse_amount(text, "万元")
        elif kind == WUSD:
            value = parse_amount(text, "万美元")
        else:
            value = parse_figure(text, IndicatorKind.RATE if kind == RATE else IndicatorKind.COUNT)
    except (ValueError, AmountError) as exc:
        raise ValueError(str(exc)) from None
    if value is None:
        raise ValueError("请填写目标值")
    return value


class TargetDialog(QDialog):
    """A unit's yearly target for something the ledger counts."""

    def __init__(self, parent: QWidget, target: Target, units: list[Unit]) -> None:
        super().__init__(parent)
        self.target = target
        self.setWindowTitle("修改年度目标" if target.id else "新增年度目标")
        self.setMinimumWidth(520)
        self.unit = QComboBox()
        for unit in units:
            self.unit.addItem(unit.name, unit.id)
        self.unit.setCurrentIndex(max(0, self.unit.findData(target.unit_id)))
        self.year = QSpinBox()
        self.year.setRange(1900, 9999)
        self.year.setValue(target.year)
        self.metric_box = QComboBox()
        for metric in Metric:
            self.metric_box.addItem(metric.label, metric.value)
        self.metric_box.setCurrentIndex(list(Metric).index(target.metric))
        self.threshold = QLineEdit(format_number(target.min_investment_wan) if target.min_investment_wan else "")
        self.threshold.setPlaceholderText("留空按认定标准，如 10000 或 1亿")
        self.value = QLineEdit(format_number(target.value) if target.id else "")
        self.note = QLineEdit(target.note)
        self.unit_hint = QLabel()
        self.metric_box.currentIndexChanged.connect(self._hint)
        form = QFormLayout()
        form.addRow("单位", self.unit)
        form.addRow("年度", self.year)
        form.addRow("指标", self.metric_box)
        form.addRow("起点总投资(万元)", self.threshold)
        value_row = QHBoxLayout()
        value_row.addWidget(self.value, 1)
        value_row.addWidget(self.unit_hint)
        form.addRow("年度目标 *", value_row)
        form.addRow("备注", self.note)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons(self, "保存", self.save))
        self._hint()

    def _hint(self) -> None:
        from desk.core.metrics import metric_unit

        metric = Metric(self.metric_box.currentData())
        self.unit_hint.setText(metric_unit(metric))
        scoped = metric in SCOPED or metric in (Metric.SIGNED_PROJECTS, Metric.SIGNED_INVESTMENT)
        self.threshold.setEnabled(scoped)

    def collect(self) -> Target | list[str]:
        metric = Metric(self.metric_box.currentData())
        problems = []
        value = Decimal(0)
        try:
            value = parse_target_value(self.value.text(), metric)
        except ValueError as exc:
            problems.append(f"{field_label('value')}：{exc}")
        threshold = None
        if self.threshold.isEnabled() and self.threshold.text().strip():
            try:
                threshold = parse_amount(self.threshold.text(), "万元")
            except AmountError as exc:
                problems.append(f"{field_label('min_investment_wan')}：{exc}")
        target = dataclasses.replace(self.target, unit_id=self.unit.currentData(), year=self.year.value(),
                                     metric=metric, value=value, min_investment_wan=threshold,
                                     note=self.note.text().strip())
        problems += [e.message for e in target_errors(target)]
        return problems or target

    def save(self) -> None:
        collected = self.collect()
        if isinstance(collected, list):
            show_inline(self.error, "\n".join(collected))
            return
        target = collected
        show_inline(self.error, "")

        def write(ledger):  # type: ignore[no-untyped-def]
            return ledger.targets.add(target) if target.id is None else ledger.targets.update(target)

        save_then_close(self, self.error, write)

