"""Summary pages: the facts of each section at a glance, read straight from the ledger.

They are the page of a section until its full view exists, and stay useful after as
the overview a clerk sees first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from desk.core.glossary import LeadState, Stage
from desk.core.money import format_amount, yuan_to_wan
from desk.core.periods import Month, deadline_text

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """A small read-only table (a few dozen rows of summary figures)."""

    def __init__(self, headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> None:
        super().__init__()
        self.headers = headers
        self.rows = rows
        self.numeric = numeric or set()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class SummaryView(QWidget):
    title = ""

    def __init__(self, ledger: Ledger, window: QWidget | None = None) -> None:
        super().__init__(window)
        self.ledger = ledger
        self.setObjectName("summaryView")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        heading = QLabel(self.title)
        heading.setObjectName("viewTitle")
        self.facts = QLabel()
        self.facts.setObjectName("viewFacts")
        self.facts.setWordWrap(True)
        self.table = QTableView()
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        layout.addWidget(heading)
        layout.addWidget(self.facts)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        facts, headers, rows, numeric = self.summary()
        self.facts.setText(facts)
        self.table.setModel(RowsModel(headers, rows, numeric))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    def summary(self) -> tuple[str, list[str], list[list[str]], set[int]]:
        """(facts line, column headers, rows, indexes of numeric columns)."""
        return "", [], [], set()


class ProjectsSummary(SummaryView):
    title = "项目台账"

    def summary(self) -> tuple[str, list[str], list[list[str]], set[int]]:
        rows = self.ledger.conn.execute(
            "SELECT stage, count(*), sum(total_investment_yuan) FROM projects WHERE archived = 0 GROUP BY stage"
        ).fetchall()
        by_stage = {r[0]: r for r in rows}
        table = [
            [s.label, str(by_stage[s.value][1]), format_amount(yuan_to_wan(by_stage[s.value][2] or 0))]
            for s in Stage
            if s.value in by_stage
        ]
        total = sum(r[1] for r in rows)
        facts = f"共 {total} 个项目；最近填报月份：{self.ledger.latest_month() or '无'}"
        return facts, ["项目阶段", "项目个数", "总投资(万元)"], table, {1, 2}


class LeadsSummary(SummaryView):
    title = "招商线索"

    def summary(self) -> tuple[str, list[str], list[list[str]], set[int]]:
        counts = dict(self.ledger.conn.execute("SELECT state, count(*) FROM leads GROUP BY state").fetchall())
        table = [[s.label, str(counts.get(s.value, 0))] for s in LeadState]
        teams = self.ledger.teams.count()
        return f"招商小分队 {teams} 支，线索 {sum(counts.values())} 条", ["线索状态", "条数"], table, {1}


class TasksSummary(SummaryView):
    title = "任务与目标"

    def summary(self) -> tuple[str, list[str], list[list[str]], set[int]]:
        year = self.ledger.today().year
        tasks = self.ledger.tasks.of_year(year)
        table = [[t.section.label, t.seq, t.name, t.deadline_text, t.lead_units] for t in tasks]
        overdue = len(self.ledger.problems.overdue())
        facts = f"{year}年任务 {len(tasks)} 项；超时未办结的问题 {overdue} 个"
        return facts, ["分组", "序号", "任务名称", "完成时限", "责任单位"], table, set()


class SubmissionSummary(SummaryView):
    title = "月报报送"

    def summary(self) -> tuple[str, list[str], list[list[str]], set[int]]:
        rule = self.ledger.deadline_rule
        today = self.ledger.today()
        month = rule.reporting_month(today)
        facts = f"本期：{month.label}　{deadline_text(today, rule.deadline(month))}"
        rows = self.ledger.conn.execute(
            "SELECT month, version, status, submitted_at FROM submissions ORDER BY month DESC, version DESC"
        ).fetchall()
        table = [[Month.parse(r[0]).label, f"第 {r[1]} 版", r[2], r[3] or ""] for r in rows]
        return facts, ["月份", "版本", "状态", "报送时间"], table, set()


class StatsSummary(SummaryView):
    title = "统计分析"

    def summary(self) -> tuple[str, list[str], list[list[str]], set[int]]:
        rows = self.ledger.conn.execute(
            "SELECT month, count(*), sum(invested_month_yuan) FROM project_months GROUP BY month ORDER BY month"
        ).fetchall()
        table = [[Month.parse(m).label, str(n), format_amount(yuan_to_wan(total or 0))] for m, n, total in rows]
        return "各月填报项目数与完成投资", ["月份", "填报项目", "本月完成投资(万元)"], table, {1, 2}


class SettingsSummary(SummaryView):
    title = "设置"

    def summary(self) -> tuple[str, list[str], list[list[str]], set[int]]:
        ledger = self.ledger
        rule = ledger.deadline_rule
        table = [
            ["台账文件", str(ledger.path)],
            ["本单位", ledger.unit.name],
            ["填报人", ledger.clerk or "（未设置）"],
            ["认定标准", ledger.profile_name],
            ["报送截止日", f"{'次月' if rule.next_month else '每月'} {rule.day} 日"],
            ["台账结构版本", str(ledger.schema_version)],
        ]
        return "本台账的设置", ["项目", "内容"], table, set()
