"""The QApplication: Chinese translations, fonts, style, and starting the window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from desk import APP_NAME, APP_TITLE, __version__, paths

BUNDLED_FONT = "wqy-microhei.ttf"
# Preferred UI fonts, best first; the bundled font covers machines that have none.
UI_FONTS = ["Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei"]

_translators: list[QTranslator] = []


def ensure_platform() -> None:
    """Without a display (CI, a service account), render offscreen instead of failing."""
    if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM"):
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"


def _load_translations(app: QApplication) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folders = [
        paths.resource("translations"),
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        for folder in folders:
            translator = QTranslator(app)
            if translator.load(name, str(folder)):
                app.installTranslator(translator)
                _translators.append(translator)
                break


def _load_fonts(app: QApplication) -> None:
    font_path = paths.resource("fonts", BUNDLED_FONT)
    if font_path.is_file():
        QFontDatabase.addApplicationFont(str(font_path))
    available = set(QFontDatabase.families())
    families = [f for f in UI_FONTS if f in available] or ["WenQuanYi Micro Hei"]
    font = QFont(app.font())
    font.setFamilies(families)
    font.setPointSizeF(10.0 if sys.platform == "win32" else 10.5)
    app.setFont(font)


def _load_style(app: QApplication) -> None:
    qss = paths.resource("style.qss")
    if qss.is_file():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))


def app_icon() -> QIcon:
    for name in ("desk.svg", "desk.png"):
        path = paths.resource("icons", name)
        if path.is_file():
            return QIcon(str(path))
    return QIcon()


def make_app(argv: list[str] | None = None) -> QApplication:
    """The application object (created once), set up for Chinese."""
    existing = QApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
    ensure_platform()
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_TITLE)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setWindowIcon(app_icon())
    setup_app(app)
    return app


def setup_app(app: QApplication) -> None:
    """Translations, fonts and style (also used by tests on pytest-qt's application)."""
    if getattr(app, "_desk_ready", False):
        return
    _load_translations(app)
    _load_fonts(app)
    _load_style(app)
    app._desk_ready = True  # type: ignore[attr-defined]
