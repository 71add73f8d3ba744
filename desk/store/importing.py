"""Applying a spreadsheet import to the ledger: backup first, then one transaction.

The plan is built again inside the transaction from the same table and mapping, so what
is written is what was checked against the ledger as it is at that moment. Any problem,
and nothing is written. The audit log records the file's name and SHA-256.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desk.core import collector
from desk.core.errors import FieldError, ValidationError
from desk.core.models import Lead, Project, ProjectMonth
from desk.exchange.sheets.errors import MappingIncomplete
from desk.exchange.sheets.fields import KIND_LABELS, LEADS, PROJECTS, required_groups, spec
from desk.exchange.sheets.mapping import Mapping, Suggestion, detect_kind, header_key_of, suggest
from desk.exchange.sheets.plan import CREATE, UPDATE, Existing, ImportPlan, build_plan
from desk.exchange.sheets.table import Table, title_month
from desk.store.bulk import insert_objects, insert_rows

if TYPE_CHECKING:
    from desk.store.ledger import Ledger

Report = Callable[[str, int, int], None]


class ImportRefused(ValidationError):
    """The sheet has problems; nothing was written. ``plan`` holds every one of them."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        errors = [FieldError("", e.message, f"第 {e.row} 行" + (f" {e.letter}列“{e.column}”" if e.column else ""))
                  if e.row else FieldError("", e.message) for e in plan.errors[:20]]
        more = len(plan.errors) - len(errors)
        title = f"表格中有 {len(plan.errors)} 处问题，没有导入任何内容"
        if more:
            title += f"（只列出前 20 处，另有 {more} 处）"
        super().__init__(errors, title)


@dataclass(frozen=True)
class ImportSource:
    """Where the table came from, for the audit log."""

    file_name: str
    sha256: str

    @classmethod
    def of(cls, path: Path | str, sha256: str) -> ImportSource:
        return cls(Path(path).name, sha256)


@dataclass
class ImportResult:
    plan: ImportPlan
    backup: Path | None
    created: int
    updated: int


def existing_for(ledger: Ledger, kind: str, month: str | None = None) -> Existing:
    existing = Existing(
        default_unit_id=ledger.unit_id,
        units=ledger.units.names(),
        locked_months=frozenset(
            r[0] for r in ledger.conn.execute(
                "SELECT DISTINCT month FROM submissions s WHERE unit_id = ? AND status = 'submitted'"
                " AND version = (SELECT max(version) FROM submissions t WHERE t.unit_id = s.unit_id"
                " AND t.month = s.month)", (ledger.unit_id,))
        ),
    )
    if kind == PROJECTS:
        existing.projects = ledger.projects.all()
        if month:
            existing.month_records = {r.project_id: r for r in ledger.months.of_month(month)}
    else:
        existing.leads = ledger.leads.all()
    return existing


def plan_import(ledger: Ledger, table: Table, mapping: Mapping) -> ImportPlan:
    """The dry run: what would be created and updated, and every problem. Writes nothing."""
    return build_plan(table, mapping, existing_for(ledger, mapping.kind, mapping.month))


@collector.paused()
def apply_import(
    ledger: Ledger, table: Table, mapping: Mapping, source: ImportSource, *,
    progress: Report | None = None, backup: bool = True,
) -> ImportResult:
    """Import for real: all rows or none. Raises :class:`ImportRefused` when any row is wrong."""
    report = progress or (lambda label, done, total: None)
    report("正在检查表格…", 0, 0)
    seen = _ledger_state(ledger)
    plan = plan_import(ledger, table, mapping)
    if plan.errors:
        raise ImportRefused(plan)
    report("正在备份台账…", 0, 0)
    backup_path = ledger.backup("导入前") if backup else None
    report("正在写入台账…", 0, len(plan.rows))
    with ledger.transaction():
        if _ledger_state(ledger) != seen:  # someone wrote meanwhile: check again under the write lock
            plan = plan_import(ledger, table, mapping)
            if plan.errors:
                raise ImportRefused(plan)
        if plan.kind == PROJECTS:
            _write_projects(ledger, plan, source, report)
        else:
            _write_leads(ledger, plan, source, report)
        ledger.audit(
            "import", plan.kind, None,
            f"导入表格“{source.file_name}”（{KIND_LABELS[plan.kind]}，工作表“{plan.sheet}”）："
            f"新建 {plan.created} 条，更新 {plan.updated} 条",
            {"file": [None, source.file_name], "sha256": [None, source.sha256], "sheet": [None, plan.sheet],
             "created": [None, plan.created], "updated": [None, plan.updated]},
        )
        remember_mapping(ledger, table, mapping)
    return ImportResult(plan, backup_path, plan.created, plan.updated)


