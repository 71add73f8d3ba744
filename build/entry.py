"""Entry point of the frozen program: desk.exe (windowed) and desk-debug.exe (console)."""

import os
import sys

# A windowed desk.exe has no console, so sys.stdout and sys.stderr are None: give them a
# sink so that a command run from a shortcut (desk.exe selftest …) cannot fail on a print.
for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115

from desk.cli import main  # noqa: E402

raise SystemExit(main())
