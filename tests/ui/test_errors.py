"""A bug inside the window is logged and shown in Chinese, and the program carries on."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from desk.ui import errors


def test_an_unhandled_error_is_logged_and_shown(desk_app, isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append((self.text(), self.detailedText())) or 0)
    try:
        raise ZeroDivisionError("除数为零")
    except ZeroDivisionError as exc:
        errors.handle(type(exc), exc, exc.__traceback__)
    log = (isolated_home / "desk.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError: 除数为零" in log and "Desk " in log
    (text, details), = shown
    assert "程序缺陷" in text and str(isolated_home / "desk.log") in text
    assert "ZeroDivisionError" in details
    assert "ZeroDivisionError" in capsys.readouterr().err


def test_the_log_stays_small(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(errors, "LOG_LIMIT", 1000)
    for i in range(50):
        errors.write_log(f"第 {i} 条错误记录\n" * 5)
    size = (isolated_home / "desk.log").stat().st_size
    assert size < 2000
    assert "第 49 条" in (isolated_home / "desk.log").read_text(encoding="utf-8")
