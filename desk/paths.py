"""Where Desk finds its resources and keeps its data — from source, installed or frozen.

One helper for every path so that nothing else assumes a layout:

* resources (fonts, rule profiles, icons, Qt's Chinese translation) and migrations live
  in the source tree at ``resources/`` and ``db/``; a wheel carries them inside the
  package (``desk/resources``, ``desk/db``); a PyInstaller bundle carries them under
  ``sys._MEIPASS`` (the ``_internal`` folder beside ``desk.exe``, or the temporary folder
  a one-file ``desk.exe`` unpacks itself into).
* data (the default ledger, settings, backups) lives in the user data folder
  (``%LOCALAPPDATA%\\Desk`` on Windows, ``~/.local/share/Desk`` on Linux), or, in
  portable mode (a file ``portable.txt`` beside ``desk.exe`` — never inside the one-file
  program's temporary folder), beside the executable. ``DESK_HOME`` overrides both (tests
  and the self-test point it at a temporary folder).

Nothing here assumes a separator, a drive or an ASCII name: paths are ``pathlib`` paths
throughout (tests/unit/test_paths.py runs the Windows cases on Linux too).
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
        bundle = getattr(sys, "_MEIPASS", None)
        return Path(bundle) if bundle else Path(sys.executable).resolve().parent
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
    return user_data_dir()


def user_data_dir() -> Path:
    """The per-user folder. Not roaming: a ledger is large and belongs to this PC, and a
    roaming profile would copy it around at every logon (appauthor=False: no Desk\\Desk)."""
    return Path(platformdirs.PlatformDirs(APP_DIR_NAME, appauthor=False, roaming=False).user_data_dir)


def default_ledger_path() -> Path:
    return data_dir() / DEFAULT_LEDGER_NAME


def settings_path() -> Path:
    return data_dir() / SETTINGS_NAME


def backups_dir(ledger_path: Path) -> Path:
    """Backups sit in a ``backups`` folder beside the ledger they belong to."""
    return Path(ledger_path).resolve().parent / "backups"
