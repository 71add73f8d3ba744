"""The self-test's window steps, offscreen, failing on any Qt warning on the way.

* ``window``: start Qt, open the main window on the test ledger, check Qt's Chinese
  translation, the bundled font, the style sheet and the icon, close it — what the issue
  names "opens the main window offscreen and closes it". Its time is the frozen program's
  start figure (``frozen_start_s`` in ``tests/bench/figures_bundle``).
* ``sections``: open it again and visit every section (each page built on the test
  ledger), so that a module, image format or plug-in the frozen build lost shows here.

In a frozen build these are where a missing platform plugin, image format, translation or
font shows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from desk.selftest import Context, SelfTestFailure, require, step

# Qt messages that say nothing about the program (also ignored by the test suite).
BENIGN_QT_MESSAGES = (
    "This plugin does not support propagateSizeHints",
    "Populating font family aliases took",
    "QFont::setPointSizeF: Point size <= 0",
)


@contextmanager
def qt_messages_fail() -> Iterator[None]:
    """Collect Qt's warnings during the block; any that is not benign fails the step."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    messages: list[str] = []

    def collect(kind: QtMsgType, _context: object, text: str) -> None:
        if kind != QtMsgType.QtDebugMsg and kind != QtMsgType.QtInfoMsg:
            if not any(benign in text for benign in BENIGN_QT_MESSAGES):
                messages.append(text)

    previous = qInstallMessageHandler(collect)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
    if messages:
        raise SelfTestFailure("Qt 报告了问题：" + "；".join(dict.fromkeys(messages)))


def _open(ctx: Context, settings_name: str) -> tuple[Any, Any, Any]:
    """(application, shown main window, its settings) on the test ledger."""
    from desk.ui.app import make_app, setup_app
    from desk.ui.mainwindow import MainWindow
    from desk.ui.settings import UiSettings

    app = make_app()
    setup_app(app)
    require(ctx.ledger is not None, "没有可打开的台账")
    settings = UiSettings(ctx.path(settings_name))
    main = MainWindow(ctx.ledger, settings, ctx.today_fn)  # type: ignore[arg-type]
    main.resize(1280, 800)
    main.show()
    _settle()
    require(main.isVisible(), "主窗口未能显示")
    return app, main, settings


def _close(main: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    main.close()
    _settle()
    require(not main.isVisible(), "主窗口未能关闭")
    main.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


@step("window", "主窗口", order=90, needs=("ledger",))
def window(ctx: Context) -> str:
    start = time.perf_counter()
    ctx.mark("window_start")
    with qt_messages_fail():
        from PySide6.QtGui import QFontDatabase
        from PySide6.QtWidgets import QDialogButtonBox

        from desk.ui.app import app_icon

        app, main, settings = _open(ctx, "界面 设置.ini")
        shown = time.perf_counter() - start
        ctx.mark("window_shown")
        picture = main.grab()
        require(not picture.isNull() and picture.width() >= 1024, "主窗口未能绘制")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
        buttons.deleteLater()
        require(cancel.startswith("取消"), f"Qt 的中文翻译未加载（“取消”按钮显示为“{cancel}”）")
        require("WenQuanYi Micro Hei" in QFontDatabase.families(), "内置中文字体未能加载")
        require(app.styleSheet().strip(), "界面样式表未加载")
        require(not app_icon().isNull(), "程序图标未能加载")
        _close(main)
        settings.sync()
        require(settings.path.is_file(), f"界面设置未能保存：{settings.path}")
    return f"窗口 {shown:.2f} 秒内显示；中文界面、内置字体、样式与图标正常；已关闭"


@step("sections", "各栏目", order=95, needs=("ledger",))
def sections(ctx: Context) -> str:
    with qt_messages_fail():
        from desk.ui.screenshot import available
        from desk.ui.views import SECTION_KEYS

        _app, main, _settings = _open(ctx, "栏目 设置.ini")
        for key in SECTION_KEYS:
            main.show_section(key)
            _settle()
            picture = main.grab()
            require(not picture.isNull(), f"栏目“{key}”未能绘制")
        shots = available()  # imports every module that registers screenshots
        _close(main)
    return f"{len(SECTION_KEYS)} 个栏目均已打开并绘制；{len(shots)} 个截图视图可用"


def _settle(rounds: int = 5) -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(rounds):
        QApplication.processEvents()
