"""A repository per table: get, list, add, update, delete — each audited, each one transaction."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from desk.core.errors import FieldError, NotFoundError, ValidationError
from desk.store.bulk import insert_objects
from desk.store.mapping import column_names, diff, from_values, to_row

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

T = TypeVar("T")


class Repo(Generic[T]):
    table: str = ""
    model: type[T]
    noun: str = "记录"  # what a clerk calls one row ("项目", "线索" …)
    entity: str = ""  # the audit log's entity name
    # A staticmethod returning every problem with a row (desk.core.validation).
    validator: Callable[[T], list[FieldError]] | None = None

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._columns = column_names(self.model)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.ledger.conn

    # -------------------------------------------------------------- reading
    def _select(self, where: str = "", params: Sequence[Any] = (), order: str = "id") -> list[T]:
        sql = f"SELECT {', '.join(self._columns)} FROM {self.table}"
        if where:
            sql += f" WHERE {where}"
        if order:
            sql += f" ORDER BY {order}"
        cur = self.conn.execute(sql, tuple(params))
        model = self.model
        return [from_values(model, row) for row in cur]

    def get(self, id: int) -> T:
        found = self._select("id = ?", (id,))
        if not found:
            raise NotFoundError(f"找不到{self.noun}（编号 {id}），可能已被删除")
        return found[0]

    def maybe(self, id: int | None) -> T | None:
        if id is None:
            return None
        found = self._select("id = ?", (id,))
        return found[0] if found else None

    def all(self) -> list[T]:
        return self._select()

    def where(self, where: str, params: Sequence[Any] = (), order: str = "id") -> list[T]:
        return self._select(where, params, order)

    def count(self, where: str = "", params: Sequence[Any] = ()) -> int:
        return self.ledger.count(self.table, where, tuple(params))

    # -------------------------------------------------------------- writing
    def describe(self, obj: T) -> str:
        """How a clerk names this row in the audit log."""
        for attr in ("name", "title", "company", "person_name"):
            value = getattr(obj, attr, "")
            if value:
                return f"{self.noun}“{value}”"
        return self.noun

    def audit_target(self, obj: T) -> tuple[str, int | None]:
        """The entity a change is filed under (a project's months file under the project)."""
        return self.entity or self.table, getattr(obj, "id", None)

    def validate(self, obj: T) -> None:
        if self.validator is not None:
            errors = self.validator(obj)
            if errors:
                raise ValidationError(errors, f"{self.describe(obj)}填写有误")

    def stamp(self, obj: T, *, created: bool) -> T:
        now = self.ledger.now()
        changes: dict[str, Any] = {}
        names = {f.name for f in dataclasses.fields(obj)}  # type: ignore[arg-type]
        if "updated_at" in names:
            changes["updated_at"] = now
        for name in ("created_at", "imported_at"):
            if created and name in names and getattr(obj, name) is None:
                changes[name] = now
        return dataclasses.replace(obj, **changes) if changes else obj  # type: ignore[type-var]

    def add(self, obj: T, *, summary: str | None = None, audit: bool = True) -> T:
        self.validate(obj)
        obj = self.stamp(obj, created=True)
        with self.ledger.transaction():
            # sqlite-utils writes inside the action's transaction (as a savepoint), never
            # altering the table: a column the schema lacks is a bug, not a migration.
            table = self.ledger.db.table(self.table).insert(to_row(obj), alter=False)
            obj = dataclasses.replace(obj, id=table.last_rowid)  # type: ignore[type-var]
            if audit:
                entity, entity_id = self.audit_target(obj)
                self.ledger.audit(
                    "create", entity, entity_id, summary or f"新增{self.describe(obj)}",
                    diff(None, obj),
                )
        return obj

    def add_many(self, objs: Iterable[T], *, summary: str) -> int:
        """Bulk insert without one audit entry per row (demo, import): one summary entry."""
        stamped = []
        for obj in objs:
            self.validate(obj)
            stamped.append(self.stamp(obj, created=True))
        if not stamped:
            return 0
        with self.ledger.transaction():
            insert_objects(self.conn, self.table, stamped)
            self.ledger.audit("bulk_create", self.entity or self.table, None, summary, {})
        return len(stamped)

    def update(self, obj: T, *, summary: str | None = None) -> T:
        id = getattr(obj, "id", None)
        if id is None:
            raise ValueError("update() needs an object that has been saved")
        self.validate(obj)
        with self.ledger.transaction():
            old = self.get(id)
            changes = diff(old, obj)
            if not changes:
                return old
            obj = self.stamp(obj, created=False)
            self.ledger.db.table(self.table).update(id, to_row(obj), alter=False)
            entity, entity_id = self.audit_target(obj)
            self.ledger.audit(
                "update", entity, entity_id, summary or f"修改{self.describe(obj)}", changes
            )
        return obj

    def delete(self, id: int, *, summary: str | None = None) -> None:
        with self.ledger.transaction():
            old = self.get(id)
            self.ledger.db.table(self.table).delete(id)
            entity, entity_id = self.audit_target(old)
            self.ledger.audit(
                "delete", entity, entity_id, summary or f"删除{self.describe(old)}",
                {k: [v[1], None] for k, v in diff(None, old).items()},
            )
