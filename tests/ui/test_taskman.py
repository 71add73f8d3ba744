"""Ops run on the one worker thread, come back on the GUI thread, and never half-write."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from desk.core.errors import ValidationError
from desk.core.models import Project
from desk.store.ledger import Ledger
from desk.ui.taskman import Op, Progress, TaskManager
from tests.conftest import fixed_clock


@pytest.fixture
def host(qtbot, desk_app, demo: Ledger):  # type: ignore[no-untyped-def]
    widget = QWidget()
    widget.taskman = TaskManager(demo.path, fixed_clock, widget)  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    yield widget
    widget.taskman.shutdown()  # type: ignore[attr-defined]


def test_an_op_writes_on_the_worker_and_reports_on_the_gui_thread(qtbot, host: QWidget, demo: Ledger) -> None:  # type: ignore[no-untyped-def]
    threads: dict[str, str] = {}
    results: list[int] = []

    def work(ledger: Ledger) -> int:
        threads["work"] = threading.current_thread().name
        return ledger.projects.add(Project("后台新增的项目", unit_id=ledger.unit_id)).id  # type: ignore[return-value]

    def done(project_id: int) -> None:
        threads["done"] = threading.current_thread().name
        results.append(project_id)

    with qtbot.waitSignal(host.taskman.changed, timeout=5000):  # type: ignore[attr-defined]
        Op(host, work).success(done).run_in_background()
    qtbot.waitUntil(lambda: bool(results))
    assert threads["work"].startswith("desk-ledger") and threads["done"] == threading.main_thread().name
    assert demo.projects.get(results[0]).name == "后台新增的项目"  # the GUI's connection sees it


def test_a_failing_op_shows_the_chinese_message_and_writes_nothing(qtbot, host: QWidget, demo: Ledger, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    before = demo.count("projects")
    Op(host, lambda ledger: ledger.projects.add(Project(" ", unit_id=ledger.unit_id))).run_in_background()
    qtbot.waitUntil(lambda: bool(shown))
    assert "请填写项目名称" in shown[0]
    assert demo.count("projects") == before


def test_failure_callback_receives_the_error(qtbot, host: QWidget) -> None:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []
    Op(host, lambda ledger: ledger.projects.add(Project("", unit_id=1))).failure(errors.append).run_in_background()
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValidationError)


def test_slow_op_shows_progress_and_can_be_cancelled(qtbot, host: QWidget) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QProgressDialog

    started = threading.Event()
    finished: list[str] = []

    def slow(ledger: Ledger, progress: Progress) -> str:
        started.set()
        for i in range(1000):
            progress.update("正在处理", i, 1000)
            progress.check()
            threading.Event().wait(0.01)
        return "done"

    Op(host, slow, changes=False, takes_progress=True).success(finished.append) \
        .with_progress("正在处理…", cancellable=True).run_in_background()
    dialog = None

    def visible_dialog() -> bool:
        nonlocal dialog
        found = [d for d in host.findChildren(QProgressDialog) if d.isVisible()]
        dialog = found[0] if found else None
        return dialog is not None

    qtbot.waitUntil(visible_dialog, timeout=5000)
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    (button,) = dialog.findChildren(QPushButton)  # type: ignore[union-attr]
    assert button.text() == "取消"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: host.taskman.idle, timeout=5000)  # type: ignore[attr-defined]
    assert finished == []


def test_overlapping_ops_with_progress_each_finish(qtbot, host: QWidget) -> None:  # type: ignore[no-untyped-def]
    """The first op to finish must not disconnect the progress of the one queued behind it."""
    gate = threading.Event()
    done: list[str] = []
    Op(host, lambda ledger: "甲" if gate.wait(5) else "").success(done.append).with_progress("甲").run_in_background()
    Op(host, lambda ledger: "乙").success(done.append).with_progress("乙").run_in_background()
    gate.set()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=5000)
    assert done == ["甲", "乙"]


def test_an_op_on_a_damaged_ledger_says_so_plainly(qtbot, host: QWidget, demo: Ledger, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))  # the "internal error" box

    def read(ledger: Ledger) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")  # what a damaged page gives

    Op(host, read, changes=False).run_in_background()
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0].startswith("台账文件已损坏") and "backups" in shown[0]
