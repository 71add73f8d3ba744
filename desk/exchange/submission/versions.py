"""A month's submissions: status, locking, corrections (更正) and the change list.

A month is locked once its latest version is ``submitted`` (``Ledger.is_month_locked``;
``MonthRepo`` refuses edits). A correction marks that version ``superseded`` and opens the
next one as a ``draft`` with the clerk's reason, which unlocks the month; the next export
fills the draft in as version 2, 3 … and lists what changed in the ledger since the
previous version was signed, from the audit log. Every version stays in the history.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from desk.core import contacts
from desk.core.errors import FieldError, RefusedError, ValidationError
from desk.core.glossary import SubmissionStatus, field_label
from desk.core.models import Submission
from desk.core.periods import Month, deadline_text
from desk.store.ledger import Ledger

# audit entities that are not the month's data (so not part of a change list)
NOT_DATA = ("submission", "settings", "identity", "known_cert", "ledger")
MAX_VALUE = 60
BOOKKEEPING = {"updated_by", "updated_at", "created_at"}  # who/when, not what the report says


@dataclass(frozen=True)
class MonthStatus:
    month: Month
    versions: tuple[Submission, ...]
    deadline: date
    today: date

    @property
    def latest(self) -> Submission | None:
        return self.versions[-1] if self.versions else None

    @property
    def locked(self) -> bool:
        return self.latest is not None and self.latest.status == SubmissionStatus.SUBMITTED

    @property
    def correction_open(self) -> bool:
        return self.latest is not None and self.latest.status == SubmissionStatus.DRAFT

    @property
    def next_version(self) -> int:
        latest = self.latest
        if latest is None:
            return 1
        return latest.version if latest.status == SubmissionStatus.DRAFT else latest.version + 1

    @property
    def late_if_now(self) -> bool:
        return self.today > self.deadline

    def label(self) -> str:
        latest = self.latest
        if latest is None:
            return f"{self.month.label}尚未报送，{deadline_text(self.today, self.deadline)}"
        if latest.status == SubmissionStatus.DRAFT:
            return f"{self.month.label}正在更正：第{latest.version}版待生成（原因：{latest.reason}）"
        when = latest.submitted_at.strftime("%Y-%m-%d %H:%M") if latest.submitted_at else ""
        late = "，逾期报送" if latest.late else ""
        return f"{self.month.label}已报送第{latest.version}版（{when}{late}），数据已锁定"


def status(ledger: Ledger, month: Month | str) -> MonthStatus:
    month = Month.parse(month) if isinstance(month, str) else month
    versions = tuple(ledger.submissions.of_month(str(month)))
    return MonthStatus(month, versions, ledger.deadline_rule.deadline(month), ledger.today())


def history(ledger: Ledger) -> list[Submission]:
    """Every version of every month of this unit, newest month first."""
    return ledger.submissions.where("unit_id = ?", (ledger.unit_id,), order="month DESC, version DESC")


def open_correction(ledger: Ledger, month: Month | str, reason: str) -> Submission:
    """更正: supersede the submitted version and open the next one, which unlocks the month."""
    month = Month.parse(month) if isinstance(month, str) else month
    reason = reason.strip()
    if not reason:
        raise ValidationError(FieldError("reason", "请填写更正原因"))
    with ledger.transaction():
        current = status(ledger, month)
        latest = current.latest
        if latest is None:
            raise RefusedError(f"{month.label}还没有报送，不需要更正，直接修改后报送即可")
        if latest.status == SubmissionStatus.DRAFT:
            raise RefusedError(f"{month.label}已在更正中（第{latest.version}版），修改后生成报送文件即可")
        ledger.submissions.update(dataclasses.replace(latest, status=SubmissionStatus.SUPERSEDED),
                                  summary=f"{month.label}月报第{latest.version}版转为已更正")
        draft = Submission(unit_id=ledger.unit_id, month=str(month), version=latest.version + 1,
                           status=SubmissionStatus.DRAFT, reason=reason)
        return ledger.submissions.add(draft, summary=f"{month.label}月报发起更正（第{draft.version}版）：{reason}")


def _submit_entry_id(ledger: Ledger, submission_id: int) -> int:
    row = ledger.conn.execute(
        "SELECT max(id) FROM audit_log WHERE entity = 'submission' AND entity_id = ? AND action = 'submit'",
        (submission_id,),
    ).fetchone()
    return int(row[0] or 0)


def _short(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, list):
        value = "、".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def changes_since(ledger: Ledger, previous: Submission) -> list[dict[str, Any]]:
    """What changed in the ledger's data after ``previous`` was signed, oldest first."""
    after = _submit_entry_id(ledger, previous.id or 0)
    placeholders = ", ".join("?" * len(NOT_DATA))
    rows = ledger.conn.execute(
        f"SELECT at, clerk, action, entity, entity_id, summary, changes FROM audit_log"
        f" WHERE id > ? AND entity NOT IN ({placeholders}) ORDER BY id", (after, *NOT_DATA),
    ).fetchall()
    names: dict[str, dict[int, str]] = {}
    for entity, table, column in (("project", "projects", "name"), ("problem", "problems", "title"),
                                  ("task", "tasks", "name"), ("lead", "leads", "company"),
                                  ("team", "teams", "name")):
        ids = sorted({r[4] for r in rows if r[3] == entity and r[4] is not None})
        if ids:
            found = ledger.conn.execute(
                f"SELECT id, {column} FROM {table} WHERE id IN ({', '.join('?' * len(ids))})", ids).fetchall()
            names[entity] = dict(found)
    nouns = {"project": "项目", "problem": "问题", "task": "任务", "lead": "线索", "team": "招商小分队"}
    result = []
    for at, clerk, action, entity, entity_id, summary, changes_json in rows:
        name = names.get(entity, {}).get(entity_id) if entity_id is not None else None
        about = f"{nouns.get(entity, '')}“{name}”" if name else summary
        changes = json.loads(changes_json or "{}")
        what = summary
        if action == "update" and changes:
            # contact details are personal information: masked, as in every list and export
            shown = contacts.mask_field
            parts = [f"{field_label(k)}：{_short(shown(k, v[0]))} → {_short(shown(k, v[1]))}"
                     for k, v in changes.items() if isinstance(v, list) and len(v) == 2 and k not in BOOKKEEPING]
            what = f"{summary}：" + "；".join(parts)
        result.append({"at": at, "clerk": clerk, "action": action, "entity": entity, "entity_id": entity_id,
                       "about": about, "what": what})
    return result


def previous_submitted(ledger: Ledger, month: Month | str) -> Submission | None:
    """The version a correction replaces: the newest superseded one."""
    versions = ledger.submissions.of_month(str(month))
    done = [v for v in versions if v.status == SubmissionStatus.SUPERSEDED]
    return done[-1] if done else None
