"""What an import would do: every row read, matched and checked, nothing written.

A plan says, per row, whether it creates or updates (with the changed fields, old → new)
and lists every problem as (Excel row, column, Chinese message). The store applies a
plan only when it has no problems, and builds it again inside its transaction so that
what is written is exactly what was checked.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import zip_longest
from typing import Any

from desk.core import collector, stages
from desk.core.contacts import mask_field
from desk.core.glossary import Category, LeadState, field_label
from desk.core.models import Lead, Project, ProjectMonth
from desk.core.periods import Month
from desk.core.validation import lead_errors, month_errors, project_errors
from desk.exchange.sheets.container import column_letter
from desk.exchange.sheets.fields import LEADS, PROJECTS, FieldSpec
from desk.exchange.sheets.mapping import Mapping
from desk.exchange.sheets.table import Column, Table
from desk.exchange.sheets.values import CellError, reader_for, text_key

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
ACTION_LABELS = {CREATE: "新建", UPDATE: "更新", UNCHANGED: "无变化"}


@dataclass(frozen=True)
class RowError:
    row: int  # Excel row number; 0 for a problem with the whole sheet
    column: str  # the column's heading ("" when the problem is the whole row)
    message: str
    letter: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "column_letter": self.letter, "message": self.message}

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "整张表"
        if self.column:
            where += f" {self.letter}列“{self.column}”"
        return f"{where}：{self.message}"


@dataclass
class Existing:
    """What the ledger already holds, as plain objects (the store fills it in)."""

    default_unit_id: int
    units: dict[int, str]
    projects: list[Project] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    month_records: dict[int, ProjectMonth] = field(default_factory=dict)  # project id → record of plan month
    locked_months: frozenset[str] = frozenset()


@dataclass
class PlannedRow:
    excel_row: int
    action: str
    label: str
    record: Project | Lead
    existing_id: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (old, new), for display
    month_values: dict[str, Any] = field(default_factory=dict)
    filled: tuple[str, ...] = ()  # the fields the row gave a value (for a new row's listing)
    month_record: ProjectMonth | None = None  # a new project's checked month record (its id still 0)


@dataclass
class ImportPlan:
    kind: str
    sheet: str
    mapping: Mapping
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data_rows: int = 0

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.data_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.count(UNCHANGED),
            "errors": [e.to_json() for e in self.errors],
        }


def display_value(value: Any) -> str:
    from desk.core.money import format_amount

    if value is None:
        return "（空）"
    if hasattr(value, "label"):
        return str(value.label)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format_amount(value, 4).rstrip("0").rstrip(".")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


class _Builder:
    def __init__(self, table: Table, mapping: Mapping, existing: Existing) -> None:
        self.table = table
        self.mapping = mapping
        self.existing = existing
        self.columns: dict[int, Column] = {c.index: c for c in table.columns}
        self.specs: dict[int, FieldSpec] = mapping.specs()
        self.plan = ImportPlan(mapping.kind, table.sheet, mapping)
        self.unit_ids = {text_key(name): uid for uid, name in existing.units.items()}
        self.unit_keys: dict[str, str] = {}  # a unit's name as written → text_key (the column repeats a few)
        self.seen: dict[tuple[str, int | None] | tuple[str, str], int] = {}
        self.month_fields = frozenset(s.name for s in self.specs.values() if s.record == "month")
        self.readers = {
            c: reader_for(spec, unit=(self.columns[c].unit if c in self.columns else None) or table.sheet_unit,
                          date1904=table.date1904)
            for c, spec in self.specs.items()
        }

    def error(self, row: int, column: int | None, message: str) -> None:
        col = self.columns.get(column) if column is not None else None
        self.plan.errors.append(
            RowError(row, col.name if col else "", message, column_letter(column) if column is not None else "")
        )

    # ------------------------------------------------------------------ cells
    def read_columns(self) -> None:
        """Read every mapped column of the body at once (the short way for a clean column),
        keeping a :class:`CellError` in place of a cell that cannot be read."""
        body = self.table.body
        self.read: dict[int, list[Any]] = {}
        self.where = {spec.name: column for column, spec in self.specs.items()}
        self.unreadable: set[int] = set()  # body rows holding a CellError
        by_column = list(zip_longest(*(row.cells for row in body), fillvalue=""))
        blank_column = ("",) * len(body)
        for column in self.specs:
            read = self.readers[column]
            cells = by_column[column] if column < len(by_column) else blank_column
            whole = getattr(read, "column", None)
            found = whole(cells) if whole is not None else None
            if found is not None:
                self.read[column] = found
                continue
            try:
                self.read[column] = [None if raw == "" or raw is None else read(raw) for raw in cells]
            except CellError:
                self.read[column] = [self._read_one(read, raw) for raw in cells]
                self.unreadable.update(i for i, value in enumerate(self.read[column]) if isinstance(value, CellError))
        self.names = [spec.name for spec in self.specs.values()]
        read_columns = [self.read[c] for c in self.specs]
        self.by_row: list[tuple[Any, ...]] = list(zip(*read_columns, strict=True)) if read_columns else [()] * len(body)

    @staticmethod
    def _read_one(read: Any, raw: Any) -> Any:
        if raw == "" or raw is None:
            return None
        try:
            return read(raw)
        except CellError as exc:
            return exc

    def read_row(self, index: int, row: Any) -> tuple[dict[str, Any], dict[str, int], bool]:
        """Field values of body row ``index``, field → column, and whether the row had any error."""
        if not row.uncached and not row.merged_from and index not in self.unreadable:  # the usual row: no checks
            cells = zip(self.names, self.by_row[index], strict=True)
            return {name: value for name, value in cells if value is not None}, self.where, False
        values: dict[str, Any] = {}
        failed = False
        for column, spec in self.specs.items():
            if row.uncached and column in row.uncached:
                self.error(row.excel_row, column, "这是公式，但文件里没有保存计算结果（常见于由其他程序生成的文件）。"
                           "请用 Excel 或 WPS 打开并保存一次后再导入")
                failed = True
                continue
            value = self.read[column][index]
            if value is None:
                continue
            if row.merged_from and column in row.merged_from and (spec.kind == "amount"
                                                                    or spec.name in ("name", "company")):
                self.error(row.excel_row, column, f"这个单元格与第 {row.merged_from[column]} 行合并在一起，"
                           "分不清属于哪一行。请取消合并、每行分别填写后再导入")
                failed = True
                continue
            if isinstance(value, CellError):
                self.error(row.excel_row, column, str(value))
                failed = True
                continue
            values[spec.name] = value
        return values, self.where, failed

    def resolve_unit(self, row: int, values: dict[str, Any], where: dict[str, int]) -> int | None | bool:
        """The unit id named in the row; ``None`` when not named; ``False`` after an error."""
        name = values.pop("unit_id", None)
        if name is None:
            return None
        key = self.unit_keys.get(name)
        if key is None:
            key = self.unit_keys[name] = text_key(name)
        unit_id = self.unit_ids.get(key)
        if unit_id is None:
            known = "、".join(self.existing.units.values())
            self.error(row, where.get("unit_id"), f"台账中没有单位“{name}”。现有单位：{known}")
            return False
        return unit_id

    # --------------------------------------------------------------- projects
    def projects(self) -> None:
        by_key: dict[tuple[str, int], Project] = {}
        by_name: dict[str, list[Project]] = {}
        for project in self.existing.projects:
            by_key[(text_key(project.name), project.unit_id)] = project
            by_name.setdefault(text_key(project.name), []).append(project)
        month = self.mapping.month if self.mapping.has_month_fields() else None
        self.read_columns()
        for index, row in enumerate(self.table.body):
            values, where, failed = self.read_row(index, row)
            if not values and not failed:
                continue
            self.plan.data_rows += 1
            unit_id = self.resolve_unit(row.excel_row, values, where)
            failed = failed or unit_id is False
            month_values = {k: values.pop(k) for k in self.month_fields if k in values}
            name = values.get("name")
            if not name:
                if "name" not in where or where["name"] not in row.merged_from:
                    self.error(row.excel_row, where.get("name"), "缺少项目名称")
                continue
            key = text_key(name)
            if unit_id is None:
                candidates = by_name.get(key, [])
                if len(candidates) > 1:
                    units = "、".join(self.existing.units.get(p.unit_id, "") for p in candidates)
                    self.error(row.excel_row, where["name"], f"台账中有多个名为“{name}”的项目（{units}），"
                               "请在表中加一列“所属单位”后再导入")
                    continue
                old = candidates[0] if candidates else None
                target_unit = old.unit_id if old else self.existing.default_unit_id
            else:
                target_unit = int(unit_id)
                old = by_key.get((key, target_unit))
            dup_key = (key, target_unit)
            if dup_key in self.seen:
                self.error(row.excel_row, where["name"], f"与第 {self.seen[dup_key]} 行是同一个项目“{name}”")
                continue
            self.seen[dup_key] = row.excel_row
            if failed:
                continue
            self._plan_project(row.excel_row, values, where, month_values, old, target_unit, month)

    def _plan_project(self, excel_row: int, values: dict[str, Any], where: dict[str, int],
                      month_values: dict[str, Any], old: Project | None, unit_id: int, month: str | None) -> None:
        if old is None:
            values.setdefault("category", Category.OTHER)
            project = Project(unit_id=unit_id, **values)
            action, changes = CREATE, {}  # a new row's fields are listed from the record itself
        else:
            # Matched by its name as compared (no spaces, half-width, any case): the ledger's own
            # spelling stays, the sheet's "中 储 粮 …" is not a rename.
            values.pop("name", None)
            project = dataclasses.replace(old, **values)
            changes = {k: (getattr(old, k), v) for k, v in values.items() if getattr(old, k) != v}
            action = UPDATE if changes else UNCHANGED
            if "stage" in changes:
                refusal = stages.refusal(old.stage, project.stage)
                if refusal:
                    self.error(excel_row, where.get("stage"), f"{refusal}（台账中是“{old.stage.label}”）")
                    return
        problems = project_errors(project)
        for problem in problems:
            self.error(excel_row, where.get(problem.field), problem.message)
        if problems:
            return
        merged = None
        if month_values and month is not None:
            if month in self.existing.locked_months:
                return  # reported once for the whole sheet
            record = self.existing.month_records.get(old.id) if old and old.id is not None else None
            if record is None:
                base = None
                merged = ProjectMonth(project_id=old.id if old and old.id else 0, month=month, stage=project.stage,
                                      **month_values)
            else:
                base = record
                merged = dataclasses.replace(record, stage=project.stage, **month_values)
            for problem in month_errors(merged):
                column = where.get(problem.field)
                hint = "" if column is not None else f"（表中没有“{field_label(problem.field)}”列）"
                self.error(excel_row, column, problem.message + hint)
                return
            month_changes = {} if action == CREATE else {
                k: (getattr(base, k) if base else None, v) for k, v in month_values.items()
                if record is None or getattr(record, k) != v
            }
            if month_changes:
                changes.update(month_changes)
                if action == UNCHANGED:
                    action = UPDATE
        self.plan.rows.append(PlannedRow(excel_row, action, project.name, project, old.id if old else None,
                                         changes, month_values, tuple(values),
                                         merged if action == CREATE else None))

    # ------------------------------------------------------------------ leads
    def leads(self) -> None:
        by_key: dict[tuple[str, str], Lead] = {
            (text_key(lead.company), text_key(lead.person_name)): lead for lead in self.existing.leads
        }
        self.read_columns()
        for index, row in enumerate(self.table.body):
            values, where, failed = self.read_row(index, row)
            if not values and not failed:
                continue
            self.plan.data_rows += 1
            company, person = values.get("company", ""), values.get("person_name", "")
            if not company and not person:
                if not failed:
                    self.error(row.excel_row, where.get("company", where.get("person_name")),
                               "企业名称和客商姓名至少要有一项")
                continue
            key = (text_key(company), text_key(person))
            if key in self.seen:
                self.error(row.excel_row, where.get("company", where.get("person_name")),
                           f"与第 {self.seen[key]} 行是同一条线索")
                continue
            self.seen[key] = row.excel_row
            if failed:
                continue
            old = by_key.get(key)
            if old is None:
                lead = Lead(unit_id=self.existing.default_unit_id, **values)
                action, changes = CREATE, {}
            else:
                for name in ("company", "person_name"):  # matched by these as compared: kept as in the ledger
                    values.pop(name, None)
                lead = dataclasses.replace(old, **values)
                changes = {k: (getattr(old, k), v) for k, v in values.items() if getattr(old, k) != v}
                action = UPDATE if changes else UNCHANGED
            problems = [(p.field, p.message) for p in lead_errors(lead)]
            if lead.state in (LeadState.SHELVED, LeadState.ABANDONED) and not lead.state_reason.strip():
                problems.append(("state", f"线索状态为“{lead.state.label}”时须填写原因（请映射“原因”列）"))
            if lead.state == LeadState.LANDED and lead.project_id is None:
                problems.append(
                    ("state", "“落地”的线索须关联台账中的项目，导入时不能直接设为落地，请导入后在线索中办理")
                )
            for name, message in problems:
                self.error(row.excel_row, where.get(name), message)
            if problems:
                continue
            label = lead.company or lead.person_name  # the ledger's spelling for a matched lead
            self.plan.rows.append(PlannedRow(row.excel_row, action, label, lead, old.id if old else None, changes,
                                             filled=tuple(values)))

    # ------------------------------------------------------------------ notes
    def notes(self) -> None:
        plan, table = self.plan, self.table
        plan.notes.append(f"工作表“{table.sheet}”，表头在第 {'、'.join(map(str, table.header_rows))} 行，"
                          f"数据 {len(table.body)} 行")
        for row, why in table.skipped:
            plan.notes.append(f"跳过第 {row} 行：{why}")
        if table.end:
            plan.notes.append(f"读到第 {table.end[0]} 行的{table.end[1]}为止")
        unmapped = [f"{c.letter}列“{c.name}”" for c in table.columns if c.index not in self.mapping.fields]
        if unmapped:
            plan.notes.append("不导入的列：" + "、".join(unmapped))
        if self.mapping.kind == PROJECTS and "category" not in self.mapping.fields.values():
            plan.notes.append(f"表中没有“{field_label('category')}”列，新建项目的类别记为“其他”")


@collector.paused()
def build_plan(table: Table, mapping: Mapping, existing: Existing) -> ImportPlan:
    """Read, match and check every row of ``table`` under ``mapping``. Writes nothing."""
    builder = _Builder(table, mapping, existing)
    plan = builder.plan
    missing = mapping.missing_required()
    if missing:
        plan.errors.append(RowError(0, "", "没有对应到必需的列：" + "、".join(missing)))
        return plan
    if mapping.kind == PROJECTS and mapping.has_month_fields():
        if not mapping.month:
            plan.errors.append(RowError(0, "", "表中有本月完成投资、形象进度等月度数据，请指定是哪个月份的数据"))
            return plan
        if mapping.month in existing.locked_months:
            plan.errors.append(RowError(0, "", f"{Month.parse(mapping.month).label}已报送，数据已锁定，"
                                        "不能导入该月的数据"))
            return plan
    builder.notes()
    if mapping.kind == LEADS:
        builder.leads()
    else:
        builder.projects()
    plan.errors.sort(key=lambda e: (e.row, e.letter))
    return plan


def describe_changes(row: PlannedRow) -> list[str]:
    """``["总投资(万元)：5000 → 6000", …]`` for the dry-run listing (a new row: its filled fields)."""
    if row.action == CREATE:
        fields = [(name, None, getattr(row.record, name)) for name in row.filled]
        fields += [(name, None, value) for name, value in row.month_values.items()]
    else:
        fields = [(name, old, new) for name, (old, new) in row.changes.items()]
    # contact details are personal information: masked here as in every list (the JSON of a dry
    # run goes to whoever runs the command)
    return [f"{field_label(name)}：{display_value(mask_field(name, old))} → {display_value(mask_field(name, new))}"
            for name, old, new in fields]
