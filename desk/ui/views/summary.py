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
        # A table of figures keeps its columns to their contents, not one number across the page.
        figures = bool(headers) and len(headers) - 1 in numeric
        header.setMinimumSectionSize(96 if figures else header.minimumSectionSize())
        header.setStretchLastSection(not figures)

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
    HEADERS = ["月份", "填报项目", "新开工", "在建", "停工", "竣工", "本月完成投资(万元)", "到位内资(万元)",
               "入库入统"]

    def summary(self) -> tuple[str, list[str], list[list[str]], set[int]]:
        building = (Stage.CONSTRUCTION.value, Stage.RESUMED.value)
        rows = self.ledger.conn.execute(
            "SELECT month, count(*), sum(stage = ?), sum(stage IN (?, ?)), sum(stage = ?), sum(stage = ?),"
            " sum(invested_month_yuan), sum(domestic_funds_yuan), sum(in_statistics)"
            " FROM project_months GROUP BY month ORDER BY month DESC",
            (Stage.NEW_START.value, *building, Stage.STOPPED.value, Stage.COMPLETED.value),
        ).fetchall()
        table = [
            [Month.parse(m).label, *(f"{n or 0:,}" for n in counts),
             format_amount(yuan_to_wan(invested or 0)), format_amount(yuan_to_wan(funds or 0)), f"{in_stats or 0:,}"]
            for m, *counts, invested, funds, in_stats in rows
        ]
        year = str(self.ledger.today().year)
        this_year = [r for r in rows if r[0].startswith(year)]
        invested = sum(r[6] or 0 for r in this_year)
        starts = sum(r[2] or 0 for r in this_year)
        facts = (f"各月填报的项目个数（按填报阶段）与完成投资；{year}年已填报 {len(this_year)} 个月，"
                 f"申报新开工 {starts:,} 个，累计完成投资 {format_amount(yuan_to_wan(invested))} 万元")
        return facts, self.HEADERS, table, set(range(1, len(self.HEADERS)))


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
