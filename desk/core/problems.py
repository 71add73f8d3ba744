"""Problems to coordinate (存在问题 / 协调事项): 限时办结、超时预警、办结销号.

港南2018 (``003``) wants every problem handled within a deadline, a warning once it passes,
and a close-out; 秦皇岛2018 (``004``) the same, problem by problem until solved. A problem
moves:

    待办 → 办理中 → 已办结 → 已销号
      └──────────┴→ 已办结 / 已销号 (directly, with the resolution)
    已办结 → 办理中 (退回重办: the resolution did not hold)

办结 and 销号 need a resolution note. 已销号 is final. A problem is overdue (已超时)
while it is 待办 or 办理中 after its deadline day; within ``DUE_SOON_DAYS`` of the deadline
it is 即将到期.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from desk.core.errors import FieldError, RefusedError, ValidationError
from desk.core.glossary import DueState, ProblemState
from desk.core.models import Problem

DUE_SOON_DAYS = 3
OPEN_STATES = frozenset({ProblemState.OPEN, ProblemState.IN_PROGRESS})
DONE_STATES = frozenset({ProblemState.RESOLVED, ProblemState.CLOSED})

TRANSITIONS: dict[ProblemState, frozenset[ProblemState]] = {
    ProblemState.OPEN: frozenset({ProblemState.IN_PROGRESS, ProblemState.RESOLVED, ProblemState.CLOSED}),
    ProblemState.IN_PROGRESS: frozenset({ProblemState.RESOLVED, ProblemState.CLOSED}),
    ProblemState.RESOLVED: frozenset({ProblemState.CLOSED, ProblemState.IN_PROGRESS}),
    ProblemState.CLOSED: frozenset(),
}
# What a clerk presses to make each move.
ACTION_LABELS: dict[ProblemState, str] = {
    ProblemState.IN_PROGRESS: "开始办理",
    ProblemState.RESOLVED: "办结",
    ProblemState.CLOSED: "销号",
}


def due_state(problem: Problem, today: date) -> DueState:
    if problem.state in DONE_STATES:
        if problem.deadline is not None and problem.closed_on is not None and problem.closed_on > problem.deadline:
            return DueState.DONE_LATE
        return DueState.DONE_ON_TIME
    if problem.deadline is None:
        return DueState.NO_DEADLINE
    if problem.deadline < today:
        return DueState.OVERDUE
    if (problem.deadline - today).days <= DUE_SOON_DAYS:
        return DueState.DUE_SOON
    return DueState.ON_TIME


def due_text(problem: Problem, today: date) -> str:
    """``"已超时 12 天"``, ``"今天到期"``, ``"还剩 3 天"``, ``"按期办结"`` …"""
    state = due_state(problem, today)
    if state in (DueState.OVERDUE, DueState.DUE_SOON, DueState.ON_TIME):
        assert problem.deadline is not None
        left = (problem.deadline - today).days
        if left < 0:
            return f"已超时 {-left} 天"
        if left == 0:
            return "今天到期"
        return f"还剩 {left} 天"
    return state.label


def can_move(problem: Problem, target: ProblemState) -> bool:
    return target in TRANSITIONS[problem.state]


def move(problem: Problem, target: ProblemState, today: date, resolution: str | None = None) -> Problem:
    """The problem in its new state; refuses impossible moves and a close without a resolution."""
    if target == problem.state:
        return problem
    if not can_move(problem, target):
        if problem.state == ProblemState.CLOSED:
            raise RefusedError(f"问题“{problem.title}”已销号，不能再改变状态")
        raise RefusedError(f"问题“{problem.title}”不能从“{problem.state.label}”改为“{target.label}”")
    changes: dict[str, object] = {"state": target}
    if target in DONE_STATES:
        text = (resolution if resolution is not None else problem.resolution).strip()
        if not text:
            raise ValidationError(FieldError("resolution", "办结或销号前请填写办结情况"), f"问题“{problem.title}”")
        changes["resolution"] = text
        if problem.state in OPEN_STATES or problem.closed_on is None:
            changes["closed_on"] = today
    else:
        changes["closed_on"] = None  # reopened: no longer settled
    return dataclasses.replace(problem, **changes)  # type: ignore[arg-type]
