"""One glossary: every enum has unique Chinese labels, and the schema's CHECK lists say the same."""

from __future__ import annotations

import re

import pytest

from desk import paths
from desk.core import glossary
from desk.core.glossary import ALL_ENUMS, ENUM_TITLES, LabeledEnum

SCHEMA = (paths.migrations_dir() / "0001_init.sql").read_text(encoding="utf-8")

# (table, column) → the enum its CHECK constraint must list.
CHECKED = {
    ("units", "kind"): glossary.UnitKind,
    ("projects", "category"): glossary.Category,
    ("projects", "construction_kind"): glossary.ConstructionKind,
    ("projects", "stage"): glossary.Stage,
    ("projects", "project_class"): glossary.ProjectClass,
    ("project_months", "stage"): glossary.Stage,
    ("stage_changes", "to_stage"): glossary.Stage,
    ("stage_changes", "from_stage"): glossary.Stage,
    ("approvals", "kind"): glossary.ApprovalKind,
    ("approvals", "status"): glossary.ApprovalStatus,
    ("leads", "source"): glossary.LeadSource,
    ("leads", "state"): glossary.LeadState,
    ("problems", "state"): glossary.ProblemState,
    ("tasks", "section"): glossary.TaskGroup,
    ("tasks", "indicator"): glossary.IndicatorKind,
    ("tasks", "metric"): glossary.Metric,
    ("tasks", "status"): glossary.TaskStatus,
    ("targets", "metric"): glossary.Metric,
    ("attachments", "kind"): glossary.AttachmentKind,
    ("submissions", "status"): glossary.SubmissionStatus,
    ("identity", "source"): glossary.IdentitySource,
}


def table_sql(table: str) -> str:
    match = re.search(rf"CREATE TABLE {table} \((.*?)\n\);", SCHEMA, re.S)
    assert match, table
    return match.group(1)


def check_values(table: str, column: str) -> set[str]:
    body = table_sql(table)
    match = re.search(rf"\b{column}\b[^,]*?CHECK \({column} IN \(([^)]*)\)", body, re.S)
    assert match, f"{table}.{column} has no CHECK list"
    return set(re.findall(r"'([^']*)'", match.group(1)))


@pytest.mark.parametrize(("table", "column"), sorted(CHECKED))
def test_schema_check_lists_match_the_glossary(table: str, column: str) -> None:
    assert check_values(table, column) == set(CHECKED[(table, column)].values())


def test_every_stored_enum_is_checked_by_the_schema() -> None:
    stored = {e for e in CHECKED.values()}
    not_stored = {glossary.Flag, glossary.Evidence, glossary.Claim,  # JSON lists / computed
                  glossary.RecognitionStatus, glossary.MonthFilter,
                  glossary.Light, glossary.DueState}
    assert set(ALL_ENUMS) == stored | not_stored


@pytest.mark.parametrize("enum", ALL_ENUMS, ids=lambda e: e.__name__)
def test_labels_are_chinese_unique_and_titled(enum: type[LabeledEnum]) -> None:
    labels = enum.labels()
    assert len(set(labels)) == len(labels)
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in labels if enum.__name__ != "ProjectClass")
    assert enum.__name__ in ENUM_TITLES
    for member in enum:
        assert enum.parse(member.label) is member
        assert enum.parse(member.value) is member


def test_unknown_label_is_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="不是有效的项目阶段"):
        glossary.Stage.parse("开工了")


def test_every_model_field_has_a_chinese_label() -> None:
    import dataclasses

    from desk.core import models

    skip = {"id", "created_at", "updated_at", "updated_by", "at", "clerk", "sha256", "size", "mime",
            "filename", "taken_at", "created_on", "closed_on", "unit_name", "cert_pem", "key_pem",
            "chain_pem", "fingerprint", "imported_at", "entity", "entity_id", "summary", "changes",
            "action", "files", "manifest_sha256", "folder", "late", "submitted_at", "signer",
            "reviewer", "head", "reason", "version", "from_stage", "to_stage", "min_investment_wan"}
    missing = []
    for cls in (models.Project, models.ProjectMonth, models.Lead, models.Task, models.Problem,
                models.Team, models.Trip, models.FollowUp, models.Approval, models.TaskTarget):
        for f in dataclasses.fields(cls):
            if f.name not in skip and f.name not in glossary.FIELD_LABELS:
                missing.append(f"{cls.__name__}.{f.name}")
    assert missing == []
