"""What happens to a bug inside the window: logged, shown to the clerk in Chinese, survived.

PySide6 prints an exception raised in a slot and carries on, so a bug would otherwise pass
unseen — and the windowed desk.exe has no console at all. Every unhandled exception is
written to ``desk.log`` in the data folder (kept small) and shown once in a message box
that says the ledger is safe (each action is one transaction) and where the log is.
"""

from __future__ import annotations

import sys
import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

from desk import __version__, paths

LOG_NAME = "desk.log"
LOG_LIMIT = 512 * 1024  # bytes; the older half is dropped beyond this

_showing = False


def log_path() -> Path:
    return paths.data_dir() / LOG_NAME


def write_log(text: str) -> Path | None:
    """Append ``text`` to the log; never raises (a broken disk must not hide the first error)."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > LOG_LIMIT:
            # Keep the newer half, cut at a character boundary (the log is UTF-8 Chinese).
            keep = path.read_bytes()[-LOG_LIMIT // 2:].decode("utf-8", "ignore")
            path.write_text(keep, encoding="utf-8")
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\n--- {datetime.now():%Y-%m-%d %H:%M:%S} Desk {__version__}\n{text}")
        return path
    except OSError:
        return None


def handle(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    global _showing
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    details = "".join(traceback.format_exception(kind, error, tb))
    where = write_log(details)
    if sys.stderr is not None:
        sys.stderr.write(details)
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None or _showing:
        return
    _showing = True
    try:
        text = "出现了程序缺陷，刚才的操作可能没有完成。已保存的台账数据不受影响（每次保存都是完整的事务）。"
        if where is not None:
            text += f"\n\n详细信息已记入日志：{where}\n请把这个文件发给技术支持。"
        box = QMessageBox(QMessageBox.Icon.Critical, "程序内部错误", text)
        box.setDetailedText(details)
        box.exec()
    finally:
        _showing = False


def install() -> None:
    sys.excepthook = handle
