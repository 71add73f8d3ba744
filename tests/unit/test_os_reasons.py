"""The system's refusals (disk full, no permission …) reach the clerk in Chinese."""

from __future__ import annotations

import errno

import pytest

from desk.core.errors import os_reason


@pytest.mark.parametrize(("code", "said"), [(errno.ENOSPC, "磁盘空间已满"), (errno.EACCES, "没有写入权限"),
                                            (errno.ENOTDIR, "文件而不是文件夹"), (errno.EROFS, "只读")])
def test_the_systems_refusals_are_told_in_chinese(code: int, said: str) -> None:
    text = os_reason(OSError(code, "English words", "/tmp/.a.pdf.123.part"))
    assert said in text and "English" not in text and ".part" not in text


def test_an_unknown_refusal_names_its_code() -> None:
    assert os_reason(OSError(errno.EXDEV, "Invalid cross-device link")) == f"系统错误（代码 {errno.EXDEV}）"
