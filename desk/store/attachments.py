"""Evidence files attached to a project-month, stored in the ledger once per SHA-256."""

from __future__ import annotations

import dataclasses
import hashlib

from desk.core.models import Attachment
from desk.store.repo import Repo


class AttachmentRepo(Repo[Attachment]):
    table = "attachments"
    model = Attachment
    noun = "附件"
    entity = "project"

    def audit_target(self, obj: Attachment) -> tuple[str, int | None]:
        return "project", obj.project_id

    def describe(self, obj: Attachment) -> str:
        return f"附件“{obj.filename}”"

    def attach(self, attachment: Attachment, data: bytes, *, summary: str | None = None) -> Attachment:
        """Store ``data`` (once per hash) and the attachment row, as one action."""
        digest = hashlib.sha256(data).hexdigest()
        attachment = dataclasses.replace(attachment, sha256=digest, size=len(data))
        with self.ledger.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)",
                (digest, len(data), data),
            )
            return self.add(attachment, summary=summary)

    def data(self, attachment_id: int) -> bytes:
        att = self.get(attachment_id)
        row = self.conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (att.sha256,)).fetchone()
        return bytes(row[0])

    def of_project(self, project_id: int, month: str | None = None) -> list[Attachment]:
        if month is None:
            return self._select("project_id = ?", (project_id,), order="month, id")
        return self._select("project_id = ? AND month = ?", (project_id, month), order="id")

    def with_hash(self, sha256: str) -> list[Attachment]:
        return self._select("sha256 = ?", (sha256,), order="id")

    def delete(self, id: int, *, summary: str | None = None) -> None:
        with self.ledger.transaction():
            att = self.get(id)
            self.ledger.months.check_unlocked(att.month)  # evidence of a submitted month is part of it
            super().delete(id, summary=summary)
            self.conn.execute(
                "DELETE FROM blobs WHERE sha256 = ? AND NOT EXISTS"
                " (SELECT 1 FROM attachments WHERE sha256 = ?)",
                (att.sha256, att.sha256),
            )
