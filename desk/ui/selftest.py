"""The self-test's window step: start Qt offscreen, open the main window on the test ledger,
visit every section, close it — and fail on any Qt warning on the way.

In a frozen build this is where a missing platform plugin, image format, translation or
font shows; its time is the frozen program's start figure (``tests/bench/figures_bundle``).
"""

from __future__ import annotations

import time

from desk.selftest import Context, SelfTestFailure, require, step

# Qt messages that say nothing about the program (also ignored by the test suite).
BENIGN_QT_MESSAGES = (
    "This plugin does not support propagateSizeHints",
    "Populating font family aliases took",
    "QFont::setPointSizeF: Point size <= 0",
)


@step("window", "主窗口", order=90, needs=("ledger",))
def window(ctx: Context) -> str:
    start = time.perf_counter()
    ctx.mark("window_start")
    from PySide6.QtCore import QCoreApplication, QEvent, QtMsgType, qInstallMessageHandler
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    messages: list[str] = []

    def collect(kind: QtMsgType, _context: object, text: str) -> None:
        if kind != QtMsgType.QtDebugMsg and kind != QtMsgType.QtInfoMsg:
            if not any(benign in text for benign in BENIGN_QT_MESSAGES):
                messages.append(text)

    previous = qInstallMessageHandler(collect)
    try:
        from desk.ui.app import app_icon, make_app, setup_app
        from desk.ui.mainwindow import MainWindow
        from desk.ui.screenshot import available
        from desk.ui.settings import UiSettings
        from desk.ui.views import SECTION_KEYS

        app = make_app()
        setup_app(app)
        require(ctx.ledger is not None, "没有可打开的台账")
        settings = UiSettings(ctx.path("界面 设置.ini"))
        main = MainWindow(ctx.ledger, settings, ctx.today_fn)  # type: ignore[arg-type]
        main.resize(1280, 800)
        main.show()
        _settle()
        shown = time.perf_counter() - start
        ctx.mark("window_shown")
        require(main.isVisible(), "主窗口未能显示")
        for key in SECTION_KEYS:
            main.show_section(key)
            _settle()
        picture = main.grab()
        require(not picture.isNull() and picture.width() >= 1024, "主窗口未能绘制")
        shots = available()  # imports every module that registers screenshots

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
        buttons.deleteLater()
        require(cancel.startswith("取消"), f"Qt 的中文翻译未加载（“取消”按钮显示为“{cancel}”）")
        require("WenQuanYi Micro Hei" in QFontDatabase.families(), "内置中文字体未能加载")
        require(app.styleSheet().strip(), "界面样式表未加载")
        require(not app_icon().isNull(), "程序图标未能加载")

        main.close()
        _settle()
        require(not main.isVisible(), "主窗口未能关闭")
        main.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        settings.sync()
        require(settings.path.is_file(), f"界面设置未能保存：{settings.path}")
        QApplication.processEvents()
    finally:
        qInstallMessageHandler(previous)
    if messages:
        raise SelfTestFailure("Qt 报告了问题：" + "；".join(dict.fromkeys(messages)))
    return (
        f"窗口 {shown:.2f} 秒内显示；{len(SECTION_KEYS)} 个栏目、{len(shots)} 个截图视图、中文界面、内置字体、"
        "样式与图标正常；已关闭"
    )


def _settle(rounds: int = 5) -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(rounds):
        QApplication.processEvents()
