"""Backups: taken with SQLite's backup API into ``backups/`` beside the ledger, rotated.

A backup is a complete ledger file that Desk can open directly. Automatic backups (before
a migration, an import, a restore) and the daily backup keep the newest ``KEEP``; the
clerk's own backups are never rotated away.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desk import paths
from desk.store import db as dbfile
from desk.store.errors import LedgerError

KEEP = 20
MAX_TAG = 40  # characters of the reason kept in the file name (file systems allow 255 bytes)
_SAFE = re.compile(r"[^\w\-]+", re.UNICODE)


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: datetime
    reason: str
    size: int


def _name(ledger_path: Path, reason: str, when: datetime, n: int = 1) -> str:
    tag = _SAFE.sub("-", reason).strip("-")[:MAX_TAG].strip("-") or "backup"
    tag += f"-{n}" if n > 1 else ""
    return f"{ledger_path.stem}-{when:%Y%m%d-%H%M%S}-{tag}{ledger_path.suffix or '.desk'}"


def take(
    conn: sqlite3.Connection,
    ledger_path: Path,
    *,
    reason: str = "手动备份",
    folder: Path | None = None,
    when: datetime | None = None,
) -> Path:
    folder = folder or paths.backups_dir(ledger_path)
    when = when or datetime.now()
    target = folder / _name(ledger_path, reason, when)
    n = 1
    try:
        while target.exists():
            n += 1
            target = folder / _name(ledger_path, reason, when, n)
        dbfile.backup_to(conn, target)
    except (OSError, sqlite3.Error) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise LedgerError(
            f"备份没有完成（台账本身没有改动）：无法写入 {target}\n{why}\n"
            "请检查台账旁的 backups 文件夹是否可写、磁盘是否已满。"
        ) from exc
    try:
        rotate(ledger_path, folder)
    except OSError:
        pass  # an old backup that cannot be removed now is removed next time
    return target


def list_backups(ledger_path: Path, folder: Path | None = None) -> list[BackupFile]:
    folder = folder or paths.backups_dir(ledger_path)
    found: list[BackupFile] = []
    pattern = re.compile(
        rf"^{re.escape(ledger_path.stem)}-(\d{{8}}-\d{{6}})-(.+){re.escape(ledger_path.suffix or '.desk')}$"
    )
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match:
            found.append(
                BackupFile(
                    path,
                    datetime.strptime(match[1], "%Y%m%d-%H%M%S"),
                    match[2],
                    path.stat().st_size,
                )
            )
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def rotate(ledger_path: Path, folder: Path | None = None, keep: int | None = None) -> list[Path]:
    """Delete the oldest automatic backups beyond ``keep``; manual ones stay."""
    keep = KEEP if keep is None else keep
    automatic = [b for b in list_backups(ledger_path, folder) if not b.reason.startswith("手动")]
    removed = []
    for old in automatic[keep:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed
