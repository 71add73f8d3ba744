"""A ledger damaged where opening does not look (one table's pages): every command that reads
it says so in Chinese, names where the backups are, and exits with the corrupt-ledger code."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desk.cli import main
from desk.store.errors import LedgerCorrupt


def damage_table(path: Path, table: str) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size: root * page_size] = b"\xab" * page_size
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_table_is_reported_as_a_damaged_ledger(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damage_table(demo_path, "leads")
    assert main(["leads", "list", "--ledger", str(demo_path), "--json"]) == LedgerCorrupt.exit_code
    err = capsys.readouterr().err
    assert err.startswith("错误：台账文件已损坏") and str(demo_path.parent / "backups") in err
    assert "程序内部错误" not in err and "菜单" not in err


def test_the_advice_says_whether_there_is_a_backup_to_restore(demo_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    damage_table(demo_path, "leads")
    main(["leads", "list", "--ledger", str(demo_path), "--json"])
    assert "旁边没有备份" in capsys.readouterr().err  # no folder to send the clerk looking in

    other = demo_path.with_name("second.desk")
    demo_path.unlink()
    assert main(["demo", "--ledger", str(other), "--projects", "5"]) == 0
    assert main(["backup", "--ledger", str(other)]) == 0
    damage_table(other, "leads")
    capsys.readouterr()
    main(["leads", "list", "--ledger", str(other), "--json"])
    err = capsys.readouterr().err
    assert "请从备份恢复" in err and "没有备份" not in err


def test_info_check_reads_every_page(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["info", "--ledger", str(demo_path), "--json", "--check"]) == 0
    assert json.loads(capsys.readouterr().out)["integrity"] == "ok"
    damage_table(demo_path, "trips")  # a table that info itself never reads
    assert main(["info", "--ledger", str(demo_path), "--json"]) == 0  # without --check: not looked at
    capsys.readouterr()
    assert main(["info", "--ledger", str(demo_path), "--json", "--check"]) == LedgerCorrupt.exit_code
    err = capsys.readouterr().err
    assert "台账文件已损坏" in err and "程序内部错误" not in err
