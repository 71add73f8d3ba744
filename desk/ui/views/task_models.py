"""Table and tree models of the 任务与目标 page: the breakdown (sections → tasks → units),
the yearly targets and the problems. A few hundred rows at most, held in memory."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

from desk.core.glossary import DueState, IndicatorKind, Light
from desk.core.models import Problem
from desk.core.problems import due_state, due_text
from desk.core.progress import (
    Row,
    TargetProgress,
    TaskProgress,
    format_metric,
    format_percent,
    format_value,
)

Index = QModelIndex | QPersistentModelIndex
ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CHINESE_NUMBERS = "一二三四五六七八九十"

LIGHT_COLOURS: dict[Light, str] = {
    Light.DONE: "#1f5fae",
    Light.GREEN: "#2f7d32",
    Light.AMBER: "#d08700",
    Light.RED: "#c62828",
    Light.NONE: "#9aa5b3",
    Light.UNREPORTED: "#9aa5b3",
}
DUE_COLOURS: dict[DueState, str] = {
    DueState.OVERDUE: "#c62828",
    DueState.DUE_SOON: "#b26a00",
    DueState.ON_TIME: "#2f7d32",
    DueState.NO_DEADLINE: "#6b7785",
    DueState.DONE_ON_TIME: "#1f5fae",
    DueState.DONE_LATE: "#6b7785",
}


@cache
def dot(colour: str) -> QIcon:
    """A filled circle: the traffic light beside its label."""
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(1, 1, 12, 12)
    painter.end()
    return QIcon(pixmap)


def light_icon(light: Light) -> QIcon:
    return dot(LIGHT_COLOURS[light])


def section_title(number: int, label: str, count: int) -> str:
    head = CHINESE_NUMBERS[number - 1] if 1 <= number <= len(CHINESE_NUMBERS) else str(number)
    return f"{head}、{label}{count}项"


# ---------------------------------------------------------------------- breakdown tree
class Node:
    """One line of the tree: a section, a task (its total), or a unit of a task."""

    def __init__(self, kind: str, parent: Node | None, title: str = "", progress: TaskProgress | None = None,
                 row: Row | None = None) -> None:
        self.kind = kind  # "section" | "task" | "unit"
        self.parent = parent
        self.title = title
        self.progress = progress
        self.row = row
        self.children: list[Node] = []

    def index_in_parent(self) -> int:
        return self.parent.children.index(self) if self.parent else 0


class BreakdownModel(QAbstractItemModel):
    HEADERS = ["任务 / 单位", "计划", "完成", "完成率", "进度", "完成时限", "责任单位", "配合单位", "任务状态", "说明"]
    NUMERIC = {1, 2, 3}
    LIGHT_COLUMN = 4

    def __init__(self) -> None:
        super().__init__()
        self.root = Node("root", None)

    def set_tasks(self, tasks: list[TaskProgress]) -> None:
        self.beginResetModel()
        self.root = Node("root", None)
        sections: dict[str, Node] = {}
        for progress in tasks:
            group = progress.task.section
            if group.value not in sections:
                section = Node("section", self.root)
                sections[group.value] = section
                self.root.children.append(section)
            section = sections[group.value]
            task_node = Node("task", section, progress=progress, row=progress.total)
            task_node.children = [Node("unit", task_node, progress=progress, row=r) for r in progress.rows]
            section.children.append(task_node)
        for number, section in enumerate(self.root.children, start=1):
            first = section.children[0].progress
            assert first is not None
            section.title = section_title(number, first.task.section.label, len(section.children))
        self.endResetModel()

    def node(self, index: Index) -> Node:
        return index.internalPointer() if index.isValid() else self.root  # type: ignore[no-any-return]

    # ------------------------------------------------------------- structure
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self.node(parent)
        if 0 <= row < len(node.children) and 0 <= column < len(self.HEADERS):
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node: Node = index.internalPointer()  # type: ignore[assignment]
        if node.parent is None or node.parent is self.root:
            return QModelIndex()
        return self.createIndex(node.parent.index_in_parent(), 0, node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    # ------------------------------------------------------------------ data
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node = self.node(index)
        column = index.column()
        if node.kind == "section":
            if role == Qt.ItemDataRole.DisplayRole and column == 0:
                return node.title
            if role == Qt.ItemDataRole.FontRole:
                from PySide6.QtGui import QFont

                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor("#eef3fa"))
            return None
        progress, row = node.progress, node.row
        assert progress is not None and row is not None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(node, progress, row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == self.LIGHT_COLUMN:
            return light_icon(row.light)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.LIGHT_COLUMN:
            return QBrush(QColor(LIGHT_COLOURS[row.light]))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMERIC:
            return ALIGN_RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node, progress, row, column)
        if role == Qt.ItemDataRole.FontRole and node.kind == "task":
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(column == 0)
            return font
        return None

    def _text(self, node: Node, progress: TaskProgress, row: Row, column: int) -> str:
        task = progress.task
        if column == 0:
            return f"{task.seq}. {task.name}" if node.kind == "task" and task.seq else (
                task.name if node.kind == "task" else row.unit_name)
        if column == 1:
            text = progress.show(row.planned)
            if row.planned_text:
                text = f"{text}（{row.planned_text}）" if text else row.planned_text
            return text
        if column == 2:
            return progress.show(row.actual) if row.actual is not None else ("未填报" if row.planned else "")
        if column == 3:
            return format_percent(row.ratio)
        if column == 4:
            return row.light.label
        if node.kind == "unit":
            if column == 9:
                # The task's line says how it is counted; a unit's line only adds its note.
                if task.indicator == IndicatorKind.TEXT or row.computed:
                    return row.note
                return f"手工填报：{row.note}" if row.note else ""
            return ""
        if column == 5:
            return task.deadline_text or (task.deadline.isoformat() if task.deadline else "")
        if column == 6:
            return task.lead_units
        if column == 7:
            return task.cooperating_units
        if column == 8:
            return task.status.label
        if column == 9:
            metric = f"自动统计：{task.metric.label}" if task.metric else "手工填报"
            return f"{metric}；{task.content}" if task.content else metric
        return ""

    def _tooltip(self, node: Node, progress: TaskProgress, row: Row, column: int) -> str | None:
        if column == self.LIGHT_COLUMN:
            return (f"时间进度 {format_percent(progress.elapsed)}，完成率 {format_percent(row.ratio) or '—'}"
                    f"：{row.light.label}")
        if column == 0 and node.kind == "task" and progress.task.content:
            return progress.task.content
        return None


# --------------------------------------------------------------------- simple tables
class ListModel(QAbstractTableModel):
    """A read-only table over a list of items; subclasses say how each column reads."""

    HEADERS: list[str] = []
    NUMERIC: set[int] = set()

    def __init__(self) -> None:
        super().__init__()
        self.items: list = []

    def set_items(self, items: list) -> None:  # type: ignore[type-arg]
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(item, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.NUMERIC:
            return ALIGN_RIGHT
        return self.extra(item, index.column(), role)

    def text(self, item: object, column: int) -> str:
        return ""

    def extra(self, item: object, column: int, role: int) -> object:
        return None


def threshold_text(min_wan: Decimal | None) -> str:
    """``10000`` → ``"1亿元以上"``, ``5000`` → ``"5,000万元以上"``."""
    if min_wan is None:
        return ""
    if min_wan >= 10_000 and min_wan % 10_000 == 0:
        return f"{format_value(min_wan / 10_000, IndicatorKind.AMOUNT_YI)}以上"
    return f"{format_value(min_wan, IndicatorKind.AMOUNT_WAN)}以上"


class TargetsModel(ListModel):
    HEADERS = ["单位", "指标", "起点总投资", "年度目标", "完成", "完成率", "进度", "备注"]
    NUMERIC = {3, 4, 5}

    def text(self, item: object, column: int) -> str:
        assert isinstance(item, TargetProgress)
        target, row = item.target, item.row
        if column == 0:
            return item.unit_name
        if column == 1:
            return target.metric.label
        if column == 2:
            return threshold_text(target.min_investment_wan)
        if column == 3:
            return format_metric(row.planned, target.metric)
        if column == 4:
            return format_metric(row.actual, target.metric)
        if column == 5:
            return format_percent(row.ratio)
        if column == 6:
            return row.light.label
        if column == 7:
            return target.note
        return ""

    def extra(self, item: object, column: int, role: int) -> object:
        assert isinstance(item, TargetProgress)
        if column == 6 and role == Qt.ItemDataRole.DecorationRole:
            return light_icon(item.row.light)
        if column == 6 and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(LIGHT_COLOURS[item.row.light]))
        if column == 6 and role == Qt.ItemDataRole.ToolTipRole:
            return f"时间进度 {format_percent(item.elapsed)}，完成率 {format_percent(item.row.ratio) or '—'}"
        return None


class ProblemsModel(ListModel):
    HEADERS = ["问题", "关联项目 / 任务", "责任单位", "包保领导", "完成时限", "状态", "时限", "登记日期", "办结日期"]

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today
        self.about: dict[int, str] = {}

    def set_problems(self, problems: list[Problem], about: dict[int, str], today: date) -> None:
        self.about = about
        self.today = today
        self.set_items(problems)

    def text(self, item: object, column: int) -> str:
        assert isinstance(item, Problem)
        if column == 0:
            return item.title
        if column == 1:
            return self.about.get(item.id or 0, "")
        if column == 2:
            return item.owner_unit
        if column == 3:
            return item.leader
        if column == 4:
            return item.deadline.isoformat() if item.deadline else ""
        if column == 5:
            return item.state.label
        if column == 6:
            return due_text(item, self.today)
        if column == 7:
            return item.created_on.isoformat() if item.created_on else ""
        if column == 8:
            return item.closed_on.isoformat() if item.closed_on else ""
        return ""

    def extra(self, item: object, column: int, role: int) -> object:
        assert isinstance(item, Problem)
        if column == 6 and role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.DecorationRole):
            colour = DUE_COLOURS[due_state(item, self.today)]
            return QBrush(QColor(colour)) if role == Qt.ItemDataRole.ForegroundRole else dot(colour)
        if column == 0 and role == Qt.ItemDataRole.ToolTipRole:
            return item.detail or None
        return None
