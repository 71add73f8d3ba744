"""Saving a file from the window to a place that cannot take it: the clerk is told why, in
Chinese, and nothing escapes the button's handler."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desk.exchange.submission import identity
from desk.store.ledger import Ledger
from desk.ui.mainwindow import MainWindow
from desk.ui.settings import UiSettings
from desk.ui.taskman import TaskManager
from tests.conftest import TODAY, fixed_clock


def test_exporting_the_certificate_to_a_missing_folder_is_explained(qtbot, desk_app, demo: Ledger, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    identity.create_identity(demo, "韩家店2026")
    window = MainWindow(demo, UiSettings(tmp_path / "settings.ini"), lambda: TODAY)
    qtbot.addWidget(window)
    page = window.show_section("submission")
    qtbot.waitUntil(lambda: window.taskman.idle, timeout=20000)
    target = tmp_path / "拔掉的U盘" / "证书.pem"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: said.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: said.append("已导出"))
    page.export_cert.click()  # type: ignore[attr-defined]
    assert len(said) == 1 and "无法写入证书文件" in said[0] and not target.exists()


def test_saving_an_attachment_to_a_missing_folder_is_explained(qtbot, desk_app, demo: Ledger, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from desk.exchange.evidence import attach_bytes
    from desk.ui.evidence import EvidenceWidget

    host = QWidget()
    host.taskman = TaskManager(demo.path, fixed_clock, host)  # type: ignore[attr-defined]
    qtbot.addWidget(host)
    project = demo.projects.all()[0].id
    attach_bytes(demo, project, "2026-11", "现场.pdf", b"%PDF-1.4 site photo sheet")  # type: ignore[arg-type]
    widget = EvidenceWidget(demo, host)
    widget.set_target(project, "2026-11")
    widget.list.setCurrentRow(0)
    target = tmp_path / "拔掉的U盘" / "现场.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    widget.save_button.click()
    assert "无法保存到" in widget.message.text() and not target.exists()
    host.taskman.shutdown()  # type: ignore[attr-defined]
