"""Problems to coordinate: a deadline, a warning once it passes, a close-out with a resolution,
and a history kept in the audit log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from desk.core.errors import RefusedError, ValidationError
from desk.core.glossary import DueState, ProblemState
from desk.core.models import Problem, Project
from desk.core.problems import due_state, due_text
from desk.store.ledger import Ledger
from tests.conftest import TODAY


def new_problem(ledger: Ledger, deadline: date | None, **kwargs) -> Problem:  # type: ignore[no-untyped-def]
    project = ledger.projects.add(Project("年产5万吨钒钛新材料项目", unit_id=ledger.unit_id))
    return ledger.problems.add(Problem(title="用地指标未落实", project_id=project.id, owner_unit="区自然资源分局",
                                       leader="王建国", deadline=deadline, **kwargs))


def test_a_problem_goes_overdue_the_day_after_its_deadline(empty: Ledger) -> None:
    problem = new_problem(empty, TODAY + timedelta(days=5))
    assert problem.created_on == TODAY and problem.state == ProblemState.OPEN
    states = {}
    for days in (0, 2, 5, 6, 30):
        day = TODAY + timedelta(days=days)
        states[days] = (due_state(problem, day), due_text(problem, day), empty.problems.count_overdue(day))
    assert states[0] == (DueState.ON_TIME, "还剩 5 天", 0)
    assert states[2] == (DueState.DUE_SOON, "还剩 3 天", 0)  # 超时预警 three days ahead
    assert states[5] == (DueState.DUE_SOON, "今天到期", 0)
    assert states[6] == (DueState.OVERDUE, "已超时 1 天", 1)
    assert states[30] == (DueState.OVERDUE, "已超时 25 天", 1)
    assert [p.id for p in empty.problems.overdue(TODAY + timedelta(days=6))] == [problem.id]


def test_closing_needs_a_resolution_and_takes_it_off_the_overdue_list(empty: Ledger) -> None:
    problem = new_problem(empty, TODAY - timedelta(days=10))
    assert empty.problems.count_overdue(TODAY) == 1
    with pytest.raises(ValidationError, match="办结或销号前请填写办结情况"):
        empty.problems.move(problem.id, ProblemState.RESOLVED, resolution="  ")
    assert empty.problems.get(problem.id).state == ProblemState.OPEN  # nothing written
    resolved = empty.problems.move(problem.id, ProblemState.RESOLVED, resolution="区自然资源分局已调剂用地指标")
    assert resolved.state == ProblemState.RESOLVED and resolved.closed_on == TODAY
    assert empty.problems.count_overdue(TODAY) == 0
    assert due_state(resolved, TODAY) == DueState.DONE_LATE  # settled, but 10 days late
    closed = empty.problems.move(problem.id, ProblemState.CLOSED)
    assert closed.state == ProblemState.CLOSED and closed.resolution == "区自然资源分局已调剂用地指标"
    with pytest.raises(RefusedError, match="已销号，不能再改变状态"):
        empty.problems.move(problem.id, ProblemState.IN_PROGRESS)


def test_the_store_refuses_a_settled_problem_without_a_resolution(empty: Ledger) -> None:
    problem = new_problem(empty, None)
    with pytest.raises(ValidationError, match="办结或销号前请填写办结情况"):
        empty.problems.update(Problem(**{**problem.__dict__, "state": ProblemState.CLOSED}))


def test_progress_notes_reopening_and_the_history(empty: Ledger) -> None:
    problem = new_problem(empty, TODAY + timedelta(days=20))
    with pytest.raises(ValidationError, match="请填写办理进展"):
        empty.problems.add_progress(problem.id, " ")
    empty.problems.add_progress(problem.id, "已与区自然资源分局对接，正在办理用地预审")
    assert empty.problems.get(problem.id).state == ProblemState.IN_PROGRESS
    empty.problems.move(problem.id, ProblemState.RESOLVED, resolution="已取得用地批复")
    reopened = empty.problems.move(problem.id, ProblemState.IN_PROGRESS, note="批复范围不含配套道路")
    assert reopened.state == ProblemState.IN_PROGRESS and reopened.closed_on is None
    assert due_state(reopened, TODAY) == DueState.ON_TIME
    history = [e.summary for e in reversed(empty.problems.history(problem.id))]
    assert history == [
        "新增问题“用地指标未落实”",
        "问题“用地指标未落实”开始办理：待办 → 办理中",
        "办理进展：已与区自然资源分局对接，正在办理用地预审",
        "问题“用地指标未落实”办结：办理中 → 已办结",
        "问题“用地指标未落实”退回重办：已办结 → 办理中（批复范围不含配套道路）",
    ]
    resolved_entry = empty.problems.history(problem.id)[1]
    assert resolved_entry.changes["resolution"] == ["", "已取得用地批复"]
    assert resolved_entry.changes["state"] == ["in_progress", "resolved"]


def test_a_problem_in_hand_cannot_go_back_to_open(empty: Ledger) -> None:
    problem = new_problem(empty, None)
    empty.problems.move(problem.id, ProblemState.IN_PROGRESS)
    with pytest.raises(RefusedError, match="不能从“办理中”改为“待办”"):
        empty.problems.move(problem.id, ProblemState.OPEN)


def test_demo_overdue_count_matches_sql(demo: Ledger) -> None:
    by_hand = demo.conn.execute(
        "SELECT count(*) FROM problems WHERE state IN ('open', 'in_progress') AND deadline < ?", (TODAY.isoformat(),)
    ).fetchone()[0]
    assert by_hand > 0
    assert demo.problems.count_overdue(TODAY) == by_hand == len(demo.problems.overdue(TODAY))
