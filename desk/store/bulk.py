"""Inserting many rows at once, for imports: multi-row ``INSERT … VALUES (…), (…)``.

``executemany`` runs the statement once per row, and the schema's ``CHECK (x IN (…))``
constraints then build their lookup of allowed values again for every row; a statement of
a few hundred rows pays that once per statement. Rows go in in order, so a table's new
``INTEGER PRIMARY KEY`` ids are handed out in the order of ``rows``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from itertools import chain
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
        conn.execute(sql, list(chain.from_iterable(chunk)))


def insert_objects(conn: sqlite3.Connection, table: str, objs: Sequence[Any]) -> None:
    """Insert new dataclass rows (all of one model, without ids) as ``to_row`` would write
    them, converting column by column and each distinct value once."""
    if not objs:
        return
    model: Any = type(objs[0])
    cols = [c for c in columns(model) if c.field != "id"]
    by_column: list[Sequence[Any]] = list(zip(*map(attrgetter(*(c.field for c in cols)), objs), strict=True))
    for i, col in enumerate(cols):
        values = by_column[i]
        if col.to_db is not _identity and values.count(None) != len(values):  # an all-empty column stays so
            by_column[i] = _converted(values, col.to_db)
    insert_rows(conn, table, [c.column for c in cols], list(zip(*by_column, strict=True)))


class _Memo(dict[Any, Any]):
    """A converter's results by value: stage, category, the import's timestamp, empty flags …
    are the same few values row after row."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        result = self[value] = self.convert(value)
        return result


def _converted(values: Sequence[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """``values`` through ``convert``, ``None`` kept as it is."""
    memo = _Memo(convert)
    try:
        return [None if value is None else memo[value] for value in values]
    except TypeError:  # an unhashable value (a list): convert each one
        return [None if value is None else convert(value) for value in values]
