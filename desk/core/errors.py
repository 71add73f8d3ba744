"""Errors a clerk can act on. Every message is Chinese and says what, where and what to do."""

from __future__ import annotations

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
