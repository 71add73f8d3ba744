"""文件 → 导入表格…: the clerk picks a file, corrects a column, checks, and imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desk.core.glossary import Stage
from desk.store.ledger import Ledger
from desk.store.projects import ProjectFilter
from desk.ui.importer import ImportDialog
from desk.ui.mainwindow import MainWindow
from desk.ui.settings import UiSettings
from tests.conftest import TODAY
from tests.sheets.books import project_row, simple_book, two_row_book


@pytest.fixture
def window(qtbot, desk_app, demo: Ledger, tmp_path: Path):  # type: ignore[no-untyped-def]
    win = MainWindow(demo, UiSettings(tmp_path / "settings.ini"), lambda: TODAY)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.taskman.shutdown()


def open_dialog(qtbot, window: MainWindow, path: Path, monkeypatch) -> ImportDialog:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    file_menu = window.menuBar().actions()[0].menu()
    action = next(a for a in file_menu.actions() if a.text() == "导入表格(&I)…")
    action.trigger()
    qtbot.waitUntil(lambda: bool(window.findChildren(ImportDialog)), timeout=10_000)
    dialog = window.findChildren(ImportDialog)[0]
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def cell_texts(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_map_check_and_import_from_the_file_menu(qtbot, window: MainWindow, demo: Ledger, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 monkeypatch) -> None:
    # A sheet with unusual headings: "名目" is the name, and "钱数" is the total in 亿元 per the cell.
    path = simple_book(tmp_path / "清单.xlsx", ["序号", "名目", "钱数", "状况", "开工时间"], [
        [1, "韩家店镇冷链仓储中心", "1.2亿", "续建", "2025-04-18"],
        [2, "韩家店镇食用菌产业园", "5000", "新建", "2026年3月"],
    ])
    dialog = open_dialog(qtbot, window, path, monkeypatch)
    assert dialog.file_label.text().startswith(str(path))
    assert "项目名称" in dialog.status.text()  # nothing could be read as the name
    assert not dialog.check_button.isEnabled()

    dialog.set_field(1, "name")
    dialog.set_field(2, "total_investment_wan")
    dialog.set_field(3, "stage")
    headers = [dialog.preview.horizontalHeaderItem(c).text() for c in range(dialog.preview.columnCount())]
    assert headers == ["项目名称", "总投资(万元)", "项目阶段", "开工时间"]
    assert cell_texts(dialog.preview) == [["韩家店镇冷链仓储中心", "12,000", "在建", "2025-04-18"],
                                          ["韩家店镇食用菌产业园", "5,000", "新开工", "2026-03-01"]]
    assert dialog.check_button.isEnabled() and not dialog.import_button.isEnabled()

    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=10_000)
    report = dialog.report.toPlainText()
    assert "将新建 2 条" in report and "第 2 行 新建：韩家店镇冷链仓储中心" in report
    assert demo.projects.by_name("韩家店镇冷链仓储中心") == []  # checking writes nothing

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: shown.append(text))
    before = demo.count("projects")
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "新建 2 条" in shown[0] and "备份" in shown[0]
    assert demo.count("projects") == before + 2
    assert demo.projects.by_name("韩家店镇冷链仓储中心")[0].stage == Stage.CONSTRUCTION

    # The confirmed mapping comes back for the next file with the same heading.
    again = simple_book(tmp_path / "清单2.xlsx", ["序号", "名目", "钱数", "状况", "开工时间"], [
        [1, "韩家店镇玛瑙文化园", "800", "前期", ""]])
    from desk.ui.importer import open_file

    loaded: list = []
    open_file(window, again, on_loaded=lambda table, remembered: loaded.append(remembered))
    qtbot.waitUntil(lambda: bool(loaded), timeout=10_000)
    assert loaded[0] is not None and loaded[0].fields == {1: "name", 2: "total_investment_wan", 3: "stage",
                                                          4: "start_date"}


def test_cancel_during_the_import_leaves_the_ledger_as_it_was(qtbot, window: MainWindow, demo: Ledger,  # type: ignore[no-untyped-def]
                                                              tmp_path: Path, monkeypatch) -> None:
    from desk.cli import main
    from desk.ui.taskman import Progress

    count = 600  # updates are written and reported in blocks of 200
    first = two_row_book(tmp_path / "十月.xlsx", [project_row(i) for i in range(1, count + 1)])
    assert main(["import", str(first), "--ledger", str(demo.path)]) == 0
    before = {p.name: p.total_investment_wan for p in demo.projects.by_ids(demo.projects.search_ids(ProjectFilter(text="标准厂房")))}
    assert len(before) == count
    again = two_row_book(tmp_path / "十一月.xlsx", [project_row(i, total=50000 + i) for i in range(1, count + 1)])
    dialog = open_dialog(qtbot, window, again, monkeypatch)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=20_000)
    assert f"将更新 {count} 条" in dialog.report.toPlainText()
    update = Progress.update

    def clerk_presses_cancel_while_writing(self: Progress, label: str = "", done: int = 0, total: int = 0) -> None:
        if label == "正在写入台账…" and done >= 200:
            self.cancel()  # what 取消 in the progress dialog does, with 200 rows already written
        update(self, label, done, total)

    monkeypatch.setattr(Progress, "update", clerk_presses_cancel_while_writing)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text() == "已取消导入，台账保持原样。", timeout=20_000)
    after = {p.name: p.total_investment_wan for p in demo.projects.by_ids(demo.projects.search_ids(ProjectFilter(text="标准厂房")))}
    assert after == before and dialog.import_button.isEnabled()  # the 200 written were rolled back


def test_problems_are_listed_per_row_and_block_the_import(qtbot, window: MainWindow, demo: Ledger,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path, monkeypatch) -> None:
    path = two_row_book(tmp_path / "调度表.xlsx", [project_row(1), project_row(2, stage="快开工了", total="-5")])
    dialog = open_dialog(qtbot, window, path, monkeypatch)
    assert dialog.month_edit.isVisible() and dialog.month_edit.text() == "2026-10"
    stage_col = [dialog.preview.horizontalHeaderItem(c).text() for c in range(dialog.preview.columnCount())].index(
        "项目阶段")
    bad = dialog.preview.item(1, stage_col)
    assert "不是可识别的项目阶段" in bad.text() and bad.foreground().color().name() == "#b3261e"
    before = demo.count("projects")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "处问题" in dialog.report.toPlainText(), timeout=10_000)
    report = dialog.report.toPlainText()
    assert "第 6 行 F列“项目阶段”：“快开工了”不是可识别的项目阶段" in report
    assert "第 6 行 G列“投资情况/总投资（万元）”：金额不能为负数" in report
    assert not dialog.import_button.isEnabled()
    assert demo.count("projects") == before

    # Choosing "不导入" for the wrong columns leaves only good data; the import goes through.
    for column in (5, 6):
        dialog.set_field(column, "")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=10_000)
    assert "检查通过" in dialog.status.text()


def test_sheets_are_listed_with_their_size(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = two_row_book(tmp_path / "多表.xlsx", [project_row(1)], extra_sheets=[("旧表", True)])
    dialog = open_dialog(qtbot, window, path, monkeypatch)
    items = [dialog.sheet_combo.itemText(i) for i in range(dialog.sheet_combo.count())]
    assert items == ["项目台账（8 行 × 15 列）", "旧表（1 行 × 1 列，隐藏）"]


def test_a_file_that_is_not_a_spreadsheet_says_why(qtbot, window: MainWindow, demo: Ledger, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                   monkeypatch) -> None:
    fake = tmp_path / "台账.xlsx"
    fake.write_bytes(b"%PDF-1.7\n" + b"\0" * 100)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(fake), ""))
    window.import_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "不是表格文件（看起来是PDF 文件）" in shown[0]
    assert not window.findChildren(ImportDialog)
