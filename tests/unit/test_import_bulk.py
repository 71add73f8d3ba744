"""Bulk inserts for imports: many rows per statement, in order, exactly as ``to_row`` writes them."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from decimal import Decimal

import pytest

from desk.core.glossary import Category, Stage
from desk.core.models import Project
from desk.store import bulk
from desk.store.ledger import Ledger
from desk.store.mapping import to_row


def test_rows_go_in_in_order_across_statements() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)")
    rows = [(f"r{n}", n) for n in range(bulk.MAX_ROWS_PER_STATEMENT * 2 + 7)]
    bulk.insert_rows(conn, "t", ("a", "b"), rows)
    bulk.insert_rows(conn, "t", ("a", "b"), [])
    assert conn.execute("SELECT a, b FROM t ORDER BY id").fetchall() == rows


def test_wide_rows_stay_under_the_parameter_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "MAX_PARAMETERS", 10)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a, b, c, d)")
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 10)
    rows = [(n, n, n, n) for n in range(9)]
    bulk.insert_rows(conn, "t", ("a", "b", "c", "d"), rows)
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 9


def test_objects_are_written_as_to_row_writes_them(empty: Ledger) -> None:
    when = datetime(2026, 10, 5, 9, 30)
    projects = [
        Project(name=f"项目{n}", unit_id=empty.unit_id, category=Category.SERVICE, stage=Stage.CONSTRUCTION,
                total_investment_wan=Decimal("1200.5") + n, year_plan_wan=None if n % 2 else Decimal(80),
                in_statistics=bool(n % 3), created_at=when, updated_at=when)
        for n in range(3)
    ]
    with empty.transaction():
        bulk.insert_objects(empty.conn, "projects", projects)
    cur = empty.conn.execute("SELECT * FROM projects ORDER BY id")
    names = [d[0] for d in cur.description]
    written = [{k: v for k, v in zip(names, row, strict=True) if k != "id"} for row in cur]
    assert written == [to_row(p) for p in projects]


def test_a_refused_row_fails_the_whole_statement(empty: Ledger) -> None:
    bad = Project(name="  ", unit_id=empty.unit_id, created_at=datetime(2026, 10, 5), updated_at=datetime(2026, 10, 5))
    good = Project(name="好项目", unit_id=empty.unit_id, created_at=bad.created_at, updated_at=bad.updated_at)
    with pytest.raises(sqlite3.IntegrityError), empty.transaction():
        bulk.insert_objects(empty.conn, "projects", [good, bad])
    assert empty.count("projects") == 0


def test_unhashable_values_are_converted_one_by_one() -> None:
    assert bulk._converted([[1], None, [1]], json.dumps) == ["[1]", None, "[1]"]
