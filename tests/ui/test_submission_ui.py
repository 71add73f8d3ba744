"""月报报送 as a clerk uses it: read the checklist, create the certificate, sign, correct, verify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desk.exchange.submission.verify import verify
from desk.store.ledger import Ledger
from desk.ui.mainwindow import MainWindow
from desk.ui.settings import UiSettings
from desk.ui.views import submission_dialogs
from desk.ui.views.submission import SubmissionView
from tests.conftest import TODAY


def reported_projects(ledger: Ledger) -> int:
    """Projects the October schedule lists, counted straight from the ledger."""
    return ledger.count("project_months m JOIN projects p ON p.id = m.project_id",
                        "m.month = '2026-10' AND p.archived = 0")

PASSPHRASE = "韩家店2026"


@pytest.fixture
def window(qtbot, desk_app, demo: Ledger, tmp_path: Path):  # type: ignore[no-untyped-def]
    win = MainWindow(demo, UiSettings(tmp_path / "settings.ini"), lambda: TODAY)
    qtbot.addWidget(win)
    win.show()
    return win


def settle(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.taskman.idle, timeout=20000)
    qtbot.wait(10)  # let queued results reach the page


@pytest.fixture
def page(window: MainWindow, qtbot, tmp_path: Path) -> SubmissionView:  # type: ignore[no-untyped-def]
    view = window.show_section("submission")
    assert isinstance(view, SubmissionView)
    settle(window, qtbot)
    view.out_dir.setText(str(tmp_path / "out"))
    return view


def typed_passphrase(passphrase: str):  # type: ignore[no-untyped-def]
    """Stand in for the clerk at the passphrase dialog: type it (twice if asked), press OK."""

    def exec_(dialog: submission_dialogs.PassphraseDialog) -> int:
        dialog.first.setText(passphrase)
        dialog.second.setText(passphrase)
        dialog._accept()
        return dialog.result()

    return exec_


def test_the_page_shows_the_month_and_its_checklist(page: SubmissionView) -> None:
    assert page.month.currentText() == "2026年10月"  # November has no records yet
    assert "2026年10月尚未报送" in page.state.text()
    assert page.summary.text().startswith(f"{reported_projects(page.ledger)} 个项目") and "提醒" in page.summary.text()
    rows = [page.checklist.data(page.checklist.index(r)) for r in range(page.checklist.rowCount())]
    assert any(r.startswith("申报新开工/竣工未通过认定") for r in rows)
    assert any("超过办结时限" in r for r in rows)
    assert "尚未创建单位证书" in page.cert_text.text()


def test_double_clicking_an_item_opens_its_project(page: SubmissionView, window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    projects = window.page("projects")
    opened: list[tuple[int, str]] = []
    projects.open_project = lambda pid, field: opened.append((pid, field))  # type: ignore[attr-defined]
    window.show_section("submission")
    row = next(r for r in range(page.checklist.rowCount()) if page.checklist.issue(r) is not None
               and page.checklist.issue(r).kind == "statistics")  # type: ignore[union-attr]
    issue = page.checklist.issue(row)
    index = page.checklist.index(row)
    page.check_view.scrollTo(index)
    where = page.check_view.visualRect(index).center()
    with qtbot.waitSignal(page.openProjectRequested) as signal:
        qtbot.mouseClick(page.check_view.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(page.check_view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert signal.args == [issue.project_id, "statistics_ytd_wan"]  # type: ignore[union-attr]
    assert window.current_page() is projects and opened == [(issue.project_id, "statistics_ytd_wan")]  # type: ignore[union-attr]


def test_an_overdue_problem_opens_where_it_is_handled(window: MainWindow, demo: Ledger, qtbot) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from desk.core.models import Problem
    from desk.ui.projects.editor import ProjectEditor
    from desk.ui.views.tasks import TasksView

    task = demo.tasks.all()[0]
    loose = demo.problems.add(Problem("招商资金到位缓慢", task_id=task.id, owner_unit="区商务局",
                                      deadline=TODAY - timedelta(days=3)))
    page = window.show_section("submission")
    settle(window, qtbot)

    def open_row(kind_test) -> None:  # type: ignore[no-untyped-def]
        row = next(r for r in range(page.checklist.rowCount()) if page.checklist.issue(r) is not None
                   and kind_test(page.checklist.issue(r)))
        index = page.checklist.index(row)
        page.check_view.scrollTo(index)
        where = page.check_view.visualRect(index).center()
        qtbot.mouseClick(page.check_view.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(page.check_view.viewport(), Qt.MouseButton.LeftButton, pos=where)

    open_row(lambda i: i.kind == "overdue" and i.project_id is not None)
    editor = window.page("projects").editor  # type: ignore[attr-defined]
    assert isinstance(editor, ProjectEditor) and editor.tabs.tabText(editor.tabs.currentIndex()) == "存在问题"
    editor.reject()
    window.show_section("submission")
    open_row(lambda i: i.problem_id == loose.id)
    tasks = window.current_page()
    assert isinstance(tasks, TasksView) and tasks.tabs.currentWidget() is tasks.problems
    assert tasks.problems.current() is not None and tasks.problems.current().id == loose.id  # type: ignore[union-attr]


def test_create_the_certificate_sign_the_month_and_read_the_files(page: SubmissionView, window: MainWindow,
                                                                   qtbot, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(submission_dialogs.PassphraseDialog, "exec", typed_passphrase(PASSPHRASE))
    qtbot.mouseClick(page.create_cert, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    assert "阜新市海州区" in page.cert_text.text() and "指纹" in page.cert_text.text()
    page.filled_by.setText("张三")
    page.reviewed_by.setText("李四")
    page.head.setText("王五")
    page.make_zip.setChecked(True)
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    assert page.progress.isVisible() and not page.sign_button.isEnabled()  # working, the window still responds
    settle(window, qtbot)
    assert page.result is not None and not page.progress.isVisible()
    folder = page.result.folder
    assert folder.parent == tmp_path / "out" and "已生成并签名第 1 版" in page.result_label.text()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["people"] == {"filled_by": "张三", "reviewed_by": "李四", "head": "王五"}
    assert verify(folder).valid and page.result.zip_path is not None and page.result.zip_path.is_file()
    assert "已报送第1版" in page.state.text() and not page.sign_button.isEnabled()
    assert page.history.data(page.history.index(0, 2)) == "已报送"
    assert page.history.data(page.history.index(0, 4)) == "逾期"  # October was due on the 20th of October
    assert window.ledger.is_month_locked("2026-10")


def test_signing_with_no_certificate_yet_creates_it_then_signs(page: SubmissionView, window: MainWindow,
                                                                 qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    typing = typed_passphrase(PASSPHRASE)

    def exec_(dialog: submission_dialogs.PassphraseDialog) -> int:
        asked.append(dialog.windowTitle())
        return typing(dialog)

    monkeypatch.setattr(submission_dialogs.PassphraseDialog, "exec", exec_)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a: said.append(title))
    page.filled_by.setText("张三")
    page.reviewed_by.setText("李四")
    page.head.setText("王五")
    assert window.ledger.identity.current() is None
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    settle(window, qtbot)  # the certificate first, then the export it starts
    assert said[:1] == ["需要单位证书"] and asked == ["创建单位证书"]  # the new passphrase is not asked again
    assert page.result is not None and verify(page.result.folder).valid
    assert window.ledger.is_month_locked("2026-10")


def test_a_correction_unlocks_the_month_for_version_two(page: SubmissionView, window: MainWindow, qtbot,
                                                       monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(submission_dialogs.PassphraseDialog, "exec", typed_passphrase(PASSPHRASE))
    from desk.exchange.submission.identity import create_identity

    create_identity(window.ledger, PASSPHRASE)
    page.head.setText("王五")
    page.reviewed_by.setText("李四")
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    assert page.correct_button.isEnabled()

    def give_reason(dialog: submission_dialogs.ReasonDialog) -> int:
        dialog.reason.setPlainText("补报中储粮项目本月投资")
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(submission_dialogs.ReasonDialog, "exec", give_reason)
    qtbot.mouseClick(page.correct_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    assert not window.ledger.is_month_locked("2026-10")
    assert page.history.data(page.history.index(0, 1)) == "第 2 版"
    assert page.history.data(page.history.index(0, 2)) == "更正中，待报送"
    assert page.history.data(page.history.index(1, 2)) == "已更正"
    assert page.sign_button.text() == "生成并签名（第 2 版）" and page.sign_button.isEnabled()
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    assert page.result is not None and page.result.folder.name.endswith("第2版")


def test_a_wrong_passphrase_is_said_plainly_and_nothing_is_signed(page: SubmissionView, window: MainWindow, qtbot,
                                                                 monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desk.exchange.submission.identity import create_identity

    create_identity(window.ledger, PASSPHRASE)
    page.reviewed_by.setText("李四")
    page.head.setText("王五")
    monkeypatch.setattr(submission_dialogs.PassphraseDialog, "exec", typed_passphrase("not-the-passphrase"))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    assert warnings and "口令不正确" in warnings[0]
    assert page.result is None and not window.ledger.is_month_locked("2026-10") and page.sign_button.isEnabled()
    assert not any((tmp_path / "out").iterdir())


def test_missing_names_are_asked_for_before_the_passphrase(page: SubmissionView, window: MainWindow, qtbot,
                                                          monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desk.exchange.submission.identity import create_identity

    create_identity(window.ledger, PASSPHRASE)
    page.head.setText("")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    monkeypatch.setattr(submission_dialogs.PassphraseDialog, "exec", lambda d: pytest.fail("asked for passphrase"))
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    assert warnings == ["请填写审核人、单位负责人。"]


def test_verify_a_submission_in_the_window(page: SubmissionView, window: MainWindow, qtbot, monkeypatch,
                                           tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desk.exchange.submission import package
    from desk.exchange.submission.identity import create_identity
    from desk.exchange.submission.report import People

    create_identity(window.ledger, PASSPHRASE)
    (tmp_path / "sent").mkdir()
    folder = package.export_month(window.ledger, "2026-10", tmp_path / "sent", PASSPHRASE, People("张三", "李四", "王五")).folder
    dialog = page.open_verify()
    qtbot.addWidget(dialog)
    dialog.path.setText(str(folder))
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    texts = [dialog.checks.item(i).text() for i in range(dialog.checks.count())]
    assert dialog.headline.text() == "验证通过：阜新市海州区 2026年10月 第1版"
    assert [t[0] for t in texts[:6]] == ["✓"] * 6 and "PDF 签名有效并覆盖整个文件" in texts[4]
    manifest = folder / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"version": 1', '"version": 3'),
                        encoding="utf-8")
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    settle(window, qtbot)
    texts = [dialog.checks.item(i).text() for i in range(dialog.checks.count())]
    assert dialog.headline.text().startswith("验证未通过")
    assert any(t.startswith("✗  清单签名有效：manifest.json 在签名后被修改") for t in texts)


def test_the_deadline_setting_is_kept_in_the_ledger(page: SubmissionView, window: MainWindow, qtbot,
                                                   monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dialog = submission_dialogs.SettingsDialog(page, window.ledger)
    qtbot.addWidget(dialog)
    dialog.next_month.setCurrentIndex(1)
    dialog.day.setValue(25)
    dialog._save()
    settle(window, qtbot)
    assert window.ledger.deadline_rule.day == 25 and window.ledger.deadline_rule.next_month
    assert dialog.result() == submission_dialogs.SettingsDialog.DialogCode.Accepted
    assert "距截止 10 天（11月25日）" in page.state.text()
    assert window.status_deadline.text() == "距截止 10 天（11月25日）"  # the status bar counts to it too


def test_a_big_ledger_is_checked_in_the_background(window: MainWindow, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desk.ui.views import submission

    monkeypatch.setattr(submission, "QUICK_PROJECTS", 0)
    view = window.show_section("submission")
    assert view.summary.text() == "正在检查2026年10月…"  # the window is free while the worker checks
    settle(window, qtbot)
    assert view.summary.text().startswith(f"{reported_projects(window.ledger)} 个项目")
