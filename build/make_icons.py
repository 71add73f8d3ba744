"""Render resources/icons/desk.svg into desk.png and a multi-size desk.ico.

Run after editing the SVG (``python build/make_icons.py``); the outputs are committed so
that a build needs neither this script nor a display. Each ICO size is rendered from the
vector source rather than scaled down from 256 px, so the 16 and 32 px icons stay crisp.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
PNG_SIZE = 256


def render(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"not a valid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (keeps Qt alive)
    svg = ICONS / "desk.svg"
    (ICONS / "desk.png").write_bytes(render(svg, PNG_SIZE))
    images = [Image.open(io.BytesIO(render(svg, size))) for size in ICO_SIZES]
    largest = images[-1]
    largest.save(
        ICONS / "desk.ico", format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=images[:-1]
    )
    print(f"wrote {ICONS / 'desk.png'} and {ICONS / 'desk.ico'} ({', '.join(map(str, ICO_SIZES))} px)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
