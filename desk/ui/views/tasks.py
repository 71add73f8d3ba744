"""任务与目标: the task breakdown grouped as in the source table, each unit's planned / actual /
ratio / traffic light, yearly targets, and the problems to coordinate.

Counting the actuals reads every project of the year (about a second for 10,000 projects), so
it runs on the ledger worker; a small ledger (``SYNC_PROJECTS``) is counted at once so that the
page opens with its figures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desk.core.glossary import Light, Metric, TaskGroup
from desk.core.models import Target, Task
from desk.core.periods import Month
from desk.core.progress import Report, TaskProgress, format_percent
from desk.store.progress import default_through, report
from desk.ui.taskman import Op
from desk.ui.views.dialog_kit import button_row, keep_dialog
from desk.ui.views.problems import ProblemsPage
from desk.ui.views.sheet_dialog import SheetDialog
from desk.ui.views.task_dialogs import ActualsDialog, TargetDialog, TaskEditor, assignable_units
from desk.ui.views.task_models import LIGHT_COLOURS, BreakdownModel, Node, TargetsModel

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

SYNC_PROJECTS = 2000
LEGEND = [Light.DONE, Light.GREEN, Light.AMBER, Light.RED]


class BreakdownPage(QWidget):
    """The breakdown table: sections → tasks (their totals) → units."""

    def __init__(self, view: TasksView) -> None:
        super().__init__(view)
        self.view = view
        bar = QHBoxLayout()
        self.buttons = button_row(bar, "task", (
            ("new", "新增任务", self.new_task),
            ("edit", "修改任务", self.edit_task),
            ("delete", "删除任务", self.delete_task),
            ("actuals", "填报完成情况", self.enter_actuals),
            ("problem", "登记问题", self.new_problem),
            ("sheet", "任务单与分解表…", self.open_sheets),
        ))
        bar.addStretch(1)
        self.sheet_bar = bar
        self.model = BreakdownModel()
        self.tree = QTreeView()
        self.tree.setObjectName("breakdownTree")
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((250, 120, 100, 76, 100, 80, 100, 110, 76)):
            self.tree.setColumnWidth(column, width)
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.tree.doubleClicked.connect(lambda _: self._double_clicked())
        self.counted = QLabel()
        self.counted.setObjectName("countedProjects")
        self.counted.setWordWrap(True)
        self.counted.setMinimumHeight(44)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.counted)
        self._selection_changed()

    def show_tasks(self, tasks: list[TaskProgress]) -> None:
        selected = self.selected()
        key = (selected.progress.task.id, selected.row.unit_id if selected.kind == "unit" and selected.row else None) \
            if selected is not None and selected.progress is not None else None
        self.model.set_tasks(tasks)
        self.tree.expandAll()
        for row in range(self.model.rowCount()):
            self.tree.setFirstColumnSpanned(row, self.model.index(row, 0).parent(), True)
        if key is not None:
            self.select(*key)
        self._selection_changed()

    def select(self, task_id: int | None, unit_id: int | None = None) -> None:
        for s, section in enumerate(self.model.root.children):
            for t, node in enumerate(section.children):
                if node.progress is not None and node.progress.task.id == task_id:
                    index = self.model.index(t, 0, self.model.index(s, 0))
                    if unit_id is not None:
                        for u, child in enumerate(node.children):
                            if child.row is not None and child.row.unit_id == unit_id:
                                index = self.model.index(u, 0, index)
                    self.tree.setCurrentIndex(index)
                    return

    def selected(self) -> Node | None:
        index = self.tree.currentIndex()
        return self.model.node(index) if index.isValid() else None

    def selected_task(self) -> TaskProgress | None:
        node = self.selected()
        return node.progress if node is not None else None

    def _selection_changed(self) -> None:
        progress = self.selected_task()
        self.buttons["edit"].setEnabled(progress is not None)
        self.buttons["delete"].setEnabled(progress is not None)
        self.buttons["actuals"].setEnabled(progress is not None and not progress.computed)
        self.buttons["problem"].setEnabled(progress is not None)
        node = self.selected()
        self.counted.setText(self._counted_text(node))

    def _counted_text(self, node: Node | None) -> str:
        if node is None or node.progress is None or node.row is None:
            return "选中一项任务或单位，可查看计入统计的项目。"
        progress, row = node.progress, node.row
        task = progress.task
        head = (f"{row.unit_name}：计划 {progress.show(row.planned) or '—'}，完成 {progress.show(row.actual) or '—'}，"
                f"完成率 {format_percent(row.ratio) or '—'}，时间进度 {format_percent(progress.elapsed)}，"
                f"{row.light.label}。")
        if task.metric is None:
            return head + ("手工填报" + (f"：{row.note}" if row.note else "。"))
        if not row.project_ids:
            return head + f"台账自动统计（{task.metric.label}），没有计入的项目。"
        names = [p.name for p in self.view.ledger.projects.by_ids(list(row.project_ids[:60]))]
        more = f" 等 {len(row.project_ids)} 个" if len(row.project_ids) > 60 else f"（{len(row.project_ids)} 个）"
        return head + f"计入的项目{more}：" + "、".join(names)

    def _double_clicked(self) -> None:
        progress = self.selected_task()
        if progress is None:
            return
        if not progress.computed and self.selected() is not None and self.selected().kind == "unit":  # type: ignore[union-attr]
            self.enter_actuals()
        else:
            self.edit_task()

    # --------------------------------------------------------------- actions
    def _units(self):  # type: ignore[no-untyped-def]
        ledger = self.view.ledger
        return assignable_units(ledger.units.all(), ledger.unit_id)

    def new_task(self) -> TaskEditor:
        selected = self.selected_task()
        section = selected.task.section if selected else TaskGroup.CONSTRUCTION
        task = Task(year=self.view.year(), name="", section=section, deadline=date(self.view.year(), 12, 31),
                    deadline_text="12月底")
        return keep_dialog(self, TaskEditor(self, task, [], self._units()))  # type: ignore[return-value]

    def edit_task(self) -> TaskEditor | None:
        progress = self.selected_task()
        if progress is None or progress.task.id is None:
            return None
        task = self.view.ledger.tasks.get(progress.task.id)
        targets = self.view.ledger.task_targets.of_task(progress.task.id)
        return keep_dialog(self, TaskEditor(self, task, targets, self._units()))  # type: ignore[return-value]

    def delete_task(self) -> None:
        progress = self.selected_task()
        if progress is None or progress.task.id is None:
            return
        task_id = progress.task.id
        problems = self.view.ledger.problems.count("task_id = ?", (task_id,))
        also = f"，以及关联的 {problems} 个协调问题" if problems else ""
        answer = QMessageBox.question(
            self, "删除任务", f"删除任务“{progress.task.name}”及其分解指标{also}？删除记录会保留在修改记录中。")
        if answer == QMessageBox.StandardButton.Yes:
            Op(self, lambda ledger: ledger.tasks.delete(task_id)).run_in_background()

    def enter_actuals(self) -> ActualsDialog | None:
        progress = self.selected_task()
        if progress is None or progress.computed:
            return None
        return keep_dialog(self, ActualsDialog(self, progress))  # type: ignore[return-value]

    def open_sheets(self) -> SheetDialog | None:
        """Export or print a unit's task sheet (the selected unit's, if a unit line is selected)."""
        if self.view.report is None:
            return None
        node = self.selected()
        unit_id = node.row.unit_id if node is not None and node.kind == "unit" and node.row is not None else None
        return keep_dialog(self, SheetDialog(self, self.view.ledger, self.view.report, unit_id))  # type: ignore[return-value]

    def new_problem(self) -> None:
        progress = self.selected_task()
        if progress is None:
            return
        self.view.tabs.setCurrentWidget(self.view.problems)
        self.view.problems.new_problem(task_id=progress.task.id)


class TargetsPage(QWidget):
    """Yearly targets per unit for what the ledger counts."""

    def __init__(self, view: TasksView) -> None:
        super().__init__(view)
        self.view = view
        bar = QHBoxLayout()
        self.buttons = button_row(bar, "target", (("new", "新增目标", self.new_target),
                                                  ("edit", "修改目标", self.edit_target),
                                                  ("delete", "删除目标", self.delete_target)))
        bar.addStretch(1)
        self.model = TargetsModel()
        self.table = QTableView()
        self.table.setObjectName("targetTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((120, 150, 120, 110, 110, 80, 110)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _: self.edit_target())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def current(self):  # type: ignore[no-untyped-def]
        rows = self.table.selectionModel().selectedRows()
        return self.model.items[rows[0].row()] if rows else None

    def _units(self):  # type: ignore[no-untyped-def]
        ledger = self.view.ledger
        return assignable_units(ledger.units.all(), ledger.unit_id)

    def new_target(self) -> TargetDialog:
        units = self._units()
        target = Target(unit_id=units[0].id if units else self.view.ledger.unit_id, year=self.view.year(),
                        metric=Metric.NEW_STARTS, value=0)  # type: ignore[arg-type]
        return keep_dialog(self, TargetDialog(self, target, units))  # type: ignore[return-value]

    def edit_target(self) -> TargetDialog | None:
        current = self.current()
        if current is None:
            return None
        return keep_dialog(self, TargetDialog(self, current.target, self._units()))  # type: ignore[return-value]

    def delete_target(self) -> None:
        current = self.current()
        if current is None:
            return
        target_id = current.target.id
        what = f"删除{current.unit_name}的年度目标“{current.target.metric.label}”？"
        answer = QMessageBox.question(self, "删除目标", what)
        if answer == QMessageBox.StandardButton.Yes:
            Op(self, lambda ledger: ledger.targets.delete(target_id)).run_in_background()


class TasksView(QWidget):
    """The 任务与目标 section."""

    def __init__(self, ledger: Ledger, window: QWidget | None = None) -> None:
        super().__init__(window)
        self.ledger = ledger
        self.window_ = window
        self.today: Callable[[], date] = getattr(window, "today", ledger.today)
        self.report: Report | None = None
        self._generation = 0
        today = self.today()
        title = QLabel("任务与目标")
        title.setObjectName("viewTitle")
        self.year_box = QComboBox()
        self.year_box.setObjectName("taskYear")
        for year in sorted(set(ledger.tasks.years()) | {today.year - 1, today.year, today.year + 1}):
            self.year_box.addItem(f"{year}年", year)
        self.year_box.setCurrentIndex(self.year_box.findData(today.year))
        self.through_box = QComboBox()
        self.through_box.setObjectName("taskThrough")
        self._fill_months()
        self.year_box.currentIndexChanged.connect(self._year_changed)
        self.through_box.currentIndexChanged.connect(lambda _: self.refresh())
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(24)
        head.addWidget(self.year_box)
        head.addWidget(QLabel("统计截至"))
        head.addWidget(self.through_box)
        head.addStretch(1)
        legend = QLabel("　".join(f'<span style="color:{LIGHT_COLOURS[light]}">●</span> {light.label}'
                                 for light in LEGEND))
        legend.setToolTip("完成率不低于时间进度为进度正常；落后不超过 10 个百分点为略有滞后；"
                          "更多或逾期未完成为明显滞后。比率类指标（如复工率）与目标值本身比较。")
        head.addWidget(legend)
        self.facts = QLabel()
        self.facts.setObjectName("viewFacts")
        self.facts.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("taskTabs")
        self.breakdown = BreakdownPage(self)
        self.targets = TargetsPage(self)
        self.problems = ProblemsPage(ledger, self.today, self)
        self.tabs.addTab(self.breakdown, "任务分解")
        self.tabs.addTab(self.targets, "年度目标")
        self.tabs.addTab(self.problems, "协调问题")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(head)
        layout.addWidget(self.facts)
        layout.addWidget(self.tabs, 1)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self.refresh)
        self._stale = False
        taskman = getattr(window, "taskman", None)
        if taskman is not None:
            taskman.changed.connect(self._ledger_changed)
        self.refresh()

    def _ledger_changed(self) -> None:
        # Recount only while the page is shown: counting a big ledger takes the worker a
        # second, and it should not hold up the saves of other pages.
        if self.isVisible():
            self._refresh_timer.start(0)
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self._refresh_timer.start(0)

    # ------------------------------------------------------------ period
    def year(self) -> int:
        return int(self.year_box.currentData())

    def through(self) -> Month:
        return Month(self.year(), int(self.through_box.currentData()))

    def _fill_months(self) -> None:
        year = self.year()
        default = default_through(self.ledger, year, self.today())
        self.through_box.blockSignals(True)
        self.through_box.clear()
        for month in range(1, 13):
            self.through_box.addItem(f"{year}年{month}月", month)
        self.through_box.setCurrentIndex(default.month - 1)
        self.through_box.blockSignals(False)

    def _year_changed(self) -> None:
        self._fill_months()
        self.refresh()

    # ----------------------------------------------------------- refresh
    def refresh(self) -> None:
        self.problems.refresh()
        self._generation += 1
        generation = self._generation
        year, through, today = self.year(), self.through(), self.today()
        if self.ledger.count("projects") <= SYNC_PROJECTS:
            self.show_report(report(self.ledger, year, through, today=today))
            return
        self.facts.setText("正在统计完成情况…")

        def done(result: Report) -> None:
            if generation == self._generation:
                self.show_report(result)

        Op(self, lambda ledger: report(ledger, year, through, today=today), changes=False) \
            .success(done).with_progress("正在统计任务完成情况…").run_in_background()

    def show_report(self, result: Report) -> None:
        self.report = result
        self.breakdown.show_tasks(result.tasks)
        self.targets.model.set_items(result.targets)
        lights = [r.light for t in result.tasks for r in t.rows]
        behind = sum(light == Light.RED for light in lights)
        overdue = sum(p.is_overdue(self.today()) for p in self.problems.all)
        share = format_percent(result.tasks[0].elapsed) if result.tasks else ""
        self.facts.setText(
            f"{result.year}年任务 {len(result.tasks)} 项，统计截至 {result.as_of.month}月{result.as_of.day}日"
            + (f"（全年时间已过 {share}）" if share else "")
            + f"；明显滞后的单位指标 {behind} 个；超时未办结的问题 {overdue} 个。"
        )

    # ----------------------------------------------------- window actions
    def action_new(self) -> None:
        page = self.tabs.currentWidget()
        if page is self.breakdown:
            self.breakdown.new_task()
        elif page is self.targets:
            self.targets.new_target()
        else:
            self.problems.new_problem()

    def action_print(self) -> None:
        self.tabs.setCurrentWidget(self.breakdown)
        self.breakdown.open_sheets()

    def show_overdue(self) -> None:
        self.tabs.setCurrentWidget(self.problems)
        self.problems.show_filter("overdue")

    def show_problem(self, problem_id: int) -> None:
        """The 协调问题 tab with that problem selected (from pre-flight's overdue list)."""
        self.show_overdue()
        if not self.problems.select(problem_id):
            self.problems.show_filter("all")
            self.problems.select(problem_id)

