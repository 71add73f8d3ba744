"""The main window shell: opens a ledger, navigates, shows status, remembers, renders PNGs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QLabel, QPushButton

from desk.cli import main
from desk.store.ledger import Ledger
from desk.ui.mainwindow import MainWindow
from desk.ui.settings import UiSettings
from desk.ui.views import SECTIONS
from tests.conftest import TODAY


@pytest.fixture
def window(qtbot, desk_app, demo: Ledger, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = UiSettings(tmp_path / "settings.ini")
    win = MainWindow(demo, settings, lambda: TODAY)
    qtbot.addWidget(win)
    win.show()
    return win


def test_navigation_lists_every_section_in_chinese(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels == ["项目台账", "招商线索", "任务与目标", "月报报送", "统计分析", "设置"]
    for row, (key, _label) in enumerate(SECTIONS):
        window.nav.setCurrentRow(row)
        assert window.stack.currentWidget() is window.pages[key]


def test_status_bar_shows_file_unit_month_and_deadline(window: MainWindow) -> None:
    texts = [w.text() for w in window.statusBar().findChildren(QLabel)]
    joined = " ".join(texts)
    assert str(window.ledger.path) in joined
    assert "单位：海州区" in joined
    assert "报送月份：2026年11月" in joined
    assert "距截止 5 天（11月20日）" in joined


def test_menus_are_chinese_with_the_usual_shortcuts(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["文件(&F)", "编辑(&E)", "视图(&V)", "帮助(&H)"]
    shortcuts = {name: a.shortcut().toString() for name, a in window.actions_by_name.items()}
    assert shortcuts["find"] == "Ctrl+F" and shortcuts["new"] == "Ctrl+N" and shortcuts["save"] == "Ctrl+S"
    assert shortcuts["undo"] == "Ctrl+Z" and shortcuts["redo"] == "Ctrl+Y" and shortcuts["print"] == "Ctrl+P"


def test_window_size_and_section_are_remembered(qtbot, desk_app, demo: Ledger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = UiSettings(tmp_path / "s.ini")
    first = MainWindow(demo, settings, lambda: TODAY)
    qtbot.addWidget(first)
    first.resize(1300, 820)
    first.show_section("leads")
    first.close()
    second = MainWindow(demo, UiSettings(tmp_path / "s.ini"), lambda: TODAY)
    qtbot.addWidget(second)
    assert second.size().width() == 1300 and second.size().height() == 820
    assert second.nav.currentItem().text() == "招商线索"


def test_qt_dialogs_speak_chinese(desk_app) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Yes)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert {t.split("(")[0] for t in texts} == {"取消", "是"}


@pytest.mark.parametrize("view", ["projects", "settings"])
def test_screenshot_command_renders_a_png(demo_path: Path, tmp_path: Path, view: str, desk_app) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"{view}.png"
    assert main(["screenshot", "--ledger", str(demo_path), "--view", view, str(out)]) == 0
    image = QImage(str(out))
    assert image.width() >= 1280 and image.height() >= 800


def test_the_window_draws_at_a_high_dpi_scale(demo_path: Path, tmp_path: Path) -> None:
    """At 150 % (a common Windows laptop setting) the window is drawn at the fractional scale
    itself, not rounded to 100 % or 200 %."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_SCALE_FACTOR": "1.5", "QT_QPA_PLATFORM": "offscreen"}
    out = tmp_path / "hidpi.png"
    probe = ("from desk.ui.app import make_app; from PySide6.QtCore import Qt; app = make_app(); "
             "print(app.highDpiScaleFactorRoundingPolicy() == Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
    subprocess.run([sys.executable, "-m", "desk", "screenshot", "--ledger", str(demo_path), "--view", "projects",
                    str(out)], env=env, capture_output=True, check=True)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1920, 1200)
    assert image.pixelColor(40, 200) != image.pixelColor(1000, 600)  # drawn: the navigation, not blank


def test_screenshot_of_an_unknown_view_is_refused(demo_path: Path, tmp_path: Path, capsys, desk_app) -> None:  # type: ignore[no-untyped-def]
    assert main(["screenshot", "--ledger", str(demo_path), "--view", "nope", str(tmp_path / "x.png")]) == 1
    assert "没有名为“nope”的视图" in capsys.readouterr().err


def test_first_run_offers_the_demo_and_opens_it(qtbot, desk_app, monkeypatch, isolated_home: Path) -> None:  # type: ignore[no-untyped-def]
    from desk.ui import launch

    def choose_demo(dialog: launch.FirstRunDialog) -> int:
        buttons = {b.objectName(): b for b in dialog.findChildren(QPushButton)}
        assert {"firstRun_demo", "firstRun_new", "firstRun_open"} <= set(buttons)
        assert "打开演示台账" in buttons["firstRun_demo"].text()
        qtbot.mouseClick(buttons["firstRun_demo"], Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(launch.FirstRunDialog, "exec", choose_demo)
    from desk.cli import clock

    ledger = launch.choose_ledger(UiSettings(isolated_home / "s.ini"), None, clock, TODAY)
    assert ledger is not None and ledger.path == (isolated_home / launch.DEMO_NAME).resolve()
    assert ledger.count("projects") > 0
    ledger.close()


def test_new_ledger_dialog_requires_a_unit_name(qtbot, desk_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.launch import NewLedgerDialog

    dialog = NewLedgerDialog(tmp_path / "new.desk")
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.error.text() == "请填写本单位名称" and not (tmp_path / "new.desk").exists()
    dialog.unit.insert("韩家店镇")  # QTest.keyClicks types ASCII only
    dialog._accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.created is not None
    assert dialog.created.unit.name == "韩家店镇"
    dialog.created.close()
