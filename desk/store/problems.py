"""Problems to coordinate (存在问题 / 协调事项): 限时办结、超时预警、办结销号."""

from __future__ import annotations

from datetime import date

from desk.core.glossary import ProblemState
from desk.core.models import Problem
from desk.core.validation import problem_errors
from desk.store.repo import Repo

OPEN_STATES = (ProblemState.OPEN.value, ProblemState.IN_PROGRESS.value)


class ProblemRepo(Repo[Problem]):
    table = "problems"
    model = Problem
    noun = "问题"
    entity = "problem"
    validator = staticmethod(problem_errors)

    def stamp(self, obj: Problem, *, created: bool) -> Problem:
        import dataclasses

        if created and obj.created_on is None:
            obj = dataclasses.replace(obj, created_on=self.ledger.today())
        return obj

    def of_project(self, project_id: int) -> list[Problem]:
        return self._select("project_id = ?", (project_id,), order="deadline IS NULL, deadline, id")

    def of_task(self, task_id: int) -> list[Problem]:
        return self._select("task_id = ?", (task_id,), order="deadline IS NULL, deadline, id")

    def open_problems(self) -> list[Problem]:
        return self._select(
            f"state IN ({', '.join('?' * len(OPEN_STATES))})", OPEN_STATES,
            order="deadline IS NULL, deadline, id",
        )

    def overdue(self, today: date | None = None) -> list[Problem]:
        today = today or self.ledger.today()
        return self._select(
            f"state IN ({', '.join('?' * len(OPEN_STATES))}) AND deadline IS NOT NULL AND deadline < ?",
            (*OPEN_STATES, today.isoformat()),
            order="deadline, id",
        )