def _ledger_state(ledger: Ledger) -> tuple[int, int]:
    """Changes when any connection writes: the data version and the newest audit entry."""
    version = ledger.conn.execute("PRAGMA data_version").fetchone()[0]
    audit = ledger.conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    return int(version), int(audit)


def _write_projects(ledger: Ledger, plan: ImportPlan, source: ImportSource, report: Report) -> None:
    repo = ledger.projects
    now = ledger.now()
    today = ledger.today().isoformat()
    clerk = ledger.clerk  # a settings read: once, not per row
    creates = [r for r in plan.rows if r.action == CREATE]
    new_ids: list[int] = []
    if creates:
        for r in creates:  # the plan's own objects, made for this import
            r.record.created_at = r.record.updated_at = now
        before = ledger.conn.execute("SELECT coalesce(max(id), 0) FROM projects").fetchone()[0]
        new_projects: list[Project] = [r.record for r in creates]  # type: ignore[misc]
        insert_objects(ledger.conn, "projects", new_projects)
        # Inside our write transaction SQLite hands out max(id) + 1, + 2 …: the new rows' ids.
        new_ids = [r[0] for r in ledger.conn.execute("SELECT id FROM projects WHERE id > ? ORDER BY id", (before,))]
        if len(new_ids) != len(creates):
            raise RuntimeError("imported projects did not get consecutive ids")
        reason = f"导入表格“{source.file_name}”"
        at = now.isoformat()
        insert_rows(
            ledger.conn, "stage_changes", ("project_id", "from_stage", "to_stage", "on_date", "reason", "at", "clerk"),
            [(pid, None, project.stage.value, today, reason, at, clerk)
             for pid, project in zip(new_ids, new_projects, strict=True)],
        )
        ledger.audit("bulk_create", "project", None,
                     f"导入表格“{source.file_name}”新建项目 {len(creates)} 个",
                     {"names": [None, [r.label for r in creates[:200]]]})
    month = plan.mapping.month
    month_rows: list[ProjectMonth] = []
    for pid, r in zip(new_ids, creates, strict=True):
        record = r.month_record  # checked by the plan, made for this import: filled in, not copied
        if record is not None and month:
            record.project_id, record.updated_at, record.updated_by = pid, now, clerk
            month_rows.append(record)
    if month_rows:
        insert_objects(ledger.conn, "project_months", month_rows)
    updates = [r for r in plan.rows if r.action == UPDATE]
    for done, r in enumerate(updates, start=1):
        project: Project = r.record  # type: ignore[assignment]
        summary = f"导入表格“{source.file_name}”更新项目“{project.name}”"
        repo.update(project, summary=summary, reason=f"导入表格“{source.file_name}”")
        if r.month_values and month:
            saved = repo.get(project.id)  # type: ignore[arg-type]
            existing = ledger.months.get_for(saved.id, month)  # type: ignore[arg-type]
            base = existing or ProjectMonth(project_id=saved.id, month=month, stage=saved.stage)  # type: ignore[arg-type]
            ledger.months.save(dataclasses.replace(base, stage=saved.stage, **r.month_values), summary=summary)
        if done % 200 == 0:
            report("正在写入台账…", len(creates) + done, len(plan.rows))


