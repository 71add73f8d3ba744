"""The running program: one main window over one open ledger, and switching ledgers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from desk.core.errors import DeskError
from desk.store.ledger import Ledger
from desk.ui.app import make_app
from desk.ui.launch import choose_ledger
from desk.ui.mainwindow import MainWindow
from desk.ui.settings import UiSettings


class Controller:
    def __init__(self, settings: UiSettings) -> None:
        from desk.cli import clock, today

        self.settings = settings
        self.clock = clock
        self.today = today
        self.window: MainWindow | None = None
        self.ledger: Ledger | None = None

    def start(self, requested: Path | None) -> bool:
        ledger = choose_ledger(self.settings, requested, self.clock, self.today())
        if ledger is None:
            return False
        self._show(ledger)
        return True

    def _show(self, ledger: Ledger) -> None:
        old_window, old_ledger = self.window, self.ledger
        self.ledger = ledger
        self.settings.remember_ledger(ledger.path)
        self.window = MainWindow(ledger, self.settings, self.today)
        self.window.ledgerSwitchRequested.connect(self.switch)
        self.window.show()
        if old_window is not None:
            old_window.save_state()
            old_window.hide()
            old_window.deleteLater()
        if old_ledger is not None:
            old_ledger.close()

    def switch(self, path: str) -> None:
        try:
            if path:
                ledger = Ledger.open(Path(path))
                ledger.clock = self.clock
            else:
                ledger = choose_ledger(self.settings, None, self.clock, self.today(), self.window)
                if ledger is None or (self.ledger and ledger.path == self.ledger.path):
                    if ledger is not None and ledger is not self.ledger:
                        ledger.close()
                    return
        except DeskError as exc:
            QMessageBox.warning(self.window, "无法打开台账", exc.message)
            return
        self._show(ledger)


def run(requested: Path | None) -> int:
    from desk.ui import errors

    errors.install()
    app = make_app()
    controller = Controller(UiSettings())
    if not controller.start(requested):
        return 0
    code = app.exec()
    if controller.ledger is not None:
        controller.ledger.close()
    return int(code)
