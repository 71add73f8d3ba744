"""Schema migrations: ``db/migrations/NNNN_name.sql`` applied in order on ``PRAGMA user_version``.

As in calibre: all pending steps run inside one ``BEGIN EXCLUSIVE`` and any failure rolls
every step back, so a ledger is either fully at the old version or fully at the new one.
A backup (SQLite backup API) is taken first, and a ledger written by a newer Desk is
refused rather than touched.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from desk import paths
from desk.store.db import DESK_APP_ID, application_id, user_version
from desk.store.errors import LedgerTooNew, MigrationFailed

_NAME_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    def statements(self) -> list[str]:
        return split_statements(self.path.read_text(encoding="utf-8"))


@cache
def migrations() -> tuple[Migration, ...]:
    found: list[Migration] = []
    for path in sorted(paths.migrations_dir().glob("*.sql")):
        match = _NAME_RE.match(path.name)
        if match:
            found.append(Migration(int(match[1]), path))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return tuple(found)


def latest_version() -> int:
    return len(migrations())


def split_statements(script: str) -> list[str]:
    """Split a SQL script into complete statements (executescript would COMMIT first)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("--")):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise RuntimeError(f"incomplete SQL statement at the end of a migration: {buffer[:80]!r}")
    return statements


def check_version(conn: sqlite3.Connection, path: Path | str) -> int:
    """The ledger's schema version; refuses a ledger from a newer Desk."""
    version = user_version(conn)
    if version > latest_version():
        from desk import __version__

        raise LedgerTooNew(
            f"这个台账由更新版本的 Desk 建立（台账结构版本 {version}，"
            f"本程序 {__version__} 只支持到版本 {latest_version()}）：{path}\n"
            "请升级 Desk 后再打开；本程序没有改动该文件。"
        )
    return version


def pending(conn: sqlite3.Connection) -> list[Migration]:
    version = user_version(conn)
    return [m for m in migrations() if m.version > version]


def apply(conn: sqlite3.Connection, path: Path | str, target: int | None = None) -> int:
    """Apply pending migrations (up to ``target``) atomically; returns the new version."""
    check_version(conn, path)
    steps = [m for m in pending(conn) if target is None or m.version <= target]
    if not steps:
        return user_version(conn)
    if conn.in_transaction:
        raise RuntimeError("migrations must start outside a transaction")
    conn.execute("BEGIN EXCLUSIVE")
    try:
        if application_id(conn) == 0:
            conn.execute(f"PRAGMA application_id = {DESK_APP_ID}")
        for step in steps:
            for statement in step.statements():
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step.version}")
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise sqlite3.IntegrityError(f"foreign key check failed: {problems[:5]}")
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.execute("ROLLBACK")
        raise MigrationFailed(
            f"升级台账结构失败（版本 {steps[0].version}→{steps[-1].version}），"
            f"台账保持原样：{path}\n{exc}"
        ) from exc
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return user_version(conn)
