"""The problems list (协调问题): filter the overdue ones, open, record progress, close with a
resolution, strike off, send back, and read a problem's history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.core.glossary import DueState, ProblemState
from desk.core.models import Problem
from desk.core.problems import DONE_STATES, OPEN_STATES, can_move, due_state
from desk.ui.taskman import Op
from desk.ui.views.dialog_kit import button_row, keep_dialog
from desk.ui.views.problem_dialogs import HistoryDialog, NoteDialog, ProblemEditor, ResolveDialog
from desk.ui.views.task_models import ProblemsModel

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

# filter key → (label, test)
FILTERS: list[tuple[str, str, Callable[[Problem, date], bool]]] = [
    ("open", "未办结", lambda p, today: p.state in OPEN_STATES),
    ("overdue", "已超时", lambda p, today: p.is_overdue(today)),
    ("due_soon", "即将到期", lambda p, today: due_state(p, today) == DueState.DUE_SOON),
    ("resolved", "已办结待销号", lambda p, today: p.state == ProblemState.RESOLVED),
    ("done", "已办结/已销号", lambda p, today: p.state in DONE_STATES),
    ("all", "全部", lambda p, today: True),
]


class ProblemsPage(QWidget):
    def __init__(self, ledger: Ledger, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.today = today
        self.all: list[Problem] = []
        self.filter = QComboBox()
        self.filter.setObjectName("problemFilter")
        for key, label, _ in FILTERS:
            self.filter.addItem(label, key)
        self.filter.currentIndexChanged.connect(self.apply_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText("查找问题、项目、责任单位、领导")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filter)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("显示"))
        bar.addWidget(self.filter)
        bar.addWidget(self.search, 1)
        self.buttons = button_row(bar, "problem", (
            ("new", "新增问题", self.new_problem),
            ("edit", "修改", self.edit_problem),
            ("progress", "办理进展…", self.add_progress),
            ("resolve", "办结…", self.resolve),
            ("close", "销号", self.strike_off),
            ("reopen", "退回重办…", self.reopen),
            ("history", "办理记录", self.show_history),
        ))
        self.model = ProblemsModel(today())
        self.table = QTableView()
        self.table.setObjectName("problemTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((200, 280, 130, 90, 100, 70, 110, 100, 100)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda _: self.edit_problem())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.detail = QLabel()
        self.detail.setObjectName("problemDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count = QLabel()
        self.count.setObjectName("viewFacts")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.detail)
        self.refresh()

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        selected = self.current()
        self.all = self.ledger.problems.listing()
        project_ids = [p.project_id for p in self.all if p.project_id is not None]
        projects = {p.id: p.name for p in self.ledger.projects.by_ids(sorted(set(project_ids)))}
        tasks = {t.id: t.name for t in self.ledger.tasks.all()}
        self.about = {
            p.id: (f"项目：{projects.get(p.project_id, '')}" if p.project_id is not None
                   else f"任务：{tasks.get(p.task_id, '')}" if p.task_id is not None else "")
            for p in self.all if p.id is not None
        }
        self.apply_filter(keep=selected.id if selected else None)

    def apply_filter(self, *_: object, keep: int | None = None) -> None:
        today = self.today()
        key = self.filter.currentData()
        test = next(t for k, _, t in FILTERS if k == key)
        words = self.search.text().split()

        def matches(p: Problem) -> bool:
            haystack = " ".join((p.title, p.detail, p.owner_unit, p.leader, self.about.get(p.id or 0, "")))
            return all(w in haystack for w in words)

        shown = [p for p in self.all if test(p, today) and matches(p)]
        self.model.set_problems(shown, self.about, today)
        overdue = sum(p.is_overdue(today) for p in self.all)
        self.count.setText(f"显示 {len(shown)} 个，共 {len(self.all)} 个问题；未办结 "
                           f"{sum(p.state in OPEN_STATES for p in self.all)} 个，其中已超时 {overdue} 个")
        if keep is not None:
            self.select(keep)
        self._selection_changed()

    def show_filter(self, key: str) -> None:
        self.filter.setCurrentIndex(self.filter.findData(key))

    def select(self, problem_id: int) -> bool:
        """Select the problem if the filter shows it; say whether it did."""
        for row, problem in enumerate(self.model.items):
            if problem.id == problem_id:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(self.model.index(row, 0))
                return True
        return False

    def current(self) -> Problem | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.items[rows[0].row()] if rows else None  # type: ignore[no-any-return]

    def _selection_changed(self) -> None:
        problem = self.current()
        enabled = {
            "edit": problem is not None and problem.state != ProblemState.CLOSED,
            "progress": problem is not None and problem.state in OPEN_STATES,
            "resolve": problem is not None and can_move(problem, ProblemState.RESOLVED),
            "close": problem is not None and problem.state == ProblemState.RESOLVED,
            "reopen": problem is not None and problem.state == ProblemState.RESOLVED,
            "history": problem is not None,
        }
        for key, on in enabled.items():
            self.buttons[key].setEnabled(on)
        if problem is None:
            self.detail.setText("")
            return
        lines = [f"<b>{problem.title}</b>　{self.about.get(problem.id or 0, '')}"]
        if problem.detail:
            lines.append(f"问题描述：{problem.detail}")
        if problem.resolution:
            lines.append(f"办结情况：{problem.resolution}")
        self.detail.setText("<br>".join(lines))

    # --------------------------------------------------------------- actions
    def _choices(self) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[str], list[str]]:
        ledger = self.ledger
        projects = [(r[0], r[1]) for r in ledger.conn.execute(
            "SELECT id, name FROM projects WHERE archived = 0 ORDER BY name")]
        tasks = [(t.id, f"{t.year}年 {t.seq}. {t.name}") for t in ledger.tasks.all() if t.id is not None]
        owners = sorted({u.name for u in ledger.units.all()} | {p.owner_unit for p in self.all if p.owner_unit})
        leaders = sorted(set(ledger.projects.leaders()) | {p.leader for p in self.all if p.leader})
        return projects, tasks, owners, leaders  # type: ignore[return-value]

    def new_problem(self, task_id: int | None = None) -> ProblemEditor:
        problem = Problem(title="", task_id=task_id if isinstance(task_id, int) else None)
        dialog = ProblemEditor(self, problem, *self._choices(), today=self.today())
        keep_dialog(self, dialog)
        return dialog

    def edit_problem(self) -> ProblemEditor | None:
        problem = self.current()
        if problem is None or problem.state == ProblemState.CLOSED:
            return None
        dialog = ProblemEditor(self, problem, *self._choices(), today=self.today())
        keep_dialog(self, dialog)
        return dialog

    def add_progress(self) -> NoteDialog | None:
        problem = self.current()
        if problem is None:
            return None
        pid = problem.id
        dialog = NoteDialog(self, f"办理进展：{problem.title}", "本次办理进展 *",
                            "例如：已与区自然资源分局对接，预计下周取得用地预审意见",
                            lambda ledger, text: ledger.problems.add_progress(pid, text))
        keep_dialog(self, dialog)
        return dialog

    def resolve(self) -> ResolveDialog | None:
        problem = self.current()
        if problem is None or not can_move(problem, ProblemState.RESOLVED):
            return None
        dialog = ResolveDialog(self, problem)
        keep_dialog(self, dialog)
        return dialog

    def strike_off(self) -> None:
        problem = self.current()
        if problem is None or problem.state != ProblemState.RESOLVED:
            return
        answer = QMessageBox.question(self, "销号", f"确认问题“{problem.title}”已解决并销号？销号后不能再修改。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        pid = problem.id
        Op(self, lambda ledger: ledger.problems.move(pid, ProblemState.CLOSED)).run_in_background()

    def reopen(self) -> NoteDialog | None:
        problem = self.current()
        if problem is None or problem.state != ProblemState.RESOLVED:
            return None
        pid = problem.id
        dialog = NoteDialog(self, f"退回重办：{problem.title}", "退回原因 *", "例如：批复范围不含配套道路，需继续协调",
                            lambda ledger, text: ledger.problems.move(pid, ProblemState.IN_PROGRESS, note=text))
        keep_dialog(self, dialog)
        return dialog

    def show_history(self) -> HistoryDialog | None:
        problem = self.current()
        if problem is None or problem.id is None:
            return None
        dialog = HistoryDialog(self, problem, self.ledger.problems.history(problem.id))
        keep_dialog(self, dialog)
        return dialog
