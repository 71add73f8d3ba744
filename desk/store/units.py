"""Units: the district and its townships, streets and departments."""

from __future__ import annotations

from desk.core.errors import FieldError, NotFoundError, ValidationError
from desk.core.models import Unit
from desk.core.validation import unit_errors
from desk.store.repo import Repo


class UnitRepo(Repo[Unit]):
    table = "units"
    model = Unit
    noun = "单位"
    entity = "unit"
    validator = staticmethod(unit_errors)

    def all(self) -> list[Unit]:
        return self._select(order="sort_order, id")

    def by_name(self, name: str) -> Unit:
        found = self._select("name = ?", (name.strip(),))
        if not found:
            raise NotFoundError(f"找不到单位“{name}”")
        return found[0]

    def find_name(self, name: str) -> Unit | None:
        found = self._select("name = ?", (name.strip(),))
        return found[0] if found else None

    def children(self, parent_id: int) -> list[Unit]:
        return self._select("parent_id = ?", (parent_id,), order="sort_order, id")

    def add(self, obj: Unit, *, summary: str | None = None, audit: bool = True) -> Unit:
        if self.find_name(obj.name) is not None:
            raise ValidationError(FieldError("name", f"单位“{obj.name}”已存在"))
        return super().add(obj, summary=summary, audit=audit)

    def ensure(self, name: str, **kwargs: object) -> Unit:
        """The unit with this name, created if it does not exist yet."""
        return self.find_name(name) or self.add(Unit(name.strip(), **kwargs))  # type: ignore[arg-type]

    def names(self) -> dict[int, str]:
        return {u.id: u.name for u in self.all() if u.id is not None}
