"""Where Desk finds its resources and keeps its data — from source, installed or frozen.

One helper for every path so that nothing else assumes a layout:

* resources (fonts, rule profiles, icons) and migrations live in the source tree at
  ``resources/`` and ``db/``; a wheel carries them inside the package
  (``desk/resources``, ``desk/db``); a PyInstaller bundle carries them under
  ``sys._MEIPASS``.
* data (the default ledger, settings, backups) lives in the user data folder, or,
  in portable mode (a file ``portable.txt`` beside the executable), beside the
  executable. ``DESK_HOME`` overrides both (tests point it at a temporary folder).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_DIR_NAME = "Desk"
DEFAULT_LEDGER_NAME = "ledger.desk"
SETTINGS_NAME = "settings.ini"
PORTABLE_MARKER = "portable.txt"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def resource_root() -> Path:
    """The folder that holds ``resources/`` and ``db/``."""
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
    package = Path(__file__).resolve().parent
    if (package / "resources").is_dir():
        return package
    return package.parent


def resource(*parts: str) -> Path:
    return resource_root().joinpath("resources", *parts)


def migrations_dir() -> Path:
    return resource_root() / "db" / "migrations"


def executable_dir() -> Path:
    """The folder of the program the clerk started (desk.exe, or the ``desk`` script)."""
    if is_frozen():
        return Path(sys.executable).resolve().parent
    return Path(sys.argv[0]).resolve().parent if sys.argv and sys.argv[0] else Path.cwd()


def portable_dir() -> Path | None:
    folder = executable_dir()
    return folder if (folder / PORTABLE_MARKER).is_file() else None


def data_dir() -> Path:
    """The folder for the default ledger, settings and backups (not created here)."""
    override = os.environ.get("DESK_HOME")
    if override:
        return Path(override)
    portable = portable_dir()
    if portable is not None:
        return portable
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False, roaming=False))


def default_ledger_path() -> Path:
    return data_dir() / DEFAULT_LEDGER_NAME


def settings_path() -> Path:
    return data_dir() / SETTINGS_NAME


def backups_dir(ledger_path: Path) -> Path:
    """Backups sit in a ``backups`` folder beside the ledger they belong to."""
    return Path(ledger_path).resolve().parent / "backups"
