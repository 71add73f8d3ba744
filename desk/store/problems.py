"""Problems to coordinate (存在问题 / 协调事项): 限时办结、超时预警、办结销号."""

from __future__ import annotations

import dataclasses
from datetime import date

from desk.core import problems as rules
from desk.core.errors import FieldError, ValidationError
from desk.core.glossary import ProblemState
from desk.core.models import AuditEntry, Problem
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

    def count_overdue(self, today: date | None = None) -> int:
        today = today or self.ledger.today()
        return self.count(
            f"state IN ({', '.join('?' * len(OPEN_STATES))}) AND deadline IS NOT NULL AND deadline < ?",
            (*OPEN_STATES, today.isoformat()),
        )

    def listing(self) -> list[Problem]:
        """Every problem: open ones first, each group by deadline."""
        return self._select(order="state NOT IN ('open', 'in_progress'), deadline IS NULL, deadline, id")

    # ------------------------------------------------------------ handling
    def move(self, problem_id: int, target: ProblemState, *, resolution: str | None = None,
             note: str = "") -> Problem:
        """Change a problem's state (开始办理 / 办结 / 销号 / 退回重办), dated and kept in its history."""
        with self.ledger.transaction():
            old = self.get(problem_id)
            new = rules.move(old, target, self.ledger.today(), resolution)
            if new == old:
                return old
            what = rules.ACTION_LABELS.get(target, target.label)
            if old.state == ProblemState.RESOLVED and target == ProblemState.IN_PROGRESS:
                what = "退回重办"
            summary = f"问题“{old.title}”{what}：{old.state.label} → {target.label}"
            if note.strip():
                summary += f"（{note.strip()}）"
            return self.update(new, summary=summary)

    def add_progress(self, problem_id: int, note: str) -> Problem:
        """Record how the handling goes (办理进展); a problem still 待办 becomes 办理中."""
        text = note.strip()
        if not text:
            raise ValidationError(FieldError("progress_note", "请填写办理进展"))
        with self.ledger.transaction():
            problem = self.get(problem_id)
            if problem.state == ProblemState.OPEN:
                problem = self.move(problem_id, ProblemState.IN_PROGRESS)
            self.ledger.audit("progress", self.entity, problem_id, f"办理进展：{text}", {"progress_note": [None, text]})
            return problem

    def history(self, problem_id: int, limit: int = 1000) -> list[AuditEntry]:
        """The problem's audit entries, newest first."""
        return self.ledger.audit_entries(self.entity, problem_id, limit)
