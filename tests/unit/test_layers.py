"""The arrow goes one way: core/store/exchange never import Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import desk

ROOT = Path(desk.__file__).parent

BLOCKER = r"""
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6'):
            raise ImportError('Qt imported below the UI: ' + name)
sys.meta_path.insert(0, Block())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print('ok', len(sys.argv) - 1)
"""


def lower_modules() -> list[str]:
    names = ["desk", "desk.paths"]
    for package in ("core", "store", "exchange"):
        names.append(f"desk.{package}")
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"desk.{package}."):
            names.append(info.name)
    return names


def test_core_store_and_exchange_import_without_qt() -> None:
    modules = lower_modules()
    assert "desk.store.ledger" in modules and "desk.core.glossary" in modules
    result = subprocess.run([sys.executable, "-c", BLOCKER, *modules], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok {len(modules)}"


def test_the_command_modules_only_touch_qt_when_asked() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER, "desk.cli", *[f"desk.commands.{m.name}" for m in pkgutil.iter_modules(
            [str(ROOT / "commands")])]],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
