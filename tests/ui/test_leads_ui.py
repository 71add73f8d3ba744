"""The 招商线索 section as a clerk uses it: type a business card in, move it to a signed
deal, land it as a project; duplicates, masked contacts, follow-ups, teams, pipeline."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMessageBox

from desk.cli import main
from desk.core.glossary import LeadSource, LeadState, Stage
from desk.core.models import FollowUp, Lead
from desk.core.periods import Month
from desk.store.ledger import Ledger
from desk.ui.mainwindow import MainWindow
from desk.ui.settings import UiSettings
from desk.ui.views.leads import LeadsView
from desk.ui.views.leads.dialogs import DuplicateDialog, LandDialog, QuotaDialog, ReasonDialog, TripDialog
from desk.ui.views.leads.model import COLUMN_KEYS
from desk.ui.views.leads.origin import source_lead_widget
from tests.conftest import TODAY

MOBILE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture
def window(qtbot, desk_app, demo: Ledger, tmp_path: Path):  # type: ignore[no-untyped-def]
    def forget_edits(win: MainWindow) -> None:
        leads = win.pages.get("leads")
        if isinstance(leads, LeadsView):
            leads.list.editor.show_lead(None)  # closing must not stop to ask about unsaved edits

    win = MainWindow(demo, UiSettings(tmp_path / "settings.ini"), lambda: TODAY)
    qtbot.addWidget(win, before_close_func=forget_edits)
    win.show()
    yield win
    win.taskman.shutdown()


@pytest.fixture
def page(window: MainWindow) -> LeadsView:
    view = window.show_section("leads")
    assert isinstance(view, LeadsView)
    return view


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def idle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.taskman.idle, timeout=5000)


def accept_with(reason: str):  # type: ignore[no-untyped-def]
    def exec_(dialog: ReasonDialog) -> int:
        dialog.reason.setPlainText(reason)
        dialog._accept()
        return dialog.result()

    return exec_


def test_the_list_is_a_lazy_model_with_masked_contacts(page: LeadsView, demo: Ledger, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = page.list.model
    qtmodeltester.check(model)
    assert model.rowCount() == demo.count("leads")
    contacts = COLUMN_KEYS.index("contacts")
    texts = [model.index(r, contacts).data() for r in range(model.rowCount())]
    assert any("****" in t for t in texts)
    assert not any(MOBILE.search(t.replace("-", "")) for t in texts)
    page.list.model.sort(COLUMN_KEYS.index("company"), Qt.SortOrder.AscendingOrder)
    names = [model.index(r, COLUMN_KEYS.index("company")).data() for r in range(model.rowCount())]
    assert names == sorted(names)


def test_a_lead_from_business_card_to_landed_project(qtbot, window: MainWindow, page: LeadsView, demo: Ledger,  # type: ignore[no-untyped-def]
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    editor = page.list.editor
    before = demo.count("leads")
    click(qtbot, page.list.new_button)
    editor.company.insert("辽宁恒通风电装备有限公司")
    editor.person_name.insert("王建华")
    editor.position.insert("总经理")
    qtbot.keyClicks(editor.phone, "+86 138-1234-5678")
    qtbot.keyClicks(editor.email, "wang@hengtong.com")
    editor.intent_industry.insert("风电装备")
    qtbot.keyClicks(editor.intent_amount, "3.5")
    editor.intent_amount.insert("亿")
    editor.intent_location.insert("韩家店镇工业园")
    team = demo.teams.by_name("机械制造、电子信息产业招商小分队")
    editor.team.setCurrentIndex(editor.team.findData(team.id))
    click(qtbot, editor.save_button)
    qtbot.waitUntil(lambda: demo.count("leads") == before + 1, timeout=5000)
    idle(qtbot, window)
    lead = demo.leads.get(max(demo.leads.search_ids()))
    assert (lead.phone, lead.team_id, lead.intent_amount_wan, lead.owner_clerk) == (
        "13812345678", team.id, 35000, demo.clerk)
    row = page.list.model.row_of(lead.id)
    assert row >= 0 and page.list.table.currentIndex().row() == row
    assert page.list.model.index(row, COLUMN_KEYS.index("contacts")).data() == "138****5678；w***@hengtong.com"
    assert editor.phone.text() == "138****5678" and editor.phone.isReadOnly()

    monkeypatch.setattr(ReasonDialog, "exec", accept_with(""))
    click(qtbot, editor.move_buttons[LeadState.NEGOTIATING])
    qtbot.waitUntil(lambda: demo.leads.get(lead.id).state == LeadState.NEGOTIATING, timeout=5000)
    idle(qtbot, window)
    monkeypatch.setattr(ReasonDialog, "exec", accept_with("双方签订投资协议"))
    click(qtbot, editor.move_buttons[LeadState.SIGNED])
    qtbot.waitUntil(lambda: demo.leads.get(lead.id).state == LeadState.SIGNED, timeout=5000)
    idle(qtbot, window)
    assert [f.what for f in demo.followups.of_lead(lead.id)] == ["签约：双方签订投资协议"]
    assert editor.land_button.isVisible() and not editor.move_buttons[LeadState.NEGOTIATING].isVisible()

    def land(dialog: LandDialog) -> int:
        assert dialog.name.text() == "辽宁恒通风电装备项目"
        dialog.name.setText("恒通风电整机制造项目")
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(LandDialog, "exec", land)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    click(qtbot, editor.land_button)
    qtbot.waitUntil(lambda: demo.leads.get(lead.id).state == LeadState.LANDED, timeout=5000)
    idle(qtbot, window)
    project = demo.projects.get(demo.leads.get(lead.id).project_id)
    assert (project.name, project.owner_company, project.stage, project.total_investment_wan) == (
        "恒通风电整机制造项目", "辽宁恒通风电装备有限公司", Stage.SIGNED, 35000)
    assert project.source_lead_id == lead.id
    assert shown == ["已在项目台账中建立项目“恒通风电整机制造项目”（签约阶段）。"]
    qtbot.waitUntil(lambda: "恒通风电整机制造项目" in editor.project_link.text(), timeout=5000)
    assert not any(b.isVisible() for b in editor.move_buttons.values()) and not editor.land_button.isVisible()
    history = [editor.history.model.rows[r][2] for r in range(editor.history.model.rowCount())]
    assert any("落地为项目“恒通风电整机制造项目”" in h for h in history)
    assert any("状态：线索 → 洽谈" in h for h in history)

    box = source_lead_widget(demo, project.id)
    qtbot.addWidget(box)
    assert "辽宁恒通风电装备有限公司" in box.text.text() and "王建华" in box.text.text()


def test_shelving_needs_a_reason_in_the_dialog(qtbot, page: LeadsView, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    lead = next(lead for lead in demo.leads.all() if lead.state == LeadState.NEGOTIATING)
    dialog = ReasonDialog(lead, LeadState.SHELVED)
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.error.text() == "搁置线索须填写原因" and dialog.result() == 0
    dialog.reason.setPlainText("企业年内暂不投资")
    dialog._accept()
    assert dialog.result() == ReasonDialog.DialogCode.Accepted


def test_bad_input_is_named_and_nothing_is_saved(qtbot, window: MainWindow, page: LeadsView, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    editor = page.list.editor
    before = demo.count("leads")
    click(qtbot, page.list.new_button)
    qtbot.keyClicks(editor.phone, "0418-12345")
    click(qtbot, editor.save_button)
    assert "企业名称和客商姓名至少填写一项" in editor.error.text()
    assert "电话：" in editor.error.text() and "0418" in editor.form.rows["company"].error.text() + editor.error.text()
    assert editor.contact_form.rows["phone"].error.isVisible() or editor.contact_form.rows["phone"].error.text()
    editor.person_name.insert("张三")
    editor.phone.clear()
    qtbot.keyClicks(editor.phone, "12812345678")
    qtbot.keyClicks(editor.intent_amount, "abc")
    click(qtbot, editor.save_button)
    assert "不是有效的手机号码" in editor.contact_form.rows["phone"].error.text()
    assert editor.intent_form.rows["intent_amount_wan"].error.text()
    idle(qtbot, window)
    assert demo.count("leads") == before


def test_a_duplicate_company_is_reported_before_saving(qtbot, window: MainWindow, page: LeadsView, demo: Ledger,  # type: ignore[no-untyped-def]
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    editor = page.list.editor
    existing = demo.leads.get(demo.leads.search_ids()[0])
    before = demo.count("leads")
    click(qtbot, page.list.new_button)
    editor.company.insert(existing.company.replace("有限公司", " 有限责任公司").replace("股份 有限责任公司", "股份有限公司"))
    editor.company.editingFinished.emit()
    assert editor.duplicate_note.isVisible() and existing.company in editor.duplicate_note.text()
    choices: list[list[str]] = []
    opened: list[int] = []

    def open_first(dialog: DuplicateDialog) -> int:
        choices.append([b.toolTip() for b in dialog.items])
        chosen = next(d for d in dialog.found if d.id == existing.id)
        opened.append(chosen.id)
        dialog._open(chosen)
        return 1

    monkeypatch.setattr(DuplicateDialog, "exec", open_first)
    click(qtbot, editor.save_button)
    assert choices and any(existing.company in t for t in choices[0])
    assert demo.count("leads") == before
    assert editor.lead is not None and editor.lead.id == existing.id == opened[0]  # the other lead is open now

    click(qtbot, page.list.new_button)
    editor.company.insert("中储粮(海州)粮油工业有限责任公司")
    editor.person_name.insert("李四")
    monkeypatch.setattr(DuplicateDialog, "exec", lambda dialog: dialog._save() or 1)
    click(qtbot, editor.save_button)
    qtbot.waitUntil(lambda: demo.count("leads") == before + 1, timeout=5000)
    idle(qtbot, window)


def test_contacts_are_revealed_one_lead_at_a_time_and_audited(qtbot, window: MainWindow, page: LeadsView,  # type: ignore[no-untyped-def]
                                                              demo: Ledger) -> None:
    editor = page.list.editor
    lead_id = next(i for i in demo.leads.search_ids() if demo.leads.get(i).phone.startswith("1"))
    full = demo.leads.get(lead_id).phone
    page.open_lead(lead_id)
    assert editor.phone.text() == f"{full[:3]}****{full[7:]}" and editor.reveal_button.isVisible()
    click(qtbot, editor.reveal_button)
    qtbot.waitUntil(lambda: editor.phone.text() == full, timeout=5000)
    assert not editor.phone.isReadOnly()
    entry = demo.audit_entries("lead", lead_id)[0]
    assert entry.action == "reveal" and "完整联系方式" in entry.summary
    other = next(i for i in demo.leads.search_ids() if i != lead_id and demo.leads.get(i).phone)
    page.open_lead(other)
    assert "****" in editor.phone.text()  # the next lead is masked again
    idle(qtbot, window)


def test_follow_ups_form_a_timeline_and_overdue_ones_are_marked(qtbot, window: MainWindow, page: LeadsView,  # type: ignore[no-untyped-def]
                                                                demo: Ledger) -> None:
    lead = demo.leads.add(Lead(company="阜新新材料有限公司", person_name="赵六", visit_date=date(2026, 11, 1)))
    page.refresh()
    page.open_lead(lead.id)
    panel = page.list.editor.followups
    panel.on_date.set_value(date(2026, 11, 2))
    panel.what.insert("电话回访，企业同意来考察")
    panel.next_step.insert("安排考察工业园")
    panel.next_date.set_value(date(2026, 11, 10))
    click(qtbot, panel.add_button)
    qtbot.waitUntil(lambda: len(demo.followups.of_lead(lead.id)) == 1, timeout=5000)
    idle(qtbot, window)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    assert panel.model.rows[0] == ["2026-11-02", "电话回访，企业同意来考察", "安排考察工业园", "2026-11-10"]
    assert "已过 5 天" in panel.due.text() and page.list.editor.due_note.isVisible()
    page.list.overdue.setChecked(True)
    ids = page.list.model.ids
    assert lead.id in ids and ids == demo.leads.overdue_ids(TODAY) or set(ids) == set(demo.leads.overdue_ids(TODAY))
    row = page.list.model.row_of(lead.id)
    assert "已过期 5 天" in page.list.model.index(row, COLUMN_KEYS.index("next_date")).data()
    panel.what.insert("企业来考察")
    panel.next_date.set_value(date(2026, 11, 1))
    click(qtbot, panel.add_button)
    assert panel.form.rows["next_date"].error.text() == "下次跟进日期不能早于本次跟进日期"


def test_filters_narrow_the_list(qtbot, page: LeadsView, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    lst = page.list
    lst.state.setCurrentIndex(lst.state.findData(LeadState.NEGOTIATING))
    assert lst.model.rowCount() == demo.count("leads", "state = 'negotiating'")
    lst.source.setCurrentIndex(lst.source.findData(LeadSource.INTERMEDIARY))
    assert lst.model.rowCount() == 0
    click(qtbot, lst.clear_button)
    assert lst.model.rowCount() == demo.count("leads")
    lst.search.insert("商贸")
    qtbot.waitUntil(lambda: lst.model.rowCount() == demo.count("leads", "company LIKE '%商贸%' OR intent_industry "
                                                               "LIKE '%商贸%' OR business_scope LIKE '%商贸%'"),
                    timeout=3000)


def test_team_month_marks_trips_against_the_quotas(qtbot, window: MainWindow, page: LeadsView, demo: Ledger,  # type: ignore[no-untyped-def]
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    teams = page.teams
    page.tabs.setCurrentIndex(1)
    team = demo.teams.by_name("木业深加工招商小分队")
    page.show_team_month(team.id, "2026-10")
    month = demo.leads.team_month(team.id, Month(2026, 10))
    assert teams.trips_model.rowCount() == len(month.trips)
    assert teams.visits_model.rowCount() == len(month.visits)
    assert all("****" in r[4] for r in teams.visits_model.rows if r[4])

    def add_trip(dialog: TripDialog) -> int:
        dialog.start.set_value(date(2026, 10, 25))
        dialog.end.set_value(date(2026, 10, 27))
        dialog.destination.insert("广东佛山")
        dialog.companies.setValue(4)
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(TripDialog, "exec", add_trip)
    click(qtbot, teams.add_trip_button)
    qtbot.waitUntil(lambda: len(demo.trips.of_team_in_month(team.id, "2026-10")) == len(month.trips) + 1,
                    timeout=5000)
    idle(qtbot, window)
    qtbot.waitUntil(lambda: teams.trips_model.rowCount() == len(month.trips) + 1, timeout=5000)
    verdicts = [r[5] for r in teams.trips_model.rows]
    assert "✘ 未达标：拜访企业 4 家，少于 6 家；带回线索 0 条，少于 3 条" in verdicts
    row = teams.team_ids.index(team.id)
    assert "未达标" in teams.teams_model.rows[row][4]

    monkeypatch.setattr(QuotaDialog, "exec", lambda d: (d.companies.setValue(4), d.leads.setValue(0),
                                                         d.accept(), 1)[-1])
    click(qtbot, teams.quota_button)
    qtbot.waitUntil(lambda: demo.leads.quotas().min_companies == 4, timeout=5000)
    idle(qtbot, window)
    qtbot.waitUntil(lambda: all(r[5].startswith("✔") for r in teams.trips_model.rows), timeout=5000)


def test_a_new_team_is_saved_and_listed(qtbot, window: MainWindow, page: LeadsView, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    teams = page.teams
    page.tabs.setCurrentIndex(1)
    click(qtbot, teams.new_team_button)
    click(qtbot, teams.save_team_button)
    assert teams.team_form.rows["name"].error.text() == "请填写名称" or teams.team_form.rows["name"].error.text()
    teams.name.insert("东梁街道招商小分队")
    teams.lead_unit.insert("东梁街道办事处")
    click(qtbot, teams.save_team_button)
    qtbot.waitUntil(lambda: demo.teams.by_name("东梁街道招商小分队") is not None, timeout=5000)
    idle(qtbot, window)
    assert any(r[0] == "东梁街道招商小分队" for r in teams.teams_model.rows)


def test_pipeline_counts_match_the_ledger(qtbot, page: LeadsView, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    page.tabs.setCurrentIndex(2)
    pipe = page.pipeline
    click(qtbot, pipe.presets["all"])
    total = demo.count("leads")
    landed = demo.count("leads", "state = 'landed'")
    assert f"线索 {total} 条" in pipe.headline.text() and f"落地 {landed} 条" in pipe.headline.text()
    assert pipe.source_model.rows[-1][0] == "合计" and pipe.source_model.rows[-1][7] == str(total)
    pipe.start.set_value(date(2026, 12, 1))
    pipe.end.set_value(date(2026, 11, 1))
    click(qtbot, pipe.apply)
    assert pipe.error.text() == "截止日期不能早于起始日期"


@pytest.mark.parametrize("view", ["lead-editor", "team-month"])
def test_screenshots_of_the_lead_section(demo_path: Path, tmp_path: Path, view: str, desk_app) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"{view}.png"
    assert main(["screenshot", "--ledger", str(demo_path), "--view", view, str(out)]) == 0
    assert QImage(str(out)).width() >= 1280


def test_follow_up_overdue_mark_in_the_list_is_red(page: LeadsView, demo: Ledger) -> None:
    lead = demo.leads.add(Lead(company="过期测试有限公司", state=LeadState.LEAD))
    demo.followups.add(FollowUp(lead.id, date(2026, 10, 1), "电话", next_date=date(2026, 10, 15)))
    page.refresh()
    row = page.list.model.row_of(lead.id)
    index = page.list.model.index(row, COLUMN_KEYS.index("next_date"))
    assert index.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#c62828"


@pytest.mark.parametrize("full", [False, True])
def test_the_team_report_is_exported_from_the_team_tab(qtbot, window: MainWindow, page: LeadsView, demo: Ledger,  # type: ignore[no-untyped-def]
                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        full: bool) -> None:
    import openpyxl

    from desk.ui.views.leads.dialogs import ExportDialog

    team = demo.teams.by_name("木业深加工招商小分队")
    page.show_team_month(team.id, "2026-10")
    warnings: list[bool] = []

    def choose(dialog: ExportDialog) -> int:
        dialog.folder.setText(str(tmp_path / "月报"))
        dialog.reviewed_by.insert("李明华")
        dialog.full.setChecked(full)
        warnings.append(dialog.warning.isVisibleTo(dialog))
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(ExportDialog, "exec", choose)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: told.append(box.text()) or 0)
    click(qtbot, page.teams.export_button)
    qtbot.waitUntil(lambda: bool(told), timeout=10000)
    idle(qtbot, window)
    assert warnings == [full]
    files = sorted((tmp_path / "月报").iterdir())
    assert [f.suffix for f in files] == [".pdf", ".xlsx"]
    assert ("个人信息" in told[0]) == full
    rows = [r for r in openpyxl.load_workbook(files[1]).active.iter_rows(values_only=True)]
    text = "\n".join(str(v) for r in rows for v in r if v is not None)
    assert "审核人：李明华" in text
    assert bool(MOBILE.search(re.sub(r"[\s\-]", "", text))) == full
    assert demo.audit_entries("team", team.id)[0].action == ("export_full" if full else "export")


def test_edits_survive_a_refresh_of_the_ledger(qtbot, window: MainWindow, page: LeadsView, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    lead_id = demo.leads.search_ids()[0]
    page.open_lead(lead_id)
    editor = page.list.editor
    editor.address.setText("阜新市海州区中华路1号")
    window.taskman.changed.emit()  # another op finished meanwhile
    assert editor.address.text() == "阜新市海州区中华路1号" and editor.is_dirty()
    click(qtbot, editor.save_button)
    qtbot.waitUntil(lambda: demo.leads.get(lead_id).address == "阜新市海州区中华路1号", timeout=5000)
    idle(qtbot, window)
    assert not editor.is_dirty()
