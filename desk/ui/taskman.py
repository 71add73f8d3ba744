"""One background worker for every slow ledger task, as in Anki's taskman and operations.

The window reads the ledger on the GUI thread for quick things (a page of table rows);
anything that writes, or may take longer than a blink, is an :class:`Op`::

    Op(window, lambda ledger: ledger.months.save_many(rows, summary="粘贴"))
        .success(lambda n: ...)
        .with_progress("正在保存…")
        .run_in_background()

Ops run one at a time, in order, on a single worker thread that has its own connection to
the ledger (WAL lets the GUI keep reading meanwhile). The result comes back on the GUI
thread. A progress dialog appears only if the op is still running after half a second
(Anki waits ~600 ms); it can be cancelled when the op says so and checks
``progress.cancelled``. After an op that changes the ledger, ``TaskManager.changed`` is
emitted so that views refresh.
"""

from __future__ import annotations

import sqlite3
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QMetaObject, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desk.core.errors import DeskError
from desk.store.errors import from_sqlite
from desk.store.ledger import Ledger

T = TypeVar("T")
PROGRESS_DELAY_MS = 500


class Cancelled(Exception):
    """Raised inside an op when the clerk pressed 取消."""


class Progress:
    """Handed to an op's function: report how far it is, and learn whether to stop."""

    def __init__(self, manager: TaskManager) -> None:
        self._manager = manager
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled

    def update(self, label: str = "", done: int = 0, total: int = 0) -> None:
        self._manager.progressed.emit(label, done, total)

    def cancel(self) -> None:
        self._cancel.set()


class TaskManager(QObject):
    """The single worker thread, with its own ledger connection opened on first use."""

    changed = Signal()  # the ledger was changed by an op
    progressed = Signal(str, int, int)
    _finished = Signal(object)  # a callable to run on the GUI thread
    busyChanged = Signal(bool)

    def __init__(self, ledger_path: Path, clock: Callable[[], datetime] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ledger_path = ledger_path
        self.clock = clock
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="desk-ledger")
        self._ledger: Ledger | None = None
        self._pending = 0
        self._closed = False
        self._finished.connect(self._run_on_main, Qt.ConnectionType.QueuedConnection)

    @property
    def idle(self) -> bool:
        return self._pending == 0

    def _worker_ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = Ledger.open(self.ledger_path)
            if self.clock is not None:
                self._ledger.clock = self.clock
        return self._ledger

    def submit(self, fn: Callable[[Ledger, Progress], T], done: Callable[[Future[T]], None],
               progress: Progress | None = None) -> Future[T]:
        progress = progress or Progress(self)
        if self._closed:
            raise RuntimeError("the window is closing; no new ledger tasks")

        def work() -> T:
            try:
                return fn(self._worker_ledger(), progress)
            except sqlite3.Error as exc:  # a damaged page, a pulled USB stick: said plainly, not as a bug
                env = from_sqlite(exc, self.ledger_path)
                if env is None:
                    raise
                raise env from exc

        self._pending += 1
        if self._pending == 1:
            self.busyChanged.emit(True)
        future = self._executor.submit(work)
        future.add_done_callback(lambda f: self._finished.emit(lambda: self._complete(f, done)))
        return future

    def _complete(self, future: Future[Any], done: Callable[[Future[Any]], None]) -> None:
        self._pending -= 1
        try:
            done(future)
        finally:
            if self._pending == 0:
                self.busyChanged.emit(False)

    @Slot(object)
    def _run_on_main(self, fn: Callable[[], None]) -> None:
        fn()

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True

        def close() -> None:
            if self._ledger is not None:
                self._ledger.close()
                self._ledger = None

        self._executor.submit(close)
        self._executor.shutdown(wait=True)


def show_error(parent: QWidget | None, error: BaseException, title: str = "操作没有完成") -> None:
    if isinstance(error, DeskError):
        QMessageBox.warning(parent, title, error.message)
        return
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    box = QMessageBox(QMessageBox.Icon.Critical, "程序内部错误",
                      "出现了程序缺陷，操作没有完成，台账保持原样。\n请把“详细信息”发给技术支持。", parent=parent)
    box.setDetailedText(details)
    box.exec()


