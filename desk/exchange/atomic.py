"""Writing a file so that it is either complete or not there at all.

A form, a certificate or a copied attachment is written under a temporary name beside the
target, flushed to the disk, and only then renamed over the target. A failure half-way (disk
full, the USB stick pulled, a bug) removes the temporary file and leaves whatever was at the
target before untouched; a power cut leaves at most a ``.part`` file that no one takes for the
real one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def temporary_beside(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.part")


def sync_file(path: Path) -> None:
    """Flush ``path``'s bytes to the disk."""
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def sync_folder(folder: Path) -> None:
    """Make a rename inside ``folder`` survive a power cut (POSIX; Windows has no folder handles
    to flush and its file system journals the rename itself)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # best effort: the file itself is complete already
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def replacing(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target`` complete."""
    target = Path(target)
    temp = temporary_beside(target)
    try:
        yield temp
        sync_file(temp)
        os.replace(temp, target)
    except BaseException:
        try:
            temp.unlink(missing_ok=True)
        except OSError:
            pass  # the original error is the one to report
        raise
    sync_folder(target.parent)


def write_bytes(target: Path | str, data: bytes) -> Path:
    target = Path(target)
    with replacing(target) as temp:
        temp.write_bytes(data)
    return target


def write_text(target: Path | str, text: str, encoding: str = "utf-8") -> Path:
    return write_bytes(target, text.encode(encoding))
