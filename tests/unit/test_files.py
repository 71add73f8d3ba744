"""Opening ledger files: migrations, released schemas, and every kind of bad file.

A bad file gives a Chinese message and an exit code and is never changed on disk.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from desk.cli import main
from desk.store import migrate
from desk.store.backup import list_backups
from desk.store.errors import (
    LedgerCorrupt,
    LedgerNotFound,
    LedgerReadOnly,
    LedgerTooNew,
    MigrationFailed,
    NotALedger,
)
from desk.store.ledger import Ledger

DATA = Path(__file__).parent.parent / "data"
RELEASED = sorted(DATA.glob("ledger-v*.desk"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_fixture_exists_for_every_released_schema() -> None:
    versions = {int(p.stem.split("-v")[1]) for p in RELEASED}
    assert versions == set(range(1, migrate.latest_version() + 1))


@pytest.mark.parametrize("fixture", RELEASED, ids=lambda p: p.name)
def test_every_released_ledger_opens_and_reaches_the_latest_schema(fixture: Path, tmp_path: Path) -> None:
    path = tmp_path / fixture.name
    shutil.copyfile(fixture, path)
    with Ledger.open(path) as ledger:
        assert ledger.schema_version == migrate.latest_version()
        assert ledger.count("projects") > 0 and ledger.integrity_problems() == []
        assert ledger.unit.name


def test_new_ledger_uses_wal_full_sync_and_foreign_keys(empty: Ledger) -> None:
    conn = empty.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x4445534B
    with pytest.raises(sqlite3.IntegrityError):
        with empty.transaction():
            conn.execute("INSERT INTO projects (name, unit_id, category, stage, created_at, updated_at)"
                         " VALUES ('x', 999, 'industrial', 'reserve', '', '')")


def _fake_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra_sql: str) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    for m in migrate.migrations():
        shutil.copyfile(m.path, folder / m.path.name)
    (folder / f"{migrate.latest_version() + 1:04d}_test_step.sql").write_text(extra_sql, encoding="utf-8")
    migrate.migrations.cache_clear()
    monkeypatch.setattr("desk.paths.migrations_dir", lambda: folder)


def test_migration_takes_a_backup_and_applies(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_migrations(tmp_path, monkeypatch, "ALTER TABLE projects ADD COLUMN test_column TEXT;\n")
    try:
        with Ledger.open(demo_path) as ledger:
            assert ledger.schema_version == 2
            assert "test_column" in {r[1] for r in ledger.conn.execute("PRAGMA table_info(projects)")}
        backups = list_backups(demo_path)
        assert len(backups) == 1 and "v1" in backups[0].reason
        old = sqlite3.connect(backups[0].path)
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert old.execute("SELECT count(*) FROM projects").fetchone()[0] > 0
        old.close()
    finally:
        migrate.migrations.cache_clear()


def test_a_failing_migration_rolls_everything_back(demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_migrations(
        tmp_path, monkeypatch,
        "ALTER TABLE projects ADD COLUMN test_column TEXT;\nUPDATE projects SET name = NULL;\n",
    )
    try:
        with pytest.raises(MigrationFailed, match="台账保持原样"):
            Ledger.open(demo_path)
        conn = sqlite3.connect(demo_path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "test_column" not in {r[1] for r in conn.execute("PRAGMA table_info(projects)")}
        conn.close()
    finally:
        migrate.migrations.cache_clear()


def make_newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrate.latest_version() + 5}")
    conn.commit()
    conn.close()


def bad_files(tmp_path: Path, demo_path: Path) -> dict[str, tuple[Path, type[Exception], str]]:
    text = tmp_path / "notes.desk"
    text.write_text("这不是数据库" * 50, encoding="utf-8")
    empty = tmp_path / "empty.desk"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.desk"
    data = demo_path.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    corrupt = tmp_path / "corrupt.desk"
    raw = bytearray(data)
    raw[16:18] = b"\x00\x03"  # an impossible page size
    corrupt.write_bytes(bytes(raw))
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    blank = tmp_path / "blank.db"
    sqlite3.connect(blank).execute("PRAGMA user_version = 0").connection.close()
    blank.write_bytes(b"SQLite format 3\x00" + b"\x10\x00" + b"\x01\x01\x00\x40\x20\x20" + bytes(4096 - 24))
    newer = tmp_path / "newer.desk"
    shutil.copyfile(demo_path, newer)
    make_newer(newer)
    return {
        "text": (text, NotALedger, "不是 Desk 台账"),
        "empty": (empty, NotALedger, "空的"),
        "truncated": (truncated, LedgerCorrupt, "不完整"),
        "corrupt": (corrupt, LedgerCorrupt, "损坏"),
        "other": (other, NotALedger, "其他程序"),
        "newer": (newer, LedgerTooNew, "更新版本"),
        "missing": (tmp_path / "nowhere.desk", LedgerNotFound, "不存在"),
        "missing_folder": (tmp_path / "no" / "such" / "folder.desk", LedgerNotFound, "文件夹不存在"),
        "folder": (tmp_path, NotALedger, "文件夹"),
    }


@pytest.mark.parametrize("case", ["text", "empty", "truncated", "corrupt", "other", "newer", "missing",
                                  "missing_folder", "folder"])
def test_bad_files_are_refused_in_chinese_and_left_untouched(
    case: str, tmp_path: Path, demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, error, words = bad_files(tmp_path, demo_path)[case]
    before = digest(path) if path.is_file() else None
    siblings = sorted(p.name for p in path.parent.iterdir()) if path.parent.is_dir() else None
    with pytest.raises(error, match=words):
        Ledger.open(path)
    code = main(["info", "--ledger", str(path), "--json"])
    err = capsys.readouterr().err
    assert code == error.exit_code and code != 0
    assert err.startswith("错误：") and words in err
    if before is not None:
        assert digest(path) == before
    if siblings is not None:
        assert sorted(p.name for p in path.parent.iterdir()) == siblings


def test_read_only_ledger_is_refused_for_writing_but_readable(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_path.chmod(stat.S_IRUSR)
    if sys.platform != "win32" and os.geteuid() == 0:  # root may write anyway: say it is read-only
        monkeypatch.setattr("desk.store.ledger._writable", lambda path: False)
    before = digest(demo_path)
    with pytest.raises(LedgerReadOnly, match="只读"):
        Ledger.open(demo_path)
    assert main(["info", "--ledger", str(demo_path), "--json"]) == 0
    assert main(["backup", "--ledger", str(demo_path)]) == 0  # a backup only reads it
    assert digest(demo_path) == before and len(list((demo_path.parent / "backups").iterdir())) == 1


def test_read_only_open_refuses_writes(demo_path: Path) -> None:
    with Ledger.open(demo_path, readonly=True) as ledger:
        with pytest.raises(LedgerReadOnly):
            ledger.set_setting("clerk_name", "x")


def test_create_refuses_to_overwrite(demo_path: Path) -> None:
    before = digest(demo_path)
    with pytest.raises(Exception, match="不会覆盖"):
        Ledger.create(demo_path, "某镇")
    assert digest(demo_path) == before


def test_backup_is_a_complete_ledger_and_rotates(demo: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    from desk.store import backup

    monkeypatch.setattr(backup, "KEEP", 3)
    first = demo.backup("手动备份")
    for _ in range(5):
        backup.take(demo.conn, demo.path, reason="自动")
    found = list_backups(demo.path)
    assert first in [b.path for b in found]
    assert len([b for b in found if b.reason.startswith("自动")]) == 3
    with Ledger.open(first, readonly=True) as copy:
        assert copy.count("projects") == demo.count("projects")


@pytest.mark.parametrize("fixture", RELEASED, ids=lambda p: p.name)
def test_released_ledgers_carry_usable_rule_profiles(fixture: Path, tmp_path: Path) -> None:
    from desk.store.recognition import current_profile

    path = tmp_path / fixture.name
    shutil.copyfile(fixture, path)
    with Ledger.open(path) as ledger:
        assert current_profile(ledger).name == ledger.profile_name
