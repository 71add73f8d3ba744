"""招商小分队: each team's details, its trips of a month checked against the quotas, the
business people it visited, and its monthly report (due by the 28th)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk.core.contacts import mask_contacts
from desk.core.models import Team, Trip
from desk.core.periods import Month, deadline_text
from desk.core.teams import TeamMonth
from desk.core.validation import team_errors
from desk.exchange.team_report import intent_text
from desk.ui.taskman import Op
from desk.ui.views.leads.dialogs import QuotaDialog, TripDialog
from desk.ui.views.leads.fields import Form, text_edit
from desk.ui.views.leads.timeline import ListModel, small_table

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

RED = QColor("#c62828")
GREEN = QColor("#2f7d32")


def months_around(today: date, back: int = 17) -> list[Month]:
    """This month and the ones before it, newest first."""
    month = Month.of(today)
    found = [month]
    for _ in range(back):
        month = month.prev()
        found.append(month)
    return found


class TeamsPage(QWidget):
    openLeadRequested = Signal(int)
    exportRequested = Signal(int, str)  # team id, "YYYY-MM"

    def __init__(self, ledger: Ledger, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.today = today
        self.team_ids: list[int] = []
        self.months: list[TeamMonth] = []
        self.current: TeamMonth | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("月份："))
        self.month = QComboBox()
        self.month.setObjectName("teamMonth")
        for month in months_around(today()):
            self.month.addItem(month.label, str(month))
        bar.addWidget(self.month)
        self.quota_text = QLabel()
        self.quota_text.setObjectName("viewFacts")
        bar.addWidget(self.quota_text, 1)
        self.quota_button = QPushButton("考核标准…")
        self.new_team_button = QPushButton("新建小分队")
        bar.addWidget(self.quota_button)
        bar.addWidget(self.new_team_button)
        layout.addLayout(bar)

        self.teams_model = ListModel(["招商小分队", "外出", "拜访企业", "带回线索", "考核"])
        self.teams_view = small_table(self.teams_model, 0)
        self.teams_view.setObjectName("teamTable")
        self.teams_view.setSelectionMode(self.teams_view.SelectionMode.SingleSelection)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(self._team_box())
        right_layout.addWidget(self._trips_box(), 1)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.teams_view)
        top.addWidget(right)
        top.setStretchFactor(0, 2)
        top.setStretchFactor(1, 3)
        top.setSizes([440, 660])
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self._visits_box(), 1)
        bottom_layout.addLayout(self._report_bar())
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(bottom)
        main.setStretchFactor(0, 1)
        main.setStretchFactor(1, 1)
        main.setSizes([330, 330])
        layout.addWidget(main, 1)

        self.month.currentIndexChanged.connect(self.refresh)
        self.teams_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.quota_button.clicked.connect(self.edit_quotas)
        self.new_team_button.clicked.connect(self.new_team)
        self.refresh()

    # ------------------------------------------------------------ building
    def _team_box(self) -> QGroupBox:
        box = QGroupBox("小分队信息")
        grid = QGridLayout(box)
        left, right = QFormLayout(), QFormLayout()
        self.team_form = Form(left)
        self.team_form_right = Form(right)
        self.name = QLineEdit()
        self.lead_unit = QLineEdit()
        self.member_units = QLineEdit()
        self.leaders = QLineEdit()
        self.sector_focus = text_edit(2)
        self.team_note = QLineEdit()
        self.team_form.add("name", "名称", self.name, required=True)
        self.team_form.add("lead_unit", "第一责任单位", self.lead_unit)
        self.team_form.add("leaders", "责任领导", self.leaders)
        self.team_form_right.add("member_units", "联合责任单位", self.member_units)
        self.team_form_right.add("sector_focus", "重点招商领域", self.sector_focus)
        self.team_form_right.add("note", "备注", self.team_note)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.delete_team_button = QPushButton("删除小分队")
        self.save_team_button = QPushButton("保存小分队")
        self.save_team_button.setObjectName("saveTeam")
        self.save_team_button.setProperty("primary", True)
        buttons.addWidget(self.delete_team_button)
        buttons.addWidget(self.save_team_button)
        grid.addLayout(buttons, 1, 0, 1, 2)
        self.save_team_button.clicked.connect(self.save_team)
        self.delete_team_button.clicked.connect(self.delete_team)
        self.editing_new = False
        return box

    def _trips_box(self) -> QGroupBox:
        box = QGroupBox("外出招商")
        layout = QVBoxLayout(box)
        self.trips_model = ListModel(["出发", "返回", "目的地", "拜访企业", "带回线索", "考核"])
        self.trips_view = small_table(self.trips_model, 5)
        self.trips_view.setObjectName("tripTable")
        layout.addWidget(self.trips_view, 1)
        row = QHBoxLayout()
        self.trip_summary = QLabel()
        self.trip_summary.setObjectName("teamSummary")
        self.trip_summary.setWordWrap(True)
        row.addWidget(self.trip_summary, 1)
        self.add_trip_button = QPushButton("新增外出招商…")
        self.add_trip_button.setObjectName("addTrip")
        self.edit_trip_button = QPushButton("修改…")
        self.delete_trip_button = QPushButton("删除")
        for button in (self.add_trip_button, self.edit_trip_button, self.delete_trip_button):
            row.addWidget(button)
        layout.addLayout(row)
        self.add_trip_button.clicked.connect(self.add_trip)
        self.edit_trip_button.clicked.connect(self.edit_trip)
        self.delete_trip_button.clicked.connect(self.delete_trip)
        self.trips_view.doubleClicked.connect(lambda *_: self.edit_trip())
        return box

    def _visits_box(self) -> QGroupBox:
        box = QGroupBox("本月拜访客商（月报内容）")
        layout = QVBoxLayout(box)
        self.visits_model = ListModel(["拜访日期", "客商姓名", "单位", "职务", "联系方式", "经营范围", "投资意向",
                                       "状态"])
        self.visits_view = small_table(self.visits_model, 6)
        self.visits_view.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.visits_view.setObjectName("visitTable")
        self.visits_view.doubleClicked.connect(self._open_visit)
        layout.addWidget(self.visits_view)
        hint = QLabel("双击一行打开这条线索。联系方式已隐藏；导出月报时可选择是否含完整联系方式。")
        hint.setObjectName("viewFacts")
        layout.addWidget(hint)
        return box

    def _report_bar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.deadline = QLabel()
        self.deadline.setObjectName("teamDeadline")
        row.addWidget(self.deadline, 1)
        self.export_button = QPushButton("导出本月工作情况（Excel 和 PDF）…")
        self.export_button.setObjectName("exportTeamReport")
        self.export_button.setProperty("primary", True)
        self.export_button.clicked.connect(self._export)
        row.addWidget(self.export_button)
        return row

    # ------------------------------------------------------------ showing
    def selected_month(self) -> Month:
        return Month.parse(self.month.currentData())

    def set_month(self, month: Month) -> None:
        for i in range(self.month.count()):
            if self.month.itemData(i) == str(month):
                self.month.setCurrentIndex(i)
                return
        self.month.addItem(month.label, str(month))
        self.month.setCurrentIndex(self.month.count() - 1)

    def refresh(self) -> None:
        keep = self.current.team.id if self.current else None
        month = self.selected_month()
        quotas = self.ledger.leads.quotas()
        self.quota_text.setText(f"考核标准：{quotas.text()}；每月 {quotas.report_day} 日前报送工作情况")
        teams = self.ledger.teams.all()
        self.team_ids = [t.id for t in teams if t.id is not None]
        self.months = [self.ledger.leads.team_month(i, month) for i in self.team_ids]
        rows, colors = [], {}
        for i, m in enumerate(self.months):
            if not m.trips:
                verdict = "无外出"
            elif m.trips_failed:
                verdict = f"{m.trips_failed} 次未达标"
                colors[i] = RED
            else:
                verdict = "均达标"
            rows.append([m.team.name, str(len(m.trips)), str(m.companies), str(m.leads), verdict])
        self.teams_model.set_rows(rows, colors)
        if self.team_ids:
            self.select_team(keep if keep in self.team_ids else self.team_ids[0])
        else:
            self.current = None
            self._show_current()

    def select_team(self, team_id: int) -> None:
        row = self.team_ids.index(team_id)
        self.teams_view.selectionModel().setCurrentIndex(
            self.teams_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self._show_current()

    def _show_current(self) -> None:
        row = self.teams_view.selectionModel().currentIndex().row()
        self.current = self.months[row] if 0 <= row < len(self.months) else None
        self.editing_new = False
        m = self.current
        team = m.team if m else Team("")
        self.name.setText(team.name)
        self.lead_unit.setText(team.lead_unit)
        self.member_units.setText(team.member_units)
        self.leaders.setText(team.leaders)
        self.sector_focus.setPlainText(team.sector_focus)
        self.team_note.setText(team.note)
        for field in (self.name, self.lead_unit, self.member_units, self.leaders, self.team_note):
            field.setCursorPosition(0)
        self.team_form.set_errors({})
        self.team_form_right.set_errors({})
        for button in (self.add_trip_button, self.edit_trip_button, self.delete_trip_button, self.export_button,
                       self.delete_team_button, self.save_team_button):
            button.setEnabled(m is not None)
        if m is None:
            self.trips_model.set_rows([])
            self.visits_model.set_rows([])
            self.trip_summary.clear()
            self.deadline.clear()
            return
        rows, colors = [], {}
        for i, check in enumerate(m.trips):
            trip = check.trip
            rows.append([trip.start_on.isoformat(), trip.end_on.isoformat() if trip.end_on else "", trip.destination,
                         f"{check.companies} 家", f"{check.leads} 条", ("✔ " if check.ok else "✘ ") + check.verdict])
            colors[i] = GREEN if check.ok else RED
        self.trips_model.set_rows(rows, colors)
        self.trip_summary.setText(m.summary())
        self.visits_model.set_rows([
            [v.visit_date.isoformat() if v.visit_date else "", v.person_name, v.company, v.position,
             mask_contacts(v.phone, v.email, v.wechat), v.business_scope, intent_text(v), v.state.label]
            for v in m.visits
        ])
        today = self.today()
        due = m.deadline()
        if Month.of(today) <= m.month:
            self.deadline.setText(f"{m.month.label}工作情况报送截止：{deadline_text(today, due)}")
        else:
            self.deadline.setText(f"{m.month.label}工作情况应于 {due.isoformat()} 前报送")

    def _open_visit(self) -> None:
        row = self.visits_view.currentIndex().row()
        if self.current and 0 <= row < len(self.current.visits):
            self.openLeadRequested.emit(self.current.visits[row].id)

    # ------------------------------------------------------------- teams
    def new_team(self) -> None:
        self.teams_view.clearSelection()
        self.current = None
        self.editing_new = True
        for field in (self.name, self.lead_unit, self.member_units, self.leaders, self.team_note):
            field.clear()
        self.sector_focus.clear()
        self.save_team_button.setEnabled(True)
        self.name.setFocus()

    def _read_team(self) -> Team | None:
        base = self.current.team if (self.current and not self.editing_new) else Team("", unit_id=self.ledger.unit_id)
        team = Team(self.name.text().strip(), self.lead_unit.text().strip(), self.member_units.text().strip(),
                    self.leaders.text().strip(), self.sector_focus.toPlainText().strip(), base.unit_id,
                    self.team_note.text().strip(), base.id)
        errors = {e.field: e.message for e in team_errors(team)}
        self.team_form.set_errors(errors)
        return None if errors else team

    def save_team(self) -> None:
        team = self._read_team()
        if team is None:
            return
        def work(ledger: Ledger) -> Team:
            return ledger.teams.add(team) if team.id is None else ledger.teams.update(team)

        Op(self, work).success(lambda saved: self._after_team_saved(saved.id)).run_in_background()

    def _after_team_saved(self, team_id: int) -> None:
        self.refresh()
        if team_id in self.team_ids:
            self.select_team(team_id)

    def delete_team(self) -> None:
        if self.current is None:
            return
        team = self.current.team
        answer = QMessageBox.question(
            self, "删除小分队",
            f"删除“{team.name}”及其全部外出招商记录？\n它带回的线索会保留，只是不再属于这支小分队。",
        )
        if answer == QMessageBox.StandardButton.Yes:
            Op(self, lambda ledger: ledger.teams.delete(team.id)).success(lambda _: self.refresh()) \
                .run_in_background()

    def edit_quotas(self) -> None:
        dialog = QuotaDialog(self.ledger.leads.quotas(), self)
        if dialog.exec() == QuotaDialog.DialogCode.Accepted:
            quotas = dialog.quotas()
            Op(self, lambda ledger: ledger.leads.set_quotas(quotas)).success(lambda _: self.refresh()) \
                .run_in_background()

    # ------------------------------------------------------------- trips
    def _selected_trip(self) -> Trip | None:
        row = self.trips_view.currentIndex().row()
        if self.current and 0 <= row < len(self.current.trips):
            return self.current.trips[row].trip
        return None

    def add_trip(self) -> None:
        if self.current is None:
            return
        month = self.selected_month()
        start = self.today() if month.contains(self.today()) else month.first_day
        self._edit(Trip(self.current.team.id, start))  # type: ignore[arg-type]

    def edit_trip(self) -> None:
        trip = self._selected_trip()
        if trip is not None:
            self._edit(trip)

    def _edit(self, trip: Trip) -> None:
        assert self.current is not None
        dialog = TripDialog(trip, self.current.team.name, self)
        if dialog.exec() != TripDialog.DialogCode.Accepted or dialog.result_trip is None:
            return
        saved = dialog.result_trip
        work = (lambda ledger: ledger.trips.add(saved)) if saved.id is None else (
            lambda ledger: ledger.trips.update(saved))

        def done(result: Trip) -> None:
            self.set_month(Month.of(result.start_on))
            self.refresh()

        Op(self, work).success(done).run_in_background()

    def delete_trip(self) -> None:
        trip = self._selected_trip()
        if trip is None:
            return
        answer = QMessageBox.question(self, "删除外出招商",
                                      f"删除 {trip.start_on.isoformat()} 去{trip.destination or '外地'}的外出招商记录？"
                                      "\n这次带回的线索会保留。")
        if answer == QMessageBox.StandardButton.Yes:
            Op(self, lambda ledger: ledger.trips.delete(trip.id)).success(lambda _: self.refresh()) \
                .run_in_background()

    # ------------------------------------------------------------- report
    def _export(self) -> None:
        if self.current is not None and self.current.team.id is not None:
            self.exportRequested.emit(self.current.team.id, str(self.current.month))
