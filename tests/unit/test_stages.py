from __future__ import annotations

from datetime import date

import pytest

from desk.core import stages
from desk.core.errors import RefusedError
from desk.core.glossary import Stage
from desk.core.models import Project


def project(stage: Stage, stage_date: date | None = None) -> Project:
    return Project(name="测试项目", unit_id=1, stage=stage, stage_date=stage_date)


@pytest.mark.parametrize(
    ("current", "target", "why"),
    [
        (Stage.PRELIMINARY, Stage.COMPLETED, "尚未开工"),
        (Stage.RESERVE, Stage.PRODUCTION, "尚未开工"),
        (Stage.PRODUCTION, Stage.CONSTRUCTION, "已投产"),
        (Stage.CONSTRUCTION, Stage.PRELIMINARY, "退回"),
        (Stage.STOPPED, Stage.CONSTRUCTION, "须先复工"),
        (Stage.CONSTRUCTION, Stage.RESUMED, "只有停工项目"),
        (Stage.SIGNED, Stage.STOPPED, "不能停工"),
        (Stage.CONSTRUCTION, Stage.PRODUCTION, "须先竣工"),
        (Stage.NEW_START, Stage.NEW_START, "已处于"),
    ],
)
def test_impossible_moves_are_refused_with_the_reason(current: Stage, target: Stage, why: str) -> None:
    with pytest.raises(RefusedError, match=why):
        stages.move(project(current), target, date(2026, 5, 1))


def test_the_main_line_and_the_side_states_are_allowed() -> None:
    p = project(Stage.RESERVE)
    for target in (Stage.SIGNED, Stage.PRELIMINARY, Stage.NEW_START, Stage.CONSTRUCTION, Stage.STOPPED,
                   Stage.RESUMED, Stage.CONSTRUCTION, Stage.COMPLETED, Stage.PRODUCTION):
        p = stages.move(p, target, date(2026, 6, 1))
        assert p.stage == target
    assert p.start_date == date(2026, 6, 1) and p.completion_date == date(2026, 6, 1)


def test_a_move_cannot_be_dated_before_the_previous_one() -> None:
    with pytest.raises(RefusedError, match="不能早于"):
        stages.move(project(Stage.PRELIMINARY, date(2026, 5, 1)), Stage.NEW_START, date(2026, 4, 1))
