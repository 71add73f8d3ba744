"""Build the frozen Desk with PyInstaller and, unless told not to, run its self-test.

    python build/build.py              # one-folder build: build/dist/Desk/
    python build/build.py --onefile    # single files: build/dist/desk.exe, desk-debug.exe
    python build/build.py --no-selftest

Prints how long the build took, the bundle's size and the self-test's lines; the exit
code is non-zero when the build or the self-test fails. Output stays in the git-ignored
build/dist and build/work folders.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BUILD = Path(__file__).resolve().parent
ROOT = BUILD.parent
DIST = BUILD / "dist"
WORK = BUILD / "work"


def bundle_dir() -> Path:
    return DIST / "Desk"


def debug_executable(onefile: bool = False) -> Path:
    """The console program, which prints: desk-debug.exe on Windows, the one ``desk`` elsewhere."""
    folder = DIST if onefile else bundle_dir()
    return folder / ("desk-debug.exe" if sys.platform == "win32" else "desk")


def size_mb(path: Path) -> float:
    """Size in MB as Windows Explorer counts them (2**20 bytes); symbolic links count once."""
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def build(onefile: bool, clean: bool) -> float:
    command = [
        sys.executable, "-m", "PyInstaller", str(BUILD / "desk.spec"), "--noconfirm",
        "--log-level", "WARN", "--distpath", str(DIST), "--workpath", str(WORK),
    ]
    if clean:
        command.append("--clean")
    if onefile:
        command += ["--", "--onefile"]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True)
    return time.perf_counter() - start


def selftest(executable: Path) -> float:
    env = dict(os.environ)
    env.pop("DESK_HOME", None)  # the self-test makes its own
    start = time.perf_counter()
    done = subprocess.run([str(executable), "selftest"], cwd=executable.parent, env=env, check=True, timeout=300,
                          stdout=None, stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
    seconds = time.perf_counter() - start
    if done.stderr.strip():  # a warning or a traceback the IT person would see (as qutebrowser's release build checks)
        raise UnexpectedOutput(f"the frozen self-test wrote to stderr:\n{done.stderr.strip()}")
    return seconds


class UnexpectedOutput(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the frozen Desk (PyInstaller) and self-test it")
    parser.add_argument("--onefile", action="store_true", help="single-file executables instead of a folder")
    parser.add_argument("--no-selftest", action="store_true", help="build only")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    args = parser.parse_args(argv)
    if not args.onefile and bundle_dir().exists():
        shutil.rmtree(bundle_dir())
    try:
        seconds = build(args.onefile, args.clean)
    except subprocess.CalledProcessError as exc:
        print(f"build: PyInstaller failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    target = debug_executable(args.onefile) if args.onefile else bundle_dir()
    print(f"build: {target} built in {seconds:.0f} s, {size_mb(target):.1f} MB")
    if args.no_selftest:
        return 0
    try:
        seconds = selftest(debug_executable(args.onefile))
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, UnexpectedOutput) as exc:
        if isinstance(exc, subprocess.CalledProcessError) and exc.stderr:
            print(exc.stderr, file=sys.stderr)
        print(f"build: the frozen self-test failed: {exc}", file=sys.stderr)
        return 1
    print(f"build: frozen self-test passed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
