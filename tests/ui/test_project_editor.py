"""The project editor: every field in tabs, inline Chinese validation, stage moves, one save."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QDialog, QMessageBox

from desk.core.glossary import ApprovalKind, ApprovalStatus, Evidence, ProblemState, Stage
from desk.core.models import Submission
from desk.store.ledger import Ledger
from desk.store.projects import ProjectFilter
from desk.ui.fields import select
from desk.ui.mainwindow import MainWindow
from desk.ui.projects.editor import ProjectEditor
from desk.ui.projects.editor_records import ProblemDialog
from desk.ui.projects.view import ProjectsPage
from desk.ui.settings import UiSettings
from tests.conftest import TODAY


@pytest.fixture
def page(qtbot, desk_app, demo: Ledger, tmp_path: Path) -> Iterator[ProjectsPage]:  # type: ignore[no-untyped-def]
    window = MainWindow(demo, UiSettings(tmp_path / "settings.ini"), lambda: TODAY)
    qtbot.addWidget(window)
    window.show()
    yield window.show_section("projects")  # type: ignore[misc]
    window.close()


def project_id(demo: Ledger, text: str) -> int:
    (found,) = demo.projects.search_ids(ProjectFilter(text=text))
    return found


def open_editor(page: ProjectsPage, demo: Ledger, text: str) -> ProjectEditor:
    return page.open_editor(demo.projects.get(project_id(demo, text)))


def save(qtbot, editor: ProjectEditor) -> None:  # type: ignore[no-untyped-def]
    assert editor.save_button.isEnabled(), editor.errors_label.text()
    with qtbot.waitSignal(editor.finished, timeout=10_000):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.result() == QDialog.DialogCode.Accepted


def test_required_name_negative_amount_and_date_order_are_shown_inline(page: ProjectsPage, demo: Ledger, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(page, demo, "中储粮")
    assert editor.save_button.isEnabled() and editor.errors_label.text() == ""
    editor.basic.name.clear()
    assert not editor.save_button.isEnabled()
    assert editor.basic.left.rows["name"].error.text() == "请填写项目名称"
    assert editor.basic.name.property("invalid") is True
    editor.basic.name.insert("中储粮东北综合产业基地（二期）")
    total = editor.investment.amounts["total_investment_wan"]
    total.clear()
    qtbot.keyClicks(total, "-5")
    assert "金额不能为负数" in editor.investment.form.rows["total_investment_wan"].error.text()
    total.clear()
    total.insert("１２万")  # full-width digits and a unit suffix are read exactly
    editor.investment.dates["start_date"].line.setText("2026-05-01")
    editor.investment.dates["completion_date"].line.setText("2026-04-30")
    assert editor.investment.form_right.rows["completion_date"].error.text() == "竣工时间不能早于开工时间"
    assert "竣工时间不能早于开工时间" in editor.errors_label.text()
    assert editor.tabs.tabBar().tabTextColor(1) == Qt.GlobalColor.red
    editor.investment.dates["completion_date"].line.setText("2026年5月31日")
    editor.investment.amounts["year_plan_wan"].setText("200000")
    assert "年度计划投资不能大于总投资" in editor.errors_label.text()
    editor.investment.amounts["year_plan_wan"].setText("3")
    editor.investment.dates["planned_start"].line.setText("2026-13-01")
    assert "计划开工时间：没有这一天：“2026-13-01”" in editor.errors_label.text()
    editor.investment.dates["planned_start"].line.clear()
    save(qtbot, editor)
    saved = demo.projects.get(project_id(demo, "二期"))
    assert saved.total_investment_wan == Decimal(12) and saved.completion_date == date(2026, 5, 31)
    assert saved.year_plan_wan == Decimal(3)
    assert page.model.ids[page.table.currentIndex().row()] == saved.id  # the table shows what was saved
    entry = demo.projects.history(saved.id)[0]  # type: ignore[arg-type]
    assert entry.changes["name"] == ["中储粮东北综合产业基地", "中储粮东北综合产业基地（二期）"]


def test_a_half_valid_project_is_never_saved(page: ProjectsPage, demo: Ledger, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(page, demo, "中储粮")
    before = demo.projects.get(editor.original.id)  # type: ignore[arg-type]
    editor.roles.edits["leader"].setText("新领导")
    editor.basic.name.clear()
    editor.save()  # Ctrl+S while something is wrong
    qtbot.wait(100)
    assert editor.isVisible() and demo.projects.get(before.id) == before  # type: ignore[arg-type]


def test_only_allowed_stages_can_be_chosen_and_each_move_is_dated(page: ProjectsPage, demo: Ledger, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(page, demo, "中储粮")  # 在建
    model = editor.basic.stage.model()
    assert isinstance(model, QStandardItemModel)
    enabled = {value for i, value in enumerate(editor.basic.stage.values()) if model.item(i).isEnabled()}
    assert enabled == {Stage.CONSTRUCTION, Stage.COMPLETED, Stage.STOPPED}
    production = model.item(list(Stage).index(Stage.PRODUCTION))
    assert production.toolTip() == "项目须先竣工，才能投产"
    assert editor.basic.stage_hint.text() == "可改为：竣工、停工"
    select(editor.basic.stage, Stage.COMPLETED)
    assert editor.basic.stage_date.text() == TODAY.isoformat()  # a move is dated today unless changed
    editor.basic.stage_date.line.setText("2001-01-01")
    assert "不能早于上一次阶段变更的日期" in editor.basic.right.rows["stage_date"].error.text()
    assert not editor.save_button.isEnabled()
    editor.basic.stage_date.line.setText("2026-11-10")
    editor.basic.stage_reason.setText("设备安装完成，试生产")
    save(qtbot, editor)
    project = demo.projects.get(editor.original.id)  # type: ignore[arg-type]
    assert project.stage == Stage.COMPLETED and project.completion_date == date(2026, 11, 10)
    last = demo.projects.stage_history(project.id)[-1]  # type: ignore[arg-type]
    assert (last.from_stage, last.to_stage, last.on_date, last.reason) == (
        Stage.CONSTRUCTION, Stage.COMPLETED, date(2026, 11, 10), "设备安装完成，试生产")
    again = page.open_editor(project)
    rows = [again.history.stages.model().index(0, c).data() for c in range(4)]
    assert rows == ["2026-11-10", "在建", "竣工", "设备安装完成，试生产"]
    assert any("项目阶段：在建 → 竣工" in again.history.audit.model().index(r, 3).data()
               for r in range(again.history.audit.model().rowCount()))
    again.reject()


def test_the_stage_dialog_refuses_a_date_before_the_last_move(page: ProjectsPage, demo: Ledger, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.projects import stage as stage_ui

    project = demo.projects.get(project_id(demo, "中储粮"))

    def answer(dialog: stage_ui.StageDialog) -> int:
        dialog.date.line.setText("1999-01-01")
        assert "不能早于上一次阶段变更的日期" in dialog.form.rows["stage_date"].error.text()
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        dialog.date.line.setText("2026-11-12")
        dialog.reason.setText("资金未到位")
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(stage_ui.StageDialog, "exec", answer)
    with qtbot.waitSignal(page.main.taskman.changed, timeout=10_000):  # type: ignore[attr-defined]
        page.move_stage(project.id, Stage.STOPPED)  # type: ignore[arg-type]
    moved = demo.projects.get(project.id)  # type: ignore[arg-type]
    assert moved.stage == Stage.STOPPED and moved.stage_date == date(2026, 11, 12)


def test_a_new_project_with_approvals_roles_and_a_problem(page: ProjectsPage, demo: Ledger, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    page.main.actions_by_name["new"].trigger()  # type: ignore[attr-defined]
    editor = page.editor
    assert editor is not None and editor.is_new and editor.windowTitle() == "新建项目"
    assert not editor.save_button.isEnabled()  # no name yet
    editor.basic.name.insert("韩家店镇光伏支架项目")
    select(editor.basic.stage, Stage.PRELIMINARY)
    editor.investment.amounts["total_investment_wan"].setText("8,000")
    editor.roles.edits["leader"].insert("王建国")
    editor.roles.edits["steward"].insert("马骏")
    status, when_row, number, _note = editor.approvals.rows[ApprovalKind.LAND]
    assert when_row.field.line.isReadOnly()  # a date only once done
    select(status, ApprovalStatus.DONE)
    when_row.field.line.setText("2026-10-08")
    number.setText("海自然资〔2026〕8号")

    def fill(dialog: ProblemDialog) -> int:
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        dialog.title_edit.insert("用地指标未落实")
        dialog.deadline.line.setText("2026-12-31")
        select(dialog.state, ProblemState.RESOLVED)
        assert dialog.form.rows["resolution"].error.text() == "办结或销号前请填写办结情况"
        dialog.resolution.insert("已协调解决")
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(ProblemDialog, "exec", fill)
    editor.problems.add()
    assert editor.problems.model.rowCount() == 1
    save(qtbot, editor)
    (new_id,) = demo.projects.search_ids(ProjectFilter(text="光伏支架"))
    project = demo.projects.get(new_id)
    assert (project.stage, project.total_investment_wan, project.leader, project.steward) == (
        Stage.PRELIMINARY, Decimal(8000), "王建国", "马骏")
    (land,) = [a for a in demo.approvals.of_project(new_id) if a.kind == ApprovalKind.LAND]
    assert (land.status, land.approved_on, land.document_no) == (ApprovalStatus.DONE, date(2026, 10, 8),
                                                                 "海自然资〔2026〕8号")
    (problem,) = demo.problems.of_project(new_id)
    assert (problem.title, problem.state, problem.closed_on) == ("用地指标未落实", ProblemState.RESOLVED, TODAY)
    assert page.model.ids[page.table.currentIndex().row()] == new_id
    again = page.open_editor(project)
    audit = again.history.audit.model()
    summaries = [audit.index(r, 2).data() for r in range(audit.rowCount())]
    assert "新增问题“用地指标未落实”" in summaries and "新增项目“韩家店镇光伏支架项目”" in summaries
    stages = again.history.stages.model()
    assert [stages.index(0, c).data() for c in range(3)] == [TODAY.isoformat(), "（建档）", "前期"]
    again.reject()


def test_month_figures_follow_and_are_checked(page: ProjectsPage, demo: Ledger, qtbot) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(page, demo, "中储粮")
    tab = editor.investment
    assert tab.month.month() == "2026-11"
    october = demo.months.get_for(editor.original.id, "2026-10")  # type: ignore[arg-type]
    assert october is not None
    month_field = tab.month_fields["invested_month_wan"]
    qtbot.keyClicks(month_field, "300")
    assert tab.month_fields["invested_ytd_wan"].value() == october.invested_ytd_wan + 300  # type: ignore[attr-defined]
    tab.month_fields["invested_ytd_wan"].setText("100")
    assert "年度累计完成投资不能小于本月完成投资" in editor.errors_label.text()
    tab.month_fields["invested_ytd_wan"].setText(str(october.invested_ytd_wan + 300))
    tab.month_fields["progress"].setText("设备安装中")
    editor.tabs.setCurrentWidget(editor.evidence)
    assert editor.evidence.recognition_box.objectName() == "recognitionPanel"
    from desk.ui.projects.recognition_plugins import RecognitionEvidence

    (panel,) = editor.evidence.recognition_box.findChildren(RecognitionEvidence)
    assert not editor.evidence.boxes[Evidence.PILING].isVisibleTo(editor.evidence)  # the panel owns the ticks
    panel.tab.panel.boxes[Evidence.EQUIPMENT_INSTALLED].click()  # ticked where the verdict is shown
    save(qtbot, editor)
    record = demo.months.get_for(editor.original.id, "2026-11")  # type: ignore[arg-type]
    assert record is not None
    assert (record.invested_month_wan, record.invested_ytd_wan, record.progress) == (
        Decimal(300), october.invested_ytd_wan + 300, "设备安装中")
    assert record.evidence == frozenset({Evidence.EQUIPMENT_INSTALLED})
    assert record.stage == Stage.CONSTRUCTION


def test_a_submitted_month_is_read_only_in_the_editor(page: ProjectsPage, demo: Ledger) -> None:
    demo.submissions.add(Submission(unit_id=demo.unit_id, month="2026-11", status=_submitted()))
    editor = open_editor(page, demo, "中储粮")
    assert not editor.investment.locked_note.isHidden()
    assert editor.investment.month_fields["invested_month_wan"].isReadOnly()
    assert not editor.evidence.boxes[Evidence.PILING].isEnabled()
    from desk.ui.projects.recognition_plugins import RecognitionEvidence

    (panel,) = editor.evidence.recognition_box.findChildren(RecognitionEvidence)
    assert not panel.tab.panel.boxes[Evidence.PILING].isEnabled()
    editor.reject()


def _submitted():  # type: ignore[no-untyped-def]
    from desk.core.glossary import SubmissionStatus

    return SubmissionStatus.SUBMITTED


def test_cancel_asks_before_throwing_changes_away(page: ProjectsPage, demo: Ledger, monkeypatch) -> None:
    asked: list[str] = []

    def ask(*args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(args[2])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", ask)
    editor = open_editor(page, demo, "中储粮")
    editor.reject()
    assert asked == [] and not editor.isVisible()  # nothing changed: closes at once
    editor = open_editor(page, demo, "中储粮")
    editor.roles.edits["steward"].setText("新管家")
    editor.reject()
    assert asked == ["项目有尚未保存的修改，确定放弃吗？"] and editor.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    editor.reject()
    assert not editor.isVisible()
    assert demo.projects.get(editor.original.id).steward != "新管家"  # type: ignore[arg-type]
