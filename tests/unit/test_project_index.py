"""The in-memory project index answers every filter exactly as the SQL search does."""

from __future__ import annotations

import itertools

import pytest

from desk.core.glossary import Category, ProjectClass, Stage
from desk.core.models import Project
from desk.store.ledger import Ledger
from desk.store.project_index import ProjectIndex
from desk.store.projects import ProjectFilter


def filters(ledger: Ledger) -> list[ProjectFilter]:
    leaders = ledger.projects.distinct_values("leader")[:2]
    units = frozenset(u.id for u in ledger.units.all()[1:3])
    some_ids = frozenset(ledger.projects.search_ids()[::3])
    return [
        ProjectFilter(),
        ProjectFilter(text="海州"),
        ProjectFilter(text="项目 加工"),
        ProjectFilter(text="Low-e"),  # ASCII folds as LIKE folds it
        ProjectFilter(text="100%"),  # LIKE's wildcards are literal
        ProjectFilter(text="王建国"),  # a leader
        ProjectFilter(text="韩家店镇"),  # a responsible unit
        ProjectFilter(stages=frozenset({Stage.CONSTRUCTION, Stage.STOPPED})),
        ProjectFilter(categories=frozenset({Category.TOURISM}), text="区"),
        ProjectFilter(leaders=frozenset(leaders)),
        ProjectFilter(unit_ids=units),
        ProjectFilter(classes=frozenset({ProjectClass.C, ProjectClass.D})),
        ProjectFilter(in_statistics=True),
        ProjectFilter(in_statistics=False, stages=frozenset({Stage.CONSTRUCTION})),
        ProjectFilter(not_updated_in="2026-10"),
        ProjectFilter(not_updated_in="2026-11", text="有限"),
        ProjectFilter(ids=some_ids, text="园"),
        ProjectFilter(ids=frozenset()),
        ProjectFilter(include_archived=True),
    ]


def test_every_filter_and_order_matches_the_sql_search(demo: Ledger) -> None:
    archived = demo.projects.get(demo.projects.search_ids()[5])
    demo.projects.archive(archived.id)  # type: ignore[arg-type]
    index = ProjectIndex(demo)
    orders = ["id", "name", "unit", "stage", "total_investment", "invested_month", "month_updated", "leader"]
    checked = 0
    for f, order, descending in itertools.product(filters(demo), orders, (False, True)):
        expected = demo.projects.search_ids(f, order, descending, month="2026-10")
        assert index.search(f, order, descending, month="2026-10") == expected, (f, order, descending)
        checked += len(expected)
    assert checked > 10_000  # the filters really select something


def test_index_follows_the_ledger_after_invalidate(demo: Ledger) -> None:
    index = ProjectIndex(demo)
    assert index.search(ProjectFilter(text="新建的测试项目")) == []
    added = demo.projects.add(Project("新建的测试项目", unit_id=demo.unit_id))
    assert index.search(ProjectFilter(text="新建的测试项目")) == []  # stale until told
    index.invalidate()
    assert index.search(ProjectFilter(text="新建的测试项目")) == [added.id]
    assert index.count() == demo.count("projects", "archived = 0")


def test_sql_extra_clauses_go_to_the_store(demo: Ledger) -> None:
    f = ProjectFilter(extra=[("p.total_investment_yuan > ?", (100_000 * 10_000,))])
    assert ProjectIndex(demo).search(f) == demo.projects.search_ids(f)


@pytest.mark.parametrize("key", ["stage", "category"])
def test_enum_columns_sort_in_the_glossary_order(demo: Ledger, key: str) -> None:
    projects = demo.projects.by_ids(demo.projects.search_ids(order_by=key))
    order = list(Stage if key == "stage" else Category)
    ranks = [order.index(getattr(p, key)) for p in projects]
    assert ranks == sorted(ranks)