class Op(Generic[T]):
    """An operation on the ledger, built fluently and run on the worker thread."""

    def __init__(self, parent: QWidget, fn: Callable[[Ledger], T] | Callable[[Ledger, Progress], T],
                 *, changes: bool = True, takes_progress: bool = False) -> None:
        self.parent = parent
        self.fn = fn
        self.changes = changes
        self.takes_progress = takes_progress
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._cancelled: Callable[[], None] | None = None
        self._label: str | None = None
        self._cancellable = False

    def success(self, callback: Callable[[T], None]) -> Op[T]:
        self._success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Op[T]:
        self._failure = callback
        return self

    def cancelled(self, callback: Callable[[], None]) -> Op[T]:
        """Called (instead of success or failure) when the clerk pressed 取消 and the op stopped."""
        self._cancelled = callback
        return self

    def with_progress(self, label: str, *, cancellable: bool = False) -> Op[T]:
        self._label = label
        self._cancellable = cancellable
        return self

    def run_in_background(self, manager: TaskManager | None = None) -> Future[T]:
        manager = manager or find_manager(self.parent)
        progress = Progress(manager)
        dialog: QProgressDialog | None = None
        timer: QTimer | None = None
        connection: QMetaObject.Connection | None = None
        if self._label is not None:
            dialog = QProgressDialog(self._label, "取消" if self._cancellable else "", 0, 0, self.parent)
            dialog.setWindowTitle("请稍候")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.setMinimumDuration(0)
            if not self._cancellable:
                dialog.setCancelButton(None)  # type: ignore[arg-type]
            # A lambda, not the bound method: PySide disconnects a bound method's slot when its
            # object dies, and the worker thread may drop the op's last reference to it — a
            # disconnect there waits for the GIL while the GUI thread, holding it, waits for
            # Qt's connection lock (the window froze). The dialog owns the lambda instead.
            dialog.canceled.connect(lambda: progress.cancel())
            dialog.hide()

            def on_progress(label: str, done: int, total: int) -> None:
                if label:
                    dialog.setLabelText(label)
                dialog.setMaximum(max(total, 0))
                dialog.setValue(min(done, total) if total else 0)

            # Only this op's own slot is disconnected afterwards: ops overlap (one finishing while
            # the next already waits), and dropping every slot would silence the next one's dialog.
            connection = manager.progressed.connect(on_progress)
            timer = QTimer(self.parent)
            timer.setSingleShot(True)
            timer.timeout.connect(dialog.show)
            timer.start(PROGRESS_DELAY_MS)

        def call(ledger: Ledger, prog: Progress) -> T:
            if self.takes_progress:
                return self.fn(ledger, prog)  # type: ignore[call-arg]
            return self.fn(ledger)  # type: ignore[call-arg]

        def done(future: Future[T]) -> None:
            if timer is not None:
                timer.stop()
                timer.deleteLater()
            if dialog is not None:
                if connection is not None:
                    QObject.disconnect(connection)
                dialog.hide()
                dialog.deleteLater()
            error = future.exception()
            if error is None:
                if self.changes:
                    manager.changed.emit()
                if self._success is not None:
                    self._success(future.result())
            elif isinstance(error, Cancelled):
                if self._cancelled is not None:
                    self._cancelled()
            else:
                if self.changes:
                    manager.changed.emit()  # the view may show what it optimistically changed
                if self._failure is not None:
                    self._failure(error)
                else:
                    show_error(self.parent, error)

        return manager.submit(call, done, progress)


def find_manager(widget: QWidget) -> TaskManager:
    """The TaskManager of the window a widget lives in."""
    node: QObject | None = widget
    while node is not None:
        manager = getattr(node, "taskman", None)
        if isinstance(manager, TaskManager):
            return manager
        node = node.parent()
    raise RuntimeError("no TaskManager above this widget")
