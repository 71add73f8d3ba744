"""Dataclass ⇄ row conversion, driven by the field types of ``desk.core.models``.

* ``Decimal`` fields ending ``_wan`` ⇄ integer 元 columns ending ``_yuan``;
  ``_wusd`` ⇄ integer 美元 ``_usd``; other ``Decimal`` fields ⇄ exact decimal text.
* enums ⇄ their value; ``frozenset`` of enums ⇄ a sorted JSON list; ``list``/``dict`` ⇄ JSON;
  ``date``/``datetime`` ⇄ ISO text; ``bool`` ⇄ 0/1.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from desk.core.money import tidy, wan_to_yuan, yuan_to_wan

T = TypeVar("T")
Convert = Callable[[Any], Any]


@dataclasses.dataclass(frozen=True)
class Column:
    field: str
    column: str
    to_db: Convert
    from_db: Convert


def _identity(value: Any) -> Any:
    return value


def _optional(fn: Convert) -> Convert:
    def wrapped(value: Any) -> Any:
        return None if value is None else fn(value)

    wrapped.inner = fn  # type: ignore[attr-defined]  # from_row calls it directly, skipping None itself
    return wrapped


def _unwrap_optional(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _column_for(name: str, hint: Any) -> Column:
    base = _unwrap_optional(hint)
    origin = typing.get_origin(base)
    if base is Decimal and name.endswith("_wan"):
        return Column(name, name[: -len("_wan")] + "_yuan", _optional(wan_to_yuan), _optional(yuan_to_wan))
    if base is Decimal and name.endswith("_wusd"):
        return Column(name, name[: -len("_wusd")] + "_usd", _optional(wan_to_yuan), _optional(yuan_to_wan))
    if base is Decimal:
        return Column(name, name, _optional(lambda v: format(v, "f")), _optional(Decimal))
    if base is bool:
        return Column(name, name, _optional(int), _optional(bool))
    if base is datetime:
        return Column(
            name,
            name,
            _optional(lambda v: v.isoformat(timespec="seconds")),
            _optional(datetime.fromisoformat),
        )
    if base is date:
        return Column(name, name, _optional(date.isoformat), _optional(date.fromisoformat))
    if isinstance(base, type) and issubclass(base, Enum):
        enum_type = base
        return Column(name, name, _optional(lambda v: v.value), _optional(enum_type))
    if origin is frozenset:
        (item,) = typing.get_args(base)
        return Column(
            name,
            name,
            lambda v: json.dumps(sorted(x.value for x in v or ())),
            lambda v: frozenset(item(x) for x in json.loads(v or "[]")),
        )
    if origin in (list, dict) or base in (list, dict):
        empty = "[]" if (origin or base) is list else "{}"
        return Column(
            name,
            name,
            lambda v: json.dumps(v, ensure_ascii=False),
            lambda v: json.loads(v or empty),
        )
    return Column(name, name, _identity, _identity)


_COLUMNS: dict[type, tuple[Column, ...]] = {}


def columns(cls: type) -> tuple[Column, ...]:
    """The columns of a model class (worked out once per class)."""
    found = _COLUMNS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        found = _COLUMNS[cls] = tuple(_column_for(f.name, hints[f.name]) for f in dataclasses.fields(cls))
    return found


def to_row(obj: Any, *, with_id: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for col in columns(type(obj)):
        if col.field == "id" and not with_id:
            continue
        row[col.column] = col.to_db(getattr(obj, col.field))
    return row


# Per model class: (field, column, converter or None, whether None is passed to it). Reading
# rows is the hot path (a month's submission maps tens of thousands), so plain columns skip
# the converter call and optional ones the wrapper.
_Reader = tuple[str, str, Convert | None, bool]
_READERS: dict[type, tuple[_Reader, ...]] = {}


def _readers(cls: type) -> tuple[_Reader, ...]:
    found = _READERS.get(cls)
    if found is None:
        found = _READERS[cls] = tuple(
            (col.field, col.column, None if col.from_db is _identity else getattr(col.from_db, "inner", col.from_db),
             not hasattr(col.from_db, "inner"))
            for col in columns(cls)
        )
    return found


def from_row(cls: type[T], row: Mapping[str, Any]) -> T:
    kwargs = {}
    for field, column, convert, with_none in _readers(cls):
        if column in row:
            value = row[column]
            if convert is not None and (with_none or value is not None):
                value = convert(value)
            kwargs[field] = value
    return cls(**kwargs)


def from_values(cls: type[T], values: Sequence[Any]) -> T:
    """A model from a row of *every* column, in ``column_names(cls)`` order (no dict per row)."""
    kwargs = {}
    for (field, _column, convert, with_none), value in zip(_readers(cls), values, strict=True):
        if convert is not None and (with_none or value is not None):
            value = convert(value)
        kwargs[field] = value
    return cls(**kwargs)


def column_names(cls: type) -> list[str]:
    return [c.column for c in columns(cls)]


def plain(value: Any) -> Any:
    """A JSON-friendly form of a field value, for the audit log and for --json output."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(tidy(value), "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (frozenset, set)):
        return sorted(plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return str(value)


def diff(old: Any, new: Any, ignore: tuple[str, ...] = ("updated_at", "created_at")) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field that differs."""
    changes: dict[str, list[Any]] = {}
    for f in dataclasses.fields(new):
        if f.name in ignore or f.name == "id":
            continue
        a = plain(getattr(old, f.name)) if old is not None else None
        b = plain(getattr(new, f.name))
        if a != b:
            changes[f.name] = [a, b]
    return changes