def _write_leads(ledger: Ledger, plan: ImportPlan, source: ImportSource, report: Report) -> None:
    creates = [r.record for r in plan.rows if r.action == CREATE]
    if creates:
        ledger.leads.add_many(creates, summary=f"导入表格“{source.file_name}”新建线索 {len(creates)} 条")  # type: ignore[arg-type]
    for r in plan.rows:
        if r.action == UPDATE:
            lead: Lead = r.record  # type: ignore[assignment]
            ledger.leads.update(lead, summary=f"导入表格“{source.file_name}”更新线索“{r.label}”")


def automatic_mapping(ledger: Ledger, table: Table, *, kind: str | None = None, month: str | None = None) -> Mapping:
    """The mapping used without the clerk: the one remembered for this heading, else the
    suggestion. Raises :class:`MappingIncomplete` when a required field has no column."""
    mapping = remembered_mapping(ledger, table)
    guessed: dict[int, str] = {}
    if mapping is None or (kind is not None and mapping.kind != kind):
        suggestion = suggest(table, kind or detect_kind(table))
        mapping = suggestion.mapping
        guessed = _guessed_required(suggestion)
    missing = mapping.missing_required()
    if missing or guessed:
        labels = {column: spec(mapping.kind, name).label for column, name in guessed.items()}
        heading = {c.index: c.name for c in table.columns}
        reasons = missing + [
            f"{label}只是猜测（表头“{heading[column]}”与“{label}”的常用写法不完全相同，不能确定就是这一列）"
            for column, label in labels.items()
        ]
        headings = "、".join(f"“{c.name}”" for c in table.columns) or "（无）"
        raise MappingIncomplete(
            f"无法自动确定必需的列：{'；'.join(reasons)}。表头是：{headings}。\n"
            "请在程序中用“文件 → 导入表格…”对应各列（确认后会记住，以后命令行导入同样表头的表格就能自动对应），"
            "或把表头改成常用写法后再试。",
            missing + list(labels.values()),
        )
    if mapping.has_month_fields():
        found = title_month(table)
        mapping.month = month or (f"{found[0]:04d}-{found[1]:02d}" if found else None)
    return mapping


def _guessed_required(suggestion: Suggestion) -> dict[int, str]:
    """For each required group that no column fills exactly (by the field's name or one of
    its synonyms), the columns (→ field) that fill it only because their heading *contains*
    such a name ("拟建项目名称及主要内容" for 项目名称): guesses no clerk has confirmed."""
    unsure = set(suggestion.unsure_columns())
    guessed: dict[int, str] = {}
    for group in required_groups(suggestion.mapping.kind):
        filling = {column: name for column, name in suggestion.mapping.fields.items() if name in group}
        if filling and unsure.issuperset(filling):
            guessed.update(filling)
    return guessed


# ------------------------------------------------------------- remembered mappings
def remembered_mapping(ledger: Ledger, table: Table) -> Mapping | None:
    row = ledger.conn.execute(
        "SELECT mapping FROM import_mappings WHERE header_key = ?", (header_key_of(table),)
    ).fetchone()
    if row is None:
        return None
    try:
        data: dict[str, Any] = json.loads(row[0])
    except ValueError:
        return None
    return Mapping.from_json(data, table.columns)


def remember_mapping(ledger: Ledger, table: Table, mapping: Mapping) -> None:
    with ledger.transaction():
        ledger.conn.execute(
            "INSERT INTO import_mappings (header_key, kind, mapping, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(header_key) DO UPDATE SET kind = excluded.kind, mapping = excluded.mapping,"
            " updated_at = excluded.updated_at",
            (header_key_of(table), mapping.kind, json.dumps(mapping.to_json(), ensure_ascii=False),
             ledger.now().isoformat()),
        )


__all__ = [
    "ImportRefused", "ImportResult", "ImportSource", "apply_import", "automatic_mapping", "existing_for", "plan_import",
    "remember_mapping", "remembered_mapping", "LEADS", "PROJECTS",
]
