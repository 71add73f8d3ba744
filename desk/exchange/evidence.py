"""Evidence files (现场照片、文件资料) in and out of a project-month, with their warnings.

Files are kept inside the ledger once per SHA-256 (``AttachmentRepo.attach``). Before and
after a file is attached Desk looks for what the notices forbid — a photo taken outside
the claimed month, or the same file already shown for another project or month — and
says so (desk.core.evidence); the warnings go into the audit entry too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from desk.core.errors import DeskError, RefusedError
from desk.core.evidence import MAX_FILE_BYTES, SameFile, evidence_warnings
from desk.core.glossary import AttachmentKind
from desk.core.models import Attachment
from desk.core.periods import Month
from desk.exchange import atomic
from desk.exchange.photos import classify
from desk.store.ledger import Ledger


@dataclass(frozen=True)
class FileCheck:
    """What Desk found about a file before attaching it."""

    filename: str
    kind: AttachmentKind
    mime: str
    size: int
    sha256: str
    taken_at: datetime | None
    warnings: tuple[str, ...]
    already_here: Attachment | None = None  # the same file is already attached to this project-month


@dataclass(frozen=True)
class AttachOutcome:
    check: FileCheck
    attachment: Attachment | None  # None when the file was already attached here
    notes: tuple[str, ...] = field(default=())

    @property
    def messages(self) -> tuple[str, ...]:
        return self.check.warnings + self.notes


def same_files(ledger: Ledger, sha256: str, exclude_id: int | None = None) -> list[SameFile]:
    rows = ledger.conn.execute(
        "SELECT a.id, a.project_id, p.name, a.month, a.filename FROM attachments a"
        " JOIN projects p ON p.id = a.project_id WHERE a.sha256 = ? ORDER BY a.month, a.id",
        (sha256,),
    ).fetchall()
    return [SameFile(pid, name, month, filename) for aid, pid, name, month, filename in rows if aid != exclude_id]


def inspect(ledger: Ledger, project_id: int, month: str, filename: str, data: bytes) -> FileCheck:
    """Classify a file and find every warning about attaching it to (project, month)."""
    Month.parse(month)
    if len(data) > MAX_FILE_BYTES:
        megabytes, limit = len(data) // (1024 * 1024), MAX_FILE_BYTES // (1024 * 1024)
        raise RefusedError(f"文件“{filename}”有 {megabytes} MB，超过 {limit} MB，不能放进台账；"
                           "请压缩照片或只保留需要的页。")
    kind, mime, when = classify(filename, data)
    digest = hashlib.sha256(data).hexdigest()
    here = [a for a in ledger.attachments.with_hash(digest) if a.project_id == project_id and a.month == month]
    others = [s for s in same_files(ledger, digest) if not (s.project_id == project_id and s.month == month)]
    warnings = evidence_warnings(filename, kind, month, project_id, when, others)
    return FileCheck(filename, kind, mime, len(data), digest, when, tuple(warnings), here[0] if here else None)


def attach_bytes(
    ledger: Ledger, project_id: int, month: str, filename: str, data: bytes, note: str = "",
) -> AttachOutcome:
    """Attach one file to (project, month) as one audited action; the same file twice to the
    same month is kept once."""
    project = ledger.projects.get(project_id)
    ledger.months.check_unlocked(month)
    check = inspect(ledger, project_id, month, filename, data)
    if check.already_here is not None:
        note_text = f"“{filename}”已经附在{Month.parse(month).label}（“{check.already_here.filename}”），未重复添加"
        return AttachOutcome(check, None, (note_text,))
    summary = f"项目“{project.name}”{Month.parse(month).label}新增附件“{filename}”"
    if check.warnings:
        summary += "；提醒：" + "；".join(check.warnings)
    with ledger.transaction():
        ledger.months.check_unlocked(month)  # again under the write lock: another window may have just submitted
        attachment = ledger.attachments.attach(
            Attachment(project_id=project_id, month=month, kind=check.kind, filename=filename, sha256=check.sha256,
                       size=check.size, mime=check.mime, taken_at=check.taken_at, note=note),
            data, summary=summary,
        )
    return AttachOutcome(check, attachment)


def attach_file(ledger: Ledger, project_id: int, month: str, path: Path, note: str = "") -> AttachOutcome:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DeskError(f"找不到文件：{path}") from None
    except OSError as exc:
        raise DeskError(f"无法读取文件：{path}（{exc.strerror or exc}）") from None
    return attach_bytes(ledger, project_id, month, path.name, data, note)


def attachment_warnings(ledger: Ledger, attachment: Attachment) -> list[str]:
    """The warnings about a file already attached (the evidence list shows them)."""
    others = [s for s in same_files(ledger, attachment.sha256, exclude_id=attachment.id)
              if not (s.project_id == attachment.project_id and s.month == attachment.month)]
    return evidence_warnings(attachment.filename, attachment.kind, attachment.month, attachment.project_id,
                             attachment.taken_at, others)


def month_evidence(ledger: Ledger, project_id: int, month: str) -> list[tuple[Attachment, list[str]]]:
    """The files attached to (project, month), each with its warnings."""
    return [(a, attachment_warnings(ledger, a)) for a in ledger.attachments.of_project(project_id, month)]


def save_copy(ledger: Ledger, attachment_id: int, target: Path) -> Path:
    """Write an attached file out (另存为), e.g. to show an inspector."""
    target = Path(target)
    try:
        atomic.write_bytes(target, ledger.attachments.data(attachment_id))
    except OSError as exc:
        raise DeskError(f"无法保存到 {target}（{exc.strerror or exc}）") from None
    return target
