"""Errors a clerk can act on. Every message is Chinese and says what, where and what to do."""

from __future__ import annotations

import errno
from dataclasses import dataclass


class DeskError(Exception):
    """An expected failure with a message for the clerk (never a bug)."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with one field: ``field`` is the code name, ``message`` is Chinese."""

    field: str
    message: str
    where: str = ""  # e.g. "第 12 行" or a project name

    def __str__(self) -> str:
        prefix = f"{self.where}：" if self.where else ""
        return f"{prefix}{self.message}"


class ValidationError(DeskError):
    exit_code = 3

    def __init__(self, errors: list[FieldError] | FieldError, title: str = "") -> None:
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        lines = [str(e) for e in self.errors]
        head = title or "填写有误"
        super().__init__(head + "：\n" + "\n".join(lines) if len(lines) > 1 else f"{head}：{lines[0]}")


class NotFoundError(DeskError):
    exit_code = 4


class RefusedError(DeskError):
    """An action the rules forbid (an impossible stage move, editing a locked month …)."""

    exit_code = 5


_OS_REASONS = {
    errno.ENOENT: "文件夹不存在",
    errno.ENOTDIR: "路径中有一项是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EACCES: "没有写入权限（文件可能被其他程序打开，或文件夹不允许写入）",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间已满",
    errno.EROFS: "磁盘是只读的",
    errno.EEXIST: "同名的文件已经存在",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EBUSY: "文件正被其他程序使用",
}


def os_reason(exc: OSError) -> str:
    """Why the system refused, in Chinese (its own text is English and may name temporary files)."""
    reason = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    if reason is None and getattr(exc, "winerror", None) == 32:  # ERROR_SHARING_VIOLATION
        reason = _OS_REASONS[errno.EBUSY]
    return reason or f"系统错误（代码 {exc.errno}）"
