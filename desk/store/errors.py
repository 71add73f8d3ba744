"""Ledger errors: the environment's (shown to the clerk plainly) apart from bugs.

Following qutebrowser's split: SQLite errors caused by the machine — locked, read-only,
disk full, corrupt, not a database — become a :class:`LedgerError` with a Chinese
message and an exit code; anything else is a bug and propagates.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desk.core.errors import DeskError


class LedgerError(DeskError):
    exit_code = 10


class LedgerNotFound(LedgerError):
    exit_code = 11


class NotALedger(LedgerError):
    exit_code = 12


class LedgerCorrupt(LedgerError):
    exit_code = 13


class LedgerReadOnly(LedgerError):
    exit_code = 14


class LedgerBusy(LedgerError):
    exit_code = 15


class LedgerTooNew(LedgerError):
    exit_code = 16


class DiskFull(LedgerError):
    exit_code = 17


class MigrationFailed(LedgerError):
    exit_code = 18


def restore_hint(path: Path | str) -> str:
    """Where the clerk finds a good copy (there is no restore command: a backup opens directly)."""
    from desk.paths import backups_dir

    folder = backups_dir(Path(path))
    try:
        found = folder.is_dir() and any(p.is_file() for p in folder.iterdir())
    except OSError:
        found = False
    if not found:
        return (f"这个台账旁边没有备份（{folder} 不存在或是空的）：请找本单位的 IT 人员，"
                "从别处（U 盘、上次报送前的副本）取回台账文件。")
    return (f"请从备份恢复：备份在 {folder} 文件夹中，"
            "每个备份都是完整的台账，可以直接用 Desk 打开，核对无误后复制到原位置使用。")


def from_sqlite(exc: sqlite3.Error, path: Path | str) -> LedgerError | None:
    """The clerk-facing error for an environmental SQLite failure, or ``None`` for a bug."""
    text = str(exc).lower()
    name = str(path)
    if "readonly" in text or "read-only" in text or "attempt to write a readonly" in text:
        return LedgerReadOnly(f"台账文件是只读的，无法保存修改：{name}\n请检查文件属性或文件夹权限。")
    if "locked" in text or "busy" in text:
        return LedgerBusy(
            f"台账文件正被另一个程序使用：{name}\n请关闭其他打开此台账的 Desk 窗口后重试。"
        )
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFull(f"磁盘空间已满，修改没有保存：{name}\n请清理磁盘后重试，台账保持原样。")
    if "malformed" in text or "corrupt" in text:
        return LedgerCorrupt(f"台账文件已损坏：{name}\n{restore_hint(path)}")
    if "not a database" in text or "file is encrypted" in text:
        return NotALedger(f"这个文件不是 Desk 台账：{name}")
    if "unable to open" in text or "cannot open" in text:
        return LedgerNotFound(f"无法打开台账文件：{name}\n请检查文件夹是否存在、是否有访问权限。")
    if "disk i/o" in text:
        return LedgerError(f"读写台账文件时出错（磁盘 I/O）：{name}\n请检查磁盘或 U 盘是否已拔出。")
    return None
