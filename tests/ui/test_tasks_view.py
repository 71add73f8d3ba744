"""The 任务与目标 section as a clerk uses it: the breakdown with its lights, a task typed in with
its split, hand-entered actuals, a yearly target, and problems handled to the end."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from desk.core.glossary import IndicatorKind, Light, Metric, ProblemState
from desk.core.models import Problem
from desk.store.ledger import Ledger
from desk.store.progress import report
from desk.ui.mainwindow import MainWindow
from desk.ui.settings import UiSettings
from desk.ui.views.tasks import TasksView
from tests.conftest import TODAY


@pytest.fixture
def window(qtbot, desk_app, demo: Ledger, tmp_path: Path):  # type: ignore[no-untyped-def]
    win = MainWindow(demo, UiSettings(tmp_path / "settings.ini"), lambda: TODAY)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.taskman.shutdown()


@pytest.fixture
def view(window: MainWindow) -> TasksView:
    page = window.show_section("tasks")
    assert isinstance(page, TasksView)
    return page


def tree_rows(view: TasksView) -> list[list[str]]:
    """Every line of the breakdown tree as the clerk reads it (first five columns)."""
    model = view.breakdown.model
    lines = []

    def walk(parent) -> None:  # type: ignore[no-untyped-def]
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            lines.append([str(model.index(row, c, parent).data() or "") for c in range(5)])
            walk(index)

    from PySide6.QtCore import QModelIndex

    walk(QModelIndex())
    return lines


def test_breakdown_is_grouped_as_in_the_source_with_actuals_and_lights(view: TasksView, demo: Ledger) -> None:
    lines = tree_rows(view)
    assert lines[0][0] == "一、招商引资工作任务4项"
    sections = [line[0] for line in lines if "、" in line[0] and "工作任务" in line[0]]
    assert sections == ["一、招商引资工作任务4项", "二、项目建设工作任务4项"]
    expected = report(demo, 2026)
    starts = next(t for t in expected.tasks if t.task.metric == Metric.NEW_STARTS)
    task_line = next(i for i, line in enumerate(lines) if line[0] == "1. 新开工亿元以上产业项目")
    assert lines[task_line][1:4] == [starts.show(starts.total.planned), starts.show(starts.total.actual),
                                     f"{starts.total.ratio * 100:.1f}%"]
    unit_lines = lines[task_line + 1: task_line + 1 + len(starts.rows)]
    assert [line[0] for line in unit_lines] == [r.unit_name for r in starts.rows]
    assert [line[4] for line in unit_lines] == [r.light.label for r in starts.rows]
    assert "统计截至 10月31日" in view.facts.text() and "超时未办结的问题 7 个" in view.facts.text()


def test_selecting_a_unit_lists_the_projects_counted(view: TasksView, qtbot) -> None:  # type: ignore[no-untyped-def]
    starts = next(t for t in view.report.tasks if t.task.metric == Metric.NEW_STARTS)  # type: ignore[union-attr]
    row = next(r for r in starts.rows if r.project_ids)
    view.breakdown.select(starts.task.id, row.unit_id)
    text = view.breakdown.counted.text()
    names = [p.name for p in view.ledger.projects.by_ids(list(row.project_ids))]
    assert text.startswith(f"{row.unit_name}：") and all(name in text for name in names)


def test_a_new_task_typed_with_its_split_from_the_notice_text(view: TasksView, qtbot, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(view.breakdown.buttons["new"], Qt.MouseButton.LeftButton)
    editor = view.breakdown._dialog  # type: ignore[attr-defined]
    editor.name.insert("新开工5000万元以上项目")
    editor.seq.setText("5")
    editor.indicator.setCurrentIndex(editor.indicator.findData(IndicatorKind.COUNT.value))
    editor.metric_box.setCurrentIndex(editor.metric_box.findData(Metric.NEW_STARTS.value))
    editor.split_text.insert("韩家店镇4项（其中亿元以上2项），西山街道3项；不存在的镇9项")
    editor._fill_from_text()
    assert "没有对应单位的内容" not in editor.error.text()  # the unknown piece belongs to 西山街道's line
    rows = {row[0]: row[1:] for row in editor.grid.rows}
    assert rows["韩家店镇"] == ["4", "（其中亿元以上2项）"]
    assert rows["西山街道"][0] == "3"
    editor.grid.set_cell(list(rows).index("西山街道"), 2, "")
    qtbot.mouseClick(editor.findChild(type(view.breakdown.buttons["new"]), "okButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)
    saved = next(t for t in demo.tasks.of_year(2026) if t.name == "新开工5000万元以上项目")
    assert saved.metric == Metric.NEW_STARTS and saved.seq == "5"
    lines = [(t.unit_id, t.planned, t.planned_text) for t in demo.task_targets.of_task(saved.id)]
    assert lines == [(demo.units.by_name("韩家店镇").id, Decimal(4), "（其中亿元以上2项）"),
                     (demo.units.by_name("西山街道").id, Decimal(3), "")]
    qtbot.waitUntil(lambda: any(line[0] == "5. 新开工5000万元以上项目" for line in tree_rows(view)), timeout=5000)


def test_a_task_with_a_wrong_figure_is_refused_in_the_dialog(view: TasksView, qtbot, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    before = demo.count("tasks")
    editor = view.breakdown.new_task()
    editor.name.insert("招商活动")
    editor.grid.set_cell(1, 1, "三次")
    editor.save()
    assert editor.isVisible() and "的计划指标：“三次”不是数量" in editor.error.text()
    editor.name.clear()
    editor.grid.set_cell(1, 1, "")
    editor.save()
    assert "请填写任务名称" in editor.error.text()
    assert demo.count("tasks") == before


def test_hand_entered_actuals_show_with_their_note(view: TasksView, qtbot, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    manual = next(t for t in view.report.tasks if not t.computed)  # type: ignore[union-attr]
    view.breakdown.select(manual.task.id)
    assert view.breakdown.buttons["actuals"].isEnabled()
    qtbot.mouseClick(view.breakdown.buttons["actuals"], Qt.MouseButton.LeftButton)
    dialog = view.breakdown._dialog  # type: ignore[attr-defined]
    dialog.grid.set_cell(0, 2, "２次")  # full-width digits are fine
    dialog.grid.set_cell(0, 3, "赴长三角、京津冀招商各一次")
    dialog.grid.set_cell(1, 2, "x")
    dialog.save()
    assert "西山街道的完成值" in dialog.error.text() and dialog.isVisible()
    dialog.grid.set_cell(1, 2, "")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    unit = manual.rows[0].unit_id

    def shown():  # type: ignore[no-untyped-def]
        progress = next(t for t in view.report.tasks if t.task.id == manual.task.id)  # type: ignore[union-attr]
        return progress.row_for(unit)

    qtbot.waitUntil(lambda: shown().actual == 2, timeout=5000)
    assert shown().note == "赴长三角、京津冀招商各一次"
    assert shown().light == Light.RED  # 2 of 3 (66.7%) at 83.3% of the year: more than 10 points behind
    view.breakdown.select(manual.task.id, unit)
    index = view.breakdown.tree.currentIndex()
    assert index.siblingAtColumn(2).data() == "2项" and index.siblingAtColumn(4).data() == "明显滞后"
    assert index.siblingAtColumn(9).data() == "手工填报：赴长三角、京津冀招商各一次"


def test_counted_tasks_take_no_hand_entered_actuals(view: TasksView) -> None:
    counted = next(t for t in view.report.tasks if t.computed)  # type: ignore[union-attr]
    view.breakdown.select(counted.task.id)
    assert not view.breakdown.buttons["actuals"].isEnabled()
    assert view.breakdown.enter_actuals() is None


def test_a_yearly_target_is_added_and_counted(view: TasksView, qtbot, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    view.tabs.setCurrentWidget(view.targets)
    dialog = view.targets.new_target()
    dialog.unit.setCurrentIndex(dialog.unit.findText("和平街道"))
    dialog.metric_box.setCurrentIndex(dialog.metric_box.findData(Metric.DOMESTIC_FUNDS.value))
    assert dialog.unit_hint.text() == "万元" and not dialog.threshold.isEnabled()
    dialog.value.insert("3亿")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    target = next(t for t in demo.targets.of_year(2026) if t.metric == Metric.DOMESTIC_FUNDS)
    assert target.value == Decimal(30000)
    qtbot.waitUntil(lambda: any(t.target.id == target.id for t in view.report.targets), timeout=5000)  # type: ignore[union-attr]
    shown = next(t for t in view.report.targets if t.target.id == target.id)  # type: ignore[union-attr]
    assert shown.row.actual is not None and shown.row.actual > 0
    # The same target twice is refused with the reason, in the dialog.
    again = view.targets.new_target()
    again.unit.setCurrentIndex(again.unit.findText("和平街道"))
    again.metric_box.setCurrentIndex(again.metric_box.findData(Metric.DOMESTIC_FUNDS.value))
    again.value.insert("1亿")
    again.save()
    qtbot.waitUntil(lambda: "已有“到位内资”目标" in again.error.text(), timeout=5000)


# ------------------------------------------------------------------------ problems
def status_overdue(window: MainWindow) -> str:
    label = window.status_overdue
    assert isinstance(label, QLabel)
    return label.text()


def test_overdue_problems_are_counted_in_the_status_bar_and_listed(window: MainWindow, qtbot, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    overdue = demo.problems.overdue(TODAY)
    assert len(overdue) == 7 and "超时问题 7 个" in status_overdue(window)
    window.status_overdue.linkActivated.emit("#")
    page = window.pages["tasks"]
    assert isinstance(page, TasksView)
    assert page.tabs.currentWidget() is page.problems
    assert [p.id for p in page.problems.model.items] == [p.id for p in overdue]
    column = page.problems.model.HEADERS.index("时限")
    assert page.problems.model.index(0, column).data().startswith("已超时")


def test_closing_a_problem_needs_a_resolution_and_is_kept_in_its_history(window: MainWindow, qtbot, demo: Ledger, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    view = window.show_section("tasks")
    assert isinstance(view, TasksView)
    page = view.problems
    view.show_overdue()
    first = page.model.items[0]
    page.select(first.id)
    assert page.buttons["resolve"].isEnabled() and not page.buttons["close"].isEnabled()
    # Progress first: 待办 becomes 办理中.
    note = page.add_progress()
    note.text.setPlainText("已召开协调会，供电公司承诺月底前接入")
    note.save()
    qtbot.waitUntil(lambda: not note.isVisible(), timeout=5000)
    assert demo.problems.get(first.id).state == ProblemState.IN_PROGRESS
    qtbot.waitUntil(lambda: page.current() is not None and page.current().state == ProblemState.IN_PROGRESS,
                    timeout=5000)
    dialog = page.resolve()
    dialog.save()
    assert dialog.isVisible() and dialog.error.text() == "办结或销号前请填写办结情况"
    dialog.resolution.setPlainText("供电线路已接入，企业已通电")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert demo.problems.get(first.id).state == ProblemState.RESOLVED
    qtbot.waitUntil(lambda: "超时问题 6 个" in status_overdue(window), timeout=5000)
    qtbot.waitUntil(lambda: first.id not in [p.id for p in page.model.items], timeout=5000)  # off the overdue list
    # Strike it off from the 已办结待销号 list.
    page.show_filter("resolved")
    page.select(first.id)
    assert page.buttons["close"].isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.strike_off()
    qtbot.waitUntil(lambda: any(p.id == first.id and p.state == ProblemState.CLOSED for p in page.all), timeout=5000)
    page.show_filter("all")
    page.select(first.id)
    assert not page.buttons["edit"].isEnabled() and page.buttons["history"].isEnabled()
    history = page.show_history()
    summaries = [history.model.index(r, 2).data() for r in range(history.model.rowCount())]
    assert summaries[-3:] == [
        "办理进展：已召开协调会，供电公司承诺月底前接入",
        f"问题“{first.title}”办结：办理中 → 已办结",
        f"问题“{first.title}”销号：已办结 → 已销号",
    ]
    changes = history.model.index(history.model.rowCount() - 2, 3).data()
    assert "状态：办理中 → 已办结" in changes and "办结情况：（空） → 供电线路已接入，企业已通电" in changes


def test_a_new_problem_about_a_project_with_a_deadline(view: TasksView, qtbot, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    view.tabs.setCurrentWidget(view.problems)
    editor = view.problems.new_problem()
    editor.save()
    assert "请填写问题" in editor.error.text()
    editor.title.insert("施工用水未接通")
    editor.about_project.setChecked(True)
    project = demo.projects.all()[3]
    editor.project.setCurrentText(project.name)
    editor.owner_unit.setCurrentText("区水务局")
    editor.leader.setCurrentText("王建国")
    editor.deadline.set_value(TODAY - timedelta(days=1))
    editor.save()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)
    saved = demo.problems.where("title = ?", ("施工用水未接通",))[0]
    assert (saved.project_id, saved.owner_unit, saved.leader, saved.state) == (
        project.id, "区水务局", "王建国", ProblemState.OPEN)
    assert saved.is_overdue(TODAY)
    window = view.window_
    qtbot.waitUntil(lambda: "超时问题 8 个" in status_overdue(window), timeout=5000)  # type: ignore[arg-type]


def test_a_resolved_problem_sent_back(view: TasksView, qtbot, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    problem = demo.problems.add(Problem("征地拆迁未完成", owner_unit="区征收办", deadline=TODAY + timedelta(days=9),
                                        state=ProblemState.RESOLVED, resolution="已完成拆迁"))
    page = view.problems
    page.refresh()
    page.show_filter("resolved")
    page.select(problem.id)  # type: ignore[arg-type]
    dialog = page.reopen()
    dialog.save()
    assert dialog.error.text() == "请填写内容"
    dialog.text.setPlainText("仍有两户未签协议")
    dialog.save()
    qtbot.waitUntil(lambda: demo.problems.get(problem.id).state == ProblemState.IN_PROGRESS, timeout=5000)
    assert demo.problems.history(problem.id)[0].summary.endswith("退回重办：已办结 → 办理中（仍有两户未签协议）")


# ------------------------------------------------------------------------ sheets
def test_task_sheet_exported_from_the_window(view: TasksView, qtbot, demo: Ledger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    starts = next(t for t in view.report.tasks if t.task.metric == Metric.NEW_STARTS)  # type: ignore[union-attr]
    unit = demo.units.by_name("西山街道").id
    view.breakdown.select(starts.task.id, unit)
    dialog = view.breakdown.open_sheets()
    assert dialog.unit.currentText() == "西山街道"  # the selected unit's sheet
    dialog.export(tmp_path / "西山街道任务单.xlsx")
    qtbot.waitUntil(lambda: "已导出" in dialog.outcome.text(), timeout=5000)
    ws = openpyxl.load_workbook(tmp_path / "西山街道任务单.xlsx").active
    assert ws["A1"].value == "西山街道2026年招商引资及项目建设工作任务单"
    dialog.all_units.setChecked(True)
    dialog.with_progress.setChecked(True)
    dialog.export(tmp_path / "分解表.pdf")
    qtbot.waitUntil(lambda: "分解表.pdf" in dialog.outcome.text(), timeout=5000)
    assert (tmp_path / "分解表.pdf").read_bytes().startswith(b"%PDF")
    # A folder that does not exist: said in the dialog, nothing written.
    dialog.export(tmp_path / "没有这个文件夹" / "x.pdf")
    qtbot.waitUntil(lambda: "文件夹不存在" in dialog.error.text(), timeout=5000)


def test_print_preview_prints_the_same_content(view: TasksView, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    import subprocess

    from PySide6.QtPrintSupport import QPrinter

    from desk.ui.printing import make_printer, paint

    dialog = view.breakdown.open_sheets()
    dialog.unit.setCurrentIndex(dialog.unit.findText("韩家店镇"))
    preview = dialog.preview()
    qtbot.addWidget(preview)
    assert preview.windowTitle() == "打印预览 — 韩家店镇2026年招商引资及项目建设工作任务单"
    book = dialog.book()
    printer = make_printer(book)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert paint(book, printer) == 1
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "printed.pdf"), "-"], capture_output=True, text=True).stdout
        text = text.replace(" ", "")
        funds = next(t for t in view.report.tasks if t.task.metric == Metric.DOMESTIC_FUNDS)  # type: ignore[union-attr]
        actual = funds.show(funds.row_for(view.ledger.units.by_name("韩家店镇").id).actual)  # type: ignore[union-attr, arg-type]
        for expected in ("韩家店镇2026年招商引资及项目建设工作任务单", "招商引资到位资金", actual, "签收日期", "第1页共1页"):
            assert expected in text


@pytest.mark.parametrize("shot", ["task-editor", "task-problems", "task-sheet", "task-print-preview"])
def test_registered_screenshots_render(demo_path: Path, tmp_path: Path, desk_app, shot: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage

    from desk.cli import main

    out = tmp_path / f"{shot}.png"
    assert main(["screenshot", "--ledger", str(demo_path), "--view", shot, str(out)]) == 0
    assert QImage(str(out)).width() > 300


def test_a_big_ledger_is_counted_in_the_background(qtbot, desk_app, demo: Ledger, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.views import tasks as tasks_module

    monkeypatch.setattr(tasks_module, "SYNC_PROJECTS", 0)
    win = MainWindow(demo, UiSettings(tmp_path / "s.ini"), lambda: TODAY)
    qtbot.addWidget(win)
    win.show()
    page = win.show_section("tasks")
    assert isinstance(page, TasksView)
    qtbot.waitUntil(lambda: page.report is not None, timeout=10000)
    assert page.report.through == "2026-10" and len(tree_rows(page)) > 8  # type: ignore[union-attr]
    # Choosing another month counts again; only the latest answer is shown.
    page.through_box.setCurrentIndex(2)
    page.through_box.setCurrentIndex(5)
    qtbot.waitUntil(lambda: page.report.through == "2026-06", timeout=10000)  # type: ignore[union-attr]
    qtbot.wait(200)
    assert page.report.through == "2026-06"  # type: ignore[union-attr]
    win.taskman.shutdown()


def test_changes_made_elsewhere_are_counted_when_the_page_is_shown_again(window: MainWindow, view: TasksView, qtbot, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.taskman import Op

    window.show_section("projects")
    before = view.report
    starts = next(t for t in before.tasks if t.task.metric == Metric.LEADER_HELPED)  # type: ignore[union-attr]
    unit = starts.rows[0].unit_id
    project = next(p for p in demo.projects.all() if p.unit_id == unit and not p.archived
                   and "leader_helped" in {f.value for f in p.flags})
    done: list[object] = []
    Op(window, lambda ledger: ledger.projects.archive(project.id)).success(done.append).run_in_background()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    qtbot.wait(50)
    assert view.report is before  # not recounted while hidden
    window.show_section("tasks")
    qtbot.waitUntil(lambda: view.report is not before, timeout=5000)
    after = next(t for t in view.report.tasks if t.task.id == starts.task.id)  # type: ignore[union-attr]
    assert after.row_for(unit).actual == starts.rows[0].actual - 1  # type: ignore[union-attr, operator]
