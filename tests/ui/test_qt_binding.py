"""The Qt binding itself: PySide6 6.12.0 drops a reference to None on every void call from
Python, and on Python 3.11 the window aborts after a few thousand calls. Guard against it."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_calling_qt_does_not_leak_references_to_none(desk_app) -> None:  # type: ignore[no-untyped-def]
    label = QLabel("台账")
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("月报")
        label.update()
    # a few references may come and go meanwhile; a leak loses one per call (1,000 here)
    assert sys.getrefcount(None) > before - 50
