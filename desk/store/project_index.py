"""An in-memory index answering ``ProjectFilter`` as the project table types (no SQL per keystroke).

SQL ``LIKE`` over five columns of 10,000 wide rows costs a table scan per keystroke, and
ordering by a text column another sort. The index keeps, per project, the few values the
filters look at, and per sort key the full order of all projects (one SQL query when
the clerk sorts); a search then walks that order keeping the matches — a few ms.

It answers exactly what ``ProjectRepo.search_ids`` answers (``tests/unit`` compares the
two); a filter with SQL ``extra`` clauses is passed on to ``search_ids``. Call
``invalidate()`` after the ledger changed.
"""

from __future__ import annotations

from typing import Any

from desk.store.ledger import Ledger
from desk.store.projects import MONTH_SORT_KEYS, SEARCH_COLUMNS, ProjectFilter

# Each entry is a plain tuple (10,000 dataclasses cost more to build than the query):
ID, UNIT, STAGE, CATEGORY, LEADER, CLASS, IN_STATISTICS, ARCHIVED, TEXT = range(9)
# (id, unit_id, stage, category, leader, project_class, in_statistics, archived, text)
Entry = tuple[Any, ...]


def fold(text: str) -> str:
    """SQLite's LIKE ignores the case of ASCII letters only."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class ProjectIndex:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.entries: dict[int, Entry] = {}
        self._orders: dict[tuple[str, bool, str | None], list[int]] = {}
        self._pool_texts: dict[tuple[str, bool, str | None], list[tuple[int, str]]] = {}
        self._reported: dict[str, set[int]] = {}
        self._count = 0
        self._loaded = False

    def invalidate(self) -> None:
        self._loaded = False
        self._orders.clear()
        self._pool_texts.clear()
        self._reported.clear()

    def _load(self) -> None:
        # SQLite's lower() folds ASCII only, as LIKE does; NUL separates the columns so a
        # word never matches across two of them.
        text = " || char(0) || ".join(SEARCH_COLUMNS)
        sql = (
            "SELECT id, unit_id, stage, category, leader, project_class, in_statistics, archived,"
            f" lower({text}) FROM projects"
        )
        entries: dict[int, Entry] = {row[0]: row for row in self.ledger.conn.execute(sql)}
        self.entries = entries
        self._count = sum(1 for e in entries.values() if not e[ARCHIVED])
        self._loaded = True

    def count(self) -> int:
        """Projects in the pool (not moved out)."""
        if not self._loaded:
            self._load()
        return self._count

    def _order(self, order_by: str, descending: bool, month: str | None) -> list[int]:
        key = (order_by, descending, month if order_by in MONTH_SORT_KEYS else None)
        found = self._orders.get(key)
        if found is None:
            everything = ProjectFilter(include_archived=True)
            found = self.ledger.projects.search_ids(everything, order_by, descending, month)
            self._orders[key] = found
        return found

    def _texts(self, order_by: str, descending: bool, month: str | None) -> list[tuple[int, str]]:
        """(id, searchable text) of the projects in the pool, in the order of that sort."""
        key = (order_by, descending, month if order_by in MONTH_SORT_KEYS else None)
        found = self._pool_texts.get(key)
        if found is None:
            e = self.entries
            found = [(i, e[i][TEXT]) for i in self._order(order_by, descending, month) if not e[i][ARCHIVED]]
            self._pool_texts[key] = found
        return found

    def _reported_in(self, month: str) -> set[int]:
        found = self._reported.get(month)
        if found is None:
            found = self.ledger.months.reported_ids(month)
            self._reported[month] = found
        return found

    def search(self, filter: ProjectFilter | None = None, order_by: str = "id", descending: bool = False,
               month: str | None = None) -> list[int]:
        """The same ids, in the same order, as ``ledger.projects.search_ids``.

        Each active condition narrows the ordered list with one comprehension (no function
        call per project): a keystroke over 10,000 projects costs a few milliseconds.
        """
        f = filter or ProjectFilter()
        if f.extra:
            return self.ledger.projects.search_ids(f, order_by, descending, month)
        if not self._loaded:
            self._load()
        e = self.entries
        ids = self._order(order_by, descending, month)
        words = [fold(w) for w in f.text.split()]
        if not f.include_archived and f.ids is None and words:
            # The common keystroke: walk (id, text) pairs of the pool, no lookup per project.
            pairs = self._texts(order_by, descending, month)
            first = words[0]
            ids = [i for i, text in pairs if first in text]
            words = words[1:]
        elif not f.include_archived:
            ids = [i for i, _ in self._texts(order_by, descending, month)]
        if f.ids is not None:
            wanted = f.ids
            ids = [i for i in ids if i in wanted]
        for word in words:
            ids = [i for i in ids if word in e[i][TEXT]]
        if f.unit_ids:
            units = f.unit_ids
            ids = [i for i in ids if e[i][UNIT] in units]
        if f.stages:
            stages = {s.value for s in f.stages}
            ids = [i for i in ids if e[i][STAGE] in stages]
        if f.categories:
            categories = {c.value for c in f.categories}
            ids = [i for i in ids if e[i][CATEGORY] in categories]
        if f.leaders:
            leaders = f.leaders
            ids = [i for i in ids if e[i][LEADER] in leaders]
        if f.classes:
            classes = {c.value for c in f.classes}
            ids = [i for i in ids if e[i][CLASS] in classes]
        if f.in_statistics is not None:
            wanted_flag = f.in_statistics
            ids = [i for i in ids if bool(e[i][IN_STATISTICS]) == wanted_flag]
        if f.not_updated_in:
            reported = self._reported_in(f.not_updated_in)
            ids = [i for i in ids if i not in reported]
        return ids
