"""Opening a ledger file safely.

A ledger is a SQLite file with ``PRAGMA application_id = DESK_APP_ID``. It is opened in
WAL mode with ``synchronous=FULL`` (a committed entry survives a pulled power plug) and
foreign keys on. Before SQLite touches a file we check that it is one: a wrong file is
refused without being changed.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from pathlib import Path, PurePath

from desk.store.errors import (
    LedgerCorrupt,
    LedgerError,
    LedgerNotFound,
    LedgerReadOnly,
    NotALedger,
    from_sqlite,
    restore_hint,
)

DESK_APP_ID = 0x4445534B  # "DESK"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def check_file(path: Path) -> str:
    """Classify ``path`` before opening: ``"missing"``, ``"empty"`` or ``"sqlite"``.

    Raises a :class:`LedgerError` for a folder, an unreadable file, a file that is not
    SQLite, or a truncated SQLite file.
    """
    if not path.exists():
        if not path.parent.is_dir():
            raise LedgerNotFound(f"文件夹不存在：{path.parent}\n请先建立该文件夹，或换一个位置。")
        return "missing"
    if path.is_dir():
        raise NotALedger(f"这是一个文件夹，不是台账文件：{path}")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(100)
    except PermissionError:
        raise LedgerReadOnly(f"没有权限读取台账文件：{path}") from None
    except OSError as exc:
        raise LedgerError(f"无法读取台账文件：{path}\n{exc.strerror or exc}") from None
    if size == 0:
        return "empty"
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise NotALedger(f"这个文件不是 Desk 台账（也不是 SQLite 数据库）：{path}")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, page_count, valid_for = (
        struct.unpack(">I", header[24:28])[0],
        struct.unpack(">I", header[28:32])[0],
        struct.unpack(">I", header[92:96])[0],
    )
    if page_size < 512 or page_size & (page_size - 1):
        raise LedgerCorrupt(f"台账文件已损坏（文件头无效）：{path}\n{restore_hint(path)}")
    if valid_for == change_counter and page_count and size < page_count * page_size:
        raise LedgerCorrupt(
            f"台账文件不完整（可能复制中断或磁盘出错）：{path}\n"
            f"应有 {page_count * page_size} 字节，实际只有 {size} 字节。{restore_hint(path)}"
        )
    return "sqlite"


def sqlite_uri(path: PurePath) -> str:
    """A ``file:`` URI for an absolute path that SQLite accepts on every system.

    ``as_uri()`` writes a Windows network path (``\\\\server\\share\\台账.desk``, and a mapped
    drive after ``resolve()``) as ``file://server/share/…``; SQLite refuses any URI authority,
    so such paths get the authority-less form ``file:////server/share/…``. Characters such
    as ``#``, ``?``, ``%``, spaces and Chinese are percent-encoded by ``as_uri()``.
    """
    uri = path.as_uri()
    if not uri.startswith("file:///"):
        uri = "file:////" + uri.removeprefix("file://")
    return uri


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open a connection with Desk's pragmas. The file must already have passed check_file."""
    try:
        if readonly:
            uri = sqlite_uri(path.resolve()) + "?mode=ro"
            wal = path.with_name(path.name + "-wal")
            if not wal.exists() or not os.access(path.parent, os.W_OK):
                # No other connection is writing (it would keep a -wal file beside the
                # ledger), so read the file as immutable: SQLite then creates no -wal/-shm
                # files and a read leaves the folder exactly as it was.
                uri += "&immutable=1"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            conn = sqlite3.connect(str(path), check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.close()
                raise LedgerError(f"无法以 WAL 模式打开台账：{path}（当前为 {mode}）")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -32000")
        return conn
    except sqlite3.Error as exc:
        raise (from_sqlite(exc, path) or LedgerError(f"无法打开台账：{path}\n{exc}")) from exc


def schema_objects(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])


def application_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA application_id").fetchone()[0])


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def backup_to(conn: sqlite3.Connection, target: Path) -> Path:
    """Copy the live database to ``target`` with SQLite's backup API (never a file copy)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        dest = sqlite3.connect(str(partial))
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target
