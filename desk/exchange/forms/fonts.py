"""The Chinese font of the PDF forms: the bundled 文泉驿微米黑, or a system font the clerk chose.

A PDF is only readable everywhere if its font is embedded, and reportlab embeds TrueType
fonts (``.ttf``, and the faces of a ``.ttc``) — not CFF/OpenType outlines. Desk ships
``resources/fonts/wqy-microhei.ttf`` (Apache-2.0, covers Latin and CJK), and lets a clerk
pick an installed 仿宋 / 宋体 / 黑体 / 楷体 instead, looked up by file name in the usual font
folders of Windows and Linux. A choice is stored as its key: ``"bundled"`` or the file name
(``"simfang.ttf"``), so that the same ledger works on another PC that has the font in a
different folder.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from desk import paths
from desk.core.errors import DeskError

BUNDLED_KEY = "bundled"
SETTING = "pdf_font"  # the ledger setting holding the chosen key, shared by every form
BUNDLED_FILE = "wqy-microhei.ttf"

# file name → (label the clerk sees, the family name Excel knows it by)
SYSTEM_FONTS: dict[str, tuple[str, str]] = {
    "simfang.ttf": ("仿宋", "仿宋"),
    "simsun.ttc": ("宋体", "宋体"),
    "simhei.ttf": ("黑体", "黑体"),
    "simkai.ttf": ("楷体", "楷体"),
    "msyh.ttc": ("微软雅黑", "微软雅黑"),
    "fangsong_gb2312.ttf": ("仿宋_GB2312", "仿宋_GB2312"),
    "stfangso.ttf": ("华文仿宋", "华文仿宋"),
    "stsong.ttf": ("华文宋体", "华文宋体"),
    "wqy-zenhei.ttc": ("文泉驿正黑", "文泉驿正黑"),
}


class FontError(DeskError):
    exit_code = 1


@dataclass(frozen=True)
class FontChoice:
    key: str  # "bundled" or a file name
    label: str
    path: Path
    excel_name: str  # the font name written into the workbook's cells
    subfont: int = 0  # the face within a .ttc

    @property
    def reportlab_name(self) -> str:
        return f"Desk-{Path(self.key).stem}-{self.subfont}"


def bundled() -> FontChoice:
    # Excel on a Chinese Windows has 宋体; the bundled font itself is only for the PDF.
    return FontChoice(BUNDLED_KEY, "文泉驿微米黑（内置）", paths.resource("fonts", BUNDLED_FILE), "宋体")


def font_folders() -> list[Path]:
    """Where Windows and Linux keep fonts, for the machine we run on."""
    folders: list[Path] = []
    if sys.platform == "win32":
        windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot") or r"C:\Windows"
        folders.append(Path(windir) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            folders.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    else:
        home = Path.home()
        folders += [home / ".local" / "share" / "fonts", home / ".fonts", Path("/usr/local/share/fonts"),
                    Path("/usr/share/fonts")]
    extra = os.environ.get("DESK_FONT_DIRS")  # tests, and IT departments with a shared font folder
    if extra:
        folders = [Path(p) for p in extra.split(os.pathsep) if p] + folders
    return folders


def find_font_file(file_name: str) -> Path | None:
    """The installed font file with this name (case-insensitive), searching sub-folders."""
    wanted = file_name.lower()
    for folder in font_folders():
        if not folder.is_dir():
            continue
        direct = folder / file_name
        if direct.is_file():
            return direct
        try:
            for root, _dirs, files in os.walk(folder):
                for name in files:
                    if name.lower() == wanted:
                        return Path(root) / name
        except OSError:
            continue
    return None


def available() -> list[FontChoice]:
    """The bundled font, then every known Chinese system font installed on this machine."""
    found = [bundled()]
    for file_name, (label, excel_name) in SYSTEM_FONTS.items():
        path = find_font_file(file_name)
        if path is not None:
            found.append(FontChoice(file_name, label, path, excel_name))
    return found


def resolve(key: str | None) -> FontChoice:
    """The font for a stored choice; an unknown or missing font raises :class:`FontError`."""
    if not key or key == BUNDLED_KEY:
        return bundled()
    path = find_font_file(key)
    if path is None:
        label = SYSTEM_FONTS.get(key.lower(), (key, key))[0]
        raise FontError(f"本机没有安装字体“{label}”（{key}），请在设置中改选其他字体或使用内置字体")
    label, excel_name = SYSTEM_FONTS.get(key.lower(), (Path(key).stem, Path(key).stem))
    return FontChoice(key, label, path, excel_name)


def resolve_or_bundled(key: str | None) -> tuple[FontChoice, str]:
    """The chosen font if it is installed and can be embedded, else the bundled one with a note
    saying why (for pre-flight, so that a missing font never stops a submission)."""
    try:
        choice = resolve(key)
        if choice.key != BUNDLED_KEY:  # the bundled font is known to embed: parsing it (0.5 s) waits for the PDF
            register(choice)
        return choice, ""
    except FontError as exc:
        return bundled(), f"{exc.message}；本次使用内置字体"


_lock = threading.Lock()


def register(choice: FontChoice) -> str:
    """Register the font with reportlab once per process; return its reportlab name."""
    return _register(choice.reportlab_name, str(choice.path), choice.subfont, choice.label)


@lru_cache(maxsize=16)
def _register(name: str, path: str, subfont: int, label: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    with _lock:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        try:
            font = TTFont(name, path, subfontIndex=subfont) if path.lower().endswith(".ttc") else TTFont(name, path)
        except TTFError as exc:
            raise FontError(f"字体“{label}”不能嵌入 PDF（需要 TrueType 字体）：{exc}") from None
        except OSError as exc:
            raise FontError(f"无法读取字体文件 {path}：{exc}") from None
        pdfmetrics.registerFont(font)
    return name
