"""Backups that cannot be taken: a Chinese message and an exit code, no half file, and the
action that wanted the backup first (an import) writes nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desk.cli import main
from desk.store import backup as backups
from desk.store import db as dbfile
from desk.store.errors import LedgerError
from desk.store.ledger import Ledger
from tests.conftest import DATA


def test_a_backup_folder_that_cannot_be_made_is_explained(demo_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    (demo_path.parent / "backups").write_text("不是文件夹")  # e.g. a file of that name on the USB stick
    assert main(["backup", "--ledger", str(demo_path)]) == LedgerError.exit_code
    err = capsys.readouterr().err
    assert "备份没有完成（台账本身没有改动）" in err and "backups" in err
    assert "程序内部错误" not in err and "Traceback" not in err


def test_an_import_whose_backup_fails_writes_nothing(demo_path: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    source = shutil.copy(DATA / "import" / "韩家店镇重点项目调度表.xlsx", tmp_path / "调度表.xlsx")
    with Ledger.open(demo_path) as ledger:
        before = ledger.count("projects"), ledger.count("audit_log")
    (demo_path.parent / "backups").write_text("")
    assert main(["import", str(source), "--ledger", str(demo_path)]) == LedgerError.exit_code
    err = capsys.readouterr().err
    assert "备份没有完成" in err and "程序内部错误" not in err
    with Ledger.open(demo_path) as ledger:
        assert (ledger.count("projects"), ledger.count("audit_log")) == before


def test_a_long_reason_still_makes_a_backup(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup", "--ledger", str(demo_path), "--reason", "月底核对" * 80]) == 0
    made = Path(capsys.readouterr().out.strip())
    assert made.is_file() and len(made.name.encode()) < 255
    with Ledger.open(made, readonly=True) as copy:
        assert copy.count("projects") == 120


def test_a_backup_that_fails_half_way_leaves_no_partial_file(demo: Ledger) -> None:
    class FullDisk:
        """A connection whose backup stops with the disk full after the target was created."""

        def backup(self, target: sqlite3.Connection) -> None:
            target.execute("CREATE TABLE half (x)")
            raise sqlite3.OperationalError("database or disk is full")

    folder = demo.path.parent / "backups"
    with pytest.raises(LedgerError, match="备份没有完成"):
        backups.take(FullDisk(), demo.path)  # type: ignore[arg-type]
    assert list(folder.iterdir()) == []
    with pytest.raises(sqlite3.OperationalError):
        dbfile.backup_to(FullDisk(), folder / "x.desk")  # type: ignore[arg-type]
    assert list(folder.iterdir()) == []
