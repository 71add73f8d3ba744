"""Inserting many rows at once, for imports: multi-row ``INSERT … VALUES (…), (…)``.

``executemany`` runs the statement once per row, and the schema's ``CHECK (x IN (…))``
constraints then build their lookup of allowed values again for every row; a statement of
a few hundred rows pays that once per statement. Rows go in in order, so a table's new
``INTEGER PRIMARY KEY`` ids are handed out in the order of ``rows``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from desk.store.mapping import _identity, columns

# SQLite's default limit of bound parameters per statement (SQLITE_MAX_VARIABLE_NUMBER);
# a build may allow more, none that Desk runs on allows fewer.
MAX_PARAMETERS = 32_766
MAX_ROWS_PER_STATEMENT = 500


def insert_rows(conn: sqlite3.Connection, table: str, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (each a value per name in ``names``) into ``table``, in order."""
    if not rows:
        return
    width = len(names)
    per_statement = max(1, min(MAX_ROWS_PER_STATEMENT, MAX_PARAMETERS // width))
    head = f"INSERT INTO {table} ({', '.join(names)}) VALUES "
    one = "(" + ", ".join("?" * width) + ")"
    statements: dict[int, str] = {}
    for start in range(0, len(rows), per_statement):
        chunk = rows[start:start + per_statement]
        sql = statements.get(len(chunk))
        if sql is None:
            sql = statements[len(chunk)] = head + ", ".join([one] * len(chunk))
        conn.execute(sql, [value for row in chunk for value in row])


def insert_objects(conn: sqlite3.Connection, table: str, objs: Sequence[Any]) -> None:
    """Insert new dataclass rows (all of one model, without ids): ``to_row`` per object,
    without the dicts and without calling the converters of plain columns."""
    if not objs:
        return
    model: Any = type(objs[0])
    cols = [c for c in columns(model) if c.field != "id"]
    fetch = attrgetter(*(c.field for c in cols))
    converted = [(i, c.to_db) for i, c in enumerate(cols) if c.to_db is not _identity]
    # Stage, category, the import's timestamp, empty flags …: the same few values row after row.
    caches: list[dict[Any, Any]] = [{} for _ in converted]
    rows = []
    for obj in objs:
        values = list(fetch(obj))
        for (i, convert), cache in zip(converted, caches, strict=True):
            value = values[i]
            if value is None:
                continue
            try:
                values[i] = cache[value]
            except KeyError:
                values[i] = cache[value] = convert(value)
        rows.append(values)
    insert_rows(conn, table, [c.column for c in cols], rows)
