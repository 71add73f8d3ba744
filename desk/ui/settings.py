"""The window's own settings (size, columns, last ledger) in an INI file beside the data.

Typed keys with defaults, as in Picard's config: ``settings.get(KEY)`` returns the
declared type whatever QSettings stored. ``VERSION`` lets later releases upgrade keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from desk import paths

VERSION = 1


@dataclass(frozen=True)
class Key:
    name: str
    default: Any
    kind: type


LAST_LEDGER = Key("ledger/last", "", str)
RECENT_LEDGERS = Key("ledger/recent", [], list)
GEOMETRY = Key("window/geometry", QByteArray(), QByteArray)
STATE = Key("window/state", QByteArray(), QByteArray)
SECTION = Key("window/section", "projects", str)


class UiSettings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.q = QSettings(str(self.path), QSettings.Format.IniFormat)
        self._upgrade()

    def _upgrade(self) -> None:
        stored = int(self.q.value("meta/version", 0) or 0)
        if stored < VERSION:
            self.q.setValue("meta/version", VERSION)

    def get(self, key: Key) -> Any:
        value = self.q.value(key.name, key.default)
        if value is None:
            return key.default
        if key.kind is list:
            if isinstance(value, str):
                return [value] if value else []
            return list(value)
        if key.kind is bool:
            return value in (True, "true", "1", 1)
        if key.kind is QByteArray:
            return value if isinstance(value, QByteArray) else key.default
        try:
            return key.kind(value)
        except (TypeError, ValueError):
            return key.default

    def set(self, key: Key, value: Any) -> None:
        self.q.setValue(key.name, value)

    def value(self, name: str, default: Any = None) -> Any:
        """An ad-hoc key (column widths of one table …)."""
        return self.q.value(name, default)

    def set_value(self, name: str, value: Any) -> None:
        self.q.setValue(name, value)

    def remember_ledger(self, path: Path) -> None:
        text = str(Path(path).resolve())
        recent = [p for p in self.get(RECENT_LEDGERS) if p != text]
        self.set(RECENT_LEDGERS, [text, *recent][:8])
        self.set(LAST_LEDGER, text)

    def sync(self) -> None:
        self.q.sync()
