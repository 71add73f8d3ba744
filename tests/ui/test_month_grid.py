"""本月填报: keyboard entry, paste from Excel (good and bad), fill-down, undo/redo, one save."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from desk.core.glossary import ACTIVE_STAGES, Evidence, Stage, SubmissionStatus
from desk.core.models import Submission
from desk.store.ledger import Ledger
from desk.ui.mainwindow import MainWindow
from desk.ui.projects.grid import GridView, MonthGrid
from desk.ui.projects.grid_columns import COLUMN_INDEX
from desk.ui.projects.grid_model import NOT_UPDATED_BG, MonthGridModel
from desk.ui.projects.view import ProjectsPage
from desk.ui.settings import UiSettings
from tests.conftest import TODAY

MONTH = COLUMN_INDEX["invested_month_wan"]
YTD = COLUMN_INDEX["invested_ytd_wan"]
PROGRESS = COLUMN_INDEX["progress"]
STAGE = COLUMN_INDEX["stage"]
PILING = COLUMN_INDEX["evidence:piling"]
IN_STATS = COLUMN_INDEX["in_statistics"]


def open_grid(qtbot, window: MainWindow) -> tuple[ProjectsPage, MonthGrid]:  # type: ignore[no-untyped-def]
    page: ProjectsPage = window.show_section("projects")  # type: ignore[assignment]
    page.tabs.setCurrentIndex(1)
    grid = page.ensure_grid()
    qtbot.waitUntil(lambda: grid.model is not None and not grid.loading, timeout=10_000)
    return page, grid


@pytest.fixture
def window(qtbot, desk_app, demo: Ledger, tmp_path: Path, monkeypatch) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    # Not qtbot.addWidget: pytest-qt would close it before this fixture could tidy up.
    win = MainWindow(demo, UiSettings(tmp_path / "settings.ini"), lambda: TODAY)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    qtbot.waitUntil(lambda: win.taskman.idle, timeout=10_000)
    monkeypatch.setattr(MonthGrid, "confirm_discard", lambda self, after=None: True)  # tests leave rows unsaved
    win.close()
    win.deleteLater()


def type_keys(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type as the clerk does: each key goes to whatever has the focus (the cell editor once open)."""
    for ch in text:
        qtbot.keyClick(QApplication.focusWidget(), ch)


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)
    # Qt commits a cell on Enter through a queued call: let the event loop run it.
    view = QApplication.focusWidget()
    while view is not None and not isinstance(view, GridView):
        view = view.parentWidget()
    if view is not None:
        qtbot.waitUntil(lambda: view.state() != GridView.State.EditingState, timeout=2000)


@pytest.fixture
def grid(qtbot, window: MainWindow) -> MonthGrid:  # type: ignore[no-untyped-def]
    return open_grid(qtbot, window)[1]


def model_of(grid: MonthGrid) -> MonthGridModel:
    assert grid.model is not None
    return grid.model


def select_cell(grid: MonthGrid, row: int, column: int) -> None:
    """Like a click on the cell: it becomes the current cell and the whole selection."""
    grid.view.setFocus()
    grid.view.selectionModel().setCurrentIndex(
        model_of(grid).index(row, column), QItemSelectionModel.SelectionFlag.ClearAndSelect)


def save_and_wait(qtbot, grid: MonthGrid) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(grid.loaded, timeout=10_000):
        assert grid.save()


