"""Tasks of the breakdown table (任务分解表), their per-unit targets, and yearly targets."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

from desk.core.errors import FieldError, ValidationError
from desk.core.glossary import TaskGroup
from desk.core.models import Target, Task, TaskTarget
from desk.core.validation import target_errors, task_errors, task_target_errors
from desk.store.repo import Repo


class TaskRepo(Repo[Task]):
    table = "tasks"
    model = Task
    noun = "任务"
    entity = "task"
    validator = staticmethod(task_errors)

    def of_year(self, year: int) -> list[Task]:
        """The year's tasks grouped as in the breakdown table (招商引资, 项目建设 …), then by 序号."""
        groups = list(TaskGroup)
        tasks = self._select("year = ?", (year,), order="CAST(seq AS INTEGER), seq, id")
        return sorted(tasks, key=lambda t: groups.index(t.section))

    def years(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT year FROM tasks ORDER BY year")]

    def save_with_targets(self, task: Task, targets: Sequence[TaskTarget]) -> Task:
        """Save a task and its split per unit as one action: units left out of ``targets`` lose
        their line (and any hand-entered actual)."""
        units = [t.unit_id for t in targets]
        errors = [FieldError("unit_id", "同一单位只能分解一次", where=f"第 {i} 行")
                  for i, unit in enumerate(units, start=1) if unit in units[: i - 1]]
        for i, target in enumerate(targets, start=1):
            errors += [dataclasses.replace(e, where=f"第 {i} 行") for e in task_target_errors(target)]
        if errors:
            raise ValidationError(errors, f"任务“{task.name}”的分解指标填写有误")
        with self.ledger.transaction():
            saved = self.add(task) if task.id is None else self.update(task)
            assert saved.id is not None
            repo = self.ledger.task_targets
            existing = {t.unit_id: t for t in repo.of_task(saved.id)}
            for target in targets:
                old = existing.pop(target.unit_id, None)
                new = dataclasses.replace(target, task_id=saved.id, id=old.id if old else None)
                if old is None:
                    repo.add(new, summary=f"任务“{saved.name}”新增分解单位")
                else:
                    keep_manual = dataclasses.replace(new, actual_manual=old.actual_manual, note=old.note)
                    repo.update(keep_manual, summary=f"修改任务“{saved.name}”的分解指标")
            for old in existing.values():
                repo.delete(old.id, summary=f"任务“{saved.name}”删除分解单位")  # type: ignore[arg-type]
        return saved


class TaskTargetRepo(Repo[TaskTarget]):
    table = "task_targets"
    model = TaskTarget
    noun = "任务分解指标"
    entity = "task"
    validator = staticmethod(task_target_errors)

    def audit_target(self, obj: TaskTarget) -> tuple[str, int | None]:
        return "task", obj.task_id

    def of_task(self, task_id: int) -> list[TaskTarget]:
        return self._select("task_id = ?", (task_id,), order="unit_id")

    def of_unit(self, unit_id: int) -> list[TaskTarget]:
        return self._select("unit_id = ?", (unit_id,), order="task_id")

    def save(self, target: TaskTarget) -> TaskTarget:
        with self.ledger.transaction():
            found = self._select("task_id = ? AND unit_id = ?", (target.task_id, target.unit_id))
            if found:
                return self.update(dataclasses.replace(target, id=found[0].id))
            return self.add(dataclasses.replace(target, id=None))

    def enter_actuals(self, task_id: int, actuals: dict[int, tuple[Decimal | None, str]]) -> int:
        """Hand-entered actuals with their notes (单位 → (完成值, 说明)) for a task the ledger cannot
        count; one action. Returns how many lines changed."""
        task = self.ledger.tasks.get(task_id)
        if task.metric is not None:
            raise ValidationError(FieldError("actual_manual", f"任务“{task.name}”的完成值由台账自动统计，不能手工填报"))
        changed = 0
        with self.ledger.transaction():
            lines = {t.unit_id: t for t in self.of_task(task_id)}
            for unit_id, (actual, note) in actuals.items():
                line = lines.get(unit_id)
                if line is None:
                    raise ValidationError(FieldError("unit_id", "这个单位没有分解这项任务"), f"任务“{task.name}”")
                new = dataclasses.replace(line, actual_manual=actual, note=note.strip())
                if new != line:
                    self.update(new, summary=f"填报任务“{task.name}”的完成情况")
                    changed += 1
        return changed


class TargetRepo(Repo[Target]):
    table = "targets"
    model = Target
    noun = "年度目标"
    entity = "target"
    validator = staticmethod(target_errors)

    def describe(self, obj: Target) -> str:
        return f"{obj.year}年目标“{obj.metric.label}”"

    def of_unit(self, unit_id: int, year: int) -> list[Target]:
        return self._select("unit_id = ? AND year = ?", (unit_id, year), order="metric, id")

    def of_year(self, year: int) -> list[Target]:
        return self._select("year = ?", (year,), order="unit_id, metric, id")

    def add(self, obj: Target, *, summary: str | None = None, audit: bool = True) -> Target:
        self._refuse_duplicate(obj)
        return super().add(obj, summary=summary, audit=audit)

    def update(self, obj: Target, *, summary: str | None = None) -> Target:
        self._refuse_duplicate(obj)
        return super().update(obj, summary=summary)

    def _refuse_duplicate(self, obj: Target) -> None:
        threshold = None if obj.min_investment_wan is None else int(obj.min_investment_wan * 10_000)
        clash = self.conn.execute(
            "SELECT id FROM targets WHERE unit_id = ? AND year = ? AND metric = ? AND min_investment_yuan IS ?"
            " AND id IS NOT ?",
            (obj.unit_id, obj.year, obj.metric.value, threshold, obj.id),
        ).fetchone()
        if clash:
            raise ValidationError(FieldError("metric", f"这个单位{obj.year}年已有“{obj.metric.label}”目标，请直接修改"))
