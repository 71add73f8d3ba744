"""项目台账: the section page — a header strip, the project table with its filters, 本月填报.

The page answers the main window's actions (``action_new/save/find/undo/redo/print/refresh``)
for whichever tab is showing, remembers its columns, and refreshes when an op changed the
ledger (``taskman.changed``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk.core.errors import DeskError
from desk.core.glossary import Stage
from desk.core.periods import Month
from desk.store.ledger import Ledger
from desk.ui.livetext import LiveText
from desk.ui.projects import printing
from desk.ui.projects import stage as stage_ui
from desk.ui.projects.editor import ProjectEditor
from desk.ui.projects.filters import FilterBar
from desk.ui.projects.grid import MonthGrid
from desk.ui.projects.model import ProjectTableModel
from desk.ui.recognition import MonthSummary
from desk.ui.taskman import Op

COLUMNS_KEY = "projects/columns"
SORT_KEY = "projects/sort"
TAB_KEY = "projects/tab"
MONTHS_BACK = 24

RECOGNITION_FILTER = "recognition"  # the 认定结果 plug-in filter's key (recognition_plugins)
SYNC_SUMMARY_LIMIT = 2000  # above this many projects the month summary is counted on the worker


class ProjectTable(QTableView):
    """The table; Enter opens the editor like a double click."""

    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class ProjectsPage(QWidget):
    actionsChanged = Signal()

    def __init__(self, ledger: Ledger, window: QWidget) -> None:
        super().__init__(window)
        self.ledger = ledger
        self.main = window
        self.settings: Any = getattr(window, "settings", None)
        today_fn = getattr(window, "today", None)
        self.today: date = today_fn() if callable(today_fn) else ledger.today()
        self.reporting = str(ledger.reporting_month(self.today))
        self.month = self.reporting
        self.grid: MonthGrid | None = None
        self.editor: ProjectEditor | None = None
        self.setObjectName("projectsPage")

        title = QLabel("项目台账")
        title.setObjectName("viewTitle")
        self.facts = QLabel()
        self.facts.setObjectName("viewFacts")
        self.month_box = QComboBox()
        self.month_box.setObjectName("monthChooser")
        month = Month.parse(self.reporting)
        for _ in range(MONTHS_BACK):
            text = f"{month.label}（本月）" if str(month) == self.reporting else month.label
            self.month_box.addItem(text, str(month))
            month = month.prev()
        self.month_box.currentIndexChanged.connect(self._month_chosen)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.facts, 1)
        head.addWidget(QLabel("填报月份"))
        head.addWidget(self.month_box)

        self.filters = FilterBar(ledger)
        self.filters.changed.connect(self.search)
        self.model = ProjectTableModel(ledger, self.month, self)
        self.model.resultChanged.connect(self._result_changed)
        self.table = ProjectTable()
        self.table.setObjectName("projectTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 10)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(False)  # the model puts ▲/▼ into the title
        header.setHighlightSections(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.sectionClicked.connect(self._header_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.table.doubleClicked.connect(lambda index: self.edit_row(index.row()))
        self.table.activated_row.connect(self.edit_row)
        self.result = LiveText()  # changes with every keystroke: repaints itself only
        self.result.setObjectName("resultLabel")

        # The month's recognition at a glance (申报/认定/不予认定/剔除 …); a click filters the table.
        self.recognition = MonthSummary()
        self.recognition.filterRequested.connect(self._recognition_filter)
        self.recognition.filterCleared.connect(lambda: self._recognition_filter(frozenset()))

        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 6, 0, 0)
        list_layout.addWidget(self.recognition)
        list_layout.addWidget(self.filters)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.result)
        self.grid_page = QWidget()
        QVBoxLayout(self.grid_page).setContentsMargins(0, 6, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("projectTabs")
        self.tabs.addTab(list_page, "项目列表")
        self.tabs.addTab(self.grid_page, "本月填报")
        self.tabs.currentChanged.connect(self._tab_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 8)
        layout.addLayout(head)
        layout.addWidget(self.tabs, 1)

        self._restore_columns()
        self._update_facts()
        self.search()
        self.refresh_recognition()
        taskman = getattr(window, "taskman", None)
        if taskman is not None:
            taskman.changed.connect(self.on_ledger_changed)
        if self.settings is not None and self.settings.value(TAB_KEY) == "grid":
            self.tabs.setCurrentIndex(1)

    # --------------------------------------------------------------- search
    def _recognition_filter(self, keys: frozenset) -> None:  # type: ignore[type-arg]
        """A click on the summary sets the table's 认定结果 filter to that group."""
        select = self.filters.plugin_select(RECOGNITION_FILTER)
        if select is None:
            return
        select.set_values({k.value for k in keys})
        self.filters.changed.emit()

    def refresh_recognition(self) -> None:
        if self.ledger.count("projects") > SYNC_SUMMARY_LIMIT and getattr(self.main, "taskman", None) is not None:
            self.recognition.request(self.month)
        else:
            self.recognition.refresh(self.ledger, self.month)

    def search(self) -> None:
        current = self.current_id()
        self.model.search(self.filters.project_filter(self.month))
        self._select_id(current)

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.ids[index.row()] if index.isValid() and index.row() < len(self.model.ids) else None

    def _select_id(self, project_id: int | None) -> None:
        if project_id is None:
            return
        row = self.model.row_of(project_id)
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, self.table.horizontalHeader().logicalIndex(0)))
            self.table.scrollTo(self.table.currentIndex())

    def _result_changed(self, count: int) -> None:
        total = self.model.total()
        if self.filters.is_active():
            self.result.setText(f"找到 {count:,} 个项目（共 {total:,} 个）")
        else:
            self.result.setText(f"共 {count:,} 个项目　双击或按 Enter 打开项目；右键可变更阶段")

    def _update_facts(self) -> None:
        counts = dict(self.ledger.conn.execute(
            "SELECT stage, count(*) FROM projects WHERE archived = 0 GROUP BY stage").fetchall())
        building = sum(counts.get(s.value, 0) for s in (Stage.NEW_START, Stage.CONSTRUCTION, Stage.RESUMED))
        parts = [f"在建 {building:,}", f"新开工 {counts.get(Stage.NEW_START.value, 0):,}",
                 f"停工 {counts.get(Stage.STOPPED.value, 0):,}", f"竣工 {counts.get(Stage.COMPLETED.value, 0):,}",
                 f"储备 {counts.get(Stage.RESERVE.value, 0):,}"]
        updated = self.ledger.months.count("month = ?", (self.month,))
        locked = "（已报送，已锁定）" if self.ledger.is_month_locked(self.month) else ""
        label = Month.parse(self.month).label
        total = sum(counts.values())
        self.facts.setText(f"项目 {total:,} 个：{'、'.join(parts)}；{label}已填报 {updated:,} 个{locked}")

    def _month_chosen(self) -> None:
        month = self.month_box.currentData()
        if month == self.month:
            return
        if self.grid is not None and not self.grid.confirm_discard():
            self.month_box.blockSignals(True)
            self.month_box.setCurrentIndex(self.month_box.findData(self.month))
            self.month_box.blockSignals(False)
            return
        self.month = month
        self.model.month = month
        self.recognition.clear()
        self.search()
        self._update_facts()
        self.refresh_recognition()
        if self.grid is not None:
            self.grid.load(month)

    def on_ledger_changed(self) -> None:
        self.model.invalidate()
        self.filters.refresh_options()
        self.search()
        self._update_facts()
        self.refresh_recognition()
        if self.grid is not None and not self.grid.loading and not self.grid.has_changes():
            self.grid.load(self.month)

    # ------------------------------------------------------------- columns
    def _header_clicked(self, section: int) -> None:
        key = self.model.columns[section].key
        descending = not self.model.descending if key == self.model.sort_key else False
        current = self.current_id()
        self.model.sort_by(key, descending)
        self._show_sort()
        self._select_id(current)

    def _show_sort(self) -> None:
        header = self.table.horizontalHeader()
        if self.model.sort_key in self.model.keys:
            order = Qt.SortOrder.DescendingOrder if self.model.descending else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(self.model.keys.index(self.model.sort_key), order)
        else:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)

    def _column_menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        """Tick the columns to show; 恢复默认 puts back the first layout."""
        menu = QMenu(self)
        shown = [c for i, c in enumerate(self.model.columns) if not self.table.isColumnHidden(i)]
        for i, column in enumerate(self.model.columns):
            action = QAction(column.title, menu)
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(i))
            action.setEnabled(not (len(shown) == 1 and column in shown))
            action.toggled.connect(lambda on, i=i: self.set_column_visible(i, on))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction("恢复默认列", self.reset_columns)
        return menu

    def set_column_visible(self, index: int, visible: bool) -> None:
        self.table.setColumnHidden(index, not visible)
        if visible and self.table.columnWidth(index) < 20:
            self.table.setColumnWidth(index, self._default_width(index))

    def _default_width(self, index: int) -> int:
        metrics = self.table.horizontalHeader().fontMetrics()
        column = self.model.columns[index]
        title = metrics.horizontalAdvance(f"{column.title} ▲")  # room for the sort arrow
        return max(column.width_chars * metrics.horizontalAdvance("中"), title) + 24

    def reset_columns(self) -> None:
        header = self.table.horizontalHeader()
        for visual in range(header.count()):
            header.moveSection(header.visualIndex(visual), visual)
        for i, column in enumerate(self.model.columns):
            self.table.setColumnHidden(i, not column.visible_by_default)
            self.table.setColumnWidth(i, self._default_width(i))

    def _restore_columns(self) -> None:
        self.reset_columns()
        stored = self.settings.value(COLUMNS_KEY) if self.settings is not None else None
        if isinstance(stored, str) and stored:
            entries = [part.split(":") for part in stored.split(",") if ":" in part]
            known = [(k, w) for k, w in entries if k in self.model.keys]
            if known:
                header = self.table.horizontalHeader()
                for i in range(len(self.model.columns)):
                    self.table.setColumnHidden(i, True)
                for visual, (key, width) in enumerate(known):
                    index = self.model.keys.index(key)
                    self.table.setColumnHidden(index, False)
                    if width.isdigit() and int(width) > 20:
                        self.table.setColumnWidth(index, int(width))
                    header.moveSection(header.visualIndex(index), visual)
        sort = self.settings.value(SORT_KEY) if self.settings is not None else None
        if isinstance(sort, str) and ":" in sort:
            key, _, order = sort.partition(":")
            if key in self.model.keys:
                self.model.sort_key, self.model.descending = key, order == "desc"
        self._show_sort()

    def column_layout(self) -> str:
        header = self.table.horizontalHeader()
        parts = []
        for visual in range(header.count()):
            index = header.logicalIndex(visual)
            if not self.table.isColumnHidden(index):
                parts.append(f"{self.model.keys[index]}:{self.table.columnWidth(index)}")
        return ",".join(parts)

    def save_state(self, settings: Any) -> None:
        settings.set_value(COLUMNS_KEY, self.column_layout())
        settings.set_value(SORT_KEY, f"{self.model.sort_key}:{'desc' if self.model.descending else 'asc'}")
        settings.set_value(TAB_KEY, "grid" if self.tabs.currentIndex() == 1 else "list")
        if self.grid is not None:
            self.grid.save_state()

    # ------------------------------------------------------------- editing
    def edit_row(self, row: int) -> None:
        project = self.model.project_at(row)
        if project is not None and project.id is not None:
            self.open_editor(self.ledger.projects.get(project.id))

    def open_project(self, project_id: int, field: str = "") -> bool:
        """Select a project in the table and open its editor at ``field`` (from other sections)."""
        try:
            project = self.ledger.projects.get(project_id)
        except DeskError as exc:
            QMessageBox.warning(self, "无法打开项目", exc.message)
            return False
        self._select_id(project_id)
        editor = self.open_editor(project)
        if field:
            editor.focus_field(field)
        return True

    def open_editor(self, project: Any) -> ProjectEditor:
        editor = ProjectEditor(self.ledger, project, self.month, self.today, self, self.settings)
        editor.saved.connect(self._editor_saved)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.editor = editor
        editor.open()
        return editor

    def _editor_saved(self, project_id: int) -> None:
        self.search()
        self._select_id(project_id)

    def _row_menu(self, pos: QPoint) -> None:
        menu = self.row_menu(self.table.indexAt(pos))
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(pos))

    def row_menu(self, index: QModelIndex) -> QMenu | None:
        menu = QMenu(self)
        project = self.model.project_at(index.row()) if index.isValid() else None
        if project is not None:
            menu.addAction("打开项目…", lambda: self.edit_row(index.row()))
            stage_ui.add_menu(menu, project, lambda stage: self.move_stage(project.id, stage))  # type: ignore[arg-type]
            menu.addSeparator()
        menu.addAction("新建项目…", self.action_new)
        return menu

    def move_stage(self, project_id: int, target: Stage) -> None:
        project = self.ledger.projects.get(project_id)
        dialog = stage_ui.StageDialog(project, target, self.today, self)
        if dialog.exec() != stage_ui.StageDialog.DialogCode.Accepted:
            return
        on, reason = dialog.chosen_date(), dialog.reason.text().strip()
        Op(self, lambda ledger: ledger.projects.move_stage(project_id, target, on, reason)) \
            .success(lambda moved: self._status(f"项目“{moved.name}”已改为“{moved.stage.label}”")) \
            .run_in_background()

    def _status(self, text: str) -> None:
        bar = getattr(self.main, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 8000)

    # ---------------------------------------------------------------- grid
    def _tab_changed(self, index: int) -> None:
        if index == 1:
            self.ensure_grid()
        self.actionsChanged.emit()

    def ensure_grid(self) -> MonthGrid:
        if self.grid is None:
            self.grid = MonthGrid(self.ledger, self.month, self.today, self.settings, self.grid_page)
            self.grid.stateChanged.connect(self.actionsChanged)
            self.grid.saved.connect(self._status)
            self.grid_page.layout().addWidget(self.grid)
        return self.grid

    def showing_grid(self) -> bool:
        return self.tabs.currentIndex() == 1 and self.grid is not None

    # ------------------------------------------------------ window actions
    def action_enabled(self, name: str) -> bool:
        if name in ("new", "find", "print", "refresh"):
            return True
        if not self.showing_grid():
            return False
        assert self.grid is not None
        stack = self.grid.undo_stack
        if name == "undo":
            return stack is not None and stack.canUndo()
        if name == "redo":
            return stack is not None and stack.canRedo()
        if name == "save":
            return self.grid.has_changes()
        return False

    def action_new(self) -> None:
        self.open_editor(None)

    def action_find(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def action_save(self) -> None:
        if self.showing_grid():
            assert self.grid is not None
            self.grid.save()

    def action_undo(self) -> None:
        if self.showing_grid() and self.grid is not None and self.grid.undo_stack is not None:
            self.grid.undo_stack.undo()

    def action_redo(self) -> None:
        if self.showing_grid() and self.grid is not None and self.grid.undo_stack is not None:
            self.grid.undo_stack.redo()

    def refresh(self) -> None:
        self.on_ledger_changed()

    def action_print(self) -> None:
        html = self.print_html()
        if html is None:
            return
        printing.preview(self, html).exec()

    def print_html(self) -> str | None:
        if self.showing_grid():
            assert self.grid is not None and self.grid.model is not None
            model = self.grid.model
            columns = [i for i in range(model.columnCount()) if model.columns[i].kind.value != "tick"]
            rows = [[model.data(model.index(r, c)) or "" for c in columns]
                    for r in range(min(model.rowCount(), printing.MAX_PRINT_ROWS))]
            headers = [model.columns[c].title for c in columns]
            numeric = {i for i, c in enumerate(columns) if model.columns[c].kind.value == "amount"}
            title = f"{self.ledger.unit.name}{model.label}项目填报表"
        else:
            header = self.table.horizontalHeader()
            keys = [self.model.keys[header.logicalIndex(v)] for v in range(header.count())
                    if not self.table.isColumnHidden(header.logicalIndex(v))]
            count = len(self.model.ids)
            if count > printing.MAX_PRINT_ROWS:
                QMessageBox.information(
                    self, "打印", f"当前列表有 {count:,} 个项目，只打印前 {printing.MAX_PRINT_ROWS:,} 个；"
                    "请先用筛选缩小范围。")
            rows = self.model.texts(range(min(count, printing.MAX_PRINT_ROWS)), keys)
            headers = [self.model.column(k).title for k in keys]  # type: ignore[union-attr]
            numeric = {i for i, k in enumerate(keys) if self.model.column(k).numeric}  # type: ignore[union-attr]
            title = f"{self.ledger.unit.name}项目台账"
        subtitle = f"{Month.parse(self.month).label}　打印日期：{self.today.isoformat()}"
        return printing.table_html(title, subtitle, headers, rows, numeric)

    def confirm_close(self) -> bool:
        if self.grid is None or not self.grid.has_changes():
            return True
        return self.grid.confirm_discard(after=self.main.close)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Find):
            self.action_find()
            return
        super().keyPressEvent(event)
