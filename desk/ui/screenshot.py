"""Render a view of the program to a PNG without anyone at the keyboard.

``desk screenshot --ledger PATH --view NAME OUT.png``: NAME is a section of the main
window (projects, leads, tasks, submission, stats, settings) or one of ``SHOTS``, extra
windows and dialogs that a view module registers (``SHOTS["project-editor"] = …``).
Used under Xvfb or offscreen to look at what was built.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QWidget

from desk.ui.views import SECTION_KEYS

# name → callable(window) returning the widget to grab (already shown).
SHOTS: dict[str, Callable[[QWidget], QWidget]] = {}
SHOT_MODULES: list[str] = [
    "desk.ui.recognition",
    "desk.ui.views.task_shots",
    "desk.ui.importer",
    "desk.ui.views.leads.shots",
    "desk.ui.projects.shots",
]


def available() -> list[str]:
    import importlib

    for name in SHOT_MODULES:
        importlib.import_module(name)
    return [*SECTION_KEYS, *sorted(SHOTS)]


def settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def render(ledger_path: Path, view: str, out: Path, size: QSize, today_fn) -> Path:  # type: ignore[no-untyped-def]
    from desk.cli import clock
    from desk.store.ledger import Ledger
    from desk.ui.app import make_app
    from desk.ui.mainwindow import MainWindow
    from desk.ui.settings import UiSettings

    names = available()
    if view not in names:
        from desk.core.errors import DeskError

        raise DeskError(f"没有名为“{view}”的视图，可选：{'、'.join(names)}")
    app = make_app()
    ledger = Ledger.open(ledger_path)
    ledger.clock = clock
    with tempfile.TemporaryDirectory() as folder:
        settings = UiSettings(Path(folder) / "settings.ini")
        window = MainWindow(ledger, settings, today_fn)
        window.resize(size)
        window.show()
        settle(app)
        if view in SECTION_KEYS:
            window.show_section(view)
            target: QWidget = window
        else:
            target = SHOTS[view](window)
        settle(app, 20)
        out.parent.mkdir(parents=True, exist_ok=True)
        pixmap = target.grab()
        if not pixmap.save(str(out), "PNG"):
            from desk.core.errors import DeskError

            raise DeskError(f"无法保存截图：{out}")
        if target is not window:
            target.close()
        window.close_discarding()
        settle(app)
    ledger.close()
    return out
