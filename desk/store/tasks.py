"""Tasks of the breakdown table (任务分解表), their per-unit targets, and yearly targets."""

from __future__ import annotations

import dataclasses

from desk.core.models import Target, Task, TaskTarget
from desk.core.validation import task_errors
from desk.store.repo import Repo


class TaskRepo(Repo[Task]):
    table = "tasks"
    model = Task
    noun = "任务"
    entity = "task"
    validator = staticmethod(task_errors)

    def of_year(self, year: int) -> list[Task]:
        return self._select("year = ?", (year,), order="section, CAST(seq AS INTEGER), seq, id")


class TaskTargetRepo(Repo[TaskTarget]):
    table = "task_targets"
    model = TaskTarget
    noun = "任务分解指标"
    entity = "task"

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


class TargetRepo(Repo[Target]):
    table = "targets"
    model = Target
    noun = "年度目标"
    entity = "target"

    def describe(self, obj: Target) -> str:
        return f"{obj.year}年目标“{obj.metric.label}”"

    def of_unit(self, unit_id: int, year: int) -> list[Target]:
        return self._select("unit_id = ? AND year = ?", (unit_id, year), order="metric, id")

    def of_year(self, year: int) -> list[Target]:
        return self._select("year = ?", (year,), order="unit_id, metric, id")
