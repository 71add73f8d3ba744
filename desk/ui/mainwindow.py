"""The main window: left navigation, one page per section, menus, toolbar, status bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QToolBar,
    QWidget,
)

from desk import APP_TITLE, __version__
from desk.core.periods import days_left, deadline_text
from desk.ui import settings as keys
from desk.ui.settings import UiSettings
from desk.ui.taskman import TaskManager
from desk.ui.views import SECTION_KEYS, SECTIONS, view_factory

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

# Actions a view may handle: name → (label, shortcut).
VIEW_ACTIONS: dict[str, tuple[str, QKeySequence | QKeySequence.StandardKey | str]] = {
    "new": ("新建(&N)", QKeySequence.StandardKey.New),
    "save": ("保存(&S)", QKeySequence.StandardKey.Save),
    "find": ("查找(&F)", QKeySequence.StandardKey.Find),
    "undo": ("撤销(&U)", QKeySequence.StandardKey.Undo),
    "redo": ("重做(&R)", "Ctrl+Y"),
    "print": ("打印(&P)…", QKeySequence.StandardKey.Print),
    "refresh": ("刷新", QKeySequence.StandardKey.Refresh),
}


class MainWindow(QMainWindow):
    ledgerSwitchRequested = Signal(str)  # a path, or "" for the first-run choice

    def __init__(
        self,
        ledger: Ledger,
        settings: UiSettings,
        today: Callable[[], date] | None = None,
    ) -> None:
        super().__init__()
        self.ledger = ledger
        self.settings = settings
        self.today = today or ledger.today
        self.pages: dict[str, QWidget] = {}
        self.taskman = TaskManager(ledger.path, ledger.clock, self)
        self.taskman.changed.connect(self.refresh_status)
        self.setWindowTitle(f"{APP_TITLE} — {ledger.unit.name}")
        self.setMinimumSize(QSize(1024, 640))
        self._build_navigation()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._restore()

    # ------------------------------------------------------------------ layout
    def _build_navigation(self) -> None:
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(148)
        self.nav.setIconSize(QSize(20, 20))
        for key, label in SECTIONS:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(140, 44))
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        for _ in SECTION_KEYS:
            self.stack.addWidget(QWidget())  # replaced by the section's page on first visit
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._show_row)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        key = SECTION_KEYS[row]
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        self.settings.set(keys.SECTION, key)
        self._update_action_state()

    def page(self, key: str) -> QWidget:
        """The page of a section, built the first time it is shown."""
        if key not in self.pages:
            index = SECTION_KEYS.index(key)
            page = view_factory(key)(self.ledger, self)
            old = self.stack.widget(index)
            self.stack.removeWidget(old)
            old.deleteLater()
            self.stack.insertWidget(index, page)
            self.pages[key] = page
            changed = getattr(page, "actionsChanged", None)
            if changed is not None:
                changed.connect(self._update_action_state)
        return self.pages[key]

    def show_section(self, key: str) -> QWidget:
        self.nav.setCurrentRow(SECTION_KEYS.index(key))
        return self.page(key)

    def current_page(self) -> QWidget | None:
        return self.pages.get(SECTION_KEYS[self.nav.currentRow()]) if self.nav.currentRow() >= 0 else None

    # ----------------------------------------------------------------- actions
    def _build_actions(self) -> None:
        style = self.style()
        self.actions_by_name: dict[str, QAction] = {}
        for name, (label, shortcut) in VIEW_ACTIONS.items():
            action = QAction(label, self)
            action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _=False, n=name: self._dispatch(n))
            self.actions_by_name[name] = action
        icons = {
            "new": QStyle.StandardPixmap.SP_FileIcon,
            "save": QStyle.StandardPixmap.SP_DialogSaveButton,
            "find": QStyle.StandardPixmap.SP_FileDialogContentsView,
            "undo": QStyle.StandardPixmap.SP_ArrowBack,
            "redo": QStyle.StandardPixmap.SP_ArrowForward,
            "refresh": QStyle.StandardPixmap.SP_BrowserReload,
        }
        for name, pixmap in icons.items():
            self.actions_by_name[name].setIcon(style.standardIcon(pixmap))
        self.open_action = QAction("打开台账(&O)…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._open_other)
        self.switch_action = QAction("新建或切换台账…", self)
        self.switch_action.triggered.connect(lambda: self.ledgerSwitchRequested.emit(""))
        self.backup_action = QAction("立即备份(&B)", self)
        self.backup_action.triggered.connect(self._backup)
        self.quit_action = QAction("退出(&X)", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.about_action = QAction("关于 Desk(&A)", self)
        self.about_action.triggered.connect(self._about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        for action in (self.open_action, self.switch_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        from desk.ui.importer import add_import_action

        self.import_action = add_import_action(self, file_menu)
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.actions_by_name["print"])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("编辑(&E)")
        for name in ("new", "save", "undo", "redo", "find"):
            edit_menu.addAction(self.actions_by_name[name])
        view_menu = bar.addMenu("视图(&V)")
        view_menu.addAction(self.actions_by_name["refresh"])
        view_menu.addSeparator()
        for number, (key, label) in enumerate(SECTIONS, start=1):
            action = QAction(label, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, k=key: self.show_section(k))
            view_menu.addAction(action)
        help_menu = bar.addMenu("帮助(&H)")
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("工具栏")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setIconSize(QSize(18, 18))
        for name in ("new", "save", "undo", "redo", "find", "refresh"):
            toolbar.addAction(self.actions_by_name[name])
        self.addToolBar(toolbar)

    def _dispatch(self, name: str) -> None:
        page = self.current_page()
        handler = getattr(page, f"action_{name}", None)
        if handler is not None:
            handler()
        elif name == "refresh" and hasattr(page, "refresh"):
            page.refresh()  # type: ignore[union-attr]
        self.refresh_status()

    def _update_action_state(self) -> None:
        page = self.current_page()
        # A page may say when an action applies (undo only with something to undo …).
        enabled = getattr(page, "action_enabled", None)
        for name, action in self.actions_by_name.items():
            supported = hasattr(page, f"action_{name}") or (name == "refresh" and hasattr(page, "refresh"))
            action.setEnabled(supported and (enabled is None or enabled(name)))

    # -------------------------------------------------------------- status bar
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status_file = QLabel()
        self.status_unit = QLabel()
        self.status_month = QLabel()
        self.status_deadline = QLabel()
        self.status_deadline.setObjectName("deadlineLabel")
        self.status_overdue = QLabel()  # 超时未办结的问题: a link to them (desk.ui.views.problems)
        self.status_overdue.setObjectName("overdueLabel")
        self.status_overdue.linkActivated.connect(lambda _: self.show_section("tasks").show_overdue())
        for widget in (self.status_overdue, self.status_unit, self.status_month, self.status_deadline):
            bar.addPermanentWidget(widget)
        bar.addWidget(self.status_file, 1)
        self.refresh_status()

    def refresh_status(self) -> None:
        ledger = self.ledger
        today = self.today()
        rule = ledger.deadline_rule
        month = rule.reporting_month(today)
        deadline = rule.deadline(month)
        self.status_file.setText(f"台账：{ledger.path}")
        self.status_file.setToolTip(str(ledger.path))
        self.status_unit.setText(f"单位：{ledger.unit.name}")
        self.status_month.setText(f"报送月份：{month.label}")
        overdue = ledger.problems.count_overdue(today)
        self.status_overdue.setText(f'<a href="#" style="color:#c62828">超时问题 {overdue} 个</a>' if overdue else "")
        if ledger.is_month_locked(str(month)):
            self.status_deadline.setText("本月已报送")
            self.status_deadline.setProperty("state", "done")
        else:
            self.status_deadline.setText(deadline_text(today, deadline))
            left = days_left(today, deadline)
            self.status_deadline.setProperty("state", "late" if left < 0 else "soon" if left <= 3 else "ok")
        self.status_deadline.style().unpolish(self.status_deadline)
        self.status_deadline.style().polish(self.status_deadline)

    # ---------------------------------------------------------------- commands
    def _open_other(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "打开台账", str(self.ledger.path.parent), "Desk 台账 (*.desk *.sqlite *.db);;所有文件 (*)"
        )
        if path:
            self.ledgerSwitchRequested.emit(path)

    def _backup(self) -> None:
        from desk.core.errors import DeskError

        try:
            target = self.ledger.backup("手动备份")
        except DeskError as exc:
            QMessageBox.warning(self, "备份失败", exc.message)
            return
        self.statusBar().showMessage(f"已备份到 {target}", 8000)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "关于 Desk",
            f"<b>{APP_TITLE} Desk {__version__}</b><p>招商引资与项目建设台账：项目、线索、任务，"
            "认定标准核查，签名月报报送与验证。</p><p>本程序不联网，所有数据保存在本机台账文件中。</p>",
        )

    # ------------------------------------------------------------ persistence
    def _restore(self) -> None:
        geometry = self.settings.get(keys.GEOMETRY)
        if geometry and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = self.settings.get(keys.STATE)
        if state and not state.isEmpty():
            self.restoreState(state)
        section = self.settings.get(keys.SECTION)
        self.show_section(section if section in SECTION_KEYS else "projects")

    def save_state(self) -> None:
        self.settings.set(keys.GEOMETRY, self.saveGeometry())
        self.settings.set(keys.STATE, self.saveState())
        for page in self.pages.values():
            saver = getattr(page, "save_state", None)
            if saver is not None:
                saver(self.settings)
        self.settings.sync()

    def close_discarding(self) -> None:
        """Close without asking about unsaved edits (screenshots, self-test: nobody to ask)."""
        self._discard_on_close = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        for page in self.pages.values() if not getattr(self, "_discard_on_close", False) else ():
            confirm = getattr(page, "confirm_close", None)
            if confirm is not None and not confirm():
                event.ignore()
                return
        self.save_state()
        self.taskman.shutdown()
        super().closeEvent(event)
