"""Why a spreadsheet cannot be imported at all (as opposed to one bad cell)."""

from __future__ import annotations

from desk.core.errors import DeskError


class SheetFileError(DeskError):
    """The file is not a readable spreadsheet, or reading it would be unsafe."""

    exit_code = 3


class PasswordProtected(SheetFileError):
    pass


class TooLarge(SheetFileError):
    pass


class MappingIncomplete(SheetFileError):
    """The automatic mapping is not sure enough to import without the clerk."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing
