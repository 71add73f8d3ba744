"""Which column fills which ledger field: suggested from the synonym table, confirmed by the
clerk, and remembered for the next file with the same heading."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from desk.exchange.sheets.fields import FIELDS, LEADS, PROJECTS, FieldSpec, header_key, required_groups, spec
from desk.exchange.sheets.table import Column, Table

EXACT = 100
CONTAINED = 50


@dataclass
class Mapping:
    """The clerk's answer: the kind of ledger (projects/leads) and column → field name."""

    kind: str
    fields: dict[int, str] = field(default_factory=dict)
    month: str | None = None  # "YYYY-MM" for the month's figures, when any are mapped

    def column_of(self, name: str) -> int | None:
        for column, field_name in self.fields.items():
            if field_name == name:
                return column
        return None

    def specs(self) -> dict[int, FieldSpec]:
        return {c: spec(self.kind, n) for c, n in self.fields.items()}

    def has_month_fields(self) -> bool:
        return any(s.record == "month" for s in self.specs().values())

    def missing_required(self) -> list[str]:
        """Labels of the required fields no column fills (one per group: 项目名称; 企业名称或客商姓名)."""
        mapped = set(self.fields.values())
        missing = []
        for group in required_groups(self.kind):
            if not mapped.intersection(group):
                missing.append("或".join(spec(self.kind, n).label for n in group))
        return missing

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "fields": {str(c): n for c, n in sorted(self.fields.items())}}

    @classmethod
    def from_json(cls, data: dict[str, Any], columns: list[Column]) -> Mapping | None:
        """A remembered mapping, if it still fits this table's columns and fields."""
        kind = data.get("kind")
        if kind not in FIELDS:
            return None
        known = {f.name for f in FIELDS[kind]}
        indexes = {c.index for c in columns}
        fields: dict[int, str] = {}
        for key, name in dict(data.get("fields", {})).items():
            if not str(key).isdigit() or int(key) not in indexes or name not in known:
                return None
            fields[int(key)] = name
        return cls(kind, fields)


@dataclass
class Suggestion:
    mapping: Mapping
    scores: dict[int, int]  # column → how sure (EXACT, CONTAINED+…)
    ambiguous: dict[int, list[str]]  # column → the fields it could equally be
    remembered: bool = False

    def unsure_columns(self) -> list[int]:
        return [c for c, s in self.scores.items() if s < EXACT]


def _candidates(column: Column) -> list[str]:
    parts = column.parts
    keys = [header_key(parts[-1])]
    if len(parts) > 1:
        keys += [header_key(parts[0] + parts[-1]), header_key(parts[-1] + parts[0])]
    return [k for k in keys if k]


@functools.cache
def _synonym_keys(field_spec: FieldSpec) -> tuple[str, ...]:
    """A field's synonyms and label in ``header_key`` form (worked out once per field)."""
    return tuple(header_key(s) for s in (*field_spec.synonyms, field_spec.label))


def _score(candidates: list[str], field_spec: FieldSpec) -> int:
    """How well a column whose heading keys are ``candidates`` fits the field."""
    best = 0
    synonyms = _synonym_keys(field_spec)
    for key in candidates:
        for synonym in synonyms:
            if not synonym:
                continue
            if key == synonym:
                return EXACT
            if synonym in key and len(synonym) >= 2:
                best = max(best, CONTAINED + len(synonym))
    return best


def score_table(table: Table, kind: str) -> dict[int, dict[str, int]]:
    """column → field → score, for every pair that scores at all."""
    result: dict[int, dict[str, int]] = {}
    for column in table.columns:
        if header_key(column.name) in ("序号", "排序"):
            continue
        candidates = _candidates(column)
        scores = {f.name: s for f in FIELDS[kind] if (s := _score(candidates, f))}
        if scores:
            result[column.index] = scores
    return result


def detect_kind(table: Table) -> str:
    totals = {}
    for kind in (PROJECTS, LEADS):
        scores = score_table(table, kind)
        totals[kind] = sum(max(s.values()) for s in scores.values())
    # Projects need a name column; a sheet of visits names companies and people.
    if totals[LEADS] > totals[PROJECTS]:
        return LEADS
    return PROJECTS


def suggest(table: Table, kind: str) -> Suggestion:
    """The best one-to-one assignment, most certain pairs first; ties are left to the clerk."""
    table_scores = score_table(table, kind)
    pairs = sorted(
        ((score, column, name) for column, scores in table_scores.items() for name, score in scores.items()),
        key=lambda p: (-p[0], p[1]),
    )
    fields: dict[int, str] = {}
    scores: dict[int, int] = {}
    ambiguous: dict[int, list[str]] = {}
    taken: set[str] = set()
    for score, column, name in pairs:
        if column in fields or column in ambiguous or name in taken:
            continue
        rivals = [n for n, s in table_scores[column].items() if s == score and n != name and n not in taken]
        if rivals and score < EXACT:
            ambiguous[column] = [name, *rivals]
            continue
        fields[column] = name
        scores[column] = score
        taken.add(name)
    return Suggestion(Mapping(kind, fields), scores, ambiguous)


def header_key_of(table: Table) -> str:
    """What identifies "a file with the same heading": the heading texts in column order."""
    signature = [[c.index, header_key(c.name)] for c in table.columns]
    return hashlib.sha256(json.dumps(signature, ensure_ascii=False).encode("utf-8")).hexdigest()
