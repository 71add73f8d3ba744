"""Warnings about the evidence files of a project-month (认定证据: site photos, documents).

The notices forbid fake starts and fake progress (海州2019 四(五), 四平2019 五(三)): a photo
taken in another month, or the same photo shown for another project or for an earlier
month, does not prove this month's progress. Desk never refuses such a file — an
inspector decides — but says so plainly, naming the file and the other project or month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from desk.core.glossary import AttachmentKind
from desk.core.periods import Month

# Above this a file is refused: a ledger is copied and mailed; phone photos are far smaller.
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class SameFile:
    """Another attachment whose content (SHA-256) equals the one being looked at."""

    project_id: int
    project_name: str
    month: str
    filename: str


def evidence_warnings(
    filename: str,
    kind: AttachmentKind,
    month: str,
    project_id: int,
    taken_at: datetime | None,
    same: Sequence[SameFile],
) -> list[str]:
    """Every warning about one file attached (or about to be attached) to a project-month."""
    claimed = Month.parse(month)
    warnings: list[str] = []
    if kind == AttachmentKind.PHOTO:
        if taken_at is None:
            warnings.append(f"照片“{filename}”没有拍摄日期（EXIF），无法核对是否摄于{claimed.label}")
        elif Month.of(taken_at.date()) != claimed:
            warnings.append(f"照片“{filename}”的拍摄日期是 {taken_at:%Y-%m-%d}，不在申报月份{claimed.label}内")
    for other in same:
        other_month = Month.parse(other.month).label
        if other.project_id != project_id:
            warnings.append(f"“{filename}”与项目“{other.project_name}”{other_month}的附件“{other.filename}”"
                            "是同一个文件，请核实是否把别的项目的照片或材料用作本项目的证据")
        elif kind == AttachmentKind.PHOTO and other.month != month:
            when = "已作为" if other.month < month else "也作为"
            warnings.append(f"照片“{filename}”{when}本项目{other_month}的证据（“{other.filename}”），"
                            f"同一张照片不能证明{claimed.label}的进度")
    return warnings
