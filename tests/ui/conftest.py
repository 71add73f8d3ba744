"""UI tests never wait for a click: a dialog the test did not stand in for fails it at once."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog would wait for a click forever and hang the whole run (as a failed
    export's error box once did): fail the test with what the dialog says instead. A test
    that expects a dialog replaces its exec (or the QMessageBox helper) itself, after this."""

    def refuse(*args: object, **kwargs: object) -> None:
        shown = [a.text() if isinstance(a, QMessageBox) else a for a in args]  # type: ignore[attr-defined]
        raise AssertionError(f"unexpected modal dialog: {shown}")

    for name in ("warning", "critical", "information", "question", "about", "exec"):
        monkeypatch.setattr(QMessageBox, name, refuse)
    monkeypatch.setattr(QDialog, "exec", refuse)
    for name in ("getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, refuse)
    for name in ("getText", "getInt", "getDouble", "getItem", "getMultiLineText"):
        monkeypatch.setattr(QInputDialog, name, refuse)