def test_rows_are_the_active_projects_and_unupdated_ones_are_marked(grid: MonthGrid, demo: Ledger, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = model_of(grid)
    qtmodeltester.check(model)
    active = [p for p in demo.projects.all() if p.stage in ACTIVE_STAGES and not p.archived]
    expected = {p.id for p in active if not (p.stage == Stage.COMPLETED and p.stage_date and str(p.stage_date) < "2026-11")}
    assert {r.id for r in model.all_rows} == expected
    first = model.index(0, COLUMN_INDEX["status"])
    assert first.data() == "未填报" and first.data(Qt.ItemDataRole.BackgroundRole) == NOT_UPDATED_BG
    assert f"应填报 {len(expected)} 个项目，已填报 0，未填报 {len(expected)}" in grid.counts.text()


def test_keyboard_entry_like_a_spreadsheet(grid: MonthGrid, qtbot, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    model = model_of(grid)
    row = model.rows[0]
    previous_ytd = row.previous.invested_ytd_wan if row.previous and row.previous.month[:4] == "2026" else 0
    select_cell(grid, 0, MONTH)
    type_keys(qtbot, "250")
    press(qtbot, Qt.Key.Key_Return)
    assert model.index(0, MONTH).data() == "250.00"
    assert model.index(0, YTD).data() == f"{previous_ytd + 250:,.2f}"  # 年度累计 follows
    assert model.index(0, COLUMN_INDEX["status"]).data() == "已修改"
    assert grid.view.currentIndex().row() == 1 and grid.view.currentIndex().column() == MONTH  # Enter went down
    type_keys(qtbot, "80")
    press(qtbot, Qt.Key.Key_Tab)
    assert model.index(1, MONTH).data() == "80.00"
    assert grid.view.currentIndex().row() == 1 and grid.view.currentIndex().column() == YTD  # Tab went right
    select_cell(grid, 1, PILING)
    press(qtbot, Qt.Key.Key_Space)
    assert model.index(1, PILING).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    select_cell(grid, 2, MONTH)
    type_keys(qtbot, "abc")
    press(qtbot, Qt.Key.Key_Return)
    assert "第 3 行" in grid.message.text() and "“abc”不是金额" in grid.message.text()
    assert model.rows[2].draft is None
    assert model.undo_stack.count() == 3


def test_a_good_paste_is_normalised_and_undone_as_one_step(grid: MonthGrid, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = model_of(grid)
    select_cell(grid, 0, MONTH)
    block = "１２３\t\t基础施工\t√\r\n1.2亿\t\t主体封顶\t\r\n5000万\t\t\"设备进场,\n调试中\"\t是\r\n"
    QGuiApplication.clipboard().setText(block)
    qtbot.keyClick(grid.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert [model.index(r, MONTH).data() for r in range(3)] == ["123.00", "12,000.00", "5,000.00"]
    assert model.rows[2].draft.progress == "设备进场,\n调试中"  # type: ignore[union-attr]
    assert [model.rows[r].draft.evidence for r in range(3)] == [  # type: ignore[union-attr]
        frozenset({Evidence.PILING}), frozenset(), frozenset({Evidence.PILING})]
    assert model.undo_stack.count() == 1 and model.changed_count() == 3
    assert grid.window().actions_by_name["undo"].isEnabled()  # type: ignore[attr-defined]
    grid.window().actions_by_name["undo"].trigger()  # type: ignore[attr-defined]  # Ctrl+Z
    assert model.changed_count() == 0 and model.index(0, MONTH).data() == ""
    assert grid.window().actions_by_name["redo"].isEnabled()  # type: ignore[attr-defined]
    grid.window().actions_by_name["redo"].trigger()  # type: ignore[attr-defined]  # Ctrl+Y
    assert model.changed_count() == 3 and model.index(1, MONTH).data() == "12,000.00"


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("100\t\t施工\n十万\t\t施工\n", "第 2 行（{name1}）“本月完成(万元)”列：“十万”不是金额"),
        ("100\t\t施工\n-5\t\t施工\n", "第 2 行（{name1}）“本月完成(万元)”列：金额不能为负数"),
        ("100\t\t施工\n\n300\t\t施工\n", "粘贴内容的第 2 行是空行"),
        ("100\t施工\n200\t\t施工\n", "第 2 行有 3 列，第 1 行有 2 列"),
        ("1" + "\t1" * 20 + "\n", "粘贴的内容有 21 列，从“本月完成(万元)”列起只有 13 列可以填写"),
        ("100\t\t施工\t可能\n", "第 1 行（{name0}）“打桩”列：“可能”不是“是/否”"),
    ],
)
def test_a_bad_paste_is_refused_whole_naming_the_cell(grid: MonthGrid, block: str, message: str) -> None:
    model = model_of(grid)
    select_cell(grid, 0, MONTH)
    assert not grid.paste_text(block)
    expected = message.format(name0=model.rows[0].project.name, name1=model.rows[1].project.name)
    assert expected in grid.message.text()
    assert model.changed_count() == 0 and model.undo_stack.count() == 0  # nothing partly applied


def test_blanks_do_not_mark_a_row_not_yet_filled_in_as_updated(grid: MonthGrid, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = model_of(grid)
    fresh = [i for i, r in enumerate(model.rows) if r.saved is None][:3]
    assert len(fresh) == 3 and fresh == list(range(fresh[0], fresh[0] + 3))
    select_cell(grid, fresh[0], MONTH)
    assert grid.paste_text("\t\t\n\t\t\n")  # empty rows as Excel copies them: tabs only
    assert grid.paste_text("1\n\n3\n")  # one column with a blank cell in the middle
    assert [model.index(r, COLUMN_INDEX["status"]).data() for r in fresh] == ["已修改", "未填报", "已修改"]
    assert model.rows[fresh[1]].draft is None and model.changed_count() == 2
    select_cell(grid, fresh[1], PROGRESS)
    qtbot.keyClick(grid.view, Qt.Key.Key_Delete)
    assert model.rows[fresh[1]].draft is None  # Delete on a fresh row leaves it as it was
    select_cell(grid, fresh[0], MONTH)
    assert grid.paste_text("\t\t\n")  # over a row that has figures, a blank still clears
    assert model.rows[fresh[0]].draft.invested_month_wan == 0  # type: ignore[union-attr]


def test_a_paste_past_the_last_row_or_over_other_units_is_refused(grid: MonthGrid) -> None:
    model = model_of(grid)
    assert grid.view.isColumnHidden(COLUMN_INDEX["name"])  # the name is the frozen row header
    assert model.headerData(0, Qt.Orientation.Vertical).endswith(model.rows[0].project.name[:13])
    last = model.rowCount() - 1
    select_cell(grid, last, MONTH)
    assert not grid.paste_text("1\n2\n")
    assert f"粘贴的内容有 2 行，从第 {last + 1} 行起只有 1 行" in grid.message.text()
    unit = COLUMN_INDEX["unit"]
    other = next(r.unit_name for r in model.rows if r.unit_name != model.rows[0].unit_name)
    select_cell(grid, 0, unit)
    assert not grid.paste_text(f"{other}\t\t\t5\n")
    assert f"粘贴的是“{other}”，这一行是“{model.rows[0].unit_name}”" in grid.message.text()
    same = "\n".join(f"{model.rows[r].unit_name}\t\t\t{r + 1}" for r in range(2))
    assert grid.paste_text(same + "\n")  # read-only cells that match are only a check
    assert [model.rows[r].draft.invested_month_wan for r in range(2)] == [1, 2]  # type: ignore[union-attr]


def test_an_impossible_stage_is_refused_with_the_reason(grid: MonthGrid) -> None:
    model = model_of(grid)
    row = next(i for i, r in enumerate(model.rows) if r.from_stage() == Stage.CONSTRUCTION)
    select_cell(grid, row, STAGE)
    assert not grid.paste_text("投产\n")
    assert "项目须先竣工，才能投产" in grid.message.text()
    assert grid.paste_text("竣工\n")
    assert model.rows[row].draft.stage == Stage.COMPLETED  # type: ignore[union-attr]


def test_fill_down_and_clear(grid: MonthGrid, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = model_of(grid)
    select_cell(grid, 0, PROGRESS)
    assert grid.paste_text("主体施工中\n")
    selection = QItemSelection(model.index(0, PROGRESS), model.index(3, IN_STATS))
    grid.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(grid.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert [model.index(r, PROGRESS).data() for r in range(4)] == ["主体施工中"] * 4
    assert model.undo_stack.count() == 2
    qtbot.keyClick(grid.view, Qt.Key.Key_Delete)
    assert [model.index(r, PROGRESS).data() for r in range(4)] == [""] * 4
    model.undo_stack.undo()
    assert model.index(3, PROGRESS).data() == "主体施工中"
    copied = grid.copy_selection()
    assert copied.splitlines()[0].startswith("主体施工中\t")


def test_save_writes_every_changed_row_in_one_action_and_moves_stages(grid: MonthGrid, qtbot, demo: Ledger, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    model = model_of(grid)
    row = next(i for i, r in enumerate(model.rows) if r.project.stage == Stage.CONSTRUCTION)
    project_id = model.rows[row].id
    select_cell(grid, row, STAGE)
    assert grid.paste_text("竣工\t88\t\t已竣工，设备安装完成，进入试生产\n")
    select_cell(grid, 0 if row else 1, MONTH)
    assert grid.paste_text("12.5\n")
    audit_before = demo.count("audit_log")
    with qtbot.waitSignal(grid.loaded, timeout=10_000):
        window.actions_by_name["save"].trigger()  # Ctrl+S
    record = demo.months.get_for(project_id, "2026-11")
    assert record is not None and record.stage == Stage.COMPLETED and record.invested_month_wan == Decimal(88)
    project = demo.projects.get(project_id)
    assert project.stage == Stage.COMPLETED and project.stage_date == TODAY
    assert demo.projects.stage_history(project_id)[-1].reason == "2026年11月填报"
    assert demo.months.count("month = ?", ("2026-11",)) == 2
    assert demo.count("audit_log") > audit_before
    fresh = model_of(grid)
    assert fresh.changed_count() == 0 and fresh.undo_stack.count() == 0
    assert "已填报 2" in grid.counts.text()
    assert "已保存2026年11月填报：2 个项目" in window.statusBar().currentMessage()


def test_a_refused_save_changes_nothing(grid: MonthGrid, qtbot, demo: Ledger, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.projects import grid as grid_module

    model = model_of(grid)
    select_cell(grid, 0, MONTH)
    assert grid.paste_text("10\n20\n")
    shown: list[str] = []
    monkeypatch.setattr(grid_module, "show_error", lambda parent, error, title: shown.append(str(error)))
    demo.submissions.add(Submission(unit_id=demo.unit_id, month="2026-11", status=SubmissionStatus.SUBMITTED))
    grid.save()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "2026年11月已报送，数据已锁定" in shown[0]
    assert demo.months.count("month = ?", ("2026-11",)) == 0
    assert model.changed_count() == 2  # the clerk's rows are still there


def test_a_submitted_month_is_read_only(qtbot, window: MainWindow, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    demo.submissions.add(Submission(unit_id=demo.unit_id, month="2026-10", status=SubmissionStatus.SUBMITTED))
    page, grid = open_grid(qtbot, window)
    with qtbot.waitSignal(grid.loaded, timeout=10_000):
        page.month_box.setCurrentIndex(page.month_box.findData("2026-10"))
    model = model_of(grid)
    assert model.locked and not grid.banner.isHidden()
    assert "2026年10月已报送，数据已锁定" in grid.banner.text()
    assert not model.flags(model.index(0, MONTH)) & Qt.ItemFlag.ItemIsEditable
    select_cell(grid, 0, MONTH)
    assert not grid.paste_text("1\n")
    assert "2026年10月已报送，数据已锁定" in grid.message.text()


def test_grid_column_widths_are_remembered(qtbot, desk_app, demo: Ledger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "grid.ini"
    first = MainWindow(demo, UiSettings(path), lambda: TODAY)
    qtbot.addWidget(first)
    _page, grid = open_grid(qtbot, first)
    grid.view.setColumnWidth(PROGRESS, 321)
    first.close()
    second = MainWindow(demo, UiSettings(path), lambda: TODAY)
    qtbot.addWidget(second)
    page = second.show_section("projects")
    assert page.tabs.currentIndex() == 1  # type: ignore[attr-defined]  # the grid tab was open
    grid2 = page.ensure_grid()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: grid2.model is not None, timeout=10_000)
    assert grid2.view.columnWidth(PROGRESS) == 321
    second.close()


def test_choosing_another_month_with_unsaved_rows_asks_first(qtbot, window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    page, grid = open_grid(qtbot, window)
    select_cell(grid, 0, MONTH)
    assert grid.paste_text("42\n")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked: list[str] = []

    def question(parent, title, text, *rest):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    october = page.month_box.findData("2026-10")
    page.month_box.setCurrentIndex(october)
    assert asked == ["2026年11月填报有 1 个项目修改后尚未保存。"]
    assert page.month == "2026-11" and page.month_box.currentData() == "2026-11"
    assert model_of(grid).changed_count() == 1  # Cancel kept the row
    with qtbot.waitSignal(grid.loaded, timeout=10_000):
        page.month_box.setCurrentIndex(october)  # Discard
    assert page.month == "2026-10" and model_of(grid).month == "2026-10" and model_of(grid).changed_count() == 0


def test_print_shows_the_grid_as_a_table(grid: MonthGrid, window: MainWindow) -> None:
    select_cell(grid, 0, MONTH)
    assert grid.paste_text("77\n")
    page: ProjectsPage = window.pages["projects"]  # type: ignore[assignment]
    html = page.print_html()
    assert html is not None
    assert "海州区2026年11月项目填报表" in html and "<th>本月完成(万元)</th>" in html
    assert f"<td>{model_of(grid).rows[0].project.name}</td>" in html and ">77.00</td>" in html


def test_closing_with_unsaved_rows_can_save_them_first(qtbot, window: MainWindow, demo: Ledger, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _page, grid = open_grid(qtbot, window)
    select_cell(grid, 0, MONTH)
    assert grid.paste_text("66\n")
    project_id = model_of(grid).rows[0].id
    asked: list[str] = []

    def question(parent, title, text, *rest):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Save

    monkeypatch.setattr(QMessageBox, "question", question)
    assert not window.close()  # not yet: the rows are being saved
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)  # then it closes by itself
    assert len(asked) == 1
    record = demo.months.get_for(project_id, "2026-11")
    assert record is not None and record.invested_month_wan == Decimal(66)
