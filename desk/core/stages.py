"""The stage machine: 储备 → 签约 → 前期 → 新开工 → 在建 → 竣工 → 投产, with 停工/复工.

Before a start the early stages may be skipped (a government-planned project can go
from the reserve straight into preliminary work); from the start on, every step is
taken in order, and nothing goes back.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from desk.core.errors import RefusedError
from desk.core.glossary import STAGE_ORDER, Stage
from desk.core.models import Project

ALLOWED: dict[Stage, frozenset[Stage]] = {
    Stage.RESERVE: frozenset({Stage.SIGNED, Stage.PRELIMINARY, Stage.NEW_START}),
    Stage.SIGNED: frozenset({Stage.PRELIMINARY, Stage.NEW_START}),
    Stage.PRELIMINARY: frozenset({Stage.NEW_START}),
    Stage.NEW_START: frozenset({Stage.CONSTRUCTION, Stage.STOPPED, Stage.COMPLETED}),
    Stage.CONSTRUCTION: frozenset({Stage.STOPPED, Stage.COMPLETED}),
    Stage.STOPPED: frozenset({Stage.RESUMED}),
    Stage.RESUMED: frozenset({Stage.CONSTRUCTION, Stage.STOPPED, Stage.COMPLETED}),
    Stage.COMPLETED: frozenset({Stage.PRODUCTION}),
    Stage.PRODUCTION: frozenset(),
}

PRE_START: frozenset[Stage] = frozenset({Stage.RESERVE, Stage.SIGNED, Stage.PRELIMINARY})


def _rank(stage: Stage) -> int:
    if stage in (Stage.STOPPED, Stage.RESUMED):
        return STAGE_ORDER.index(Stage.CONSTRUCTION)
    return STAGE_ORDER.index(stage)


def refusal(current: Stage, target: Stage) -> str | None:
    """Why ``current → target`` is impossible, in Chinese; ``None`` when it is allowed."""
    if target == current:
        return f"项目已处于“{current.label}”阶段"
    if target in ALLOWED[current]:
        return None
    if current == Stage.PRODUCTION:
        return "项目已投产，不能再改为其他阶段"
    if target in (Stage.COMPLETED, Stage.PRODUCTION) and current in PRE_START:
        return f"项目尚未开工，不能直接{target.label}（须先新开工）"
    if target == Stage.PRODUCTION:
        return "项目须先竣工，才能投产"
    if current == Stage.STOPPED and target in (Stage.CONSTRUCTION, Stage.COMPLETED):
        return "停工项目须先复工"
    if target == Stage.RESUMED:
        return "只有停工项目才能复工"
    if target == Stage.STOPPED:
        return f"“{current.label}”阶段的项目不能停工（只有开工后的项目才会停工）"
    if _rank(target) < _rank(current):
        return f"不能从“{current.label}”退回“{target.label}”"
    return f"不能从“{current.label}”直接改为“{target.label}”"


def can_move(current: Stage, target: Stage) -> bool:
    return refusal(current, target) is None


def move(project: Project, target: Stage, on: date) -> Project:
    """The project after moving to ``target`` on ``on``; raises :class:`RefusedError`."""
    reason = refusal(project.stage, target)
    if reason is None and project.stage_date is not None and on < project.stage_date:
        reason = (
            f"阶段日期 {on.isoformat()} 不能早于上一次阶段变更的日期 "
            f"{project.stage_date.isoformat()}"
        )
    if reason is not None:
        raise RefusedError(f"项目“{project.name}”：{reason}")
    changes: dict[str, object] = {"stage": target, "stage_date": on}
    if target == Stage.NEW_START and project.start_date is None:
        changes["start_date"] = on
    if target == Stage.COMPLETED and project.completion_date is None:
        changes["completion_date"] = on
    return replace(project, **changes)  # type: ignore[arg-type]


def next_stages(current: Stage) -> list[Stage]:
    """The stages a clerk may choose next, in display order."""
    order = list(Stage)
    return sorted(ALLOWED[current], key=order.index)
